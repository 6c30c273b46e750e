"""Thin views for the SEND Cluster Health Check (apply side for clusters, manage side for the LA)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sendfund.accounts.decorators import requires
from sendfund.accounts.scoping import cluster_in_scope_or_404, clusters_of
from sendfund.core import collection
from sendfund.core.audit import audit_timeline
from sendfund.core.downloads import Field, ListDownload
from sendfund.core.errors import DomainError
from sendfund.core.fields import whole_number
from sendfund.core.forms import form_error, run_action, run_form
from sendfund.core.years import academic_year_of, ay_label

from . import forms, health
from .models import HealthCheckStatus
from .permissions import (
    can_edit_health_check,
    can_invite_to_development,
    can_moderate_health_check,
    can_request_health_check_sign_off,
    can_sign_off_health_check,
    can_start_health_check,
    can_use_health_checks,
    can_view_health_checks,
)

H = HealthCheckStatus


def _version(request) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


CLUSTER_CHECKS_DOWNLOAD = ListDownload("health-checks", "Your cluster's Health Checks", [
    Field("Year", lambda hc: ay_label(hc.academic_year)), Field("Cluster", lambda hc: hc.cluster.name, width=30),
    Field("Status", lambda hc: hc.get_status_display(), width=30)])


@requires(can_use_health_checks)
def health_checks_download(request, fmt):
    """The cluster's Health Checks as CSV or Excel (a view of its own, as the page also starts a Health Check)."""
    return CLUSTER_CHECKS_DOWNLOAD.response(request, fmt, health.health_checks_for_user(user=request.user))


