from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendfund.core.models import AuditEvent
from sendfund.registry.importers import census_import, spine_import
from sendfund.registry.models import Cluster, ClusterMembership, Phase, School
from sendfund.registry.services import cluster_update, demo_clusters_build, membership_set

DATA = Path(settings.BASE_DIR) / "data" / "dfe-school-census-2019"


@pytest.fixture
def norfolk(db):
    spine_import(path=DATA / "england_spine_2017-18_norfolk.csv", la_code=926)
    census_import(academic_year=2018, path=DATA / "norfolk_census_2018-19.csv", la_code=926, add_missing_schools=True)
    return demo_clusters_build(la_code=926, academic_year=2018)


def test_demo_clusters_group_norfolk_schools_around_secondaries(norfolk):
    assert 45 <= len(norfolk) <= 55
    assert all(c.is_illustrative and c.host_school.phase in (Phase.SECONDARY, Phase.ALL_THROUGH) for c in norfolk)
    placed = ClusterMembership.objects.filter(academic_year=2018)
    state_funded_with_postcode = (School.objects.filter(figures__academic_year=2018).exclude(phase=Phase.INDEPENDENT)
                                  .exclude(postcode="").distinct())
    assert placed.count() == state_funded_with_postcode.count()
    assert not placed.filter(school__phase=Phase.INDEPENDENT).exists()
    # Each host school is in its own cluster.
    for cluster in norfolk:
        assert placed.get(school=cluster.host_school).cluster == cluster


def test_building_the_clusters_again_changes_nothing(norfolk):
    events = AuditEvent.objects.count()
    memberships = sorted(ClusterMembership.objects.values_list("school_id", "cluster_id"))
    demo_clusters_build(la_code=926, academic_year=2018)
    assert sorted(ClusterMembership.objects.values_list("school_id", "cluster_id")) == memberships
    assert AuditEvent.objects.count() == events


def test_a_school_may_move_cluster_next_year_and_the_move_is_audited(world):
    membership_set(school=world.school, cluster=world.other_cluster, academic_year=2019)
    assert world.school.memberships.get(academic_year=2018).cluster == world.cluster
    assert world.school.memberships.get(academic_year=2019).cluster == world.other_cluster
    membership_set(school=world.school, cluster=world.cluster, academic_year=2019)
    event = AuditEvent.objects.filter(verb="cluster.membership_set").first()
    assert event.before == {"cluster": "Beta cluster"} and event.after["cluster"] == "Alpha cluster"


def test_cluster_changes_keep_the_old_values_in_the_audit_trail(world):
    officer = world.users["la_officer"]
    cluster_update(cluster=world.cluster, actor=officer, host_name="New Host")
    event = AuditEvent.objects.filter(verb="cluster.updated").first()
    assert event.actor == officer
    assert event.before["host_name"] == "Hana Host" and event.after["host_name"] == "New Host"


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name,kwargs", [
    ("registry:cluster-list", {}),
    ("registry:school-list", {}),
    ("registry:cluster-detail", {"code": "alpha-cluster"}),
    ("registry:school-detail", {"urn": 121001}),
])
def test_staff_pages_run_a_fixed_number_of_queries(client_for, world, url_name, kwargs):
    client = client_for("la_officer")
    url = reverse(url_name, kwargs=kwargs)
    before = _queries(client, url)
    # Add more clusters, schools and figures: the page must not need more queries.
    from sendfund.registry.importers import ensure_census_indicators
    from sendfund.registry.services import cluster_create
    from tests.world import _school

    indicators = ensure_census_indicators()
    for n in range(6):
        extra = cluster_create(name=f"Extra cluster {n}")
        _school(122000 + n, f"Extra school {n}", Phase.PRIMARY, extra, {"pupils": 100, "ehc_plans": 2}, indicators)
        _school(123000 + n, f"Alpha extra {n}", Phase.PRIMARY, world.cluster, {"pupils": 50}, indicators)
    after = _queries(client, url)
    assert after == before
    assert before <= 13  # 12, and the council's name in the page header


