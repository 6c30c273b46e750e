"""The email outbox: written with the change, delivered once, recovered after a crash, safe after a restore."""

import datetime as dt
import smtplib
import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import OperationalError, close_old_connections, connection, transaction
from django.utils import timezone

from sendfund.core import outbox
from sendfund.core.models import Notification
from sendfund.core.notify import announcing, notification_queue

from .fake_notify import fake_notify  # noqa: F401  (a fixture)

S = Notification.Status
ACCEPTED: list[tuple[str, str]] = []  # (Message-ID, recipient) of every message a test mail server accepted
ACCEPTED_LOCK = threading.Lock()


class AcceptThenDropBackend(BaseEmailBackend):
    """A mail server that accepts each message, then drops the connection when asked to close it."""

    def send_messages(self, messages):
        with ACCEPTED_LOCK:
            ACCEPTED.extend((m.extra_headers["Message-ID"], m.to[0]) for m in messages)
        return len(messages)

    def close(self):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class FailsFirstTimeBackend(BaseEmailBackend):
    """A mail server that is down for the first message it is offered, then accepts."""

    down = True

    def send_messages(self, messages):
        if FailsFirstTimeBackend.down:
            FailsFirstTimeBackend.down = False
            raise smtplib.SMTPConnectError(421, "Service not available")
        return AcceptThenDropBackend.send_messages(self, messages)


class SlowBackend(BaseEmailBackend):
    def send_messages(self, messages):
        time.sleep(0.005)
        return AcceptThenDropBackend.send_messages(self, messages)


@pytest.fixture(autouse=True)
def _accepted():
    ACCEPTED.clear()
    FailsFirstTimeBackend.down = True
    yield
    ACCEPTED.clear()


def _mailer(settings, backend):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.{backend.__name__}"}}


def _queue(n=1, **details):
    with transaction.atomic():
        return [row for i in range(n) for row in notification_queue(
            to=[f"person{i}@cluster.example"], subject=f"Email {i}", body="Sign in to see it.", **details)]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_email_and_a_committed_one_leaves_it_in_the_outbox():
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_queue(to=["host@example.com"], subject="Hello", body="Body")
        raise RuntimeError("the change failed")
    assert Notification.objects.count() == 0 and mail.outbox == []
    with transaction.atomic():
        notification_queue(to=["host@example.com", "HOST@example.com ", ""], subject="Hello", body="Body")
        assert Notification.objects.get().status == S.PENDING and mail.outbox == []
    row = Notification.objects.get()
    assert row.status == S.SENT and row.provider_id == f"<{row.reference}@norfolk.example>"
    assert [m.to for m in mail.outbox] == [["host@example.com"]]


@pytest.mark.django_db(transaction=True)
def test_the_same_event_announced_twice_is_written_once_per_person():
    for _ in range(2):
        with transaction.atomic(), announcing("audit:7"):
            notification_queue(to=["a@example.com", "b@example.com"], subject="Hello", body="Body", template="hello")
    assert Notification.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]


@pytest.mark.django_db
def test_an_email_with_nobody_to_send_to_is_written_down_not_skipped():
    [row] = notification_queue(to=["", None], subject="Decision", body="Body", cluster_id=5, about="SCF-2026-0001")
    assert row.status == S.NO_RECIPIENT and "Nobody at this cluster can be emailed" in row.last_error
    assert outbox.outbox_deliver() == 0


@pytest.mark.django_db
def test_a_mail_server_failing_after_accepting_does_not_make_the_email_go_twice(settings):
    _mailer(settings, AcceptThenDropBackend)
    rows = _queue(3)
    assert outbox.outbox_deliver() == 3
    later = timezone.now() + dt.timedelta(days=2)
    assert outbox.outbox_deliver(now=later) == 0
    assert sorted(recipient for _id, recipient in ACCEPTED) == sorted(r.recipient for r in rows)
    for row in Notification.objects.all():
        assert row.status == S.SENT and row.attempts == 1 and row.provider_id


