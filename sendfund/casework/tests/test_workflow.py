"""Every transition of the table, allowed and refused, by role and by state (table-driven)."""

import pytest
from django.core import mail

from sendfund.accounts.roles import Role
from sendfund.accounts.tests.access import OTHER_CLUSTER_HOST
from sendfund.casework import services
from sendfund.casework.models import Case, Outcome, State
from sendfund.casework.workflow import TRANSITIONS, case_transition
from sendfund.core.errors import DomainError
from sendfund.core.models import AuditEvent

from .factories import advance, submitted_application

ACTORS = [*Role, OTHER_CLUSTER_HOST]

# move -> (the state to set the case up in, the roles allowed to make it, how to set it up)
TABLE = {
    "acknowledge": (State.SUBMITTED, {Role.LA_OFFICER}),
    "arrange_meeting": (State.ACKNOWLEDGED, {Role.LA_OFFICER}),
    "start_assessment": (State.MEETING_ARRANGED, {Role.LA_OFFICER}),
    "recommend": (State.UNDER_ASSESSMENT, {Role.LA_OFFICER}),
    "decide": (State.RECOMMENDED, {Role.DECISION_MAKER}),
    "accept_offer": (State.DECIDED, {Role.CLUSTER_HOST, Role.CERTIFIER}),
    "start_delivery": (State.OFFER_ACCEPTED, {Role.FINANCE}),
    "close": (State.IN_DELIVERY, {Role.LA_OFFICER}),
    "request_information": (State.UNDER_ASSESSMENT, {Role.LA_OFFICER}),
    "answer_information": (State.INFORMATION_REQUESTED, {Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD}),
    "withdraw": (State.RECOMMENDED, {Role.LA_OFFICER}),
}


def test_the_table_covers_every_move():
    assert set(TABLE) == set(TRANSITIONS)
    for move, (source, roles) in TABLE.items():
        assert source in TRANSITIONS[move].sources
        assert set(TRANSITIONS[move].roles) == roles


def _case_in(world, state: str) -> Case:
    application = submitted_application(world)
    if state == State.SUBMITTED:
        from sendfund.casework.models import AwardLine  # the case row as acknowledgement creates it

        case = Case.objects.create(application=application, cluster=application.cluster,
                                   reference=application.reference, submitted_at=application.submitted_at)
        for kind, year in [("capacity", application.financial_years[0])]:
            AwardLine.objects.create(case=case, stream=world.round.fund.streams.get(kind=kind), financial_year=year,
                                     requested=100)
        return case
    return advance(world, application, state)


def _prepare(world, case: Case, move: str) -> None:
    """Satisfy the move's guard, so that only the role decides."""
    u = world.users
    if move == "arrange_meeting":
        from django.utils import timezone

        from sendfund.casework.models import Meeting

        Meeting.objects.create(case=case, starts_at=timezone.now(), cluster_attendees="Hana Host", place="Norwich")
    elif move == "start_assessment":
        services.meeting_record_notes(case=case, notes="Discussed.", actions="None.", actor=u[Role.LA_OFFICER])
    elif move == "recommend":
        from .factories import score_all

        score_all(case, u[Role.EDUCATION_SPECIALIST])
        score_all(case, u[Role.BUSINESS_SPECIALIST])
        case.lines.update(recommended=1)
    elif move == "decide":
        lines = list(case.lines.all())
        for line in lines:
            line.decided = line.requested
            line.save()
        Case.objects.filter(pk=case.pk).update(outcome=Outcome.APPROVED, reasons="Good.")
    elif move == "start_delivery":
        from django.utils import timezone

        case.instalments.filter(pk=case.instalments.first().pk).update(paid_on=timezone.localdate())
    elif move == "close":
        from django.utils import timezone

        case.instalments.update(paid_on=timezone.localdate())
    elif move == "request_information":
        from django.utils import timezone

        from sendfund.casework.models import InformationRequest

        InformationRequest.objects.create(case=case, question="Which schools?", asked_by=u[Role.LA_OFFICER],
                                          due_on=timezone.localdate())
    elif move == "answer_information":
        from django.utils import timezone

        case.information_requests.update(answer="All of them.", answered_at=timezone.now())


