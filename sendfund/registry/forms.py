"""Forms check shape only; the services check the rules (house rule 7)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.core.validators import RegexValidator

from sendfund.core.forms import CsvFileField, PlainEnglish, PrivacyScreen
from sendfund.core.years import ay_label

MAX_MEMBERSHIP_FILE = 2 * 1024 * 1024


class CouncilSetupForm(PrivacyScreen, forms.Form):
    la_code = forms.CharField(
        label="Local authority code", max_length=3,
        help_text="The DfE's 3-digit code for the council, for example 926 for Norfolk or 873 for Cambridgeshire",
        validators=[RegexValidator(r"^[0-9]{3}$", "Enter the council's code as 3 digits, for example 873")],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": "Enter the council's 3-digit local authority code"})
    org_id = forms.CharField(
        label="Organisation identifier (optional)", required=False, max_length=40,
        help_text="The council's identifier on org-id.guide, for example GB-LAE-CAM",
        validators=[RegexValidator(r"^[A-Z]{2}-[A-Z]{3}-[A-Za-z0-9-]+$", "Enter an identifier like GB-LAE-CAM")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.text("la_code", field_width=3), Field.text("org_id"))
        self.helper.add_input(Submit("submit", "Set up the council"))

    def clean_la_code(self):
        return int(self.cleaned_data["la_code"])


class MembershipUploadForm(PlainEnglish, forms.Form):
    file = CsvFileField(label="Cluster membership file (CSV)",
                           help_text="Columns urn (or laestab), cluster, academic_year; optionally host_urn, "
                                     "host_email, send_lead_email",
                           error_messages={"required": "Choose the CSV file of your cluster lists"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("file"))
        self.helper.add_input(Submit("submit", "Import the clusters"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV file (.csv)")
        if upload.size > MAX_MEMBERSHIP_FILE:
            raise forms.ValidationError("The selected file must be smaller than 2 MB")
        return upload


class CarryForwardForm(PlainEnglish, forms.Form):
    """Which cluster each new school joins (or none); built from the plan."""

    def __init__(self, *args, plan, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Leave it out of every cluster"), *((c.code, c.name) for c in clusters)]
        for school, suggestion in plan.new:
            self.fields[f"school_{school.urn}"] = forms.ChoiceField(
                label=f"{school.name} (URN {school.urn}, {school.get_phase_display()})", choices=choices,
                required=False, initial=suggestion.code if suggestion else "")
        self.helper = FormHelper()
        self.helper.layout = Layout(*(Field.select(name) for name in self.fields))
        self.helper.add_input(Submit("submit", f"Carry the clusters forward to {ay_label(plan.to_year)}"))
