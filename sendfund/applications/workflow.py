"""An application's transition table, run by the one workflow engine (`sendfund.core.workflow`,
docs/adr/0062-one-workflow-engine.md), as monitoring returns and Health Checks are.

`APPLICATION_TRANSITIONS` names each move with its button's words, the status it starts from, the one it
ends in, the roles that may make it (held in the application's own cluster), its refusal, its guard (the round
is open, or still within the sign-off window; for sign-off and submission, every section complete and nothing
that could identify a child), its stamp, what it records, its emails (`notifications`) and what its audit
event carries. `application_transition` makes the moves; nothing else assigns `Application.status`
(tests/test_status_assignments.py). The permission functions ask this table (`may_make`), so what a page
offers and what the move allows cannot disagree.
"""

from django.utils import timezone

from sendfund.accounts.permissions import holds_role
from sendfund.accounts.roles import Role
from sendfund.core.workflow import Move, Workflow, first_of

from . import notifications
from .models import Application, Status

WRITERS = frozenset({Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD})
CERTIFIER = frozenset({Role.CERTIFIER})


# --- guards: (application) -> the reason a move cannot happen now (today), or "" -----------------------------

def _round_open(application: Application) -> str:
    round_ = application.round
    if round_.is_open(timezone.localdate()):
        return ""
    return (f"{round_.name} closed on {round_.closes_on:%-d %B %Y}. Contact the SEND and inclusion team if you "
            "still want to apply.")


def _sign_off_window(application: Application) -> str:
    """The round closes for everyone: after the closing day the head or chair may sign off only an application
    sent for sign-off on or before it, and only for the round's sign-off working days."""
    round_ = application.round
    today = timezone.localdate()
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


def _not_now(application: Application, to: str) -> str:
    return (f"An application that is {application.get_status_display().lower()} cannot be "
            f"{Status(to).label.lower()}")


APPLICATION_TRANSITIONS = Workflow(Application, "application", (
    Move("sign_off_requested", "Send for sign-off", frozenset({Status.DRAFT}), Status.AWAITING_SIGN_OFF, WRITERS,
         "Only the cluster host or SEND lead can send the application for sign-off",
         guard=first_of(_round_open, _complete), cluster_side=True, stamp="sent_for_sign_off_at",
         records=_clear_sent_back, notify=notifications.sign_off_requested, content=_sign_off_dates),
    Move("submitted", "Sign off and submit", frozenset({Status.AWAITING_SIGN_OFF}), Status.SUBMITTED, CERTIFIER,
         "Only the cluster's head or chair (the certifier) can sign off the application",
         guard=first_of(_sign_off_window, _complete), cluster_side=True, stamp="submitted_at", records=_submission,
         notify=notifications.submitted, content=_submission_content),
    Move("sent_back", "Send back", frozenset({Status.AWAITING_SIGN_OFF}), Status.DRAFT, CERTIFIER | WRITERS,
         "Only the certifier, or the cluster host or SEND lead, can send the application back", cluster_side=True,
         records=_sent_back_reason, notify=notifications.sent_back, content=_reason),
), holds_role, not_now=_not_now, related=("round", "cluster"))
TRANSITIONS = APPLICATION_TRANSITIONS.by_name  # the moves by name

# What may be done to an application besides moves, and in which statuses.
ACTIVITIES: dict[str, frozenset] = {
    "edit": frozenset({Status.DRAFT}),
}


def allows(application: Application, activity: str) -> bool:
    return application is not None and application.status in ACTIVITIES[activity]


def may_make(move: str, user, application: Application | None, *, roles: frozenset | None = None) -> bool:
    """Whether the move starts from the application's status and the user holds one of its roles (or of
    `roles`, a narrower set) in the application's cluster."""
    return APPLICATION_TRANSITIONS.may_make(move, user, application, roles=roles)


def application_transition(*, application: Application, to: str, actor, reason: str = "") -> Application:
    """Move an application along APPLICATION_TRANSITIONS to status `to`, with the move's audit event and emails.
    Returns the application, locked and saved, with its round and cluster. Raises DomainError if the table has
    no move from its status to `to`, the actor may not make it, the round is closed (or its sign-off window
    has ended), or (for sign-off and submission) the application is incomplete or contains something that
    looks like a pupil's identity."""
    return APPLICATION_TRANSITIONS.transition(record=application, to=to, actor=actor, note=reason)
