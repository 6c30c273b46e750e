"""The fund, its streams and its rounds. (The pot's ledger is added by the casework issue.)

Money is Decimal pounds at rest (docs/adr/0001-money.md).
"""

from django.db import models
from django.utils import timezone

from sendfund.core.models import TimeStampedModel


class Fund(TimeStampedModel):
    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    starts_on = models.DateField(help_text="The first day money is available, e.g. 1 September 2014")
    ends_on = models.DateField(null=True, blank=True, help_text="The last day, if the fund has stopped")

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self):
        return self.name


class StreamKind(models.TextChoices):
    CAPACITY = "capacity", "Capacity"
    DEVELOPMENT = "development", "Development"


class Stream(models.Model):
    """A strand of the fund with its own pot: capacity or development."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="streams")
    kind = models.CharField(max_length=20, choices=StreamKind.choices)
    full_year_amount = models.DecimalField(max_digits=12, decimal_places=2,
                                           help_text="Pounds available in a full financial year")
    purpose = models.TextField(help_text="What the stream is for, shown to clusters")

    class Meta:
        ordering = ["fund", "kind"]
        constraints = [models.UniqueConstraint(fields=["fund", "kind"], name="one_stream_kind_per_fund"),
                       models.CheckConstraint(condition=models.Q(full_year_amount__gte=0), name="stream_amount_not_negative")]

    def __str__(self):
        return f"{self.fund.name}: {self.get_kind_display()}"


class RoundQuerySet(models.QuerySet):
    def open_on(self, day):
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class Round(TimeStampedModel):
    """A window in which clusters may apply. It is open from `opens_on` to `closes_on`, both inclusive."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(max_length=150)
    opens_on = models.DateField()
    closes_on = models.DateField()
    streams = models.ManyToManyField(Stream, related_name="rounds")

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on"]
        constraints = [models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")),
                                              name="round_closes_after_it_opens")]

    def __str__(self):
        return self.name

    def is_open(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.opens_on <= day <= self.closes_on
