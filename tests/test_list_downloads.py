"""Every list page's CSV and Excel downloads hold exactly the rows its filters show (every page of them), through
the one export module: money a number with a £ format in Excel, a name that starts like a formula made inert, and
each user's scoping kept (a cluster downloads only its own rows, a specialist only the cases assigned to them)."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from sendfund.accounts.roles import Role
from sendfund.accounts.tests.access import OTHER_CLUSTER_HOST
from sendfund.applications import selectors as application_selectors
from sendfund.core.exports import MONEY_FORMAT
from sendfund.formula import selectors as formula_selectors
from sendfund.monitoring import health
from sendfund.monitoring import selectors as monitoring_selectors
from sendfund.registry.models import Cluster, Phase, School

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.content.decode(), newline="")))


def _xlsx(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "About this file"
    return book


def _sheet_rows(book) -> list[dict]:
    sheet = book.worksheets[1]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _both(client, name, query="", args=()):
    """The CSV's rows and the Excel workbook of one list's download under `query`."""
    csv_url = reverse(name, args=[*args, "csv"]) + query
    xlsx_url = reverse(name, args=[*args, "xlsx"]) + query
    return _csv(client.get(csv_url)), _xlsx(client.get(xlsx_url))


def _keys(rows, column) -> list[str]:
    return [str(r[column]) for r in rows]


# (actor, list page, its download, query, key column, expected keys from the selector with the same filters)
def _queue_keys(w, user, **filters):
    from sendfund.casework.selectors import QueueFilters, case_queue_page

    return [r.reference for r in case_queue_page(user=user, filters=QueueFilters(**filters), per_page=None).rows]


def _award_keys(w, user):
    from sendfund.casework.selectors import awards_for_user

    return [c.reference for c in awards_for_user(user=user)]


def _payment_keys(w, user, **filters):
    from sendfund.casework.selectors import MoneyFilters, payments_for_user

    return [i.case.reference for i in payments_for_user(user=user, filters=MoneyFilters(**filters))]


def _ledger_amounts(w, user, kind=None):
    from sendfund.funds.selectors import ledger_entries

    return [f"{e.amount:.2f}" for e in ledger_entries(fund=w.fund, stream_kind=kind)]


def _invitation_candidates(user):
    from sendfund.casework.selectors import invitation_candidates
    from sendfund.funds.models import Round

    return invitation_candidates(user=user, round_=Round.objects.open_on(timezone.localdate()).first())[1]


def _open_requests(user):
    from sendfund.casework.selectors import cluster_open_requests

    return cluster_open_requests(user=user)


LISTS = [
    (Role.LA_OFFICER, "casework:queue", "casework:queue-download", "", "Reference", _queue_keys),
    (Role.LA_OFFICER, "casework:queue", "casework:queue-download", "?state=decided&page=9", "Reference",
     lambda w, u: _queue_keys(w, u, state="decided")),
    (Role.LA_OFFICER, "casework:queue", "casework:queue-download", "?stream=development", "Reference",
     lambda w, u: _queue_keys(w, u, stream="development")),
    (Role.EDUCATION_SPECIALIST, "casework:queue", "casework:queue-download", "", "Reference", _queue_keys),
    (Role.DECISION_MAKER, "casework:awards", "casework:awards-download", "", "Reference", _award_keys),
    (Role.FINANCE, "casework:payments-list", "casework:payments-list-download", "", "Reference", _payment_keys),
    (Role.FINANCE, "casework:payments-list", "casework:payments-list-download", "?status=scheduled", "Reference",
     lambda w, u: _payment_keys(w, u, status="scheduled")),
    (Role.FINANCE, "funds:ledger", "funds:ledger-download", "", "Amount", _ledger_amounts),
    (Role.FINANCE, "funds:ledger", "funds:ledger-download", "?stream=capacity", "Amount",
     lambda w, u: _ledger_amounts(w, u, "capacity")),
    (Role.LA_OFFICER, "applications:manage-list", "applications:manage-list-download", "", "Reference",
     lambda w, u: [a.reference for a in application_selectors.submitted_applications(user=u)]),
    (Role.LA_OFFICER, "monitoring:manage-returns", "monitoring:manage-returns-download", "", "Reference",
     lambda w, u: [r.case.reference for r in monitoring_selectors.returns_waiting(user=u)]),
    (Role.LA_OFFICER, "monitoring:manage-returns", "monitoring:manage-returns-download", "?state=submitted",
     "Reference", lambda w, u: [r.case.reference for r in monitoring_selectors.returns_waiting(user=u,
                                                                                               state="submitted")]),
    (Role.LA_OFFICER, "registry:cluster-list", "registry:cluster-list-download", "?q=alpha", "Cluster",
     lambda w, u: ["Alpha cluster"]),
    (Role.LA_OFFICER, "registry:school-list", "registry:school-list-download", f"?phase={Phase.SECONDARY}",
     "School", lambda w, u: ["Alpha High School", "Beta High School"]),
    (Role.CLUSTER_HOST, "applications:dashboard", "applications:dashboard-download", "", "Cluster",
     lambda w, u: [w.cluster.name] * w.cluster.applications.count()),
    (Role.CLUSTER_HOST, "casework:apply-cases", "casework:apply-cases-download", "", "Cluster",
     lambda w, u: [w.cluster.name] * w.cluster.cases.count()),
    (Role.CLUSTER_HOST, "monitoring:returns", "monitoring:returns-download", "", "Cluster",
     lambda w, u: [w.cluster.name] * w.cluster.monitoring_returns.count()),
    (Role.CLUSTER_HOST, "monitoring:health-checks", "monitoring:health-checks-download", "", "Cluster",
     lambda w, u: [w.cluster.name] * w.cluster.health_checks.count()),
    (Role.LA_OFFICER, "formula:index", "formula:index-download", "", "Run",
     lambda w, u: [r.pk for r in formula_selectors.run_list()]),
    (Role.LA_OFFICER, "monitoring:all-money", "monitoring:all-money-download", "", "Cluster",
     lambda w, u: ["Alpha cluster", "Beta cluster"]),
    (Role.LA_OFFICER, "casework:invitations", "casework:invitations-download", "", "Cluster",
     lambda w, u: [c.cluster.name for c in _invitation_candidates(u)]),
    (Role.CLUSTER_HOST, "casework:apply-requests", "casework:apply-requests-download", "", "Application",
     lambda w, u: [r.case.reference for r in _open_requests(u)]),
    (Role.LA_OFFICER, "monitoring:manage-health-checks", "monitoring:manage-health-checks-download",
     lambda w: f"?year={w.hc_submitted.academic_year}", "Cluster",
     lambda w, u: [r.cluster.name for r in health.heatmap(user=u, academic_year=w.hc_submitted.academic_year)[1]]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "list_page", "download", "query", "column", "expected"), LISTS,
                         ids=[f"{d}{'?year' if callable(q) else q}-{a}" for a, _, d, q, *_ in LISTS])
def test_a_download_holds_the_rows_the_filters_show(client_for, world, actor, list_page, download, query, column,
                                                    expected):
    client = client_for(actor)
    query = query(world) if callable(query) else query
    want = [str(k) for k in expected(world, world.users[actor])]
    assert want, "the world must give this list rows to compare"
    html = client.get(reverse(list_page) + query).content.decode()
    assert reverse(download, args=["csv"]) in html, "the page links to its download"
    rows, book = _both(client, download, query)
    assert _keys(rows, column) == want
    assert _keys(_sheet_rows(book), column) == want or column == "Amount"
    if column == "Amount":  # Excel keeps money as numbers
        assert [f"{v:.2f}" for v in (r[column] for r in _sheet_rows(book))] == want


@pytest.mark.django_db
def test_a_cluster_downloads_only_its_own_rows(client_for, world):
    for name in ("applications:dashboard-download", "casework:apply-cases-download", "monitoring:returns-download",
                 "monitoring:health-checks-download"):
        mine = _csv(client_for(OTHER_CLUSTER_HOST).get(reverse(name, args=["csv"])))
        assert mine and {r["Cluster"] for r in mine} == {world.other_cluster.name}, name
        ours = _csv(client_for(Role.CLUSTER_HOST).get(reverse(name, args=["csv"])))
        assert ours and {r["Cluster"] for r in ours} == {world.cluster.name}, name


@pytest.mark.django_db
def test_a_specialist_downloads_only_the_cases_assigned_to_them(client_for, world):
    rows = _csv(client_for(Role.EDUCATION_SPECIALIST).get(reverse("casework:queue-download", args=["csv"])))
    everyone = _csv(client_for(Role.LA_OFFICER).get(reverse("casework:queue-download", args=["csv"])))
    assert world.case_other.reference in _keys(everyone, "Reference")
    assert world.case_other.reference not in _keys(rows, "Reference")
    assert world.case.reference in _keys(rows, "Reference")


@pytest.mark.django_db
def test_every_page_of_the_filtered_list_is_downloaded_not_just_this_one(client_for, world):
    School.objects.bulk_create([School(urn=130000 + n, la_code=926, estab=3000 + n, name=f"Gamma School {n:02}",
                                       phase=Phase.PRIMARY, town="Diss", postcode="IP22 4AA") for n in range(30)])
    client = client_for(Role.LA_OFFICER)
    html = client.get(reverse("registry:school-list") + "?q=gamma&page=2").content.decode()
    assert "Gamma School 29" in html and "Gamma School 00" not in html  # page 2 of 2
    rows, book = _both(client, "registry:school-list-download", "?q=gamma&page=2")
    assert _keys(rows, "School") == [f"Gamma School {n:02}" for n in range(30)]
    assert len(_sheet_rows(book)) == 30
    about = {row[0]: row[1] for row in book["About this file"].iter_rows(values_only=True)}
    assert about["What this file is"] == "Schools"
    assert about["Filter: Search"] == "gamma"
    assert about["Made by"].startswith(world.users[Role.LA_OFFICER].full_name)


@pytest.mark.django_db
def test_money_is_a_number_with_a_pound_format_and_dates_are_dates(client_for, world):
    import datetime as dt

    client = client_for(Role.DECISION_MAKER)
    for name, columns in (("casework:awards-download", ("Total awarded", "Paid")),
                          ("funds:ledger-download", ("Amount",)),
                          ("applications:manage-list-download", ("Asked for",))):
        sheet = _xlsx(client.get(reverse(name, args=["xlsx"]))).worksheets[1]
        headings = [c.value for c in sheet[1]]
        assert sheet.max_row > 1, name
        for heading in columns:
            col = headings.index(heading) + 1
            for row in range(2, sheet.max_row + 1):
                cell = sheet.cell(row, col)
                assert isinstance(cell.value, (int, float)), (name, heading, cell.value)
                assert cell.number_format == MONEY_FORMAT, (name, heading, cell.number_format)
    awards = _xlsx(client.get(reverse("casework:awards-download", args=["xlsx"]))).worksheets[1]
    decided = [c.value for c in awards["F"][1:]]
    assert awards["F1"].value == "Decided" and all(isinstance(v, dt.datetime) for v in decided)
    # the CSV keeps exact pounds and pence
    rows = _csv(client.get(reverse("casework:awards-download", args=["csv"])))
    total = {r["Reference"]: r["Total awarded"] for r in rows}
    from sendfund.casework.models import AwardLine

    want = sum(line.decided or 0 for line in AwardLine.objects.filter(case=world.case))
    assert total[world.case.reference] == f"{want:.2f}"


@pytest.mark.django_db
@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_name_that_starts_like_a_formula_is_inert(client_for, world, start):
    hostile = f'{start}HYPERLINK("http://x","y")'
    Cluster.objects.filter(pk=world.cluster.pk).update(name=hostile)
    client = client_for(Role.LA_OFFICER)
    for name in ("casework:queue-download", "casework:awards-download", "registry:cluster-list-download",
                 "monitoring:manage-returns-download"):
        rows, book = _both(client, name)
        assert "'" + hostile in {r["Cluster"] for r in rows}, name
        cells = [c for row in book.worksheets[1].iter_rows() for c in row]
        assert not [c for c in cells if c.data_type == "f"], name
        assert "'" + hostile in {c.value for c in cells}, name


@pytest.mark.django_db
def test_an_unknown_format_is_not_found(client_for, world):
    response = client_for(Role.LA_OFFICER).get(reverse("casework:queue-download", args=["pdf"]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_awards_and_payments_pages_show_the_records_figures_and_their_downloads_agree(client_for, world):
    from django.db.models import Sum

    from sendfund.casework.models import AwardLine, Case, Instalment, Outcome
    from tests.html_tables import table

    client = client_for(Role.FINANCE)
    page = table(client.get(reverse("casework:awards")).content, "").rows_by_header()
    downloaded = {r["Reference"]: r for r in _csv(client.get(reverse("casework:awards-download", args=["csv"])))}
    awarded = Case.objects.filter(outcome__in=(Outcome.APPROVED, Outcome.APPROVED_IN_PART))
    assert sorted(r["Reference"] for r in page) == sorted(awarded.values_list("reference", flat=True)) == sorted(
        downloaded)
    for row in page:
        lines = AwardLine.objects.filter(case__reference=row["Reference"])
        capacity = lines.filter(stream__kind="capacity").aggregate(t=Sum("decided"))["t"] or 0
        development = lines.filter(stream__kind="development").aggregate(t=Sum("decided"))["t"] or 0
        paid = Instalment.objects.filter(case__reference=row["Reference"], paid_on__isnull=False).aggregate(
            t=Sum("amount"))["t"] or 0
        assert row["Capacity"] == f"£{capacity:,.2f}" and row["Development"] == f"£{development:,.2f}"
        assert row["Total awarded"] == f"£{capacity + development:,.2f}" and row["Paid"] == f"£{paid:,.2f}"
        assert downloaded[row["Reference"]]["Total awarded"] == f"{capacity + development:.2f}"

    today = timezone.localdate()
    caption = table(client.get(reverse("casework:payments-list")).content, "")
    instalments = Instalment.objects.order_by("due_on", "case__reference", "number")
    assert caption.caption.startswith(f"{instalments.count()} instalment")
    for row, instalment in zip(caption.rows_by_header(), instalments, strict=True):
        assert row["Reference"] == instalment.case.reference
        assert row["Amount"] == f"£{instalment.amount:,.2f}"
        assert row["Status"] == ("Paid" if instalment.paid_on else "Not due yet" if instalment.due_on > today
                                 else "Due, not paid")


@pytest.mark.django_db
def test_hostile_filters_give_a_file_not_an_error(client_for, world):
    from urllib.parse import urlencode

    huge = "9" * 5000
    query = "?" + urlencode({key: value for key in ("year", "cluster", "round", "officer", "state", "stream", "status",
                                                    "waiting", "phase", "q", "overdue")
                             for value in (huge,)})
    for actor, page, download, *_ in LISTS:
        client = client_for(actor)
        for fmt in ("csv", "xlsx"):
            response = client.get(reverse(download, args=[fmt]) + query)
            assert response.status_code == 200, (download, fmt, response.status_code)
        assert client.get(reverse(page) + query).status_code == 200, page
