"""Demo data for the formula: a 2019-20 version in the shape of domain.md 2.4 and its runs on the
real Norfolk census (Norfolk's 2018 cluster pot was £9.4m), plus a proposed version as a scenario."""

import datetime as dt
from decimal import Decimal

from sendfund.accounts.roles import Role

from .models import RunKind
from .services import formula_run_create, formula_version_save

POT = Decimal("9400000.00")


def load(context) -> None:
    admin = context.users[Role.ADMINISTRATOR]
    current = formula_version_save(
        actor=admin, name="Cluster SEND formula from 2018-19", valid_from=dt.date(2018, 4, 1),
        description="Pupil numbers, deprivation and SEN support, with a fixed sum per school.",
        weights={"pupils": Decimal("0.5"), "fsm": Decimal("0.2"), "fsm_ever6": Decimal("0.1"),
                 "eal": Decimal("0.1"), "sen_support": Decimal("0.1")},
        lump_sum_per_school=Decimal("2000.00"),
        need_weights={"sen_support": Decimal("0.5"), "ehc_plans": Decimal("0.5")})
    proposed = formula_version_save(
        actor=admin, name="Proposed: more weight on SEN support", valid_from=dt.date(2020, 4, 1),
        weights={"pupils": Decimal("0.4"), "fsm": Decimal("0.2"), "sen_support": Decimal("0.4")},
        unit_values={"ehc_plans": Decimal("250.00")}, lump_sum_per_school=Decimal("2000.00"),
        protection_floor=Decimal("-0.02"), protection_cap=Decimal("0.05"),
        need_weights={"sen_support": Decimal("0.5"), "ehc_plans": Decimal("0.5")})
    officer = context.users[Role.LA_OFFICER]
    # Two years on the one census we hold, so the capacity-gap evidence has a year before it to build on.
    formula_run_create(actor=officer, version=current, financial_year=2018, academic_year=2018, pot=POT, scenarios=2000)
    run = formula_run_create(actor=officer, version=current, financial_year=2019, academic_year=2018, pot=POT,
                             scenarios=2000, seed=1)
    formula_run_create(actor=officer, version=proposed, financial_year=2019, academic_year=2018, pot=POT,
                       kind=RunKind.SCENARIO, scenarios=2000, seed=2)
    context.formula_run = run
    context.stdout.write(f"Formula: 2 versions, 3 runs; FY 2019-20 allocation of £9,400,000.00 to {run.cluster_count} clusters.")