def test_cluster_list_search_and_counts(client_for, world):
    response = client_for("la_officer").get(reverse("registry:cluster-list"), {"q": "Alpha Primary"})
    page = list(response.context["page"])
    assert [c.name for c in page] == ["Alpha cluster"]
    assert page[0].school_count == 2 and page[0].pupils == 450


def test_school_search_by_urn_and_phase(client_for, world):
    client = client_for("education_specialist")
    assert [s.urn for s in client.get(reverse("registry:school-list"), {"q": "121003"}).context["page"]] == [121003]
    primaries = client.get(reverse("registry:school-list"), {"phase": "primary"}).context["page"]
    assert [s.name for s in primaries] == ["Alpha Primary School"]


def test_a_cluster_user_sees_their_own_cluster_and_its_figures(client_for, world):
    response = client_for("cluster_send_lead").get(reverse("registry:your-cluster"), follow=True)
    assert response.context["cluster"] == world.cluster
    assert response.context["table"].totals["pupils"] == 450
    assert b"Beta High School" not in response.content


def test_cluster_list_paginates(client_for, world):
    from sendfund.registry.services import cluster_create

    for n in range(30):
        cluster_create(name=f"Cluster {n:02d}")
    response = client_for("la_officer").get(reverse("registry:cluster-list"), {"page": 2})
    assert response.context["page"].number == 2
    assert len(response.context["page"]) == Cluster.objects.count() - 25


def test_the_latest_census_year_is_of_counts_not_of_later_rates_or_scores(world):
    import datetime as dt

    from sendfund.registry.models import Indicator, SchoolFigure
    from sendfund.registry.selectors import census_years, latest_year

    rate = Indicator.objects.create(code="ks4-attainment8", unit=Indicator.Unit.SCORE, name="Attainment 8")
    SchoolFigure.objects.create(school=world.school, indicator=rate, academic_year=world.year + 5,
                                census_date=dt.date(world.year + 6, 9, 1), value=45)
    assert latest_year() == census_years()[0] == world.year


@pytest.mark.django_db
def test_a_cluster_may_share_its_name_with_the_council_and_there_is_one_council():
    from django.db import IntegrityError, transaction

    from sendfund.accounts.models import Organisation
    from sendfund.accounts.roles import Role
    from sendfund.accounts.services import membership_grant, organisation_for_la, user_create
    from sendfund.registry.services import cluster_create

    council = organisation_for_la(name="Rutland County Council")
    cluster = cluster_create(name="Rutland County Council")
    user = user_create(email="host@rutland.example", full_name="Rutland Host", password=None)
    membership_grant(user=user, role=Role.CLUSTER_HOST, cluster=cluster)
    assert cluster.organisation.name == council.name and cluster.organisation != council
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(kind=Organisation.Kind.LOCAL_AUTHORITY, name="A second council")


def test_a_total_with_no_figure_under_it_says_no_figure_not_zero(client_for, world):
    """A census count no school of the cluster has (the DfE published none that year) totals to "–" (read as
    'No figure'), not 0; a count some schools have totals their figures."""
    from sendfund.registry.models import Indicator
    from tests.html_tables import tables

    Indicator.objects.create(code="ever6-test", name="Ever-6 (test)", unit=Indicator.Unit.COUNT, sort_order=99)
    html = client_for("la_officer").get(reverse("registry:cluster-detail", kwargs={"code": world.cluster.code})
                                        ).content.decode()
    found = [t for t in tables(html) if t.footer]
    assert found, "the cluster page has a table of figures with a total"
    headers, total = found[0].headers, found[0].footer[0]
    assert total[headers.index("Ever-6 (test)")] == "No figure–"
    pupils = next(h for h in headers if h.lower().startswith("pupils") or "headcount" in h.lower())
    assert total[headers.index(pupils)] not in ("0", "No figure–")