@pytest.mark.django_db
@pytest.mark.parametrize("move", list(TABLE))
def test_each_move_is_refused_to_every_other_role_and_allowed_to_its_own(world, move):
    source, allowed = TABLE[move]
    case = _case_in(world, source)
    _prepare(world, case, move)
    for actor in ACTORS:
        if actor in allowed:
            continue
        with pytest.raises(DomainError, match="You do not have a role"):
            case_transition(case=Case.objects.get(pk=case.pk), move=move, actor=world.users[actor])
        assert Case.objects.get(pk=case.pk).status == source
    for actor in sorted(allowed):
        if actor != sorted(allowed)[0]:
            continue
        events = AuditEvent.objects.filter(verb=f"case.{move}").count()
        moved = case_transition(case=Case.objects.get(pk=case.pk), move=move, actor=world.users[actor])
        assert moved.status != source
        assert AuditEvent.objects.filter(verb=f"case.{move}").count() == events + 1


@pytest.mark.django_db
def test_moves_are_refused_from_states_they_do_not_start_from(world):
    case = advance(world, submitted_application(world), State.ACKNOWLEDGED)
    refusals = 0
    for state in [State.ACKNOWLEDGED, State.MEETING_ARRANGED, State.UNDER_ASSESSMENT, State.RECOMMENDED,
                  State.DECIDED, State.OFFER_ACCEPTED, State.IN_DELIVERY, State.CLOSED]:
        if state == State.CLOSED:  # closing needs every instalment paid, so an award of this year's money alone
            case = advance(world, submitted_application(world), state)
        else:
            case = advance(world, case, state)
        assert case.status == state
        for name, move in TRANSITIONS.items():
            if state in move.sources:
                continue
            actor = world.users[sorted(move.roles)[0]]
            with pytest.raises(DomainError, match=f"^You cannot .+ now: the case's status is ‘{state.label}’.$"):
                case_transition(case=case, move=name, actor=actor)
            refusals += 1
    assert refusals > 60


@pytest.mark.django_db
def test_guards_explain_what_is_missing(world):
    officer = world.users[Role.LA_OFFICER]
    case = advance(world, submitted_application(world), State.ACKNOWLEDGED)
    with pytest.raises(DomainError, match="Arrange the meeting first"):
        case_transition(case=case, move="arrange_meeting", actor=officer)
    case = advance(world, case, State.MEETING_ARRANGED)
    with pytest.raises(DomainError, match="Record the meeting's notes"):
        case_transition(case=case, move="start_assessment", actor=officer)
    with pytest.raises(DomainError, match="Write the question first"):
        case_transition(case=case, move="request_information", actor=officer)


@pytest.mark.django_db
def test_a_cluster_cannot_act_on_another_clusters_case(world):
    case = advance(world, submitted_application(world), State.DECIDED)
    with pytest.raises(DomainError, match="You do not have a role"):
        services.case_accept_offer(case=case, actor=world.users[OTHER_CLUSTER_HOST])


@pytest.mark.django_db
def test_information_requested_goes_back_to_where_it_was(world, django_capture_on_commit_callbacks):
    officer, host = world.users[Role.LA_OFFICER], world.users[Role.CLUSTER_HOST]
    case = advance(world, submitted_application(world), State.MEETING_ARRANGED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.information_request(case=case, question="Which schools take part?", actor=officer)
    case.refresh_from_db()
    assert case.status == State.INFORMATION_REQUESTED
    assert "We need more information" in mail.outbox[-1].subject
    with pytest.raises(DomainError, match="Only the cluster host or SEND lead"):
        services.information_answer(request=request, answer="All", actor=world.users[OTHER_CLUSTER_HOST])
    services.information_answer(request=request, answer="All seven schools.", actor=host)
    case.refresh_from_db()
    assert case.status == State.MEETING_ARRANGED
    assert case.resume_status == ""


@pytest.mark.django_db
def test_withdrawing_after_a_decision_releases_the_money(world):
    from sendfund.funds.selectors import reference_balances

    case = advance(world, submitted_application(world), State.DECIDED)
    committed = sum(b.committed for b in reference_balances(reference=case.reference).values())
    assert committed > 0
    services.case_withdraw(case=case, reason="The cluster changed its plans.", actor=world.users[Role.LA_OFFICER])
    assert sum(b.committed for b in reference_balances(reference=case.reference).values()) == 0


@pytest.mark.django_db
def test_a_declined_case_commits_nothing_and_can_be_closed(world):
    from sendfund.funds.selectors import reference_balances

    case = advance(world, submitted_application(world), State.DECIDED, outcome=Outcome.DECLINED)
    assert reference_balances(reference=case.reference) == {}
    with pytest.raises(DomainError, match="There is no offer"):
        services.case_accept_offer(case=case, actor=world.users[Role.CLUSTER_HOST])
    services.case_close(case=case, actor=world.users[Role.LA_OFFICER])
    case.refresh_from_db()
    assert case.status == State.CLOSED
