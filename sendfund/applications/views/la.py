"""The LA's read-only applications pages under /manage/applications/: submitted applications, one
application and its documents."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from sendfund.accounts.decorators import requires
from sendfund.core.audit import audit_timeline
from sendfund.core.downloads import Field, ListDownload
from sendfund.core.history import history

from .. import selectors
from ..permissions import can_list_submitted_applications
from ..summary import application_summary
from ._common import PAGE_SIZE, _application, _document_response, _in_scope

SUBMITTED_DOWNLOAD = ListDownload("submitted-applications", "Submitted applications", [
    Field("Reference", lambda a: a.reference), Field("Cluster", lambda a: a.cluster.name, width=30),
    Field("Round", lambda a: a.round.name, width=24), Field("Funding", lambda a: a.streams_label),
    Field("Submitted", lambda a: timezone.localdate(a.submitted_at), "date"),
    Field("Signed off late", lambda a: "Yes" if a.submitted_late else "No"),
    Field("Asked for", lambda a: a.requested_total or 0, "money")])


@requires(can_list_submitted_applications)
def manage_list(request, fmt=None):
    if fmt:
        return SUBMITTED_DOWNLOAD.response(request, fmt, selectors.submitted_applications(user=request.user))
    page = Paginator(selectors.submitted_applications(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "applications/manage_list.html", {"page": page})


@requires(can_list_submitted_applications, load=_application)
def manage_detail(request, application, pk):
    loaded = selectors.application_load(application=application)
    return render(request, "applications/overview.html", {
        "application": application, "area": "manage",
        "cards": application_summary(loaded=loaded, editable=False, area="manage"),
        "history": history(audit_timeline(target=application)[:50])})


@requires(can_list_submitted_applications, load=_in_scope)
def manage_document(request, application, pk, doc):
    return _document_response(application, doc)
