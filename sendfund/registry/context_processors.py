from django.utils.functional import SimpleLazyObject

from . import selectors


def council(request):
    """The council's name for every page (one query, only on pages that show it)."""
    return {"council_name": SimpleLazyObject(selectors.council_name)}
