"""The one way the service sends email (house rules 8 and 9).

Services call `notification_queue(...)` inside the transaction that makes the change: it writes one
`Notification` row per recipient (the outbox), so a change and its emails commit together or not at
all. When the transaction commits, a task asks the outbox to deliver them; if that task is lost, the
outbox worker (`manage.py notifications_deliver`) finds them anyway. Emails carry no sensitive
content: they point to the signed-in service (domain.md section 4.4). See docs/adr/0030-email-outbox.md.
"""

import contextlib
import contextvars
import uuid

from django.conf import settings
from django.db import transaction
from django.tasks import task

from .models import Notification

_event: contextvars.ContextVar[str | None] = contextvars.ContextVar("sendfund_notification_event", default=None)


@contextlib.contextmanager
def announcing(event: str):
    """Emails queued inside this block belong to `event` (for example "audit:42"): queuing the same email
    for the same event and person twice writes it once."""
    token = _event.set(event)
    try:
        yield
    finally:
        _event.reset(token)


def notification_queue(*, to: list[str], subject: str, body: str, template: str = "email",
                       context: dict | None = None, attachments: list[list[str]] | None = None,
                       about: str = "", link: str = "", cluster_id: int | None = None,
                       event: str = "") -> list[Notification]:
    """Write one outbox row per address, in the caller's transaction; deliver them once it commits. With no
    address at all, one row says so (status "nobody to send to"), so the email is never skipped silently:
    the officer's pages show it until someone at the cluster can be emailed. Returns the rows written.
    Raises nothing."""
    recipients = sorted({address.strip().lower() for address in to if address and address.strip()})
    base = event or _event.get() or f"call:{uuid.uuid4().hex}"
    key = f"{base}/{template}"
    values = {"template": template, "subject": subject[:255], "body": body,
              "context": {k: str(v) for k, v in (context or {}).items()},
              "attachments": attachments or [], "about": about[:255], "link": link[:255], "cluster_id": cluster_id}
    if not recipients:
        rows = [Notification(event=key, recipient="", status=Notification.Status.NO_RECIPIENT,
                             last_error="Nobody at this cluster can be emailed.", **values)]
    else:
        rows = [Notification(event=key, recipient=address, **values) for address in recipients]
    # The same event announced twice to the same person is written once (the unique key event + recipient).
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    written = list(Notification.objects.filter(event=key, recipient__in=[r.recipient for r in rows]))
    pending = [n.pk for n in written if n.status == Notification.Status.PENDING]
    if pending:
        transaction.on_commit(lambda: deliver_notifications.enqueue(ids=pending))
    return written


def email_on_commit(*, to: list[str], subject: str, body: str, attachments: list[list[str]] | None = None,
                    **details) -> list[Notification]:
    """The earlier name of `notification_queue`, kept for callers that give only addresses and text. Raises
    nothing."""
    return notification_queue(to=to, subject=subject, body=body, attachments=attachments, **details)


@task
def deliver_notifications(*, ids: list[int]) -> int:
    """Deliver these outbox rows now if they are still due (the outbox worker would find them anyway)."""
    from .outbox import outbox_deliver

    return outbox_deliver(ids=ids)


@task
def send_email(*, to: list[str], subject: str, body: str, attachments: list[list[str]] | None = None) -> None:
    """Tasks queued before the outbox existed land in the outbox instead of being sent directly."""
    with transaction.atomic():
        notification_queue(to=to, subject=subject, body=body, attachments=attachments)


def site_url(path: str) -> str:
    return settings.SENDFUND_SITE_URL.rstrip("/") + path
