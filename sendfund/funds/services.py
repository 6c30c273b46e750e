"""Writes to the pot's ledger. Every entry is appended, audited and checked against the pot's balance.

The pot can never be over-committed: a commitment locks its pot's row (`select_for_update` on
PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), re-reads the balance under the lock and
refuses what would take `remaining` below zero. Two officers deciding at the same moment are served
one after the other; the second sees the first's commitment.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from sendfund.accounts.models import User
from sendfund.core.audit import audit_record
from sendfund.core.errors import DomainError
from sendfund.core.money import format_pounds
from sendfund.core.years import financial_year_of, fy_label

from . import proration, selectors
from .models import EntryKind, Fund, LedgerEntry, Pot, Stream

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Line:
    """An amount for one stream in one financial year."""

    stream: Stream
    financial_year: int
    amount: Decimal


def _pot(stream: Stream, financial_year: int) -> Pot:
    pot, _ = Pot.objects.get_or_create(stream=stream, financial_year=financial_year)
    return pot


def _locked(pots: list[Pot]) -> list[Pot]:
    """Lock the pots' rows in a fixed order (by id), so two writers never wait on each other in a circle."""
    ids = sorted({p.pk for p in pots})
    return list(Pot.objects.select_for_update(of=("self",)).select_related("stream").filter(pk__in=ids).order_by("pk"))