@pytest.mark.django_db
def test_a_mail_server_that_is_down_is_tried_again_after_a_wait_and_sends_once(settings):
    _mailer(settings, FailsFirstTimeBackend)
    [row] = _queue(1)
    now = timezone.now()
    assert outbox.outbox_deliver(now=now) == 1
    row.refresh_from_db()
    assert row.status == S.PENDING and "Service not available" in row.last_error
    assert row.next_attempt_at == now + outbox.backoff(1)
    assert outbox.outbox_deliver(now=now + dt.timedelta(seconds=30)) == 0, "not before its retry time"
    assert outbox.outbox_deliver(now=row.next_attempt_at) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (S.SENT, 2, "")
    assert [recipient for _id, recipient in ACCEPTED] == [row.recipient]


@pytest.mark.django_db
def test_an_email_keeps_failing_until_it_is_marked_failed_for_the_officer(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1}}}
    [row] = _queue(1)
    now = timezone.now()
    for _ in range(outbox.MAX_ATTEMPTS):
        now += dt.timedelta(days=1)
        outbox.outbox_deliver(now=now)
    row.refresh_from_db()
    assert row.status == S.FAILED and row.attempts == outbox.MAX_ATTEMPTS and row.last_error
    assert outbox.outbox_deliver(now=now + dt.timedelta(days=30)) == 0


@pytest.mark.django_db
def test_a_worker_that_dies_holding_a_lease_leaves_the_email_to_another_after_the_lease(settings):
    _mailer(settings, AcceptThenDropBackend)
    [row] = _queue(1)
    now = timezone.now()
    claimed = outbox.outbox_claim(worker="dead-worker", now=now)  # ... and the process is killed here
    assert claimed.pk == row.pk
    assert outbox.outbox_deliver(worker="second", now=now + dt.timedelta(minutes=1)) == 0, "the lease still holds"
    assert outbox.outbox_deliver(worker="second", now=now + outbox.LEASE + dt.timedelta(seconds=1)) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (S.SENT, 2)
    assert [recipient for _id, recipient in ACCEPTED] == [row.recipient]


@pytest.mark.django_db
def test_with_notify_a_worker_that_died_after_notify_accepted_does_not_send_again(fake_notify):  # noqa: F811
    [row] = _queue(1)
    now = timezone.now()
    claimed = outbox.outbox_claim(worker="dead-worker", now=now)
    outbox.NotifySender().send(claimed)  # Notify accepts; the worker dies before writing that down
    assert len(fake_notify.sent) == 1
    assert outbox.outbox_deliver(worker="second", now=now + outbox.LEASE + dt.timedelta(seconds=1)) == 1
    row.refresh_from_db()
    assert row.status == S.SENT and row.provider_id == fake_notify.sent[0]["id"]
    assert len(fake_notify.sent) == 1, "found by its reference, not sent again"


@pytest.mark.django_db
def test_with_notify_an_error_after_notify_accepted_is_resolved_by_the_reference(fake_notify):  # noqa: F811
    [row] = _queue(1)
    fake_notify.drop_after_accepting = 1
    now = timezone.now()
    assert outbox.outbox_deliver(now=now) == 1
    row.refresh_from_db()
    assert row.status == S.PENDING and "500" in row.last_error
    assert outbox.outbox_deliver(now=row.next_attempt_at) == 1
    row.refresh_from_db()
    assert row.status == S.SENT and [n["id"] for n in fake_notify.sent] == [row.provider_id]


@pytest.mark.django_db
def test_a_paused_outbox_sends_nothing(settings):
    _queue(2)
    settings.SENDFUND_EMAIL_PAUSED = True
    assert outbox.outbox_deliver() == 0 and mail.outbox == []
    settings.SENDFUND_EMAIL_PAUSED = False
    assert outbox.outbox_deliver() == 2 and len(mail.outbox) == 2


