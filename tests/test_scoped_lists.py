"""Every list and aggregate a cluster user can reach goes through the one scoping rule (docs/adr/0002): the host
of another cluster finds nothing of cluster A on any page or API list they may open (its name, code, schools,
application and case references), while cluster A's own host finds A's records on the same lists.

The pages are the walker's: every GET rule in an app's tests/access.py that lets OTHER_CLUSTER_HOST in, and every
API endpoint that does. A selector that stops scoping by user (or a view that lists another way) fails here.
"""

import pytest
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.accounts.tests.access import ANONYMOUS, OTHER_CLUSTER_HOST
from sendfund.api.services import api_token_create
from sendfund.applications.models import Application
from sendfund.casework.models import Case
from tests.test_authorization import all_rules

OWN_HOST = Role.CLUSTER_HOST

# Pages a cluster user may open that list nothing a cluster owns (the fund's rounds, the user's own API tokens,
# the API's rounds), so cluster A's host finds nothing of A there either. Every other list must show A's records
# to A's host, or this test would prove nothing about it.
NOTHING_OWNED = frozenset({"applications:rounds", "api-tokens:list", "api:list_rounds"})


def _cluster_markers(world) -> dict[str, str]:
    """What gives cluster A away, each with what it is: its name and code, its schools, its people's address,
    and the references of its applications and cases."""
    cluster = world.cluster
    markers = {cluster.name: "its name", cluster.code: "its code", cluster.host_email: "its host's address"}
    for school in cluster.memberships.select_related("school"):
        markers[school.school.name] = "one of its schools"
    for reference in Application.objects.filter(cluster=cluster, reference__isnull=False).values_list("reference",
                                                                                                       flat=True):
        markers[reference] = "an application's reference"
    for reference in Case.objects.filter(cluster=cluster).values_list("reference", flat=True):
        markers[reference] = "a case's reference"
    return markers


def _api_markers(world) -> dict[str, str]:
    """The API names clusters by code and schools by URN."""
    markers = {k: v for k, v in _cluster_markers(world).items() if v != "its name"}
    for urn in world.cluster.memberships.values_list("school__urn", flat=True):
        markers[f'"urn": {urn}'] = f"school {urn}"
        markers[f'"school_urn": {urn}'] = f"school {urn}"
    return markers


def _found(text: str, markers: dict[str, str]) -> list[str]:
    return sorted(f"{what} ({marker})" for marker, what in markers.items() if marker and marker in text)


def _pages(world):
    """(rule, url) for every GET page the host of another cluster may open, but the public ones (those a signed-out
    visitor may open too: the help pages, the published open data, the API's description), which show everyone
    the same thing."""
    for rule in all_rules():
        if rule.method == "get" and OTHER_CLUSTER_HOST in rule.allowed and ANONYMOUS not in rule.allowed:
            yield rule, reverse(rule.name, kwargs=rule.kwargs(world))


@pytest.mark.django_db
def test_another_clusters_host_finds_nothing_of_cluster_a_on_any_page(client_for, world):
    markers = _cluster_markers(world)
    assert {"an application's reference", "a case's reference"} <= set(markers.values())
    client = client_for(OTHER_CLUSTER_HOST)
    leaks, checked = [], 0
    for _rule, url in _pages(world):
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        found = _found(response.content.decode("utf-8", errors="replace"), markers)
        if found:
            leaks.append(f"{url} shows cluster A to another cluster's host: {', '.join(found)}")
        checked += 1
    assert checked >= 15
    assert not leaks, "\n".join(leaks)


@pytest.mark.django_db
def test_cluster_a_finds_its_own_records_on_the_same_lists(client_for, world):
    """The other half: the lists the test above finds empty of cluster A do list A's records to A's host."""
    markers = _cluster_markers(world)
    client = client_for(OWN_HOST)
    empty, checked = [], 0
    for rule, url in _pages(world):
        if OWN_HOST not in rule.allowed or rule.name in NOTHING_OWNED or set(rule.kwargs(world)) - {"fmt"}:
            continue
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        if not _found(response.content.decode("utf-8", errors="replace"), markers):
            empty.append(url)
        checked += 1
    assert checked >= 10
    assert not empty, f"cluster A's host finds none of A's records on: {empty}"


