"""The benchmark's pandas version of the formula gives the same pence as the row-by-row oracle (and so
as the engine, which the formula tests check against the same oracle)."""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sendfund.formula.engine import FormulaVersion
from sendfund.formula.reference import allocate_reference, gap_reference

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from pandas_formula import allocate_pandas, gap_pandas  # noqa: E402

INDICATORS = ["pupils", "fsm", "eal", "sen_support", "ehc_plans"]


def _schools(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"URN": rng.choice(np.arange(100000, 999999), n, replace=False),
                          "cluster": rng.choice([f"C{k:03d}" for k in range(max(2, n // 7))], n)})
    for name in INDICATORS:
        frame[name] = rng.integers(0, 400 if name == "pupils" else 60, n)
    frame.loc[frame.index[:2], "fsm"] = 0
    return frame


VERSIONS = [
    FormulaVersion(weights={"pupils": 0.5, "fsm": 0.3, "sen_support": 0.2}),
    FormulaVersion(weights={"pupils": 0.4, "fsm": 0.3, "eal": 0.1, "sen_support": 0.2},
                   lump_sum_per_school_pence=5_000_00, lump_sum_per_cluster_pence=7_500_33,
                   targeted_pence={"C001": 12_345_67}, need_indicators=("sen_support", "ehc_plans")),
    FormulaVersion(weights={}, unit_values_pence={"pupils": 1_000, "sen_support": 25_000}),
]


@pytest.mark.parametrize("seed", [1, 2, 3, 2019])
@pytest.mark.parametrize("version", VERSIONS, ids=["weights", "lump-sums-and-targeted", "unit-values"])
def test_the_pandas_version_gives_the_same_pence_as_the_oracle(seed, version):
    frame = _schools(seed, 250)
    pot = 1_234_567_89
    rows = frame.to_dict("records")
    expected = allocate_reference(rows, pot_pence=pot, version=version)
    got = allocate_pandas(frame, pot_pence=pot, version=version)
    assert got == expected
    assert sum(got["clusters"].values()) == pot == sum(got["schools"].values())
    ranked = gap_reference(rows, expected["clusters"], pot_pence=pot, indicators=["sen_support", "ehc_plans"],
                           weights=[0.5, 0.5])
    assert gap_pandas(frame, got["clusters"], pot_pence=pot, indicators=["sen_support", "ehc_plans"],
                      weights=[0.5, 0.5]) == ranked
