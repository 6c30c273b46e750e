"""The one function that writes the audit trail (house rule 3), and the registry of what each verb carries.

Every verb the code writes is listed in `AUDIT_VERBS` with the keys its `before` and `after` must carry,
so a decision is never audited as a bare status again: `audit_record` refuses an event whose payload
lacks a key its verb requires, and `sendfund/core/tests/test_audit_registry.py` walks the code's
`audit_record` calls and fails on a verb that is not registered. `audience` says who may read the event
in a history: "cluster" events concern the cluster too (shown on its own pages, without internal
detail); "council" events are for LA staff only (scores, specialists' notes, recommendations).
"""

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .models import AuditEvent

CLUSTER, COUNCIL = "cluster", "council"


@dataclass(frozen=True)
class Verb:
    after: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    audience: str = COUNCIL


_STATUS = Verb(before=("status",), after=("status",), audience=CLUSTER)
_DECISION = ("status", "outcome", "lines", "reasons", "conditions")
_ITEM = Verb(audience=CLUSTER)

AUDIT_VERBS: dict[str, Verb] = {
    # core
    "calendar.bank_holidays_loaded": Verb(after=("file", "added", "updated", "first", "last")),
    # accounts
    "user.created": Verb(after=("email", "full_name")),
    "user.signed_in": Verb(),
    "user.signed_out": Verb(),
    "membership.granted": Verb(after=("role", "organisation")),
    "membership.revoked": Verb(before=("role", "organisation")),
    # registry
    "cluster.created": Verb(after=("name",)),
    "cluster.updated": Verb(before=("name",), after=("name",)),
    "cluster.membership_set": Verb(after=("cluster", "academic_year")),
    "cluster.invited": Verb(after=("round", "stream", "emailed")),
    "registry.census_imported": Verb(after=("file", "rows")),
    "registry.spine_imported": Verb(after=("file", "rows")),
    "registry.links_imported": Verb(after=("file", "rows")),
    # formula
    "formula.version_created": Verb(),
    "formula.version_updated": Verb(),
    "formula.run_created": Verb(after=("version", "financial_year", "academic_year")),
    # funds: the pot's ledger
    "ledger.allocation": Verb(after=("amount", "source", "reference")),
    "ledger.commitment": Verb(after=("amount", "source", "reference")),
    "ledger.clawback": Verb(after=("amount", "source", "reference")),
    "ledger.payment": Verb(after=("amount", "source", "reference")),
    "ledger.adjustment": Verb(after=("amount", "source", "reference")),
    # applications
    "application.started": Verb(after=("cluster", "round", "streams"), audience=CLUSTER),
    "application.section_saved": Verb(after=("section", "completed"), audience=CLUSTER),
    "application.document_attached": Verb(after=("kind", "name"), audience=CLUSTER),
    "application.document_removed": Verb(before=("kind", "name"), audience=CLUSTER),
    "application.activities_saved": _ITEM, "application.activities_removed": _ITEM,
    "application.costs_saved": _ITEM, "application.costs_removed": _ITEM,
    "application.outcomes_saved": _ITEM, "application.outcomes_removed": _ITEM,
    "application.sign_off_requested": Verb(before=("status",), after=("status", "round_closes_on"),
                                           audience=CLUSTER),
    "application.submitted": Verb(before=("status",), after=("status", "reference", "late"), audience=CLUSTER),
    "application.sent_back": Verb(before=("status",), after=("status", "reason"), audience=CLUSTER),
    # casework: opening, people, meeting, assessment
    "case.opened": Verb(after=("application", "status", "lines"), audience=CLUSTER),
    "case.assigned": Verb(before=("officer", "education_specialist", "business_specialist"),
                          after=("officer", "education_specialist", "business_specialist")),
    "meeting.arranged": Verb(after=("starts_at", "duration_minutes", "place", "online_link", "cluster_attendees",
                                    "la_attendees", "sequence"), audience=CLUSTER),
    "meeting.notes_recorded": Verb(before=("notes", "actions"), after=("notes", "actions")),
    "meeting.cancelled": Verb(before=("starts_at", "sequence"), after=("cancelled", "attendees"), audience=CLUSTER),
    "case.conflict_declared": Verb(after=("specialist", "has_conflict", "details")),
    "review.saved": Verb(before=("kind", "scores", "summary"), after=("kind", "scores", "summary")),
    "review.finished": Verb(before=("kind", "scores", "summary"), after=("kind", "scores", "summary")),
    "case.information_answered": Verb(after=("question", "answer"), audience=CLUSTER),
    "case.payment_recorded": Verb(before=("paid_on",), after=("instalment", "stream", "financial_year", "amount",
                                                              "paid_on"), audience=CLUSTER),
    # casework: the moves of workflow.TRANSITIONS (verb "case.<move>")
    "case.acknowledge": _STATUS,
    "case.arrange_meeting": _STATUS,
    "case.start_assessment": _STATUS,
    "case.recommend": Verb(before=("status", "lines", "recommendation"), after=("status", "lines", "recommendation")),
    "case.decide": Verb(before=_DECISION, after=_DECISION, audience=CLUSTER),
    "case.accept_offer": Verb(before=("status", "instalments"), after=("status", "instalments"), audience=CLUSTER),
    "case.start_delivery": _STATUS,
    "case.close": _STATUS,
    "case.request_information": Verb(before=("status",), after=("status", "note"), audience=CLUSTER),
    "case.answer_information": _STATUS,
    "case.withdraw": Verb(before=("status",), after=("status", "note", "meeting_cancelled"), audience=CLUSTER),
    # added with monitoring, open data, the API, the outbox and any council (the keys each must carry)
    "notification.retried": Verb(before=("status",), after=("status",)),
    "notification.readdressed": Verb(before=("status",), after=("status", "to")),
    "notifications.held_after_restore": Verb(after=("before", "held")),
    "organisation.renamed": Verb(after=("name",)),
    "registry.council_set": Verb(after=("la_code", "name", "area_code", "org_id")),
    "registry.council_setup_started": Verb(after=("la_code", "council", "org_id")),
    "registry.memberships_imported": Verb(after=("file", "sha256", "la_code", "rows")),
    "registry.memberships_carried_forward": Verb(after=("from_year", "to_year", "continuing", "converted", "closed")),
    "letter.issued": Verb(after=("kind", "sha256", "size_bytes"), audience=CLUSTER),
    "case.instalment_reduced": Verb(before=("instalment", "amount"), after=("instalment", "amount", "note"),
                                    audience=CLUSTER),
    "monitoring.schedule_changed": Verb(),
    "return.scheduled": Verb(after=("kind", "due_on", "period_ends_on"), audience=CLUSTER),
    "return.section_saved": Verb(before=("section",), after=("section", "answers", "completed"), audience=CLUSTER),
    "return.evidence_attached": Verb(after=("name", "bytes"), audience=CLUSTER),
    "return.evidence_removed": Verb(before=("name",), audience=CLUSTER),
    "return.reminder_sent": Verb(after=("reminder", "to"), audience=CLUSTER),
    "return.underspend_proposed": Verb(after=("action", "reason", "amount", "lines")),
    "return.underspend_confirmed": Verb(before=("status",), after=("status", "action"), audience=CLUSTER),
    "funding_lines.imported": Verb(after=("rows", "replaced", "sha256", "total", "illustrative")),
    "health_check.framework_versioned": Verb(after=("version",)),
    "health_check.started": Verb(after=("academic_year", "framework", "pre_filled_from"), audience=CLUSTER),
    "health_check.area_saved": Verb(before=("area",), after=("area", "level", "evidence", "completed"),
                                    audience=CLUSTER),
    "health_check.area_moderated": Verb(before=("area",), after=("area", "cluster_level", "agreed", "moderated_level",
                                                                 "reason"), audience=CLUSTER),
    "api_token.created": Verb(after=("name", "prefix", "expires_on")),
    "api_token.revoked": Verb(before=("revoked",), after=("revoked",)),
    "forum_report.issued": Verb(after=("financial_year", "version", "meeting_on", "sha256", "size_bytes")),
}


