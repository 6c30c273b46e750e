"""Demo data for the formula: a 2019-20 version in the shape of domain.md 2.4 and its runs on the
real Norfolk censuses of January 2019 and January 2023 (Norfolk's 2018 cluster pot was £9.4m), plus a proposed
version as a scenario."""

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
    # The January 2023 census publishes no Ever-6 FSM count, so the formula from 2022-23 drops that factor.
    from_2022 = formula_version_save(
        actor=admin, name="Cluster SEND formula from 2022-23", valid_from=dt.date(2022, 4, 1),
        description="As from 2018-19, without Ever-6 FSM (the January 2023 census does not publish it).",
        weights={"pupils": Decimal("0.5"), "fsm": Decimal("0.3"), "eal": Decimal("0.1"),
                 "sen_support": Decimal("0.1")},
        lump_sum_per_school=Decimal("2000.00"),
        need_weights={"sen_support": Decimal("0.5"), "ehc_plans": Decimal("0.5")})
    officer = context.users[Role.LA_OFFICER]
    # One allocation on each census the registry holds (January 2019 and January 2023), so the gap ranking and the
    # clusters' evidence show change over time; the 2023 run builds its evidence on the 2019 one.
    formula_run_create(actor=officer, version=current, financial_year=2019, academic_year=2018, pot=POT,
                       scenarios=2000)
    run = formula_run_create(actor=officer, version=from_2022, financial_year=2023, academic_year=2022, pot=POT,
                             scenarios=2000, seed=1)
    formula_run_create(actor=officer, version=proposed, financial_year=2023, academic_year=2022, pot=POT,
                       kind=RunKind.SCENARIO, scenarios=2000, seed=2)
    context.formula_run = run
    context.stdout.write(f"Formula: 3 versions, 3 runs; FY 2019-20 on the January 2019 census and FY 2023-24 on the "
                         f"January 2023 census, each £9,400,000.00 to {run.cluster_count} clusters.")
