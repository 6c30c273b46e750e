"""Pagination for list pages: links (the `components/pagination.html` partial) and a paginator told its count."""

from functools import cached_property

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    """Django's Paginator, given the number of items (already worked out, for example from the counts per
    state a list shows), so that it does not ask the database to count them again. `count` must be the number
    of items in `object_list`: a larger one gives empty pages, a smaller one hides the last items."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        self._given_count = count
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self) -> int:
        return self._given_count


def query_without_page(request) -> str:
    """The current filters as a query string ending in '&' (or empty), for pagination links to add
    `page=N` to."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode() + "&" if query else ""
