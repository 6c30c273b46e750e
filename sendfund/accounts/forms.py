from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from sendfund.core.forms import PlainEnglish


class SignInForm(PlainEnglish, AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        error_messages={"required": "Enter your email address", "invalid": "Enter an email address in the correct format, like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password", strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Enter a correct email address and password. After 5 wrong tries your account is locked for 30 minutes.",
        "inactive": "This account has been closed. Contact the SEND and inclusion team.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("username", field_width=Fluid.TWO_THIRDS),
            Field.text("password", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Sign in"),
        )


class ResetRequestForm(PlainEnglish, PasswordResetForm):
    email = forms.EmailField(
        label="Email address", max_length=254,
        help_text="We will email you a link to choose a new password, if we have an account for this address.",
        error_messages={"required": "Enter your email address", "invalid": "Enter an email address in the correct format, like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.text("email", field_width=Fluid.TWO_THIRDS), Submit("submit", "Send the link"))


class NewPasswordForm(PlainEnglish, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.fields["new_password1"].help_text = "Use at least 12 characters. A few unrelated words is a good choice."
        self.fields["new_password2"].label = "Enter the new password again"
        self.error_messages["password_mismatch"] = "The two passwords do not match"
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.text("new_password1", field_width=Fluid.TWO_THIRDS),
                                    Field.text("new_password2", field_width=Fluid.TWO_THIRDS),
                                    Submit("submit", "Save the new password"))
