"""The pure formula engine: numpy in, whole pence and explanations out. No Django here.

Public API::

    allocate(schools, *, pot_pence, version, previous=None, school_breakdown=True) -> Allocation
    need_gap(allocation, *, version, previous=None) -> NeedGap
    sensitivity(allocation, gap, *, n_scenarios=10_000, concentration=200.0, seed=0, top_n=None) -> Sensitivity
    compare(current, proposed, *, per=None) -> Comparison
    largest_remainder(exact, total) -> int64 array

Inputs: ``SchoolTable``, ``FormulaVersion`` (with ``Protection``), ``PreviousYear``.
Errors: ``FormulaInputError`` (a ``ValueError``) with a message a user can act on.
"""

from .allocate import LUMP_CLUSTER, LUMP_SCHOOL, PROTECTION, TARGETED, Allocation, allocate, factor_component
from .need import Comparison, NeedGap, Sensitivity, compare, need_gap, sensitivity
from .rounding import largest_remainder, largest_remainder_grouped, largest_remainder_rows
from .types import (
    DEFAULT_NEED_INDICATORS,
    FormulaInputError,
    FormulaVersion,
    PreviousYear,
    Protection,
    SchoolTable,
)

__all__ = [
    "DEFAULT_NEED_INDICATORS",
    "LUMP_CLUSTER",
    "LUMP_SCHOOL",
    "PROTECTION",
    "TARGETED",
    "Allocation",
    "Comparison",
    "FormulaInputError",
    "FormulaVersion",
    "NeedGap",
    "PreviousYear",
    "Protection",
    "SchoolTable",
    "Sensitivity",
    "allocate",
    "compare",
    "factor_component",
    "largest_remainder",
    "largest_remainder_grouped",
    "largest_remainder_rows",
    "need_gap",
    "sensitivity",
]
