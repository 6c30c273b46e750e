"""Need against funding, the capacity-gap ranking, its sensitivity to the weights, and
scenario comparison (domain.md 2.5).

    need_share[c,i]   = x[c,i] / X_i               (share of county SEN support, EHC plans, ...)
    funding_share[c]  = allocation[c] / pot
    ratio[c,i]        = need_share[c,i] / funding_share[c]
    combined_share[c] = sum_i v_i * need_share[c,i]   (v: need weights, summing to 1)
    combined_ratio[c] = combined_share[c] / funding_share[c]
    need_pence[c]     = combined_share[c] * pot, rounded by largest remainder (sums to the pot)
    gap_pence[c]      = need_pence[c] - allocation[c]  (sums to 0; > 0 = funded below need)

"Clear evidence" (defaults from the version, domain.md 7.3): combined ratio above the
threshold (1.2) in this year and the years before it, ``evidence_years`` (2) in a row, and at
least ``evidence_min_indicators`` single indicators above the threshold (0 = no such rule).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .allocate import Allocation
from .rounding import largest_remainder
from .types import FormulaInputError, FormulaVersion, PreviousYear


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num/den with x/0 = inf for x > 0 and 0/0 = nan."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.where(num > 0, np.inf, np.nan))


def _rank_desc(values: np.ndarray) -> np.ndarray:
    """1 = largest; ties go to the earlier (canonical) position."""
    order = np.argsort(-values, kind="stable")
    rank = np.empty(values.size, dtype=np.int64)
    rank[order] = np.arange(1, values.size + 1)
    return rank


@dataclass(frozen=True)
class NeedGap:
    """Need against funding per cluster, in the allocation's canonical cluster order."""

    clusters: np.ndarray
    indicators: tuple[str, ...]
    need_weights: np.ndarray
    need_share: np.ndarray  # clusters x indicators
    funding_share: np.ndarray
    ratio: np.ndarray  # clusters x indicators
    combined_share: np.ndarray
    combined_ratio: np.ndarray
    need_pence: np.ndarray
    gap_pence: np.ndarray
    rank: np.ndarray
    above_threshold: np.ndarray
    indicators_above: np.ndarray
    years_above: np.ndarray
    clear_evidence: np.ndarray
    top: np.ndarray  # in the top_n of the gap ranking with a positive gap
    invite: np.ndarray  # clear evidence, and among the top_n such clusters by gap
    threshold: float
    evidence_years: int
    top_n: int

    def ranking(self) -> np.ndarray:
        """Cluster positions ordered by rank (largest gap first)."""
        return np.argsort(self.rank, kind="stable")


def need_gap(
    allocation: Allocation,
    *,
    version: FormulaVersion,
    previous: PreviousYear | None = None,
) -> NeedGap:
    """Compare each cluster's share of need with its share of the money; rank the gaps."""
    indicators, weights = version.resolved_need(tuple(allocation.cluster_totals))
    if not indicators:
        raise FormulaInputError("no need indicators: name them in need_indicators (e.g. SEN support, EHC plans)")
    n_c = allocation.clusters.size
    pot = allocation.pot_pence
    shares = np.zeros((n_c, len(indicators)))
    for j, name in enumerate(indicators):
        col = allocation.cluster_totals[name]
        total = math.fsum(col)
        if total <= 0:
            raise FormulaInputError(f"no school has any {name!r}, so need cannot be measured by it")
        shares[:, j] = col / total
    funding = allocation.cluster_pence / pot if pot > 0 else np.zeros(n_c)
    ratio = _ratio(shares, funding[:, None])
    combined = np.zeros(n_c)
    for j in range(len(indicators)):
        combined += weights[j] * shares[:, j]
    combined_ratio = _ratio(combined, funding)
    need_pence = largest_remainder(combined * pot, pot)
    gap = need_pence - allocation.cluster_pence
    rank = _rank_desc(gap.astype(np.float64))
    threshold = float(version.evidence_threshold)
    above = np.nan_to_num(combined_ratio, nan=0.0) > threshold
    ind_above = (np.nan_to_num(ratio, nan=0.0) > threshold).sum(axis=1)
    prev_years = previous.aligned(allocation.clusters)[3] if previous is not None else np.zeros(n_c, np.int64)
    years = np.where(above, prev_years + 1, 0)
    clear = above & (years >= int(version.evidence_years)) & (ind_above >= int(version.evidence_min_indicators))
    top_n = int(version.top_n)
    top = (rank <= top_n) & (gap > 0)
    invite = np.zeros(n_c, dtype=bool)
    cand = np.flatnonzero(clear & (gap > 0))
    if cand.size:
        invite[cand[np.argsort(rank[cand], kind="stable")][:top_n]] = True
    return NeedGap(
        clusters=allocation.clusters,
        indicators=indicators,
        need_weights=weights,
        need_share=shares,
        funding_share=funding,
        ratio=ratio,
        combined_share=combined,
        combined_ratio=combined_ratio,
        need_pence=need_pence,
        gap_pence=gap,
        rank=rank,
        above_threshold=above,
        indicators_above=ind_above,
        years_above=years,
        clear_evidence=clear,
        top=top,
        invite=invite,
        threshold=threshold,
        evidence_years=int(version.evidence_years),
        top_n=top_n,
    )


