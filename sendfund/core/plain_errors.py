"""Django's stock form errors in plain English (GOV.UK style), in one place.

Django answers a wrong value with "Select a valid choice. <what was typed> is not one of the available choices",
"Ensure this value is less than or equal to 100000." or "Null characters are not allowed.": words people do not
use, numbers without commas, and what was typed echoed back (10,000 characters of it, or template syntax).
`plain_english(field)` gives one field, in place, the product's words for each of those errors, naming the field
by its label; a message the form set itself is kept. `core.forms.PlainEnglish` applies it to every field of every
form before it is cleaned. Nothing here ever repeats what was typed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError

CHOOSING = (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField, forms.NullBooleanField)


def _number(value) -> str:
    """1000000 as 1,000,000 and 0.01 as 0.01: how people write a limit."""
    if isinstance(value, (int, Decimal, float)):
        return f"{value:,}" if not isinstance(value, float) else f"{value:,g}"
    return str(value)


def _name(field: forms.Field, fallback: str) -> tuple[str, bool]:
    """The field as a sentence names it, and whether its label is a question ("What is your evidence?")."""
    label = str(field.label or fallback.replace("_", " ")).strip().rstrip(":")
    if label.endswith("?"):
        return label, True
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        label = label[0].lower() + label[1:]  # "Pot, in pounds" -> "pot, in pounds"; "URN" stays
    return label, False


def field_subject(label: str) -> str:
    """The field as the subject of a sentence: its label ("Place must be..."), or for a question "Your answer to
    ‘What is your evidence?’" (never "What is your evidence? must be...")."""
    label = str(label).strip()
    return f"Your answer to ‘{label}’" if label.endswith("?") else label


def too_long(label: str, max_length: int) -> str:
    """GOV.UK's words for text over its limit: "Place must be 200 characters or fewer"."""
    return f"{field_subject(label)} must be {max_length:,} characters or fewer"


class _Limit:
    """A validator's message in plain English, the limit written with commas; the check itself is Django's."""

    def __init__(self, validator, words: str):
        self.validator, self.words = validator, words

    def __call__(self, value):
        try:
            self.validator(value)
        except ValidationError as exc:
            limit = getattr(self.validator, "limit_value", None)
            raise ValidationError(self.words.format(limit=_number(limit)), code=exc.code) from None

    def __eq__(self, other):
        return isinstance(other, _Limit) and self.validator == other.validator


class PlainMaxLength(validators.MaxLengthValidator):
    """Django's length limit in plain English, with the numbers as people write them: "Enter 2,000 characters
    or fewer (you entered 10,001)", not "Ensure this value has at most 2000 characters (it has 10001)"."""

    def __call__(self, value):
        if len(value) > self.limit_value:
            raise ValidationError(f"Enter {self.limit_value:,} characters or fewer (you entered {len(value):,})",
                                  code="max_length")


class _Digits(validators.DecimalValidator):
    """DecimalValidator's three refusals in plain English."""

    messages = {
        "invalid": "Enter a number",
        "max_digits": "Enter a number with no more than %(max)s digits",
        "max_decimal_places": "Enter a number with no more than %(max)s decimal places",
        "max_whole_digits": "Enter a number with no more than %(max)s digits before the decimal point",
    }


NULL_CHARACTER = ("Remove the hidden null character from the text: it cannot be saved (it often comes with text "
                  "pasted from another program)")


def _stock(field: forms.Field) -> dict[str, str]:
    """The messages Django gives this kind of field when the form sets none (as Field.__init__ gathers them)."""
    messages: dict[str, str] = {}
    for cls in reversed(type(field).__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return {code: str(text) for code, text in messages.items()}


def _wording(field: forms.Field, name: str) -> dict[str, str]:
    label, question = _name(field, name)
    label = label.replace("%", "%%")  # Django fills a message's %(value)s: a label's "(%)" must stay as it is
    of = "" if question else f" for {label}"
    words = {
        "required": (f"Select an answer to ‘{label}’" if question else f"Select {label}")
        if isinstance(field, CHOOSING) else (f"Answer ‘{label}’" if question else f"Enter {label}"),
        "invalid_choice": f"Select one of the options shown{of}",
        "invalid_list": f"Select one or more of the options shown{of}",
        "invalid_pk_value": f"Select one of the options shown{of}",
    }
    if isinstance(field, (forms.DecimalField, forms.FloatField)):  # Django's are IntegerFields too
        words["invalid"] = f"Enter a number{of}, like 12.5"
    elif isinstance(field, forms.IntegerField):
        words["invalid"] = f"Enter a whole number{of}, like 12"
    if isinstance(field, forms.URLField):
        words["invalid"] = "Enter a web address in the correct format, like https://www.example.com"
    if isinstance(field, forms.DateField):
        words["invalid"] = f"Enter a real date{of}, like 2027-03-31"
    if isinstance(field, forms.TimeField):
        words["invalid"] = f"Enter a time{of}, like 14:30"
    if isinstance(field, forms.DateTimeField):
        words["invalid"] = f"Enter a real date and time{of}, like 2027-03-31 14:30"
    return words


def plain_english(field: forms.Field, name: str = "") -> None:
    """Give `field` (in place: a form's own copy) plain-English errors: each stock message the form did not
    replace, and the validators for limits, digits, null characters and email addresses. Safe to call again."""
    stock = _stock(field)
    for code, text in _wording(field, name).items():
        if code in field.error_messages and str(field.error_messages[code]) == stock.get(code):
            field.error_messages[code] = text
    field.validators = [_plain_validator(v) for v in field.validators]


def _plain_validator(v: Any) -> Any:
    """The validator in plain English: Django's own kinds swapped for ours (never a subclass a form wrote)."""
    kind = type(v)
    if kind is validators.MaxLengthValidator:
        return PlainMaxLength(v.limit_value)
    if kind is validators.MaxValueValidator:
        return _Limit(v, "Enter {limit} or less")
    if kind is validators.MinValueValidator:
        return _Limit(v, "Enter {limit} or more")
    if kind is validators.DecimalValidator:
        return _Digits(v.max_digits, v.decimal_places)
    if kind is validators.ProhibitNullCharactersValidator:
        return validators.ProhibitNullCharactersValidator(message=NULL_CHARACTER)
    if kind is validators.EmailValidator and v.message == validators.EmailValidator.message:
        return validators.EmailValidator(message="Enter an email address in the correct format, like name@example.com")
    if kind is validators.URLValidator and v.message == validators.URLValidator.message:
        return validators.URLValidator(schemes=v.schemes, message="Enter a web address in the correct format, like "
                                                                  "https://www.example.com")
    return v
