"""Dates of returns and reminders, in working days (England and Wales bank holidays, casework/workdays.py)."""

import calendar
import datetime as dt

from sendfund.casework.workdays import add_working_days, is_working_day

DEFAULTS = [("interim", 6, 0), ("final", None, 20)]  # (kind, months after acceptance or None, working days)
# Reminders: working days from the due date (negative: before it), and what the email says.
REMINDERS = [("before_10", -10), ("due", 0), ("after_5", 5), ("after_10", 10)]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def on_or_after_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def shift_working_days(day: dt.date, days: int) -> dt.date:
    """`days` working days after `day` (before it when negative); `day` itself does not count."""
    if days >= 0:
        return add_working_days(day, days)
    left = -days
    while left > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def due_date(anchor: dt.date, working_days: int) -> dt.date:
    """A return is due `working_days` working days after its anchor date, or on the first working day from it."""
    return add_working_days(anchor, working_days) if working_days else on_or_after_working_day(anchor)


def reminder_due(*, due_on: dt.date, today: dt.date) -> str | None:
    """The latest reminder whose day has come (None before the first). Earlier ones not sent are skipped:
    a cluster gets the one reminder that says where it stands today."""
    latest = None
    for code, offset in REMINDERS:
        if shift_working_days(due_on, offset) <= today:
            latest = code
    return latest
