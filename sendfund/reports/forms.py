"""The form an LA officer issues the Forum report with."""

import datetime as dt

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.utils import timezone

from sendfund.core.fields import GovDateField
from sendfund.core.forms import PrivacyScreen
from sendfund.core.years import financial_year_of, fy_label


class IssueForm(PrivacyScreen, forms.Form):
    year = forms.TypedChoiceField(label="Financial year", coerce=int, choices=[],
                                  error_messages={"required": "Select the financial year the report covers",
                                                  "invalid_choice": "Select a financial year from the list"})
    meeting_on = GovDateField(label="Date of the Forum meeting", required_message="Enter the date of the Forum meeting",
                              hint="For example, 14 1 2027",
                              earliest=lambda: timezone.localdate() - dt.timedelta(days=366),
                              latest=lambda: timezone.localdate() + dt.timedelta(days=366),
                              earliest_message="The meeting must be within the last year",
                              latest_message="The meeting must be within the next year")

    def __init__(self, *args, years: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        years = years or [financial_year_of(timezone.localdate())]
        self.fields["year"].choices = [(y, fy_label(y)) for y in years]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
