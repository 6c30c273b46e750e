"""Pages for all SEND money per cluster and for impact over the years (thin: selectors and services only)."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from sendfund.accounts.decorators import requires
from sendfund.accounts.scoping import cluster_in_scope_or_404, clusters_in_scope, clusters_of
from sendfund.core.downloads import Field, ListDownload
from sendfund.core.fields import whole_number
from sendfund.core.forms import CsvFileField, run_form
from sendfund.core.numbers import counted
from sendfund.core.years import financial_year_of

from . import dsg, impact, money
from .forms import PlainForm


class ImportForm(PlainForm):
    file = CsvFileField(label="Upload the funding lines (CSV)",
                           help_text="Columns: urn or cluster (or both, which must agree), line, financial_year (like "
                                     "2026-27), amount (pounds). Give each school's or cluster's line once a year: "
                                     "a line held already is replaced.",
                           error_messages={"required": "Select a CSV file"})


def _year(request, years):
    wanted = whole_number(request.GET.get("year"), maximum=9999)
    if wanted in years:
        return wanted
    this_year = financial_year_of(timezone.localdate())
    return this_year if this_year in years or not years else years[0]


@requires(money.can_view_all_money)
def all_money(request, fmt=None):
    years = money.money_years()
    year = _year(request, years)
    clusters = clusters_in_scope(request.user).order_by("name")
    year_money = money.money_for_year(financial_year=year, clusters=clusters)
    if fmt:
        return ListDownload(f"send-money-{year}", f"All SEND money per cluster, {year_money.label}", [
            Field("Cluster", lambda c: c.cluster.name, width=30), Field("Formula allocation", lambda c: c.formula, "money"),
            Field("Awards from this fund", lambda c: c.awards, "money"),
            *[Field(name, lambda c, name=name: c.lines.get(name, 0), "money") for name in year_money.line_names],
            Field("Total", lambda c: c.total, "money")]).response(
                request, fmt, year_money.clusters, filters=[("Financial year", year_money.label)])
    code = money.la_code()
    return render(request, "monitoring/all_money.html", {
        "years": years, "year": year, "money": year_money, "per_pupil": money.per_pupil(year=year_money),
        "high_needs": dsg.high_needs_for(la_code=code, financial_year=year) if code else None, "dsg_source": dsg.SOURCE,
        "illustrative": year in money.illustrative_years(), "area": "manage",
        "can_import": money.can_import_funding(request.user)})


@requires(money.can_import_funding)
def import_lines(request):
    posted = request.method == "POST"  # an empty POST must bind too, so it shows its errors
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    done = run_form(request, form, lambda d: money.funding_lines_import(
        content=d["file"].read(), file_name=d["file"].name, actor=request.user), error_field="file",
        success_message=lambda batch: f"{counted(batch.rows, 'funding line')} imported from {batch.file_name}.",
        redirect_to=reverse("monitoring:all-money"))
    if done:
        return done
    return render(request, "monitoring/import_lines.html", {"form": form})


def _cluster_money_page(request, cluster, *, area):
    years = money.money_years()
    year = _year(request, years)
    return render(request, "monitoring/cluster_money.html", {
        "cluster": cluster, "years": years, "year": year, "area": area,
        "money": money.money_for_year(financial_year=year, clusters=[cluster]),
        "lines": money.school_lines(user=request.user, cluster=cluster, financial_year=year),
        "illustrative": year in money.illustrative_years()})


@requires(money.can_view_all_money)
def manage_cluster_money(request, cluster_pk):
    return _cluster_money_page(request, cluster_in_scope_or_404(request.user, pk=cluster_pk), area="manage")


def _cluster_user(user, obj=None) -> bool:
    return clusters_of(user).exists()


@requires(_cluster_user)
def apply_cluster_money(request, cluster_pk):
    return _cluster_money_page(request, cluster_in_scope_or_404(request.user, pk=cluster_pk), area="apply")


def _impact_page(request, cluster, *, area):
    from . import health, selectors

    measures = impact.measures()
    result = impact.cluster_impact(cluster=cluster, hide_small=not impact.sees_small_numbers(request.user),
                                   measures_=measures)
    rows = [(y, impact.show_count(y.pupils, user=request.user),
             [impact.year_cell(m, y.figures, user=request.user) for m in measures])
            for y in result.years]
    hc_years, hc_rows = health.trend(user=request.user, cluster=cluster)
    return render(request, "monitoring/impact.html", {
        "cluster": cluster, "impact": result, "rows": rows, "measures": measures, "area": area,
        "hc_years": hc_years, "hc_rows": hc_rows,
        "outcomes": selectors.cluster_outcomes(user=request.user, cluster=cluster)})


@requires(money.can_view_all_money)
def manage_impact(request, cluster_pk):
    return _impact_page(request, cluster_in_scope_or_404(request.user, pk=cluster_pk), area="manage")


@requires(_cluster_user)
def apply_impact(request, cluster_pk):
    return _impact_page(request, cluster_in_scope_or_404(request.user, pk=cluster_pk), area="apply")
