"""Thin views: check permission, call a selector or service, render (house rule 7)."""

from __future__ import annotations

import json
import math

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from sendfund.accounts.decorators import requires
from sendfund.accounts.scoping import clusters_of, get_in_scope_or_404
from sendfund.core.downloads import Field, ListDownload, export_response
from sendfund.core.exports import Column, Table
from sendfund.core.fields import whole_number
from sendfund.core.forms import run_form
from sendfund.registry.models import Cluster, Indicator
from sendfund.registry.selectors import membership_years

from . import charts, selectors, services
from .forms import RunForm, VersionForm
from .models import FormulaRun, FormulaVersion
from .permissions import can_edit_formula_version, can_run_formula, can_view_formula, can_view_own_allocation


def _run_or_404(pk: int) -> FormulaRun:
    try:
        return selectors.run_get(pk=pk)
    except FormulaRun.DoesNotExist:
        raise Http404("No such run") from None


def _finite(x):
    return x if x is not None and math.isfinite(x) else None


# --- /manage/formula/ -------------------------------------------------------------------------


RUNS_DOWNLOAD: ListDownload[FormulaRun] = ListDownload("formula-runs", "Formula runs", [
    Field("Run", lambda r: r.pk, "integer"), Field("Made", lambda r: timezone.localtime(r.created_at).replace(tzinfo=None),
                                                   "datetime"),
    Field("Financial year", lambda r: r.fy_label), Field("Census", lambda r: r.ay_label),
    Field("Version", lambda r: r.version.name, width=30),
    Field("Kind", lambda r: "Allocation" if r.kind == "allocation" else "Scenario"),
    Field("Pot", lambda r: r.pot, "money"), Field("Clusters", lambda r: r.cluster_count, "integer")])


@requires(can_view_formula)
def index(request, fmt=None):
    if fmt:
        return RUNS_DOWNLOAD.response(request, fmt, selectors.run_list())
    runs = Paginator(selectors.run_list(), 25).get_page(request.GET.get("page"))
    return render(request, "formula/index.html", {"versions": selectors.version_list(), "runs": runs})


def _version_form_page(request, version=None):
    indicators = list(Indicator.objects.all())
    if request.method == "POST":
        form = VersionForm(request.POST, indicators=indicators)
    else:
        form = VersionForm(initial=VersionForm.initial_for(version) if version else None, indicators=indicators)
    done = run_form(request, form, lambda d: services.formula_version_save(
        actor=request.user, version=version, **form.service_kwargs()),
        success_message=lambda saved: f"Version {saved.name} saved",
        redirect_to=lambda saved: reverse("formula:version-detail", kwargs={"pk": saved.pk}))
    if done:
        return done
    return render(request, "formula/version_form.html", {"form": form, "version": version})


@requires(can_edit_formula_version)
def version_create(request):
    return _version_form_page(request)


@requires(can_edit_formula_version)
def version_edit(request, pk):
    version = get_object_or_404(FormulaVersion.objects.prefetch_related("factors__indicator", "targeted__cluster"), pk=pk)
    if selectors.version_in_use(version=version):
        messages.info(request, "This version has been used for a run, so it cannot change. Make a new version instead.")
        return redirect("formula:version-detail", pk=pk)
    return _version_form_page(request, version)


@requires(can_view_formula)
def version_detail(request, pk):
    try:
        version = selectors.version_get(pk=pk)
    except FormulaVersion.DoesNotExist:
        raise Http404("No such version") from None
    return render(request, "formula/version_detail.html", {
        "version": version, "factors": list(version.factors.all()), "targeted": list(version.targeted.all()),
        "in_use": selectors.version_in_use(version=version),
        "document": json.dumps(selectors.version_document(version=version), indent=2)})


