"""Forms check the shape of answers; services check the rules (house rule 7).

Every free-text field carries hint text asking for nothing that identifies a child. A form built with
`partial=True` (for "Save and come back later") requires nothing, so a half-finished answer is kept.
"""

from crispy_forms_gds.helper import FormHelper
from django import forms

from sendfund.core.fields import GovDateField, MoneyField
from sendfund.core.forms import CheckedFileField, PlainEnglish, PrivacyScreen, require_when
from sendfund.core.money import format_pounds
from sendfund.core.plain_errors import too_long
from sendfund.core.years import fy_bounds, fy_label
from sendfund.funds.models import StreamKind

from .models import CostCategory, DocumentKind, Recurrence

NO_CHILD = ("Do not include names, dates of birth, unique pupil numbers (UPNs) or anything else that could "
            "identify a child. Use numbers for groups of pupils instead.")
YES_NO = [("yes", "Yes"), ("no", "No")]


def _text(label, required_message, *, hint="", max_length=5000, rows=5):
    return forms.CharField(label=label, max_length=max_length, required=True,
                           help_text=(hint + " " + NO_CHILD).strip(),
                           error_messages={"required": required_message,
                                           "max_length": too_long(label, max_length)},
                           widget=forms.Textarea(attrs={"rows": rows}))


def _line(label, required_message, *, hint="", max_length=200):
    return forms.CharField(label=label, max_length=max_length, required=True,
                           help_text=(hint + " " + NO_CHILD).strip(),
                           error_messages={"required": required_message,
                                           "max_length": too_long(label, max_length)})


class AnswersForm(PrivacyScreen, forms.Form):
    """A section's form. Subclasses list their fields; `partial=True` makes every field optional.
    Answers are screened for pupil data after saving (a warning) and at sign-off (a block), not here."""

    privacy_warn_only = True

    def __init__(self, *args, application=None, schools=(), partial=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.schools = list(schools)  # the cluster's member schools (selectors.application_member_schools)
        self.partial = partial
        self.setup()
        if partial:
            for field in self.fields.values():
                field.required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def setup(self):
        pass

    def years_span(self, *, extra_years: int = 0) -> dict:
        """The dates of the round's financial years (plus `extra_years`), as a date field's range."""
        years = list(getattr(self.application, "financial_years", []) or [])
        if not years:
            return {}
        first, last = fy_bounds(years[0])[0], fy_bounds(years[-1] + extra_years)[1]
        span = f"{fy_label(years[0])} to {fy_label(years[-1] + extra_years)}"
        return {"earliest": first, "latest": last,
                "earliest_message": f"Enter a date in the years of the bid ({span}), on or after {first.day} {first:%B %Y}",
                "latest_message": f"Enter a date in the years of the bid ({span}), on or before {last.day} {last:%B %Y}"}

    def answers(self) -> dict:
        """The cleaned text answers to keep in the section (files and model fields excluded)."""
        return {name: value for name, value in self.cleaned_data.items()
                if not isinstance(self.fields[name], forms.FileField)}


class ClusterDetailsForm(AnswersForm):
    details_correct = forms.ChoiceField(
        label="Are these details correct?", choices=YES_NO, widget=forms.RadioSelect,
        error_messages={"required": "Select yes if these details are correct"})
    corrections = forms.CharField(
        label="What needs to change?", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="We will update our records. Give the person's name and work email address, or the school's name.",
        error_messages={"max_length": too_long("What needs to change", 2000)})

    def clean(self):
        data = super().clean()
        if not self.partial and data.get("details_correct") == "no" and not data.get("corrections", "").strip():
            self.add_error("corrections", "Enter what needs to change")
        return data


class FundingForm(AnswersForm):
    streams = forms.MultipleChoiceField(
        label="Which funding are you applying for?", choices=StreamKind.choices, widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. You can apply for both in one application.",
        error_messages={"required": "Select the funding you are applying for"})

    def setup(self):
        self.fields["streams"].required = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["streams"].required = True  # a draft always has at least one stream


class CapacityEvidenceForm(AnswersForm):
    unmet_need = forms.CharField()

    def setup(self):
        self.fields["unmet_need"] = _text(
            "Describe the need your cluster cannot meet with its formula allocation",
            "Describe the need your cluster cannot meet",
            hint="Say what is happening and how many pupils it affects, for example the number waiting for support.")


class DevelopmentEvidenceForm(AnswersForm):
    def setup(self):
        self.fields["current_practice"] = _text("Describe your cluster's current SEND practice",
                                                "Describe your cluster's current SEND practice")
        self.fields["want_to_develop"] = _text("What does your cluster want to develop?",
                                               "Enter what your cluster wants to develop")


class DocumentField(CheckedFileField):
    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)


