"""Schools, clusters, which school is in which cluster in which academic year, and dated school figures.

Indicators are rows, not columns (docs/adr/0004-indicators-as-rows.md): a new indicator is data.
"""

from django.db import models

from sendfund.core.models import TimeStampedModel
from sendfund.core.years import ay_label


class Phase(models.TextChoices):
    NURSERY = "nursery", "Nursery"
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all-through", "All-through"
    SPECIAL = "special", "Special"
    PRU = "pru", "Pupil referral unit"
    INDEPENDENT = "independent", "Independent"
    OTHER = "other", "Other"


class School(TimeStampedModel):
    urn = models.PositiveIntegerField(unique=True, help_text="DfE unique reference number")
    la_code = models.PositiveSmallIntegerField(db_index=True, help_text="DfE local authority code, e.g. 926 for Norfolk")
    estab = models.PositiveIntegerField(null=True, blank=True, help_text="Establishment number within the LA")
    name = models.CharField(max_length=200, db_index=True)
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.OTHER)
    school_type = models.CharField(max_length=120, blank=True, help_text="As the DfE describes it")
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    trust = models.CharField(max_length=200, blank=True, help_text="Academy trust, as the DfE census names it")
    district = models.CharField(max_length=100, blank=True, help_text="Local government district, as the census names it")
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "urn"]

    def __str__(self):
        return f"{self.name} (URN {self.urn})"

    @property
    def laestab(self) -> str:
        return f"{self.la_code}{self.estab:04d}" if self.estab is not None else ""


class Council(TimeStampedModel):
    """The local authority this site runs for: set by `la_setup` from the LA code (one row)."""

    la_code = models.PositiveSmallIntegerField(unique=True, help_text="DfE (old) LA code, e.g. 926")
    name = models.CharField(max_length=150, help_text="As pages name the council, e.g. Norfolk County Council")
    area_code = models.CharField(max_length=9, blank=True, help_text="ONS/GSS code of the LA, e.g. E10000020")
    org_id = models.CharField(max_length=40, blank=True, help_text="org-id.guide identifier, e.g. GB-LAE-NFK")

    def __str__(self):
        return self.name


class CouncilSetup(TimeStampedModel):
    """One run of la_setup started from the administrator's page: its progress, step by step."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Stopped with a problem"

    la_code = models.PositiveSmallIntegerField()
    org_id = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    steps = models.JSONField(default=list, help_text="What each finished step did, in order")
    problem = models.TextField(blank=True)
    started_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Setting up LA {self.la_code} ({self.get_status_display().lower()})"


class SchoolLink(models.Model):
    """A predecessor or successor link from GIAS (a school that converted or merged gets a new URN)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="links")
    link_urn = models.PositiveIntegerField(db_index=True)
    link_name = models.CharField(max_length=200)
    link_type = models.CharField(max_length=80)
    established_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "link_urn", "link_type"], name="unique_school_link")]
        ordering = ["established_on", "link_urn"]

    def __str__(self):
        return f"{self.school.urn} {self.link_type} {self.link_urn}"


class Cluster(TimeStampedModel):
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=150, unique=True)
    host_school = models.ForeignKey(School, null=True, blank=True, on_delete=models.SET_NULL, related_name="hosted_clusters")
    host_name = models.CharField("Cluster host", max_length=150, blank=True)
    host_email = models.EmailField("Cluster host email", blank=True)
    send_lead_name = models.CharField("Cluster SEND lead", max_length=150, blank=True)
    send_lead_email = models.EmailField("Cluster SEND lead email", blank=True)
    is_illustrative = models.BooleanField(default=False, help_text="Grouped by the demo method, not a real cluster list")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ClusterMembership(models.Model):
    """A school belongs to one cluster in an academic year; it may move the next year."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
    academic_year = models.PositiveSmallIntegerField(help_text="Start year: 2018 means AY 2018/19")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "academic_year"], name="one_cluster_per_school_year")]
        indexes = [models.Index(fields=["cluster", "academic_year"], name="membership_cluster_year_idx")]

    def __str__(self):
        return f"{self.school} in {self.cluster} ({ay_label(self.academic_year)})"


class Indicator(models.Model):
    """A school characteristic: a count (a proxy for the formula, a measure of need, or both), or a rate or score
    (absence, attainment) that describes a school but is never summed by the formula."""

    class Unit(models.TextChoices):
        COUNT = "count", "Pupils"
        PERCENT = "percent", "Per cent"
        SCORE = "score", "Score"

    code = models.SlugField(max_length=40, unique=True)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.COUNT)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    is_need = models.BooleanField(default=False, help_text="Counts as evidence of need (SEN support, EHC plans)")
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class ImportBatch(models.Model):
    """One file loaded into the registry. The same file (by SHA-256) is never loaded twice."""

    kind = models.CharField(max_length=30)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    la_code = models.PositiveSmallIntegerField(null=True, blank=True)
    rows = models.PositiveIntegerField()
    changed = models.PositiveIntegerField(help_text="Records created or updated")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "sha256", "la_code"], name="unique_import")]
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.kind} {self.file_name}"


class SchoolFigure(models.Model):
    """One indicator's figure for one school in one academic year: a count in `value`, or a rate or score in
    `measure`. Both empty means the DfE did not publish it for that school and year (x, z, c, NA, SUPP...)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="figures")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="figures")
    academic_year = models.PositiveSmallIntegerField(help_text="Start year of the census's academic year")
    census_date = models.DateField()
    value = models.PositiveIntegerField(null=True, blank=True, help_text="A count; empty = not published")
    measure = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True,
                                  help_text="A rate (per cent) or score; empty = not published or a count")
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "indicator", "academic_year"],
                                               name="one_figure_per_school_indicator_year")]
        indexes = [models.Index(fields=["academic_year", "indicator"], name="figure_year_indicator_idx")]

    def __str__(self):
        return f"{self.school.urn} {self.indicator.code} {ay_label(self.academic_year)}: {self.shown}"

    @property
    def is_published(self) -> bool:
        return self.value is not None or self.measure is not None

    @property
    def shown(self):
        return self.value if self.value is not None else self.measure
