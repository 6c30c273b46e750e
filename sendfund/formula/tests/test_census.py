"""The engine on real DfE data: the January 2019 school census, Norfolk and all of England."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from sendfund.formula.census import census_school_table, group_into_clusters, read_census
from sendfund.formula.engine import FormulaVersion, SchoolTable, allocate, need_gap, sensitivity
from sendfund.formula.fileio import run
from sendfund.formula.reference import allocate_reference, gap_reference

DATA = Path(__file__).resolve().parents[3] / "data" / "dfe-school-census-2019"
NORFOLK = DATA / "norfolk_census_2018-19.csv"
ENGLAND = DATA / "england_census_2018-19.csv"

pytestmark = pytest.mark.skipif(not ENGLAND.exists(), reason="census data not in the checkout")

VERSION = FormulaVersion(
    weights={"pupils": 0.5, "fsm": 0.2, "fsm_ever6": 0.1, "eal": 0.1, "sen_support": 0.1},
    lump_sum_per_school_pence=2_000_00,
    need_indicators=("sen_support", "ehc_plans"),
)


def test_norfolk_totals_match_the_published_figures():
    c = read_census(NORFOLK)
    assert c.urn.size == 450
    # SOURCE.md: Norfolk, all school types, January 2019
    assert c.values["pupils"].sum() == 119_933
    assert c.values["sen_support"].sum() == 14_959
    assert c.values["ehc_plans"].sum() == 3_884


def test_england_primary_totals_match_the_national_row():
    c = read_census(ENGLAND)
    primary = c.school_type == "State-funded primary"
    assert c.values["pupils"][primary].sum() == 4_727_089
    assert c.values["sen_support"][primary].sum() == 595_708
    assert c.values["ehc_plans"][primary].sum() == 74_404
    assert c.values["fsm"][primary].sum() == 745_453


def test_norfolk_cluster_pot_of_9_4m():
    t = census_school_table(NORFOLK, block=9)
    a = allocate(t, pot_pence=9_400_000_00, version=VERSION)
    assert a.clusters.size == 50
    assert int(a.cluster_pence.sum()) == 9_400_000_00 == int(a.school_pence.sum())
    assert (a.cluster_breakdown_pence.sum(axis=1) == a.cluster_pence).all()
    g = need_gap(a, version=VERSION)
    assert int(g.gap_pence.sum()) == 0
    # the top 10 by gap, counting only clusters funded below their need
    assert int(g.top.sum()) == min(10, int((g.gap_pence > 0).sum())) >= 1
    s = sensitivity(a, g, n_scenarios=1000, seed=4)
    assert s.top_frequency.sum() <= 10 + 1e-9


def test_england_engine_equals_the_row_by_row_reference():
    c = read_census(ENGLAND)
    clusters = group_into_clusters(c, block=8)
    t = SchoolTable(urn=c.urn, cluster=clusters, values=c.values)
    assert 2_900 <= np.unique(clusters).size <= 3_200
    pot = 1_000_000_000_00
    a = allocate(t, pot_pence=pot, version=VERSION)
    rows = [
        {"URN": u, "cluster": k, **{n: float(v[i]) for n, v in c.values.items()}}
        for i, (u, k) in enumerate(zip(c.urn.tolist(), clusters.tolist(), strict=True))
    ]
    ref = allocate_reference(rows, pot_pence=pot, version=VERSION)
    assert ref["clusters"] == a.by_cluster()
    assert ref["schools"] == a.by_school()
    g = need_gap(a, version=VERSION)
    ranked = gap_reference(rows, ref["clusters"], pot_pence=pot, indicators=["sen_support", "ehc_plans"], weights=[0.5, 0.5])
    assert ranked[:50] == [(a.clusters[i], int(g.gap_pence[i])) for i in g.ranking()[:50]]


def test_cli_core_on_norfolk(tmp_path):
    c = read_census(NORFOLK)
    clusters = group_into_clusters(c, block=9)
    schools = tmp_path / "schools.csv"
    with schools.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["URN", "cluster", *c.values])
        for i in range(c.urn.size):
            w.writerow([c.urn[i], clusters[i], *[f"{c.values[k][i]:g}" for k in c.values]])
    version = tmp_path / "v.json"
    version.write_text(
        '{"weights": {"pupils": 0.5, "fsm": 0.3, "sen_support": 0.2}, "lump_sum_per_school": "2000.00",'
        ' "need_indicators": ["sen_support", "ehc_plans"]}'
    )
    out = tmp_path / "out.csv"
    run(schools=schools, pot="9400000", version=version, output=out)
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 50
    assert sum(Decimal(r["allocation"]) for r in rows) == Decimal("9400000.00")
    assert [int(r["gap_rank"]) for r in rows] == list(range(1, 51))
