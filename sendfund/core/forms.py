"""What every form in the product shares: errors in plain English (`PlainEnglish`, core.plain_errors), the
privacy screen over its free-text fields, and the one upload checker behind every file field.

A form that mixes in `PrivacyScreen` has every free-text field screened when it is cleaned, including
fields added later or in `__init__`: nothing to remember per field. Text that looks like it identifies a
child is refused with an error on that field. Application answers instead set `privacy_warn_only`: they
are kept, the applicant is warned on saving and blocked at sign-off (applications.selectors).
`tests/test_privacy_everywhere.py` fails when a form with a free-text field is not screened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from . import privacy
from .errors import DomainError
from .filecheck import ACCEPT, UploadRefused, check_upload
from .filecheck.messages import EMPTY, WRONG_TYPE
from .plain_errors import plain_english

NOT_FREE_TEXT = (forms.EmailField, forms.URLField, forms.SlugField, forms.UUIDField, forms.GenericIPAddressField,
                 forms.JSONField)


def is_free_text(field: forms.Field) -> bool:
    """A field a person types words into: a CharField that is not an address, a password, hidden, or a
    number typed as text (inputmode decimal or numeric)."""
    if not isinstance(field, forms.CharField) or isinstance(field, NOT_FREE_TEXT):
        return False
    widget = field.widget
    if isinstance(widget, forms.PasswordInput | forms.HiddenInput):
        return False
    return widget.attrs.get("inputmode") not in ("decimal", "numeric")


def form_error(form: forms.BaseForm, exc: DomainError, *, field: str | None = None) -> None:
    """Show a broken rule on the form: on `field` when given, else on the field the rule names when the form
    has it, else above the form (the error summary links to it either way)."""
    form.add_error(field or (exc.field if exc.field in form.fields else None), exc.message)


def run_form(request, form: forms.BaseForm, action: Callable[[dict[str, Any]], Any], *,
             success_message: str | Callable[[Any], str] = "",
             redirect_to: str | Callable[[Any], str | HttpResponse],
             error_field: str | None = None) -> HttpResponse | None:
    """The one way a view runs a form: on a valid POST, call `action(form.cleaned_data)` (the service);
    a `DomainError` becomes the form's error (`form_error`), otherwise add `success_message` and redirect to
    `redirect_to`. Either may be a function of what `action` returned. Returns the redirect, or None when the
    view should render the form (a GET, an invalid form or a broken rule)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except DomainError as exc:
        form_error(form, exc, field=error_field)
        return None
    message = success_message(result) if callable(success_message) else success_message
    if message:
        messages.success(request, message)
    target = redirect_to(result) if callable(redirect_to) else redirect_to
    return target if isinstance(target, HttpResponse) else redirect(target)


def run_action(request, action: Callable[[], Any], *, success_message: str | Callable[[Any], str],
               redirect_to: str) -> HttpResponse:
    """The one way a view runs a button that posts no form (ask for sign-off, confirm, allocate, invite): call
    `action()` (the service); a `DomainError` becomes an error message, otherwise add `success_message`; either
    way redirect to `redirect_to`, the page the button was on. The message may be a function of what `action`
    returned."""
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success_message(result) if callable(success_message) else success_message)
    return redirect(redirect_to)


# A mixin for forms: to the type checker it is a form, so it may use a form's fields and errors.
if TYPE_CHECKING:
    _Form = forms.BaseForm
else:
    _Form = object


def require_when(form: forms.BaseForm, condition: bool, field: str, message: str) -> None:
    """Add `message` to `field` when `condition` holds and the field is blank, unless the field has an error of
    its own already (text over its length limit is not blank, and one error is enough). Call from `clean`."""
    if condition and field not in form.errors and not str(form.cleaned_data.get(field) or "").strip():
        form.add_error(field, message)


class PlainEnglish(_Form):
    """Mix into every form, before forms.Form: each field's errors in plain English, naming it by its label
    (`core.plain_errors`), never Django's stock words or what was typed echoed back. `tests/test_plain_errors.py`
    fails when a form does not mix it in (PrivacyScreen does)."""

    def full_clean(self):
        for name, field in self.fields.items():
            plain_english(field, name)
        super().full_clean()


class PrivacyScreen(PlainEnglish):
    """Mix into a Form before forms.Form: screens what was typed into every free-text field (core.privacy)
    once the form is cleaned, and words every error in plain English (`PlainEnglish`)."""

    privacy_warn_only = False  # True: keep the text; the caller warns and blocks later

    def full_clean(self):
        super().full_clean()
        if self.privacy_warn_only or not hasattr(self, "cleaned_data"):
            return
        for name, field in self.fields.items():
            if not is_free_text(field):
                continue
            value = self[name].data  # as typed: a field's own cleaning may turn it into something else
            if not isinstance(value, str) or not value:
                continue
            findings = privacy.screen(value)
            if findings:
                label = str(field.label or name.replace("_", " ").capitalize())
                self.add_error(name, privacy.refusal(label, findings))


class ScreenedModelForm(PrivacyScreen, forms.ModelForm):
    """The base of the admin's forms: the admin's free text is screened like every other form's."""


class CheckedFileField(forms.FileField):
    """A file upload judged by core.filecheck: refused with the checker's message, or cleaned with
    `upload.checked` (the true kind, a clean name and the text) for the service that stores it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"empty": EMPTY, "invalid": WRONG_TYPE})
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ACCEPT

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            try:
                upload.checked = check_upload(upload)
            except UploadRefused as exc:
                raise forms.ValidationError(str(exc)) from exc
        return upload


CSV_MAX_BYTES = 5 * 1024 * 1024


class CsvFileField(forms.FileField):
    """A data file (CSV) a council uploads to import, judged before any importer reads it: at most 5 MB,
    text (UTF-8, with or without a BOM, or Windows-1252 as DfE's GIAS files are), no NUL bytes, not a
    PDF, ZIP or other binary renamed .csv, and no pupil data (the privacy screen reads every cell). The
    documents people attach go through CheckedFileField; data files go through this."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ".csv,text/csv"

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        name = (upload.name or "").lower()
        if not name.endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV file")
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 5MB")
        raw = upload.read()
        upload.seek(0)
        if b"\x00" in raw or raw.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise forms.ValidationError("The selected file is not a CSV file. Save it as CSV and upload it again")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        from .privacy import identity_problems

        problems = identity_problems(text)
        if problems:
            raise forms.ValidationError("The selected file has pupil data in it: " + "; ".join(problems[:3]) +
                                        ". Remove it and upload the file again")
        return upload
