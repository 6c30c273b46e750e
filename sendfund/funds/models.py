"""The fund, its streams and its rounds. (The pot's ledger is added by the casework issue.)

Money is Decimal pounds at rest (docs/adr/0001-money.md).
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from sendfund.core.models import TimeStampedModel


class Fund(TimeStampedModel):
    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    starts_on = models.DateField(help_text="The first day money is available, e.g. 1 September 2014")
    ends_on = models.DateField(null=True, blank=True, help_text="The last day, if the fund has stopped")
    proration_method = models.CharField(max_length=20, default="twelfths",
                                        choices=[("twelfths", "Twelfths: whole months available in the year"),
                                                 ("days", "Days: days available in the year")],
                                        help_text="How a part year's share of the full-year amount is worked out")

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


class RoundQuerySet(models.QuerySet["Round"]):
    def open_on(self, day: dt.date) -> "RoundQuerySet":
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class Round(TimeStampedModel):
    """A window in which clusters may apply. It is open from `opens_on` to `closes_on`, both inclusive."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(max_length=150)
    opens_on = models.DateField()
    closes_on = models.DateField()
    sign_off_working_days = models.PositiveSmallIntegerField(
        default=5, help_text="Working days after the close in which the head or chair may still sign off an "
                             "application that was sent for sign-off on or before the closing day")
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

    @property
    def has_closed(self) -> bool:
        """Whether the round's last day to apply is past (today in the council's time zone)."""
        return self.closes_on < timezone.localdate()

    @property
    def sign_off_until(self):
        """The last day a certifier may sign off an application sent for sign-off by the close."""
        from sendfund.core.workdays import add_working_days

        return add_working_days(self.closes_on, self.sign_off_working_days)


# --- The pot and its append-only ledger (issue 5; docs/adr/0020-ledger-and-casework.md) ------------

class ProrationMethod(models.TextChoices):
    """How a part year's share of a full-year amount is worked out (sendfund/funds/proration.py)."""

    TWELFTHS = "twelfths", "Twelfths: whole months available in the year"
    DAYS = "days", "Days: days available in the year"


class Pot(models.Model):
    """The money of one stream in one financial year, and the row locked when it is committed.

    Its balances are never stored: they are sums of its ledger entries (`selectors.pot_balances`).
    """

    stream = models.ForeignKey(Stream, on_delete=models.PROTECT, related_name="pots")
    financial_year = models.PositiveSmallIntegerField(help_text="Start year: 2014 means FY 2014-15 (April to March)")

    class Meta:
        ordering = ["financial_year", "stream__kind"]
        constraints = [models.UniqueConstraint(fields=["stream", "financial_year"], name="one_pot_per_stream_year")]

    def __str__(self):
        from sendfund.core.years import fy_label

        return f"{self.stream.get_kind_display()} {fy_label(self.financial_year)}"


class EntryKind(models.TextChoices):
    ALLOCATION = "allocation", "Allocation"
    ADJUSTMENT = "adjustment", "Adjustment"
    COMMITMENT = "commitment", "Commitment"
    PAYMENT = "payment", "Payment"
    CLAWBACK = "clawback", "Clawback"


class LedgerEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: D102
        raise TypeError("Ledger entries are append-only: add a correcting entry instead")

    def delete(self):  # noqa: D102
        raise TypeError("Ledger entries are append-only: add a correcting entry instead")


class LedgerEntry(models.Model):
    """One movement of money in a pot. Written only by `sendfund.funds.services`; never changed or deleted.

    Signs: allocation and adjustment change what is allocated; commitment changes what is committed
    (negative: released); payment adds to what is paid; clawback (positive: money returned) lowers both
    what is committed and what is paid.
    """

    pot = models.ForeignKey(Pot, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, help_text="Pounds")
    source = models.CharField(max_length=30, help_text="What caused it: proration, award, payment, manual...")
    reference = models.CharField(max_length=60, blank=True, help_text="The case or payment it belongs to")
    note = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["reference"], name="ledger_reference_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.pot}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Ledger entries are append-only: add a correcting entry instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Ledger entries are append-only: add a correcting entry instead")
