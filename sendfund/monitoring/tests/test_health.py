"""The SEND Cluster Health Check: framework as data, pre-filled self-assessment, sign-off by the host,
moderation with a disagreement, the heat-map and trend pages, and the development-stream list."""

import html as htmllib
import re

import pytest
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.core.collection import StaleSection
from sendfund.core.errors import DomainError
from sendfund.core.models import AuditEvent
from sendfund.monitoring import health
from sendfund.monitoring.demo import fill_health_check
from sendfund.monitoring.models import Framework

pytestmark = pytest.mark.django_db


def _cells(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    return [[htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in rows]


def test_the_default_framework_has_seven_areas_and_four_levels_and_versions_copy_it(world):
    framework = health.framework_ensure_default()
    assert [lv.name for lv in framework.levels.all()] == ["Not yet in place", "Emerging", "Established", "Embedded"]
    assert framework.areas.count() == 7
    assert all(len(a.statement_list) >= 3 for a in framework.areas.all())
    with pytest.raises(DomainError):
        health.framework_new_version(actor=world.users[Role.LA_OFFICER])
    new = health.framework_new_version(actor=world.users[Role.ADMINISTRATOR])
    assert new.version == framework.version + 1 and Framework.objects.get(is_current=True) == new
    assert world.hc_submitted.framework == framework  # a started Health Check keeps its version


def test_next_year_is_pre_filled_and_a_stale_save_is_refused(world):
    hc = world.hc_draft  # this year's; last year's (signed off) carries over
    last = {r.area.code: r.level for r in world.hc_submitted.ratings.select_related("area")}
    assert {r.area.code: r.level for r in hc.ratings.select_related("area")} == last
    lead, host = world.users[Role.CLUSTER_SEND_LEAD], world.users[Role.CLUSTER_HOST]
    rating = hc.ratings.first()
    health.rating_save(health_check=hc, area=rating.area, level=3, evidence="Plans reviewed.", completed=True,
                       expected_version=0, actor=lead)
    with pytest.raises(StaleSection):
        health.rating_save(health_check=hc, area=rating.area, level=1, evidence="x", completed=True,
                           expected_version=0, actor=host)
    with pytest.raises(DomainError, match="Complete every area first"):
        health.health_check_transition(health_check=hc, to="awaiting_sign_off", actor=lead)


def test_sign_off_moderation_heatmap_trend_and_candidates(world, client_for):
    lead, host = world.users[Role.CLUSTER_SEND_LEAD], world.users[Role.CLUSTER_HOST]
    officer = world.users[Role.LA_OFFICER]
    hc = world.hc_draft
    fill_health_check(hc, actor=lead, levels=[3, 3, 2, 3, 2, 2, 3])
    health.health_check_transition(health_check=hc, to="awaiting_sign_off", actor=lead)
    with pytest.raises(DomainError, match="cluster host"):
        health.health_check_transition(health_check=hc, to="submitted", actor=lead)
    response = client_for(Role.CLUSTER_HOST).post(reverse("monitoring:health-check-sign-off", kwargs={"pk": hc.pk}),
                                                  {"decision": "sign_off"})
    assert response.status_code == 302
    hc.refresh_from_db()
    assert hc.status == "submitted" and hc.signed_off_by == host
    areas = list(hc.framework.areas.all())
    with pytest.raises(DomainError, match="Moderate every area first"):
        health.health_check_transition(health_check=hc, to="moderated", actor=officer)
    for area in areas[1:]:
        health.rating_moderate(health_check=hc, area=area, agreed=True, level=None, reason="", actor=officer)
    with pytest.raises(DomainError, match="reason"):
        health.rating_moderate(health_check=hc, area=areas[0], agreed=False, level=2, reason=" ", actor=officer)
    response = client_for(Role.LA_OFFICER).post(
        reverse("monitoring:moderate-area", kwargs={"pk": hc.pk, "code": areas[0].code}),
        {"agreed": "no", "level": "2", "reason": "The plan is not yet reviewed by governors."})
    assert response.status_code == 302
    health.health_check_transition(health_check=hc, to="moderated", actor=officer)
    event = AuditEvent.objects.filter(verb="health_check.area_moderated").order_by("-id").first()
    assert event.after == {"area": areas[0].code, "cluster_level": 3, "agreed": False, "moderated_level": 2,
                           "reason": "The plan is not yet reviewed by governors."}

    page = client_for(Role.LA_OFFICER).get(reverse("monitoring:manage-health-checks") + f"?year={hc.academic_year}")
    html = page.content.decode()
    heat = _cells(html, "heatmap")
    assert heat[1] == ["Alpha cluster", "2", "3", "2", "3", "2", "2", "3"]  # area 1 moderated from 3 to 2
    means = _cells(html, "heat-table")
    assert ["Alpha cluster", "Average 2.4 (moderated)"] in means  # (2+3+2+3+2+2+3)/7 = 2.43
    assert _cells(html, "disagreements")[1] == ["Alpha cluster", areas[0].title, "3", "2",
                                                 "The plan is not yet reviewed by governors."]
    assert "Alpha cluster: average 2.4" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    # The database's counts of the heat-map (the Forum report's) agree with it, the moderated level counted.
    heat_areas, heat_rows = health.heatmap(user=officer, academic_year=hc.academic_year)
    counted = health.level_counts(academic_year=hc.academic_year)
    assert (counted.academic_year, counted.checks) == (hc.academic_year, len(heat_rows))
    assert [a.code for a in counted.areas] == [a.code for a in heat_areas]
    assert [lv.value for lv in counted.levels] == [1, 2, 3, 4]
    for i, area in enumerate(heat_areas):
        given = [r.levels[i] for r in heat_rows if r.levels[i] is not None]
        assert counted.in_area(area) == {v: given.count(v) for v in set(given)}
        assert counted.mean(area) == health.mean_level(sum(given), len(given))

    trend = client_for(Role.CLUSTER_HOST).get(reverse("monitoring:health-trend", kwargs={"cluster_pk": world.cluster.pk}))
    rows = _cells(trend.content.decode(), "trend")
    assert rows[0][1:] == [f"AY {hc.academic_year - 1}/{hc.academic_year % 100:02d}",
                           f"AY {hc.academic_year}/{(hc.academic_year + 1) % 100:02d}"]
    assert rows[1] == [areas[0].title, "3", "2"]  # last year's 3, this year's moderated 2
    assert rows[5] == [areas[4].title, "1", "2"]

    # The officer invites the cluster to the development stream, once.
    from sendfund.casework.models import Invitation

    url = reverse("monitoring:invite-development", kwargs={"cluster_pk": world.cluster.pk})
    client_for(Role.LA_OFFICER).post(url, {"year": hc.academic_year})
    invitation = Invitation.objects.get(cluster=world.cluster, stream_kind="development")
    assert invitation.evidence.startswith("Average level 2.4 across 7 areas")
    assert f"- {areas[0].title}: Emerging" in invitation.evidence  # moderated from 3 to 2
    from sendfund.accounts.selectors import cluster_recipients

    audit = AuditEvent.objects.get(verb="cluster.invited", after__stream="development")
    assert audit.after["emailed"] == cluster_recipients(cluster=world.cluster) != []
    client_for(Role.LA_OFFICER).post(url, {"year": hc.academic_year})
    assert Invitation.objects.filter(cluster=world.cluster, stream_kind="development").count() == 1


def test_another_cluster_gets_404_for_a_health_check_and_its_trend(world, client_for):
    client = client_for("other_cluster_host")
    assert client.get(reverse("monitoring:health-check", kwargs={"pk": world.hc_draft.pk})).status_code == 404
    assert client.get(reverse("monitoring:health-trend", kwargs={"cluster_pk": world.cluster.pk})).status_code == 404


def test_a_cluster_page_offers_only_the_clusters_moves_to_someone_who_also_works_for_the_council(world, client):
    """An LA officer who is also a cluster's host moderates from the council's pages, not the cluster's."""
    from sendfund.accounts.services import membership_grant

    officer = world.users[Role.LA_OFFICER]
    membership_grant(user=officer, role=Role.CLUSTER_HOST, cluster=world.cluster)
    client.force_login(officer, backend="sendfund.accounts.backends.EmailBackend")
    hc = world.hc_submitted
    cluster_page = client.get(reverse("monitoring:health-check", kwargs={"pk": hc.pk})).content.decode()
    manage_page = client.get(reverse("monitoring:manage-health-check", kwargs={"pk": hc.pk})).content.decode()
    assert "Finish moderation" in manage_page and ">Moderate<" in manage_page
    assert "Finish moderation" not in cluster_page and ">Moderate<" not in cluster_page


@pytest.mark.parametrize(("role", "button", "then"), [
    (Role.CLUSTER_SEND_LEAD, "Send to the cluster host to sign off", "monitoring:health-check"),
    (Role.CLUSTER_HOST, "Continue to sign off", "monitoring:health-check-sign-off"),
])
def test_whoever_completes_it_is_offered_the_right_next_step(world, client_for, role, button, then):
    """The SEND lead sends it to the host; the host who completed it goes on to sign it off, never 'sending' it to
    themselves."""
    hc = world.hc_draft
    fill_health_check(hc, actor=world.users[role], levels=[3, 3, 2, 3, 2, 2, 3])
    client = client_for(role)
    page = client.get(reverse("monitoring:health-check", kwargs={"pk": hc.pk})).content.decode()
    assert f">{button}</button>" in page
    other = {"Send to the cluster host to sign off", "Continue to sign off"} - {button}
    assert f">{other.pop()}</button>" not in page
    response = client.post(reverse("monitoring:health-check-request-sign-off", kwargs={"pk": hc.pk}))
    assert response.status_code == 302 and response["Location"] == reverse(then, kwargs={"pk": hc.pk})
    hc.refresh_from_db()
    assert hc.status == "awaiting_sign_off"
    if role == Role.CLUSTER_HOST:
        page = client.get(response["Location"]).content.decode()
        assert "Check the Health Check, then sign it off or send it back." in page
