"""The Schools' Forum report: every figure on the page read from the rendered HTML and checked against the
ledger and the other apps' selectors; small numbers hidden so none can be worked out; issued versions frozen
with their PDF (tagged, text checked); and a Forum member kept to the aggregate pages."""

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from sendfund.accounts.roles import Role
from sendfund.casework.models import Instalment, State
from sendfund.core.errors import DomainError
from sendfund.core.models import AuditEvent
from sendfund.core.money import format_pounds
from sendfund.core.tests.test_suppression import attack
from sendfund.core.years import financial_year_of, fy_label
from sendfund.formula.selectors import latest_allocation_run, run_results
from sendfund.funds.selectors import fund_current, pot_position, reference_commitments
from sendfund.funds.services import pot_adjust
from sendfund.monitoring import health
from sendfund.monitoring.impact import cluster_counts
from sendfund.monitoring.money import money_for_year
from sendfund.registry.models import SchoolFigure
from sendfund.reports import services
from sendfund.reports.models import IssuedReport
from sendfund.reports.tests.access import FORUM_MEMBER_MAY_OPEN
from tests.html_tables import table, tables
from tests.test_authorization import all_rules

pytestmark = pytest.mark.django_db


def this_year() -> int:
    return financial_year_of(timezone.localdate())


def page(client_for, year: int, role=Role.FORUM_MEMBER) -> str:
    response = client_for(role).get(reverse("reports:forum-report"), {"year": str(year)})
    assert response.status_code == 200
    return response.content.decode()


def money(amount) -> str:
    return format_pounds(Decimal(amount))


# --- every figure is the ledger's or a selector's ------------------------------------------------------------

def test_the_fund_and_the_awards_are_the_ledgers(client_for, world):
    year = this_year()
    html = page(client_for, year)
    fund = table(html, f"The pot by stream, {fy_label(year)}").by_first_column()
    positions = pot_position(fund=fund_current(), financial_year=year)
    assert set(fund) == {p.stream_label for p in positions}
    for p in positions:
        row = fund[p.stream_label]
        assert row["Pot"] == money(p.balance.allocated) and row["Committed to awards"] == money(p.balance.committed)
        assert row["Paid"] == money(p.balance.paid) and row["Clawed back"] == money(p.clawed_back)
        assert row["Remaining"] == money(p.balance.remaining)
    committed = sum((p.balance.committed for p in positions), Decimal(0))
    assert committed > 0
    awards = table(html, f"Awards by cluster and stream, {fy_label(year)}")
    held = {k: b.committed for k, b in reference_commitments(fund=fund_current(), financial_year=year).items()
            if b.committed > 0}
    assert awards.footer == [["Total", f"{len({ref for ref, _ in held})} awards", money(committed)]]
    by_cluster: dict[str, Decimal] = {}
    for row in awards.rows_by_header():
        by_cluster[row["Cluster"]] = by_cluster.get(row["Cluster"], Decimal(0)) + Decimal(
            row["Awarded for the year"].replace("£", "").replace(",", ""))
    year_money = money_for_year(financial_year=year)
    assert by_cluster == {c.cluster.name: c.awards for c in year_money.clusters if c.awards}
    assert "SCF-" not in html and "Hana Host" not in html  # no application reference, no person


def test_all_send_money_the_formula_and_the_health_check_are_their_apps(client_for, world):
    year = this_year()
    html = page(client_for, year)
    year_money = money_for_year(financial_year=year)
    shown = table(html, f"All SEND money by cluster, {fy_label(year)}")
    assert {r["Cluster"]: (r["Formula"], r["Awards from this fund"], r["Other SEND funding"], r["Total"])
            for r in shown.rows_by_header()} == {
        c.cluster.name: (money(c.formula), money(c.awards), money(c.other), money(c.total))
        for c in year_money.clusters if c.total}
    assert shown.footer == [["Total", money(year_money.formula), money(year_money.awards), money(year_money.other),
                             money(year_money.total)]]
    run = latest_allocation_run()
    gaps = table(html, f"The largest capacity gaps, formula run for {fy_label(run.financial_year)}").by_first_column()
    for r in run_results(run=run):
        if r.top:
            assert gaps[str(r.gap_rank)]["Cluster"] == r.cluster.name and gaps[str(r.gap_rank)]["Gap"] == money(r.gap)
            assert gaps[str(r.gap_rank)]["Share of the money"] == f"{r.funding_share * 100:.1f}%"
    hc_year = world.hc_submitted.academic_year
    areas, rows = health.heatmap(user=world.users[Role.LA_OFFICER], academic_year=hc_year)
    shown = table(html, "Clusters at each level, by area").by_first_column()
    for i, area in enumerate(areas):
        levels = [r.levels[i] for r in rows]
        assert [shown[area.title][name] for name in ("Not yet in place", "Emerging", "Established", "Embedded")] == [
            str(levels.count(v)) for v in (1, 2, 3, 4)]


