"""factory_boy factories for applications and their parts (records straight into the database, for volume)."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from sendfund.funds.models import Fund, Round, Stream, StreamKind
from sendfund.registry.models import Cluster

from ..models import Activity, Application, CostAmount, CostLine, Outcome, Section, Status


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    code = factory.Sequence(lambda n: f"factory-cluster-{n}")
    name = factory.Sequence(lambda n: f"Factory cluster {n}")


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund

    name = factory.Sequence(lambda n: f"Factory fund {n}")
    starts_on = dt.date(2014, 9, 1)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round
        skip_postgeneration_save = True

    fund = factory.SubFactory(FundFactory)
    name = factory.Sequence(lambda n: f"Factory round {n}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=50))

    @factory.post_generation
    def with_streams(self, create, extracted, **kwargs):
        if create:
            self.streams.set([Stream.objects.create(fund=self.fund, kind=k, full_year_amount=Decimal("800000"),
                                                    purpose=f"{k} purpose") for k in StreamKind.values])


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    cluster = factory.SubFactory(ClusterFactory)
    round = factory.SubFactory(RoundFactory)
    wants_capacity = True


class SubmittedApplicationFactory(ApplicationFactory):
    status = Status.SUBMITTED
    reference = factory.Sequence(lambda n: f"SCF-2099-{n + 1:04d}")
    submitted_at = factory.LazyFunction(timezone.now)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    application = factory.SubFactory(ApplicationFactory)
    key = "sustainability"
    answers = factory.LazyFunction(lambda: {"after_funding": "It carries on."})
    completed = True
    version = 1


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    application = factory.SubFactory(ApplicationFactory)
    what = "Screening"
    delivered_by = "Cluster SENCO"
    starts_on = dt.date(2026, 9, 1)
    ends_on = dt.date(2027, 7, 31)


class CostLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostLine
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory)
    stream_kind = StreamKind.CAPACITY
    category = "staff"
    description = "Outreach worker"
    recurrence = "recurring"

    @factory.post_generation
    def amounts(self, create, extracted, **kwargs):
        if create:
            for year, amount in (extracted or {2026: Decimal("1000.00")}).items():
                CostAmount.objects.create(cost_line=self, financial_year=year, amount=amount)


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    application = factory.SubFactory(ApplicationFactory)
    measure = "Waiting list"
    baseline = "38"
    target = "10"
    by_when = dt.date(2027, 7, 31)
    how_measured = "A termly count"