@requires(can_view_formula)
def version_download(request, pk):
    try:
        version = selectors.version_get(pk=pk)
    except FormulaVersion.DoesNotExist:
        raise Http404("No such version") from None
    response = HttpResponse(json.dumps(selectors.version_document(version=version), indent=2),
                            content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="formula-version-{version.pk}.json"'
    return response


@requires(can_run_formula)
def run_create(request):
    years = membership_years()
    form = RunForm(request.POST if request.method == "POST" else None, academic_years=years)
    done = run_form(request, form, lambda d: services.formula_run_create(
        actor=request.user, version=d["version"], financial_year=d["financial_year"],
        academic_year=d["academic_year"], pot=d["pot"], kind=d["kind"], scenarios=d["scenarios"]),
        success_message=lambda run: f"The formula has run: {run.cluster_count} clusters, {run.school_count} schools",
        redirect_to=lambda run: reverse("formula:run-detail", kwargs={"pk": run.pk}))
    if done:
        return done
    return render(request, "formula/run_form.html", {"form": form, "has_years": bool(years)})


def _run_context(run: FormulaRun) -> dict:
    results = selectors.run_results(run=run)
    names = selectors.indicator_names()
    labels = [selectors.component_label(c, names) for c in run.components]
    need_names = [names.get(c, c) for c in run.need_indicators]
    return {"run": run, "results": results, "component_labels": labels, "names": names, "need_names": need_names,
            "need_phrase": ", ".join(n[:1].lower() + n[1:] for n in need_names)}


@requires(can_view_formula)
def run_detail(request, pk):
    run = _run_or_404(pk)
    ctx = _run_context(run)
    ctx["results"] = sorted(ctx["results"], key=lambda r: r.cluster.name)
    return render(request, "formula/run_detail.html", ctx)


@requires(can_view_formula)
def run_gap(request, pk):
    run = _run_or_404(pk)
    ctx = _run_context(run)
    ctx["top"] = [r for r in ctx["results"] if r.top]
    ctx["invite"] = [r for r in ctx["results"] if r.invite]
    ctx["threshold"] = run.parameters.get("evidence_threshold", "1.2")
    ctx["evidence_years"] = run.parameters.get("evidence_years", 2)
    ctx["top_n"] = run.parameters.get("top_n", 10)
    if run.need_indicators:
        ctx["charts"] = [
            mark_safe(charts.inline(_gap_svg(run, ctx["results"]), label=(  # noqa: S308 - our own SVG, label escaped
                "Bar chart of the capacity gap for the 30 clusters with the largest gap. "
                "The same figures are in the table below."))),
            mark_safe(charts.inline(_need_funding_svg(run, ctx["results"]), label=(  # noqa: S308
                "Scatter chart of each cluster's share of need against its share of the money. "
                "The figures are in the table below."))),
        ]
    return render(request, "formula/run_gap.html", ctx)


def _gap_svg(run, results) -> str:
    rows = [(r.cluster.name, r.gap, r.top) for r in results if r.gap is not None][:30]
    return charts.gap_chart(rows, title=f"Capacity gap, {run.fy_label}: the 30 largest")


def _need_funding_svg(run, results) -> str:
    points = [(r.cluster.name, r.funding_share, r.combined_need_share, r.top) for r in results
              if r.combined_need_share is not None]
    return charts.need_funding_chart(points, title=f"Share of need against share of money, {run.fy_label}")


@requires(can_view_formula)
def run_compare(request, pk):
    run = _run_or_404(pk)
    others = list(selectors.run_list().exclude(pk=run.pk)[:50])
    other_pk = whole_number(request.GET.get("with"))
    comparison = None
    if other_pk is not None:
        other = next((o for o in others if o.pk == other_pk), None)
        if other is None:
            raise Http404("No such run")
        comparison = selectors.run_compare(run=run, other=other)
    return render(request, "formula/run_compare.html", {"run": run, "others": others, "comparison": comparison})


@requires(can_view_formula)
def run_chart(request, pk, name):
    run = _run_or_404(pk)
    results = selectors.run_results(run=run)
    if name == "gap":
        svg = _gap_svg(run, results)
    elif name == "need-funding":
        svg = _need_funding_svg(run, results)
    else:
        raise Http404("No such chart")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _rows_for_download(run: FormulaRun):
    ctx = _run_context(run)
    header = ["cluster_code", "cluster", "allocation", "schools", "pupils", *run.components, "protected",
              "funding_share", *[f"need_share:{i}" for i in run.need_indicators], *[f"ratio:{i}" for i in run.need_indicators],
              "combined_ratio", "need_allocation", "gap", "gap_rank", "years_above_threshold", "clear_evidence",
              "top_n", "invite", "top_n_frequency"]
    rows = []
    for r in ctx["results"]:
        needs = {n.indicator: n for n in r.needs.all()}
        rows.append([
            r.cluster.code, r.cluster.name, r.allocation, r.schools, r.pupils, *[c.amount for c in r.components.all()],
            {1: "floor", -1: "cap"}.get(r.protected, ""), round(r.funding_share, 6),
            *[round(needs[i].need_share, 6) if i in needs else "" for i in run.need_indicators],
            *[(round(needs[i].ratio, 4) if needs[i].ratio is not None else "") if i in needs else ""
              for i in run.need_indicators],
            "" if _finite(r.combined_ratio) is None else round(r.combined_ratio, 4),
            r.need_allocation if r.need_allocation is not None else "", r.gap if r.gap is not None else "",
            r.gap_rank or "", r.years_above, "yes" if r.clear_evidence else "no", "yes" if r.top else "no",
            "yes" if r.invite else "no", "" if r.top_frequency is None else round(r.top_frequency, 4),
        ])
    return header, rows


_TEXT_COLUMNS = {"cluster_code", "cluster", "protected", "clear_evidence", "top_n", "invite"}


@requires(can_view_formula)
def run_download(request, pk, fmt):
    run = _run_or_404(pk)
    header, rows = _rows_for_download(run)
    money = {"allocation", "need_allocation", "gap", *run.components}
    columns = [Column(h, "money" if h in money else "text" if h in _TEXT_COLUMNS else "number") for h in header]
    tables, facts = [Table("Allocation and gap", columns, rows, freeze_columns=2)], []
    if fmt == "xlsx":  # the workbook also lists the schools and the run's facts; the CSV is the one table
        schools = [[s.school.urn, s.school.name, s.cluster.name, s.allocation] for s in
                   run.schools.select_related("school", "cluster").order_by("cluster__name", "school__name")]
        tables.append(Table("Schools", [Column("URN", "integer"), Column("School", width=40),
                                        Column("Cluster", width=30), Column("Allocation", "money")], schools))
        facts = [("Version", run.version.name), ("Financial year", run.fy_label),
                 ("Census and clusters", run.ay_label), ("Pot", run.pot), ("Kind", run.get_kind_display()),
                 ("Scenarios", run.scenarios), ("Inputs SHA-256", run.inputs_sha256),
                 ("Run at", timezone.localtime(run.created_at).replace(tzinfo=None))]
    return export_response(user=request.user, fmt=fmt, stem=f"formula-run-{run.pk}-{run.fy_label}",
                           title=f"Formula run {run.pk}: allocation and capacity gap, {run.fy_label}",
                           tables=tables, facts=facts)


@require_POST
@requires(can_run_formula)
def run_verify(request, pk):
    run = _run_or_404(pk)
    ok, message = services.formula_run_verify(run=run)
    (messages.success if ok else messages.warning)(request, message)
    return redirect("formula:run-detail", pk=pk)


# --- /apply/formula/ --------------------------------------------------------------------------


@requires(can_view_own_allocation)
def your_allocation(request):
    clusters = list(clusters_of(request.user))
    if len(clusters) == 1:
        return redirect("formula:your-allocation-detail", code=clusters[0].code)
    return render(request, "formula/your_clusters.html", {"clusters": clusters})


@requires(can_view_own_allocation)
def your_allocation_detail(request, code):
    cluster = get_in_scope_or_404(Cluster.objects.all(), request.user, cluster_path="pk", code=code)
    evidence = selectors.cluster_capacity_evidence(cluster=cluster)
    return render(request, "formula/your_allocation.html", {"cluster": cluster, "evidence": evidence})