def test_monitoring_counts_the_returns_due_in_the_year(client_for, world):
    ret = world.return_submitted
    year = financial_year_of(ret.due_on)
    html = page(client_for, year)
    counts = {r["Returns"]: r["Number"] for r in table(html, "Monitoring returns due in").rows_by_header()}
    from sendfund.core.years import fy_bounds
    from sendfund.monitoring.models import MonitoringReturn

    due = MonitoringReturn.objects.filter(due_on__range=fy_bounds(year))
    assert counts["Due in the year"] == str(due.count()) and int(counts["Sent on time"]) >= 1
    assert sum(int(counts[k]) for k in ("Sent on time", "Sent late", "Overdue, not yet sent", "Not yet due")) == due.count()
    spend = {r["Money"]: r["Amount"] for r in table(html, "Spend against award").rows_by_header()}
    from sendfund.monitoring.selectors import return_money

    truth = return_money(monitoring_return=ret)
    assert spend["Awarded"] == money(truth.awarded) and spend["Spent, as reported"] == money(truth.spent)


def test_a_small_count_of_pupils_is_hidden_and_cannot_be_worked_out(client_for, world):
    """Alpha's schools have 1 and 2 pupils with an EHC plan: 3 in the cluster. The impact table hides it, and
    enough beside it that the totals do not give it back."""
    SchoolFigure.objects.filter(school=world.school, indicator__code="ehc_plans").update(value=1)
    SchoolFigure.objects.filter(school__urn=121002, indicator__code="ehc_plans").update(value=2)
    year = this_year()
    html = page(client_for, year)
    impact = table(html, "Before: pupils with SEN support or an EHC plan")
    rows = impact.by_first_column()
    assert rows["Alpha cluster"]["EHC plan"] == "hidden"
    assert "fewer than 5 pupils" in html
    counts = cluster_counts(academic_years=[world.year])
    beta = counts[(world.other_cluster.pk, world.year)]
    assert rows["Beta cluster"]["SEN support"] in ("hidden", f"{beta['sen_support']:,}")
    for cells in [*impact.rows, *impact.footer]:
        for cell in cells[1:]:
            assert cell == "hidden" or not 1 <= int(cell.replace(",", "")) <= 4
    from sendfund.core.suppression import Cell, SuppressedTable

    def cell(text):
        return Cell(None if text == "hidden" else int(text.replace(",", "")))

    published = SuppressedTable(cells=[[cell(t) for t in r[1:3]] for r in impact.rows],
                                row_totals=[cell(r[3]) for r in impact.rows],
                                column_totals=[cell(t) for t in impact.footer[0][1:3]],
                                grand_total=cell(impact.footer[0][3]))
    from sendfund.core.tests.test_suppression import published_equations

    assert not attack(*published_equations(published, len(impact.rows), 2))


# --- issued reports are kept ---------------------------------------------------------------------------------

