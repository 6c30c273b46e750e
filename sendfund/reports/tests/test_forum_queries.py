"""The live Forum report reads every app once: within the 15-query budget for everyone who may open it, and the
same number of queries however many clusters, awards, returns, Health Checks, invitations and funding lines
there are to report (docs/adr/0041)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sendfund.accounts.roles import Role
from sendfund.core.years import academic_year_of, financial_year_of, fy_bounds
from tests.html_tables import table
from tests.test_query_budget import BUDGET

pytestmark = pytest.mark.django_db

READERS = (Role.LA_OFFICER, Role.FORUM_MEMBER)


def this_year() -> int:
    return financial_year_of(timezone.localdate())


def queries(client, year: int) -> int:
    """The queries of the report's page for `year`, seen a second time (the first draws its charts)."""
    url = reverse("reports:forum-report")
    client.get(url, {"year": str(year)})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"year": str(year)})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def more_to_report(world, n: int) -> None:
    """`n` more clusters, each with a school and its census figures, an accepted award whose interim return is
    due in this financial year and sent with its spend and outcomes, a signed-off Health Check, an invitation to
    the capacity stream and another SEND funding line."""
    from sendfund.accounts.services import membership_grant
    from sendfund.casework.models import Invitation, State
    from sendfund.casework.tests.factories import advance, submitted_application
    from sendfund.monitoring import health
    from sendfund.monitoring.demo import fill_health_check, fill_return, sign_off_health_check, submit_return
    from sendfund.monitoring.models import MonitoringReturn
    from sendfund.monitoring.money import funding_lines_import
    from sendfund.registry.models import Indicator, Phase, School, SchoolFigure
    from sendfund.registry.services import cluster_create, membership_set

    officer, host = world.users[Role.LA_OFFICER], world.users["other_cluster_host"]
    since, until = fy_bounds(this_year())
    due = max(timezone.localdate(), since) + dt.timedelta(days=1)
    assert due <= until
    indicators = {i.code: i for i in Indicator.objects.all()}
    lines = ["urn,cluster,line,financial_year,amount"]
    start = School.objects.count()
    for i in range(n):
        number = start + i + 1
        cluster = cluster_create(name=f"Added cluster {number:03d}", host_name="Other Host",
                                 host_email=f"host{number}@added.example")
        school = School.objects.create(urn=122000 + number, la_code=926, estab=2000 + number,
                                       name=f"Added School {number}", phase=Phase.PRIMARY, town="Norwich",
                                       postcode="NR1 1AA")
        membership_set(school=school, cluster=cluster, academic_year=world.year)
        for code, value in {"pupils": 200, "sen_support": 30, "ehc_plans": 6}.items():
            SchoolFigure.objects.create(school=school, indicator=indicators[code], academic_year=world.year,
                                        census_date=dt.date(2019, 1, 17), value=value)
        for role in (Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD):
            membership_grant(user=host, role=role, cluster=cluster)
        case = advance(world, submitted_application(world, streams=("capacity",), cluster=cluster),
                       State.OFFER_ACCEPTED)
        interim = case.monitoring_returns.get(kind="interim")
        MonitoringReturn.objects.filter(pk=interim.pk).update(due_on=due)
        submit_return(fill_return(MonitoringReturn.objects.get(pk=interim.pk), actor=host), writer=host,
                      certifier=host)
        hc = health.health_check_start(cluster=cluster, academic_year=academic_year_of(timezone.localdate()) - 1,
                                       actor=host)
        sign_off_health_check(fill_health_check(hc, actor=host, levels=[2, 3, 3, 2, 1, 4, 3]), lead=host, host=host)
        Invitation.objects.create(cluster=cluster, round=world.round, stream_kind="capacity",
                                  evidence="The formula leaves the cluster short.", invited_by=officer)
        lines.append(f",{cluster.name},High needs top-up,{this_year()}-{(this_year() + 1) % 100:02d},1250.00")
    funding_lines_import(content="\n".join(lines).encode(), file_name=f"lines-{start}.csv", actor=officer)


def this_years_run(world) -> None:
    from sendfund.formula.services import formula_run_create

    formula_run_create(actor=world.users[Role.ADMINISTRATOR], version=world.formula_version,
                       financial_year=this_year(), academic_year=world.year, pot=Decimal("100000.00"), scenarios=10)


@pytest.mark.parametrize("role", READERS)
def test_the_live_report_is_within_the_budget(client_for, world, role):
    assert queries(client_for(role), this_year()) <= BUDGET


@pytest.mark.parametrize("role", READERS)
def test_the_live_report_reads_no_more_for_more_to_report(client_for, world, role):
    """Every section with something in it (this year's formula run too), then more of everything: the page runs
    the same queries, within the budget."""
    more_to_report(world, 1)
    this_years_run(world)
    client = client_for(role)
    before = queries(client, this_year())
    html = client.get(reverse("reports:forum-report"), {"year": str(this_year())}).content.decode()
    returns = {r["Returns"]: r["Number"] for r in table(html, "Monitoring returns due in").rows_by_header()}
    assert int(returns["Sent on time"]) >= 1
    assert table(html, "Awards by cluster and stream").by_first_column()["Added cluster 004"]
    assert table(html, "All SEND money by cluster").by_first_column()["Added cluster 004"]["Other SEND funding"] == (
        "£1,250.00")
    assert before <= BUDGET
    more_to_report(world, 3)
    this_years_run(world)
    assert queries(client_for(role), this_year()) == before
