"""Working days in England and Wales: weekends and bank holidays excluded.

Bank holidays come from govuk-bank-holidays' bundled data (offline; it ends in December 2028) together
with any loaded into the database from a newer GOV.UK file (`manage.py load_bank_holidays FILE`). Past
the calendar's last date no holiday is known, so a deadline there may be a day early: `calendar_ends_on`
and `beyond_calendar` let pages warn about it.
"""

import datetime as dt
import time
from dataclasses import dataclass

from govuk_bank_holidays.bank_holidays import BankHolidays

REFRESH_SECONDS = 600  # a newer calendar loaded by the command reaches running sites within this time


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[dt.date]
    ends_on: dt.date  # the last date the calendar knows the holidays up to (31 December of its last year)


_cache: dict[str, tuple[float, Calendar]] = {}


def _bundled() -> list[dt.date]:
    data = BankHolidays(use_cached_holidays=True)
    return [h["date"] for h in data.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)]


def calendar() -> Calendar:
    """The bundled holidays and the loaded ones, read at most once every REFRESH_SECONDS. One query."""
    cached = _cache.get("calendar")
    if cached is not None and time.monotonic() - cached[0] < REFRESH_SECONDS:
        return cached[1]
    from .models import BankHoliday

    days = set(_bundled()) | set(BankHoliday.objects.values_list("date", flat=True))
    result = Calendar(frozenset(days), dt.date(max(days).year, 12, 31))
    _cache["calendar"] = (time.monotonic(), result)
    return result


def forget_calendar() -> None:
    """Read the calendar again on next use (after loading a newer one)."""
    _cache.clear()


def calendar_ends_on() -> dt.date:
    return calendar().ends_on


def beyond_calendar(day: dt.date | None) -> bool:
    """Whether a date is past the last date the bank-holiday calendar covers (so holidays there are unknown)."""
    return day is not None and day > calendar().ends_on


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in calendar().holidays


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself does not count)."""
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def latest_start_overdue_by(today: dt.date, days: int) -> dt.date:
    """The last date whose deadline `days` working days later falls before `today`.

    Something started on or before the returned date is overdue on `today`; anything started after
    it is not. Lets lists filter "overdue" in the database with one date comparison.
    """
    day = today - dt.timedelta(days=1)
    while add_working_days(day, days) >= today:
        day -= dt.timedelta(days=1)
    return day
