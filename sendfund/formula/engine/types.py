"""Plain data going into the engine: schools, a formula version, last year's figures.

Money is whole pence (``int``); shares, ratios and counts are floats. Nothing here imports Django.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

WEIGHT_TOLERANCE = 1e-6

#: Need indicators used when a version names none: whichever of these the schools data holds.
DEFAULT_NEED_INDICATORS = ("sen_support", "ehc_plans", "TSENELK", "TSENELSE")


class FormulaInputError(ValueError):
    """Input the formula cannot use; the message names the file, row and column where known.

    ``field`` names the version parameter at fault (``weights``, ``need_weights``, ``unit_values``,
    ``targeted``, ``lump_sum_per_school``, ``lump_sum_per_cluster``, ``protection_floor``,
    ``protection_cap``, ``protection_per``, ``need_indicators``, ``evidence_threshold``,
    ``evidence_years``, ``evidence_min_indicators``, ``top_n``), or None for anything else.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# The rules a formula version must keep are written here once: the version file reader and the
# service that saves versions build a FormulaVersion and pass its message on (docs/adr/0060).


def _as_pence(value: object, what: str, field: str) -> int:
    """Whole pence (an int), 0 or more. Converting pounds to pence is the caller's: the file reader
    reads strings of pounds, the service Decimal pounds; neither rounds a fraction of a penny."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise FormulaInputError(f"{what} must be whole pence (an integer), got {value!r}", field=field)
    if value < 0:
        raise FormulaInputError(f"{what} must be 0 or more", field=field)
    return int(value)


def _number(value: object, what: str, field: str) -> float:
    """A finite number: an int, float, Decimal, or a string of one; never True or False."""
    if not isinstance(value, bool) and isinstance(value, int | float | Decimal | str | np.number):
        try:
            x = float(value)
        except ValueError:
            pass
        else:
            if math.isfinite(x):
                return x
    raise FormulaInputError(f"{what} must be a number, not {value!r}", field=field)


def _whole(value: object, what: str, field: str) -> int:
    """A whole number (an int; never True or False)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise FormulaInputError(f"{what} must be a whole number, got {value!r}", field=field)
    return int(value)


def _plain(x: float) -> str:
    """A share's total as people read it: 0.9, 10, 1.000002 (six places at most, no trailing zeros)."""
    return f"{x:,.6f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class SchoolTable:
    """One row per school: its URN, its cluster, and any number of named indicator counts.

    Row order carries no meaning: the engine sorts by (cluster, URN) before computing, so the
    same schools in any order give identical results.
    """

    urn: np.ndarray
    cluster: np.ndarray
    values: Mapping[str, np.ndarray]

    def __post_init__(self) -> None:
        urn = np.asarray(self.urn).astype(str)
        cluster = np.asarray(self.cluster).astype(str)
        if urn.ndim != 1 or cluster.shape != urn.shape:
            raise FormulaInputError("urn and cluster must be one-dimensional and the same length")
        if urn.size == 0:
            raise FormulaInputError("there are no schools")
        values: dict[str, np.ndarray] = {}
        for name, col in self.values.items():
            arr = np.asarray(col, dtype=np.float64)
            if arr.shape != urn.shape:
                raise FormulaInputError(f"column {name!r} has {arr.size} values for {urn.size} schools")
            bad = ~np.isfinite(arr) | (arr < 0)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise FormulaInputError(
                    f"column {name!r}: school {urn[i]} has {arr[i]!r}; counts must be numbers, 0 or more"
                )
            arr.setflags(write=False)
            values[str(name)] = arr
        uniq, counts = np.unique(urn, return_counts=True)
        if (counts > 1).any():
            raise FormulaInputError(f"school {uniq[counts > 1][0]} is listed more than once")
        if (np.char.str_len(cluster) == 0).any():
            i = int(np.flatnonzero(np.char.str_len(cluster) == 0)[0])
            raise FormulaInputError(f"school {urn[i]} has no cluster")
        object.__setattr__(self, "urn", urn)
        object.__setattr__(self, "cluster", cluster)
        object.__setattr__(self, "values", values)

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, object]]) -> SchoolTable:
        """Build from dicts with ``URN``, ``cluster`` and indicator keys (handy in tests)."""
        if not rows:
            raise FormulaInputError("there are no schools")
        names = [k for k in rows[0] if k not in ("URN", "cluster")]
        return cls(
            urn=np.array([str(r["URN"]) for r in rows]),
            cluster=np.array([str(r["cluster"]) for r in rows]),
            values={n: np.array([float(r[n]) for r in rows]) for n in names},  # type: ignore[arg-type]
        )

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.values)

    def __len__(self) -> int:
        return int(self.urn.size)


