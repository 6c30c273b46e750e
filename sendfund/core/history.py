"""Audit events told in plain English for the people who read a history (issue 8).

Each app says how its verbs read in a module `sendfund.<app>.history` with a dict `DESCRIBE` of
verb -> function(event) returning a sentence, or (sentence, [details]). Core loads those modules by
name (no import of a higher layer), so the words live with the app that knows the records. A history
for a cluster shows only the events whose verb's audience is "cluster" (sendfund.core.audit.AUDIT_VERBS),
and names the council's staff as "The council".
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import import_module
from typing import Any

from django.conf import settings
from django.utils import timezone

from .audit import AUDIT_VERBS, CLUSTER
from .money import format_pounds
from .years import fy_label


@dataclass
class Entry:
    at: dt.datetime
    who: str
    what: str
    details: list[str] = field(default_factory=list)


@dataclass
class Event:
    """What a describer reads: who acted, the payloads (never None), and who will read it."""

    who: str
    verb: str
    before: dict[str, Any]
    after: dict[str, Any]
    target_label: str
    for_cluster: bool


Describer = Callable[[Event], "str | tuple[str, list[str]]"]


@cache
def describers() -> dict[str, Describer]:
    found: dict[str, Describer] = {}
    for app in settings.INSTALLED_APPS:
        if not app.startswith("sendfund."):
            continue
        try:
            module = import_module(f"{app}.history")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.history":
                raise
            continue
        found.update(getattr(module, "DESCRIBE", {}))
    return found


def history(events: Iterable, *, for_cluster: bool = False, own_user_ids: Iterable[int] = ()) -> list[Entry]:
    """The events as entries a person reads: who (a name), what (a sentence), the details. For a cluster,
    only events that concern it, and the council's people named as "The council"."""
    own = set(own_user_ids)
    entries = []
    table = describers()
    for event in events:
        spec = AUDIT_VERBS.get(event.verb)
        if for_cluster and (spec is None or spec.audience != CLUSTER):
            continue
        who = _who(event, for_cluster=for_cluster, own=own)
        describe = table.get(event.verb)
        view = Event(who=who, verb=event.verb, before=event.before or {}, after=event.after or {},
                     target_label=event.target_label, for_cluster=for_cluster)
        told = describe(view) if describe else f"{who} made a change"
        what, details = (told, []) if isinstance(told, str) else told
        entries.append(Entry(at=event.at, who=who, what=what, details=[d for d in details if d]))
    return entries


def _who(event, *, for_cluster: bool, own: set[int]) -> str:
    if event.actor_id is None:
        return "The system" if event.actor_label in ("", "system") else event.actor_label
    if for_cluster and event.actor_id not in own:
        return "The council"
    return event.actor.full_name or event.actor_label


# --- words for values, shared by every app's describers --------------------------------------------------

def money(value) -> str:
    if value in (None, ""):
        return "no amount"
    return format_pounds(Decimal(str(value)))


def fy(value) -> str:
    return fy_label(int(value))


def day(value) -> str:
    """A date (or the date of a datetime) as people write it: 3 December 2026."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value:%-d %B %Y}"
    return f"{value:%-d %B %Y}"


def moment(value) -> str:
    """A date and time: 3 December 2026 at 2:30pm."""
    if not value:
        return ""
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    when = timezone.localtime(when) if timezone.is_aware(when) else when
    return f"{when:%-d %B %Y} at {when:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def name(value) -> str:
    """A person as audit payloads carry them ({"id", "name"}), or nobody."""
    if isinstance(value, dict):
        return value.get("name") or "someone"
    return "nobody" if value in (None, "") else "someone"


def listing(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def amounts(lines: list[dict], key: str) -> str:
    """£7,500.00 for capacity in FY 2026-27 and £2,000.00 for development in FY 2027-28."""
    return listing([f"{money(line.get(key))} for {line.get('stream', 'funding')} in {fy(line['financial_year'])}"
                    for line in lines or [] if line.get(key) is not None]) or "no amounts"


def status(value: str) -> str:
    return (value or "").replace("_", " ")


DESCRIBE = {
    "calendar.bank_holidays_loaded": lambda e: (
        f"{e.who} loaded bank holidays from {e.after.get('file', 'a file')}",
        [f"{e.after.get('added', 0)} added and {e.after.get('updated', 0)} updated, from {day(e.after.get('first'))} "
         f"to {day(e.after.get('last'))}."]),
    "notification.retried": lambda e: f"{e.who} sent the email {e.target_label} again",
    "notification.readdressed": lambda e: (f"{e.who} sent the email {e.target_label} to the cluster's people",
                                           [f"To: {listing(list(e.after.get('to') or []))}."]),
    "notifications.held_after_restore": lambda e: (
        f"{e.who} held the emails written before {moment(e.after.get('before'))} after a restore",
        [f"{e.after.get('held', 0)} emails held, so none is sent twice."]),
}
