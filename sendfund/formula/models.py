"""Formula versions (dated parameters, as data) and runs (an allocation for a year, stored with
the identity of its inputs and every result). See README.md for the model itself.

Money is Decimal pounds at rest (docs/adr/0001-money.md); shares and ratios are floats.
"""

from decimal import Decimal
from typing import TypedDict

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from sendfund.core.models import TimeStampedModel
from sendfund.core.years import ay_label, fy_label


class _Digits(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: _Digits = {"max_digits": 14, "decimal_places": 2}


class FormulaVersion(TimeStampedModel):
    """One set of formula parameters, valid from a date. Once a run uses it, it is never changed."""

    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    valid_from = models.DateField(help_text="The first day this version applies")
    lump_sum_per_school = models.DecimalField(**MONEY, default=Decimal("0.00"), help_text="Pounds per school")
    lump_sum_per_cluster = models.DecimalField(**MONEY, default=Decimal("0.00"), help_text="Pounds per cluster")
    protection_floor = models.DecimalField(
        max_digits=6, decimal_places=4, null=True, blank=True,
        help_text="Least change in funding per pupil against last year, e.g. -0.0200 for -2%. Blank: no floor")
    protection_cap = models.DecimalField(
        max_digits=6, decimal_places=4, null=True, blank=True,
        help_text="Most change in funding per pupil against last year, e.g. 0.0500 for +5%. Blank: no cap")
    evidence_threshold = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("1.20"), validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Need-to-funding ratio above which a cluster counts as under-funded (domain brief 2.5)")
    evidence_years = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Years in a row above the threshold for clear evidence")
    evidence_min_indicators = models.PositiveSmallIntegerField(
        default=0, help_text="Single need indicators that must also be above the threshold (0: not required)")
    top_n = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1)], help_text="Clusters to put forward for the capacity stream")

    class Meta:
        ordering = ["-valid_from", "name"]

    def __str__(self):
        return self.name


class FactorKind(models.TextChoices):
    WEIGHT = "weight", "Share of the proxy pot"
    UNIT = "unit", "Pounds per pupil counted"
    NEED = "need", "Weight in the need measure"


class FormulaFactor(models.Model):
    """One indicator's part in a version: a weight (share of the proxy pot), a unit value in
    pounds, or a weight in the need measure."""

    version = models.ForeignKey(FormulaVersion, on_delete=models.CASCADE, related_name="factors")
    indicator = models.ForeignKey("registry.Indicator", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=FactorKind.choices)
    value = models.DecimalField(max_digits=14, decimal_places=6,
                                validators=[MinValueValidator(Decimal("0"))],
                                help_text="A share (0 to 1) for weights; pounds for unit values")

    class Meta:
        ordering = ["version", "kind", "indicator__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "indicator", "kind"], name="one_factor_per_kind"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="factor_not_negative"),
        ]

    def __str__(self):
        return f"{self.version}: {self.indicator} {self.kind} {self.value}"


class TargetedAmount(models.Model):
    """Money a version gives one cluster outright (e.g. for physical disability), in pounds."""

    version = models.ForeignKey(FormulaVersion, on_delete=models.CASCADE, related_name="targeted")
    cluster = models.ForeignKey("registry.Cluster", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0"))])
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "cluster"], name="one_targeted_per_cluster")]

    def __str__(self):
        return f"{self.version}: {self.cluster} £{self.amount:,.2f}"


class RunKind(models.TextChoices):
    ALLOCATION = "allocation", "Allocation"
    SCENARIO = "scenario", "Scenario (not adopted)"


class FormulaRun(models.Model):
    """One allocation of a pot by a version, for a financial year, from one year's census.

    `inputs_sha256` identifies exactly the figures, memberships, parameters, pot and previous
    run that went in: the same inputs always give the same results (see `formula_run_verify`).
    """

    version = models.ForeignKey(FormulaVersion, on_delete=models.PROTECT, related_name="runs")
    kind = models.CharField(max_length=12, choices=RunKind.choices, default=RunKind.ALLOCATION)
    financial_year = models.PositiveSmallIntegerField(help_text="Start year: 2019 means FY 2019-20")
    academic_year = models.PositiveSmallIntegerField(help_text="Census and cluster year: 2018 means AY 2018/19")
    pot = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0"))])
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 help_text="Last year's allocation run, for protection and evidence over years")
    scenarios = models.PositiveIntegerField(default=0, help_text="Weight scenarios in the sensitivity sweep")
    seed = models.PositiveIntegerField(default=0)
    inputs_sha256 = models.CharField(max_length=64)
    parameters = models.JSONField(help_text="The version's parameters as the engine read them (money as strings)")
    school_count = models.PositiveIntegerField()
    cluster_count = models.PositiveIntegerField()
    need_indicators = models.JSONField(default=list)
    components = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-financial_year", "-created_at", "-id"]
        indexes = [models.Index(fields=["financial_year", "kind", "-created_at"], name="run_year_kind_idx")]

    def __str__(self):
        return f"{self.version.name}, {fy_label(self.financial_year)} (run {self.pk})"

    @property
    def fy_label(self) -> str:
        return fy_label(self.financial_year)

    @property
    def ay_label(self) -> str:
        return ay_label(self.academic_year)