@pytest.mark.postgres  # SKIP LOCKED is PostgreSQL's; on SQLite it runs too, the IMMEDIATE claims taking turns
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_send_the_same_email_twice(settings):
    _mailer(settings, SlowBackend)
    with transaction.atomic():  # written without the on-commit delivery, as if the task had been lost
        Notification.objects.bulk_create(Notification(event=f"load/{i}", recipient=f"p{i}@example.com",
                                                      template="load", subject=f"Email {i}", body="Body")
                                         for i in range(40))
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def work(name):
        close_old_connections()
        try:
            start.wait()
            idle = 0
            while idle < 20:
                try:
                    tried = outbox.outbox_deliver_one(worker=name)
                except OperationalError:  # SQLite's shared-cache test database: "table is locked"; try again
                    tried = None
                idle = 0 if tried else idle + 1
                if not tried:
                    time.sleep(0.01)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    sent_ids = [message_id for message_id, _ in ACCEPTED]
    assert len(sent_ids) == 40 and len(set(sent_ids)) == 40
    assert set(Notification.objects.values_list("status", flat=True)) == {S.SENT}
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}
    assert len(set(Notification.objects.values_list("claimed_by", flat=True))) == 2, "both workers took a share"


@pytest.mark.django_db(transaction=True)
def test_a_restored_copy_started_as_documented_sends_nothing_again(settings, tmp_path):
    """Back up while one email is sent and one waits; the original then sends the second. The restored copy,
    started paused as the README says and with `notifications_hold --before <backup time>`, sends neither."""
    _mailer(settings, AcceptThenDropBackend)
    settings.SENDFUND_EMAIL_PAUSED = True
    first, second = _queue(2)
    settings.SENDFUND_EMAIL_PAUSED = False
    outbox.outbox_deliver_one(worker="original", ids=[first.pk])
    backup_at = timezone.now()
    dump = tmp_path / "backup.json"
    call_command("dumpdata", "--natural-foreign", "--natural-primary", "-e", "contenttypes", "-e", "auth.permission",
                 "-e", "sessions", "-o", str(dump), verbosity=0)
    outbox.outbox_deliver(worker="original")  # the original site goes on and sends the second
    assert len(ACCEPTED) == 2

    call_command("flush", "--no-input", verbosity=0)  # the restore: an empty database, then the backup
    assert Notification.objects.count() == 0
    call_command("loaddata", str(dump), verbosity=0)
    assert dict(Notification.objects.values_list("pk", "status")) == {first.pk: S.SENT, second.pk: S.PENDING}

    settings.SENDFUND_EMAIL_PAUSED = True  # started in restore mode: nothing leaves
    assert outbox.outbox_deliver(worker="restored") == 0
    call_command("notifications_hold", before=backup_at.isoformat(), verbosity=0)
    settings.SENDFUND_EMAIL_PAUSED = False
    assert outbox.outbox_deliver(worker="restored") == 0
    assert len(ACCEPTED) == 2, "nothing sent again"
    assert dict(Notification.objects.values_list("pk", "status")) == {first.pk: S.SENT, second.pk: S.HELD}
    later = _queue(1)[0]  # the restored site's own new emails go as usual
    assert Notification.objects.get(pk=later.pk).status == S.SENT and len(ACCEPTED) == 3


@pytest.mark.django_db
def test_the_worker_command_sends_what_is_due_and_the_hold_command_wants_a_time_with_its_zone(settings):
    from django.core.management.base import CommandError

    _mailer(settings, AcceptThenDropBackend)
    _queue(3)
    call_command("notifications_deliver", verbosity=0)
    assert len(ACCEPTED) == 3 and set(Notification.objects.values_list("status", flat=True)) == {S.SENT}
    with pytest.raises(CommandError, match="with a time zone"):
        call_command("notifications_hold", before="2026-11-30T05:00:00")
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("notifications_hold", before="yesterday")
