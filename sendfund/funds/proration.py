"""Part-year shares of a full-year amount (domain.md section 1.5). Pure: dates and Decimals in, Decimals out.

A fund that starts on 1 September has 7 of the 12 months of its first financial year (September to
March), so it gets 7/12 of its full-year amount: £933,333.33 of £1.6m in FY 2014-15.

Methods (Fund.proration_method):

- ``twelfths`` (the default, as Norfolk used in its own sheets): a month counts only when the fund is
  available on every day of it. A fund starting on 15 September therefore gets 6/12 (October to March):
  the part month is not paid for. Start on the 1st to count the month.
- ``days``: days available / days in the year (365 or 366). 15 September 2014 to 31 March 2015 is 198
  of 365 days.

Rounding: the fund's whole amount for the period is worked out first and rounded once to the penny
(half up); it is then shared between the streams in proportion to their full-year amounts by largest
remainder, so the streams always add up to the fund's figure.
"""

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

from sendfund.core.money import from_pence, largest_remainder, to_pence
from sendfund.core.years import ay_bounds, fy_bounds

TWELFTHS = "twelfths"
DAYS = "days"
METHODS = (TWELFTHS, DAYS)


def _month_end(year: int, month: int) -> dt.date:
    first_of_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def whole_months_available(*, period_start: dt.date, period_end: dt.date, starts_on: dt.date,
                           ends_on: dt.date | None) -> int:
    """Months of the period (whole calendar months) on every day of which the fund is available."""
    count = 0
    year, month = period_start.year, period_start.month
    while dt.date(year, month, 1) <= period_end:
        first, last = dt.date(year, month, 1), _month_end(year, month)
        if starts_on <= first and (ends_on is None or ends_on >= last):
            count += 1
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return count


def fraction_of_period(*, period_start: dt.date, period_end: dt.date, starts_on: dt.date, ends_on: dt.date | None,
                       method: str = TWELFTHS) -> Fraction:
    """The share of a 12-month period in which the fund is available, by the named method."""
    if method == TWELFTHS:
        months = whole_months_available(period_start=period_start, period_end=period_end,
                                        starts_on=starts_on, ends_on=ends_on)
        return Fraction(months, 12)
    if method == DAYS:
        first = max(period_start, starts_on)
        last = min(period_end, ends_on) if ends_on else period_end
        days = max(0, (last - first).days + 1)
        return Fraction(days, (period_end - period_start).days + 1)
    raise ValueError(f"Unknown proration method {method!r}: use one of {', '.join(METHODS)}")


def prorate(*, full_year_amount: Decimal, fraction: Fraction) -> Decimal:
    """full_year_amount x fraction, rounded once to the penny (half up)."""
    exact = Decimal(to_pence(full_year_amount)) * fraction.numerator / fraction.denominator
    return from_pence(to_pence(exact / 100))


def split_by_streams(*, total: Decimal, full_year_amounts: dict[str, Decimal]) -> dict[str, Decimal]:
    """Share a period's total between streams in proportion to their full-year amounts, to the penny."""
    keys = list(full_year_amounts)
    if not keys:
        return {}
    weights = [full_year_amounts[k] for k in keys]
    if sum(weights) == 0:
        return {k: Decimal("0.00") for k in keys}
    pence = largest_remainder(to_pence(total), weights)
    return {k: from_pence(p) for k, p in zip(keys, pence, strict=True)}


def amounts_for_period(*, period_start: dt.date, period_end: dt.date, starts_on: dt.date, ends_on: dt.date | None,
                       full_year_amounts: dict[str, Decimal], method: str = TWELFTHS) -> dict[str, Decimal]:
    """Each stream's share of one period (a financial or academic year)."""
    fraction = fraction_of_period(period_start=period_start, period_end=period_end, starts_on=starts_on,
                                  ends_on=ends_on, method=method)
    total = prorate(full_year_amount=sum(full_year_amounts.values(), Decimal(0)), fraction=fraction)
    return split_by_streams(total=total, full_year_amounts=full_year_amounts)


def financial_year_amounts(*, financial_year: int, starts_on: dt.date, ends_on: dt.date | None,
                           full_year_amounts: dict[str, Decimal], method: str = TWELFTHS) -> dict[str, Decimal]:
    start, end = fy_bounds(financial_year)
    return amounts_for_period(period_start=start, period_end=end, starts_on=starts_on, ends_on=ends_on,
                              full_year_amounts=full_year_amounts, method=method)


def academic_year_amounts(*, academic_year: int, starts_on: dt.date, ends_on: dt.date | None,
                          full_year_amounts: dict[str, Decimal], method: str = TWELFTHS) -> dict[str, Decimal]:
    start, end = ay_bounds(academic_year)
    return amounts_for_period(period_start=start, period_end=end, starts_on=starts_on, ends_on=ends_on,
                              full_year_amounts=full_year_amounts, method=method)


def financial_year_parts(*, financial_year: int, starts_on: dt.date, ends_on: dt.date | None,
                         method: str = TWELFTHS) -> dict[int, Fraction]:
    """How a financial year's money divides between the two academic years it spans (April to August
    belongs to the academic year that started the September before; September to March to the next),
    in proportion to the time the fund is available in each part, by the fund's method. A year in which
    the fund is never available divides by calendar months (5 and 7). The parts add up to 1."""
    fy_start, fy_end = fy_bounds(financial_year)
    september = dt.date(financial_year, 9, 1)
    parts = {financial_year - 1: (fy_start, september - dt.timedelta(days=1)), financial_year: (september, fy_end)}
    weights = {}
    for ay, (first, last) in parts.items():
        fraction = fraction_of_period(period_start=first, period_end=last, starts_on=starts_on, ends_on=ends_on,
                                      method=method)
        weights[ay] = fraction * 12 if method == TWELFTHS else fraction * ((last - first).days + 1)
    if not any(weights.values()):
        weights = {financial_year - 1: Fraction(5), financial_year: Fraction(7)}
    whole = sum(weights.values())
    return {ay: w / whole for ay, w in weights.items()}


def share_between(*, amount: Decimal, parts: dict[int, Fraction]) -> dict[int, Decimal]:
    """`amount` shared in proportion to `parts`, in whole pence that add up to it exactly (negative amounts too)."""
    keys = list(parts)
    sign = -1 if amount < 0 else 1
    common = math.lcm(*(f.denominator for f in parts.values()))
    weights = [f.numerator * (common // f.denominator) for f in parts.values()]  # exact whole numbers
    pence = largest_remainder(to_pence(abs(amount)), weights) if any(weights) else [0] * len(keys)
    return {k: from_pence(sign * p) for k, p in zip(keys, pence, strict=True)}
