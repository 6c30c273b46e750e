"""Writes for the API: personal tokens (made, revoked) and the idempotent payment record."""

import datetime as dt
import hashlib
import json
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from sendfund.casework import services as casework_services
from sendfund.casework.models import Instalment
from sendfund.core.audit import audit_record
from sendfund.core.errors import DomainError

from .models import ApiToken, IdempotencyRecord

TOKEN_DAYS_DEFAULT = 90
TOKEN_DAYS_MAX = 365


def token_digest(token: str) -> str:
    """The SHA-256 of a token as 64 hex characters: what the database keeps instead of the token. Raises
    nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, user, name: str, days: int = TOKEN_DAYS_DEFAULT) -> tuple[ApiToken, str]:
    """Make a personal token for `user` valid for `days` days (1 to 365). Returns the record and the token
    itself, which is never stored and cannot be shown again. Raises DomainError for a bad name or length, or a
    name one of the user's working tokens has already (so a page reloaded after making one, which sends the
    form again, makes no second token)."""
    name = name.strip()
    if not name:
        raise DomainError("Enter a name for the token, for example Finance system", field="name")
    if not 1 <= days <= TOKEN_DAYS_MAX:
        raise DomainError(f"A token can last from 1 to {TOKEN_DAYS_MAX} days", field="days")
    if ApiToken.objects.filter(user=user, name__iexact=name[:100], revoked_at__isnull=True,
                               expires_on__gte=timezone.localdate()).exists():
        raise DomainError(f"You already have a working token called {name[:100]}. Its value was shown once, when "
                          "it was made: if you did not copy it, revoke it and make a new one.", field="name")
    secret = secrets.token_urlsafe(32)
    prefix = secret[:8]
    token = f"sfk_{secret}"
    with transaction.atomic():
        record = ApiToken.objects.create(user=user, name=name[:100], prefix=prefix, key_sha256=token_digest(token),
                                         expires_on=timezone.localdate() + dt.timedelta(days=days))
        audit_record(actor=user, verb="api_token.created", target=record, label=f"{name} ({prefix}...)",
                     after={"name": record.name, "prefix": prefix, "expires_on": record.expires_on.isoformat()})
    return record, token


def api_token_revoke(*, user, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (it stops working at once). Raises DomainError if it is not theirs."""
    with transaction.atomic():
        record = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
        if record is None:
            raise DomainError("There is no such token")
        if record.revoked_at is None:
            record.revoked_at = timezone.now()
            record.save(update_fields=["revoked_at"])
            audit_record(actor=user, verb="api_token.revoked", target=record, label=f"{record.name} ({record.prefix}...)",
                         before={"revoked": False}, after={"revoked": True})
    return record


def api_token_user(*, token: str):
    """The user a token acts as, or None when it is unknown, revoked or expired. Notes when the token was used
    (at most every five minutes). Returns a User or None. Raises nothing."""
    record = (ApiToken.objects.select_related("user").filter(key_sha256=token_digest(token), revoked_at__isnull=True,
                                                              expires_on__gte=timezone.localdate()).first())
    if record is None or not record.user.is_active:
        return None
    if record.last_used_at is None or timezone.now() - record.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    return record.user


def payment_record_idempotent(*, user, key: str, instalment_id: int, paid_on: dt.date) -> tuple[int, dict]:
    """Finance records a payment from its finance system. The same Idempotency-Key with the same request
    gives the same answer and records one payment, even when two arrive at once; the same key with a
    different request is refused. Returns (HTTP status, body). The body is the payment (`payment_out`) on
    201, else {"detail": message}. Raises nothing: a bad key (400), an instalment the user may not see
    (404), a payment the rules refuse (409, the DomainError's message) and a key reused for another request
    (422) are all answers."""
    key = key.strip()
    if not key or len(key) > 100:
        return 400, {"detail": "Send an Idempotency-Key header of 1 to 100 characters"}
    digest = hashlib.sha256(json.dumps(["pay", instalment_id, paid_on.isoformat()]).encode()).hexdigest()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(user=user, key=key, request_sha256=digest)
        except IntegrityError:
            # The same key was used before (or is being used now: the insert waits for that transaction).
            record = IdempotencyRecord.objects.select_for_update().get(user=user, key=key)
            if record.request_sha256 != digest:
                return 422, {"detail": "This Idempotency-Key was used for a different request"}
            return record.status_code, record.body
        status, body = _pay(user=user, instalment_id=instalment_id, paid_on=paid_on)
        record.status_code, record.body = status, body
        record.save(update_fields=["status_code", "body"])
    return status, body


def _pay(*, user, instalment_id: int, paid_on: dt.date) -> tuple[int, dict]:
    from .selectors import instalments_for_user, payment_out

    instalment = instalments_for_user(user=user).filter(pk=instalment_id).first()
    if instalment is None:
        return 404, {"detail": "Not found"}
    try:
        paid = casework_services.instalment_pay(instalment=instalment, paid_on=paid_on, actor=user)
    except DomainError as exc:
        return 409, {"detail": exc.message}
    return 201, payment_out(Instalment.objects.select_related("stream", "case").get(pk=paid.pk))
