"""The one way the service sends email (house rules 8 and 9).

Services call `email_on_commit(...)`: the message is queued as a task only when the transaction
commits, so a page never waits for a mail server and a rolled-back change sends nothing. Emails
carry no sensitive content: they point to the signed-in service (domain.md section 4.4).
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task


@task
def send_email(*, to: list[str], subject: str, body: str, attachments: list[list[str]] | None = None) -> None:
    """Send one email. `attachments` are [filename, text content, mimetype] (for example a .ics invitation)."""
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    for name, content, mimetype in attachments or []:
        message.attach(name, content, mimetype)
    message.send()


def email_on_commit(*, to: list[str], subject: str, body: str, attachments: list[list[str]] | None = None) -> None:
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    transaction.on_commit(lambda: send_email.enqueue(to=recipients, subject=subject, body=body, attachments=attachments))


def site_url(path: str) -> str:
    return settings.SENDFUND_SITE_URL.rstrip("/") + path
