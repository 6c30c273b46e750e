"""A straightforward, row-by-row Python version of the same formula, kept as an oracle.

It is what one would write first: dictionaries, loops, ``sorted``. The tests check the numpy
engine against it, and ``bench/formula_bench.py`` times the two side by side. It covers lump
sums, targeted money, weights, unit values, the need gap ranking and the sensitivity sweep
(protection is left to the engine's own tests). Floats are combined in the same order as the
engine, so both give the same pence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from .engine import FormulaVersion


def lr_round(exact: Sequence[float], total: int) -> list[int]:
    """Largest remainder, earlier position first on ties."""
    floors = [math.floor(x) for x in exact]
    out = [int(f) for f in floors]
    n = len(out)
    short = total - sum(out)
    q, r = divmod(short, n)
    rems = [(x - f, i) for i, (x, f) in enumerate(zip(exact, floors, strict=True))]
    rems.sort(key=lambda t: (-t[0], t[1]))
    for i in range(n):
        out[i] += q
    for _, i in rems[:r]:
        out[i] += 1
    return out


def factor_pots(version: FormulaVersion, left: float, grand: Mapping[str, float]) -> dict[str, float]:
    """Split what is left of the pot after lump sums and targeted money among the factors, in pence (floats).

    ``left`` is pence; ``grand`` is each factor's total over all clusters. Unit-value factors take their rate times
    their total; weighted factors share what remains (never below nothing) by weight. With no weights, the unit-value
    factors are scaled so that together they spend exactly ``left``. Raises nothing; an empty version gives {}.
    """
    unit_money = {f: version.unit_values_pence[f] * grand[f] for f in version.unit_values_pence}
    unit_total = math.fsum(unit_money.values())
    pots: dict[str, float] = {}
    if version.weights:
        proxy = max(left - unit_total, 0.0)
        for f, w in version.weights.items():
            pots[f] = w * proxy
        pots.update(unit_money)
    elif unit_money:
        scale = left / unit_total
        for f, m in unit_money.items():
            pots[f] = m * scale
    return pots


def allocate_reference(
    rows: Sequence[Mapping[str, object]], *, pot_pence: int, version: FormulaVersion
) -> dict[str, object]:
    """The allocation, row by row. ``rows`` are dicts with URN, cluster and indicator values.

    Returns ``clusters`` (cluster -> pence), ``cluster_breakdown`` (cluster -> component ->
    pence), ``schools`` (URN -> pence) and ``school_breakdown`` (URN -> component -> pence).
    """
    rows = sorted(rows, key=lambda r: (str(r["cluster"]), str(r["URN"])))
    clusters = sorted({str(r["cluster"]) for r in rows})
    factors = list(version.weights) + list(version.unit_values_pence)
    totals = {c: dict.fromkeys(factors, 0.0) for c in clusters}
    n_schools = dict.fromkeys(clusters, 0)
    for r in rows:
        c = str(r["cluster"])
        n_schools[c] += 1
        for f in factors:
            totals[c][f] += float(r[f])  # type: ignore[arg-type]
    grand = {f: math.fsum(totals[c][f] for c in clusters) for f in factors}
    lump_s = float(version.lump_sum_per_school_pence)
    lump_c = float(version.lump_sum_per_cluster_pence)
    fixed_total = 0
    for c in clusters:
        fixed_total += n_schools[c] * version.lump_sum_per_school_pence + version.lump_sum_per_cluster_pence
        fixed_total += version.targeted_pence.get(c, 0)
    left = pot_pence - fixed_total
    pots = factor_pots(version, left, grand)

    names: list[str] = []
    if version.lump_sum_per_school_pence:
        names.append("lump_sum_per_school")
    if version.lump_sum_per_cluster_pence:
        names.append("lump_sum_per_cluster")
    if version.targeted_pence:
        names.append("targeted")
    names += [f"factor:{f}" for f in pots]

    exact: list[float] = []
    parts: dict[str, list[float]] = {}
    for c in clusters:
        fixed = float(n_schools[c]) * lump_s + lump_c + float(version.targeted_pence.get(c, 0))
        var = 0.0
        row = []
        if version.lump_sum_per_school_pence:
            row.append(float(n_schools[c]) * lump_s)
        if version.lump_sum_per_cluster_pence:
            row.append(lump_c)
        if version.targeted_pence:
            row.append(float(version.targeted_pence.get(c, 0)))
        for f in pots:
            part = pots[f] * (totals[c][f] / grand[f]) if grand[f] > 0 else 0.0
            row.append(part)
            var += part
        parts[c] = row
        exact.append(fixed + var)
    cluster_pence = dict(zip(clusters, lr_round(exact, pot_pence), strict=True))
    cluster_bd = {c: dict(zip(names, lr_round(parts[c], cluster_pence[c]), strict=True)) for c in clusters}

    # Schools: own lump sum and factor money; cluster-level money pro rata to that.
    school_rows: dict[str, list[float]] = {}
    own: dict[str, float] = {}
    c_own = dict.fromkeys(clusters, 0.0)
    for r in rows:
        u, c = str(r["URN"]), str(r["cluster"])
        s_own = 0.0
        fparts = {}
        for f in pots:
            fparts[f] = (1.0 * pots[f]) * (float(r[f]) / grand[f]) if grand[f] > 0 else 0.0  # type: ignore[arg-type]
            s_own += fparts[f]
        s_own += lump_s
        own[u] = s_own
        c_own[c] += s_own
        school_rows[u] = [fparts[f] for f in pots]
    school_exact: dict[str, list[float]] = {}
    for r in rows:
        u, c = str(r["URN"]), str(r["cluster"])
        weight = own[u] / c_own[c] if c_own[c] > 0 else 1.0 / n_schools[c]
        row = []
        if version.lump_sum_per_school_pence:
            row.append(lump_s)
        if version.lump_sum_per_cluster_pence:
            row.append(lump_c * weight)
        if version.targeted_pence:
            row.append(float(version.targeted_pence.get(c, 0)) * weight)
        row += school_rows[u]
        school_exact[u] = row
    school_pence: dict[str, int] = {}
    by_cluster: dict[str, list[str]] = {c: [] for c in clusters}
    for r in rows:
        by_cluster[str(r["cluster"])].append(str(r["URN"]))
    for c in clusters:
        urns = by_cluster[c]
        totals_s = []
        for u in urns:
            t = 0.0
            for x in school_exact[u]:
                t += x
            totals_s.append(t)
        school_pence.update(zip(urns, lr_round(totals_s, cluster_pence[c]), strict=True))
    school_bd = {u: dict(zip(names, lr_round(school_exact[u], school_pence[u]), strict=True)) for u in school_exact}
    return {
        "clusters": cluster_pence,
        "cluster_breakdown": cluster_bd,
        "schools": school_pence,
        "school_breakdown": school_bd,
    }


def gap_reference(
    rows: Sequence[Mapping[str, object]],
    allocation: Mapping[str, int],
    *,
    pot_pence: int,
    indicators: Sequence[str],
    weights: Sequence[float],
) -> list[tuple[str, int]]:
    """(cluster, gap pence) from the largest gap down; ties by cluster code."""
    clusters = sorted(allocation)
    totals = {c: dict.fromkeys(indicators, 0.0) for c in clusters}
    for r in sorted(rows, key=lambda r: (str(r["cluster"]), str(r["URN"]))):
        for i in indicators:
            totals[str(r["cluster"])][i] += float(r[i])  # type: ignore[arg-type]
    grand = {i: math.fsum(totals[c][i] for c in clusters) for i in indicators}
    combined = []
    for c in clusters:
        s = 0.0
        for i, w in zip(indicators, weights, strict=True):
            s += w * (totals[c][i] / grand[i])
        combined.append(s * pot_pence)
    need = lr_round(combined, pot_pence)
    gaps = [(c, n - allocation[c]) for c, n in zip(clusters, need, strict=True)]
    order = sorted(range(len(gaps)), key=lambda k: (-gaps[k][1], k))
    return [gaps[k] for k in order]


def sensitivity_reference(
    shares: Sequence[Sequence[float]],
    fixed: Sequence[float],
    need: Sequence[float],
    variable: float,
    scenarios: Sequence[Sequence[float]],
    top_n: int,
) -> list[int]:
    """Per cluster, how many scenarios put it in the top N by gap, with a gap above 0 (row-by-row loops).

    ``shares[c][f]`` factor shares, ``need[c]`` need in pence, ``scenarios[s][f]`` weights.
    """
    n_c = len(fixed)
    counts = [0] * n_c
    for w in scenarios:
        gaps = []
        for c in range(n_c):
            alloc = fixed[c]
            for f, wf in enumerate(w):
                alloc += variable * wf * shares[c][f]
            gaps.append((need[c] - alloc, c))
        gaps.sort(key=lambda t: -t[0])
        for g, c in gaps[:top_n]:
            if g > 0:
                counts[c] += 1
    return counts
