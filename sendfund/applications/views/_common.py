"""What the application pages share: loading the application the URL names, the check for pages that change
a draft, where a save goes next, the background save, the warning about a child's details, and serving a
document."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from sendfund.accounts.decorators import requires
from sendfund.core.fields import whole_number

from .. import selectors
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


def _warn_identity(request, application, key):
    for finding in selectors.application_identity_findings(application=application, only=key):
        messages.warning(request, f"{finding.section}, '{finding.field}': we found {finding.problem}. "
                                  "Remove it before you submit: this service must not hold information that "
                                  "could identify a child.")


def _document_response(application, doc):
    document = get_object_or_404(Document, pk=doc, application=application)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.download_name,
                        content_type=document.content_type)
