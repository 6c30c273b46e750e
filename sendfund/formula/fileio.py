"""File formats for the formula and the pure core of the ``formula_allocate`` command.

Schools CSV (UTF-8, a BOM is fine)::

    URN,cluster,pupils,fsm,sen_support,ehc_plans
    120765,926-001,68,3,0,0

``URN`` and ``cluster`` are required; every other column is an indicator count (a number, 0 or
more; no blanks). Version JSON: see ``read_version`` (money as strings of pounds, "1234.56").
Output CSV: one row per cluster, ``cluster,allocation`` (pounds, two decimals) first, then the
breakdown and the need-and-gap columns (see ``OUTPUT_COLUMNS_DOC`` and the README).

Every problem raises ``FormulaInputError`` naming the file, row and column. No Django here.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

import numpy as np

from .engine import (
    Allocation,
    Comparison,
    FormulaInputError,
    FormulaVersion,
    NeedGap,
    PreviousYear,
    Protection,
    SchoolTable,
    Sensitivity,
    allocate,
    compare,
    need_gap,
    sensitivity,
)

__all__ = [
    "FormulaInputError",
    "RunResult",
    "format_pence",
    "main",
    "parse_pounds",
    "read_previous",
    "read_schools",
    "read_version",
    "run",
    "version_from_dict",
    "write_allocation_csv",
    "write_schools_csv",
]

MISSING = {"", "NA", "N/A", "x", "z", "-"}
VERSION_KEYS = {
    "name",
    "description",
    "valid_from",
    "weights",
    "unit_values",
    "lump_sum_per_school",
    "lump_sum_per_cluster",
    "targeted",
    "protection",
    "need_indicators",
    "need_weights",
    "evidence_threshold",
    "evidence_years",
    "evidence_min_indicators",
    "top_n",
}
PROTECTION_KEYS = {"floor", "cap", "per"}


# --- money -----------------------------------------------------------------------------------


def parse_pounds(text: object, *, where: str) -> int:
    """'1234.56' (also '£1,234.56') -> 123456 pence; at most two decimals, not negative."""
    if isinstance(text, bool) or not isinstance(text, str):
        raise FormulaInputError(f'{where}: money must be a string of pounds like "1234.56", got {text!r}')
    cleaned = text.strip().replace(",", "").removeprefix("£").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise FormulaInputError(f"{where}: {text!r} is not an amount of money") from None
    if not value.is_finite():
        raise FormulaInputError(f"{where}: {text!r} is not an amount of money")
    if value < 0:
        raise FormulaInputError(f"{where}: {text!r} is negative")
    pence = value * 100
    if pence != pence.to_integral_value():
        raise FormulaInputError(f"{where}: {text!r} has fractions of a penny")
    return int(pence)


def format_pence(pence: int | np.integer) -> str:
    """123456 -> '1234.56' (pounds, two decimals; '-' for losses)."""
    p = int(pence)
    sign = "-" if p < 0 else ""
    return f"{sign}{abs(p) // 100}.{abs(p) % 100:02d}"


def _pounds_from_float_pence(x: float) -> str:
    if not math.isfinite(x):
        return "" if math.isnan(x) else "inf"
    return format_pence(int(Decimal(float(x)).quantize(Decimal(1), rounding="ROUND_HALF_UP")))


def _ratio_text(x: float, places: int = 4) -> str:
    if math.isnan(x):
        return ""
    if math.isinf(x):
        return "inf"
    return f"{x:.{places}f}"


# --- reading ---------------------------------------------------------------------------------


def _name(path: str | Path | IO[str]) -> str:
    return Path(path).name if isinstance(path, str | Path) else getattr(path, "name", "<input>")


def _open_text(path: str | Path | IO[str]) -> IO[str]:
    if isinstance(path, str | Path):
        try:
            return open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
        except FileNotFoundError:
            raise FormulaInputError(f"{path}: no such file") from None
    return path


def read_schools(path: str | Path | IO[str]) -> SchoolTable:
    """Read a schools CSV: URN, cluster, then one numeric column per indicator."""
    name = _name(path)
    fh = _open_text(path)
    try:
        text = fh.read()
    except UnicodeDecodeError as exc:
        raise FormulaInputError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    finally:
        if isinstance(path, str | Path):
            fh.close()
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise FormulaInputError(f"{name}: the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
    for required in ("URN", "cluster"):
        if required not in header:
            raise FormulaInputError(f"{name}: column {required!r} is missing (the header is {','.join(header)})")
    seen_cols: set[str] = set()
    for h in header:
        if not h:
            raise FormulaInputError(f"{name}: row 1 has a column with no name")
        if h in seen_cols:
            raise FormulaInputError(f"{name}: column {h!r} appears twice in the header")
        seen_cols.add(h)
    i_urn, i_cluster = header.index("URN"), header.index("cluster")
    indicators = [(i, h) for i, h in enumerate(header) if h not in ("URN", "cluster")]
    urns: list[str] = []
    clusters: list[str] = []
    values: list[list[float]] = [[] for _ in indicators]
    first_row: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise FormulaInputError(f"{name} row {line}: {len(row)} values for {len(header)} columns")
        urn = row[i_urn].strip()
        cluster = row[i_cluster].strip()
        if not urn:
            raise FormulaInputError(f"{name} row {line} column 'URN': no URN")
        if not cluster:
            raise FormulaInputError(f"{name} row {line} column 'cluster': school {urn} has no cluster")
        if urn in first_row:
            raise FormulaInputError(
                f"{name} row {line} column 'URN': school {urn} is listed twice (first on row {first_row[urn]})"
            )
        first_row[urn] = line
        urns.append(urn)
        clusters.append(cluster)
        for k, (i, col) in enumerate(indicators):
            raw = row[i].strip()
            if raw in MISSING:
                raise FormulaInputError(f"{name} row {line} column {col!r}: no value (school {urn}); write 0 if none")
            try:
                x = float(raw.replace(",", ""))
            except ValueError:
                raise FormulaInputError(f"{name} row {line} column {col!r}: {raw!r} is not a number") from None
            if not math.isfinite(x):
                raise FormulaInputError(f"{name} row {line} column {col!r}: {raw!r} is not a number")
            if x < 0:
                raise FormulaInputError(f"{name} row {line} column {col!r}: {raw} is negative; counts are 0 or more")
            values[k].append(x)
    if not urns:
        raise FormulaInputError(f"{name}: there are no schools, only a header")
    return SchoolTable(
        urn=np.array(urns),
        cluster=np.array(clusters),
        values={col: np.array(values[k]) for k, (_, col) in enumerate(indicators)},
    )


def _share(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise FormulaInputError(f"{where}: {value!r} is not a number")
    try:
        x = Decimal(str(value).strip())
    except InvalidOperation:
        raise FormulaInputError(f"{where}: {value!r} is not a number") from None
    if not x.is_finite():
        raise FormulaInputError(f"{where}: {value!r} is not a number")
    return float(x)


def _mapping(doc: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    value = doc.get(key, {})
    if not isinstance(value, dict):
        raise FormulaInputError(f"{name}: {key!r} must be an object of name: value")
    return value


def version_from_dict(
    doc: object, *, name: str = "version", columns: Sequence[str] | None = None
) -> FormulaVersion:
    """Build a FormulaVersion from a parsed JSON document, checking names against ``columns``."""
    if not isinstance(doc, dict):
        raise FormulaInputError(f"{name}: the version must be a JSON object")
    unknown = sorted(set(doc) - VERSION_KEYS)
    if unknown:
        raise FormulaInputError(f"{name}: unknown key {unknown[0]!r} (known keys: {', '.join(sorted(VERSION_KEYS))})")
    weights = {k: _share(v, f"{name}: weight {k!r}") for k, v in _mapping(doc, "weights", name).items()}
    for k, w in weights.items():
        if w < 0:
            raise FormulaInputError(f"{name}: weight {k!r} is negative ({w})")
    if weights:
        total = math.fsum(weights.values())
        if abs(total - 1.0) > 1e-6:
            raise FormulaInputError(
                f"{name}: weights must add up to 1, they add up to {total:.6g} ({', '.join(weights)})"
            )
    units = {
        k: parse_pounds(v, where=f"{name}: unit value {k!r}") for k, v in _mapping(doc, "unit_values", name).items()
    }
    targeted = {
        str(k): parse_pounds(v, where=f"{name}: targeted amount for cluster {k!r}")
        for k, v in _mapping(doc, "targeted", name).items()
    }
    prot_doc = doc.get("protection")
    protection = None
    if prot_doc is not None:
        if not isinstance(prot_doc, dict):
            raise FormulaInputError(f"{name}: 'protection' must be an object with floor, cap and per")
        bad = sorted(set(prot_doc) - PROTECTION_KEYS)
        if bad:
            raise FormulaInputError(f"{name}: protection has unknown key {bad[0]!r} (known: cap, floor, per)")
        floor = prot_doc.get("floor")
        cap = prot_doc.get("cap")
        per = prot_doc.get("per", "pupils")
        if not isinstance(per, str):
            raise FormulaInputError(f"{name}: protection 'per' must name a column")
        try:
            protection = Protection(
                floor=None if floor is None else _share(floor, f"{name}: protection floor"),
                cap=None if cap is None else _share(cap, f"{name}: protection cap"),
                per=per,
            )
        except FormulaInputError as exc:
            if str(exc).startswith(name):
                raise
            raise FormulaInputError(f"{name}: {exc}") from None
    need_ind = doc.get("need_indicators", [])
    if not isinstance(need_ind, list) or not all(isinstance(x, str) for x in need_ind):
        raise FormulaInputError(f"{name}: 'need_indicators' must be a list of column names")
    need_w = {k: _share(v, f"{name}: need weight {k!r}") for k, v in _mapping(doc, "need_weights", name).items()}
    if need_w and not need_ind:
        need_ind = list(need_w)
    if columns is not None:
        cols = set(columns)
        for label, names in (
            ("weight", weights),
            ("unit value", units),
            ("need indicator", need_ind),
            ("need weight", need_w),
        ):
            for k in names:
                if k not in cols:
                    raise FormulaInputError(
                        f"{name}: {label} {k!r} names no column of the schools file "
                        f"(columns: {', '.join(c for c in columns)})"
                    )
        if protection is not None and protection.per not in cols:
            raise FormulaInputError(f"{name}: protection 'per' {protection.per!r} names no column of the schools file")

    def _int(key: str, default: int) -> int:
        v = doc.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int):
            raise FormulaInputError(f"{name}: {key!r} must be a whole number, got {v!r}")
        return v

    try:
        return FormulaVersion(
            weights=weights,
            unit_values_pence=units,
            lump_sum_per_school_pence=parse_pounds(doc.get("lump_sum_per_school", "0"), where=f"{name}: lump_sum_per_school"),
            lump_sum_per_cluster_pence=parse_pounds(
                doc.get("lump_sum_per_cluster", "0"), where=f"{name}: lump_sum_per_cluster"
            ),
            targeted_pence=targeted,
            protection=protection,
            need_indicators=tuple(need_ind),
            need_weights=need_w,
            evidence_threshold=_share(doc.get("evidence_threshold", "1.2"), f"{name}: evidence_threshold"),
            evidence_years=_int("evidence_years", 2),
            evidence_min_indicators=_int("evidence_min_indicators", 0),
            top_n=_int("top_n", 10),
        )
    except FormulaInputError as exc:
        if str(exc).startswith(name):
            raise
        raise FormulaInputError(f"{name}: {exc}") from None


def read_version(path: str | Path | IO[str], *, columns: Sequence[str] | None = None) -> FormulaVersion:
    """Read a version JSON file (see the module docstring and README for the keys)."""
    name = _name(path)
    fh = _open_text(path)
    try:
        text = fh.read()
    finally:
        if isinstance(path, str | Path):
            fh.close()
    if not text.strip():
        raise FormulaInputError(f"{name}: the file is empty")
    try:
        doc = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise FormulaInputError(f"{name} line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg})") from None
    return version_from_dict(doc, name=name, columns=columns)


def read_previous(path: str | Path | IO[str]) -> PreviousYear:
    """Last year's output CSV (``cluster,allocation`` and, if present, ``pupils`` and
    ``years_above_threshold``) as a PreviousYear."""
    name = _name(path)
    fh = _open_text(path)
    try:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        if not header:
            raise FormulaInputError(f"{name}: the file is empty")
        for required in ("cluster", "allocation"):
            if required not in header:
                raise FormulaInputError(f"{name}: column {required!r} is missing")
        clusters, pence, pupils, years = [], [], [], []
        for row in reader:
            line = reader.line_num
            clusters.append((row["cluster"] or "").strip())
            if not clusters[-1]:
                raise FormulaInputError(f"{name} row {line} column 'cluster': no cluster")
            pence.append(parse_pounds(row["allocation"] or "", where=f"{name} row {line} column 'allocation'"))
            if "pupils" in header:
                try:
                    pupils.append(float(row["pupils"]))
                except (TypeError, ValueError):
                    raise FormulaInputError(f"{name} row {line} column 'pupils': {row['pupils']!r} is not a number") from None
            if "years_above_threshold" in header:
                try:
                    years.append(int(row["years_above_threshold"] or 0))
                except ValueError:
                    raise FormulaInputError(
                        f"{name} row {line} column 'years_above_threshold': not a whole number"
                    ) from None
    finally:
        if isinstance(path, str | Path):
            fh.close()
    if not clusters:
        raise FormulaInputError(f"{name}: there are no clusters, only a header")
    return PreviousYear(
        cluster=np.array(clusters),
        pence=np.array(pence, dtype=np.int64),
        pupils=np.array(pupils) if pupils else None,
        years_above=np.array(years, dtype=np.int64) if years else None,
    )


# --- writing ---------------------------------------------------------------------------------

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
    writer = csv.writer(out, lineterminator="\n")
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
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["URN", "cluster", "allocation", *alloc.components])
    bd = alloc.school_breakdown_pence
    for i in range(alloc.schools.size):
        parts = [format_pence(x) for x in bd[i]] if bd is not None else []
        writer.writerow(
            [alloc.schools[i], alloc.clusters[alloc.school_cluster[i]], format_pence(alloc.school_pence[i]), *parts]
        )


# --- the command's core ----------------------------------------------------------------------


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
