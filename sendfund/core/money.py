"""Money is Decimal pounds or integer pence, never float (docs/adr/0001-money.md).

Every rounding to pence goes through `to_pence`, with the rule named at the call site.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
# The widest money column in the project: DecimalField(max_digits=12, decimal_places=2).
MONEY_MAX_DIGITS = 12
MINUS = "\u2212"  # the minus sign every shown negative figure uses; a hyphen is not a minus


class MoneyError(ValueError):
    pass


def money_column_max(max_digits: int = MONEY_MAX_DIGITS) -> Decimal:
    """The largest amount a money column of `max_digits` digits (2 of them pence) can hold."""
    return Decimal(10) ** (max_digits - 2) - PENNY


# Pounds as people type them: plain digits, or thousands separated by commas; a full stop before the
# pence. ASCII digits only (re.ASCII: no full-width, superscript or other scripts' digits).
_AMOUNT = re.compile(r"£?\s*(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<pence>[0-9]*))?", re.ASCII)
_DECIMAL_COMMA = re.compile(r"£?\s*[0-9]+(?:\.[0-9]{3})*,[0-9]{1,2}", re.ASCII)
EXAMPLE = "like 1250.00 or £1,250.00"


def _refusal(cleaned: str) -> str:
    """Say what to type instead of what was typed (the messages people read on the form)."""
    lowered = cleaned.lower()
    if cleaned.startswith("-") or cleaned.startswith("−"):
        return "Enter an amount of £0.00 or more"
    if _DECIMAL_COMMA.fullmatch(cleaned):
        return f"Use a full stop before the pence, not a comma, {EXAMPLE}"
    if any(word in lowered for word in ("nan", "inf")):
        return f"Enter an amount in pounds and pence, {EXAMPLE}"
    if "e" in lowered and any(c.isdigit() for c in lowered):
        return f"Write the amount out in full, {EXAMPLE}, not as a power of ten"
    if "_" in cleaned:
        return f"Remove the underscores from the amount, {EXAMPLE}"
    if any(c.isdigit() and not ("0" <= c <= "9") for c in cleaned) or any(c in "¹²³⁰⁴⁵⁶⁷⁸⁹" for c in cleaned):
        return f"Type the amount with the digits 0 to 9, {EXAMPLE}"
    if "," in cleaned and re.fullmatch(r"£?\s*[0-9,]+(?:\.[0-9]*)?", cleaned, re.ASCII):
        return f"Put commas only between thousands, {EXAMPLE}, or leave them out"
    return f"Enter an amount in pounds and pence, {EXAMPLE}"


def parse_pounds(text: str | int | Decimal, *, maximum: Decimal | None = None,
                 max_digits: int = MONEY_MAX_DIGITS) -> Decimal:
    """Read an amount typed by a person, strictly: "1234", "1234.5", "1,234.56", "£1,234.56", spaces around.

    Refuses, with a message saying what to type: a decimal comma ("12,50"), exponents ("1e3"), underscores,
    digits other than 0-9, NaN and infinities, negative amounts, more than 2 decimal places, and amounts
    above `maximum` or above what a column of `max_digits` digits holds. Raises MoneyError.
    """
    ceiling = money_column_max(max_digits)
    if maximum is not None:
        ceiling = min(ceiling, maximum)
    if isinstance(text, bool):
        raise MoneyError(f"Enter an amount in pounds and pence, {EXAMPLE}")
    if isinstance(text, int):
        text = str(text)
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise MoneyError(f"Enter an amount in pounds and pence, {EXAMPLE}")
        text = f"{text:f}"
    cleaned = str(text).strip()
    if not cleaned:
        raise MoneyError(f"Enter an amount in pounds, {EXAMPLE}")
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise MoneyError(_refusal(cleaned))
    whole, pence = match["whole"].replace(",", ""), match["pence"]
    if pence is not None and len(pence.rstrip("0")) > 2:
        raise MoneyError("Enter an amount with no more than 2 decimal places, like 12.50")
    whole = whole.lstrip("0") or "0"
    if len(whole) > max_digits - 2:  # before Decimal: a 10,000-digit number is refused as quickly as any
        raise MoneyError(f"Enter an amount of {format_pounds(ceiling)} or less")
    value = Decimal(f"{whole}.{(pence or '')[:2]:0<2}")  # the pattern admits only ASCII digits here
    if value > ceiling:
        raise MoneyError(f"Enter an amount of {format_pounds(ceiling)} or less")
    return value


def to_pence(pounds: Decimal, *, rounding: str = ROUND_HALF_UP) -> int:
    """Pounds to whole pence. The only place money is rounded to the penny."""
    return int((pounds / PENNY).quantize(Decimal(1), rounding=rounding))


def from_pence(pence: int) -> Decimal:
    return (Decimal(int(pence)) * PENNY).quantize(PENNY)


def format_pounds(amount: Decimal | int | None, *, pence: bool = False) -> str:
    """£1,234.56, negative amounts with a true minus sign (U+2212): −£1,234.56, which screen readers
    read as "minus" and which lines up with the digits. `pence=True` when given integer pence."""
    if amount is None:
        return ""
    value = from_pence(int(amount)) if pence else Decimal(amount).quantize(PENNY)
    sign = MINUS if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def largest_remainder(total_pence: int, weights: list[Decimal] | list[int]) -> list[int]:
    """Share `total_pence` in proportion to `weights` in whole pence that sum exactly to the total.

    Ties in the remainders go to the earlier item, so the result is deterministic.
    """
    if total_pence < 0:
        raise MoneyError("Cannot share a negative amount")
    ws = [Decimal(w) for w in weights]
    if any(w < 0 for w in ws):
        raise MoneyError("Shares cannot be negative")
    whole = sum(ws)
    if not ws:
        return []
    if whole == 0:
        raise MoneyError("At least one share must be more than zero")
    exact = [Decimal(total_pence) * w / whole for w in ws]
    floors = [int(e) for e in exact]
    left = total_pence - sum(floors)
    order = sorted(range(len(ws)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors
