"""The formula as an analyst would write it with pandas: group-by per factor, the same largest-remainder
pence. A yardstick for the engine (bench/formula_bench.py), checked to give the same pence.

It follows ``sendfund.formula.reference`` step for step (lump sums, targeted money, weights, unit
values, the cluster and school breakdowns, the need-and-gap ranking) but with frames and whole-column
arithmetic instead of loops. Floats are combined in the same order as the engine (sums of whole
counts are exact; shares, parts and running totals are added column by column), so the pence agree.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sendfund.formula.engine import FormulaVersion
from sendfund.formula.reference import factor_pots


def _largest_remainder_rows(exact: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Each row of `exact` rounded to whole pence summing to that row's total; larger remainder first,
    earlier column first on ties (as ``reference.lr_round``)."""
    floors = np.floor(exact)
    short = totals - floors.sum(axis=1)
    n = exact.shape[1]
    q, r = np.divmod(short, n)
    out = floors + q[:, None]
    order = np.argsort(-(exact - floors), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(n)[None, :].repeat(len(exact), axis=0), axis=1)
    out += rank < r[:, None]
    return out.astype(np.int64)


def _largest_remainder_groups(exact: pd.Series, groups: pd.Series, totals: pd.Series) -> pd.Series:
    """`exact` rounded within each group to that group's total (rows already in order within groups)."""
    floors = np.floor(exact)
    frame = pd.DataFrame({"g": groups.to_numpy(), "floor": floors.to_numpy(), "rem": (exact - floors).to_numpy(),
                          "pos": np.arange(len(exact))})
    size = frame.groupby("g", sort=False)["floor"].transform("size")
    short = frame["g"].map(totals) - frame.groupby("g", sort=False)["floor"].transform("sum")
    q, r = np.divmod(short, size)
    ranked = frame.sort_values(["g", "rem", "pos"], ascending=[True, False, True], kind="stable")
    rank = ranked.groupby("g", sort=False).cumcount().reindex(frame.index)
    return pd.Series((frame["floor"] + q + (rank < r)).astype(np.int64).to_numpy(), index=exact.index)


