"""Cost totals are exact Decimal sums, whatever the amounts (house rule 4), and typed amounts parse to pence."""

from decimal import Decimal
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from ..selectors import Loaded, cost_totals

YEARS = [2026, 2027]
pence = st.integers(min_value=0, max_value=10_000_000_00).map(lambda p: Decimal(p) / 100)


class _Amounts(list):
    def all(self):
        return self


def _line(kind, amounts):
    return SimpleNamespace(stream_kind=kind, amounts=_Amounts(
        SimpleNamespace(financial_year=y, amount=a) for y, a in zip(YEARS, amounts, strict=True)))


@given(st.lists(st.tuples(st.sampled_from(["capacity", "development"]), pence, pence), max_size=30))
def test_totals_add_up_exactly(rows):
    application = SimpleNamespace(financial_years=YEARS, streams_requested=["capacity", "development"])
    lines = [_line(kind, (a, b)) for kind, a, b in rows]
    totals = cost_totals(loaded=Loaded(application, {}, {"costs": lines}, []))
    assert totals["total"] == sum((a + b for _k, a, b in rows), Decimal("0"))
    assert totals["total"] == sum(totals["by_year"].values()) == sum(totals["by_stream"].values())
    for year, index in ((2026, 1), (2027, 2)):
        assert totals["by_year"][year] == sum((r[index] for r in rows), Decimal("0"))
    assert all(isinstance(v, Decimal) for v in totals["by_year"].values())