@dataclass(frozen=True)
class Protection:
    """Turbulence protection: the change in funding per pupil against last year stays within
    [floor, cap] (e.g. floor -0.02 = lose at most 2% per pupil; cap 0.05 = gain at most 5%).

    ``per`` names the indicator column that counts pupils. ``cap`` None means gains are not capped.
    """

    floor: float | None = 0.0
    cap: float | None = None
    per: str = "pupils"

    def __post_init__(self) -> None:
        floor = None if self.floor is None else _number(self.floor, "the floor", "protection_floor")
        cap = None if self.cap is None else _number(self.cap, "the cap", "protection_cap")
        if floor is not None and cap is not None and cap < floor:
            raise FormulaInputError("the cap must not be below the floor", field="protection_cap")
        for what, value in (("floor", floor), ("cap", cap)):
            if value is not None and value <= -1.0:
                raise FormulaInputError(f"the {what} must be a change above -1 (-100%)", field=f"protection_{what}")
            if value is not None and value >= 10.0:
                raise FormulaInputError(f"the {what} must be a change below 10 (+1,000%)", field=f"protection_{what}")
        if not isinstance(self.per, str) or not self.per:
            raise FormulaInputError("protection 'per' must name a column", field="protection_per")
        object.__setattr__(self, "floor", floor)
        object.__setattr__(self, "cap", cap)


def _shares(raw: Mapping[str, object], what: str, field: str) -> dict[str, float]:
    """Shares: each a number, 0 or more, together adding up to 1 (within WEIGHT_TOLERANCE); returned
    normalised so they add up to 1 exactly. Empty is allowed (no weights)."""
    out: dict[str, float] = {}
    for name, w in raw.items():
        x = _number(w, f"the {what} for {name}", field)
        if x < 0:
            raise FormulaInputError(f"the {what} for {name} must be 0 or more", field=field)
        out[str(name)] = x
    if out:
        total = math.fsum(out.values())
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            raise FormulaInputError(f"the {what}s must add up to 1. They add up to {_plain(total)}", field=field)
        # Normalise away the tolerance so the proxy pot is distributed exactly.
        out = {k: v / total for k, v in out.items()}
    return out


@dataclass(frozen=True)
class FormulaVersion:
    """A formula's parameters: pure data, dated and stored elsewhere.

    - ``weights``: share of the proxy pot per indicator column, summing to 1.
    - ``unit_values_pence``: pence per unit of an indicator (e.g. per EHC plan). Taken from the pot
      before the weighted proxy pot; with no ``weights`` they are scaled so the pot is spent exactly.
    - ``lump_sum_per_school_pence``, ``lump_sum_per_cluster_pence``, ``targeted_pence`` (by
      cluster): fixed sums taken first.
    - ``protection``: floor and cap on the year-on-year change per pupil.
    - ``need_indicators`` / ``need_weights``: the need measure for the capacity gap (weights
      default to equal and must sum to 1).
    - ``evidence_threshold``, ``evidence_years``, ``evidence_min_indicators``, ``top_n``: what
      counts as "clear evidence" and how many clusters to put forward.
    """

    weights: Mapping[str, float] = field(default_factory=dict)
    unit_values_pence: Mapping[str, int] = field(default_factory=dict)
    lump_sum_per_school_pence: int = 0
    lump_sum_per_cluster_pence: int = 0
    targeted_pence: Mapping[str, int] = field(default_factory=dict)
    protection: Protection | None = None
    need_indicators: tuple[str, ...] = ()
    need_weights: Mapping[str, float] = field(default_factory=dict)
    evidence_threshold: float = 1.2
    evidence_years: int = 2
    evidence_min_indicators: int = 0
    top_n: int = 10

    def __post_init__(self) -> None:
        weights = _shares(self.weights, "weight", "weights")
        units = {str(k): _as_pence(v, f"the unit value for {k}", "unit_values") for k, v in self.unit_values_pence.items()}
        both = sorted(set(units) & set(weights))
        if both:
            raise FormulaInputError(f"the indicator {both[0]} has both a weight and a unit value: give one",
                                    field="weights")
        lump_school = _as_pence(self.lump_sum_per_school_pence, "the lump sum per school", "lump_sum_per_school")
        lump_cluster = _as_pence(self.lump_sum_per_cluster_pence, "the lump sum per cluster", "lump_sum_per_cluster")
        targeted = {str(k): _as_pence(v, f"the targeted money for {k}", "targeted") for k, v in self.targeted_pence.items()}
        need = tuple(str(x) for x in self.need_indicators)
        if len(set(need)) != len(need):
            raise FormulaInputError("need_indicators lists an indicator twice", field="need_indicators")
        need_weights = _shares(self.need_weights, "need weight", "need_weights")
        if need_weights and need and set(need_weights) != set(need):
            extra = sorted(set(need_weights) ^ set(need))[0]
            raise FormulaInputError(f"need_weights and need_indicators disagree about {extra!r}", field="need_weights")
        threshold = _number(self.evidence_threshold, "evidence_threshold", "evidence_threshold")
        if not threshold > 0:
            raise FormulaInputError("evidence_threshold must be above 0", field="evidence_threshold")
        years = _whole(self.evidence_years, "evidence_years", "evidence_years")
        if years < 1:
            raise FormulaInputError("evidence_years must be 1 or more", field="evidence_years")
        top_n = _whole(self.top_n, "top_n", "top_n")
        if top_n < 1:
            raise FormulaInputError("top_n must be 1 or more", field="top_n")
        min_indicators = _whole(self.evidence_min_indicators, "evidence_min_indicators", "evidence_min_indicators")
        if min_indicators < 0:
            raise FormulaInputError("evidence_min_indicators must be 0 or more", field="evidence_min_indicators")
        for name, value in (("weights", weights), ("unit_values_pence", units), ("lump_sum_per_school_pence", lump_school),
                            ("lump_sum_per_cluster_pence", lump_cluster), ("targeted_pence", targeted),
                            ("need_indicators", need), ("need_weights", need_weights), ("evidence_threshold", threshold),
                            ("evidence_years", years), ("top_n", top_n), ("evidence_min_indicators", min_indicators)):
            object.__setattr__(self, name, value)

    @property
    def factors(self) -> tuple[str, ...]:
        """Indicator columns the allocation uses, weights first then unit values, in given order."""
        return tuple(self.weights) + tuple(self.unit_values_pence)

    def resolved_need(self, columns: Sequence[str]) -> tuple[tuple[str, ...], np.ndarray]:
        """The need indicators and their weights (equal by default) for a schools table's columns."""
        need = self.need_indicators or tuple(c for c in DEFAULT_NEED_INDICATORS if c in columns)
        missing = [c for c in need if c not in columns]
        if missing:
            raise FormulaInputError(f"need indicator {missing[0]!r} is not a column of the schools data")
        if not need:
            return (), np.zeros(0)
        if self.need_weights:
            w = np.array([self.need_weights[c] for c in need])
        else:
            w = np.full(len(need), 1.0 / len(need))
        return need, w


