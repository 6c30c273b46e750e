"""An application by one cluster to one round, in sections, with repeating activities, costs and outcomes.

Short text answers live in one `Section` row per section (answers as JSON text, a version number for
concurrent editing, a completed flag). Anything with money or dates has its own columns: costs are
Decimal pounds per financial year, never JSON (docs/adr/0010-application-sections.md).
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models

from sendfund.core.collection import VersionedRow
from sendfund.core.filecheck import download_name
from sendfund.core.models import TimeStampedModel
from sendfund.core.years import financial_year_of
from sendfund.funds.models import Round, StreamKind
from sendfund.registry.models import Cluster, School


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Waiting for sign-off"
    SUBMITTED = "submitted", "Submitted"


LIVE = ["draft", "awaiting_sign_off"]  # the statuses of an application still in progress


class Application(TimeStampedModel):
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="applications")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT,
                              help_text="Changed only by services.application_transition")
    wants_capacity = models.BooleanField(default=False, help_text="Applies to the capacity stream")
    wants_development = models.BooleanField(default=False, help_text="Applies to the development stream")
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True,
                                 help_text="SCF-<year>-<number>, given when the application is submitted")
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    sent_back_reason = models.TextField(blank=True, help_text="Why the certifier sent it back, if they did")
    sent_for_sign_off_at = models.DateTimeField(null=True, blank=True,
                                                help_text="When it was last sent to the head or chair to sign off")
    submitted_late = models.BooleanField(default=False, help_text="Signed off after the round closed, within the "
                                                                  "round's sign-off days; flagged to the officer")
    acknowledged_at = models.DateTimeField(null=True, blank=True,
                                           help_text="When the council acknowledged it and opened its case; the work "
                                                     "queue lists submitted applications without it")

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["status", "-submitted_at"], name="application_status_idx"),
                   # the work queue reads the applications not yet acknowledged in its order: a few rows, however
                   # many applications the council has had
                   models.Index(fields=["submitted_at", "id"],
                                condition=models.Q(status="submitted", acknowledged_at__isnull=True),
                                name="application_to_acknowledge_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(wants_capacity=True) | models.Q(wants_development=True),
                                   name="application_has_a_stream"),
            models.CheckConstraint(condition=~models.Q(status="submitted") | models.Q(reference__isnull=False),
                                   name="submitted_application_has_reference"),
            # One live application (in progress: a draft or waiting for sign-off) per cluster, round and stream,
            # so two "Start" posts at once cannot make two drafts (services.application_start opens the first).
            models.UniqueConstraint(fields=["cluster", "round"], name="one_live_capacity_application",
                                    condition=models.Q(wants_capacity=True, status__in=LIVE)),
            models.UniqueConstraint(fields=["cluster", "round"], name="one_live_development_application",
                                    condition=models.Q(wants_development=True, status__in=LIVE)),
        ]

    def __str__(self):
        return self.reference or f"Draft application {self.pk} ({self.cluster.name})"

    @property
    def streams_requested(self) -> list[str]:
        return [k for k, wanted in ((StreamKind.CAPACITY, self.wants_capacity),
                                    (StreamKind.DEVELOPMENT, self.wants_development)) if wanted]

    @property
    def streams_label(self) -> str:
        return " and ".join(StreamKind(k).label.lower() for k in self.streams_requested).capitalize()

    @property
    def financial_years(self) -> list[int]:
        """The financial years a bid may ask for: the one the round closes in and the next."""
        first = financial_year_of(self.round.closes_on)
        return [first, first + 1]

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_awaiting_sign_off(self) -> bool:
        return self.status == Status.AWAITING_SIGN_OFF

    @property
    def sign_off_by(self):
        """The last day the head or chair may sign it off: the round's sign-off days after the close if it was
        sent for sign-off by the close, otherwise the closing day (workflow._sign_off_window enforces it)."""
        from django.utils import timezone

        sent = self.sent_for_sign_off_at
        if sent is not None and timezone.localdate(sent) <= self.round.closes_on:
            return self.round.sign_off_until
        return self.round.closes_on


class Section(VersionedRow):
    """The saved answers of one section of one application, and its version for concurrent editing (the
    collection engine's saved section: answers, completed, version, who and when)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "key"], name="one_section_per_key")]

    def __str__(self):
        return f"{self.application_id} {self.key} v{self.version}"


class Activity(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="activities")
    what = models.TextField(blank=True)
    delivered_by = models.CharField(max_length=200, blank=True)
    schools = models.ManyToManyField(School, blank=True, related_name="+")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "activities"

    def __str__(self):
        return self.what[:60] or f"Activity {self.pk}"


class CostCategory(models.TextChoices):
    STAFF = "staff", "Staff"
    TRAINING = "training", "Training"
    SUPPLY_COVER = "supply_cover", "Supply cover"
    RESOURCES = "resources", "Resources"
    COMMISSIONED = "commissioned", "Commissioned services"
    OTHER = "other", "Something else"


class Recurrence(models.TextChoices):
    ONE_OFF = "one_off", "One-off"
    RECURRING = "recurring", "Recurring"


class CostLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="cost_lines")
    stream_kind = models.CharField(max_length=20, choices=StreamKind.choices)
    category = models.CharField(max_length=20, choices=CostCategory.choices)
    description = models.CharField(max_length=300, blank=True)
    recurrence = models.CharField(max_length=20, choices=Recurrence.choices, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.description or f"Cost line {self.pk}"


class CostAmount(models.Model):
    """Pounds asked for one cost line in one financial year (2026 means FY 2026-27)."""

    cost_line = models.ForeignKey(CostLine, on_delete=models.CASCADE, related_name="amounts")
    financial_year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, help_text="Pounds")

    class Meta:
        ordering = ["financial_year"]
        constraints = [models.UniqueConstraint(fields=["cost_line", "financial_year"], name="one_amount_per_line_year"),
                       models.CheckConstraint(condition=models.Q(amount__gte=0), name="cost_amount_not_negative")]

    def __str__(self):
        return f"{self.cost_line_id} FY {self.financial_year}: {self.amount}"


class Outcome(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="outcomes")
    measure = models.CharField(max_length=300, blank=True)
    baseline = models.CharField(max_length=200, blank=True)
    target = models.CharField(max_length=200, blank=True)
    by_when = models.DateField(null=True, blank=True)
    how_measured = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.measure or f"Outcome {self.pk}"


class DocumentKind(models.TextChoices):
    DEVELOPMENT_PLAN = "development_plan", "Cluster development plan"
    ACTION_PLAN = "action_plan", "SEN-D Action Plan"


def _upload_to(document: "Document", filename: str) -> str:
    """A generated name: nothing the user chose reaches the file system."""
    return f"applications/{document.application_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Document(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    file = models.FileField(upload_to=_upload_to, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size_bytes = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-uploaded_at"]

    def __str__(self):
        return self.original_name

    @property
    def download_name(self) -> str:
        """The name to offer the file under: the uploaded name with the extension of what the file is."""
        return download_name(self.original_name, self.content_type)


class ItemToken(models.Model):
    """The one-off token of an "add an item" form: a second post of the same form (a double click, a retry)
    changes the item the first post added instead of adding another."""

    token = models.CharField(max_length=64, unique=True)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    item_id = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.kind} {self.item_id} ({self.token[:8]})"


class ReferenceCounter(models.Model):
    """The last reference number given in a year; incremented under a row lock (services.reference_next)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"
