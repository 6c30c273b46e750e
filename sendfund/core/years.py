"""Financial years (April to March) and academic years (September to August), always labelled.

A year is identified by the calendar year it starts in: FY 2014 is April 2014 to March 2015
("FY 2014-15"); AY 2014 is September 2014 to August 2015 ("AY 2014/15").
"""

import datetime as dt


def fy_label(start_year: int) -> str:
    return f"FY {start_year}-{(start_year + 1) % 100:02d}"


def ay_label(start_year: int) -> str:
    return f"AY {start_year}/{(start_year + 1) % 100:02d}"


def financial_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def academic_year_of(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def fy_bounds(start_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31)


def ay_bounds(start_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31)


def round_close_within_financial_year(today: dt.date, *, days: int = 60) -> dt.date:
    """A close date `days` after `today`, but no later than the end of today's financial year, so a round
    opened now funds a financial year that has started (payments can be made in it today). Used by the
    demo and the test worlds, which would otherwise fund next year's money from February to March."""
    return min(today + dt.timedelta(days=days), fy_bounds(financial_year_of(today))[1])
