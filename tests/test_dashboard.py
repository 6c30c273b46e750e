"""The LA's home dashboard, read as rendered: every figure is counted again from the records, and every figure's
link opens a list holding exactly that many items. Each part shows only to those who may open its list."""

import re
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.applications.models import Application
from sendfund.applications.models import Status as ApplicationStatus
from sendfund.casework.models import Case, State
from sendfund.funds.models import LedgerEntry
from sendfund.monitoring.models import HealthCheck, MonitoringReturn, ReturnStatus
from sendfund.registry.models import Cluster
from tests.html_tables import table


def _links(html: str, table_id: str) -> list[tuple[str, int]]:
    """(href, figure) for each link in the table with this id."""
    start = html.index(f'id="{table_id}"')
    body = html[start:html.index("</table>", start)]
    return [(href.replace("&amp;", "&"), int(n)) for href, n in
            re.findall(r'<a class="govuk-link" href="([^"]+)">(\d+)<span', body)]


def _n(cell: str) -> int:
    """The figure at the start of a cell (its link's hidden words follow it)."""
    return int(cell.split()[0])


def _queue_count(client, href) -> int:
    caption = table(client.get(href).content, "").caption
    return int(caption.split()[0])


@pytest.mark.django_db
def test_every_figure_is_counted_again_from_the_records(client_for, world):
    client = client_for(Role.LA_OFFICER)
    html = client.get(reverse("manage-home")).content.decode()

    waiting_apps = Application.objects.filter(status=ApplicationStatus.SUBMITTED, case__isnull=True).count()
    by_state = {label: Case.objects.filter(status=value).count() + (waiting_apps if value == State.SUBMITTED else 0)
                for value, label in State.choices}
    shown = {row["State"]: _n(row["Items"]) for row in table(html, "Items by state").rows_by_header()}
    assert shown == {label: n for label, n in by_state.items() if n}
    assert f'id="dash-total">{sum(by_state.values())}<' in html
    waiting = {row["Waiting for"]: _n(row["Items"]) for row in table(html, "Who must act next").rows_by_header()}
    assert waiting["Decision maker"] == by_state["Recommended"]
    assert waiting["Finance"] == by_state["Offer accepted"] + by_state["In delivery"]
    assert sum(waiting.values()) == sum(by_state.values()) - by_state["Closed"] - by_state["Withdrawn"]

    pot = table(html, f"{world.fund.name}: each stream's pot").rows_by_header()
    assert pot
    for row in pot:
        stream, year = row["Stream and year"].split(", ")
        entries = LedgerEntry.objects.filter(pot__stream__fund=world.fund, pot__stream__kind=stream.lower(),
                                             pot__financial_year=int(year[3:7]))
        allocated = entries.filter(kind__in=["allocation", "adjustment"]).aggregate(t=Sum("amount"))["t"] or Decimal(0)
        assert row["Allocated"] == f"£{allocated:,.2f}"

    returns = {row["Returns"]: _n(row["Number"]) for row in table(html, "Monitoring returns due").rows_by_header()}
    assert returns["Waiting for review"] == MonitoringReturn.objects.filter(status=ReturnStatus.SUBMITTED).count()

    year = HealthCheck.objects.order_by("-academic_year").values_list("academic_year", flat=True).first()
    signed = HealthCheck.objects.filter(academic_year=year, status__in=["submitted", "moderated"]).count()
    assert f"{signed} of {Cluster.objects.count()} clusters</a> have signed off" in html


@pytest.mark.django_db
def test_each_figure_links_to_the_list_behind_it(client_for, world):
    import datetime as dt

    from django.utils import timezone

    # one application waiting a month for its acknowledgement: overdue
    Application.objects.filter(pk=world.application_submitted.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=30))
    client = client_for(Role.LA_OFFICER)
    html = client.get(reverse("manage-home")).content.decode()
    assert 'id="dash-overdue">1<' in html
    deadlines = table(html, "Deadlines in working days").by_first_column()["Acknowledge"]
    assert _n(deadlines["Of which overdue"]) == 1 and _n(deadlines["Due"]) >= 1
    checked = 0
    for table_id in ("dash-by-state", "dash-waiting", "dash-deadlines"):
        for href, figure in _links(html, table_id):
            assert href.startswith(reverse("casework:queue"))
            assert _queue_count(client, href) == figure, href
            checked += 1
    for href, figure in _links(html, "dash-returns"):
        rows = table(client.get(href).content, "Monitoring returns").rows
        assert len([r for r in rows if r[0] != "No returns."]) == figure, href
        checked += 1
    pot_links = re.findall(r'href="(/manage/funds/ledger/\?[^"]+)"', html)
    assert pot_links
    for href in pot_links:
        page = client.get(href.replace("&amp;", "&"))
        assert page.status_code == 200 and "entr" in table(page.content, "").caption
    assert checked >= 12


@pytest.mark.django_db
def test_each_part_shows_only_to_those_who_may_open_its_list(client_for, world):
    finance = client_for(Role.FINANCE).get(reverse("manage-home")).content.decode()
    assert 'id="dash-pot"' in finance
    specialist = client_for(Role.EDUCATION_SPECIALIST).get(reverse("manage-home")).content.decode()
    assert 'id="dash-pot"' not in specialist
    shown = {row["State"]: _n(row["Items"]) for row in table(specialist, "Items by state").rows_by_header()}
    mine = Case.objects.filter(education_specialist=world.users[Role.EDUCATION_SPECIALIST]).count()
    assert sum(shown.values()) == mine  # a specialist counts only the cases assigned to them
    forum = client_for(Role.FORUM_MEMBER).get(reverse("manage-home")).content.decode()
    assert 'id="dashboard"' not in forum
