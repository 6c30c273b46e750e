"""The case's one transition function, over a transition table kept as data (house rule 2).

`case_transition` checks that the move starts from the case's state, that the actor holds one of the
move's roles (an LA role, or a cluster role in the case's own cluster), and that the move's guard
passes; it locks the case's row, runs the move's effect (the ledger, for example), sets the state,
writes the audit event and queues the emails on commit, all in one transaction. Nothing else assigns
`Case.status` (tests/test_status_assignments.py fails if anything does).

Everything the rest of the code needs to know about the workflow is asked here: `check_move` (a service
that writes a move's data before making it checks the move first, with the same words), `offered_moves`
(a page's moves for a user, each with its guard's answer) and `allows(case, activity)` (what may be done
to a case in its state besides moves: arranging the meeting, scoring, paying).

Applications, monitoring returns and Health Checks run their tables through the one workflow engine,
`sendfund.core.workflow`, whose `Move` has this table's shape. Cases keep this function
(docs/adr/0062-one-workflow-engine.md): their moves run effects on the ledger, may return to the state before
the cluster was asked (`RESUME`), audit content read before and after, announce their emails under the
change's key and are offered with a `ready` check.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sendfund.accounts.permissions import roles_of
from sendfund.accounts.roles import Role
from sendfund.core.audit import audit_record
from sendfund.core.errors import DomainError
from sendfund.core.notify import announcing

from . import notifications
from .models import Case, Outcome, State

S = State
RESUME = "resume"  # the move's target: the state the case was in before it was sent to the cluster
LA_OFFICER = frozenset({Role.LA_OFFICER})
DECISION_MAKER = frozenset({Role.DECISION_MAKER})
FINANCE = frozenset({Role.FINANCE})
CLUSTER_HOST_OR_CERTIFIER = frozenset({Role.CLUSTER_HOST, Role.CERTIFIER})
CLUSTER_WRITERS = frozenset({Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD})
ASKABLE = frozenset({S.ACKNOWLEDGED, S.MEETING_ARRANGED, S.UNDER_ASSESSMENT, S.RECOMMENDED})


# --- guards: return the reason a move cannot happen now, or "" --------------------------------------

def _has_meeting(case: Case) -> str:
    return "" if hasattr(case, "meeting") else "Arrange the meeting first: date, time, place and who is coming."


def _ready_to_assess(case: Case) -> str:
    if not hasattr(case, "meeting") or not case.meeting.notes_recorded_at:
        return "Record the meeting's notes and agreed actions first."
    if not (case.education_specialist_id and case.business_specialist_id):
        return "Assign an education specialist and a business specialist first."
    return ""


def _reviews_finished(case: Case) -> str:
    done = {r.kind for r in case.reviews.all() if r.completed_at}
    if done != {"education", "business"}:
        return "Both the education review and the business review must be finished first."
    return ""


def _ready_to_recommend(case: Case) -> str:
    problem = _reviews_finished(case)
    if problem:
        return problem
    lines = list(case.lines.all())
    if not lines or any(line.recommended is None for line in lines):
        return "Enter a recommended amount for every stream and year."
    return ""


def _ready_to_decide(case: Case) -> str:
    lines = list(case.lines.all())
    if not case.outcome:
        return "Choose the outcome: approved, approved in part or declined."
    if any(line.decided is None for line in lines):
        return "Enter a decided amount for every stream and year."
    if not case.reasons.strip():
        return "Give the reasons for the decision."
    decided = sum(line.decided or 0 for line in lines)  # none is None: checked above
    requested = sum(line.requested for line in lines)
    if case.outcome == Outcome.DECLINED and decided != 0:
        return "A declined application is awarded £0.00 in every year."
    if case.outcome == Outcome.APPROVED and any(line.decided != line.requested for line in lines):
        return "Approved means every amount asked for. Choose 'approved in part' to award less."
    if case.outcome == Outcome.APPROVED_IN_PART and not (0 < decided < requested):
        return "Approved in part means more than £0.00 but less than was asked for."
    return ""


def _an_offer(case: Case) -> str:
    return "" if case.outcome in (Outcome.APPROVED, Outcome.APPROVED_IN_PART) else "There is no offer to accept."


def _a_payment_made(case: Case) -> str:
    return "" if any(i.paid_on for i in case.instalments.all()) else "Record the first payment first."


def _closable(case: Case) -> str:
    if case.status == S.DECIDED and case.outcome != Outcome.DECLINED:
        return "An offer is waiting for the cluster. Withdraw it instead, with a reason."
    if case.status == S.IN_DELIVERY and any(not i.paid_on for i in case.instalments.all()):
        return "Some instalments have not been paid yet."
    return ""


def _an_open_request(case: Case) -> str:
    return "" if any(not r.answered_at for r in case.information_requests.all()) else "Write the question first."


def _all_answered(case: Case) -> str:
    return "" if all(r.answered_at for r in case.information_requests.all()) else "Answer every question first."


def _nothing(case: Case) -> str:
    return ""


# --- effects: run in the transaction, after the guard and before the state changes ---------------------

def _commit_award(case: Case, actor) -> None:
    from sendfund.funds.services import Line, ledger_commit

    if case.outcome == Outcome.DECLINED:
        return
    ledger_commit(lines=[Line(line.stream, line.financial_year, line.decided) for line in case.lines.all()
                         if line.decided], source="award", reference=case.reference, actor=actor)


# --- records: the fields a move sets on the case besides its status and stamp -------------------------------

def _accepted_by(case: Case, actor, note: str) -> dict:
    return {"accepted_by": actor}


def _withdrawn_reason(case: Case, actor, note: str) -> dict:
    return {"withdrawn_reason": note}


def _withdraw(case: Case, actor) -> None:
    """Money committed and not paid goes back to the pot; a meeting still to come is cancelled for everyone."""
    from sendfund.funds.services import ledger_release

    from .services import meeting_cancel

    ledger_release(reference=case.reference, source="withdrawn", actor=actor, note="Case withdrawn")
    meeting_cancel(case=case, actor=actor, why="the application has been withdrawn")


# --- content: what a move's audit event carries besides the status, read before and after the move ------

def _decision(case: Case) -> dict:
    from .services import decision_values

    return decision_values(case)


def _schedule_values(case: Case) -> dict:
    return {"instalments": [{"number": i.number, "stream": i.stream.kind, "financial_year": i.financial_year,
                             "due_on": i.due_on, "amount": i.amount}
                            for i in case.instalments.select_related("stream").order_by("number")]}


def _withdrawal(case: Case) -> dict:
    from .models import Meeting

    meeting = Meeting.objects.filter(case=case).first()
    return {**_decision(case), "meeting_cancelled": bool(meeting and meeting.cancelled_at)}


# Steps that apps above casework run when an offer is accepted (monitoring creates the returns the award
# owes). Casework cannot import them (layers), so they register here once at start-up and the accept move
# calls each of them explicitly, in its own transaction: no signals.
AFTER_ACCEPT: list[Callable] = []


def after_offer_accepted(step: Callable) -> None:
    """Register `step(case=..., actor=...)` to run when an offer is accepted."""
    if step not in AFTER_ACCEPT:
        AFTER_ACCEPT.append(step)


def _schedule(case: Case, actor) -> None:
    from .services import instalments_schedule

    instalments_schedule(case=case)
    for step in AFTER_ACCEPT:
        step(case=case, actor=actor)


@dataclass(frozen=True)
class Move:
    name: str
    label: str  # the button a user presses, and the timeline's words
    sources: frozenset
    target: str
    roles: frozenset  # LA roles, or cluster roles held in the case's own cluster
    guard: Callable[[Case], str] = _nothing
    effect: Callable | None = None
    stamp: str = ""  # a Case field set to now
    notify: Callable | None = None
    cluster_side: bool = False
    content: Callable[[Case], dict] | None = None  # the move's content for its audit event, before and after
    ready: Callable[[Case], str] | None = None  # what must be true to offer the move (its form supplies the rest);
    # None: the guard itself
    records: Callable[[Case, object, str], dict] | None = None  # (case, actor, note) -> fields the move sets
    page: str = ""  # the case page offers the move as a link to this URL name ("casework:move" posts it directly)
    page_label: str = ""  # the case page's words for it, when not `label`


TRANSITIONS: dict[str, Move] = {m.name: m for m in [  # in the order the case page offers them
    Move("acknowledge", "Acknowledge", frozenset({S.SUBMITTED}), S.ACKNOWLEDGED, LA_OFFICER,
         stamp="acknowledged_at", notify=notifications.acknowledged),
    Move("arrange_meeting", "Arrange the meeting", frozenset({S.ACKNOWLEDGED}), S.MEETING_ARRANGED, LA_OFFICER,
         guard=_has_meeting, stamp="meeting_arranged_at", notify=notifications.meeting_invitation),
    Move("start_assessment", "Start the assessment", frozenset({S.MEETING_ARRANGED}), S.UNDER_ASSESSMENT,
         LA_OFFICER, guard=_ready_to_assess, notify=notifications.assessment_started, page="casework:move"),
    Move("request_information", "Ask the cluster", ASKABLE, S.INFORMATION_REQUESTED, LA_OFFICER,
         guard=_an_open_request, notify=notifications.information_requested, ready=_nothing,
         page="casework:request-information", page_label="Ask the cluster for more information"),
    Move("answer_information", "Send your answers", frozenset({S.INFORMATION_REQUESTED}), RESUME, CLUSTER_WRITERS,
         guard=_all_answered, notify=notifications.information_answered, cluster_side=True),
    Move("recommend", "Send the recommendation for decision", frozenset({S.UNDER_ASSESSMENT}), S.RECOMMENDED,
         LA_OFFICER, guard=_ready_to_recommend, stamp="recommended_at", notify=notifications.recommended,
         content=_decision, ready=_reviews_finished, page="casework:recommend", page_label="Recommend an award"),
    Move("decide", "Record the decision", frozenset({S.RECOMMENDED}), S.DECIDED, DECISION_MAKER,
         guard=_ready_to_decide, effect=_commit_award, stamp="decided_at", notify=notifications.decided,
         content=_decision, ready=_nothing, page="casework:decide", page_label="Decide"),
    Move("accept_offer", "Accept the offer", frozenset({S.DECIDED}), S.OFFER_ACCEPTED, CLUSTER_HOST_OR_CERTIFIER,
         guard=_an_offer, effect=_schedule, stamp="accepted_at", notify=notifications.accepted, cluster_side=True,
         content=_schedule_values, records=_accepted_by),
    Move("start_delivery", "Start delivery", frozenset({S.OFFER_ACCEPTED}), S.IN_DELIVERY, FINANCE,
         guard=_a_payment_made),
    Move("close", "Close the case", frozenset({S.IN_DELIVERY, S.DECIDED}), S.CLOSED, LA_OFFICER, guard=_closable,
         stamp="closed_at", page="casework:move"),
    Move("withdraw", "Withdraw", frozenset({*ASKABLE, S.SUBMITTED, S.INFORMATION_REQUESTED, S.DECIDED,
                                            S.OFFER_ACCEPTED}),
         S.WITHDRAWN, LA_OFFICER, effect=_withdraw, stamp="closed_at", notify=notifications.withdrawn,
         content=_withdrawal, records=_withdrawn_reason, page="casework:withdraw",
         page_label="Withdraw the application"),
]}


def may_make(move: Move, actor, case: Case) -> bool:
    """Whether the actor holds a role the move needs (cluster roles count only in the case's own cluster)."""
    roles = roles_of(actor)
    if move.cluster_side:
        return roles.has_cluster_role(case.cluster_id, *move.roles)
    return roles.has_la_role(*move.roles)


def moves_for(case: Case, actor) -> list[Move]:
    """The moves this actor could try from the case's state (guards not checked: the page explains them)."""
    return [m for m in TRANSITIONS.values() if case.status in m.sources and may_make(m, actor, case)]


def waiting_reason(move: Move, case: Case) -> str:
    """Why a move cannot be offered yet ("" when it can): its `ready` check, or else its guard."""
    return (move.ready or move.guard)(case)


@dataclass(frozen=True)
class Offer:
    """A move a user may try from the case's state, with its guard's answer: "" when it can be made now."""
    move: Move
    reason: str

    @property
    def possible(self) -> bool:
        return not self.reason


def offered_moves(case: Case, actor) -> dict[str, Offer]:
    """The actor's moves from the case's state, by name, each with the reason it waits ("" when it does not)."""
    return {m.name: Offer(m, waiting_reason(m, case)) for m in moves_for(case, actor)}


# What may be done to a case besides moves, and in which states: the pages and services ask `allows`.
ACTIVITIES: dict[str, frozenset] = {
    "arrange_meeting": frozenset({S.ACKNOWLEDGED, S.MEETING_ARRANGED}),  # arrange, or rearrange before assessing
    "record_meeting_notes": frozenset({S.MEETING_ARRANGED}),
    "score": frozenset({S.UNDER_ASSESSMENT}),
    "pay": frozenset({S.OFFER_ACCEPTED, S.IN_DELIVERY}),
}


def allows(case: Case, activity: str) -> bool:
    """Whether the case's state allows `activity` (a key of ACTIVITIES)."""
    return case.status in ACTIVITIES[activity]


def check_move(*, case: Case, move: str, actor) -> Move:
    """The move, if it starts from the case's state and the actor holds one of its roles; otherwise DomainError,
    in the words `case_transition` uses. Services that write a move's data before making it call this first."""
    spec = TRANSITIONS.get(move)
    if spec is None:
        raise DomainError(f"There is no step called {move}.")
    if case.status not in spec.sources:
        raise DomainError(f"You cannot {spec.label.lower()} now: the case's status is "
                          f"‘{State(case.status).label}’.")
    if not may_make(spec, actor, case):
        raise DomainError(f"You do not have a role that may {spec.label.lower()}.")
    return spec


@transaction.atomic
def case_transition(*, case: Case, move: str, actor, note: str = "", content_before: dict | None = None) -> Case:
    """Make one move of the transition table. Raises DomainError, in words for the user, if it may not happen.

    The audit event carries the status before and after, the note, and the move's content (a decision's
    outcome, amounts per stream and year, reasons and conditions, for example) read before and after; a service
    that changed the content just before the move passes what it was as `content_before`."""
    if move not in TRANSITIONS:
        raise DomainError(f"There is no step called {move}.")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    spec = check_move(case=locked, move=move, actor=actor)
    problem = spec.guard(locked)
    if problem:
        raise DomainError(problem)
    if content_before is None:
        content_before = spec.content(locked) if spec.content else {}
    if spec.effect is not None:
        spec.effect(locked, actor)
    status_before = locked.status
    if spec.target == RESUME:
        locked.status, locked.resume_status = locked.resume_status or S.ACKNOWLEDGED, ""
    else:
        if spec.target == S.INFORMATION_REQUESTED:
            locked.resume_status = status_before
        locked.status = spec.target
    fields = ["status", "resume_status", "updated_at"]
    if spec.stamp:
        setattr(locked, spec.stamp, timezone.now())
        fields.append(spec.stamp)
    for name, value in (spec.records(locked, actor, note) if spec.records else {}).items():
        setattr(locked, name, value)
        fields.append(name)
    locked.save(update_fields=fields)
    audit_record(actor=actor, verb=f"case.{move}", target=locked, label=locked.reference,
                 before={**content_before, "status": status_before},
                 after={**(spec.content(locked) if spec.content else {}), "status": locked.status, "note": note})
    if spec.notify is not None:
        with announcing(f"case.{move}:{locked.reference}:{locked.updated_at.isoformat()}"):
            spec.notify(locked)
    concrete = {f.name: f.attname for f in Case._meta.concrete_fields}
    case.__dict__.update({concrete[f]: getattr(locked, concrete[f]) for f in fields})  # the caller's copy moves too
    return locked