@dataclass(frozen=True)
class Sensitivity:
    """How often each cluster stays in the top N of the gap ranking when the weights move."""

    clusters: np.ndarray
    n_scenarios: int
    top_n: int
    seed: int
    concentration: float
    factors: tuple[str, ...]
    top_frequency: np.ndarray  # share of scenarios with the cluster in the top N (and a gap above 0)
    positive_gap_frequency: np.ndarray  # share of scenarios with a gap above 0
    weights_mean: np.ndarray
    weights_min: np.ndarray
    weights_max: np.ndarray


def sensitivity(
    allocation: Allocation,
    gap: NeedGap,
    *,
    n_scenarios: int = 10_000,
    concentration: float = 200.0,
    seed: int = 0,
    top_n: int | None = None,
    chunk: int = 1_000,
) -> Sensitivity:
    """Perturb the factor weights (Dirichlet around them) and count top-N gap memberships.

    The factor money is shared as fractions ``w`` of the variable pot (pot minus fixed sums);
    each scenario draws ``w' ~ Dirichlet(concentration * w)`` (mean ``w``; larger concentration =
    smaller moves). Allocation per scenario = fixed + variable pot * (W' @ shares.T): one matrix
    product per chunk of scenarios. Protection and penny rounding are left out: they do not move
    the ranking materially and would cost a solve per scenario.
    """
    if n_scenarios < 1:
        raise FormulaInputError("the number of scenarios must be 1 or more")
    if concentration <= 0:
        raise FormulaInputError("concentration must be above 0")
    top_n = int(top_n or gap.top_n)
    n_c = allocation.clusters.size
    top_n = min(top_n, n_c)
    factors = tuple(allocation.factor_pots)
    pots = np.array([allocation.factor_pots[f] for f in factors])
    variable = float(pots.sum())
    w = pots / variable if variable > 0 else np.zeros(len(factors))
    live = w > 0
    fixed = allocation.fixed_exact
    need = gap.combined_share * allocation.pot_pence - fixed
    # gap = need - variable * (W' @ S). With a column of ones beside W' and `need` as a last row
    # under -variable * S, one matrix product gives every scenario's gaps, with no extra passes.
    s_aug = np.vstack([-variable * allocation.factor_shares[:, live].T, need[None, :]])
    n_live = int(live.sum())
    rng = np.random.default_rng(seed)
    alpha = concentration * w[live]
    counts = np.zeros(n_c, dtype=np.int64)
    positive = np.zeros(n_c, dtype=np.int64)
    wsum = np.zeros(len(factors))
    wmin = np.full(len(factors), np.inf)
    wmax = np.full(len(factors), -np.inf)
    # Room for rounding when a gap's bounds are compared with the gaps themselves (both are sums of a few
    # products of the same numbers; their float rounding differs by far less than this).
    margin = 1e-9 * float(np.abs(s_aug).sum(axis=0).max()) if n_c else 0.0
    done = 0
    while done < n_scenarios:
        m = min(chunk, n_scenarios - done)
        w_aug = np.ones((m, n_live + 1))
        if n_live > 1:
            w_aug[:, :n_live] = rng.dirichlet(alpha, size=m)
        full = np.zeros((m, len(factors)))
        full[:, live] = w_aug[:, :n_live]
        wsum += full.sum(axis=0)
        wmin = np.minimum(wmin, full.min(axis=0))
        wmax = np.maximum(wmax, full.max(axis=0))
        # Which clusters these scenarios can put in the top N, or on either side of a zero gap: from the
        # least and greatest gap each cluster can have for any weights within the chunk's range. The
        # gaps are then worked out (one matrix product) only for those, usually a few hundred of thousands.
        if n_live > 1:
            least, most = _gap_bounds(w_aug[:, :n_live].min(axis=0), w_aug[:, :n_live].max(axis=0), s_aug)
            least -= margin
            most += margin
        else:
            least, most = np.full(n_c, -np.inf), np.full(n_c, np.inf)
        always_positive = least > 0
        positive[always_positive] += m
        unsure = ~always_positive & (most > 0)
        if top_n < n_c:
            # At least top_n clusters have a gap of at least `bar` in every scenario, so a cluster whose gap
            # is always below it is never in the top N.
            contender = most >= np.partition(least, n_c - top_n)[n_c - top_n]
        else:
            contender = np.ones(n_c, dtype=bool)
        cols = np.flatnonzero(unsure | contender)
        g = w_aug @ s_aug[:, cols]  # scenarios x those clusters: their gaps
        in_unsure = unsure[cols]
        positive[cols[in_unsure]] += (g[:, in_unsure] > 0).sum(axis=0)
        in_contest = np.flatnonzero(contender[cols])
        g = g[:, in_contest]
        k = in_contest.size
        if top_n < k:
            top = np.argpartition(g, k - top_n, axis=1)[:, k - top_n :]
        else:
            top = np.broadcast_to(np.arange(k), (m, k))
        # As in the base case, the top N counts only clusters funded below need (gap > 0).
        hit = np.take_along_axis(g, top, axis=1) > 0
        counts += np.bincount(cols[in_contest][top[hit]], minlength=n_c)
        done += m
    return Sensitivity(
        clusters=allocation.clusters,
        n_scenarios=n_scenarios,
        top_n=top_n,
        seed=seed,
        concentration=concentration,
        factors=factors,
        top_frequency=counts / n_scenarios,
        positive_gap_frequency=positive / n_scenarios,
        weights_mean=wsum / n_scenarios,
        weights_min=wmin,
        weights_max=wmax,
    )


