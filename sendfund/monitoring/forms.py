"""Forms check the shape of answers; services check the rules (house rule 7).

The return's forms are built from the rows the return was pre-filled with (one field per activity, cost
line and year, outcome), so a cluster never retypes what the council holds. `partial=True` ("Save and
come back later") requires nothing.
"""

from collections.abc import Callable
from typing import Any

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.http import HttpResponse

from sendfund.applications.forms import NO_CHILD, DocumentField
from sendfund.core.forms import PrivacyScreen, require_when, run_form
from sendfund.core.money import MoneyError, parse_pounds
from sendfund.core.plain_errors import too_long
from sendfund.core.years import fy_label

from .models import Progress, UnderspendAction

YES_NO = [("yes", "Yes"), ("no", "No")]
MONEY_ATTRS = {"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input--width-10"}


class PlainForm(PrivacyScreen, forms.Form):
    """A form rendered by crispy inside the page's own <form> (no tag, no second CSRF field)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class GovForm(PlainForm):
    def __init__(self, *args, partial=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.partial = partial
        self.setup()
        if partial:
            for field in self.fields.values():
                field.required = False

    def setup(self):
        pass


def _text(label, required_message, *, hint="", rows=3, max_length=2000, required=True):
    return forms.CharField(label=label, required=required, max_length=max_length,
                           help_text=(hint + " " + NO_CHILD).strip(), widget=forms.Textarea(attrs={"rows": rows}),
                           error_messages={"required": required_message,
                                           "max_length": too_long(label, max_length)})


class ProgressForm(GovForm):
    """One status and one sentence per funded activity."""

    def __init__(self, *args, rows=(), **kwargs):
        self.rows = list(rows)
        super().__init__(*args, **kwargs)

    def setup(self):
        for n, row in enumerate(self.rows, start=1):
            name = (row.activity.what or f"Activity {n}")[:80]
            self.fields[f"progress_{row.pk}"] = forms.ChoiceField(
                label=f"How is activity {n} going: {name}?", choices=Progress.choices, widget=forms.RadioSelect,
                error_messages={"required": f"Select how activity {n} is going"})
            self.fields[f"note_{row.pk}"] = _text(f"In one sentence, what is happening with activity {n}?",
                                                  f"Enter a sentence on activity {n}", rows=2, max_length=500)


class SpendForm(GovForm):
    """Spend to date per cost line and financial year, in pounds."""

    def __init__(self, *args, rows=(), **kwargs):
        self.rows = list(rows)
        super().__init__(*args, **kwargs)

    def setup(self):
        for row in self.rows:
            what = (row.cost_line.description or row.cost_line.get_category_display())[:80]
            where = f"{row.stream_kind} stream, {fy_label(row.financial_year)}"  # a cost line may be in both streams
            self.fields[f"spent_{row.pk}"] = forms.CharField(
                label=f"Spent to date on {what} ({where})", max_length=20,
                help_text="In pounds, for example 2500.00. Enter 0 if nothing has been spent yet.",
                widget=forms.TextInput(attrs=MONEY_ATTRS),
                error_messages={"required": f"Enter what has been spent on {what} ({where})"})
        self.fields["explanation"] = _text(
            "If you have spent more than the council has paid so far, explain why", "", required=False,
            hint="Leave this blank if spending is within what has been paid.")

    def clean(self):
        data = super().clean()
        for row in self.rows:
            name = f"spent_{row.pk}"
            raw = (self.data.get(name) or "").strip()
            if not raw:
                data[name] = None
                continue
            try:
                value = parse_pounds(raw)
            except MoneyError:
                self.add_error(name, "Spent to date must be an amount in pounds and pence, like 2500.00")
                continue
            if value < 0:
                self.add_error(name, "Spent to date must be £0.00 or more")
                continue
            data[name] = value
        return data

    def amounts(self) -> dict[int, object]:
        return {row.pk: self.cleaned_data.get(f"spent_{row.pk}") for row in self.rows}


class OutcomesForm(GovForm):
    def __init__(self, *args, rows=(), **kwargs):
        self.rows = list(rows)
        super().__init__(*args, **kwargs)

    def setup(self):
        for n, row in enumerate(self.rows, start=1):
            measure = (row.outcome.measure or f"Outcome {n}")[:80]
            self.fields[f"latest_{row.pk}"] = forms.CharField(
                label=f"Latest value of {measure}", max_length=200,
                help_text=f"Baseline: {row.outcome.baseline or 'not given'}. Target: {row.outcome.target or 'not given'}. "
                          "A number for the group of pupils, never a child's details.",
                error_messages={"required": f"Enter the latest value of outcome {n}"})


class EvidenceForm(GovForm):
    def setup(self):
        self.fields["file"] = DocumentField(label="Upload evidence (optional)",
                                            help_text="A PDF, Word, Excel or OpenDocument file, up to 10MB. "
                                                      "Use reports with numbers for groups of pupils only.")


class ChangesForm(GovForm):
    def setup(self):
        self.fields["any_changes"] = forms.ChoiceField(
            label="Has anything changed from the plan in your application?", choices=YES_NO, widget=forms.RadioSelect,
            error_messages={"required": "Select yes if anything has changed from your plan"})
        self.fields["changes"] = _text("What has changed, and why?", "", required=False, rows=4)

    def clean(self):
        data = super().clean()
        if not self.partial and data.get("any_changes") == "yes" and not (data.get("changes") or "").strip():
            self.add_error("changes", "Enter what has changed from your plan")
        return data


class SignOffForm(PlainForm):
    decision = forms.ChoiceField(
        label="Do you confirm this is a true account?", widget=forms.RadioSelect,
        choices=[("sign_off", "Yes, sign it off and send it to the council"), ("send_back", "No, send it back")],
        error_messages={"required": "Select if you sign it off or send it back"})
    reason = forms.CharField(label="What needs to change?", required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        require_when(self, data.get("decision") == "send_back", "reason", "Enter what needs to change")
        return data


def run_sign_off(request, move: Callable[[str, str], Any], *, draft: str, submitted: str, noun: str,
                 redirect_to: str) -> tuple[SignOffForm, HttpResponse | None]:
    """The sign-off page of a return or a Health Check: the head or host signs it off (`move(submitted, "")`) or
    sends it back with what needs to change (`move(draft, reason)`), through core.forms.run_form. Returns the
    form and the redirect after a move (None: render the form)."""
    form = SignOffForm(request.POST if request.method == "POST" else None)

    def decide(d) -> bool:
        send_back = d["decision"] == "send_back"
        move(draft if send_back else submitted, d.get("reason", ""))
        return send_back

    return form, run_form(request, form, decide, redirect_to=redirect_to,
                          success_message=lambda send_back: f"{noun} has been sent back." if send_back
                          else f"{noun} has been signed off and sent to the council.")


class ReviewForm(PlainForm):
    decision = forms.ChoiceField(
        label="What do you want to do with this return?", widget=forms.RadioSelect,
        choices=[("accept", "Accept it"), ("send_back", "Send it back to the cluster with comments")],
        error_messages={"required": "Select if you accept the return or send it back"})
    comments = forms.CharField(label="Comments for the cluster", required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        require_when(self, data.get("decision") == "send_back", "comments", "Enter what the cluster needs to change")
        return data


class UnderspendForm(PlainForm):
    action = forms.ChoiceField(label="What should happen to the money not spent?", widget=forms.RadioSelect,
                               choices=UnderspendAction.choices,
                               error_messages={"required": "Select what should happen to the money not spent"})
    reason = forms.CharField(label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Enter the reason"})


class ScheduleForm(PlainForm):
    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = list(kinds)
        for kind, label in self.kinds:
            if kind == "final":  # always at the end of the funded period
                self.fields[f"days_{kind}"] = self._days(label)
                continue
            self.fields[f"months_{kind}"] = forms.IntegerField(
                label=f"{label}: months after the offer is accepted", min_value=1, max_value=60,
                help_text="For example, 6. The final return is always at the end of the funded period.",
                widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
                error_messages={"required": f"Enter the months after acceptance for the {label.lower()}",
                                "invalid": "Enter a whole number of months",
                                "min_value": "Enter 1 month or more",
                                "max_value": "Enter 60 months or fewer"})
            self.fields[f"days_{kind}"] = self._days(label)

    @staticmethod
    def _days(label):
        return forms.IntegerField(
            label=f"{label}: working days allowed after that date", min_value=0, max_value=60,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
            error_messages={"required": f"Enter the working days allowed for the {label.lower()}",
                            "invalid": "Enter a whole number of days",
                            "min_value": "Enter 0 or more", "max_value": "Enter 60 working days or fewer"})


class AreaForm(GovForm):
    """One Health Check area: the cluster's level on the framework's scale, and its evidence."""

    def __init__(self, *args, levels=(), **kwargs):
        self.levels = list(levels)
        super().__init__(*args, **kwargs)

    def setup(self):
        self.fields["level"] = forms.TypedChoiceField(
            label="Which level best describes your cluster in this area?", coerce=int, widget=forms.RadioSelect,
            choices=[(lv.value, f"{lv.name}: {lv.descriptor}") for lv in self.levels],
            error_messages={"required": "Select the level that best describes your cluster"})
        self.fields["evidence"] = _text("What is your evidence?", "Enter your evidence for this area", rows=5,
                                        hint="Say what shows this level: plans, data for groups of pupils, reviews.")


class ModerateForm(PlainForm):
    agreed = forms.ChoiceField(label="Do you agree with the cluster's level?", widget=forms.RadioSelect,
                               choices=[("yes", "Agree"), ("no", "Disagree: set a moderated level")],
                               error_messages={"required": "Select if you agree with the cluster's level"})
    level = forms.TypedChoiceField(label="Moderated level", coerce=int, required=False, widget=forms.RadioSelect,
                                   empty_value=None)
    reason = forms.CharField(label="Reason for the moderated level", required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(lv.value, f"{lv.value}. {lv.name}") for lv in levels]
