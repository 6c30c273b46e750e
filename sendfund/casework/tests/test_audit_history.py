"""Every decision is audited with its content, and the case's history reads in plain English (issue 8)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.casework import selectors, services
from sendfund.casework.models import Case, State
from sendfund.casework.tests.factories import advance, submitted_application
from sendfund.casework.workflow import TRANSITIONS
from sendfund.core.audit import AUDIT_VERBS
from sendfund.core.models import AuditEvent
from sendfund.core.years import fy_label

pytestmark = pytest.mark.django_db


def _event(case, verb):
    return AuditEvent.objects.filter(verb=verb, target_id=str(case.pk)).latest("id")


def test_every_move_of_the_case_workflow_is_a_registered_verb():
    assert {f"case.{name}" for name in TRANSITIONS} <= set(AUDIT_VERBS)


def test_the_recommendation_and_the_decision_are_audited_whole_before_and_after(world):
    case = advance(world, submitted_application(world, streams=("capacity",)), State.RECOMMENDED)
    recommended = _event(case, "case.recommend")
    assert recommended.before["status"] == State.UNDER_ASSESSMENT
    assert all(line["recommended"] is None for line in recommended.before["lines"])
    assert recommended.after["recommendation"] == "A strong bid."
    assert recommended.after["recommended_by"]["name"] == world.users[Role.LA_OFFICER].full_name
    lines = list(case.lines.order_by("financial_year"))
    assert len(lines) == 2
    assert recommended.after["lines"] == [{"stream": "capacity", "financial_year": ln.financial_year,
                                           "requested": str(ln.requested), "recommended": str(ln.requested),
                                           "decided": None} for ln in lines]

    half = (lines[0].requested / 2).quantize(Decimal("0.01"))
    services.case_decide(case=case, outcome="approved_in_part", amounts={lines[0].pk: half, lines[1].pk: Decimal(0)},
                         reasons="Half now.", conditions="Report each term.", actor=world.users[Role.DECISION_MAKER])
    decided = _event(case, "case.decide")
    assert decided.before["outcome"] == "" and decided.before["lines"][0]["decided"] is None
    assert decided.after | {"lines": None} == decided.after | {
        "status": State.DECIDED, "outcome": "approved_in_part", "reasons": "Half now.",
        "conditions": "Report each term.", "lines": None}
    assert decided.after["lines"][0]["decided"] == str(half)


def test_a_refused_decision_leaves_no_audit_event(world):
    case = advance(world, submitted_application(world, streams=("capacity",)), State.RECOMMENDED)
    events = AuditEvent.objects.count()
    with pytest.raises(Exception, match="cannot be more than"):
        services.case_decide(case=case, outcome="approved", amounts={ln.pk: ln.requested + 1 for ln in case.lines.all()},
                             reasons="Too much.", conditions="", actor=world.users[Role.DECISION_MAKER])
    assert AuditEvent.objects.count() == events
    assert Case.objects.get(pk=case.pk).outcome == ""


def test_scores_assignments_meetings_and_payments_carry_their_content(world):
    case = advance(world, submitted_application(world, streams=("capacity",)), State.IN_DELIVERY)
    assigned = _event(case, "case.assigned")
    assert assigned.after["education_specialist"]["name"] == world.users[Role.EDUCATION_SPECIALIST].full_name
    assert assigned.before["education_specialist"] is None
    meeting = _event(case, "meeting.arranged")
    assert meeting.after["place"] == "County Hall, Norwich"
    assert {p["name"] for p in meeting.after["la_attendees"]} == {
        world.users[Role.EDUCATION_SPECIALIST].full_name, world.users[Role.BUSINESS_SPECIALIST].full_name}
    review = _event(case, "review.finished")
    assert review.after["scores"] and all(s["justification"] for s in review.after["scores"])
    assert [s["criterion"] for s in review.after["scores"]][0] == "Need and evidence"  # the criteria's order
    paid = _event(case, "case.payment_recorded")
    assert paid.before == {"paid_on": None}
    assert paid.after["amount"] == str(case.instalments.get(number=1).amount) and paid.after["stream"] == "capacity"


def test_the_officers_history_reads_in_plain_english(world, client_for):
    case = advance(world, submitted_application(world, streams=("capacity",)), State.DECIDED)
    first, second = case.lines.order_by("financial_year")
    page = client_for(Role.LA_OFFICER).get(reverse("casework:case-detail", kwargs={"reference": case.reference}))
    text = page.content.decode()
    officer = world.users[Role.LA_OFFICER].full_name
    assert (f"{officer} recommended £{first.recommended:,.2f} for capacity in {fy_label(first.financial_year)} and "
            f"£{second.recommended:,.2f} for capacity in {fy_label(second.financial_year)}" in text)
    assert (f"{world.users[Role.DECISION_MAKER].full_name} decided: approved in part, awarding "
            f"£{first.decided:,.2f} for capacity in {fy_label(first.financial_year)}") in text
    assert "Reasons: A strong bid." in text  # the officer's reasons, for the council only
    for code in ("case.decide", "under_assessment", "approved_in_part", "&quot;id&quot;", "'id':"):
        assert code not in text


def test_the_cluster_reads_only_what_concerns_it(world, client_for):
    case = advance(world, submitted_application(world, streams=("capacity",)), State.DECIDED)
    history = selectors.case_history_for_cluster(case=case)
    text = "\n".join([e.what for e in history] + [d for e in history for d in e.details])
    assert "The council decided: approved in part" in text
    assert "Conditions: Report each term." in text
    for internal in ("recommended", "review", "out of 5", "Sound bid", "A strong bid", "notes",
                     world.users[Role.LA_OFFICER].full_name, world.users[Role.EDUCATION_SPECIALIST].full_name):
        assert internal not in text, internal
    page = client_for(Role.CLUSTER_HOST).get(reverse("casework:apply-case", kwargs={"reference": case.reference}))
    assert "The council decided: approved in part" in page.content.decode()
    assert "out of 5" not in page.content.decode()


def test_accepting_the_offer_records_the_payment_schedule(world):
    case = advance(world, submitted_application(world, streams=("capacity",)), State.OFFER_ACCEPTED)
    accepted = _event(case, "case.accept_offer")
    assert accepted.before["instalments"] == []
    assert [i["amount"] for i in accepted.after["instalments"]] == [str(i.amount) for i in case.instalments.all()]
    text = " ".join(d for e in selectors.case_history_for_cluster(case=case) for d in e.details)
    assert "Instalment 1: £" in text
