"""Working days in England and Wales: weekends and bank holidays excluded.

Bank holidays come from govuk-bank-holidays' bundled data (offline; it covers to 2028). Past that
the bundled list simply has no holidays, so a date there counts weekends only.
"""

import datetime as dt
from functools import lru_cache

from govuk_bank_holidays.bank_holidays import BankHolidays

# The service's targets (product.md part 5): acknowledge a submission, and contact the cluster host
# to arrange the meeting, within this many working days of submission.
ACKNOWLEDGE_WITHIN = 5
CONTACT_WITHIN = 10
# The cluster is asked to answer a request for more information within this many working days.
ANSWER_WITHIN = 10


@lru_cache(maxsize=1)
def _holidays() -> frozenset[dt.date]:
    data = BankHolidays(use_cached_holidays=True)
    return frozenset(h["date"] for h in data.get_holidays(division=BankHolidays.ENGLAND_AND_WALES))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays()


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
