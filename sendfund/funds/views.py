"""The pot pages under /manage/funds/: balances per stream and year (FY and AY views), a chart and the ledger."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from sendfund.accounts.decorators import requires
from sendfund.core.errors import DomainError
from sendfund.core.fields import whole_number
from sendfund.core.years import fy_label

from . import charts, selectors, services
from .permissions import can_allocate, can_view_pot


def _fund():
    fund = selectors.fund_current()
    if fund is None:
        raise Http404("No fund")
    return fund


@requires(can_view_pot)
def pot(request):
    fund = _fund()
    overview = selectors.pot_overview(fund=fund)
    rows = overview.rows
    chart = charts.pot_chart_svg(labels=[f"{r.stream_label} {r.year_label}" for r in rows],
                                 paid=[r.balance.paid for r in rows],
                                 committed_unpaid=[r.balance.unpaid for r in rows],
                                 remaining=[r.balance.remaining for r in rows]) if rows else ""
    next_year = (max(r.financial_year for r in rows) + 1) if rows else overview.fund_first_fy
    return render(request, "funds/pot.html", {
        "fund": fund, "o": overview, "streams": overview.streams,
        "chart": mark_safe(chart),  # noqa: S308  (our own matplotlib output, with no user text in it)
        "may_allocate": can_allocate(request.user), "next_year": next_year, "next_year_label": fy_label(next_year),
    })


@requires(can_view_pot)
def ledger(request):
    fund = _fund()
    year = request.GET.get("year", "")
    kind = request.GET.get("stream", "")
    entries = selectors.ledger_entries(fund=fund, financial_year=whole_number(year, maximum=9999),
                                       stream_kind=kind if kind in ("capacity", "development") else None)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "funds/ledger.html", {"fund": fund, "page": page})


@require_POST
@requires(can_allocate)
def allocate(request):
    fund = _fund()
    year = whole_number(request.POST.get("year"), maximum=9999)
    try:
        if year is None:
            raise DomainError("Choose the financial year to allocate.")
        services.pot_allocate_year(fund=fund, financial_year=year, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{fy_label(year)} allocated to the streams.")
    return redirect("funds:pot")
