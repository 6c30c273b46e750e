"""The service navigation and the two home pages' links.

Each app registers its entry points in its AppConfig.ready with `register(...)`; a user sees
only the entries whose permission check they pass.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Entry:
    order: int
    text: str
    url_name: str
    check: Callable[[Any], bool]  # the permission: given the user, may they use it?
    area: str  # "manage" (LA) or "apply" (clusters)
    description: str = ""
    in_navigation: bool = True


ENTRIES: list[Entry] = []


def register(*, order: int, text: str, url_name: str, check, area: str, description: str = "",
             in_navigation: bool = True) -> None:
    if any(e.url_name == url_name and e.area == area for e in ENTRIES):
        return
    ENTRIES.append(Entry(order, text, url_name, check, area, description, in_navigation))
    ENTRIES.sort(key=lambda e: e.order)


def _visible(user, *, area: str | None = None):
    for entry in ENTRIES:
        if area is not None and entry.area != area:
            continue
        if not entry.check(user):
            continue
        try:
            yield entry, reverse(entry.url_name)
        except NoReverseMatch:
            continue


def navigation_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = [{"text": e.text, "href": href, "current": False} for e, href in _visible(user) if e.in_navigation]
    matching = [i for i in items if request.path.startswith(i["href"])]
    if matching:
        max(matching, key=lambda i: len(i["href"]))["current"] = True
    return items


def home_links(user, *, area: str) -> list[dict]:
    return [{"text": e.text, "href": href, "description": e.description}
            for e, href in _visible(user, area=area) if e.url_name not in ("manage-home", "apply-home")]


# --- panels on a home page --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Panel:
    order: int
    template: str
    context: Callable[[Any], dict | None]  # given the user, the template's figures (None: nothing for them)
    check: Callable[[Any], bool]  # given the user, may they see it?
    area: str


PANELS: list[Panel] = []


def register_panel(*, order: int, template: str, context: Callable[[Any], dict | None],
                   check: Callable[[Any], bool], area: str = "manage") -> None:
    """A block of a home page drawn by a higher app (the LA's dashboard is drawn by reports): `context(user)`
    gives the template its figures; the panel shows to users who pass `check`."""
    if any(p.template == template for p in PANELS):
        return
    PANELS.append(Panel(order, template, context, check, area))
    PANELS.sort(key=lambda p: p.order)


def home_panels(user, *, area: str) -> list[tuple[str, dict]]:
    """The (template, context) of each panel this user's home page in `area` shows."""
    shown = []
    for panel in PANELS:
        if panel.area == area and panel.check(user):
            context = panel.context(user)
            if context is not None:
                shown.append((panel.template, context))
    return shown