class AuditPayloadMissing(ValueError):
    """A programming error: an audit event without a key its verb must carry."""


def _plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def _check(verb: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    spec = AUDIT_VERBS.get(verb)
    if spec is None:
        return  # the registry test fails on a verb the code writes and the registry lacks
    for side, keys, values in (("before", spec.before, before), ("after", spec.after, after)):
        missing = [k for k in keys if k not in (values or {})]
        if missing:
            raise AuditPayloadMissing(f"The audit event {verb} must carry {', '.join(missing)} in its {side}.")


def audit_record(*, actor, verb: str, target: models.Model | None = None,
                 before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
                 label: str | None = None) -> AuditEvent:
    """Append one audit event. Call inside the transaction that makes the change.

    Raises AuditPayloadMissing if the payload lacks a key the verb's registry entry requires."""
    _check(verb, before, after)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_label=(actor.email if is_user else "system"),
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_label=(label or str(target))[:255] if target is not None else (label or ""),
        before=_plain(before),
        after=_plain(after),
    )


def audit_timeline(*, target: models.Model):
    """Every event about one record, newest first. A QuerySet of AuditEvent with its actor. Raises nothing."""
    return (AuditEvent.objects.filter(target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk))
            .select_related("actor").order_by("-at", "-id"))


def model_values(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of a record, for the before/after of an audit event."""
    return {name: getattr(instance, name) for name in fields}


def person(user) -> dict[str, Any] | None:
    """A user as an audit payload carries them: the id, and the name a history shows."""
    if user is None:
        return None
    return {"id": user.pk, "name": getattr(user, "full_name", "") or getattr(user, "email", "")}
