"""The form fields every money and date input in the project uses (issue: money and dates typed by people).

`MoneyField` reads pounds through `core.money.parse_pounds` (strict, bounded by the column and, where the
form knows one, by a business limit). `GovDateField` (the GOV.UK day, month and year boxes) and
`IsoDateField` (one box, 2026-12-14 or 14/12/2026) take 4-digit years in ASCII digits only and a date
within the range that makes sense for the field. `date_warning` says when a day is a weekend or a bank
holiday, which a form shows as a warning without refusing it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError

from .money import MONEY_MAX_DIGITS, MoneyError, format_pounds, parse_pounds

# The widest range any date in SendFund can take: the fund started in 2014; nothing is planned a
# century ahead. Each field narrows it (an activity within the round's years, a meeting from today).
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)
YEAR_MESSAGE = "Enter the year as 4 digits, for example 2027"

DateBound = dt.date | Callable[[], dt.date] | None


def _bound(value: DateBound) -> dt.date | None:
    return value() if callable(value) else value


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


class MoneyField(forms.CharField):
    """An amount in pounds typed by a person; cleans to a Decimal with 2 places (None when blank).

    `maximum` is the business limit (a pot, what was asked for), `maximum_message` what to say above it;
    whatever the limit, nothing is accepted that the column (`max_digits`) cannot hold.
    """

    def __init__(self, *, maximum: Decimal | None = None, maximum_message: str = "",
                 max_digits: int = MONEY_MAX_DIGITS, required_message: str = "", **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false",
                                                           "class": "govuk-input--width-10"}))
        super().__init__(**kwargs)
        self.maximum, self.maximum_message, self.max_digits = maximum, maximum_message, max_digits
        if required_message:
            self.error_messages["required"] = required_message

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            amount = parse_pounds(value, max_digits=self.max_digits)
        except MoneyError as exc:
            raise ValidationError(str(exc), code="invalid") from None
        if self.maximum is not None and amount > self.maximum:
            raise ValidationError(self.maximum_message or f"Enter an amount of {format_pounds(self.maximum)} or less",
                                  code="max_value")
        return amount

    def prepare_value(self, value):
        return f"{value:.2f}" if isinstance(value, Decimal) and value.is_finite() else value


def date_in_range(day: dt.date, *, label: str, earliest: DateBound = None, latest: DateBound = None,
                  earliest_message: str = "", latest_message: str = "") -> dt.date:
    """The one range check of a date typed by a person. Raises ValidationError saying what to enter."""
    low = max(_bound(earliest) or EARLIEST, EARLIEST)
    high = min(_bound(latest) or LATEST, LATEST)
    if day < low:
        raise ValidationError(earliest_message or f"{label} must be on or after {long_date(low)}")
    if day > high:
        raise ValidationError(latest_message or f"{label} must be on or before {long_date(high)}")
    return day


def date_from_parts(day: str, month: str, year: str, *, label: str) -> dt.date:
    """A date from what was typed in each box: ASCII digits only, a 4-digit year, a real day."""
    day, month, year = (str(v or "").strip() for v in (day, month, year))
    if not re.fullmatch(r"[0-9]{4}", year, re.ASCII):
        raise ValidationError(YEAR_MESSAGE)
    if not re.fullmatch(r"[0-9]{1,2}", day, re.ASCII) or not re.fullmatch(r"[0-9]{1,2}", month, re.ASCII):
        raise ValidationError(f"{label} must be a real date")
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise ValidationError(f"{label} must be a real date") from None


class _RangeMixin:
    def _setup_range(self, *, label, earliest, latest, earliest_message, latest_message):
        self.range_label = label
        self.earliest, self.latest = earliest, latest
        self.earliest_message, self.latest_message = earliest_message, latest_message

    def _in_range(self, day: dt.date | None) -> dt.date | None:
        if day is None:
            return None
        return date_in_range(day, label=self.range_label, earliest=self.earliest, latest=self.latest,
                             earliest_message=self.earliest_message, latest_message=self.latest_message)


class GovDateField(_RangeMixin, DateInputField):
    """The GOV.UK date input (day, month and year boxes) with our own messages and the range of the field."""

    error_messages: dict[str, str]

    def __init__(self, *, label, required_message, hint="For example, 1 9 2026", earliest: DateBound = None,
                 latest: DateBound = None, earliest_message: str = "", latest_message: str = "", **kwargs):
        super().__init__(label=label, help_text=hint, **kwargs)
        self.error_messages = {**self.error_messages, "required": required_message, "incomplete": required_message}
        self.real_date_message = f"{label} must be a real date"
        for sub in self.fields:
            sub.validators = []
        self._setup_range(label=label, earliest=earliest, latest=latest, earliest_message=earliest_message,
                          latest_message=latest_message)

    def compress(self, data_list):
        if not data_list or not all(data_list):
            return None
        return date_from_parts(*data_list, label=self.range_label)

    def clean(self, value):
        if isinstance(value, (list, tuple)):
            value = [v if isinstance(v, str) or v is None else str(v) for v in value]
        return self._in_range(super().clean(value))


_ISO = re.compile(r"(?P<year>[0-9]+)-(?P<month>[0-9]+)-(?P<day>[0-9]+)", re.ASCII)
_UK = re.compile(r"(?P<day>[0-9]+)/(?P<month>[0-9]+)/(?P<year>[0-9]+)", re.ASCII)


class IsoDateField(_RangeMixin, forms.DateField):
    """One date box (a browser's date picker sends 2026-12-14; people also type 14/12/2026)."""

    def __init__(self, *, label, required_message="", invalid_message="", earliest: DateBound = None,
                 latest: DateBound = None, earliest_message: str = "", latest_message: str = "", **kwargs):
        super().__init__(label=label, **kwargs)
        if required_message:
            self.error_messages["required"] = required_message
        self.invalid_message = invalid_message or f"Enter {label.lower()} as a real date, like 2026-12-14"
        self._setup_range(label=label, earliest=earliest, latest=latest, earliest_message=earliest_message,
                          latest_message=latest_message)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        match = _ISO.fullmatch(text) or _UK.fullmatch(text)
        if match is None:
            raise ValidationError(self.invalid_message, code="invalid")
        return date_from_parts(match["day"], match["month"], match["year"], label=self.range_label)

    def clean(self, value):
        return self._in_range(super().clean(value))


def date_warning(day: dt.date | None, *, label: str, is_working_day: Callable[[dt.date], bool]) -> str:
    """A warning (not a refusal) when a day people must attend is a weekend or bank holiday; "" otherwise."""
    if day is None or is_working_day(day):
        return ""
    kind = "a weekend" if day.weekday() >= 5 else "a bank holiday"
    return f"{label}, {day:%A} {long_date(day)}, is {kind}. Check that this is the day you meant."


def search_text(text: str | None, *, max_length: int = 100) -> str:
    """Words typed into a search box, without control or formatting characters (NUL, bidi overrides),
    which PostgreSQL refuses in a query and which no name contains, and no longer than `max_length`."""
    cleaned = "".join(c for c in (text or "") if unicodedata.category(c) not in ("Cc", "Cf"))
    return cleaned.strip()[:max_length]


def whole_number(text: str | None, *, maximum: int = 2**31 - 1) -> int | None:
    """A whole number sent by a page (a year, a version, a row's id): ASCII digits up to `maximum`, else None."""
    text = (text or "").strip()
    if not re.fullmatch(r"[0-9]{1,20}", text, re.ASCII):
        return None
    value = int(text)
    return value if value <= maximum else None


# The widest id a row can have (BigAutoField). A bigger number sent for a choice of rows would overflow the
# database's integer before the lookup could answer "no such row".
MAX_ID = 2**63 - 1
CHOOSE_FROM_LIST = "Select from the choices shown"


def _is_id(value) -> bool:
    return whole_number(str(value), maximum=MAX_ID) is not None


class ModelChoiceField(forms.ModelChoiceField):
    """Django's, refusing a value that cannot be a row's id before it reaches the database."""

    def to_python(self, value):
        if value not in self.empty_values and not self.to_field_name and not _is_id(value):
            raise ValidationError(CHOOSE_FROM_LIST, code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing values that cannot be a row's id (with the field's own words, never the value)."""

    def _check_values(self, value):
        if not self.to_field_name and any(not _is_id(v) for v in value):
            raise ValidationError(CHOOSE_FROM_LIST, code="invalid_choice")
        return super()._check_values(value)  # type: ignore[misc]  # Django's; its stubs leave it out
