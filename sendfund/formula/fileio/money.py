"""Money in the files: strings of pounds in, pounds with two decimals out; never floats."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

import numpy as np

from ..engine import (
    FormulaInputError,
)


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


