"""Money is Decimal pounds or integer pence, never float (docs/adr/0001-money.md).

Every rounding to pence goes through `to_pence`, with the rule named at the call site.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")
MINUS = "\u2212"  # the minus sign every shown negative figure uses; a hyphen is not a minus


class MoneyError(ValueError):
    pass


def parse_pounds(text: str | int | Decimal) -> Decimal:
    """Read an amount typed by a person: "£1,234.56", "1234.5", "1234". Refuses more than two decimals."""
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int):
        value = Decimal(text)
    else:
        cleaned = str(text).strip().replace(",", "").replace("£", "").strip()
        if not cleaned:
            raise MoneyError("Enter an amount")
        try:
            value = Decimal(cleaned)
        except InvalidOperation as exc:
            raise MoneyError("Enter an amount in pounds and pence, like 1250.00") from exc
    if not value.is_finite():
        raise MoneyError("Enter an amount in pounds and pence, like 1250.00")
    if value.as_tuple().exponent < -2:
        raise MoneyError("Enter an amount with no more than 2 decimal places")
    return value.quantize(PENNY)


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
    value = from_pence(amount) if pence else Decimal(amount).quantize(PENNY)
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