class PlansForm(AnswersForm):
    def setup(self):
        self.fields["development_plan_priorities"] = _text(
            "What are the main priorities in your cluster development plan?",
            "Enter the main priorities in your cluster development plan", rows=4)
        self.fields["development_plan_file"] = DocumentField(
            label="Upload your cluster development plan (optional)",
            help_text="A PDF, Word, Excel or OpenDocument file, smaller than 10MB.")
        self.fields["action_plan_priorities"] = _text(
            "What are the main actions in your SEN-D Action Plan?",
            "Enter the main actions in your SEN-D Action Plan", rows=4)
        self.fields["action_plan_file"] = DocumentField(
            label="Upload your SEN-D Action Plan (optional)",
            help_text="A PDF, Word, Excel or OpenDocument file, smaller than 10MB.")

    FILE_KINDS = {"development_plan_file": DocumentKind.DEVELOPMENT_PLAN, "action_plan_file": DocumentKind.ACTION_PLAN}


class SustainabilityForm(AnswersForm):
    def setup(self):
        self.fields["after_funding"] = _text("What will happen when this funding stops?",
                                             "Enter what will happen when this funding stops",
                                             hint="Say how the cluster will keep the benefit going.")


class GovernanceForm(AnswersForm):
    def setup(self):
        self.fields["how_agreed"] = _text(
            "How did the cluster agree this bid?", "Enter how the cluster agreed this bid",
            hint="For example, the heads agreed it at their meeting in October.", rows=3)
        self.fields["fund_holder"] = forms.ChoiceField(
            label="Which school will hold and account for the money?", widget=forms.RadioSelect,
            choices=[(str(s.urn), s.name) for s in self.schools],
            error_messages={"required": "Select the school that will hold the money"})
        self.fields["conflicts"] = forms.CharField(
            label="Conflicts of interest (optional)", required=False, max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="Tell us about anyone involved in the bid who would benefit personally from it. " + NO_CHILD,
            error_messages={"max_length": too_long("Conflicts of interest", 2000)})


class DeclarationsForm(AnswersForm):
    DECLARATIONS = [
        ("accurate", "The information in this application is accurate to the best of my knowledge",
         "Confirm that the information is accurate"),
        ("no_pupil_data", "This application does not include information that could identify a child",
         "Confirm that the application does not identify a child"),
        ("monitoring", "The cluster agrees to monitoring and to return money it does not spend as agreed",
         "Confirm that the cluster agrees to monitoring"),
    ]

    def setup(self):
        for name, label, message in self.DECLARATIONS:
            self.fields[name] = forms.BooleanField(label=label, error_messages={"required": message})


# --- repeating items -------------------------------------------------------------------------------

class ActivityForm(AnswersForm):
    def setup(self):
        self.fields["what"] = _text("What will you do?", "Enter what you will do", rows=3)
        self.fields["delivered_by"] = _line("Who will deliver it?", "Enter who will deliver it",
                                            hint="A role or an organisation, for example 'cluster SENCO'.")
        self.fields["schools"] = forms.MultipleChoiceField(
            label="Which schools will benefit?", widget=forms.CheckboxSelectMultiple, help_text="Select all that apply.",
            choices=[(str(s.pk), s.name) for s in self.schools],
            error_messages={"required": "Select the schools that will benefit"})
        years = self.years_span()
        self.fields["starts_on"] = GovDateField(label="Start date", required_message="Enter the start date", **years)
        self.fields["ends_on"] = GovDateField(label="End date", required_message="Enter the end date", **years)

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The end date must be the same as or after the start date")
        return data


