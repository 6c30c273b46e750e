"""Forms check the shape of what is typed; services check the rules (house rule 7)."""

import datetime as dt
from typing import cast

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.utils import timezone

from sendfund.accounts.models import User
from sendfund.accounts.roles import Role
from sendfund.core.fields import (
    IsoDateField,
    ModelChoiceField,
    ModelMultipleChoiceField,
    MoneyField,
    date_warning,
)
from sendfund.core.forms import PrivacyScreen
from sendfund.core.money import format_pounds
from sendfund.core.numbers import format_number
from sendfund.core.years import fy_label

from . import workdays
from .models import Outcome, State
from .selectors import PAYMENT_STATUSES, STREAM_NAMES, WAITING_LABELS, MoneyFilters, QueueFilters


class Form(PrivacyScreen, forms.Form):
    """Every casework form: free text that looks like it identifies a child is refused (core.forms)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def _text(label, message, *, hint="", rows=5, required=True):
    return forms.CharField(label=label, help_text=hint, required=required, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": rows}), error_messages={"required": message})


def _people(role):
    return User.objects.filter(memberships__role=role, is_active=True).distinct().order_by("full_name")


class AssignForm(Form):
    officer = ModelChoiceField(label="LA officer", queryset=_people(Role.LA_OFFICER), required=False)
    education_specialist = ModelChoiceField(label="Education specialist",
                                                  queryset=_people(Role.EDUCATION_SPECIALIST), required=False)
    business_specialist = ModelChoiceField(label="Business specialist",
                                                 queryset=_people(Role.BUSINESS_SPECIALIST), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, role in (("officer", Role.LA_OFFICER), ("education_specialist", Role.EDUCATION_SPECIALIST),
                           ("business_specialist", Role.BUSINESS_SPECIALIST)):
            cast(forms.ModelChoiceField, self.fields[name]).queryset = _people(role)


class MeetingForm(Form):
    day = IsoDateField(label="Date", help_text="For example, 2026-12-14 (year-month-day)",
                       widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}),
                       required_message="Enter the date of the meeting", invalid_message="Enter a real date, like 2026-12-14",
                       earliest=timezone.localdate, latest=lambda: timezone.localdate() + dt.timedelta(days=2 * 366),
                       earliest_message="The meeting cannot be in the past: enter today's date or a later one")
    time = forms.TimeField(label="Start time", help_text="For example, 14:30",
                           widget=forms.TimeInput(format="%H:%M", attrs={"type": "time", "class": "govuk-input govuk-input--width-5"}),
                           error_messages={"required": "Enter the start time", "invalid": "Enter a time, like 14:30"})
    duration_minutes = forms.IntegerField(label="Length in minutes", min_value=15, max_value=480, initial=60,
                                          widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
                                          error_messages={"required": "Enter how long the meeting is",
                                                          "min_value": "The meeting must be at least 15 minutes long",
                                                          "max_value": "The meeting must be 480 minutes (8 hours) "
                                                                       "or shorter",
                                                          "invalid": "Enter the length in whole minutes, like 60"})
    place = forms.CharField(label="Place", required=False, max_length=200,
                            help_text="For example, County Hall, Martineau Lane, Norwich. Leave blank if online only.")
    online_link = forms.URLField(label="Online meeting link", required=False,
                                 help_text="A link starting https://, if people can join online",
                                 error_messages={"invalid": "Enter the link in full, starting https://"})
    cluster_attendees = _text("Who is coming from the cluster", "Enter who is coming from the cluster",
                              hint="The cluster host and other representatives, one a line, with their role", rows=3)
    la_attendees = ModelMultipleChoiceField(label="Who is coming from the council",
                                                  queryset=User.objects.none(), required=False,
                                                  widget=forms.CheckboxSelectMultiple)

    EARLIEST_START, LATEST_START = dt.time(7, 0), dt.time(20, 0)

    def clean_time(self):
        """A start in the night is a slip (03:00 for 15:00): refused before the invitation is emailed."""
        start = self.cleaned_data["time"]
        if not self.EARLIEST_START <= start <= self.LATEST_START:
            raise forms.ValidationError("Enter a start time between 07:00 and 20:00, like 14:30")
        return start

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["la_attendees"]).queryset = (User.objects.filter(
            memberships__role__in=[Role.LA_OFFICER, Role.EDUCATION_SPECIALIST, Role.BUSINESS_SPECIALIST],
            is_active=True).distinct().order_by("full_name"))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not data.get("place") and not data.get("online_link") and not self.errors:
            self.add_error("place", "Enter a place or an online meeting link")
        self.warnings = [w for w in [date_warning(data.get("day"), label="The meeting day",
                                                  is_working_day=workdays.is_working_day)] if w]
        if data.get("day") and data.get("time"):
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(data["day"], data["time"]))
        return data


class NotesForm(Form):
    notes = _text("Notes of the meeting", "Enter the notes of the meeting",
                  hint="What was discussed. Do not include anything that could identify a child.")
    actions = _text("Agreed actions", "Enter the agreed actions", hint="One a line, with who will do it and when",
                    rows=4)


class DeclarationForm(Form):
    has_conflict = forms.TypedChoiceField(
        label="Do you have a conflict of interest in this application?", widget=forms.RadioSelect,
        choices=[("no", "No"), ("yes", "Yes")], coerce=lambda v: v == "yes",
        help_text="For example, you work at or govern one of the cluster's schools, or a close relative does.",
        error_messages={"required": "Select yes if you have a conflict of interest"})
    details = _text("Describe the conflict", "Describe the conflict", required=False, rows=3,
                    hint="Only if you answered yes")


class ReviewForm(Form):
    summary = _text("Summary of your review", "Enter a summary", required=False, rows=3)

    def __init__(self, *args, criteria, existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = existing or {}
        self.criteria = criteria
        for c in criteria:
            score = existing.get(c.pk)
            self.fields[f"score_{c.code}"] = forms.TypedChoiceField(
                label=f"{c.name} (weight {format_number(c.weight)}%)", help_text=c.description,
                choices=[(str(n), f"{n}") for n in range(1, 6)], coerce=int, widget=forms.RadioSelect,
                empty_value=None,  # a criterion left unscored is None, not "" (which int() would refuse)
                required=False, initial=str(score.score) if score else None)
            self.fields[f"why_{c.code}"] = forms.CharField(
                label=f"Why you gave {c.name.lower()} this score", required=False, max_length=3000,
                widget=forms.Textarea(attrs={"rows": 3}), initial=score.justification if score else "")

    def scores(self) -> dict:
        return {c.code: (self.cleaned_data.get(f"score_{c.code}"), self.cleaned_data.get(f"why_{c.code}", ""))
                for c in self.criteria}


class QuestionForm(Form):
    question = _text("Your question for the cluster", "Enter your question",
                     hint="The cluster host and SEND lead will see it and answer online.")


class AnswerForm(Form):
    answer = _text("Your answer", "Enter your answer",
                   hint="Do not include names, dates of birth or anything else that could identify a child.")


class AmountsForm(Form):
    """One amount per award line (stream and financial year), in pounds."""

    def __init__(self, *args, lines, field: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            current = getattr(line, field)
            self.fields[f"line_{line.pk}"] = MoneyField(
                label=f"{line.stream.get_kind_display()}, {fy_label(line.financial_year)}",
                help_text=f"Asked for: {format_pounds(line.requested)}",
                initial=f"{current:.2f}" if current is not None else f"{line.requested:.2f}",
                required_message="Enter an amount in pounds, like 12500.00")

    def amounts(self) -> dict:
        return {line.pk: self.cleaned_data[f"line_{line.pk}"] for line in self.lines}


class RecommendForm(AmountsForm):
    recommendation = _text("Reasons for your recommendation", "Give the reasons for your recommendation")


class DecideForm(AmountsForm):
    outcome = forms.ChoiceField(label="Decision", choices=Outcome.choices, widget=forms.RadioSelect,
                                error_messages={"required": "Choose the decision"})
    reasons = _text("Reasons", "Give the reasons for the decision", hint="The cluster will read these in the letter.")
    conditions = _text("Conditions of the award", "", required=False, rows=3,
                       hint="For example, a monitoring return each term. Leave blank if none.")


class ClusterContactForm(Form):
    host_name = forms.CharField(label="Cluster host's name", max_length=150, required=False)
    host_email = forms.EmailField(label="Cluster host's email address", max_length=254,
                                  error_messages={"required": "Enter the cluster host's email address",
                                                  "invalid": "Enter an email address in the correct format, like "
                                                             "name@example.com"})


class WithdrawForm(Form):
    reason = _text("Why is the application being withdrawn?", "Give the reason for withdrawing", rows=3)


class PaymentForm(Form):
    instalment = forms.IntegerField(widget=forms.HiddenInput)
    paid_on = IsoDateField(label="Date paid", help_text="For example, 2026-12-14 (year-month-day)",
                           widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}),
                           required_message="Enter the date it was paid", invalid_message="Enter a real date, like 2026-12-14",
                           latest=timezone.localdate, latest_message="The date paid cannot be in the future")


def _id(value: str) -> int | None:
    """A record id from the address, or None when it is not a plain whole number."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def queue_filters(query) -> tuple[QueueFilters, int]:
    """The work queue's filters and page number from the query string. Anything unrecognised means
    "any" (a filter link that has gone stale shows everything rather than an error)."""
    state = query.get("state", "")
    waiting = query.get("waiting", "")
    stream = query.get("stream", "")
    filters = QueueFilters(
        state=state if state in State.values else "",
        waiting_for=waiting if waiting in WAITING_LABELS else "",
        overdue_only=query.get("overdue") == "1",
        stream=stream if stream in ("capacity", "development") else "",
        round_id=_id(query.get("round", "")), cluster_id=_id(query.get("cluster", "")),
        officer_id=_id(query.get("officer", "")))
    return filters, _id(query.get("page", "")) or 1


def money_filters(query) -> MoneyFilters:
    """The awards or payments list's filters from the query string; anything unrecognised means "any"."""
    stream, status, year = query.get("stream", ""), query.get("status", ""), _id(query.get("year", ""))
    return MoneyFilters(stream=stream if stream in STREAM_NAMES else "",
                        financial_year=year if year is not None and 2000 <= year <= 2099 else None,
                        round_id=_id(query.get("round", "")), cluster_id=_id(query.get("cluster", "")),
                        status=status if status in PAYMENT_STATUSES else "")