def _gap_bounds(low: np.ndarray, high: np.ndarray, s_aug: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The least and greatest gap of each cluster over all weights w with low <= w <= high and sum(w) = 1.

    A gap is need + sum_j w_j s_j = sum_j w_j (s_j + need) when the weights add up to 1, so it is linear
    in w and its extremes over that box-and-simplex are found greedily: start every weight at its low end,
    then give what is left of the 1 to the factors that move the gap most (least) first."""
    a = s_aug[:-1] + s_aug[-1]  # factors x clusters: each cluster's gap if one factor had all the weight
    k, n = a.shape
    base = low @ a
    room = high - low
    order = np.argsort(a, axis=0)  # per cluster, the factors from the one that lowers its gap most
    cluster = np.arange(n)
    least, most = base.copy(), base.copy()
    left_least = np.full(n, 1.0 - float(low.sum()))
    left_most = left_least.copy()
    for i in range(k):
        j = order[i]
        take = np.minimum(room[j], left_least)
        least += take * a[j, cluster]
        left_least -= take
        j = order[k - 1 - i]
        take = np.minimum(room[j], left_most)
        most += take * a[j, cluster]
        left_most -= take
    return least, most


@dataclass(frozen=True)
class Comparison:
    """Proposed against current, cluster by cluster (union of both; missing = 0)."""

    clusters: np.ndarray
    current_pence: np.ndarray
    proposed_pence: np.ndarray
    change_pence: np.ndarray
    pupils: np.ndarray
    current_per_pupil_pence: np.ndarray
    proposed_per_pupil_pence: np.ndarray
    change_per_pupil_pence: np.ndarray
    change_ratio: np.ndarray


def compare(current: Allocation, proposed: Allocation, *, per: str | None = None) -> Comparison:
    """Gain or loss per cluster in pence, and per pupil (``per`` names the pupil column)."""
    clusters = np.union1d(current.clusters, proposed.clusters)

    def aligned(a: Allocation) -> tuple[np.ndarray, np.ndarray]:
        pos = np.searchsorted(a.clusters, clusters)
        pos_c = np.minimum(pos, a.clusters.size - 1)
        here = a.clusters[pos_c] == clusters
        pence = np.where(here, a.cluster_pence[pos_c], 0).astype(np.int64)
        if per is not None:
            if per not in a.cluster_totals:
                raise FormulaInputError(f"{per!r} is not a column of the schools data")
            pupils = np.where(here, a.cluster_totals[per][pos_c], 0.0)
        else:
            pupils = np.zeros(clusters.size)
        return pence, pupils

    cur, cur_p = aligned(current)
    new, new_p = aligned(proposed)
    pupils = np.where(new_p > 0, new_p, cur_p)
    cur_pp = _ratio(cur.astype(np.float64), cur_p)
    new_pp = _ratio(new.astype(np.float64), new_p)
    return Comparison(
        clusters=clusters,
        current_pence=cur,
        proposed_pence=new,
        change_pence=new - cur,
        pupils=pupils,
        current_per_pupil_pence=cur_pp,
        proposed_per_pupil_pence=new_pp,
        change_per_pupil_pence=new_pp - cur_pp,
        change_ratio=_ratio((new - cur).astype(np.float64), cur.astype(np.float64)),
    )
