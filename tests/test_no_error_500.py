"""The error 500s found by hand and by the form walker (tests/test_every_form.py), each pinned where it was."""

from html import unescape

import pytest
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.casework import services
from sendfund.casework.models import Review, State
from sendfund.casework.tests.factories import advance, submitted_application

pytestmark = pytest.mark.django_db

HUGE = ["1e309", "1E+30", "9" * 29]


def _summary(response) -> str:
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    start = html.index("govuk-error-summary")
    return html[start:html.index("</ul>", start)]


def test_saving_a_review_with_criteria_left_unscored_keeps_the_scores_given(world, client_for):
    case = advance(world, submitted_application(world), State.UNDER_ASSESSMENT)
    specialist = world.users[Role.EDUCATION_SPECIALIST]
    services.conflict_declare(case=case, user=specialist, has_conflict=False, details="")
    response = client_for(Role.EDUCATION_SPECIALIST).post(
        reverse("casework:review", kwargs={"reference": case.reference}),
        {"score_need-and-evidence": "4", "why_need-and-evidence": "Clear evidence of need.", "summary": "Half done", "action": "save"})
    assert response.status_code == 302
    review = Review.objects.get(case=case, reviewer=specialist)
    assert [(s.criterion.code, s.score) for s in review.scores.select_related("criterion")] == [("need-and-evidence", 4)]
    assert review.completed_at is None


@pytest.mark.parametrize("amount", HUGE)
def test_huge_amounts_on_the_decide_form_are_refused_with_a_message(world, client_for, amount):
    case = advance(world, submitted_application(world), State.RECOMMENDED)
    line = case.lines.first()
    response = client_for(Role.DECISION_MAKER).post(reverse("casework:decide", kwargs={"reference": case.reference}), {
        **{f"line_{ln.pk}": "100.00" for ln in case.lines.all()}, f"line_{line.pk}": amount,
        "outcome": "approved", "reasons": "Good bid."})
    summary = _summary(response)
    assert "Write the amount out in full" in summary or "Enter an amount of £9,999,999,999.99 or less" in summary


@pytest.mark.parametrize("amount", HUGE)
def test_huge_amounts_on_the_recommend_form_are_refused_with_a_message(world, client_for, amount):
    case = advance(world, submitted_application(world), State.UNDER_ASSESSMENT)
    response = client_for(Role.LA_OFFICER).post(reverse("casework:recommend", kwargs={"reference": case.reference}), {
        **{f"line_{ln.pk}": amount for ln in case.lines.all()}, "recommendation": "Fund it."})
    assert "£9,999,999,999.99 or less" in _summary(response) or "Write the amount out in full" in _summary(response)


def test_a_meeting_attendee_that_cannot_be_a_person_is_refused(world, client_for):
    case = advance(world, submitted_application(world), State.ACKNOWLEDGED)
    response = client_for(Role.LA_OFFICER).post(reverse("casework:meeting", kwargs={"reference": case.reference}), {
        "day": "2099-01-05", "time": "10:00", "duration_minutes": "60", "place": "County Hall",
        "cluster_attendees": "Hana Host", "la_attendees": "9" * 29})
    assert "Select from the choices shown" in _summary(response)


def test_a_meeting_on_a_weekend_is_arranged_with_a_warning(world, client_for):
    import datetime as dt

    from django.utils import timezone

    case = advance(world, submitted_application(world), State.ACKNOWLEDGED)
    saturday = timezone.localdate() + dt.timedelta(days=(5 - timezone.localdate().weekday()) % 7 or 7)
    response = client_for(Role.LA_OFFICER).post(reverse("casework:meeting", kwargs={"reference": case.reference}), {
        "day": saturday.isoformat(), "time": "10:00", "duration_minutes": "60", "place": "County Hall",
        "cluster_attendees": "Hana Host"}, follow=True)
    assert response.status_code == 200
    assert f"{saturday:%A} {saturday.day} {saturday:%B %Y}, is a weekend" in unescape(response.content.decode())
    assert case.__class__.objects.get(pk=case.pk).status == State.MEETING_ARRANGED


@pytest.mark.parametrize("year", ["0", "²", "9" * 29, "1999"])
def test_allocating_a_year_outside_the_fund_is_refused_with_a_message(world, client_for, year):
    response = client_for(Role.DECISION_MAKER).post(reverse("funds:allocate"), {"year": year}, follow=True)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Choose a financial year from FY 2014-15" in html or "Choose the financial year to allocate" in html


@pytest.mark.parametrize("query", [{"q": "a\x00b"}, {"q": "²"}, {"q": "9" * 29}, {"q": "\u202eevil"}, {"year": "²"},
                                   {"year": "9" * 29},
                                   {"phase": "\x00"}])
def test_registry_searches_take_any_text(world, client_for, query):
    for name in ("registry:cluster-list", "registry:school-list"):
        response = client_for(Role.LA_OFFICER).get(reverse(name), query)
        assert response.status_code == 200


def test_a_comparison_with_a_run_that_cannot_exist_is_not_found(world, client_for):
    url = reverse("formula:run-compare", kwargs={"pk": world.formula_run.pk})
    assert client_for(Role.LA_OFFICER).get(url, {"with": "²"}).status_code == 200
    assert client_for(Role.LA_OFFICER).get(url, {"with": "9" * 29}).status_code == 200
