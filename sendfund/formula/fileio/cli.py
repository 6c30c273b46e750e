"""The pure core of the formula_allocate command: read, allocate, measure, write."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..engine import (
    Allocation,
    Comparison,
    FormulaInputError,
    FormulaVersion,
    NeedGap,
    Sensitivity,
    allocate,
    compare,
    need_gap,
    sensitivity,
)
from .money import format_pence, parse_pounds
from .readers import read_previous, read_schools, read_version
from .writers import _pupil_column, write_allocation_csv, write_schools_csv


@dataclass(frozen=True)
class RunResult:
    allocation: Allocation
    gap: NeedGap | None
    sensitivity: Sensitivity | None
    comparison: Comparison | None
    version: FormulaVersion

    def summary(self) -> str:
        a = self.allocation
        lines = [
            f"{a.clusters.size} clusters, {a.schools.size} schools, "
            f"£{format_pence(a.cluster_pence.sum())} allocated of a £{format_pence(a.pot_pence)} pot"
        ]
        if self.gap is not None:
            lines.append(
                f"{int(self.gap.top.sum())} clusters in the top {self.gap.top_n} of the gap ranking; "
                f"{int(self.gap.clear_evidence.sum())} with clear evidence; {int(self.gap.invite.sum())} to invite"
            )
        return "\n".join(lines)


def run(
    *,
    schools: str | Path | IO[str],
    pot: str,
    version: str | Path | IO[str],
    output: str | Path | IO[str],
    previous: str | Path | IO[str] | None = None,
    compare_with: str | Path | IO[str] | None = None,
    scenarios: int = 0,
    seed: int = 0,
    schools_output: str | Path | IO[str] | None = None,
) -> RunResult:
    """Read the inputs, allocate, measure need and gap, and write the output CSV(s)."""
    table = read_schools(schools)
    ver = read_version(version, columns=table.columns)
    pot_pence = parse_pounds(pot, where="--pot")
    prev = read_previous(previous) if previous is not None else None
    alloc = allocate(table, pot_pence=pot_pence, version=ver, previous=prev)
    need, _ = ver.resolved_need(table.columns)
    gap = need_gap(alloc, version=ver, previous=prev) if need else None
    sens = sensitivity(alloc, gap, n_scenarios=scenarios, seed=seed) if scenarios and gap is not None else None
    comparison = None
    if compare_with is not None:
        current = read_version(compare_with, columns=table.columns)
        cur_alloc = allocate(table, pot_pence=pot_pence, version=current, previous=prev, school_breakdown=False)
        comparison = compare(cur_alloc, alloc, per=_pupil_column(alloc, ver))
    _write(output, lambda fh: write_allocation_csv(fh, alloc, version=ver, gap=gap, sens=sens, comparison=comparison))
    if schools_output is not None:
        _write(schools_output, lambda fh: write_schools_csv(fh, alloc))
    return RunResult(allocation=alloc, gap=gap, sensitivity=sens, comparison=comparison, version=ver)


def _write(target: str | Path | IO[str], fn: Any) -> None:
    """Write to a buffer first, so a failure never leaves half a file behind."""
    buf = io.StringIO()
    fn(buf)
    if isinstance(target, str | Path):
        with open(target, "w", newline="", encoding="utf-8") as fh:
            fh.write(buf.getvalue())
    else:
        target.write(buf.getvalue())


def build_parser(prog: str = "formula_allocate") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Allocate a cluster SEND pot by a formula version.")
    p.add_argument("--schools", required=True, help="schools CSV: URN,cluster,<indicator columns>")
    p.add_argument("--pot", required=True, help='the pot in pounds, e.g. "9400000.00"')
    p.add_argument("--version", required=True, help="formula version JSON")
    p.add_argument("--output", required=True, help="output CSV, one row per cluster")
    p.add_argument("--previous", help="last year's output CSV (protection and evidence persistence)")
    p.add_argument("--compare", dest="compare_with", help="current version JSON to compare the proposed one with")
    p.add_argument("--scenarios", type=int, default=0, help="weight scenarios for the sensitivity sweep (e.g. 10000)")
    p.add_argument("--seed", type=int, default=0, help="random seed for the scenarios")
    p.add_argument("--schools-output", help="also write one row per school to this CSV")
    return p


def main(argv: Sequence[str] | None = None, *, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """``python -m sendfund.formula``: 0 on success; 2 with a message on stderr on bad input."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        result = run(
            schools=args.schools,
            pot=args.pot,
            version=args.version,
            output=args.output,
            previous=args.previous,
            compare_with=args.compare_with,
            scenarios=args.scenarios,
            seed=args.seed,
            schools_output=args.schools_output,
        )
    except FormulaInputError as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    print(result.summary(), file=stdout)
    return 0