@dataclass(frozen=True)
class PreviousYear:
    """Last year's result per cluster: allocation in pence, pupils (optional: else this year's are
    used), and how many consecutive years the cluster's combined need ratio was over the threshold."""

    cluster: np.ndarray
    pence: np.ndarray
    pupils: np.ndarray | None = None
    years_above: np.ndarray | None = None

    def __post_init__(self) -> None:
        cluster = np.asarray(self.cluster).astype(str)
        pence = np.asarray(self.pence)
        if pence.dtype.kind not in "iu":
            raise FormulaInputError("previous allocations must be whole pence (integers)")
        if (pence < 0).any():
            raise FormulaInputError("previous allocations must not be negative")
        uniq, counts = np.unique(cluster, return_counts=True)
        if (counts > 1).any():
            raise FormulaInputError(f"cluster {uniq[counts > 1][0]} is listed more than once in last year's figures")
        object.__setattr__(self, "cluster", cluster)
        object.__setattr__(self, "pence", pence.astype(np.int64))
        if self.pupils is not None:
            object.__setattr__(self, "pupils", np.asarray(self.pupils, dtype=np.float64))
        if self.years_above is not None:
            object.__setattr__(self, "years_above", np.asarray(self.years_above, dtype=np.int64))

    def aligned(self, clusters: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(present, pence, pupils or nan, years_above) aligned to ``clusters``."""
        order = np.argsort(self.cluster)
        sc = self.cluster[order]
        pos = np.searchsorted(sc, clusters)
        pos_c = np.minimum(pos, max(sc.size - 1, 0))
        present = (sc.size > 0) & (sc[pos_c] == clusters) if sc.size else np.zeros(clusters.size, bool)
        idx = order[pos_c] if sc.size else np.zeros(clusters.size, np.int64)
        pence = np.where(present, self.pence[idx] if sc.size else 0, 0).astype(np.int64)
        pupils = (
            np.where(present, self.pupils[idx], np.nan)
            if self.pupils is not None and sc.size
            else np.full(clusters.size, np.nan)
        )
        years = (
            np.where(present, self.years_above[idx], 0).astype(np.int64)
            if self.years_above is not None and sc.size
            else np.zeros(clusters.size, np.int64)
        )
        return present, pence, pupils, years
