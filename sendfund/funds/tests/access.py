"""Who may open each funds URL (walked by tests/test_authorization.py), and the fund the test world uses."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from sendfund.accounts.tests.access import Role, Rule

POT_READERS = frozenset({Role.LA_OFFICER, Role.DECISION_MAKER, Role.FINANCE, Role.ADMINISTRATOR})

RULES = [
    Rule("funds:pot", POT_READERS),
    Rule("funds:ledger", POT_READERS),
    Rule("funds:ledger-download", POT_READERS, kwargs=lambda w: {"fmt": "csv"}),
    Rule("funds:adjust", frozenset({Role.DECISION_MAKER})),
    Rule("funds:allocate", frozenset({Role.DECISION_MAKER})),  # the confirmation page, for the next year
    Rule("funds:allocate", frozenset({Role.DECISION_MAKER}), method="post", data=lambda w: {"year": "2040"}),
]


def build_world(world) -> None:
    """The fund (from 1 September 2014, £800,000 a full year per stream), an open round, and the current and
    next financial years allocated (the years applications in the open round ask for)."""
    from sendfund.core.years import financial_year_of

    from .. import services
    from ..models import Fund, Round, Stream, StreamKind

    fund = Fund.objects.create(name="Test fund", starts_on=dt.date(2014, 9, 1))
    streams = [Stream.objects.create(fund=fund, kind=kind, full_year_amount=Decimal("800000.00"), purpose=f"{kind}")
               for kind in (StreamKind.CAPACITY, StreamKind.DEVELOPMENT)]
    from sendfund.core.years import round_close_within_financial_year

    today = timezone.localdate()
    world.round = Round.objects.create(fund=fund, name="Test round", opens_on=today - dt.timedelta(days=30),
                                       closes_on=round_close_within_financial_year(today))
    world.round.streams.set(streams)
    world.fund = fund
    world.capacity, world.development = streams
    first = financial_year_of(world.round.closes_on)
    for year in (first, first + 1):
        services.pot_allocate_year(fund=fund, financial_year=year)
