"""The workflows of monitoring returns and Health Checks: transition tables for the one engine
(`sendfund.core.workflow`, docs/adr/0062-one-workflow-engine.md).

`RETURN_TRANSITIONS` and `HEALTH_CHECK_TRANSITIONS` name each move with its button's words, the statuses it
starts from, the one it ends in, who may make it, its guard, what it stamps and records, and whom it tells.
`services.return_transition` and `health.health_check_transition` make the moves; the permission functions
(`permissions.py`) ask these tables who may make them; pages show the moves `offered` to the user.
"""

from django.db import models
from django.urls import reverse

from sendfund.accounts.permissions import holds_role
from sendfund.accounts.roles import Role
from sendfund.core import collection
from sendfund.core.notify import email_on_commit, site_url
from sendfund.core.privacy import identity_problems
from sendfund.core.workflow import Move, Workflow
from sendfund.core.years import ay_label

from . import selectors
from .models import HealthCheck, HealthCheckStatus, MonitoringReturn, ReturnStatus

S = ReturnStatus
H = HealthCheckStatus
WRITERS = frozenset({Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD})
CERTIFIER = frozenset({Role.CERTIFIER})
CLUSTER_HOST = frozenset({Role.CLUSTER_HOST})
LA_OFFICER = frozenset({Role.LA_OFFICER})
MODERATORS = frozenset({Role.LA_OFFICER, Role.EDUCATION_SPECIALIST})


# --- records and content: the fields a move sets, and what its audit event carries ---------------------------

def _signed_off(record, actor, note: str) -> dict:
    return {"signed_off_by": actor, "sent_back_comments": ""}


def _sent_back(record, actor, note: str) -> dict:
    return {"sent_back_comments": note}


def _by(field: str):
    def records(record, actor, note: str) -> dict:
        return {field: actor}
    return records


def _audited(*fields: str):
    """The audit event's content: the note when there is one, and the fields the move set (people by id)."""
    def content(record, note: str) -> dict:
        values = {name: getattr(record, name) for name in fields}
        return {**({"note": note} if note else {}),
                **{k: (v.pk if isinstance(v, models.Model) else v) for k, v in values.items()}}
    return content


# --- monitoring returns ----------------------------------------------------------------------------------------

def _return_complete(ret: MonitoringReturn) -> str:
    incomplete = selectors.return_incomplete_sections(monitoring_return=ret)
    if incomplete:
        return "Complete every section first: " + ", ".join(s.title for s in incomplete)
    findings = selectors.return_identity_findings(monitoring_return=ret)
    if findings:
        return "Remove anything that could identify a child first. " + findings[0].message
    return ""


def cluster_emails(ret) -> list[str]:
    """The cluster's host and SEND lead, who hear about its returns."""
    cluster = ret.cluster
    return [cluster.host_email, cluster.send_lead_email]


def _role_emails(*, role, cluster_id=None) -> list[str]:
    from sendfund.accounts.models import User

    users = User.objects.filter(is_active=True, memberships__role=role)
    if cluster_id is not None:
        users = users.filter(memberships__organisation__cluster_id=cluster_id)
    return list(users.values_list("email", flat=True))


def _return_words(ret: MonitoringReturn) -> tuple[str, str, str]:
    """The return as emails name it, and its pages on the apply and manage sides."""
    return (f"The {ret.get_kind_display().lower()} for {ret.case.reference}",
            site_url(reverse("monitoring:return", kwargs={"pk": ret.pk})),
            site_url(reverse("monitoring:manage-return", kwargs={"pk": ret.pk})))


def _return_sign_off_requested(ret: MonitoringReturn, actor, note: str) -> None:
    what, apply_link, _ = _return_words(ret)
    email_on_commit(to=_role_emails(role=Role.CERTIFIER, cluster_id=ret.cluster_id),
                    subject="A monitoring return is ready for you to sign off",
                    body=f"{what} is ready for you to check and sign off.\n\nSign in to see it: {apply_link}\n")


def _return_submitted(ret: MonitoringReturn, actor, note: str) -> None:
    what, apply_link, manage_link = _return_words(ret)
    email_on_commit(to=cluster_emails(ret), subject=f"{what} has been sent to the council",
                    body=f"{what} has been signed off and sent to the council.\n\nSign in to see it: {apply_link}\n")
    email_on_commit(to=_role_emails(role=Role.LA_OFFICER), subject=f"{what} is ready for review",
                    body=f"{what} from {ret.cluster.name} is ready for review.\n\n{manage_link}\n")


def _return_accepted(ret: MonitoringReturn, actor, note: str) -> None:
    what, apply_link, _ = _return_words(ret)
    email_on_commit(to=cluster_emails(ret), subject=f"{what} has been accepted",
                    body=f"The council has accepted {what[0].lower() + what[1:]}.\n\nSign in to see it: {apply_link}\n")


def _return_sent_back(ret: MonitoringReturn, actor, note: str) -> None:
    what, apply_link, _ = _return_words(ret)
    email_on_commit(to=cluster_emails(ret), subject=f"{what} has been sent back",
                    body=f"{what} has been sent back to change something.\n\nSign in to see why: {apply_link}\n")


