"""The report's one-query read of allocation runs gives what latest_allocation_run gives, for every year."""

import pytest

from sendfund.formula.models import FormulaRun
from sendfund.formula.selectors import latest_allocation_run, latest_allocation_runs

pytestmark = pytest.mark.django_db


def test_latest_allocation_runs_are_the_years_run_and_the_latest_of_any_year(world):
    base = latest_allocation_run()

    def run_in(year: int) -> FormulaRun:
        run = FormulaRun.objects.get(pk=base.pk)
        run.pk, run.financial_year = None, year
        run.save()
        return run

    later = [run_in(base.financial_year + 2), run_in(base.financial_year + 2)]  # two in one year: the newer counts
    earlier = run_in(base.financial_year - 3)
    for year in range(base.financial_year - 4, base.financial_year + 4):
        assert latest_allocation_runs(year=year) == (latest_allocation_run(year=year), latest_allocation_run())
    assert latest_allocation_runs(year=base.financial_year + 2) == (later[1], later[1])
    assert latest_allocation_runs(year=earlier.financial_year) == (earlier, later[1])
    assert latest_allocation_runs(year=base.financial_year + 1) == (None, later[1])