@requires(can_use_health_checks)
def health_checks(request):
    year = academic_year_of(timezone.localdate())
    checks = list(health.health_checks_for_user(user=request.user))
    startable = [c for c in clusters_of(request.user) if can_start_health_check(request.user, c)
                 and not any(hc.cluster_id == c.pk and hc.academic_year == year for hc in checks)]
    if request.method == "POST":
        cluster = next((c for c in startable if str(c.pk) == request.POST.get("cluster")), None)
        if cluster is None:
            raise PermissionDenied
        try:
            hc = health.health_check_start(cluster=cluster, academic_year=year, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("monitoring:health-check", pk=hc.pk)
    return render(request, "monitoring/health_checks.html", {
        "checks": checks, "startable": startable, "year": year, "clusters": clusters_of(request.user)})


def _health_check(user, pk, **_url_kwargs):
    """The Health Check the URL names, through the scoping rule (404 out of scope): `requires(load=...)`."""
    return health.health_check_for_user(user=user, pk=pk)


def _levels(hc):
    return list(hc.framework.levels.all())


@requires(can_use_health_checks)
def health_check(request, pk):
    hc = health.health_check_for_user(user=request.user, pk=pk)
    ratings = health.health_check_ratings(health_check=hc)
    by_area = {r.area_id: r for r in ratings}
    specs = [collection.SectionSpec(str(r.area.code), r.area.title, "Areas of the Health Check") for r in ratings]
    groups = collection.task_groups(
        specs, status=lambda s: collection.status_of(next(r for r in ratings if r.area.code == s.key)),
        url=lambda s: reverse("monitoring:health-check-area", kwargs={"pk": hc.pk, "code": s.key}))
    return render(request, "monitoring/health_check.html", {
        "hc": hc, "ratings": ratings, "by_area": by_area, "groups": groups, "levels": _levels(hc), "area": "apply",
        "incomplete": [r for r in ratings if collection.status_of(r) != collection.COMPLETED],
        "moves": health.health_check_moves(health_check=hc, user=request.user, cluster_side_only=True),
        "events": audit_timeline(target=hc)[:50]})


@requires(can_use_health_checks, load=_health_check, record=can_edit_health_check)
def health_check_area(request, hc, pk, code):
    rating = next((r for r in health.health_check_ratings(health_check=hc) if r.area.code == code), None)
    if rating is None:
        raise Http404("No such area")
    stale = None
    if request.method == "POST":
        action = request.POST.get("action", "continue")
        form = forms.AreaForm(request.POST, levels=_levels(hc), partial=(action == "save"))
        # Not run_form: besides success and a broken rule, a save can be stale (someone else saved first: the
        # page shows both versions); a broken rule reaches the form by form_error.
        if form.is_valid():
            try:
                health.rating_save(health_check=hc, area=rating.area, level=form.cleaned_data.get("level"),
                                   evidence=form.cleaned_data.get("evidence") or "", completed=(action != "save"),
                                   expected_version=_version(request), actor=request.user)
            except collection.StaleSection as exc:
                stale = exc.section
            except DomainError as exc:
                form_error(form, exc)
            else:
                return redirect("monitoring:health-check", pk=hc.pk)
    else:
        form = forms.AreaForm(initial={"level": rating.level, "evidence": rating.evidence}, levels=_levels(hc))
    return render(request, "monitoring/health_check_area.html", {
        "hc": hc, "rating": rating, "form": form, "stale": stale,
        "version": stale.version if stale else rating.version})


@requires(can_use_health_checks, load=_health_check, record=can_request_health_check_sign_off)
@require_POST
def health_check_request_sign_off(request, hc, pk):
    # The cluster host who completed it goes straight on to sign it off, rather than "sending" it to themselves.
    signer = can_sign_off_health_check(request.user, hc)
    return run_action(request, lambda: health.health_check_transition(
        health_check=hc, to=H.AWAITING_SIGN_OFF, actor=request.user),
        success_message=("Check the Health Check, then sign it off or send it back." if signer else
                         "The Health Check has been sent to your cluster host to sign off."),
        redirect_to=reverse("monitoring:health-check-sign-off" if signer else "monitoring:health-check",
                            kwargs={"pk": pk}))


@requires(can_use_health_checks, load=_health_check, record=can_sign_off_health_check)
def health_check_sign_off(request, hc, pk):
    form, done = forms.run_sign_off(request, lambda to, reason: health.health_check_transition(
        health_check=hc, to=to, actor=request.user, comments=reason), draft=H.DRAFT, submitted=H.SUBMITTED,
        noun="The Health Check", redirect_to=reverse("monitoring:health-check", kwargs={"pk": pk}))
    if done:
        return done
    return render(request, "monitoring/health_check_sign_off.html", {
        "hc": hc, "ratings": health.health_check_ratings(health_check=hc), "levels": _levels(hc), "form": form,
        "area": "apply"})


def _trend_page(request, cluster, *, area):
    years, rows = health.trend(user=request.user, cluster=cluster)
    return render(request, "monitoring/health_trend.html", {"cluster": cluster, "years": years, "rows": rows,
                                                            "area": area})


@requires(can_use_health_checks)
def health_trend(request, cluster_pk):
    cluster = cluster_in_scope_or_404(request.user, pk=cluster_pk)
    return _trend_page(request, cluster, area="apply")


# --- manage side --------------------------------------------------------------------------------------------

@requires(can_view_health_checks)
def manage_health_checks(request, fmt=None):
    years = health.health_years(user=request.user)
    wanted = whole_number(request.GET.get("year"), maximum=9999)
    year = wanted if wanted in years else (years[0] if years else academic_year_of(timezone.localdate()))
    areas, rows = health.heatmap(user=request.user, academic_year=year)
    if fmt:
        return ListDownload(f"health-checks-{year}", f"SEND Cluster Health Checks, {ay_label(year)}", [
            Field("Cluster", lambda r: r.cluster.name, width=30),
            Field("Status", lambda r: r.health_check.get_status_display()),
            *[Field(a.title, lambda r, i=i: r.levels[i], "integer") for i, a in enumerate(areas)],
            Field("Average level", lambda r: r.mean, "number")]).response(
                request, fmt, rows, filters=[("Academic year", ay_label(year))])
    waiting = list(health.health_checks_for_user(user=request.user).filter(status=H.SUBMITTED))
    return render(request, "monitoring/manage_health_checks.html", {
        "year": year, "years": years, "areas": areas, "rows": rows, "waiting": waiting,
        "disagreements": health.disagreements(user=request.user, academic_year=year),
        "candidates": health.development_candidates(user=request.user, academic_year=year, rows=rows)})


@requires(can_view_health_checks)
def manage_health_check(request, pk):
    hc = health.health_check_for_user(user=request.user, pk=pk)
    ratings = health.health_check_ratings(health_check=hc)
    return render(request, "monitoring/health_check.html", {
        "hc": hc, "ratings": ratings, "levels": _levels(hc), "area": "manage",
        "moves": health.health_check_moves(health_check=hc, user=request.user),
        "events": audit_timeline(target=hc)[:50]})


@requires(can_moderate_health_check)
def moderate_area(request, pk, code):
    hc = health.health_check_for_user(user=request.user, pk=pk)
    rating = next((r for r in health.health_check_ratings(health_check=hc) if r.area.code == code), None)
    if rating is None:
        raise Http404("No such area")
    form = forms.ModerateForm(request.POST if request.method == "POST" else None, levels=_levels(hc), initial={
        "agreed": {True: "yes", False: "no"}.get(rating.agreed), "level": rating.moderated_level,
        "reason": rating.moderation_reason})
    done = run_form(request, form, lambda d: health.rating_moderate(
        health_check=hc, area=rating.area, agreed=d["agreed"] == "yes", level=d.get("level"),
        reason=d.get("reason", ""), actor=request.user),
        redirect_to=reverse("monitoring:manage-health-check", kwargs={"pk": pk}))
    if done:
        return done
    return render(request, "monitoring/moderate_area.html", {"hc": hc, "rating": rating, "form": form,
                                                             "levels": _levels(hc)})


@requires(can_moderate_health_check)
@require_POST
def moderation_finish(request, pk):
    hc = health.health_check_for_user(user=request.user, pk=pk)
    return run_action(request, lambda: health.health_check_transition(health_check=hc, to=H.MODERATED,
                                                                       actor=request.user),
                      success_message="The moderation has been recorded and the cluster told.",
                      redirect_to=reverse("monitoring:manage-health-check", kwargs={"pk": pk}))


@requires(can_view_health_checks)
def manage_trend(request, cluster_pk):
    return _trend_page(request, cluster_in_scope_or_404(request.user, pk=cluster_pk), area="manage")


@requires(can_invite_to_development)
@require_POST
def invite_to_development(request, cluster_pk):
    """Invite a cluster the Health Check picks out to the development stream of the open round."""
    from sendfund.casework.services import invitation_send_development
    from sendfund.funds.selectors import round_open

    raw = request.POST.get("year", "")
    year = int(raw) if raw.isdigit() else academic_year_of(timezone.localdate())
    areas, rows = health.heatmap(user=request.user, academic_year=year)
    row = next((r for r in health.development_candidates(user=request.user, academic_year=year, rows=rows)
                if r.cluster.pk == cluster_pk), None)
    back = f"{reverse('monitoring:manage-health-checks')}?year={year}"
    if row is None:
        messages.error(request, "That cluster's Health Check does not show a need for development money this year.")
        return redirect(back)
    levels = {lv.value: lv.name for lv in row.health_check.framework.levels.all()}
    return run_action(request, lambda: invitation_send_development(
        cluster=row.cluster, round_=round_open(), actor=request.user,
        sentences=health.candidate_sentences(row, areas, levels)),
        success_message=f"{row.cluster.name} has been invited to apply to the development stream.", redirect_to=back)
