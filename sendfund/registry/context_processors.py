from django.utils.functional import SimpleLazyObject

from . import selectors


def _name() -> str:
    council = selectors.council()
    return council.name if council else "the council"


def council(request):
    """The council's name for every page (one query, only on pages that show it)."""
    return {"council_name": SimpleLazyObject(_name)}
