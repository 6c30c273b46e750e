"""The allocation: fixed sums, then factor money by share of each indicator, then protection.

    cluster[c] = lump_school * n_schools[c] + lump_cluster + targeted[c]
               + s * sum_f A_f * x[c,f] / X_f          (A_f: pence for factor f)
               + protection[c]

where A_f = w_f * (pot - fixed - unit money) for weighted factors and unit_f * X_f for unit
values (scaled to the pot when there are no weights). Without protection s = 1. With it, each
cluster's total is clipped into [lo_c, hi_c] (last year's per-pupil funding times 1+floor and
1+cap, times this year's pupils) and s is solved so the clipped totals add up to the pot.
The exact amounts are then rounded to whole pence by largest remainder (see rounding.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .rounding import largest_remainder, largest_remainder_columns, largest_remainder_grouped
from .types import FormulaInputError, FormulaVersion, PreviousYear, SchoolTable

LUMP_SCHOOL = "lump_sum_per_school"
LUMP_CLUSTER = "lump_sum_per_cluster"
TARGETED = "targeted"
PROTECTION = "protection"


def factor_component(name: str) -> str:
    return f"factor:{name}"


@dataclass(frozen=True)
class Allocation:
    """The result, in canonical order (clusters sorted by code; schools by cluster then URN).

    ``cluster_breakdown_pence[c]`` sums to ``cluster_pence[c]``; ``cluster_pence`` sums to
    ``pot_pence``; schools of a cluster sum to the cluster; each school breakdown row sums to
    the school. ``components`` names the breakdown columns.
    """

    pot_pence: int
    clusters: np.ndarray
    cluster_pence: np.ndarray
    components: tuple[str, ...]
    cluster_breakdown_pence: np.ndarray
    n_schools: np.ndarray
    cluster_totals: dict[str, np.ndarray]
    schools: np.ndarray
    school_cluster: np.ndarray
    school_pence: np.ndarray
    school_breakdown_pence: np.ndarray | None
    factor_pots: dict[str, float]
    scale: float
    protected: np.ndarray
    fixed_exact: np.ndarray
    factor_shares: np.ndarray

    def by_cluster(self) -> dict[str, int]:
        return dict(zip(self.clusters.tolist(), self.cluster_pence.tolist(), strict=True))

    def by_school(self) -> dict[str, int]:
        return dict(zip(self.schools.tolist(), self.school_pence.tolist(), strict=True))

    def breakdown(self, cluster: str) -> dict[str, int]:
        i = int(np.searchsorted(self.clusters, cluster))
        if i >= self.clusters.size or self.clusters[i] != cluster:
            raise KeyError(cluster)
        return dict(zip(self.components, self.cluster_breakdown_pence[i].tolist(), strict=True))


@dataclass(frozen=True)
class _Canonical:
    urn: np.ndarray
    clusters: np.ndarray
    idx: np.ndarray
    values: dict[str, np.ndarray]


def canonicalise(schools: SchoolTable) -> _Canonical:
    """Schools sorted by (cluster, URN); cluster codes sorted; ``idx`` maps school -> cluster."""
    order = np.lexsort((schools.urn, schools.cluster))
    cl = schools.cluster[order]
    starts = np.empty(cl.size, dtype=bool)
    starts[0] = True
    np.not_equal(cl[1:], cl[:-1], out=starts[1:])
    return _Canonical(
        urn=schools.urn[order],
        clusters=cl[starts],
        idx=np.cumsum(starts) - 1,
        values={k: v[order] for k, v in schools.values.items()},
    )


def _solve_protection(
    fixed: np.ndarray, var: np.ndarray, lo: np.ndarray, hi: np.ndarray, pot: int
) -> tuple[float, np.ndarray]:
    """Find s >= 0 with sum(clip(fixed + s*var, lo, hi)) == pot; return s and the clipped totals."""

    def total(s: float) -> float:
        return float(np.clip(fixed + s * var, lo, hi).sum())

    if total(0.0) > pot + 1e-6:
        need = total(0.0)
        raise FormulaInputError(
            f"the protection floor cannot be afforded: protected minimums and fixed sums need "
            f"£{need / 100:,.2f}, more than the pot of £{pot / 100:,.2f}"
        )
    lo_s, hi_s = 0.0, 1.0
    while total(hi_s) < pot:
        hi_s *= 2.0
        if hi_s > 1e12:
            raise FormulaInputError(
                "the protection cap is too tight: even with every cluster at its cap the pot is not spent"
            )
    for _ in range(200):
        mid = 0.5 * (lo_s + hi_s)
        if total(mid) < pot:
            lo_s = mid
        else:
            hi_s = mid
        if hi_s - lo_s <= 1e-15 * hi_s:
            break
    s = hi_s
    raw = fixed + s * var
    at_lo = raw <= lo
    at_hi = (raw >= hi) & ~at_lo
    free = ~(at_lo | at_hi)
    var_free = math.fsum(var[free])
    if var_free > 0:
        # Exact on this linear piece: the free clusters take what the clipped ones leave.
        s = (pot - math.fsum(lo[at_lo]) - math.fsum(hi[at_hi]) - math.fsum(fixed[free])) / var_free
    final = np.where(at_lo, lo, np.where(at_hi, hi, fixed + s * var))
    return s, final


def allocate(
    schools: SchoolTable,
    *,
    pot_pence: int,
    version: FormulaVersion,
    previous: PreviousYear | None = None,
    school_breakdown: bool = True,
) -> Allocation:
    """Share ``pot_pence`` among clusters (and their schools) by ``version``; exact to the penny."""
    if isinstance(pot_pence, bool) or not isinstance(pot_pence, int | np.integer) or pot_pence < 0:
        raise FormulaInputError(f"the pot must be whole pence, 0 or more, got {pot_pence!r}")
    pot = int(pot_pence)
    for name in version.factors:
        if name not in schools.values:
            raise FormulaInputError(f"the version uses {name!r}, which is not a column of the schools data")
    prot = version.protection
    if prot is not None and previous is not None and prot.per not in schools.values:
        raise FormulaInputError(f"protection counts pupils by {prot.per!r}, which is not a column of the schools data")

    can = canonicalise(schools)
    n_c = can.clusters.size
    idx = can.idx
    n_schools = np.bincount(idx, minlength=n_c)
    totals = {k: np.bincount(idx, weights=v, minlength=n_c) for k, v in can.values.items()}

    unknown = sorted(set(version.targeted_pence) - set(can.clusters.tolist()))
    if unknown:
        raise FormulaInputError(f"targeted money names cluster {unknown[0]!r}, which has no schools")

    # Fixed sums, in pence (exact integers).
    lump_school = n_schools.astype(np.float64) * version.lump_sum_per_school_pence
    lump_cluster = np.full(n_c, float(version.lump_sum_per_cluster_pence))
    targeted = np.zeros(n_c)
    if version.targeted_pence:
        names = np.array(list(version.targeted_pence))
        targeted[np.searchsorted(can.clusters, names)] = [float(x) for x in version.targeted_pence.values()]
    fixed_total = int(lump_school.sum() + lump_cluster.sum() + targeted.sum())
    if fixed_total > pot:
        raise FormulaInputError(
            f"lump sums and targeted money (£{fixed_total / 100:,.2f}) are more than the pot (£{pot / 100:,.2f})"
        )

    # Pence per factor pot.
    grand = {f: math.fsum(totals[f]) for f in version.factors}
    unit_money = {f: version.unit_values_pence[f] * grand[f] for f in version.unit_values_pence}
    unit_total = math.fsum(unit_money.values())
    left = pot - fixed_total
    pots: dict[str, float] = {}
    if version.weights:
        proxy = left - unit_total
        if proxy < -1e-6:
            raise FormulaInputError(
                f"unit values need £{unit_total / 100:,.2f}, more than the £{left / 100:,.2f} left after lump sums"
            )
        proxy = max(proxy, 0.0)
        pots.update({f: w * proxy for f, w in version.weights.items()})
        pots.update(unit_money)
    elif unit_money:
        if unit_total <= 0 and left > 0:
            raise FormulaInputError("no school has any of the unit-value indicators, so the pot cannot be shared")
        scale = left / unit_total if unit_total > 0 else 0.0
        pots.update({f: m * scale for f, m in unit_money.items()})
    elif left > 0:
        raise FormulaInputError(
            f"the version has no weights or unit values to share the £{left / 100:,.2f} left after lump sums"
        )
    factors = tuple(pots)
    for f in factors:
        if grand[f] <= 0 and pots[f] > 0:
            raise FormulaInputError(f"no school has any {f!r}, so its share of the pot cannot be distributed")

    shares = np.zeros((n_c, len(factors)))
    parts = np.zeros((n_c, len(factors)))
    var = np.zeros(n_c)
    for j, f in enumerate(factors):
        if grand[f] > 0:
            shares[:, j] = totals[f] / grand[f]
            parts[:, j] = pots[f] * shares[:, j]
            var += parts[:, j]
    fixed = lump_school + lump_cluster + targeted

    scale_s = 1.0
    adj = np.zeros(n_c)
    protected = np.zeros(n_c, dtype=np.int8)
    if prot is not None and previous is not None:
        present, prev_pence, prev_pupils, _ = previous.aligned(can.clusters)
        pupils = totals[prot.per]
        base_pupils = np.where(np.isnan(prev_pupils), pupils, prev_pupils)
        has = present & (pupils > 0) & (base_pupils > 0)
        per_pupil = np.where(has, prev_pence / np.where(base_pupils > 0, base_pupils, 1.0), 0.0)
        lo = np.where(has & (prot.floor is not None), per_pupil * (1.0 + float(prot.floor or 0.0)) * pupils, -np.inf)
        hi = np.where(has & (prot.cap is not None), per_pupil * (1.0 + float(prot.cap or 0.0)) * pupils, np.inf)
        scale_s, final = _solve_protection(fixed, var, lo, hi, pot)
        parts = parts * scale_s
        adj = final - (fixed + scale_s * var)
        protected = np.where(final <= lo, 1, np.where(final >= hi, -1, 0)).astype(np.int8)
        protected[~has] = 0

    exact = fixed + var if not adj.any() and scale_s == 1.0 else fixed + scale_s * var + adj
    cluster_pence = largest_remainder(exact, pot)

    components: list[str] = []
    cols: list[np.ndarray] = []
    if version.lump_sum_per_school_pence:
        components.append(LUMP_SCHOOL)
        cols.append(lump_school)
    if version.lump_sum_per_cluster_pence:
        components.append(LUMP_CLUSTER)
        cols.append(lump_cluster)
    if version.targeted_pence:
        components.append(TARGETED)
        cols.append(targeted)
    for j, f in enumerate(factors):
        components.append(factor_component(f))
        cols.append(parts[:, j])
    if prot is not None and previous is not None:
        components.append(PROTECTION)
        cols.append(adj)
    # Breakdowns are rounded component by component (rows of a (components, clusters) table), then
    # turned round to one row per cluster.
    table = np.vstack(cols) if cols else np.zeros((0, n_c))
    cluster_breakdown = np.ascontiguousarray(largest_remainder_columns(table, cluster_pence).T)

    # Schools: their own lump sum and factor money; cluster-level money (per-cluster lump sum,
    # targeted, protection) is attributed pro rata to each school's formula money in its cluster.
    n_s = can.urn.size
    lump_s = float(version.lump_sum_per_school_pence)
    s_factor: dict[str, np.ndarray] = {}
    s_own = np.zeros(n_s)
    for f in factors:  # summed column by column, left to right, like reference.py
        s_factor[f] = (scale_s * pots[f]) * (can.values[f] / grand[f]) if grand[f] > 0 else np.zeros(n_s)
        s_own += s_factor[f]
    s_own += lump_s
    c_own = np.bincount(idx, weights=s_own, minlength=n_c)
    c_own_s = c_own[idx]
    weight = np.where(c_own_s > 0, s_own / np.where(c_own_s > 0, c_own_s, 1.0), 1.0 / n_schools[idx])
    s_cols: list[np.ndarray] = []
    for name, col in zip(components, cols, strict=True):
        if name == LUMP_SCHOOL:
            s_cols.append(np.full(n_s, lump_s))
        elif name.startswith("factor:"):
            s_cols.append(s_factor[name[len("factor:") :]])
        else:
            s_cols.append(col[idx] * weight)
    s_exact = np.zeros(n_s)
    for col in s_cols:
        s_exact += col
    school_pence = largest_remainder_grouped(s_exact, idx, cluster_pence)
    school_bd = None
    if school_breakdown:
        s_table = np.vstack(s_cols) if s_cols else np.zeros((0, n_s))
        school_bd = largest_remainder_columns(s_table, school_pence).T  # one row per school (a view)

    return Allocation(
        pot_pence=pot,
        clusters=can.clusters,
        cluster_pence=cluster_pence,
        components=tuple(components),
        cluster_breakdown_pence=cluster_breakdown,
        n_schools=n_schools,
        cluster_totals=totals,
        schools=can.urn,
        school_cluster=idx,
        school_pence=school_pence,
        school_breakdown_pence=school_bd,
        factor_pots=pots,
        scale=scale_s,
        protected=protected,
        fixed_exact=fixed,
        factor_shares=shares,
    )