def _pdf_text(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


def test_an_issued_report_is_frozen_and_a_later_issue_is_a_new_version(client_for, world):
    officer = world.users[Role.LA_OFFICER]
    year = this_year()
    meeting = timezone.localdate() + dt.timedelta(days=10)
    first = services.forum_report_issue(financial_year=year, meeting_on=meeting, actor=officer)
    assert first.version == 1 and hashlib.sha256(bytes(first.pdf)).hexdigest() == first.sha256
    assert AuditEvent.objects.filter(verb="forum_report.issued", after__version=1).count() == 1
    before = table(page(client_for, year), f"The pot by stream, {fy_label(year)}").footer
    pot_adjust(stream=world.capacity, financial_year=year, amount=Decimal("1000.00"), note="Forum added money",
               actor=world.users[Role.DECISION_MAKER])
    live = table(page(client_for, year), f"The pot by stream, {fy_label(year)}").footer
    assert live != before
    client = client_for(Role.FORUM_MEMBER)
    issued_html = client.get(reverse("reports:forum-issued", kwargs={"pk": first.pk})).content.decode()
    assert table(issued_html, f"The pot by stream, {fy_label(year)}").footer == before
    assert "for the Forum meeting on" in issued_html
    second = services.forum_report_issue(financial_year=year, meeting_on=meeting, actor=officer)
    assert second.version == 2 and second.figures != first.figures
    first.refresh_from_db()
    assert hashlib.sha256(bytes(first.pdf)).hexdigest() == first.sha256
    downloaded = client.get(reverse("reports:forum-issued-pdf", kwargs={"pk": first.pk}))
    assert downloaded.status_code == 200 and downloaded["Content-Type"] == "application/pdf"
    assert downloaded.content == bytes(first.pdf)
    home = client.get(reverse("reports:forum-home")).content.decode()
    assert f"{fy_label(year)}, version 1" in home and f"{fy_label(year)}, version 2" in home


def test_only_an_officer_issues_and_the_form_says_what_is_wrong(client_for, world):
    with pytest.raises(DomainError):
        services.forum_report_issue(financial_year=this_year(), meeting_on=timezone.localdate(),
                                    actor=world.users[Role.FORUM_MEMBER])
    client = client_for(Role.LA_OFFICER)
    url = reverse("reports:forum-issue")
    response = client.post(url, {"year": str(this_year())})
    assert response.status_code == 400 and "Enter the date of the Forum meeting" in response.content.decode()
    response = client.post(url, {"year": "1999", "meeting_on_0": "1", "meeting_on_1": "1", "meeting_on_2": "2020"})
    assert response.status_code == 400 and "Select a financial year from the list" in response.content.decode()
    day = timezone.localdate()
    response = client.post(url, {"year": str(this_year()), "meeting_on_0": str(day.day),
                                 "meeting_on_1": str(day.month), "meeting_on_2": str(day.year)})
    report = IssuedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:forum-issued", kwargs={"pk": report.pk})
    assert client_for(Role.FORUM_MEMBER).post(url, {"year": str(this_year())}).status_code == 403


def test_the_form_sent_twice_issues_one_version_and_says_why(client_for, world):
    """Nothing changed and the same meeting: no second version. A new meeting date, or new figures, make one."""
    client = client_for(Role.LA_OFFICER)
    url = reverse("reports:forum-issue")
    day = timezone.localdate() + dt.timedelta(days=7)
    data = {"year": str(this_year()), "meeting_on_0": str(day.day), "meeting_on_1": str(day.month),
            "meeting_on_2": str(day.year)}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    html = again.content.decode()
    assert again.status_code == 400 and "govuk-error-summary" in html
    assert (f"Schools&#x27; Forum report {fy_label(this_year())}, version 1 is already issued for the meeting on "
            f"{day.day} {day:%B %Y} with these figures.") in html
    assert IssuedReport.objects.count() == 1
    later = day + dt.timedelta(days=7)
    assert client.post(url, {**data, "meeting_on_0": str(later.day), "meeting_on_1": str(later.month),
                             "meeting_on_2": str(later.year)}).status_code == 302
    assert list(IssuedReport.objects.order_by("version").values_list("version", "meeting_on")) == [(1, day), (2, later)]


def test_a_bad_year_on_the_live_page_is_refused_with_a_message(client_for, world):
    client = client_for(Role.FORUM_MEMBER)
    for bad in ("1999", "abc", "9" * 30, "-1"):
        response = client.get(reverse("reports:forum-report"), {"year": bad})
        assert response.status_code == 400 and "Select a financial year from the list" in response.content.decode()


def test_a_damaged_stored_report_is_refused_not_served(client_for, world):
    report = services.forum_report_issue(financial_year=this_year(), meeting_on=timezone.localdate(),
                                         actor=world.users[Role.LA_OFFICER])
    IssuedReport.objects.filter(pk=report.pk).update(pdf=b"%PDF-1.7 changed")
    response = client_for(Role.FORUM_MEMBER).get(reverse("reports:forum-issued-pdf", kwargs={"pk": report.pk}))
    assert response.status_code == 503 and b"does not match" in response.content


def test_the_pdf_is_tagged_numbered_and_repeats_a_long_tables_headers(world):
    """60 more clusters with SEND funding lines make the all-money table run over pages."""
    from sendfund.monitoring.models import FundingImport, FundingLine
    from sendfund.registry.services import cluster_create

    year = this_year()
    batch = FundingImport.objects.create(file_name="lines.csv", sha256="0" * 64, rows=60)
    for n in range(60):
        cluster = cluster_create(name=f"Cluster {n:02d}")
        FundingLine.objects.create(batch=batch, cluster=cluster, line="Top-up", financial_year=year,
                                   amount=Decimal("1000.00") + n)
    report = services.forum_report_issue(financial_year=year, meeting_on=timezone.localdate(),
                                         actor=world.users[Role.LA_OFFICER])
    pdf = bytes(report.pdf)
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])
    assert root.get("/Lang") == "en"
    pages = _pdf_text(pdf)
    assert all(f"Page {n} of {len(pages)}" in text for n, text in enumerate(pages, start=1))
    text = "\n".join(pages)
    assert f"Schools' Forum LDD sub-group report, {fy_label(year)}" in " ".join(text.split())
    assert "Cluster 59" in text and money(Decimal("1059.00")) in text
    year_money = money_for_year(financial_year=year)
    assert money(year_money.total) in text
    money_pages = [t for t in pages if "Cluster 3" in t or "Cluster 5" in t]
    assert len(money_pages) >= 2 and all("Awards from this fund" in t for t in money_pages)
    assert "SCF-" not in text and "Hana Host" not in text