class CostLineForm(AnswersForm):
    def setup(self):
        application = self.application
        streams = application.streams_requested if application else list(StreamKind.values)
        self.fields["stream_kind"] = forms.ChoiceField(
            label="Which funding is this cost for?", widget=forms.RadioSelect,
            choices=[(k, StreamKind(k).label) for k in streams],
            error_messages={"required": "Select the funding this cost is for"})
        if len(streams) == 1:  # nothing to ask: the cost is for the one stream applied for
            self.fields["stream_kind"].initial = streams[0]
            self.fields["stream_kind"].required = False
            self.fields["stream_kind"].widget = forms.HiddenInput()
        self.only_stream = streams[0] if len(streams) == 1 else None
        self.fields["category"] = forms.ChoiceField(
            label="What kind of cost is it?", widget=forms.RadioSelect, choices=CostCategory.choices,
            error_messages={"required": "Select the kind of cost"})
        self.fields["description"] = _line("Describe the cost", "Enter a description of the cost",
                                           hint="For example, 'SENCO time, 1 day a week'.", max_length=300)
        for year in self.years:
            self.fields[f"amount_{year}"] = MoneyField(
                label=f"Amount for {fy_label(year)} (optional)", required=False,
                help_text="In pounds, for example 2500.00. Leave blank if none.")
        self.fields["recurrence"] = forms.ChoiceField(
            label="Is it a one-off or a recurring cost?", widget=forms.RadioSelect, choices=Recurrence.choices,
            error_messages={"required": "Select if the cost is one-off or recurring"})

    @property
    def years(self) -> list[int]:
        return list(getattr(self.application, "financial_years", []) or [])

    def stream_pots(self, kind: str | None) -> dict[int, object]:
        """What the chosen stream's pot holds in each year of the bid: no cost line can be more."""
        if not kind or self.application is None:
            return {}
        from sendfund.funds.selectors import pot_allocations

        return pot_allocations(round=self.application.round, kind=kind, financial_years=self.years)

    def amounts(self) -> dict[int, object]:
        return {year: self.cleaned_data.get(f"amount_{year}") for year in self.years}

    def clean(self):
        data = super().clean()
        if self.only_stream:
            data["stream_kind"] = self.only_stream
        pots = self.stream_pots(data.get("stream_kind"))
        for year in self.years:
            name, value = f"amount_{year}", data.get(f"amount_{year}")
            if value is not None and year in pots and value > pots[year]:
                self.add_error(name, f"Amount for {fy_label(year)} must be no more than the whole "
                                     f"{StreamKind(data['stream_kind']).label.lower()} pot for the year, "
                                     f"{format_pounds(pots[year])}")
        if not self.partial and self.years and not self.errors and not any(data.get(f"amount_{y}") for y in self.years):
            self.add_error(f"amount_{self.years[0]}", "Enter an amount for at least one financial year")
        return data


class OutcomeForm(AnswersForm):
    def setup(self):
        self.fields["measure"] = _line("What will you measure?", "Enter what you will measure",
                                       hint="For example, the number of requests for EHC needs assessments.",
                                       max_length=300)
        self.fields["baseline"] = _line("Where is it now (baseline)?", "Enter the baseline",
                                        hint="A number or a short description.")
        self.fields["target"] = _line("Where do you want it to be (target)?", "Enter the target")
        self.fields["by_when"] = GovDateField(label="By when", required_message="Enter the date you will reach the target",
                                              **self.years_span(extra_years=3))
        self.fields["how_measured"] = _text("How will you measure it?", "Enter how you will measure it", rows=3)


class FinishedForm(PlainEnglish, forms.Form):
    """'Have you finished this section?' at the foot of a list of items."""

    finished = forms.ChoiceField(label="Have you completed this section?", widget=forms.RadioSelect,
                                 choices=[("yes", "Yes, I've completed this section"),
                                          ("no", "No, I'll come back to it later")],
                                 error_messages={"required": "Select if you have completed this section"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class StartForm(FundingForm):
    """Start an application: which cluster (when the user has several) and which streams."""

    def setup(self):
        clusters = self.initial.get("clusters") or []
        if len(clusters) > 1:
            self.fields["cluster"] = forms.ChoiceField(
                label="Which cluster is this application for?", widget=forms.RadioSelect,
                choices=[(str(c.pk), c.name) for c in clusters],
                error_messages={"required": "Select the cluster"})
            self.order_fields(["cluster", "streams"])


class SignOffForm(PrivacyScreen, forms.Form):
    decision = forms.ChoiceField(
        label="Do you confirm this application on behalf of the cluster?", widget=forms.RadioSelect,
        choices=[("confirm", "Yes, confirm and submit it"), ("send_back", "No, send it back to change it")],
        error_messages={"required": "Select if you confirm this application"})
    reason = forms.CharField(
        label="What needs to change?", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only if you send it back. " + NO_CHILD,
        error_messages={"max_length": too_long("What needs to change", 2000)})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        data = super().clean()
        require_when(self, data.get("decision") == "send_back", "reason", "Enter what needs to change")
        return data