RETURN_TRANSITIONS = Workflow(MonitoringReturn, "return", (
    Move("sign_off_requested", "Send for sign-off", frozenset({S.DRAFT}), S.AWAITING_SIGN_OFF, WRITERS,
         "Only the cluster host or SEND lead can send the return for sign-off", guard=_return_complete,
         cluster_side=True, content=_audited(), notify=_return_sign_off_requested),
    Move("submitted", "Sign off and send to the council", frozenset({S.AWAITING_SIGN_OFF}), S.SUBMITTED, CERTIFIER,
         "Only the cluster's head or chair can sign off the return", guard=_return_complete, cluster_side=True,
         stamp="submitted_at", records=_signed_off,
         content=_audited("submitted_at", "signed_off_by", "sent_back_comments"), notify=_return_submitted),
    Move("sent_back_by_cluster", "Send back", frozenset({S.AWAITING_SIGN_OFF}), S.DRAFT, CERTIFIER | WRITERS,
         "Only the head or chair, or the cluster host or SEND lead, can send the return back", cluster_side=True,
         records=_sent_back, content=_audited("sent_back_comments"), notify=_return_sent_back),
    Move("accepted", "Accept", frozenset({S.SUBMITTED}), S.ACCEPTED, LA_OFFICER,
         "Only an LA officer can accept a return", stamp="accepted_at", records=_by("accepted_by"),
         content=_audited("accepted_at", "accepted_by"), notify=_return_accepted),
    Move("sent_back", "Send back", frozenset({S.SUBMITTED}), S.DRAFT, LA_OFFICER,
         "Only an LA officer can send a return back", records=_sent_back, content=_audited("sent_back_comments"),
         notify=_return_sent_back),
), holds_role, related=("case", "cluster"))


# --- Health Checks ---------------------------------------------------------------------------------------------

def _health_check_complete(hc: HealthCheck) -> str:
    ratings = list(hc.ratings.select_related("area"))
    missing = [r.area.title for r in ratings if collection.status_of(r) != collection.COMPLETED]
    if missing:
        return "Complete every area first: " + ", ".join(missing)
    findings = collection.identity_findings(((r.area.title, "Evidence", r.evidence) for r in ratings),
                                            screen=identity_problems)
    if findings:
        return "Remove anything that could identify a child first. " + findings[0].message
    return ""


def _moderated(hc: HealthCheck) -> str:
    left = [r.area.title for r in hc.ratings.select_related("area") if r.agreed is None]
    return ("Moderate every area first: " + ", ".join(left)) if left else ""


def _health_check_told(subject: str, *people: str):
    """The move's email to the cluster's people (`people`: "host", "send_lead", in the order they are named)."""
    def notify(hc: HealthCheck, actor, note: str) -> None:
        cluster = hc.cluster
        link = site_url(reverse("monitoring:health-check", kwargs={"pk": hc.pk}))
        email_on_commit(to=[getattr(cluster, f"{who}_email") for who in people],
                        subject=f"{subject} ({ay_label(hc.academic_year)})",
                        body=f"{subject}.\n\nSign in to see it: {link}\n")
    return notify


HEALTH_CHECK_TRANSITIONS = Workflow(HealthCheck, "health_check", (
    Move("sign_off_requested", "Send to the cluster host to sign off", frozenset({H.DRAFT}), H.AWAITING_SIGN_OFF,
         WRITERS, "Only the cluster's SEND lead or host can send the Health Check for sign-off",
         guard=_health_check_complete, cluster_side=True, content=_audited(),
         notify=_health_check_told("The Health Check is ready for you to sign off", "host")),
    Move("submitted", "Sign off and send to the council", frozenset({H.AWAITING_SIGN_OFF}), H.SUBMITTED,
         CLUSTER_HOST, "Only the cluster host can sign off the Health Check", guard=_health_check_complete,
         cluster_side=True, stamp="submitted_at", records=_signed_off,
         content=_audited("submitted_at", "signed_off_by", "sent_back_comments"),
         notify=_health_check_told("Your Health Check has been sent to the council", "host", "send_lead")),
    Move("sent_back", "Send back", frozenset({H.AWAITING_SIGN_OFF}), H.DRAFT, WRITERS | CLUSTER_HOST,
         "Only the cluster host or SEND lead can send the Health Check back", cluster_side=True, records=_sent_back,
         content=_audited("sent_back_comments"),
         notify=_health_check_told("Your Health Check has been sent back", "send_lead", "host")),
    Move("moderated", "Finish moderation", frozenset({H.SUBMITTED}), H.MODERATED, MODERATORS,
         "Only an LA officer or education specialist can moderate a Health Check", guard=_moderated,
         stamp="moderated_at", records=_by("moderated_by"), content=_audited("moderated_at", "moderated_by"),
         notify=_health_check_told("The council has moderated your Health Check", "host", "send_lead")),
), holds_role, related=("cluster",))