def _append(*, pot: Pot, kind: str, amount: Decimal, source: str, reference: str, note: str, actor: User | None) -> LedgerEntry:
    entry = LedgerEntry.objects.create(pot=pot, kind=kind, amount=amount, source=source, reference=reference,
                                       note=note[:255], actor=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(actor=actor, verb=f"ledger.{kind}", target=pot,
                 after={"amount": amount, "source": source, "reference": reference, "entry": entry.pk})
    return entry


def _label(pot: Pot) -> str:
    return f"the {pot.stream.get_kind_display().lower()} stream in {fy_label(pot.financial_year)}"


def _allocated_already(financial_year: int) -> DomainError:
    return DomainError(f"{fy_label(financial_year)} has already been allocated. Record an adjustment to change it.")


def allocation_planned(*, fund: Fund, financial_year: int) -> dict[str, Decimal]:
    """What allocating a financial year would put in each stream, in Decimal pounds by stream kind (prorated
    from the full-year amounts), without writing anything: the confirmation page shows it and
    `pot_allocate_year` allocates it. Raises DomainError, as `pot_allocate_year` does, when the year is outside
    the fund's life (from the year it starts to the year it ends, or 10 years ahead if it has no end), before
    the first year this ledger holds, or allocated already."""
    first = financial_year_of(fund.starts_on)
    last = financial_year_of(fund.ends_on) if fund.ends_on else financial_year_of(timezone.localdate()) + 10
    if not first <= financial_year <= last:
        raise DomainError(f"Choose a financial year from {fy_label(first)} to {fy_label(last)}.")
    allocations = LedgerEntry.objects.filter(pot__stream__fund=fund, kind=EntryKind.ALLOCATION)
    ledger_starts = allocations.aggregate(first=Min("pot__financial_year"))["first"]
    if ledger_starts is not None and financial_year < ledger_starts:
        raise DomainError(f"This ledger starts in {fy_label(ledger_starts)}: the years before it were run before "
                          f"this system, so {fy_label(financial_year)} cannot be allocated here.")
    if allocations.filter(pot__financial_year=financial_year).exists():
        raise _allocated_already(financial_year)
    streams = list(fund.streams.order_by("kind"))
    return proration.financial_year_amounts(
        financial_year=financial_year, starts_on=fund.starts_on, ends_on=fund.ends_on,
        full_year_amounts={s.kind: s.full_year_amount for s in streams}, method=fund.proration_method)


@transaction.atomic
def pot_allocate_year(*, fund: Fund, financial_year: int, actor: User | None = None) -> list[LedgerEntry]:
    """Allocate a financial year's money to each stream: what `allocation_planned` says, one allocation entry a
    stream. Returns the entries. Raises DomainError as `allocation_planned` does (an adjustment changes a year
    already allocated), including when another allocation of the year lands first."""
    amounts = allocation_planned(fund=fund, financial_year=financial_year)
    streams = list(fund.streams.order_by("kind"))
    pots = _locked([_pot(s, financial_year) for s in streams])
    if LedgerEntry.objects.filter(pot__in=pots, kind=EntryKind.ALLOCATION).exists():  # another landed first
        raise _allocated_already(financial_year)
    by_stream = {p.stream_id: p for p in pots}
    return [_append(pot=by_stream[s.pk], kind=EntryKind.ALLOCATION, amount=amounts[s.kind], source="proration",
                    reference="", note=f"{fund.proration_method} of {format_pounds(s.full_year_amount)} a full year",
                    actor=actor)
            for s in streams]


@transaction.atomic
def pot_adjust(*, stream: Stream, financial_year: int, amount: Decimal, note: str, actor: User | None) -> LedgerEntry:
    """Change what a pot holds (a budget change). Raises DomainError if it would leave less than is committed."""
    if not note.strip():
        raise DomainError("Say why the pot is being adjusted", field="note")
    [pot] = _locked([_pot(stream, financial_year)])
    balance = selectors.pot_balance_by_id(pot_id=pot.pk)
    if balance.remaining + amount < 0:
        raise DomainError(f"You cannot take {format_pounds(-amount)} from {_label(pot)}: only "
                          f"{format_pounds(balance.remaining)} is not committed.", field="amount")
    return _append(pot=pot, kind=EntryKind.ADJUSTMENT, amount=amount, source="manual", reference="", note=note,
                   actor=actor)


@transaction.atomic
def ledger_commit(*, lines: list[Line], source: str, reference: str, actor: User | None) -> list[LedgerEntry]:
    """Commit money from pots for one award, all lines or none.

    Raises DomainError naming each pot that has less remaining than its line asks for.
    """
    lines = [line for line in lines if line.amount != 0]
    if any(line.amount < 0 for line in lines):
        raise DomainError("A commitment cannot be negative")
    pots = {p.pk: p for p in _locked([_pot(line.stream, line.financial_year) for line in lines])}
    pot_of = {(p.stream_id, p.financial_year): p for p in pots.values()}
    wanted: dict[int, Decimal] = {}
    for line in lines:
        pot = pot_of[(line.stream.pk, line.financial_year)]
        wanted[pot.pk] = wanted.get(pot.pk, ZERO) + line.amount
    problems = []
    for pot_id, amount in sorted(wanted.items()):
        balance = selectors.pot_balance_by_id(pot_id=pot_id)
        if amount > balance.remaining:
            pot = pots[pot_id]
            problems.append(f"{format_pounds(amount)} is more than the {format_pounds(balance.remaining)} left in "
                            f"{_label(pot)}")
    if problems:
        raise DomainError("The pot cannot cover this award: " + "; ".join(problems) + ".")
    entries = []
    for line in lines:
        pot = pot_of[(line.stream.pk, line.financial_year)]
        entries.append(_append(pot=pot, kind=EntryKind.COMMITMENT, amount=line.amount, source=source,
                               reference=reference, note="", actor=actor))
    return entries


@transaction.atomic
def ledger_release(*, reference: str, source: str, actor: User | None, note: str = "") -> list[LedgerEntry]:
    """Release whatever an award has committed but not paid (for example when it is withdrawn). Appends one
    negative commitment entry per pot with money unpaid and returns them (an empty list when nothing is
    unpaid). Raises nothing."""
    from django.db.models import Sum

    totals: dict[int, dict[str, Decimal]] = {}
    for row in (LedgerEntry.objects.filter(reference=reference).values("pot_id", "kind")
                .annotate(total=Sum("amount")).order_by()):
        totals.setdefault(row["pot_id"], {})[row["kind"]] = row["total"]
    entries = []
    for pot in _locked(list(Pot.objects.filter(pk__in=totals))):
        unpaid = selectors.balance_from_totals(totals[pot.pk]).unpaid
        if unpaid > 0:
            entries.append(_append(pot=pot, kind=EntryKind.COMMITMENT, amount=-unpaid, source=source,
                                   reference=reference, note=note, actor=actor))
    return entries


@transaction.atomic
def ledger_release_amount(*, stream: Stream, financial_year: int, amount: Decimal, reference: str, actor: User | None,
                          note: str) -> LedgerEntry:
    """Release part of what an award has committed but not paid (a reduced instalment) back to the pot.
    Raises DomainError if it is more than the award's unpaid commitment in that pot."""
    if amount <= 0:
        raise DomainError("Enter an amount of more than £0", field="amount")
    [pot] = _locked([_pot(stream, financial_year)])
    balance = selectors.reference_balance_in_pot(pot_id=pot.pk, reference=reference)
    if amount > balance.unpaid:
        raise DomainError(f"{format_pounds(amount)} is more than the {format_pounds(balance.unpaid)} still to pay on "
                          f"{reference} from {_label(pot)}.", field="amount")
    return _append(pot=pot, kind=EntryKind.COMMITMENT, amount=-amount, source="reduced", reference=reference,
                   note=note, actor=actor)


@transaction.atomic
def ledger_pay(*, stream: Stream, financial_year: int, amount: Decimal, reference: str, actor: User | None,
               note: str = "") -> LedgerEntry:
    """Record a payment against an award. Raises DomainError if it is more than the award has committed but not paid."""
    if amount <= 0:
        raise DomainError("Enter a payment of more than £0", field="amount")
    [pot] = _locked([_pot(stream, financial_year)])
    balance = selectors.reference_balance_in_pot(pot_id=pot.pk, reference=reference)
    if amount > balance.unpaid:
        raise DomainError(f"{format_pounds(amount)} is more than the {format_pounds(balance.unpaid)} still to pay on "
                          f"{reference} from {_label(pot)}.", field="amount")
    return _append(pot=pot, kind=EntryKind.PAYMENT, amount=amount, source="payment", reference=reference, note=note,
                   actor=actor)


@transaction.atomic
def ledger_clawback(*, stream: Stream, financial_year: int, amount: Decimal, reference: str, actor: User | None,
                    note: str) -> LedgerEntry:
    """Record money a cluster has returned. Raises DomainError if it is more than was paid on the award."""
    if amount <= 0:
        raise DomainError("Enter an amount of more than £0", field="amount")
    [pot] = _locked([_pot(stream, financial_year)])
    balance = selectors.reference_balance_in_pot(pot_id=pot.pk, reference=reference)
    if amount > balance.paid:
        raise DomainError(f"{format_pounds(amount)} is more than the {format_pounds(balance.paid)} paid on {reference} "
                          f"from {_label(pot)}.", field="amount")
    return _append(pot=pot, kind=EntryKind.CLAWBACK, amount=amount, source="clawback", reference=reference, note=note,
                   actor=actor)
