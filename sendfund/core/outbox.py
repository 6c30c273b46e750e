"""Delivering the outbox: claim a row with a lease, send it, mark it sent with the provider's id.

Several workers may run at once: a claim locks the row (`SELECT ... FOR UPDATE SKIP LOCKED` on
PostgreSQL; SQLite's transactions here begin IMMEDIATE, so claims take turns) and sets `claimed_until`.
A worker that dies holding a lease leaves the row `sending`; once the lease has run out another worker
takes it again. A failure is retried with a growing wait; after MAX_ATTEMPTS the row is `failed` and
the officer's email page offers a retry. What "exactly once" can mean here: docs/adr/0030-email-outbox.md.
"""

import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from .audit import audit_record
from .errors import DomainError
from .models import Notification

log = logging.getLogger(__name__)
S = Notification.Status

LEASE = dt.timedelta(minutes=5)  # far longer than a send may take (SMTP and Notify time out at 30 s)
MAX_ATTEMPTS = 8


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try: 1, 2, 4 ... minutes, at most 4 hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 240))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _due(now) -> Q:
    return Q(status=S.PENDING, next_attempt_at__lte=now) | Q(status=S.SENDING, claimed_until__lt=now)


def outbox_claim(*, worker: str, now: dt.datetime | None = None, ids: Iterable[int] | None = None) -> Notification | None:
    """Take the oldest due row for this worker, with a lease; None when nothing is due (or delivery is
    paused). Raises nothing."""
    if settings.SENDFUND_EMAIL_PAUSED:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        due = Notification.objects.select_for_update(skip_locked=True).filter(_due(now))
        if ids is not None:
            due = due.filter(pk__in=list(ids))
        row = due.order_by("next_attempt_at", "pk").first()
        if row is None:
            return None
        row.status, row.claimed_by, row.claimed_until = S.SENDING, worker, now + LEASE
        row.attempts += 1
        row.save(update_fields=["status", "claimed_by", "claimed_until", "attempts"])
    return row


def _sent(row: Notification, provider_id: str) -> None:
    """Write down that the provider has it. This is the step whose loss could send an email twice, so a
    database that is briefly busy is tried again rather than given up on."""
    for attempt in range(5):
        try:
            Notification.objects.filter(pk=row.pk, status=S.SENDING).update(
                status=S.SENT, provider_id=provider_id[:255], sent_at=timezone.now(), claimed_until=None,
                last_error="")
            return
        except OperationalError:
            if attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))


def _failed(row: Notification, exc: Exception, now: dt.datetime) -> None:
    error = f"{type(exc).__name__}: {exc}"[:1000]
    changes: dict[str, object]
    if row.attempts >= MAX_ATTEMPTS:
        changes = {"status": S.FAILED}
    else:
        changes = {"status": S.PENDING, "next_attempt_at": now + backoff(row.attempts)}
    Notification.objects.filter(pk=row.pk, status=S.SENDING, claimed_by=row.claimed_by).update(
        claimed_until=None, last_error=error, **changes)
    log.warning("Email %s to %s not sent (attempt %s): %s", row.pk, row.recipient, row.attempts, error)


def outbox_deliver_one(*, worker: str, now: dt.datetime | None = None, ids: Iterable[int] | None = None,
                       sender=None) -> Notification | None:
    """Claim one due row and send it. Returns the row tried, or None when nothing was due. A failure of the
    mail service is recorded on the row (tried again later, or failed after the last attempt), never
    raised."""
    row = outbox_claim(worker=worker, now=now, ids=ids)
    if row is None:
        return None
    sender = sender or sender_from_settings()
    try:
        provider_id = sender.send(row)
    except Exception as exc:  # any failure of the mail service: the row is tried again later
        _failed(row, exc, now or timezone.now())
    else:
        _sent(row, provider_id)
    return row


def outbox_deliver(*, ids: Iterable[int] | None = None, worker: str | None = None, limit: int = 1000,
                   now: dt.datetime | None = None) -> int:
    """Deliver due rows (only these ids if given) until none is due; returns how many were tried."""
    worker = worker or worker_name()
    ids = list(ids) if ids is not None else None
    sender = sender_from_settings()
    tried = 0
    while tried < limit and outbox_deliver_one(worker=worker, now=now, ids=ids, sender=sender) is not None:
        tried += 1
    return tried


# --- senders: SMTP (Django's mailer) and GOV.UK Notify ------------------------------------------------

class SmtpSender:
    """Sends through Django's default mailer. The provider id is the Message-ID we set."""

    def send(self, row: Notification) -> str:
        message_id = f"<{row.reference}@{settings.SENDFUND_EMAIL_DOMAIN}>"
        message = EmailMessage(subject=row.subject, body=row.body, from_email=settings.DEFAULT_FROM_EMAIL,
                               to=[row.recipient], headers={"Message-ID": message_id})
        for name, content, mimetype in row.attachments:
            message.attach(name, content, mimetype)
        connection = mailers.default
        connection.open()
        try:
            if connection.send_messages([message]) != 1:
                raise RuntimeError("The mail server did not accept the message.")
        except Exception:
            _close_quietly(connection)
            raise
        # The server has accepted the message: a failure from here on (closing the connection) must not make
        # the outbox send it again.
        _close_quietly(connection)
        return message_id


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception as exc:  # the message is already accepted (or already failed); closing cannot change that
        log.warning("Closing the mail connection failed: %s", exc)


