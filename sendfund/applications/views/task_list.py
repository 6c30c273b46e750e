"""One draft application as its cluster works on it: the task list (or the read-only overview), each
section's page, and the documents uploaded with the plans section."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sendfund.accounts.decorators import requires
from sendfund.accounts.scoping import cluster_user_exists
from sendfund.core.audit import audit_timeline
from sendfund.core.history import history
from sendfund.formula import selectors as formula_selectors

from .. import selectors, services
from ..models import Document
from ..permissions import can_edit_application, can_use_applications
from ..sections import BY_KEY, LAST
from ..summary import NOT_RUN, application_summary
from ._common import (
    _after_save,
    _application,
    _document_response,
    _editable,
    _in_scope,
    _save_step,
    _version,
)


def _cluster_history(application):
    """The application's history as its cluster reads it: names of the cluster's own people, in plain English.
    One query: each event knows whether its actor is one of the cluster's people."""
    events = list(audit_timeline(target=application)
                  .annotate(by_cluster_user=cluster_user_exists(cluster_id=application.cluster_id))[:50])
    return history(events, for_cluster=True, own_user_ids={e.actor_id for e in events if e.by_cluster_user})


@requires(can_use_applications, load=_application)
def detail(request, application, pk):
    loaded = selectors.application_load(application=application)
    if can_edit_application(request.user, application):
        return render(request, "applications/task_list.html", {
            "application": application, "groups": selectors.application_tasks(loaded=loaded),
            "incomplete": selectors.application_incomplete_sections(application=application, loaded=loaded),
            "history": _cluster_history(application)})
    return render(request, "applications/overview.html", {
        "application": application, "area": "apply",
        "cards": application_summary(loaded=loaded, editable=False),
        "history": _cluster_history(application)})


def _section_context(request, application, spec, form, loaded, schools, *, stale=None):
    context = {"application": application, "spec": spec, "form": form, "stale": stale,
               "version": stale.version if stale else loaded.version(spec.key),
               "return_check": request.GET.get("return") == "check", "schools": schools}
    if spec.key == "evidence-capacity":
        context["evidence"] = formula_selectors.cluster_capacity_evidence(cluster=application.cluster)
        context["not_run"] = NOT_RUN
    if spec.key == "plans":
        context["documents"] = loaded.documents
    if stale is not None:
        context["stale_rows"] = [(form.fields[n].label if n in form.fields else n, v)
                                 for n, v in stale.answers.items()]
    return context


@_editable
def section(request, application, pk, key):
    spec = BY_KEY.get(key)
    if spec is None or spec.is_list or not spec.applies(application):
        raise Http404("No such section")
    loaded = selectors.application_load(application=application)
    if key == LAST and selectors.section_status(loaded, spec) == selectors.CANNOT_START:
        messages.info(request, "Complete every other section before the declarations.")
        return redirect("applications:detail", pk=pk)
    form_class = spec.form_class
    schools = loaded.member_schools
    stale = None
    if request.method == "POST":
        action = request.POST.get("action", "continue")
        form = form_class(request.POST, request.FILES, application=application, schools=schools,
                          partial=(action == "save"))
        if form.is_valid():
            def save():
                services.section_save(application=application, key=key, answers=form.answers(),
                                      completed=(action != "save"), expected_version=_version(request),
                                      actor=request.user)
                for name, kind in getattr(form, "FILE_KINDS", {}).items():
                    if form.cleaned_data.get(name):
                        services.document_attach(application=application, kind=kind, upload=form.cleaned_data[name],
                                                 actor=request.user)

            response, stale = _save_step(request, form, application, key, save=save,
                                         done=lambda: _after_save(request, application))
            if response is not None:
                return response
    else:
        initial = dict(loaded.answers(key))
        if key == "governance" and "fund_holder" not in initial and application.cluster.host_school:
            initial["fund_holder"] = str(application.cluster.host_school.urn)
        form = form_class(initial=initial, application=application, schools=schools)
    return render(request, "applications/section.html",
                  _section_context(request, application, spec, form, loaded, schools, stale=stale))


@_editable
@require_POST
def document_remove(request, application, pk, doc):
    document = get_object_or_404(Document, pk=doc, application=application)
    services.document_remove(application=application, document=document, actor=request.user)
    messages.success(request, f"{document.original_name} has been removed.")
    return redirect(reverse("applications:section", kwargs={"pk": pk, "key": "plans"}))


@requires(can_use_applications, load=_in_scope)
def document(request, application, pk, doc):
    return _document_response(application, doc)
