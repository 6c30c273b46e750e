"""Monitoring: returns an award owes on a schedule, underspend decisions, and the SEND Cluster Health Check.

A return and a Health Check are collections (sendfund/core/collection.py): sections saved with a
version, sign-off in the cluster, review by the council. Money and dates have real columns (Decimal
pounds), never JSON (docs/adr/0001-money.md).
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models

from sendfund.core.collection import VersionedRow
from sendfund.core.models import TimeStampedModel

USER = settings.AUTH_USER_MODEL


# --- the schedule of returns, per round --------------------------------------------------------------------

class ReturnKind(models.TextChoices):
    INTERIM = "interim", "Interim return"
    FINAL = "final", "Final return"


class ScheduleItem(models.Model):
    """One return an award in this round owes. Blank `months_after_acceptance`: at the end of the funded period."""

    round = models.ForeignKey("funds.Round", on_delete=models.CASCADE, related_name="return_schedule")
    kind = models.CharField(max_length=20, choices=ReturnKind.choices)
    months_after_acceptance = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Months after the offer is accepted; blank for the end of the funded period")
    working_days_to_submit = models.PositiveSmallIntegerField(
        default=0, help_text="Working days after that date by which the return is due")

    class Meta:
        ordering = ["round", "kind"]
        constraints = [models.UniqueConstraint(fields=["round", "kind"], name="one_schedule_item_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} for round {self.round_id}"


# --- returns ------------------------------------------------------------------------------------------------

class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "In progress"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Waiting for sign-off"
    SUBMITTED = "submitted", "Waiting for the council"
    ACCEPTED = "accepted", "Accepted"


class MonitoringReturn(TimeStampedModel):
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="monitoring_returns")
    cluster = models.ForeignKey("registry.Cluster", on_delete=models.PROTECT, related_name="monitoring_returns",
                                help_text="The case's cluster, kept here for the one scoping rule")
    kind = models.CharField(max_length=20, choices=ReturnKind.choices)
    period_ends_on = models.DateField(help_text="The return reports on the award up to this date")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT,
                              help_text="Changed only by services.return_transition")
    sent_back_comments = models.TextField(blank=True, help_text="Why it was sent back, by the head or the officer")
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="one_return_per_kind_per_case")]
        indexes = [models.Index(fields=["status", "due_on"], name="return_status_due_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.case.reference}"

    @property
    def is_final(self) -> bool:
        return self.kind == ReturnKind.FINAL


class ReturnSection(VersionedRow):
    monitoring_return = models.ForeignKey(MonitoringReturn, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["monitoring_return", "key"], name="one_return_section_per_key")]

    def __str__(self):
        return f"{self.monitoring_return_id} {self.key} v{self.version}"


class Progress(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    SOME_DELAY = "some_delay", "Some delay"
    AT_RISK = "at_risk", "At risk"
    STOPPED = "stopped", "Stopped"


class ActivityProgress(models.Model):
    monitoring_return = models.ForeignKey(MonitoringReturn, on_delete=models.CASCADE, related_name="progress")
    activity = models.ForeignKey("applications.Activity", on_delete=models.PROTECT, related_name="+")
    progress = models.CharField(max_length=20, choices=Progress.choices, blank=True)
    note = models.TextField(blank=True, help_text="One sentence on how it is going")

    class Meta:
        ordering = ["activity_id"]
        constraints = [models.UniqueConstraint(fields=["monitoring_return", "activity"], name="one_progress_per_activity")]

    def __str__(self):
        return f"{self.activity_id}: {self.progress}"


class SpendLine(models.Model):
    """Spend to date on one cost line in one financial year, against what the application planned (pounds)."""

    monitoring_return = models.ForeignKey(MonitoringReturn, on_delete=models.CASCADE, related_name="spend")
    cost_line = models.ForeignKey("applications.CostLine", on_delete=models.PROTECT, related_name="+")
    stream_kind = models.CharField(max_length=20)
    financial_year = models.PositiveSmallIntegerField(help_text="2026 means FY 2026-27")
    planned = models.DecimalField(max_digits=12, decimal_places=2, help_text="Pounds the application planned")
    spent = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True, help_text="Pounds spent to date")

    class Meta:
        ordering = ["cost_line_id", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["monitoring_return", "cost_line", "financial_year"], name="one_spend_per_line_year"),
            models.CheckConstraint(condition=models.Q(spent__gte=0) | models.Q(spent__isnull=True), name="spend_not_negative"),
        ]

    def __str__(self):
        return f"{self.cost_line_id} FY {self.financial_year}: {self.spent}"


class OutcomeProgress(models.Model):
    monitoring_return = models.ForeignKey(MonitoringReturn, on_delete=models.CASCADE, related_name="outcomes")
    outcome = models.ForeignKey("applications.Outcome", on_delete=models.PROTECT, related_name="+")
    latest = models.CharField(max_length=200, blank=True, help_text="The measure's latest value")
    measured_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["outcome_id"]
        constraints = [models.UniqueConstraint(fields=["monitoring_return", "outcome"], name="one_progress_per_outcome")]

    def __str__(self):
        return f"{self.outcome_id}: {self.latest}"


def _evidence_to(document: "Evidence", filename: str) -> str:
    """A generated name: nothing the user chose reaches the file system."""
    return f"monitoring/{document.monitoring_return_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Evidence(models.Model):
    monitoring_return = models.ForeignKey(MonitoringReturn, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=_evidence_to, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size_bytes = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class Reminder(models.Model):
    """A reminder sent for a return. The unique constraint makes each one go exactly once, whoever runs the job."""

    monitoring_return = models.ForeignKey(MonitoringReturn, on_delete=models.CASCADE, related_name="reminders")
    code = models.CharField(max_length=20, help_text="before_10, due, after_5, after_10")
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.TextField(blank=True)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [models.UniqueConstraint(fields=["monitoring_return", "code"], name="one_reminder_per_code")]

    def __str__(self):
        return f"{self.monitoring_return_id} {self.code}"


# --- underspend -------------------------------------------------------------------------------------------

class UnderspendAction(models.TextChoices):
    CLAWBACK = "clawback", "Claw back the money"
    KEEP = "keep", "Let the cluster keep it"
    REDUCE_NEXT = "reduce_next", "Reduce the next instalment"


class UnderspendStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    CONFIRMED = "confirmed", "Confirmed"


class Underspend(TimeStampedModel):
    """What an officer proposes for money a final return shows unspent, and the decision maker's confirmation."""

    monitoring_return = models.OneToOneField(MonitoringReturn, on_delete=models.PROTECT, related_name="underspend")
    action = models.CharField(max_length=20, choices=UnderspendAction.choices)
    reason = models.TextField()
    status = models.CharField(max_length=20, choices=UnderspendStatus.choices, default=UnderspendStatus.PROPOSED)
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Underspend on return {self.monitoring_return_id}"