def allocate_pandas(schools: pd.DataFrame, *, pot_pence: int, version: FormulaVersion) -> dict[str, object]:
    """The allocation from a frame with URN, cluster and one column per indicator.

    Returns the same shapes as ``reference.allocate_reference``: ``clusters`` (code -> pence),
    ``cluster_breakdown``, ``schools`` (URN -> pence) and ``school_breakdown``.
    """
    df = schools.assign(cluster=schools["cluster"].astype(str), URN=schools["URN"].astype(str))
    df = df.sort_values(["cluster", "URN"], kind="stable").reset_index(drop=True)
    factors = list(version.weights) + list(version.unit_values_pence)
    by_cluster = df.groupby("cluster", sort=True)
    totals = by_cluster[factors].sum().astype(float)  # whole counts: exact
    n_schools = by_cluster.size()
    grand = {f: math.fsum(totals[f]) for f in factors}
    lump_s, lump_c = float(version.lump_sum_per_school_pence), float(version.lump_sum_per_cluster_pence)
    targeted = pd.Series(version.targeted_pence, dtype="int64").reindex(totals.index, fill_value=0)
    fixed_total = int((n_schools * version.lump_sum_per_school_pence + version.lump_sum_per_cluster_pence
                       + targeted).sum())
    left = pot_pence - fixed_total
    pots = factor_pots(version, left, grand)  # scalar arithmetic: the same rule as the oracle's

    columns: dict[str, pd.Series] = {}
    if version.lump_sum_per_school_pence:
        columns["lump_sum_per_school"] = n_schools.astype(float) * lump_s
    if version.lump_sum_per_cluster_pence:
        columns["lump_sum_per_cluster"] = pd.Series(lump_c, index=totals.index)
    if version.targeted_pence:
        columns["targeted"] = targeted.astype(float)
    variable = pd.Series(0.0, index=totals.index)
    for f, money in pots.items():
        part = money * (totals[f] / grand[f]) if grand[f] > 0 else pd.Series(0.0, index=totals.index)
        columns[f"factor:{f}"] = part
        variable = variable + part
    fixed = n_schools.astype(float) * lump_s + lump_c + targeted.astype(float)
    exact = fixed + variable
    cluster_pence = _largest_remainder_rows(exact.to_numpy()[None, :], np.array([pot_pence], dtype=float))[0]
    cluster_pence = pd.Series(cluster_pence, index=totals.index)
    names = list(columns)
    parts = pd.DataFrame(columns)
    cluster_bd = _largest_remainder_rows(parts.to_numpy(), cluster_pence.to_numpy().astype(float))

    # Schools: own lump sum and factor money; cluster-level money pro rata to that.
    own = pd.Series(0.0, index=df.index)
    school_parts = {}
    for f, money in pots.items():
        school_parts[f"factor:{f}"] = (1.0 * money) * (df[f].astype(float) / grand[f]) if grand[f] > 0 else 0.0 * df[f]
        own = own + school_parts[f"factor:{f}"]
    own = own + lump_s
    cluster_own = own.groupby(df["cluster"], sort=False).cumsum().groupby(df["cluster"], sort=False).transform("last")
    size = df["cluster"].map(n_schools)
    weight = (own / cluster_own).where(cluster_own > 0, 1.0 / size)
    rows: dict[str, pd.Series] = {}
    if version.lump_sum_per_school_pence:
        rows["lump_sum_per_school"] = pd.Series(lump_s, index=df.index)
    if version.lump_sum_per_cluster_pence:
        rows["lump_sum_per_cluster"] = lump_c * weight
    if version.targeted_pence:
        rows["targeted"] = df["cluster"].map(targeted).astype(float) * weight
    rows.update(school_parts)
    school_exact = pd.DataFrame(rows)
    running = pd.Series(0.0, index=df.index)
    for name in school_exact:
        running = running + school_exact[name]
    school_pence = _largest_remainder_groups(running, df["cluster"], cluster_pence.astype(float))
    school_bd = _largest_remainder_rows(school_exact.to_numpy(), school_pence.to_numpy().astype(float))
    return {
        "clusters": dict(zip(totals.index, cluster_pence.tolist(), strict=True)),
        "cluster_breakdown": {c: dict(zip(names, row.tolist(), strict=True))
                              for c, row in zip(totals.index, cluster_bd, strict=True)},
        "schools": dict(zip(df["URN"], school_pence.tolist(), strict=True)),
        "school_breakdown": {u: dict(zip(list(school_exact), row.tolist(), strict=True))
                             for u, row in zip(df["URN"], school_bd, strict=True)},
    }


def gap_pandas(schools: pd.DataFrame, allocation: dict[str, int], *, pot_pence: int, indicators: list[str],
               weights: list[float]) -> list[tuple[str, int]]:
    """(cluster, gap pence) from the largest gap down; ties by cluster code (as ``reference.gap_reference``)."""
    df = schools.assign(cluster=schools["cluster"].astype(str))
    totals = df.groupby("cluster", sort=True)[indicators].sum().astype(float).reindex(sorted(allocation))
    combined = pd.Series(0.0, index=totals.index)
    for indicator, w in zip(indicators, weights, strict=True):
        combined = combined + w * (totals[indicator] / math.fsum(totals[indicator]))
    need = _largest_remainder_rows((combined * pot_pence).to_numpy()[None, :], np.array([pot_pence], dtype=float))[0]
    gaps = pd.DataFrame({"cluster": totals.index, "gap": need - pd.Series(allocation).reindex(totals.index).to_numpy(),
                         "pos": np.arange(len(totals))})
    gaps = gaps.sort_values(["gap", "pos"], ascending=[False, True], kind="stable")
    return list(zip(gaps["cluster"], gaps["gap"].astype(int).tolist(), strict=True))
