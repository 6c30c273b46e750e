from django import forms

from sendfund.core.forms import PrivacyScreen


class TokenForm(PrivacyScreen, forms.Form):
    name = forms.CharField(label="Name", max_length=100, help_text="So you can tell your tokens apart, for example Finance system",
                           error_messages={"required": "Enter a name for the token, for example Finance system"})
    days = forms.TypedChoiceField(label="How long should it work?", coerce=int, initial=90,
                                  choices=[(30, "30 days"), (90, "90 days"), (365, "1 year")], widget=forms.RadioSelect,
                                  error_messages={"required": "Choose how long the token should work"})
