"""Pages for all SEND money per cluster and for impact over the years (thin: selectors and services only)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from sendfund.accounts.decorators import requires
from sendfund.accounts.scoping import cluster_in_scope_or_404, clusters_of
from sendfund.core.errors import DomainError
from sendfund.core.forms import CsvFileField
from sendfund.core.years import financial_year_of

from . import dsg, impact, money
from .forms import PlainForm


class ImportForm(PlainForm):
    file = CsvFileField(label="Upload the funding lines (CSV)",
                           help_text="Columns: urn or cluster, line, financial_year (like 2026-27), amount (pounds).",
                           error_messages={"required": "Select a CSV file"})


def _year(request, years):
    raw = request.GET.get("year", "")
    if raw.isdigit() and int(raw) in years:
        return int(raw)
    this_year = financial_year_of(timezone.localdate())
    return this_year if this_year in years or not years else years[0]


@requires(money.can_view_all_money)
def all_money(request):
    years = money.money_years()
    year = _year(request, years)
    year_money = money.money_for_year(financial_year=year)
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
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = money.funding_lines_import(content=upload.read(), file_name=upload.name, actor=request.user)
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, f"{batch.rows} funding lines imported from {batch.file_name}.")
            return redirect("monitoring:all-money")
    return render(request, "monitoring/import_lines.html", {"form": form})


def _cluster_money_page(request, cluster, *, area):
    years = money.money_years()
    year = _year(request, years)
    return render(request, "monitoring/cluster_money.html", {
        "cluster": cluster, "years": years, "year": year, "area": area,
        "money": money.money_for_year(financial_year=year, clusters=[cluster]),
        "lines": money.school_lines(cluster=cluster, financial_year=year),
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
    result = impact.cluster_impact(cluster=cluster)
    years = impact.cluster_years(cluster=cluster)
    rows = [(y, impact.show_count(y.pupils, user=request.user),
             [(m, y.share(m.code), impact.show_count(y.counts.get(m.code), user=request.user))
              for m in impact.measures()]) for y in years]
    return render(request, "monitoring/impact.html", {
        "cluster": cluster, "impact": result, "rows": rows, "measures": impact.measures(), "area": area})


@requires(money.can_view_all_money)
def manage_impact(request, cluster_pk):
    return _impact_page(request, cluster_in_scope_or_404(request.user, pk=cluster_pk), area="manage")


@requires(_cluster_user)
def apply_impact(request, cluster_pk):
    return _impact_page(request, cluster_in_scope_or_404(request.user, pk=cluster_pk), area="apply")
