"""An application's one transition function, over a transition table kept as data (house rule 2), in the
shape of casework's (`sendfund.casework.workflow`).

`application_transition` finds the move from the application's status to the one asked for, checks that the
actor holds one of its roles in the application's own cluster and that its guard passes (and, for moves that
need it, that every section is complete and nothing could identify a child); it locks the row, sets the
status, the move's stamp and what the move records, writes the audit event and queues the move's emails
(`notifications`), all in one transaction. Nothing else assigns `Application.status`
(tests/test_status_assignments.py). The permission functions ask this table (`may_make`), so what a page
offers and what the move allows cannot disagree.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sendfund.accounts.permissions import roles_of
from sendfund.accounts.roles import Role
from sendfund.core.audit import audit_record
from sendfund.core.errors import DomainError

from . import notifications
from .models import Application, Status

WRITERS = frozenset({Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD})
CERTIFIER = frozenset({Role.CERTIFIER})


# --- guards: (application, today) -> the reason a move cannot happen now, or "" ------------------------------

def _nothing(application: Application, today) -> str:
    return ""


def _round_open(application: Application, today) -> str:
    round_ = application.round
    if round_.is_open(today):
        return ""
    return (f"{round_.name} closed on {round_.closes_on:%-d %B %Y}. Contact the SEND and inclusion team if you "
            "still want to apply.")


def _sign_off_window(application: Application, today) -> str:
    """The round closes for everyone: after the closing day the head or chair may sign off only an application
    sent for sign-off on or before it, and only for the round's sign-off working days."""
    round_ = application.round
    if today <= round_.closes_on:
        return ""
    sent_on = timezone.localdate(application.sent_for_sign_off_at) if application.sent_for_sign_off_at else None
    if sent_on is None or sent_on > round_.closes_on:
        return (f"{round_.name} closed on {round_.closes_on:%-d %B %Y}, before this application was sent for "
                "sign-off, so it cannot be submitted. Contact the SEND and inclusion team.")
    if today > round_.sign_off_until:
        return (f"{round_.name} closed on {round_.closes_on:%-d %B %Y} and sign-off ended on "
                f"{round_.sign_off_until:%-d %B %Y}, so this application can no longer be submitted. Contact the "
                "SEND and inclusion team.")
    return ""


def _complete(application: Application) -> str:
    """Every section complete, and nothing in it that could identify a child."""
    from . import selectors

    incomplete = selectors.application_incomplete_sections(application=application)
    if incomplete:
        return "Complete every section first: " + ", ".join(s.title for s in incomplete)
    findings = selectors.application_identity_findings(application=application)
    if findings:
        return "Remove anything that could identify a child first. " + findings[0].message
    return ""


# --- records: (application, actor, reason) -> the fields a move sets besides its status and stamp -------------

def _clear_sent_back(application: Application, actor, reason: str) -> dict:
    return {"sent_back_reason": ""}


def _submission(application: Application, actor, reason: str) -> dict:
    from .services import reference_next

    return {"reference": reference_next(year=timezone.localdate().year), "signed_off_by": actor,
            "sent_back_reason": "", "submitted_late": timezone.localdate() > application.round.closes_on}


def _sent_back_reason(application: Application, actor, reason: str) -> dict:
    return {"sent_back_reason": reason.strip()}


# --- content: (application, reason) -> what the move's audit event carries besides the status ----------------

def _sign_off_dates(application: Application, reason: str) -> dict:
    return {"round_closes_on": application.round.closes_on, "sign_off_until": application.round.sign_off_until}


def _submission_content(application: Application, reason: str) -> dict:
    return {"reference": application.reference, "late": application.submitted_late,
            "round_closes_on": application.round.closes_on}


def _reason(application: Application, reason: str) -> dict:
    return {"reason": reason.strip()}


