"""The fund of the information sheet: £1.6m a full year from September 2014, in two streams, with an open round."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from .models import Fund, Round, Stream, StreamKind

CAPACITY_PURPOSE = ("Extra money where there is clear evidence that the proxy-indicator formula leaves your cluster "
                    "short of what its pupils need, and need is not being met.")
DEVELOPMENT_PURPOSE = ("Money to develop good practice in your cluster's SEND arrangements, such as planning for "
                       "pupils' needs across schools or training staff.")


def load(context) -> None:
    fund = Fund.objects.create(
        name="Cluster SEN-D Capacity and Development Fund",
        description="£1.6 million a full year from the High Needs Block of the Dedicated Schools Grant, from September 2014.",
        starts_on=dt.date(2014, 9, 1))
    capacity = Stream.objects.create(fund=fund, kind=StreamKind.CAPACITY, full_year_amount=Decimal("800000.00"),
                                     purpose=CAPACITY_PURPOSE)
    development = Stream.objects.create(fund=fund, kind=StreamKind.DEVELOPMENT, full_year_amount=Decimal("800000.00"),
                                        purpose=DEVELOPMENT_PURPOSE)
    from sendfund.core.years import round_close_within_financial_year

    today = timezone.localdate()
    current = Round.objects.create(fund=fund, name=f"Round {today.year}: autumn", opens_on=today - dt.timedelta(days=30),
                                   closes_on=round_close_within_financial_year(today))
    current.streams.set([capacity, development])
    context.fund, context.capacity, context.development, context.round = fund, capacity, development, current
    allocate_round_years(context)


def allocate_round_years(context) -> None:
    """Allocate the pot for the financial years the open round's applications ask for (the one it closes in
    and the next), prorated from the full-year amounts: the ledger's first entries."""
    from sendfund.core.years import financial_year_of

    from .services import pot_allocate_year

    first = financial_year_of(context.round.closes_on)
    for year in (first, first + 1):
        pot_allocate_year(fund=context.fund, financial_year=year)