class RunCluster(models.Model):
    """A cluster's result in a run: allocation, need against funding, and its gap."""

    # Set by selectors.run_results: the need lines in the order of the run's need indicators (not a column).
    need_lines: list["RunNeed | None"]

    run = models.ForeignKey(FormulaRun, on_delete=models.CASCADE, related_name="clusters")
    cluster = models.ForeignKey("registry.Cluster", on_delete=models.PROTECT, related_name="+")
    allocation = models.DecimalField(**MONEY)
    schools = models.PositiveIntegerField()
    pupils = models.PositiveIntegerField(default=0)
    protected = models.SmallIntegerField(default=0, help_text="1: raised to the floor; -1: held at the cap")
    funding_share = models.FloatField()
    combined_need_share = models.FloatField(null=True)
    combined_ratio = models.FloatField(null=True, help_text="Combined need share / funding share; empty if no funding")
    need_allocation = models.DecimalField(**MONEY, null=True)
    gap = models.DecimalField(**MONEY, null=True, help_text="Need allocation minus allocation, pounds")
    gap_rank = models.PositiveIntegerField(null=True)
    above_threshold = models.BooleanField(default=False)
    years_above = models.PositiveSmallIntegerField(default=0)
    clear_evidence = models.BooleanField(default=False)
    top = models.BooleanField(default=False, help_text="In the top N of the gap ranking, with a positive gap")
    invite = models.BooleanField(default=False)
    top_frequency = models.FloatField(null=True, help_text="Share of weight scenarios with the cluster in the top N")
    positive_gap_frequency = models.FloatField(null=True)

    class Meta:
        ordering = ["run", "gap_rank", "cluster__name"]
        constraints = [models.UniqueConstraint(fields=["run", "cluster"], name="one_result_per_cluster")]

    def __str__(self):
        return f"run {self.run_id}: {self.cluster} £{self.allocation:,.2f}"

    @property
    def per_pupil(self) -> Decimal | None:
        """Allocation per pupil in pounds, rounded half up to the penny (for display only)."""
        from sendfund.core.money import from_pence, to_pence

        return from_pence(to_pence(self.allocation / self.pupils)) if self.pupils else None

    @property
    def ratio_text(self) -> str:
        import math

        r = self.combined_ratio
        return "" if r is None or not math.isfinite(r) else f"{r:.2f}"


class RunComponent(models.Model):
    """One line of a cluster's allocation explained: a lump sum, targeted money, a factor, protection."""

    result = models.ForeignKey(RunCluster, on_delete=models.CASCADE, related_name="components")
    component = models.CharField(max_length=80)
    amount = models.DecimalField(**MONEY)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["result", "position"]

    def __str__(self):
        return f"{self.component} £{self.amount:,.2f}"


class RunNeed(models.Model):
    """A cluster's count, share of county need and need-to-funding ratio for one indicator."""

    result = models.ForeignKey(RunCluster, on_delete=models.CASCADE, related_name="needs")
    indicator = models.CharField(max_length=40)
    count = models.FloatField()
    need_share = models.FloatField()
    ratio = models.FloatField(null=True)

    class Meta:
        ordering = ["result", "indicator"]

    def __str__(self):
        return f"{self.indicator}: {self.need_share:.4f}"


class RunSchool(models.Model):
    """A school's part of its cluster's allocation (see README: rounding, step 3)."""

    run = models.ForeignKey(FormulaRun, on_delete=models.CASCADE, related_name="schools")
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+")
    cluster = models.ForeignKey("registry.Cluster", on_delete=models.PROTECT, related_name="+")
    allocation = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["run", "cluster", "school__name"]
        constraints = [models.UniqueConstraint(fields=["run", "school"], name="one_result_per_school")]

    def __str__(self):
        return f"run {self.run_id}: school {self.school_id} £{self.allocation:,.2f}"