@dataclass(frozen=True)
class Move:
    name: str  # the audit verb's second part: "application.<name>"
    label: str
    sources: frozenset
    target: str
    roles: frozenset  # cluster roles, held in the application's own cluster
    refusal: str  # shown to an actor without one of `roles`
    guard: Callable[[Application, object], str] = _nothing
    complete: bool = False  # every section must be complete and nothing may identify a child
    stamp: str = ""  # an Application field set to now
    records: Callable[[Application, object, str], dict] | None = None
    notify: Callable[[Application, object], None] | None = None
    content: Callable[[Application, str], dict] | None = None


TRANSITIONS: dict[str, Move] = {m.name: m for m in [
    Move("sign_off_requested", "Send for sign-off", frozenset({Status.DRAFT}), Status.AWAITING_SIGN_OFF, WRITERS,
         "Only the cluster host or SEND lead can send the application for sign-off", guard=_round_open,
         complete=True, stamp="sent_for_sign_off_at", records=_clear_sent_back,
         notify=notifications.sign_off_requested, content=_sign_off_dates),
    Move("submitted", "Sign off and submit", frozenset({Status.AWAITING_SIGN_OFF}), Status.SUBMITTED, CERTIFIER,
         "Only the cluster's head or chair (the certifier) can sign off the application", guard=_sign_off_window,
         complete=True, stamp="submitted_at", records=_submission, notify=notifications.submitted,
         content=_submission_content),
    Move("sent_back", "Send back", frozenset({Status.AWAITING_SIGN_OFF}), Status.DRAFT, CERTIFIER | WRITERS,
         "Only the certifier, or the cluster host or SEND lead, can send the application back",
         records=_sent_back_reason, notify=notifications.sent_back, content=_reason),
]}

# What may be done to an application besides moves, and in which statuses.
ACTIVITIES: dict[str, frozenset] = {
    "edit": frozenset({Status.DRAFT}),
}


def allows(application: Application, activity: str) -> bool:
    return application is not None and application.status in ACTIVITIES[activity]


def move_to(application: Application, to: str) -> Move | None:
    """The move from the application's status to `to`, if the table has one."""
    return next((m for m in TRANSITIONS.values() if application.status in m.sources and m.target == to), None)


def may_make(move: str, user, application: Application | None, *, roles: frozenset | None = None) -> bool:
    """Whether the move starts from the application's status and the user holds one of its roles (or of
    `roles`, a narrower set) in the application's cluster."""
    spec = TRANSITIONS[move]
    return (application is not None and application.status in spec.sources
            and roles_of(user).has_cluster_role(application.cluster_id, *(roles or spec.roles)))


@transaction.atomic
def application_transition(*, application: Application, to: str, actor, reason: str = "") -> Application:
    """Move an application along TRANSITIONS. Raises DomainError if the move is not in the table, the
    actor may not make it, or (for sign-off and submission) the application is incomplete or contains
    something that looks like a pupil's identity."""
    application = Application.objects.select_for_update().select_related("round", "cluster").get(pk=application.pk)
    before = application.status
    move = move_to(application, to)
    if move is None:
        raise DomainError(f"An application that is {application.get_status_display().lower()} cannot be "
                          f"{Status(to).label.lower()}")
    if not may_make(move.name, actor, application):
        raise DomainError(move.refusal)
    problem = move.guard(application, timezone.localdate()) or (_complete(application) if move.complete else "")
    if problem:
        raise DomainError(problem)
    application.status = move.target
    fields = ["status", "updated_at"]
    if move.stamp:
        setattr(application, move.stamp, timezone.now())
        fields.append(move.stamp)
    for name, value in (move.records(application, actor, reason) if move.records else {}).items():
        setattr(application, name, value)
        fields.append(name)
    application.save(update_fields=fields)
    if move.notify is not None:
        move.notify(application, actor)
    audit_record(actor=actor, verb=f"application.{move.name}", target=application, label=str(application),
                 before={"status": before},
                 after={"status": move.target, **(move.content(application, reason) if move.content else {})})
    return application
