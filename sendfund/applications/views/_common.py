"""What the application pages share: loading the application the URL names, the check for pages that change
a draft, where a save goes next, the background save, the warning about a child's details, and serving a
document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from sendfund.accounts.decorators import requires
from sendfund.core.errors import DomainError
from sendfund.core.fields import whole_number
from sendfund.core.forms import form_error

from .. import selectors, services
from ..models import Document
from ..permissions import can_edit_application, can_use_applications

PAGE_SIZE = 25


def _in_scope(user, pk, **_url_kwargs):
    """The application the URL names, through the scoping rule (404 out of scope): `requires(load=...)`."""
    return selectors.application_for_user(user=user, pk=pk)


_application = _in_scope  # the pages that show it read its member schools themselves


# The pages that change a draft: a cluster user's page, on an application they may edit.
_editable = requires(can_use_applications, load=_application, record=can_edit_application)


def _after_save(request, application):
    if request.GET.get("return") == "check":
        return redirect("applications:check", pk=application.pk)
    return redirect("applications:detail", pk=application.pk)


def _version(request) -> int | None:
    return whole_number(request.POST.get("version"))


def _is_autosave(request, action) -> bool:
    return action == "save" and request.headers.get("X-Autosave") == "1"


def _autosaved(application, key):
    """The background save before the session ends (static/applications/autosave.mjs): no page, no message."""
    response = HttpResponse(status=204)
    section = application.sections.filter(key=key).first()
    response["X-Section-Version"] = str(section.version if section else 0)
    return response


def _save_step(request, form, application, key, *, save: Callable[[], Any], done: Callable[[], HttpResponse],
               autosave_url: Callable[[Any], str] | None = None):
    """Run a valid section's or item's save and say what follows, as (response, stale section).

    Not run_form: besides success and a broken rule, a save can be stale (someone else saved first: the page shows
    both versions, so this returns (None, the section as it is now)) or a background save (a 204, no page; for a new
    item, autosave_url(saved) is where its next background save goes). A broken rule becomes the form's error and
    gives (None, None). "Save and come back later" goes to the dashboard with a message; otherwise done().
    """
    action = request.POST.get("action", "continue")
    try:
        saved = save()
    except services.StaleSection as exc:
        return None, exc.section
    except DomainError as exc:
        form_error(form, exc)
        return None, None
    if _is_autosave(request, action):
        response = _autosaved(application, key)
        if autosave_url is not None:
            response["X-Item-Url"] = autosave_url(saved)
        return response, None
    _warn_identity(request, application, key)
    if action == "save":
        messages.success(request, "Your answers have been saved. You can come back to them at any time.")
        return redirect("applications:dashboard"), None
    return done(), None


def _warn_identity(request, application, key):
    for finding in selectors.application_identity_findings(application=application, only=key):
        messages.warning(request, f"{finding.section}, '{finding.field}': we found {finding.problem}. "
                                  "Remove it before you submit: this service must not hold information that "
                                  "could identify a child.")


def _document_response(application, doc):
    document = get_object_or_404(Document, pk=doc, application=application)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.download_name,
                        content_type=document.content_type)
