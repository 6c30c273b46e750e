"""Money and dates typed by people: one strict parser and one field for each, property-tested."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from sendfund.core.fields import GovDateField, IsoDateField, MoneyField, date_warning, whole_number
from sendfund.core.money import MoneyError, format_pounds, money_column_max, parse_pounds

PENCE = st.integers(min_value=0, max_value=999_999_999_999)


def _pounds(pence: int) -> Decimal:
    return Decimal(pence) / 100


@pytest.mark.parametrize(("text", "pounds"), [
    ("1234", "1234.00"), ("1234.5", "1234.50"), ("1,234.56", "1234.56"), ("£1,234.56", "1234.56"),
    ("  £1,234.56  ", "1234.56"), ("£ 12", "12.00"), ("1,000,000", "1000000.00"), ("0.10", "0.10"),
    ("12.500", "12.50"), ("9999999999.99", "9999999999.99"),
])
def test_the_ways_people_write_pounds_are_read(text, pounds):
    assert parse_pounds(text) == Decimal(pounds)


@pytest.mark.parametrize(("text", "message"), [
    ("12,50", "Use a full stop before the pence, not a comma"),
    ("1.234,56", "Use a full stop before the pence, not a comma"),
    ("1e3", "Write the amount out in full"), ("1E+30", "Write the amount out in full"),
    ("1e309", "Write the amount out in full"), ("1_000", "Remove the underscores"),
    ("１２３", "digits 0 to 9"), ("1²", "digits 0 to 9"), ("١٢٣", "digits 0 to 9"),
    ("NaN", "Enter an amount in pounds and pence"), ("Infinity", "Enter an amount in pounds and pence"),
    ("-Infinity", "Enter an amount of £0.00 or more"), ("-5", "Enter an amount of £0.00 or more"),
    ("−5", "Enter an amount of £0.00 or more"), ("12.345", "no more than 2 decimal places"),
    ("1,2,3,4", "Put commas only between thousands"), ("12,34,567", "Put commas only between thousands"),
    ("9" * 29, "Enter an amount of £9,999,999,999.99 or less"), ("10000000000", "or less"),
    ("", "Enter an amount in pounds"), ("   ", "Enter an amount in pounds"), ("ten pounds", "pounds and pence"),
    ("1\x00", "pounds and pence"), ("\u202e12", "pounds and pence"), ("9" * 10_000, "or less"),
])
def test_what_is_refused_says_what_to_type(text, message):
    with pytest.raises(MoneyError, match=message):
        parse_pounds(text)


@given(PENCE)
def test_every_amount_written_plainly_or_with_commas_reads_back_exactly(pence):
    amount = _pounds(pence)
    for text in (f"{amount:.2f}", f"{amount:,.2f}", format_pounds(amount), f"  {format_pounds(amount)} "):
        assert parse_pounds(text) == amount


@given(st.decimals(allow_nan=True, allow_infinity=True, places=None) | st.floats().map(repr) | st.text(max_size=40))
def test_the_parser_only_ever_returns_a_bounded_amount_or_refuses(value):
    try:
        amount = parse_pounds(value)
    except MoneyError as exc:
        assert str(exc)
    else:
        assert amount.is_finite() and Decimal(0) <= amount <= money_column_max()
        assert amount.as_tuple().exponent == -2


@given(PENCE, st.integers(min_value=3, max_value=12))
def test_more_than_two_decimal_places_is_refused(pence, places):
    text = f"{_pounds(pence):.2f}" + "1".rjust(places - 2, "0")
    with pytest.raises(MoneyError, match="no more than 2 decimal places"):
        parse_pounds(text)


@given(st.integers(min_value=1, max_value=10**30), st.integers(min_value=-400, max_value=400))
def test_exponents_are_always_refused(mantissa, exponent):
    for sep in ("e", "E"):
        with pytest.raises(MoneyError):
            parse_pounds(f"{mantissa}{sep}{exponent:+d}")


@given(PENCE, st.integers(min_value=1, max_value=9))
def test_a_column_bound_holds_whatever_its_width(pence, max_digits):
    amount = _pounds(pence)
    if amount <= money_column_max(max_digits + 2):
        assert parse_pounds(f"{amount:.2f}", max_digits=max_digits + 2) == amount
    else:
        with pytest.raises(MoneyError, match="or less"):
            parse_pounds(f"{amount:.2f}", max_digits=max_digits + 2)


def test_decimal_values_are_checked_like_text():
    assert parse_pounds(Decimal("12.5")) == Decimal("12.50")
    for bad in (Decimal("NaN"), Decimal("Infinity"), Decimal("1E+30"), Decimal("0.001")):
        with pytest.raises(MoneyError):
            parse_pounds(bad)


class _Money(forms.Form):
    amount = MoneyField(label="Amount", maximum=Decimal("500.00"), maximum_message="No more than the pot, £500.00")
    optional = MoneyField(label="Optional", required=False)


def test_the_money_field_cleans_to_pence_and_bounds_by_the_business_limit():
    form = _Money({"amount": " £1,00.00 ".replace(",", ""), "optional": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"amount": Decimal("100.00"), "optional": None}
    form = _Money({"amount": "500.01"})
    assert not form.is_valid() and form.errors["amount"] == ["No more than the pot, £500.00"]
    form = _Money({"amount": "1e309"})
    assert not form.is_valid() and "Write the amount out in full" in form.errors["amount"][0]
    assert 'inputmode="decimal"' in str(_Money(initial={"amount": Decimal("12.5")})["amount"])
    assert 'value="12.50"' in str(_Money(initial={"amount": Decimal("12.5")})["amount"])


class _Dates(forms.Form):
    when = GovDateField(label="Start date", required_message="Enter the start date",
                        earliest=dt.date(2026, 4, 1), latest=dt.date(2028, 3, 31))
    day = IsoDateField(label="Date", earliest=lambda: dt.date(2026, 12, 1), latest=dt.date(2027, 12, 31),
                       earliest_message="The meeting cannot be in the past")


def _gov(day, month, year):
    return {"when_0": day, "when_1": month, "when_2": year, "day": "2026-12-14"}


@pytest.mark.parametrize(("parts", "message"), [
    (("1", "9", "27"), "Enter the year as 4 digits, for example 2027"),
    (("1", "9", "0099"), "Start date must be on or after 1 April 2026"),
    (("31", "12", "9999"), "Start date must be on or before 31 March 2028"),
    (("1", "9", "20270"), "Enter the year as 4 digits, for example 2027"),
    (("1", "9", "9" * 40), "Enter the year as 4 digits, for example 2027"),
    (("31", "2", "2027"), "Start date must be a real date"),
    (("１", "9", "2027"), "Start date must be a real date"),
    (("1", "9", "２０２７"), "Enter the year as 4 digits, for example 2027"),
    (("1²", "9", "2027"), "Start date must be a real date"),
    (("1\x00", "9", "2027"), "Start date must be a real date"),
])
def test_the_gov_date_field_takes_4_digit_years_in_its_range(parts, message):
    form = _Dates(_gov(*parts))
    assert not form.is_valid()
    assert form.errors["when"] == [message]


def test_the_gov_date_field_reads_a_real_date():
    form = _Dates(_gov("1", "9", "2027"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == dt.date(2027, 9, 1)


@pytest.mark.parametrize(("text", "message"), [
    ("0099-01-01", "The meeting cannot be in the past"), ("9999-12-31", "Date must be on or before"),
    ("31/12/9999", "Date must be on or before"), ("27-01-01", "Enter the year as 4 digits, for example 2027"),
    ("1/1/27", "Enter the year as 4 digits, for example 2027"), ("2026-11-30", "The meeting cannot be in the past"),
    ("２０２７-01-01", "Enter date as a real date, like 2026-12-14"), ("2027-02-30", "Date must be a real date"),
    ("99999999999999999999-01-01", "Enter the year as 4 digits"), ("tomorrow", "Enter date as a real date"),
])
def test_the_iso_date_field_refuses_implausible_dates(text, message):
    form = _Dates({**_gov("1", "9", "2027"), "day": text})
    assert not form.is_valid()
    assert form.errors["day"][0].startswith(message), form.errors["day"]


@pytest.mark.parametrize(("text", "day"), [("2026-12-14", dt.date(2026, 12, 14)), ("14/12/2026", dt.date(2026, 12, 14)),
                                           (" 2027-1-5 ", dt.date(2027, 1, 5))])
def test_the_iso_date_field_reads_what_browsers_and_people_send(text, day):
    form = _Dates({**_gov("1", "9", "2027"), "day": text})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == day


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_any_date_is_in_range_or_refused_with_a_message(day):
    form = _Dates({**_gov(str(day.day), str(day.month), f"{day.year:04d}"), "day": day.isoformat()})
    valid = form.is_valid()
    assert valid == (dt.date(2026, 12, 1) <= day <= dt.date(2027, 12, 31) and dt.date(2026, 4, 1) <= day)
    if not valid:
        assert all(messages for messages in form.errors.values())


def test_a_weekend_or_bank_holiday_is_a_warning_not_a_refusal():
    def is_working_day(day):  # the caller's calendar (casework.workdays in the product)
        return day.weekday() < 5 and day != dt.date(2026, 12, 25)

    assert date_warning(dt.date(2026, 12, 14), label="The meeting day", is_working_day=is_working_day) == ""
    assert "is a weekend" in date_warning(dt.date(2026, 12, 12), label="The meeting day", is_working_day=is_working_day)
    assert date_warning(dt.date(2026, 12, 25), label="The meeting day",
                        is_working_day=is_working_day) == ("The meeting day, Friday 25 December 2026, is a bank "
                                                           "holiday. Check that this is the day you meant.")


@pytest.mark.parametrize(("text", "number"), [("12", 12), (" 7 ", 7), ("", None), ("²", None), ("١٢", None),
                                              ("9" * 30, None), ("-1", None), ("1e3", None), (None, None)])
def test_whole_numbers_from_a_page_are_ascii_and_bounded(text, number):
    assert whole_number(text) == number
