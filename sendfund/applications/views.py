"""Thin views: load through the scoping rule, ask a permission function, call a service, render.

Apply side (/apply/...) for clusters; manage side (/manage/applications/...) for LA staff, read only.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sendfund.accounts.decorators import requires
from sendfund.accounts.permissions import roles_of
from sendfund.accounts.scoping import cluster_user_exists, clusters_of
from sendfund.core.audit import audit_timeline
from sendfund.core.downloads import Field, ListDownload
from sendfund.core.errors import DomainError
from sendfund.core.fields import whole_number
from sendfund.core.forms import form_error, run_form
from sendfund.core.history import history
from sendfund.core.navigation import ENTRIES
from sendfund.formula import selectors as formula_selectors
from sendfund.funds.models import Round

from . import selectors, services
from .forms import FinishedForm, SignOffForm, StartForm
from .models import Document, Status
from .permissions import (
    WRITERS,
    can_edit_application,
    can_list_submitted_applications,
    can_request_sign_off,
    can_sign_off_application,
    can_start_application,
    can_take_back_application,
    can_use_applications,
)
from .sections import BY_KEY, ITEM_FORMS, ITEM_NAMES, ITEM_SECTIONS, LAST
from .status import status_for_cluster
from .summary import NOT_RUN, application_summary

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


# --- rounds, start, dashboard -----------------------------------------------------------------------------

@requires(can_use_applications)
def rounds(request):
    today = timezone.localdate()
    open_rounds = list(Round.objects.open_on(today).select_related("fund").prefetch_related("streams")
                       .order_by("closes_on", "id"))
    return render(request, "applications/rounds.html", {
        "rounds": open_rounds})


@requires(can_start_application)
def start(request, round_pk):
    round_ = get_object_or_404(Round.objects.open_on(timezone.localdate()).prefetch_related("streams"), pk=round_pk)
    roles = roles_of(request.user)
    clusters = [c for c in clusters_of(request.user) if roles.has_cluster_role(c.pk, *WRITERS)]
    offered = [(s.kind, s.get_kind_display()) for s in round_.streams.all()]
    form = StartForm(request.POST if request.method == "POST" else None, initial={"clusters": clusters})
    form.fields["streams"].choices = offered
    if request.method == "POST" and form.is_valid():
        cluster = clusters[0] if len(clusters) == 1 else next(c for c in clusters
                                                             if str(c.pk) == form.cleaned_data["cluster"])
        try:
            application = services.application_start(cluster=cluster, round=round_,
                                                     streams=form.cleaned_data["streams"], actor=request.user)
        except DomainError as exc:
            form_error(form, exc)
        else:
            if application.opened_existing:
                messages.info(request, f"Your cluster already has an application in progress for "
                                       f"{application.streams_label.lower()} funding in {round_.name}. Here it is: "
                                       "carry on with this one.")
            else:
                messages.success(request, "Your application has been started. It is saved as you go.")
            return redirect("applications:detail", pk=application.pk)
    return render(request, "applications/start.html", {"round": round_, "form": form, "streams": round_.streams.all()})


def _cluster_history(application):
    """The application's history as its cluster reads it: names of the cluster's own people, in plain English.
    One query: each event knows whether its actor is one of the cluster's people."""
    events = list(audit_timeline(target=application)
                  .annotate(by_cluster_user=cluster_user_exists(cluster_id=application.cluster_id))[:50])
    return history(events, for_cluster=True, own_user_ids={e.actor_id for e in events if e.by_cluster_user})


def _casework_links(user) -> list[dict]:
    """The slot for casework's apply-side pages ("What the council has asked"), which casework registers
    with navigation.register(area="apply", url_name="casework:...")."""
    links = []
    for entry in ENTRIES:
        if entry.area == "apply" and entry.url_name.startswith("casework:") and entry.check(user):
            try:
                links.append({"text": entry.text, "href": reverse(entry.url_name), "description": entry.description})
            except NoReverseMatch:
                continue
    return links


CLUSTER_DOWNLOAD = ListDownload("applications", "Your cluster's applications", [
    Field("Reference", lambda a: a.reference or "Not sent yet"), Field("Cluster", lambda a: a.cluster.name, width=30),
    Field("Round", lambda a: a.round.name, width=24), Field("Funding", lambda a: a.streams_label),
    Field("Status", lambda a: status_for_cluster(a).text, width=24),
    Field("Last changed", lambda a: timezone.localtime(a.updated_at).replace(tzinfo=None), "datetime")])