@pytest.mark.django_db
def test_the_api_lists_nothing_of_cluster_a_to_another_clusters_token(world):
    from django.test import Client

    markers = _api_markers(world)
    tokens = {actor: api_token_create(user=world.users[actor], name="scoping")[1]
              for actor in (OWN_HOST, OTHER_CLUSTER_HOST)}
    leaks, empty, checked = [], [], 0
    for rule in all_rules():
        if rule.method != "api" or OTHER_CLUSTER_HOST not in rule.allowed or rule.name == "api:api-root":
            continue  # the API's root answers 404 to everyone
        url = reverse(rule.name, kwargs=rule.kwargs(world))
        seen = {}
        for actor, token in tokens.items():
            response = Client().get(url, {"limit": 500}, HTTP_AUTHORIZATION=f"Bearer {token}")
            assert response.status_code == 200, f"{url} as {actor}: {response.status_code}"
            seen[actor] = _found(response.content.decode(), markers)
        if seen[OTHER_CLUSTER_HOST]:
            leaks.append(f"{url} lists cluster A to another cluster's token: {', '.join(seen[OTHER_CLUSTER_HOST])}")
        if not seen[OWN_HOST] and rule.name not in NOTHING_OWNED:
            empty.append(url)
        checked += 1
    assert checked >= 8
    assert not leaks, "\n".join(leaks)
    assert not empty, f"cluster A's own token finds none of A's records on: {empty}"


@pytest.mark.django_db
def test_the_aggregates_of_la_pages_count_only_what_their_reader_may_see(world):
    """The heat-map, coverage, trends, outcomes, funding lines, cluster list and invitation candidates serve LA
    pages today, but take the reader and scope by it like every list: another cluster's host would count only
    their own cluster, and a Forum member (who opens none of these pages) nothing."""
    from sendfund.casework.selectors import invitation_candidates
    from sendfund.funds.selectors import round_open
    from sendfund.monitoring import health, money
    from sendfund.monitoring.selectors import cluster_outcomes
    from sendfund.registry.selectors import cluster_list

    officer, other, forum = (world.users[Role.LA_OFFICER], world.users[OTHER_CLUSTER_HOST],
                             world.users[Role.FORUM_MEMBER])
    year = world.hc_submitted.academic_year  # cluster A's signed-off Health Check
    assert [r.cluster for r in health.heatmap(user=officer, academic_year=year)[1]] == [world.cluster]
    assert health.heatmap(user=other, academic_year=year)[1] == health.heatmap(user=forum, academic_year=year)[1] == []
    assert health.trend(user=officer, cluster=world.cluster)[0] == [year]
    assert health.trend(user=other, cluster=world.cluster) == ([], [])
    assert year in health.health_years(user=officer) and year not in health.health_years(user=other)
    assert health.health_coverage(user=officer, academic_year=year).clusters == 2
    mine = health.health_coverage(user=other, academic_year=year)
    assert (mine.clusters, mine.by_status) == (1, {})
    assert [c.name for c in cluster_list(user=officer, academic_year=world.year)] == ["Alpha cluster", "Beta cluster"]
    assert [c.name for c in cluster_list(user=other, academic_year=world.year)] == ["Beta cluster"]
    assert not cluster_list(user=forum, academic_year=world.year)
    assert cluster_outcomes(user=officer, cluster=world.cluster)
    assert cluster_outcomes(user=other, cluster=world.cluster) == []
    money.funding_lines_import(content=b"urn,cluster,line,financial_year,amount\n,Alpha cluster,Top-up,2026-27,100.00\n",
                               file_name="lines.csv", actor=officer)
    assert [line.line for line in money.school_lines(user=officer, cluster=world.cluster, financial_year=2026)] == [
        "Top-up"]
    assert money.school_lines(user=other, cluster=world.cluster, financial_year=2026) == []
    _run, candidates = invitation_candidates(user=officer, round_=round_open())
    assert candidates
    _run, theirs = invitation_candidates(user=other, round_=round_open())
    assert {c.cluster.pk for c in theirs} <= {world.other_cluster.pk}
