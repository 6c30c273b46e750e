"""Numbers as people read them: no exponent, no trailing zeros, a true minus sign.

`Decimal("30").normalize()` is `3E+1`, which a page must never show; display goes through here.
"""

from decimal import Decimal

from .money import MINUS


def format_number(value: Decimal | int | float | str | None) -> str:
    """30, 12.5, 1,250, −3: digits only (thousands separated), trailing zeros after the point dropped."""
    if value is None or value == "":
        return ""
    d = Decimal(str(value))
    text = f"{abs(d):,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{MINUS}{text}" if d < 0 and text != "0" else text


def format_percent(fraction: float | Decimal | None, places: int = 1) -> str:
    """A fraction as a percentage with `places` decimals: 0.0185 -> 1.85% (places=2); −0.5%."""
    if fraction is None:
        return ""
    text = f"{abs(float(fraction)) * 100:.{int(places)}f}%"
    return f"{MINUS}{text}" if float(fraction) < 0 and text.strip("0.%") else text


def counted(count: int, singular: str, plural: str = "") -> str:
    """A count with its noun, as people write it: "1 row", "2 rows", "1,204 rows" ("1 entry", "2 entries" with
    `plural`). Raises nothing."""
    return f"{count:,} {singular if count == 1 else (plural or singular + 's')}"
