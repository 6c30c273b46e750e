"""The one function that writes the audit trail (house rule 3)."""

import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .models import AuditEvent


def _plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def audit_record(*, actor, verb: str, target: models.Model | None = None,
                 before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
                 label: str | None = None) -> AuditEvent:
    """Append one audit event. Call inside the transaction that makes the change."""
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
    """Every event about one record, newest first."""
    return (AuditEvent.objects.filter(target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk))
            .select_related("actor").order_by("-at", "-id"))


def model_values(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of a record, for the before/after of an audit event."""
    return {name: getattr(instance, name) for name in fields}
