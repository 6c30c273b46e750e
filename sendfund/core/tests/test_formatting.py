"""Numbers and money as pages show them: one filter each, a true minus sign, never an exponent."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from sendfund.core.money import MINUS, format_pounds
from sendfund.core.numbers import format_number, format_percent


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("30.00"), "30"), (Decimal("30.00").normalize(), "30"), (Decimal("12.50"), "12.5"), (7, "7"),
    (Decimal("1250"), "1,250"), (Decimal("-3.0"), "\u22123"), (Decimal("0.05"), "0.05"), (None, ""),
    (Decimal("-0.00"), "0"),
])
def test_format_number(value, shown):
    assert format_number(value) == shown


@pytest.mark.parametrize(("value", "places", "shown"), [
    (0.0185, 2, "1.85%"), (-0.005, 1, "\u22120.5%"), (-0.00001, 1, "0.0%"), (None, 1, ""), (Decimal("0.3"), 0, "30%")])
def test_format_percent(value, places, shown):
    assert format_percent(value, places) == shown


def test_negative_money_has_a_true_minus_sign():
    assert format_pounds(Decimal("-2934.02")) == "\u2212£2,934.02"
    assert format_pounds(-293402, pence=True) == "\u2212£2,934.02"
    assert format_pounds(Decimal("-0.001")) == "£0.00"
    html = Template("{{ a|pounds }} {{ w|number }}% {{ f|percent:2 }}").render(Context(
        {"a": Decimal("-2934.02"), "w": Decimal("30.00"), "f": -0.0185}))
    assert html == "\u2212£2,934.02 30% \u22121.85%"


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False))
def test_shown_money_never_has_a_hyphen_or_exponent(amount):
    text = format_pounds(amount)
    assert "-" not in text and "E" not in text
    assert text.startswith(MINUS) == (amount.quantize(Decimal("0.01")) < 0)
    assert Decimal(text.replace(MINUS, "-").replace("£", "").replace(",", "")) == amount


@given(st.decimals(min_value=-10**6, max_value=10**6, places=4, allow_nan=False))
def test_shown_numbers_never_have_an_exponent(value):
    text = format_number(value.normalize())
    assert "E" not in text and "-" not in text
    assert Decimal(text.replace(MINUS, "-").replace(",", "")) == value


def test_select_options_escape_and_mark_the_chosen_one():
    from sendfund.core.templatetags.sendfund import select_options

    html = select_options([(1, "Round <one>"), (2, 'Round "two" & more'), (3, "Three")], 2)
    assert html == ('<option value="1">Round &lt;one&gt;</option>'
                    '<option value="2" selected>Round &quot;two&quot; &amp; more</option>'
                    '<option value="3">Three</option>')
    assert "selected" not in select_options([("a", "A")], None)