class UnderspendLine(models.Model):
    underspend = models.ForeignKey(Underspend, on_delete=models.CASCADE, related_name="lines")
    stream = models.ForeignKey("funds.Stream", on_delete=models.PROTECT, related_name="+")
    financial_year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, help_text="Pounds not spent")

    class Meta:
        ordering = ["stream__kind", "financial_year"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="underspend_positive")]

    def __str__(self):
        return f"{self.stream_id} FY {self.financial_year}: {self.amount}"


# --- the SEND Cluster Health Check -------------------------------------------------------------------------

class Framework(models.Model):
    """A version of the Health Check framework. Health Checks keep the version they were started on."""

    version = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=150)
    is_current = models.BooleanField(default=False, help_text="New Health Checks use the current version")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["is_current"], condition=models.Q(is_current=True),
                                               name="one_current_framework")]

    def __str__(self):
        return f"{self.title} (version {self.version})"


class Level(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField(help_text="1 is the lowest")
    name = models.CharField(max_length=60)
    descriptor = models.TextField()

    class Meta:
        ordering = ["framework", "value"]
        constraints = [models.UniqueConstraint(fields=["framework", "value"], name="one_level_per_value")]

    def __str__(self):
        return f"{self.value}. {self.name}"


class Area(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    code = models.SlugField(max_length=40)
    title = models.CharField(max_length=150)
    order = models.PositiveSmallIntegerField()
    statements = models.TextField(help_text="The statements a cluster judges itself against, one a line")

    class Meta:
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="one_area_per_code")]

    def __str__(self):
        return self.title

    @property
    def statement_list(self) -> list[str]:
        return [s.strip() for s in self.statements.splitlines() if s.strip()]


