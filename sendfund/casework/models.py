"""Cases: a submitted application as the LA works it, from acknowledgement to payment and close.

The state lives in `Case.status` and is changed only by `sendfund.casework.workflow.case_transition`,
over the transition table in that module (docs/adr/0020-casework-and-ledger.md). Money is Decimal
pounds; the pot's money moves only through the funds ledger.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from sendfund.core.models import TimeStampedModel
from sendfund.funds.models import Stream
from sendfund.registry.models import Cluster

USER = settings.AUTH_USER_MODEL


class State(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    MEETING_ARRANGED = "meeting_arranged", "Meeting arranged"
    UNDER_ASSESSMENT = "under_assessment", "Under assessment"
    RECOMMENDED = "recommended", "Recommended"
    DECIDED = "decided", "Decided"
    OFFER_ACCEPTED = "offer_accepted", "Offer accepted"
    IN_DELIVERY = "in_delivery", "In delivery"
    CLOSED = "closed", "Closed"
    INFORMATION_REQUESTED = "information_requested", "More information requested"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Outcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    APPROVED_IN_PART = "approved_in_part", "Approved in part"
    DECLINED = "declined", "Declined"


class Case(TimeStampedModel):
    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT, related_name="case")
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="cases",
                                help_text="The application's cluster, kept here for the one scoping rule")
    reference = models.CharField(max_length=20, unique=True, help_text="The application's reference, e.g. SCF-2026-0012")
    status = models.CharField(max_length=30, choices=State.choices, default=State.SUBMITTED,
                              help_text="Changed only by workflow.case_transition")
    resume_status = models.CharField(max_length=30, choices=State.choices, blank=True,
                                     help_text="Where the case goes back to when the cluster answers a request")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    officer = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    education_specialist = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    business_specialist = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    meeting_arranged_at = models.DateTimeField(null=True, blank=True)
    recommended_at = models.DateTimeField(null=True, blank=True)
    recommended_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recommendation = models.TextField(blank=True, help_text="The officer's reasons for the recommendation")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reasons = models.TextField(blank=True, help_text="The decision's reasons, shown to the cluster")
    conditions = models.TextField(blank=True, help_text="Conditions of the award, shown to the cluster")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="case_status_idx"),
                   # the work queue's order, so a page of it is read from the index, not sorted from every case
                   models.Index(fields=["submitted_at", "id"], name="case_queue_order_idx")]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status not in (State.CLOSED, State.WITHDRAWN)


class AwardLine(models.Model):
    """For one stream and financial year: what was asked, recommended and decided (pounds)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="lines")
    stream = models.ForeignKey(Stream, on_delete=models.PROTECT, related_name="+")
    financial_year = models.PositiveSmallIntegerField(help_text="2026 means FY 2026-27")
    requested = models.DecimalField(max_digits=12, decimal_places=2)
    recommended = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    decided = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["stream__kind", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["case", "stream", "financial_year"], name="one_line_per_stream_year"),
            models.CheckConstraint(condition=models.Q(recommended__lte=models.F("requested")) | models.Q(recommended__isnull=True),
                                   name="recommended_at_most_requested"),
            models.CheckConstraint(condition=models.Q(decided__lte=models.F("requested")) | models.Q(decided__isnull=True),
                                   name="decided_at_most_requested"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.stream_id} {self.financial_year}"


class Meeting(models.Model):
    """The meeting the information sheet describes: the cluster host and representatives, and the LA's specialists."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="meeting")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    place = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(blank=True)
    cluster_attendees = models.TextField(help_text="Names and roles of the cluster's people, one a line")
    la_attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    sequence = models.PositiveSmallIntegerField(default=0, help_text="iCalendar SEQUENCE: goes up when it changes")
    invited_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True,
                                        help_text="When the meeting was cancelled (the case was withdrawn)")
    notes = models.TextField(blank=True)
    actions = models.TextField(blank=True, help_text="Agreed actions, one a line")
    notes_recorded_at = models.DateTimeField(null=True, blank=True)
    notes_recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"Meeting for case {self.case_id} at {self.starts_at:%Y-%m-%d %H:%M}"


class Criterion(models.Model):
    """An assessment criterion, as data: its weight is a percentage of the total."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField()
    weight = models.DecimalField(max_digits=5, decimal_places=2, help_text="Percent of the weighted total")
    order = models.PositiveSmallIntegerField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.name


class ReviewKind(models.TextChoices):
    EDUCATION = "education", "Education"
    BUSINESS = "business", "Business"


class ConflictDeclaration(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="declarations")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    has_conflict = models.BooleanField()
    details = models.TextField(blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="one_declaration_per_person")]

    def __str__(self):
        return f"Declaration by {self.user_id} on case {self.case_id}"


class Review(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=20, choices=ReviewKind.choices)
    reviewer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="one_review_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} review of case {self.case_id}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    justification = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion"),
                       models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="score_1_to_5")]

    def __str__(self):
        return f"{self.criterion_id}: {self.score}"


class InformationRequest(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="information_requests")
    question = models.TextField()
    asked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self):
        return f"Question on case {self.case_id}"


class Instalment(models.Model):
    """One payment of an award, due on a date, recorded as paid by finance."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="instalments")
    stream = models.ForeignKey(Stream, on_delete=models.PROTECT, related_name="+")
    financial_year = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    paid_on = models.DateField(null=True, blank=True)
    paid_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ledger_entry = models.ForeignKey("funds.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        ordering = ["due_on", "number", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="one_instalment_number_per_case")]

    def __str__(self):
        return f"Instalment {self.number} of case {self.case_id}"

    @property
    def payable_from(self):
        """The first day of its financial year: money from a year's pot cannot be paid before that year starts."""
        from sendfund.core.years import fy_bounds

        return fy_bounds(self.financial_year)[0]


class Invitation(models.Model):
    """An invitation to a cluster to apply, from the formula's capacity-gap evidence."""

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="invitations")
    round = models.ForeignKey("funds.Round", on_delete=models.PROTECT, related_name="+")
    stream_kind = models.CharField(max_length=20)
    evidence = models.TextField(help_text="What the evidence shows, as sent")
    invited_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-invited_at"]
        constraints = [models.UniqueConstraint(fields=["cluster", "round", "stream_kind"], name="one_invitation")]

    def __str__(self):
        return f"Invitation to {self.cluster_id} ({self.stream_kind})"


class LetterKind(models.TextChoices):
    DECISION = "decision", "Decision letter"
    OFFER_ACCEPTED = "offer_accepted", "Decision letter with the payment schedule"


class DecisionLetter(models.Model):
    """A decision letter exactly as issued, kept with its sha256 and served from storage, never made
    again. Its content is fixed by the case: the decision letter by the decision (dated the day it was
    decided), the second version by the accepted offer's payment schedule (dated the day of acceptance)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    issued_at = models.DateTimeField(auto_now_add=True)
    pdf = models.FileField(upload_to="letters/", help_text="The PDF as issued, under a server-made name")
    sha256 = models.CharField(max_length=64, help_text="Hex sha256 of the PDF's bytes, checked when served")
    size_bytes = models.PositiveIntegerField()

    class Meta:
        ordering = ["case", "issued_at"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="one_letter_per_case_and_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} for case {self.case_id}"
