"""Working-day deadlines skip weekends and England and Wales bank holidays (govuk-bank-holidays, offline)."""

import datetime as dt

import pytest

from sendfund.casework import workdays

pytestmark = pytest.mark.django_db  # the calendar reads the bank holidays loaded into the database

D = dt.date


@pytest.mark.parametrize(("start", "days", "due"), [
    # An ordinary week: Monday + 5 working days is the next Monday.
    (D(2026, 11, 2), 5, D(2026, 11, 9)),
    # Christmas 2026: Friday 25 and Monday 28 December (Boxing Day substitute) are bank holidays.
    (D(2026, 12, 23), 5, D(2027, 1, 4)),
    # Christmas 2025: Thursday 25 and Friday 26 December.
    (D(2025, 12, 22), 5, D(2025, 12, 31)),
    # ... and New Year's Day 2026 too.
    (D(2025, 12, 30), 2, D(2026, 1, 2)),
    # Easter 2026: Good Friday 3 April and Easter Monday 6 April.
    (D(2026, 4, 1), 5, D(2026, 4, 10)),
    # Easter 2027: Good Friday 26 March and Easter Monday 29 March; 10 working days.
    (D(2027, 3, 22), 10, D(2027, 4, 7)),
    # Submitted on a Saturday: the count starts on Monday.
    (D(2026, 11, 7), 1, D(2026, 11, 9)),
])
def test_add_working_days_skips_weekends_and_bank_holidays(start, days, due):
    assert workdays.add_working_days(start, days) == due


def test_christmas_day_and_good_friday_are_not_working_days():
    assert not workdays.is_working_day(D(2026, 12, 25))
    assert not workdays.is_working_day(D(2026, 4, 3))
    assert workdays.is_working_day(D(2026, 12, 24))


def test_working_days_between_counts_the_same_days():
    assert workdays.working_days_between(D(2026, 12, 23), D(2027, 1, 4)) == 5
    assert workdays.working_days_between(D(2027, 1, 4), D(2026, 12, 23)) == 0
