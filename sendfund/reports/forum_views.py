"""The Schools' Forum pages under /manage/forum/: the Forum's home, the report of a year as it stands today, issuing
it for a meeting (LA officers), and every issued version with its PDF exactly as issued."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from sendfund.accounts.decorators import requires
from sendfund.core.errors import DomainError
from sendfund.core.fields import whole_number
from sendfund.core.forms import run_form
from sendfund.core.years import financial_year_of, fy_label
from sendfund.funds.selectors import fund_current, fund_current_and_streams, fund_financial_years

from . import forum, services
from .forms import IssueForm
from .models import IssuedReport
from .permissions import can_issue_forum_report, can_read_forum_reports


def _years(fund) -> list[int]:
    """The financial years a report can cover: from the fund's first to the next one, newest first."""
    this_year = financial_year_of(timezone.localdate())
    years = fund_financial_years(fund=fund, until=this_year + 1) if fund else [this_year]
    return sorted({y for y in years if y <= this_year + 1} | {this_year}, reverse=True)


@requires(can_read_forum_reports)
def forum_home(request):
    reports = IssuedReport.objects.select_related("issued_by").defer("pdf", "figures")
    return render(request, "reports/forum_home.html", {
        "reports": reports, "this_year": financial_year_of(timezone.localdate())})


@requires(can_read_forum_reports)
def forum_report(request):
    fund, streams = fund_current_and_streams()
    years = _years(fund)
    asked = request.GET.get("year")
    year = whole_number(asked, maximum=9999)
    error = ""
    if asked is not None and year not in years:
        error, year = "Select a financial year from the list", None
    year = year if year is not None else financial_year_of(timezone.localdate())
    figures, council = forum.live_report(financial_year=year, fund=fund, streams=streams)
    context = services.report_context(figures=figures, council=council)
    context.update(years=years, today=timezone.localdate(), error=error, page_has_errors=bool(error))
    return render(request, "reports/forum_report.html", context, status=400 if error else 200)


@requires(can_issue_forum_report)
def forum_issue(request):
    years = _years(fund_current())
    asked = whole_number(request.GET.get("year"), maximum=9999)
    initial = {"year": asked if asked in years else financial_year_of(timezone.localdate())}
    form = IssueForm(request.POST if request.method == "POST" else None, years=years, initial=initial)
    done = run_form(request, form, lambda d: services.forum_report_issue(
        financial_year=d["year"], meeting_on=d["meeting_on"], actor=request.user),
        success_message=lambda report: f"{report} is issued. The Forum can read it now.",
        redirect_to=lambda report: reverse("reports:forum-issued", kwargs={"pk": report.pk}))
    return done or render(request, "reports/forum_issue.html", {"form": form, "fy_label": fy_label},
                          status=400 if form.errors else 200)


@requires(can_read_forum_reports)
def forum_issued(request, pk):
    report = get_object_or_404(IssuedReport.objects.defer("pdf"), pk=pk)
    context = services.report_context(figures=report.figures, issued=report)
    return render(request, "reports/forum_report.html", context)


@requires(can_read_forum_reports)
def forum_issued_pdf(request, pk):
    report = get_object_or_404(IssuedReport, pk=pk)
    try:
        data = services.issued_pdf(report=report)
    except DomainError as exc:
        return render(request, "reports/forum_damaged.html", {"message": str(exc)}, status=503)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"schools-forum-report-{fy_label(report.financial_year)[3:]}-v{report.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
