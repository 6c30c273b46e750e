"""Pagination links for list pages (the `components/pagination.html` partial)."""


def query_without_page(request) -> str:
    """The current filters as a query string ending in '&' (or empty), for pagination links to add
    `page=N` to."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode() + "&" if query else ""
