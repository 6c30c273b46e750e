"""Thin views for monitoring returns: load through the scoping rule, ask a permission, call a service, render.

Apply side (/apply/returns/...) for clusters; manage side (/manage/monitoring/...) for the LA.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sendfund.accounts.decorators import requires
from sendfund.core.audit import audit_timeline
from sendfund.core.collection import StaleSection
from sendfund.core.downloads import Field, ListDownload, filters_shown
from sendfund.core.errors import DomainError
from sendfund.core.filecheck import download_name
from sendfund.core.forms import form_error, run_action, run_form
from sendfund.funds.models import Round

from . import forms, selectors, services
from .models import Evidence, ReturnStatus, Underspend
from .permissions import (
    can_confirm_underspend,
    can_edit_return,
    can_edit_schedule,
    can_propose_underspend,
    can_request_return_sign_off,
    can_review_return,
    can_sign_off_return,
    can_use_returns,
    can_view_returns,
)
from .sections import RETURN_BY_KEY

S = ReturnStatus


def _version(request) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _return(user, pk, **_url_kwargs):
    """The return the URL names, through the scoping rule (404 out of scope): `requires(load=...)`."""
    return selectors.return_for_user(user=user, pk=pk)


def _detail_context(request, ret, *, area):
    loaded = selectors.return_load(monitoring_return=ret)
    underspend = Underspend.objects.filter(monitoring_return=ret).prefetch_related("lines__stream").first()
    return {"ret": ret, "loaded": loaded, "area": area, "money": selectors.return_money(monitoring_return=ret),
            "who_acts": selectors.who_acts(ret), "overdue": selectors.is_overdue(ret),
            "underspend": underspend, "events": audit_timeline(target=ret)[:50]}


# --- apply side ---------------------------------------------------------------------------------------------

@requires(can_use_returns)
def returns(request, fmt=None):
    rows = [(r, selectors.who_acts(r), selectors.is_overdue(r)) for r in selectors.returns_for_user(user=request.user)]
    if fmt:
        return RETURNS_DOWNLOAD.response(request, fmt, rows)
    return render(request, "monitoring/returns.html", {"rows": rows})


RETURNS_DOWNLOAD = ListDownload("monitoring-returns", "Monitoring returns", [
    Field("Return", lambda r: r[0].get_kind_display()), Field("Reference", lambda r: r[0].case.reference),
    Field("Cluster", lambda r: r[0].cluster.name, width=30), Field("Due on", lambda r: r[0].due_on, "date"),
    Field("Status", lambda r: r[0].get_status_display()), Field("Overdue", lambda r: "Yes" if r[2] else "No"),
    Field("Who acts next", lambda r: r[1], width=40)])
RETURN_STATES = {"overdue": "Overdue", "due": "Due in the next month", **dict(ReturnStatus.choices)}


@requires(can_use_returns)
def return_detail(request, pk):
    ret = selectors.return_for_user(user=request.user, pk=pk)
    context = _detail_context(request, ret, area="apply")
    if can_edit_return(request.user, ret):
        loaded = context["loaded"]
        context["groups"] = selectors.return_tasks(loaded=loaded, url=lambda spec: reverse(
            "monitoring:return-section", kwargs={"pk": ret.pk, "key": spec.key}))
        context["incomplete"] = selectors.return_incomplete_sections(monitoring_return=ret, loaded=loaded)
        return render(request, "monitoring/return_tasks.html", context)
    context["moves"] = services.return_moves(monitoring_return=ret, user=request.user, cluster_side_only=True)
    return render(request, "monitoring/return_detail.html", context)


def _section_form(spec, loaded, data=None, files=None, *, partial=False, initial=None):
    rows = {"progress": loaded.progress, "spend": loaded.spend, "outcomes": loaded.outcomes}.get(spec.key)
    kwargs = {"rows": rows} if rows is not None else {}
    return spec.form_class(data, files, partial=partial, initial=initial, **kwargs)


@requires(can_use_returns, load=_return, record=can_edit_return)
def return_section(request, ret, pk, key):
    spec = RETURN_BY_KEY.get(key)
    if spec is None:
        raise Http404("No such section")
    loaded = selectors.return_load(monitoring_return=ret)
    stale = None
    if request.method == "POST":
        action = request.POST.get("action", "continue")
        form = _section_form(spec, loaded, request.POST, request.FILES, partial=(action == "save"))
        # Not run_form: besides success and a broken rule, a save can be stale (someone else saved first: the
        # page shows both versions); a broken rule reaches the form by form_error.
        if form.is_valid():
            data = dict(form.cleaned_data)
            if key == "spend":
                data.update({f"spent_{k}": v for k, v in form.amounts().items()})
            try:
                if key == "evidence" and data.get("file"):
                    services.evidence_attach(monitoring_return=ret, upload=data["file"], actor=request.user)
                services.return_section_save(monitoring_return=ret, key=key, data=data, completed=(action != "save"),
                                             expected_version=_version(request), actor=request.user)
            except StaleSection as exc:
                stale = exc.section
            except DomainError as exc:
                form_error(form, exc)
            else:
                for finding in selectors.return_identity_findings(monitoring_return=ret):
                    messages.warning(request, f"{finding.section}, '{finding.field}': we found {finding.problem}. "
                                              "Remove it before you send the return: this service must not hold "
                                              "information that could identify a child.")
                if key == "evidence" and data.get("file") and action != "save" and request.POST.get("another"):
                    return redirect(request.path)
                if action == "save":
                    messages.success(request, "Your answers have been saved. You can come back to them at any time.")
                return redirect("monitoring:return", pk=ret.pk)
    else:
        form = _section_form(spec, loaded, initial=selectors.return_initial(loaded=loaded, key=key))
    return render(request, "monitoring/return_section.html", {
        "ret": ret, "spec": spec, "form": form, "loaded": loaded, "stale": stale,
        "version": stale.version if stale else loaded.version(key),
        "money": selectors.return_money(monitoring_return=ret) if key == "spend" else None})


@requires(can_use_returns)
@require_POST
def evidence_remove(request, pk, doc):
    ret = selectors.return_for_user(user=request.user, pk=pk)
    document = get_object_or_404(Evidence, pk=doc, monitoring_return=ret)
    try:
        services.evidence_remove(monitoring_return=ret, evidence=document, actor=request.user)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, f"{document.original_name} has been removed.")
    return redirect("monitoring:return-section", pk=pk, key="evidence")


def _evidence_response(request, pk, doc):
    ret = selectors.return_for_user(user=request.user, pk=pk)
    document = get_object_or_404(Evidence, pk=doc, monitoring_return=ret)
    return FileResponse(document.file.open("rb"), as_attachment=True,
                        filename=download_name(document.original_name, document.content_type),
                        content_type=document.content_type)


@requires(can_use_returns)
def evidence(request, pk, doc):
    return _evidence_response(request, pk, doc)


@requires(can_use_returns, load=_return, record=can_request_return_sign_off)
@require_POST
def request_sign_off(request, ret, pk):
    return run_action(request, lambda: services.return_transition(
        monitoring_return=ret, to=S.AWAITING_SIGN_OFF, actor=request.user),
        success_message="The return has been sent to your cluster's head or chair to sign off.",
        redirect_to=reverse("monitoring:return", kwargs={"pk": pk}))


@requires(can_use_returns, load=_return, record=can_sign_off_return)
def sign_off(request, ret, pk):
    form, done = forms.run_sign_off(request, lambda to, reason: services.return_transition(
        monitoring_return=ret, to=to, actor=request.user, comments=reason), draft=S.DRAFT, submitted=S.SUBMITTED,
        noun="The return", redirect_to=reverse("monitoring:return", kwargs={"pk": pk}))
    if done:
        return done
    context = _detail_context(request, ret, area="apply")
    context["form"] = form
    return render(request, "monitoring/return_sign_off.html", context)


# --- manage side --------------------------------------------------------------------------------------------

@requires(can_view_returns)
def manage_returns(request, fmt=None):
    state = request.GET.get("state", "")
    rows = [(r, selectors.who_acts(r), selectors.is_overdue(r))
            for r in selectors.returns_waiting(user=request.user, state=state)]
    if fmt:
        return RETURNS_DOWNLOAD.response(request, fmt, rows, filters=filters_shown(request.GET, {
            "state": ("Showing", RETURN_STATES)}) or [("Showing", "Every return not yet closed")])
    return render(request, "monitoring/manage_returns.html", {
        "rows": rows, "state": state, "counts": selectors.return_counts(user=request.user),
        "rounds": Round.objects.order_by("-opens_on")[:5]})


@requires(can_view_returns)
def manage_return(request, pk):
    ret = selectors.return_for_user(user=request.user, pk=pk)
    context = _detail_context(request, ret, area="manage")
    form = forms.ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not can_review_return(request.user, ret):
        raise PermissionDenied

    def review(d) -> bool:
        send_back = d["decision"] == "send_back"
        services.return_transition(monitoring_return=ret, to=S.DRAFT if send_back else S.ACCEPTED,
                                   actor=request.user, comments=d.get("comments", ""))
        return send_back

    done = run_form(request, form, review, redirect_to=reverse("monitoring:manage-return", kwargs={"pk": pk}),
                    success_message=lambda send_back: "The return has been sent back to the cluster." if send_back
                    else "The return has been accepted.")
    if done:
        return done
    context.update({"form": form, "moves": services.return_moves(monitoring_return=ret, user=request.user)})
    return render(request, "monitoring/manage_return.html", context)


@requires(can_view_returns)
def manage_evidence(request, pk, doc):
    return _evidence_response(request, pk, doc)


@requires(can_propose_underspend)
def underspend_propose(request, pk):
    ret = selectors.return_for_user(user=request.user, pk=pk)
    money = selectors.return_money(monitoring_return=ret)
    form = forms.UnderspendForm(request.POST if request.method == "POST" else None)
    done = run_form(request, form, lambda d: services.underspend_propose(
        monitoring_return=ret, action=d["action"], reason=d["reason"], actor=request.user),
        success_message="The proposal has been sent to the decision maker to confirm.",
        redirect_to=reverse("monitoring:manage-return", kwargs={"pk": pk}))
    if done:
        return done
    return render(request, "monitoring/underspend_form.html", {"ret": ret, "money": money, "form": form})


@requires(can_confirm_underspend)
@require_POST
def underspend_confirm(request, pk):
    ret = selectors.return_for_user(user=request.user, pk=pk)
    underspend = Underspend.objects.filter(monitoring_return=ret).first()
    if underspend is None:
        messages.error(request, "Nothing has been proposed for this return's underspend yet.")
        return redirect("monitoring:manage-return", pk=pk)
    return run_action(request, lambda: services.underspend_confirm(underspend=underspend, actor=request.user),
                      success_message="The decision has been confirmed and recorded in the ledger.",
                      redirect_to=reverse("monitoring:manage-return", kwargs={"pk": pk}))


@requires(can_edit_schedule)
def schedule(request, round_pk):
    round_ = get_object_or_404(Round, pk=round_pk)
    items = services.schedule_ensure(round=round_)
    kinds = [(i.kind, i.get_kind_display()) for i in items]
    initial = {**{f"months_{i.kind}": i.months_after_acceptance for i in items},
               **{f"days_{i.kind}": i.working_days_to_submit for i in items}}
    form = forms.ScheduleForm(request.POST if request.method == "POST" else None, kinds=kinds, initial=initial)
    done = run_form(request, form, lambda d: services.schedule_set(
        round=round_, values={k: (d.get(f"months_{k}"), d[f"days_{k}"]) for k, _ in kinds}, actor=request.user),
        success_message=f"The schedule of returns for {round_.name} has been saved.",
        redirect_to=reverse("monitoring:manage-returns"))
    if done:
        return done
    return render(request, "monitoring/schedule.html", {"round": round_, "form": form})
