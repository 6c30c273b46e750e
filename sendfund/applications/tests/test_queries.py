"""Pages run a fixed number of queries, whatever the number of rows (house rule 11)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendfund.accounts.roles import Role

from .factories import ActivityFactory, CostLineFactory, OutcomeFactory, SubmittedApplicationFactory

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _add_rows(application, n):
    for _ in range(n):
        activity = ActivityFactory(application=application)
        activity.schools.set(application.cluster.memberships.values_list("school", flat=True))
        CostLineFactory(application=application, amounts={application.financial_years[0]: 100,
                                                          application.financial_years[1]: 50})
        OutcomeFactory(application=application)


@pytest.mark.parametrize("name", ["applications:detail", "applications:check"])
def test_task_list_and_check_page_queries_are_pinned_and_flat(client_for, world, name):
    client = client_for(Role.CLUSTER_HOST)
    application = world.application_draft
    url = reverse(name, kwargs={"pk": application.pk})
    _add_rows(application, 1)
    client.get(url)  # warm the session and content types
    before = _count(client, url)
    _add_rows(application, 10)
    after = _count(client, url)
    assert after == before, f"{name}: {before} queries with 2 items, {after} with 12"
    # 3 for the session and roles, 1 for the council's name, 1 for the application (with its case), 1 for the
    # cluster's schools, 5 for the sections and items, 1 for its history (task list); the check page adds the
    # formula's evidence (2) and, for costs, the round's streams and the money allocated to the fund's pots.
    assert before <= 15


def test_la_list_queries_are_pinned_and_flat(client_for, world):
    client = client_for(Role.LA_OFFICER)
    url = reverse("applications:manage-list")
    client.get(url)
    before = _count(client, url)
    for _ in range(15):
        application = SubmittedApplicationFactory(cluster=world.cluster, round=world.round)
        CostLineFactory(application=application)
    after = _count(client, url)
    assert after == before
    assert before <= 9  # and the council's name in the header
    # the total asked for is each application's own sum (a subquery per row): two lines, two years
    from decimal import Decimal

    newest = SubmittedApplicationFactory(cluster=world.cluster, round=world.round)
    CostLineFactory(application=newest, amounts={newest.financial_years[0]: Decimal("1000.00"),
                                                 newest.financial_years[1]: Decimal("0.25")})
    CostLineFactory(application=newest, amounts={newest.financial_years[0]: Decimal("250.50")})
    page = client.get(url).content.decode()
    assert "£1,250.75" in page and "£1,000.00" in page


def test_the_cluster_dashboard_queries_are_flat(client_for, world):
    client = client_for(Role.CLUSTER_HOST)
    url = reverse("applications:dashboard")
    client.get(url)
    before = _count(client, url)
    for _ in range(10):
        SubmittedApplicationFactory(cluster=world.cluster, round=world.round)
    assert _count(client, url) == before


def test_la_detail_queries_do_not_grow_with_items(client_for, world):
    client = client_for(Role.LA_OFFICER)
    application = world.application_submitted
    url = reverse("applications:manage-detail", kwargs={"pk": application.pk})
    client.get(url)
    before = _count(client, url)
    _add_rows(application, 10)
    assert _count(client, url) == before


def test_loading_an_application_keeps_every_amount_and_school_exactly(world):
    """The cost amounts and activity schools come back as one aggregate each: nothing lost or rounded."""
    from decimal import Decimal

    from sendfund.applications.selectors import application_load

    application = world.application_draft
    first, second = application.financial_years[:2]
    big = CostLineFactory(application=application, amounts={second: Decimal("9999999999.99"), first: Decimal("0.10")})
    bare = CostLineFactory(application=application, amounts={})
    CostAmount = type(big).amounts.rel.related_model
    CostAmount.objects.filter(cost_line=bare).delete()  # a line with no amounts at all
    members = list(application.cluster.memberships.values_list("school", flat=True))
    activity = ActivityFactory(application=application)
    activity.schools.set(members)
    empty = ActivityFactory(application=application)
    loaded = application_load(application=application)
    lines = {line.pk: line for line in loaded.items["costs"]}
    assert [(a.financial_year, a.amount) for a in lines[big.pk].amounts.all()] == [
        (first, Decimal("0.10")), (second, Decimal("9999999999.99"))]
    assert list(lines[bare.pk].amounts.all()) == []
    activities = {a.pk: a for a in loaded.items["activities"]}
    assert sorted(s.pk for s in activities[activity.pk].schools.all()) == sorted(members) and members
    names = [s.name for s in activities[activity.pk].schools.all()]
    assert names == sorted(names)
    assert list(activities[empty.pk].schools.all()) == []
