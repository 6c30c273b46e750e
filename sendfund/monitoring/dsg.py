"""The LA's high needs block from the DfE's dedicated schools grant tables (data/dsg-high-needs/), for context
beside all SEND money per cluster. Read from the file in the repository: nothing is downloaded."""

import csv
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings

FILE = Path(settings.BASE_DIR) / "data" / "dsg-high-needs" / "dsg_allocations_by_block_2019-20_to_2023-24.csv"
SOURCE = ("Department for Education / ESFA, dedicated schools grant allocations by block, "
          "high needs block before deductions (Open Government Licence v3.0)")


@lru_cache(maxsize=8)
def high_needs_block(*, la_code: int, path: Path = FILE) -> dict[int, Decimal]:
    """Financial year (2023 means FY 2023-24) -> the LA's high needs block before deductions, in pounds.
    Raises OSError when the published file cannot be read."""
    out: dict[int, Decimal] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["la_code"] == str(la_code):
                out[int(row["financial_year"][:4])] = Decimal(row["high_needs_block_before_deductions_gbp"]).quantize(
                    Decimal("0.01"))
    return out


def high_needs_for(*, la_code: int, financial_year: int) -> tuple[int, Decimal] | None:
    """The block for the year, or the latest year published before it (with that year). Returns (financial
    year, Decimal pounds), or None when the LA has no published year. Raises OSError when the published
    file cannot be read."""
    years = high_needs_block(la_code=la_code)
    earlier = [y for y in years if y <= financial_year]
    year = max(earlier) if earlier else (min(years) if years else None)
    return (year, years[year]) if year is not None else None
