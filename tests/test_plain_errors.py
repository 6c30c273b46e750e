"""Every error a form shows is in plain English (core.plain_errors): never Django's stock words, never what was
typed repeated back, limits written as people write them. The form walker (tests/test_every_form.py) holds every
page's error summary to the same list of stock words."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms

from sendfund.core.forms import PlainEnglish
from tests.test_privacy_everywhere import build, project_forms

# The beginnings of Django's stock messages for the fields and validators the product uses.
STOCK = ("This field is required", "Select a valid choice", "Enter a whole number.", "Enter a number.",
         "Enter a valid", "Ensure this value", "Ensure that there are no more than", "Null characters are not allowed",
         "Enter a list of values")
TYPED = "{{ request }}\x00" + "9" * 29


def stock_words(message: str) -> bool:
    return any(message.startswith(s) for s in STOCK)


def test_every_form_in_the_product_words_its_errors_plainly():
    forms_found = project_forms()
    assert len(forms_found) > 40
    missing = [f"{c.__module__}.{c.__name__}" for c in forms_found if not issubclass(c, PlainEnglish)]
    assert not missing, f"Forms that do not mix in core.forms.PlainEnglish: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("cls", project_forms(), ids=lambda c: f"{c.__module__.split('.')[1]}.{c.__name__}")
@pytest.mark.parametrize("value", ["", TYPED, "-1e309", "x" * 400])
def test_no_form_answers_in_stock_words_or_repeats_what_was_typed(cls, value):
    form = build(cls)
    data = {name: value for name in form.fields}
    form = build(cls, data=data)
    form.is_valid()
    for name, errors in form.errors.items():
        for message in errors:
            assert not stock_words(message), f"{cls.__name__}.{name}: {message!r}"
            assert "{{ request }}" not in message and "9" * 20 not in message, f"{cls.__name__}.{name}: {message!r}"


class Sample(PlainEnglish, forms.Form):
    pupils = forms.IntegerField(label="Number of pupils", min_value=0, max_value=100_000)
    share = forms.DecimalField(label="Share", max_digits=5, decimal_places=2, min_value=Decimal("0.01"))
    stream = forms.ChoiceField(label="Stream", choices=[("capacity", "Capacity")])
    starts = forms.DateField(label="Date it starts")
    at = forms.TimeField(label="Start time")
    email = forms.EmailField(label="Cluster host email")
    web = forms.URLField(label="Web address", required=False)
    evidence = forms.CharField(label="What is your evidence?", max_length=20)
    urn = forms.CharField(label="URN", required=False)
    own = forms.IntegerField(label="Own", error_messages={"invalid": "Enter the year as 4 digits"}, required=False)


def _errors(**data):
    form = Sample(data=data)
    form.is_valid()
    return {name: list(errors) for name, errors in form.errors.items()}


def test_each_kind_of_error_in_plain_english():
    assert _errors() == {
        "pupils": ["Enter number of pupils"], "share": ["Enter share"], "stream": ["Select stream"],
        "starts": ["Enter date it starts"], "at": ["Enter start time"], "email": ["Enter cluster host email"],
        "evidence": ["Answer ‘What is your evidence?’"]}
    wrong = _errors(pupils="12.5", share="abc", stream="{{ request }}", starts="2026-02-30", at="25:00",
                    email="not-an-email", web="not a url", evidence="x" * 21, urn="a\x00b", own="MMXXVI")
    assert wrong == {
        "pupils": ["Enter a whole number for number of pupils, like 12"],
        "share": ["Enter a number for share, like 12.5"],
        "stream": ["Select one of the options shown for stream"],
        "starts": ["Enter a real date for date it starts, like 2027-03-31"],
        "at": ["Enter a time for start time, like 14:30"],
        "email": ["Enter an email address in the correct format, like name@example.com"],
        "web": ["Enter a web address in the correct format, like https://www.example.com"],
        "evidence": ["Enter 20 characters or fewer (you entered 21)"],
        "urn": ["Remove the hidden null character from the text: it cannot be saved (it often comes with text "
                "pasted from another program)"],
        "own": ["Enter the year as 4 digits"],  # the form's own words are kept
    }
    limits = _errors(pupils="250000", share="1.001", stream="capacity", starts="2027-03-31", at="14:30",
                     email="host@alpha.example", evidence="ok")
    assert limits == {"pupils": ["Enter 100,000 or less"],
                      "share": ["Enter a number with no more than 2 decimal places"]}
    assert _errors(pupils="-1", share="0.00", stream="capacity", starts="2027-03-31", at="14:30",
                   email="host@alpha.example", evidence="ok") == {"pupils": ["Enter 0 or more"],
                                                                  "share": ["Enter 0.01 or more"]}
    assert _errors(pupils="1", share="1234.5", stream="capacity", starts=dt.date(2027, 3, 31), at="14:30",
                   email="host@alpha.example", evidence="ok") == {
        "share": ["Enter a number with no more than 3 digits before the decimal point"]}


def test_the_wording_is_applied_once_however_often_a_form_is_cleaned():
    form = Sample(data={"pupils": "250000"})
    form.is_valid()
    form.full_clean()
    assert form.errors["pupils"] == ["Enter 100,000 or less"]
    assert Sample.base_fields["pupils"].error_messages["required"] == "This field is required."  # a copy changed
