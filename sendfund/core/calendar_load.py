"""Loading a newer bank-holiday calendar from a file in GOV.UK's format (https://www.gov.uk/bank-holidays.json):

    {"england-and-wales": {"division": "england-and-wales",
                           "events": [{"title": "New Year's Day", "date": "2029-01-01", "notes": "", "bunting": true}]},
     "scotland": {...}, "northern-ireland": {...}}

Only the England and Wales division is read (the council is in England). The dates are added to the
database, where `sendfund.core.workdays` reads them with the calendar bundled with govuk-bank-holidays.
"""

import datetime as dt
import json
from dataclasses import dataclass

from django.db import transaction

from .audit import audit_record
from .errors import DomainError
from .models import BankHoliday
from .workdays import forget_calendar

DIVISION = "england-and-wales"


@dataclass
class Loaded:
    added: int
    updated: int
    first: dt.date | None
    last: dt.date | None


def _events(data, source: str) -> list[tuple[dt.date, str]]:
    if not isinstance(data, dict) or not isinstance(data.get(DIVISION), dict):
        raise DomainError(f"{source}: this is not a GOV.UK bank-holidays file: there is no '{DIVISION}' division.")
    events = data[DIVISION].get("events")
    if not isinstance(events, list) or not events:
        raise DomainError(f"{source}: the '{DIVISION}' division has no events.")
    out = []
    for number, event in enumerate(events, start=1):
        if not isinstance(event, dict):
            raise DomainError(f"{source}: event {number} of '{DIVISION}' is not an object.")
        title, raw = event.get("title"), event.get("date")
        if not isinstance(title, str) or not title.strip():
            raise DomainError(f"{source}: event {number} of '{DIVISION}' has no title.")
        try:
            day = dt.date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
        except ValueError:
            day = None
        if day is None or not 1900 <= day.year <= 2200:
            raise DomainError(f"{source}: event {number} of '{DIVISION}' ({title.strip()}) has the date {raw!r}; "
                              "dates are written 2029-01-01.")
        out.append((day, title.strip()[:150]))
    return out


@transaction.atomic
def bank_holidays_load(*, text: str, source: str, actor=None) -> Loaded:
    """Add or update England and Wales bank holidays from a GOV.UK bank-holidays JSON text. Raises DomainError
    naming the file and the event if it is not in that format; then nothing is saved."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DomainError(f"{source}: this is not JSON ({exc.msg} at line {exc.lineno}).") from None
    events = _events(data, source)
    existing = {h.date: h for h in BankHoliday.objects.filter(date__in=[d for d, _ in events])}
    added = updated = 0
    for day, title in events:
        holiday = existing.get(day)
        if holiday is None:
            BankHoliday.objects.create(date=day, title=title, source=source[:255])
            added += 1
        elif holiday.title != title:
            holiday.title, holiday.source = title, source[:255]
            holiday.save(update_fields=["title", "source"])
            updated += 1
    days = [d for d, _ in events]
    result = Loaded(added, updated, min(days), max(days))
    audit_record(actor=actor, verb="calendar.bank_holidays_loaded", label="Bank holidays",
                 after={"file": source, "added": added, "updated": updated, "first": result.first,
                        "last": result.last})
    transaction.on_commit(forget_calendar)
    return result
