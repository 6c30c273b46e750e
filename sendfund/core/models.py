import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: D102
        raise TypeError("Audit events are append-only")

    def delete(self):  # noqa: D102
        raise TypeError("Audit events are append-only")


class AuditEvent(models.Model):
    """One change to one record: who did what, when, and the values before and after.

    Written only by `sendfund.core.audit.audit_record`, in the same transaction as the change.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_label = models.CharField(max_length=254, help_text="Email or 'system', kept if the user is removed")
    verb = models.CharField(max_length=80, db_index=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "-at"], name="audit_target_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only")


class ChartImage(models.Model):
    """A chart's SVG, kept by the hash of the figures it shows (sendfund.core.charts.drawn_once)."""

    key = models.CharField(max_length=64, unique=True, help_text="sha256 of the drawing function and its figures")
    name = models.CharField(max_length=200, help_text="The drawing function, e.g. sendfund.funds.charts.pot_chart_svg")
    svg = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.name} {self.key[:12]}"


class Notification(models.Model):
    """One email to one person, written in the same transaction as the change it announces (the outbox).

    Written only by `sendfund.core.notify.notification_queue`; delivered by `sendfund.core.outbox`, which
    claims a row with a lease before sending and marks it sent with the provider's id, so a row is never
    sent again once delivered. See docs/adr/0030-email-outbox.md.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        HELD = "held", "Held after a restore"
        NO_RECIPIENT = "no_recipient", "Nobody to send to"
        READDRESSED = "readdressed", "Sent later to the people added"

    UNDELIVERED = (Status.FAILED, Status.HELD, Status.NO_RECIPIENT)

    event = models.CharField(max_length=200, help_text="The change this email announces, e.g. 'audit:42/case_decided'")
    recipient = models.EmailField(blank=True, help_text="Blank when nobody could be emailed")
    template = models.CharField(max_length=80, help_text="The email's name; picks the GOV.UK Notify template")
    subject = models.CharField(max_length=255)
    body = models.TextField()
    context = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder,
                               help_text="Personalisation for GOV.UK Notify (strings)")
    attachments = models.JSONField(default=list, blank=True, help_text="[filename, text, mimetype] triples")
    about = models.CharField(max_length=255, blank=True, help_text="What it is about, e.g. a case reference")
    link = models.CharField(max_length=255, blank=True, help_text="Path of the record's page for LA staff")
    cluster_id = models.PositiveIntegerField(null=True, blank=True, db_index=True,
                                             help_text="The cluster it was written to, if any")
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False,
                                 help_text="Sent to GOV.UK Notify as the reference, and in the SMTP Message-ID")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_by = models.CharField(max_length=120, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True, help_text="The lease: after this another worker may try")
    provider_id = models.CharField(max_length=255, blank=True, help_text="Notify's id, or the SMTP Message-ID")
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["event", "recipient"], name="notification_once_per_event")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx")]

    def __str__(self):
        return f"{self.template} to {self.recipient or 'nobody'} ({self.get_status_display().lower()})"


class BankHoliday(models.Model):
    """A bank holiday in England and Wales loaded from a GOV.UK bank-holidays file (`load_bank_holidays`),
    added to the calendar bundled with govuk-bank-holidays (which ends in December 2028)."""

    date = models.DateField(unique=True)
    title = models.CharField(max_length=150)
    source = models.CharField(max_length=255, blank=True, help_text="The file it was loaded from")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"
