"""Figures on casework pages read as people expect: the moderation spread and the criteria's weights."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.casework import selectors, services
from sendfund.casework.models import State
from tests.html_tables import table

from .factories import advance, score_all, submitted_application

pytestmark = pytest.mark.django_db


def test_the_spread_shows_how_far_apart_the_reviewers_are(world, client_for):
    case = advance(world, submitted_application(world), State.UNDER_ASSESSMENT)
    score_all(case, world.users[Role.EDUCATION_SPECIALIST], 4)
    score_all(case, world.users[Role.BUSINESS_SPECIALIST], 3)
    m = selectors.case_moderation(case=case)
    assert (m.education_total, m.business_total, m.total_spread) == (Decimal("80.0"), Decimal("60.0"), Decimal("20.0"))
    html = client_for(Role.LA_OFFICER).get(reverse("casework:moderation", kwargs={"reference": case.reference})).content
    rows = table(html, "Scores by criterion").by_first_column()
    total = rows["Weighted total (out of 100)"]
    assert (total["Education"], total["Business"]) == ("80.0", "60.0")
    assert total["Spread"] == "20.0 Discuss"
    assert {r["Spread"] for name, r in rows.items() if name != "Weighted total (out of 100)"} == {"1"}
    assert "in points out of 100 for the weighted total" in html.decode()


def test_one_reviewer_alone_has_no_spread(world):
    case = advance(world, submitted_application(world), State.UNDER_ASSESSMENT)
    score_all(case, world.users[Role.EDUCATION_SPECIALIST], 4)
    m = selectors.case_moderation(case=case)
    assert {r.spread for r in m.rows} == {None} and m.total_spread is None


def test_weights_read_as_whole_percentages(world, client_for):
    case = advance(world, submitted_application(world), State.UNDER_ASSESSMENT)
    html = client_for(Role.LA_OFFICER).get(reverse("casework:moderation", kwargs={"reference": case.reference})).content
    weights = [r["Weight"] for r in table(html, "Scores by criterion").rows_by_header()]
    assert "30%" in weights and not any("E" in w for w in weights)
    services.conflict_declare(case=case, user=world.users[Role.EDUCATION_SPECIALIST], has_conflict=False, details="")
    reviewer = client_for(Role.EDUCATION_SPECIALIST)
    page = reviewer.get(reverse("casework:review", kwargs={"reference": case.reference})).content.decode()
    assert "Need and evidence (weight 30%)" in page and "Governance (weight 10%)" in page
    assert "E+" not in page


def test_every_state_has_words_for_clusters():
    from sendfund.applications.models import Status
    from sendfund.applications.status import APPLICATION_WORDS, CASE_WORDS, DECIDED_WORDS
    from sendfund.casework.models import Outcome

    assert set(APPLICATION_WORDS) == set(Status.values)
    assert set(CASE_WORDS) == set(State.values) - {State.DECIDED}
    assert set(DECIDED_WORDS) == set(Outcome.values)


def _dashboard_status(client, application) -> str:
    rows = table(client.get(reverse("applications:dashboard")).content, "Your cluster's applications").rows_by_header()
    return next(r["Status"] for r in rows if f"application {application.pk} for" in r["Application"])


def _status_everywhere(client, case) -> set[str]:
    """The words for one submitted application on every cluster page that shows where it is."""
    cases = table(client.get(reverse("casework:apply-cases")).content, "Applications the council").rows_by_header()
    on_list = next(r["Where it is"] for r in cases if r["Reference"] == case.reference)
    html = client.get(reverse("casework:apply-case", kwargs={"reference": case.reference})).content.decode()
    detail = client.get(reverse("applications:detail", kwargs={"pk": case.application_id})).content.decode()
    words = {_dashboard_status(client, case.application), on_list}
    assert all(f">{w}</strong>" in html and f">{w}</strong>" in detail for w in words), (words, case.status)
    return words


def test_clusters_read_one_set_of_words_on_every_page(world, client_for):
    client = client_for(Role.CLUSTER_HOST)
    assert _dashboard_status(client, world.application_draft) == "Draft"
    assert _dashboard_status(client, world.application_awaiting) == "Waiting for sign-off"
    assert _status_everywhere(client, world.case) == {"Approved in part: offer made"}
    assert _status_everywhere(client, world.case_assessing) == {"More information needed"}
    case = advance(world, world.case, State.IN_DELIVERY)
    assert _status_everywhere(client, case) == {"Funded: in delivery"}
    withdrawn = services.case_withdraw(case=world.case_assessing, reason="The cluster asked.",
                                       actor=world.users[Role.LA_OFFICER])
    assert _status_everywhere(client, withdrawn) == {"Withdrawn"}