# --- a Forum member sees aggregates only ---------------------------------------------------------------------

def test_a_forum_member_may_open_only_the_aggregate_pages():
    opened = {rule.name for rule in all_rules() if rule.method != "api" and Role.FORUM_MEMBER in rule.allowed}
    assert opened <= FORUM_MEMBER_MAY_OPEN, (f"a Forum member may open {sorted(opened - FORUM_MEMBER_MAY_OPEN)}: "
                                             "Forum members see aggregates only (sendfund/reports/tests/access.py)")


def test_a_forum_member_lands_on_the_forum_page(client_for, world):
    client = client_for(Role.FORUM_MEMBER)
    response = client.get(reverse("manage-home"))
    assert response.status_code == 302 and response["Location"] == reverse("reports:forum-home")
    home = client.get(reverse("reports:forum-home")).content.decode()
    assert "There is nothing for your role here yet" not in home
    assert "No report has been issued to the Forum yet" in home and reverse("reports:forum-report") in home
    assert client_for(Role.LA_OFFICER).get(reverse("manage-home")).status_code == 200
    assert not Instalment.objects.none().exists() and State.DECIDED  # the models the report reads are there
    assert len(tables(home)) == 0


def test_the_report_of_an_empty_service_says_so_and_never_fails(client):
    from sendfund.accounts.services import membership_grant, user_create

    user = user_create(email="forum@empty.example", full_name="Forum member", password="a-long-test-password-2026")
    membership_grant(user=user, role=Role.FORUM_MEMBER, cluster=None)
    client.force_login(user, backend="sendfund.accounts.backends.EmailBackend")
    response = client.get(reverse("reports:forum-report"))
    html = response.content.decode()
    assert response.status_code == 200 and "No award holds money in" in html
    assert "No formula run covers" in html and "No cluster has signed off a Health Check" in html
    assert all(t.rows for t in tables(html))  # no empty table
    assert client.get(reverse("reports:forum-home")).status_code == 200
