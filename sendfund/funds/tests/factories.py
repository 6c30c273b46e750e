import datetime as dt
from decimal import Decimal

import factory

from sendfund.funds.models import Fund, Round, Stream, StreamKind


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund

    name = factory.Sequence(lambda n: f"Test fund {n}")
    starts_on = dt.date(2014, 9, 1)


class StreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stream

    fund = factory.SubFactory(FundFactory)
    kind = StreamKind.CAPACITY
    full_year_amount = Decimal("800000.00")
    purpose = "For testing"


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    fund = factory.SubFactory(FundFactory)
    name = factory.Sequence(lambda n: f"Round {n}")
    opens_on = dt.date(2014, 9, 1)
    closes_on = dt.date(2030, 8, 31)


def fund_with_streams(*, starts_on=dt.date(2014, 9, 1), ends_on=None, method="twelfths"):
    fund = FundFactory(starts_on=starts_on, ends_on=ends_on, proration_method=method)
    capacity = StreamFactory(fund=fund, kind=StreamKind.CAPACITY)
    development = StreamFactory(fund=fund, kind=StreamKind.DEVELOPMENT)
    return fund, capacity, development
