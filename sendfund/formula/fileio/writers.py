"""Writing the output CSVs: one row per cluster, and one per school."""

from __future__ import annotations

from typing import IO

import numpy as np

from sendfund.core.exports import SafeWriter

from ..engine import (
    Allocation,
    Comparison,
    FormulaVersion,
    NeedGap,
    Sensitivity,
)
from .money import _pounds_from_float_pence, _ratio_text, format_pence

OUTPUT_COLUMNS_DOC = """\
cluster, allocation            cluster code; its allocation in pounds (two decimals)
schools, pupils                number of schools; pupils (the protection 'per' column, or 'pupils')
<component> ...                the allocation explained in pounds: lump_sum_per_school,
                               lump_sum_per_cluster, targeted, factor:<indicator>, protection;
                               they add up to the allocation exactly
protected                      floor / cap / blank
funding_share                  allocation / pot
need_share:<i>, ratio:<i>      share of county need for indicator i; need share / funding share
combined_need_share, combined_ratio
need_allocation, gap           combined need share x pot (pounds, largest remainder); need - allocation
gap_rank                       1 = largest gap
above_threshold, years_above_threshold, clear_evidence, top_n, invite
funding_per_pupil              allocation / pupils (pounds)
top_n_frequency, positive_gap_frequency   with --scenarios: share of weight scenarios in the top N
current_allocation, change, change_per_pupil   with --compare: the current version's figures
"""


def _pupil_column(alloc: Allocation, version: FormulaVersion) -> str | None:
    if version.protection is not None and version.protection.per in alloc.cluster_totals:
        return version.protection.per
    return "pupils" if "pupils" in alloc.cluster_totals else None


def write_allocation_csv(
    out: IO[str],
    alloc: Allocation,
    *,
    version: FormulaVersion,
    gap: NeedGap | None = None,
    sens: Sensitivity | None = None,
    comparison: Comparison | None = None,
) -> None:
    """One row per cluster, in gap-rank order if there is a gap, else by cluster code."""
    per = _pupil_column(alloc, version)
    header = ["cluster", "allocation", "schools"]
    if per:
        header.append("pupils")
    header += list(alloc.components)
    header.append("protected")
    if gap is not None:
        header.append("funding_share")
        header += [f"need_share:{i}" for i in gap.indicators] + [f"ratio:{i}" for i in gap.indicators]
        header += [
            "combined_need_share",
            "combined_ratio",
            "need_allocation",
            "gap",
            "gap_rank",
            "above_threshold",
            "years_above_threshold",
            "clear_evidence",
            "top_n",
            "invite",
        ]
    if per:
        header.append("funding_per_pupil")
    if sens is not None:
        header += ["top_n_frequency", "positive_gap_frequency"]
    cmp_pos = None
    if comparison is not None:
        header += ["current_allocation", "change", "change_per_pupil"]
        cmp_pos = np.searchsorted(comparison.clusters, alloc.clusters)
    writer = SafeWriter(out)
    writer.writerow(header)
    order = gap.ranking() if gap is not None else np.arange(alloc.clusters.size)
    yes = {True: "yes", False: "no"}
    for c in order.tolist():
        row: list[object] = [alloc.clusters[c], format_pence(alloc.cluster_pence[c]), int(alloc.n_schools[c])]
        pupils = float(alloc.cluster_totals[per][c]) if per else 0.0
        if per:
            row.append(f"{pupils:g}")
        row += [format_pence(x) for x in alloc.cluster_breakdown_pence[c]]
        row.append({1: "floor", -1: "cap"}.get(int(alloc.protected[c]), ""))
        if gap is not None:
            row.append(f"{gap.funding_share[c]:.6f}")
            row += [f"{x:.6f}" for x in gap.need_share[c]] + [_ratio_text(x) for x in gap.ratio[c]]
            row += [
                f"{gap.combined_share[c]:.6f}",
                _ratio_text(gap.combined_ratio[c]),
                format_pence(gap.need_pence[c]),
                format_pence(gap.gap_pence[c]),
                int(gap.rank[c]),
                yes[bool(gap.above_threshold[c])],
                int(gap.years_above[c]),
                yes[bool(gap.clear_evidence[c])],
                yes[bool(gap.top[c])],
                yes[bool(gap.invite[c])],
            ]
        if per:
            row.append(_pounds_from_float_pence(alloc.cluster_pence[c] / pupils) if pupils > 0 else "")
        if sens is not None:
            row += [f"{sens.top_frequency[c]:.4f}", f"{sens.positive_gap_frequency[c]:.4f}"]
        if comparison is not None and cmp_pos is not None:
            k = int(cmp_pos[c])
            row += [
                format_pence(comparison.current_pence[k]),
                format_pence(comparison.change_pence[k]),
                _pounds_from_float_pence(float(comparison.change_per_pupil_pence[k])),
            ]
        writer.writerow(row)


def write_schools_csv(out: IO[str], alloc: Allocation) -> None:
    """One row per school: URN, cluster, allocation and its breakdown, in pounds."""
    writer = SafeWriter(out)
    writer.writerow(["URN", "cluster", "allocation", *alloc.components])
    bd = alloc.school_breakdown_pence
    for i in range(alloc.schools.size):
        parts = [format_pence(x) for x in bd[i]] if bd is not None else []
        writer.writerow(
            [alloc.schools[i], alloc.clusters[alloc.school_cluster[i]], format_pence(alloc.school_pence[i]), *parts]
        )