@requires(can_use_applications)
def dashboard(request, fmt=None):
    if fmt:
        return CLUSTER_DOWNLOAD.response(request, fmt, selectors.cluster_applications(user=request.user))
    page = Paginator(selectors.cluster_applications(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    la_asks = _casework_links(request.user)
    return render(request, "applications/dashboard.html", {
        "page": page, "la_asks": la_asks,
        "has_open_round": Round.objects.open_on(timezone.localdate()).exists()})


# --- one application: task list, sections, items ---------------------------------------------------------

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
            try:
                services.section_save(application=application, key=key, answers=form.answers(),
                                      completed=(action != "save"), expected_version=_version(request),
                                      actor=request.user)
                for name, kind in getattr(form, "FILE_KINDS", {}).items():
                    if form.cleaned_data.get(name):
                        services.document_attach(application=application, kind=kind, upload=form.cleaned_data[name],
                                                 actor=request.user)
            except services.StaleSection as exc:
                stale = exc.section
            except DomainError as exc:
                form_error(form, exc)
            else:
                if _is_autosave(request, action):
                    return _autosaved(application, key)
                _warn_identity(request, application, key)
                if action == "save":
                    messages.success(request, "Your answers have been saved. You can come back to them at any time.")
                    return redirect("applications:dashboard")
                return _after_save(request, application)
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


def _item_kind(kind):
    if kind not in ITEM_SECTIONS:
        raise Http404("No such section")
    return kind


@_editable
def items(request, application, pk, kind):
    spec = BY_KEY[_item_kind(kind)]
    loaded = selectors.application_load(application=application)
    form = FinishedForm(request.POST if request.method == "POST" else None)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.section_finish(application=application, kind=kind, finished=form.cleaned_data["finished"] == "yes",
                                    expected_version=_version(request), actor=request.user)
        except services.StaleSection:
            stale = True
            loaded = selectors.application_load(application=application)
        except DomainError as exc:
            form_error(form, exc, field="finished")
        else:
            return _after_save(request, application)
    rows = [{"item": item, "number": n, "complete": selectors.item_is_complete(kind=kind, item=item, application=application)}
            for n, item in enumerate(loaded.items[kind], start=1)]
    cards = application_summary(loaded=loaded, editable=True, only=kind)
    return render(request, "applications/items.html", {
        "application": application, "spec": spec, "kind": kind, "name": ITEM_NAMES[kind], "rows": rows,
        "cards": cards, "form": form, "version": loaded.version(kind), "stale": stale,
        "return_check": request.GET.get("return") == "check"})


def _item_initial(kind, item):
    if item is None:
        return {}
    if kind == "activities":
        return {"what": item.what, "delivered_by": item.delivered_by, "starts_on": item.starts_on,
                "ends_on": item.ends_on, "schools": [str(s.pk) for s in item.schools.all()]}
    if kind == "costs":
        initial = {"stream_kind": item.stream_kind, "category": item.category, "description": item.description,
                   "recurrence": item.recurrence}
        initial.update({f"amount_{a.financial_year}": f"{a.amount:.2f}" for a in item.amounts.all()})
        return initial
    return {"measure": item.measure, "baseline": item.baseline, "target": item.target, "by_when": item.by_when,
            "how_measured": item.how_measured}


def _item_form(request, application, pk, kind, item_pk=None):
    _item_kind(kind)
    model = services.ITEM_MODELS[kind]
    item = get_object_or_404(model, pk=item_pk, application=application) if item_pk else None
    loaded = selectors.application_load(application=application)
    form_class = ITEM_FORMS[kind]
    schools = loaded.member_schools
    stale = None
    if request.method == "POST":
        action = request.POST.get("action", "continue")
        form = form_class(request.POST, application=application, schools=schools, partial=(action == "save"))
        if form.is_valid():
            data = dict(form.cleaned_data)
            if kind == "costs":
                data["amounts"] = form.amounts()
            try:
                item = services.item_save(application=application, kind=kind, data=data, item=item,
                                          expected_version=_version(request), actor=request.user,
                                          form_token=request.POST.get("form_token", ""))
            except services.StaleSection as exc:
                stale = exc.section
            except DomainError as exc:
                form_error(form, exc)
            else:
                if _is_autosave(request, action):
                    response = _autosaved(application, kind)
                    response["X-Item-Url"] = reverse("applications:item-edit",
                                                     kwargs={"pk": pk, "kind": kind, "item": item.pk})
                    return response
                _warn_identity(request, application, kind)
                if action == "save":
                    messages.success(request, "Your answers have been saved. You can come back to them at any time.")
                    return redirect("applications:dashboard")
                url = reverse("applications:items", kwargs={"pk": pk, "kind": kind})
                return redirect(url + ("?return=check" if request.GET.get("return") == "check" else ""))
    else:
        form = form_class(initial=_item_initial(kind, item), application=application, schools=schools)
    return render(request, "applications/item_form.html", {
        "application": application, "spec": BY_KEY[kind], "kind": kind, "name": ITEM_NAMES[kind], "item": item,
        "form": form, "stale": stale, "version": stale.version if stale else loaded.version(kind),
        "return_check": request.GET.get("return") == "check",
        "form_token": _form_token(request) if item_pk is None else ""})


def _form_token(request) -> str:
    """The "add" form's one-off token: kept across an error so the same form never adds twice."""
    import secrets

    posted = request.POST.get("form_token", "") if request.method == "POST" else ""
    return posted if posted.isalnum() and len(posted) <= 64 else secrets.token_hex(16)


@_editable
def item_add(request, application, pk, kind):
    return _item_form(request, application, pk, kind)


@_editable
def item_edit(request, application, pk, kind, item):
    return _item_form(request, application, pk, kind, item)


@_editable
def item_remove(request, application, pk, kind, item):
    _item_kind(kind)
    obj = get_object_or_404(services.ITEM_MODELS[kind], pk=item, application=application)
    loaded = selectors.application_load(application=application)
    if request.method == "POST":
        if request.POST.get("confirm") == "yes":
            try:
                services.item_remove(application=application, kind=kind, item=obj,
                                     expected_version=_version(request), actor=request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"The {ITEM_NAMES[kind]} has been removed.")
        return redirect("applications:items", pk=pk, kind=kind)
    return render(request, "applications/item_remove.html", {
        "application": application, "kind": kind, "name": ITEM_NAMES[kind], "item": obj,
        "version": loaded.version(kind)})


# --- check, sign-off, confirmation --------------------------------------------------------------------

@requires(can_use_applications, load=_application)
def check(request, application, pk):
    if not application.is_draft:  # sent for sign-off or submitted: the read-only view says so
        return redirect("applications:detail", pk=pk)
    loaded = selectors.application_load(application=application)
    editable = can_edit_application(request.user, application)
    # the summary and the warnings both read the capacity evidence: read it once
    evidence = (formula_selectors.cluster_capacity_evidence(cluster=application.cluster)
                if application.wants_capacity else None)
    return render(request, "applications/check.html", {
        "application": application, "cards": application_summary(loaded=loaded, editable=editable, evidence=evidence),
        "incomplete": selectors.application_incomplete_sections(application=application, loaded=loaded),
        "findings": selectors.application_identity_findings(application=application, loaded=loaded),
        "bid_warnings": selectors.application_bid_warnings(application=application, loaded=loaded,
                                                           evidence=evidence)})


@requires(can_use_applications, load=_application, record=can_request_sign_off)
@require_POST
def request_sign_off(request, application, pk):
    try:
        services.application_transition(application=application, to=Status.AWAITING_SIGN_OFF, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("applications:check", pk=pk)
    messages.success(request, "Your application has been sent to your cluster's head or chair to sign off. "
                              "We have emailed them a link.")
    return redirect("applications:detail", pk=pk)


@requires(can_use_applications, load=_application, record=can_take_back_application)
@require_POST
def withdraw(request, application, pk):
    try:
        services.application_transition(application=application, to=Status.DRAFT, actor=request.user,
                                        reason="Taken back by the cluster to change it")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("applications:detail", pk=pk)
    messages.success(request, "The application is a draft again. You can change it and send it for sign-off again.")
    return redirect("applications:detail", pk=pk)


@requires(can_use_applications, load=_application, record=can_sign_off_application)
def sign_off(request, application, pk):
    loaded = selectors.application_load(application=application)
    form = SignOffForm(request.POST if request.method == "POST" else None)

    def decide(d) -> bool:
        confirmed = d["decision"] == "confirm"
        if confirmed:
            services.application_transition(application=application, to=Status.SUBMITTED, actor=request.user)
        else:
            services.application_transition(application=application, to=Status.DRAFT, actor=request.user,
                                            reason=d["reason"])
        return confirmed

    done = run_form(
        request, form, decide, error_field="decision",
        success_message=lambda confirmed: "" if confirmed else (
            "The application has been sent back to the cluster host and SEND lead."),
        redirect_to=lambda confirmed: reverse("applications:confirmation" if confirmed else "applications:detail",
                                              kwargs={"pk": pk}))
    if done:
        return done
    return render(request, "applications/sign_off.html", {
        "application": application, "form": form, "cards": application_summary(loaded=loaded, editable=False),
        "findings": selectors.application_identity_findings(application=application, loaded=loaded),
        "today": timezone.localdate()})


@requires(can_use_applications, load=_application)
def confirmation(request, application, pk):
    if application.status != Status.SUBMITTED:
        raise Http404("Not submitted")
    return render(request, "applications/confirmation.html", {"application": application})


def _document_response(application, doc):
    document = get_object_or_404(Document, pk=doc, application=application)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.download_name,
                        content_type=document.content_type)


@requires(can_use_applications, load=_in_scope)
def document(request, application, pk, doc):
    return _document_response(application, doc)


# --- the LA's read-only view ----------------------------------------------------------------------

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