class HealthCheckStatus(models.TextChoices):
    DRAFT = "draft", "In progress"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Waiting for the host's sign-off"
    SUBMITTED = "submitted", "Waiting for moderation"
    MODERATED = "moderated", "Moderated"


class HealthCheck(TimeStampedModel):
    cluster = models.ForeignKey("registry.Cluster", on_delete=models.PROTECT, related_name="health_checks")
    academic_year = models.PositiveSmallIntegerField(help_text="2026 means AY 2026/27")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="health_checks")
    status = models.CharField(max_length=20, choices=HealthCheckStatus.choices, default=HealthCheckStatus.DRAFT,
                              help_text="Changed only by services.health_check_transition")
    sent_back_comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-academic_year", "cluster__name"]
        constraints = [models.UniqueConstraint(fields=["cluster", "academic_year"], name="one_health_check_per_year")]

    def __str__(self):
        from sendfund.core.years import ay_label

        return f"Health Check {ay_label(self.academic_year)}"


class AreaRating(VersionedRow):
    """A cluster's level and evidence for one area (a section of the collection), and the LA's moderation."""

    health_check = models.ForeignKey(HealthCheck, on_delete=models.CASCADE, related_name="ratings")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The cluster's own level")
    evidence = models.TextField(blank=True)
    agreed = models.BooleanField(null=True, blank=True, help_text="The LA agrees with the cluster's level")
    moderated_level = models.PositiveSmallIntegerField(null=True, blank=True)
    moderation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["area__order"]
        constraints = [models.UniqueConstraint(fields=["health_check", "area"], name="one_rating_per_area")]

    def __str__(self):
        return f"{self.area_id}: {self.level}"

    @property
    def final_level(self) -> int | None:
        """The moderated level where the LA disagreed, else the cluster's own."""
        return self.moderated_level if self.agreed is False else self.level

    @staticmethod
    def final_level_expression(prefix: str = "") -> models.Case:
        """`final_level` in the database, for aggregates; `prefix` is the path to the rating ("ratings__")."""
        return models.Case(models.When(**{f"{prefix}agreed": False}, then=models.F(f"{prefix}moderated_level")),
                           default=models.F(f"{prefix}level"))


# --- all SEND money per cluster --------------------------------------------------------------------------

class FundingImport(models.Model):
    """One CSV file of other SEND funding lines, imported whole or not at all."""

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    illustrative = models.BooleanField(default=False, help_text="Made-up figures for the demo, labelled as such")
    imported_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return self.file_name


class FundingLine(models.Model):
    """Other SEND money the LA pays a school or a cluster in a financial year (pounds), e.g. notional SEN
    budgets, high-needs top-up funding, resourced provision places."""

    batch = models.ForeignKey(FundingImport, on_delete=models.CASCADE, related_name="lines")
    cluster = models.ForeignKey("registry.Cluster", on_delete=models.PROTECT, related_name="+",
                                help_text="The school's cluster when the line names a school")
    school = models.ForeignKey("registry.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    line = models.CharField(max_length=100)
    financial_year = models.PositiveSmallIntegerField(help_text="2026 means FY 2026-27")
    amount = models.DecimalField(max_digits=14, decimal_places=2, help_text="Pounds")

    class Meta:
        ordering = ["financial_year", "cluster__name", "line", "id"]
        indexes = [models.Index(fields=["financial_year", "cluster"], name="funding_line_year_cluster_idx")]

    def __str__(self):
        return f"{self.line} FY {self.financial_year}: {self.amount}"
