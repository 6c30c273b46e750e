"""Reading the schools CSV, the version JSON and last year's output CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import numpy as np

from ..engine import (
    FormulaInputError,
    FormulaVersion,
    PreviousYear,
    Protection,
    SchoolTable,
)
from .money import parse_pounds

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
            raise FormulaInputError(f"{name} row {line} (counting the header as row 1): {len(row)} values for {len(header)} columns")
        urn = row[i_urn].strip()
        cluster = row[i_cluster].strip()
        if not urn:
            raise FormulaInputError(f"{name} row {line} (counting the header as row 1) column 'URN': no URN")
        if not cluster:
            raise FormulaInputError(f"{name} row {line} (counting the header as row 1) column 'cluster': school {urn} has no cluster")
        if urn in first_row:
            raise FormulaInputError(
                f"{name} row {line} (counting the header as row 1) column 'URN': school {urn} is listed twice (first on row {first_row[urn]})"
            )
        first_row[urn] = line
        urns.append(urn)
        clusters.append(cluster)
        for k, (i, col) in enumerate(indicators):
            raw = row[i].strip()
            if raw in MISSING:
                raise FormulaInputError(f"{name} row {line} (counting the header as row 1) column {col!r}: no value (school {urn}); write 0 if none")
            # Counts are plain ASCII whole numbers: "1,234" is not read as 1234, nor "１２" or "1e3" as numbers.
            if not _COUNT.fullmatch(raw):
                if raw.startswith("-") and _COUNT.fullmatch(raw[1:]):
                    raise FormulaInputError(f"{name} row {line} (counting the header as row 1) column {col!r}: "
                                            f"{raw} is negative; counts are 0 or more")
                raise FormulaInputError(f"{name} row {line} (counting the header as row 1) column {col!r}: "
                                        f"{raw[:40]!r} is not a whole number (digits 0 to 9 only, no commas)")
            values[k].append(float(raw))
    if not urns:
        raise FormulaInputError(f"{name}: there are no schools, only a header")
    return SchoolTable(
        urn=np.array(urns),
        cluster=np.array(clusters),
        values={col: np.array(values[k]) for k, (_, col) in enumerate(indicators)},
    )


_COUNT = re.compile(r"[0-9]{1,12}", re.ASCII)


def _mapping(doc: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    value = doc.get(key, {})
    if not isinstance(value, dict):
        raise FormulaInputError(f"{name}: {key!r} must be an object of name: value")
    return value


def version_from_dict(
    doc: object, *, name: str = "version", columns: Sequence[str] | None = None
) -> FormulaVersion:
    """Build a FormulaVersion from a parsed JSON document, checking names against ``columns``.

    The reader checks the document's shape (known keys, objects where objects belong, money as
    strings of pounds) and, given ``columns``, that every name is a column of the schools file; the
    version's rules (shares, sums, protection, evidence) are the engine's ``FormulaVersion``'s, whose
    message is passed on with the file's name. Raises FormulaInputError, its message starting ``name:``.
    """
    if not isinstance(doc, dict):
        raise FormulaInputError(f"{name}: the version must be a JSON object")
    unknown = sorted(set(doc) - VERSION_KEYS)
    if unknown:
        raise FormulaInputError(f"{name}: unknown key {unknown[0]!r} (known keys: {', '.join(sorted(VERSION_KEYS))})")
    weights = _mapping(doc, "weights", name)
    units = {
        k: parse_pounds(v, where=f"{name}: unit value {k!r}") for k, v in _mapping(doc, "unit_values", name).items()
    }
    targeted = {
        str(k): parse_pounds(v, where=f"{name}: targeted amount for cluster {k!r}")
        for k, v in _mapping(doc, "targeted", name).items()
    }
    prot_doc = doc.get("protection")
    if prot_doc is not None:
        if not isinstance(prot_doc, dict):
            raise FormulaInputError(f"{name}: 'protection' must be an object with floor, cap and per")
        bad = sorted(set(prot_doc) - PROTECTION_KEYS)
        if bad:
            raise FormulaInputError(f"{name}: protection has unknown key {bad[0]!r} (known: cap, floor, per)")
    need_ind = doc.get("need_indicators", [])
    if not isinstance(need_ind, list) or not all(isinstance(x, str) for x in need_ind):
        raise FormulaInputError(f"{name}: 'need_indicators' must be a list of column names")
    need_w = _mapping(doc, "need_weights", name)
    if need_w and not need_ind:
        need_ind = list(need_w)
    try:
        protection = None if prot_doc is None else Protection(
            floor=prot_doc.get("floor"), cap=prot_doc.get("cap"), per=prot_doc.get("per", "pupils"))
        version = FormulaVersion(
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
            evidence_threshold=doc.get("evidence_threshold", 1.2),
            evidence_years=doc.get("evidence_years", 2),
            evidence_min_indicators=doc.get("evidence_min_indicators", 0),
            top_n=doc.get("top_n", 10),
        )
    except FormulaInputError as exc:
        if str(exc).startswith(f"{name}:"):
            raise
        raise FormulaInputError(f"{name}: {exc}", field=exc.field) from None
    if columns is not None:
        cols = set(columns)
        for label, names in (
            ("weight", version.weights),
            ("unit value", version.unit_values_pence),
            ("need indicator", version.need_indicators),
            ("need weight", version.need_weights),
        ):
            for k in names:
                if k not in cols:
                    raise FormulaInputError(
                        f"{name}: {label} {k!r} names no column of the schools file "
                        f"(columns: {', '.join(c for c in columns)})"
                    )
        if protection is not None and protection.per not in cols:
            raise FormulaInputError(f"{name}: protection 'per' {protection.per!r} names no column of the schools file")
    return version


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
                raise FormulaInputError(f"{name} row {line} (counting the header as row 1) column 'cluster': no cluster")
            pence.append(parse_pounds(row["allocation"] or "", where=f"{name} row {line} (counting the header as row 1) column 'allocation'"))
            if "pupils" in header:
                try:
                    pupils.append(float(row["pupils"]))
                except (TypeError, ValueError):
                    raise FormulaInputError(f"{name} row {line} (counting the header as row 1) column 'pupils': {row['pupils']!r} is not a number") from None
            if "years_above_threshold" in header:
                try:
                    years.append(int(row["years_above_threshold"] or 0))
                except ValueError:
                    raise FormulaInputError(
                        f"{name} row {line} (counting the header as row 1) column 'years_above_threshold': not a whole number"
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