class NotifySender:
    """Sends through GOV.UK Notify: one template per email (by name, ids from the environment), the email's
    text and details as personalisation, and the row's reference. Before sending, it asks Notify whether a
    notification with that reference exists already (a worker that died after Notify accepted, or a restored
    copy), and if so records that one instead of sending again."""

    def __init__(self):
        from notifications_python_client.notifications import NotificationsAPIClient

        if not settings.SENDFUND_NOTIFY_API_KEY:
            raise RuntimeError("Set SENDFUND_NOTIFY_API_KEY to send email through GOV.UK Notify.")
        self.client = NotificationsAPIClient(settings.SENDFUND_NOTIFY_API_KEY,
                                             base_url=settings.SENDFUND_NOTIFY_BASE_URL, timeout=30)

    def template_id(self, template: str) -> str:
        templates = settings.SENDFUND_NOTIFY_TEMPLATES
        found = templates.get(template) or templates.get("default")
        if not found:
            raise RuntimeError(f"There is no GOV.UK Notify template for the email '{template}': set "
                               "SENDFUND_NOTIFY_TEMPLATES (name=template-id, or default=template-id).")
        return found

    def send(self, row: Notification) -> str:
        reference = str(row.reference)
        existing = self.client.get_all_notifications(reference=reference).get("notifications", [])
        if existing:
            return existing[0]["id"]
        response = self.client.send_email_notification(
            email_address=row.recipient, template_id=self.template_id(row.template),
            personalisation={**row.context, "subject": row.subject, "body": row.body}, reference=reference)
        return response["id"]


def sender_from_settings():
    if settings.SENDFUND_EMAIL_DELIVERY == "notify":
        return NotifySender()
    return SmtpSender()


# --- the officer's actions and the restore command -----------------------------------------------------

@transaction.atomic
def notification_retry(*, notification: Notification, actor) -> Notification:
    """Send a failed or held email again. Raises DomainError for one already sent, or with nobody to send to."""
    row = Notification.objects.select_for_update().get(pk=notification.pk)
    if row.status == S.SENT:
        raise DomainError("This email was sent already; it is not sent again.")
    if row.status in (S.NO_RECIPIENT, S.READDRESSED):
        raise DomainError("There was nobody to send this email to: send it to the cluster's people instead.")
    if row.status not in (S.FAILED, S.HELD, S.PENDING):
        raise DomainError("This email is being sent now.")
    before = row.status
    row.status, row.next_attempt_at, row.attempts = S.PENDING, timezone.now(), 0
    row.save(update_fields=["status", "next_attempt_at", "attempts"])
    audit_record(actor=actor, verb="notification.retried", target=row, label=f"{row.subject} to {row.recipient}",
                 before={"status": before}, after={"status": row.status})
    from .notify import deliver_notifications

    transaction.on_commit(lambda: deliver_notifications.enqueue(ids=[row.pk]))
    return row


@transaction.atomic
def notification_readdress(*, notification: Notification, to: list[str], actor) -> list[Notification]:
    """Send an email that had nobody to go to, now that the cluster has people (`to`). Raises DomainError if
    it was not such an email, or if there is still nobody."""
    row = Notification.objects.select_for_update().get(pk=notification.pk)
    if row.status != S.NO_RECIPIENT:
        raise DomainError("This email had people to send to; use Send again if it failed.")
    recipients = sorted({address.strip().lower() for address in to if address and address.strip()})
    if not recipients:
        raise DomainError("Nobody at this cluster can be emailed yet. Add a contact address or a user in a cluster "
                          "role first.")
    copies = [Notification(event=row.event, recipient=address, template=row.template, subject=row.subject,
                           body=row.body, context=row.context, attachments=row.attachments, about=row.about,
                           link=row.link, cluster_id=row.cluster_id) for address in recipients]
    Notification.objects.bulk_create(copies, ignore_conflicts=True)
    row.status, row.last_error = S.READDRESSED, f"Sent later to {', '.join(recipients)}."
    row.save(update_fields=["status", "last_error"])
    audit_record(actor=actor, verb="notification.readdressed", target=row, label=row.subject,
                 before={"status": S.NO_RECIPIENT}, after={"status": row.status, "to": recipients})
    ids = list(Notification.objects.filter(event=row.event, recipient__in=recipients, status=S.PENDING)
               .values_list("pk", flat=True))
    from .notify import deliver_notifications

    transaction.on_commit(lambda: deliver_notifications.enqueue(ids=ids))
    return copies


@transaction.atomic
def outbox_hold_before(*, before: dt.datetime, actor=None) -> int:
    """On a restored copy: hold every email written before `before` that this copy has not marked sent. The
    original site may have sent them after the backup was taken; a held email is sent only if an officer
    presses retry on the email page. Returns how many were held. Raises nothing."""
    held = (Notification.objects.filter(created_at__lt=before, status__in=[S.PENDING, S.SENDING, S.FAILED])
            .update(status=S.HELD, claimed_until=None, last_error="Held after a restore: it may have been sent "
                    "by the site the backup came from."))
    audit_record(actor=actor, verb="notifications.held_after_restore", label="Email outbox",
                 after={"before": before.isoformat(), "held": held})
    return held
