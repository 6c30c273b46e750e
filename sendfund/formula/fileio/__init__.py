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


from ..engine import FormulaInputError
from .cli import RunResult, build_parser, main, run
from .money import format_pence, parse_pounds
from .readers import read_previous, read_schools, read_version, version_from_dict
from .writers import OUTPUT_COLUMNS_DOC, write_allocation_csv, write_schools_csv

__all__ = [
    "OUTPUT_COLUMNS_DOC",
    "FormulaInputError",
    "RunResult",
    "build_parser",
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
