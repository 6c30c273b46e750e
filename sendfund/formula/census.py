"""Read the DfE school census file (2018-19, england_census.csv layout) into a SchoolTable.

Pure Python and numpy, no Django: used by the benchmark, the tests on real data and the demo.
The census has no clusters, so ``group_into_clusters`` makes them reproducibly: within each
local authority, schools sorted by establishment number (ESTAB) are cut into consecutive blocks
of ``block`` schools, named ``<LA>-<block number>`` (e.g. ``926-004``). Establishment numbers
follow phase and area within an LA, so a block is a plausible stand-in for a cluster of
neighbouring schools; it is not a real Norfolk cluster list.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .engine import FormulaInputError, SchoolTable

#: Census column -> indicator name used by the formula.
CENSUS_INDICATORS = {
    "NOR": "pupils",
    "TSENELK": "sen_support",
    "TSENELSE": "ehc_plans",
    "NUMFSM": "fsm",
    "NUMFSMEVER": "fsm_ever6",
    "NUMEAL": "eal",
}
MISSING = {"", "NA", "x", "z", "-", "SUPP", "NE"}


@dataclass(frozen=True)
class CensusSchools:
    urn: np.ndarray
    la: np.ndarray
    estab: np.ndarray
    school_type: np.ndarray
    values: dict[str, np.ndarray]
    missing: dict[str, int]  # indicator -> number of schools with no figure (counted as 0)


def read_census(path: str | Path, *, exclude_types: tuple[str, ...] = ()) -> CensusSchools:
    """School rows of a census CSV (national NAT rows dropped); missing figures count as 0."""
    path = Path(path)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        need = ["URN", "LA", "ESTAB", "SCHOOLTYPE", *CENSUS_INDICATORS]
        absent = [c for c in need if c not in (reader.fieldnames or [])]
        if absent:
            raise FormulaInputError(f"{path.name}: column {absent[0]!r} is missing")
        urn, la, estab, stype = [], [], [], []
        vals: dict[str, list[float]] = {v: [] for v in CENSUS_INDICATORS.values()}
        missing = dict.fromkeys(CENSUS_INDICATORS.values(), 0)
        for row in reader:
            if row["URN"] == "NAT" or row["SCHOOLTYPE"] in exclude_types:
                continue
            urn.append(row["URN"])
            la.append(row["LA"])
            estab.append(int(row["ESTAB"]))
            stype.append(row["SCHOOLTYPE"])
            for col, name in CENSUS_INDICATORS.items():
                raw = (row[col] or "").strip()
                if raw in MISSING:
                    missing[name] += 1
                    vals[name].append(0.0)
                else:
                    vals[name].append(float(raw))
    return CensusSchools(
        urn=np.array(urn),
        la=np.array(la),
        estab=np.array(estab, dtype=np.int64),
        school_type=np.array(stype),
        values={k: np.array(v) for k, v in vals.items()},
        missing=missing,
    )


def group_into_clusters(census: CensusSchools, *, block: int = 8) -> np.ndarray:
    """Cluster code per school: LA, then consecutive blocks of ``block`` schools by ESTAB."""
    if block < 1:
        raise ValueError("block must be 1 or more")
    order = np.lexsort((census.urn, census.estab, census.la))
    la_sorted = census.la[order]
    starts = np.r_[True, la_sorted[1:] != la_sorted[:-1]]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(la_sorted.size), 0))
    pos_in_la = np.arange(la_sorted.size) - group_start
    codes_sorted = np.char.add(np.char.add(la_sorted, "-"), np.char.zfill((pos_in_la // block + 1).astype(str), 3))
    codes = np.empty_like(codes_sorted)
    codes[order] = codes_sorted
    return codes


def census_school_table(path: str | Path, *, block: int = 8, exclude_types: tuple[str, ...] = ()) -> SchoolTable:
    """The census as a SchoolTable with clusters made by ``group_into_clusters``."""
    census = read_census(path, exclude_types=exclude_types)
    return SchoolTable(urn=census.urn, cluster=group_into_clusters(census, block=block), values=census.values)
