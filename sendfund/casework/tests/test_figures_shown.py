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
