import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from sendfund.funds import proration
from sendfund.funds.selectors import fund_year_amounts

FULL = {"capacity": Decimal("800000.00"), "development": Decimal("800000.00")}
SEPT_2014 = dt.date(2014, 9, 1)


def test_a_september_start_gives_seven_twelfths_of_the_first_financial_year():
    amounts = proration.financial_year_amounts(financial_year=2014, starts_on=SEPT_2014, ends_on=None,
                                               full_year_amounts=FULL)
    assert sum(amounts.values()) == Decimal("933333.33")
    # The streams share the rounded total by largest remainder, so they add up to it exactly.
    assert amounts == {"capacity": Decimal("466666.67"), "development": Decimal("466666.66")}


def test_the_second_financial_year_is_a_full_year():
    amounts = proration.financial_year_amounts(financial_year=2015, starts_on=SEPT_2014, ends_on=None,
                                               full_year_amounts=FULL)
    assert sum(amounts.values()) == Decimal("1600000.00")


def test_the_fund_stopping_on_31_march_2016_gives_nothing_after():
    amounts = proration.financial_year_amounts(financial_year=2016, starts_on=SEPT_2014, ends_on=dt.date(2016, 3, 31),
                                               full_year_amounts=FULL)
    assert sum(amounts.values()) == Decimal("0.00")


@pytest.mark.parametrize(("starts_on", "method", "fraction"), [
    (dt.date(2014, 9, 1), "twelfths", Fraction(7, 12)),
    # Mid-month start, the default: the part month does not count (October to March).
    (dt.date(2014, 9, 15), "twelfths", Fraction(6, 12)),
    (dt.date(2014, 9, 2), "twelfths", Fraction(6, 12)),
    (dt.date(2014, 4, 1), "twelfths", Fraction(12, 12)),
    (dt.date(2015, 3, 31), "twelfths", Fraction(0, 12)),
    # Days: 15 September 2014 to 31 March 2015 is 198 of FY 2014-15's 365 days.
    (dt.date(2014, 9, 15), "days", Fraction(198, 365)),
    (dt.date(2014, 9, 1), "days", Fraction(212, 365)),
])
def test_fraction_of_a_financial_year(starts_on, method, fraction):
    got = proration.fraction_of_period(period_start=dt.date(2014, 4, 1), period_end=dt.date(2015, 3, 31),
                                       starts_on=starts_on, ends_on=None, method=method)
    assert got == fraction


def test_a_mid_month_start_by_days_is_rounded_once_to_the_penny():
    amounts = proration.financial_year_amounts(financial_year=2014, starts_on=dt.date(2014, 9, 15), ends_on=None,
                                               full_year_amounts=FULL, method="days")
    # £1.6m x 198/365 = £867,945.205... -> £867,945.21
    assert sum(amounts.values()) == Decimal("867945.21")


def test_a_leap_year_has_366_days():
    got = proration.fraction_of_period(period_start=dt.date(2015, 4, 1), period_end=dt.date(2016, 3, 31),
                                       starts_on=dt.date(2016, 3, 1), ends_on=None, method="days")
    assert got == Fraction(31, 366)


def test_academic_years_convert_five_twelfths_and_seven_twelfths():
    # The fund ran 1 Sept 2014 to 31 March 2016: AY 2014/15 is a full year, AY 2015/16 has September to March.
    first = proration.academic_year_amounts(academic_year=2014, starts_on=SEPT_2014, ends_on=dt.date(2016, 3, 31),
                                            full_year_amounts=FULL)
    second = proration.academic_year_amounts(academic_year=2015, starts_on=SEPT_2014, ends_on=dt.date(2016, 3, 31),
                                             full_year_amounts=FULL)
    assert sum(first.values()) == Decimal("1600000.00")
    assert sum(second.values()) == Decimal("933333.33")


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError, match="Unknown proration method"):
        proration.fraction_of_period(period_start=dt.date(2014, 4, 1), period_end=dt.date(2015, 3, 31),
                                     starts_on=SEPT_2014, ends_on=None, method="terms")


@pytest.mark.django_db
def test_year_views_are_labelled():
    from .factories import fund_with_streams

    fund, capacity, development = fund_with_streams()
    fy = fund_year_amounts(fund=fund, streams=[capacity, development], kind="fy", years=[2014, 2015])
    ay = fund_year_amounts(fund=fund, streams=[capacity, development], kind="ay", years=[2014])
    assert [y.label for y in fy] == ["FY 2014-15", "FY 2015-16"]
    assert [y.total for y in fy] == [Decimal("933333.33"), Decimal("1600000.00")]
    assert ay[0].label == "AY 2014/15"
