"""Reads of funds, streams, pots and the ledger. Balances are always sums of ledger entries, never stored.

The fund, its pots and its ledger are the council's, not a cluster's (an entry names an award by its reference;
no model here has a cluster), so these reads take no user: they serve the pot and ledger pages and the API's pots
(`can_view_pot`: officers, decision makers, finance, administrators) and the Schools' Forum report (LA roles).
A cluster reads its own money through casework's awards and payments, which go through the scoping rule.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max, QuerySet, Subquery, Sum

from sendfund.core.years import academic_year_of, ay_label, financial_year_of, fy_label

from . import proration
from .models import EntryKind, Fund, LedgerEntry, Pot, Round, Stream

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Balance:
    """What a pot (or several) holds: allocated - committed = remaining; paid is part of committed."""

    allocated: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.committed

    @property
    def unpaid(self) -> Decimal:
        return self.committed - self.paid

    def __add__(self, other: "Balance") -> "Balance":
        return Balance(self.allocated + other.allocated, self.committed + other.committed, self.paid + other.paid)


@dataclass(frozen=True)
class PotRow:
    pot_id: int
    stream_id: int
    stream_kind: str
    stream_label: str
    financial_year: int
    balance: Balance

    @property
    def year_label(self) -> str:
        return fy_label(self.financial_year)


def balance_from_totals(totals: dict[str, Decimal]) -> Balance:
    """The one rule turning sums by entry kind into a balance (see LedgerEntry's docstring for signs). Returns
    a Balance in Decimal pounds (allocated, committed, paid; a missing kind counts as 0). No queries.
    Raises nothing."""
    t = {kind: Decimal(totals.get(kind) or 0).quantize(ZERO) for kind in EntryKind.values}
    return Balance(allocated=t["allocation"] + t["adjustment"],
                   committed=t["commitment"] - t["clawback"],
                   paid=t["payment"] - t["clawback"])


def balance_of_entries(entries: Iterable[LedgerEntry]) -> Balance:
    """Recompute a balance from entries in Python (objects with `kind` and `amount`). Decimal pounds. No
    queries. Raises nothing."""
    totals: dict[str, Decimal] = {}
    for entry in entries:
        totals[entry.kind] = totals.get(entry.kind, ZERO) + Decimal(entry.amount)
    return balance_from_totals(totals)


def _totals_by_pot(queryset: QuerySet[LedgerEntry]) -> dict[int, dict[str, Decimal]]:
    result: dict[int, dict[str, Decimal]] = {}
    for row in queryset.values("pot_id", "kind").annotate(total=Sum("amount")).order_by():
        result.setdefault(row["pot_id"], {})[row["kind"]] = row["total"]
    return result


def pot_balance(*, stream: Stream, financial_year: int) -> Balance:
    """One pot's balance, summed in the database (one query). A Balance in Decimal pounds; a pot with no
    entries (or no pot) is all zero. Raises nothing."""
    totals = {row["kind"]: row["total"] for row in LedgerEntry.objects.filter(
        pot__stream=stream, pot__financial_year=financial_year).values("kind").annotate(total=Sum("amount")).order_by()}
    return balance_from_totals(totals)


def pot_balance_by_id(*, pot_id: int) -> Balance:
    """One pot's balance by the pot's id, summed in the database (one query): a Balance in Decimal pounds, all
    zero for an id with no entries. Raises nothing."""
    totals = {row["kind"]: row["total"] for row in
              LedgerEntry.objects.filter(pot_id=pot_id).values("kind").annotate(total=Sum("amount")).order_by()}
    return balance_from_totals(totals)


def pot_rows(*, fund: Fund) -> list[PotRow]:
    """Every pot of a fund with its balance, by year then stream: two queries whatever the ledger's size.
    Balances in Decimal pounds. Raises nothing."""
    pots = list(Pot.objects.filter(stream__fund=fund).select_related("stream").order_by("financial_year", "stream__kind"))
    totals = _totals_by_pot(LedgerEntry.objects.filter(pot__stream__fund=fund))
    return [PotRow(pot.pk, pot.stream_id, pot.stream.kind, pot.stream.get_kind_display(), pot.financial_year,
                   balance_from_totals(totals.get(pot.pk, {}))) for pot in pots]


def fund_totals_by_year(rows: list[PotRow]) -> list[tuple[int, Balance]]:
    """The pots of each financial year added together. (financial year, Balance in Decimal pounds) pairs,
    earliest first. No queries. Raises nothing."""
    years: dict[int, Balance] = {}
    for row in rows:
        years[row.financial_year] = years.get(row.financial_year, Balance()) + row.balance
    return sorted(years.items())


@dataclass(frozen=True)
class YearBalance:
    """A year's balance, by stream and for the whole fund (label: FY 2026-27 or AY 2026/27)."""

    label: str
    year: int
    by_stream: dict[str, Balance]

    @property
    def total(self) -> Balance:
        return sum(self.by_stream.values(), Balance())


def _every_stream(by_stream: dict[str, Balance], kinds: list[str]) -> dict[str, Balance]:
    """A year with any pot shows every stream (£0.00 for one with none); a year with no pot shows none."""
    return {k: by_stream.get(k, Balance()) for k in kinds} if by_stream else {}


def balances_by_financial_year(rows: list[PotRow], *, years: list[int]) -> list[YearBalance]:
    """Every financial year in `years` (a year with no pot has nothing in it), by stream. Decimal pounds. No
    queries. Raises nothing."""
    by_year: dict[int, dict[str, Balance]] = {y: {} for y in years}
    for row in rows:
        by_year.setdefault(row.financial_year, {})[row.stream_kind] = row.balance
    kinds = sorted({r.stream_kind for r in rows})
    return [YearBalance(fy_label(y), y, _every_stream(streams, kinds)) for y, streams in sorted(by_year.items())]


def balances_by_academic_year(rows: list[PotRow], *, fund: Fund, years: list[int]) -> list[YearBalance]:
    """The pots' balances by academic year. The ledger keeps money by financial year, so each financial year's
    allocated, committed and paid figures are shared between the two academic years it spans in proportion
    to the time the fund is available in each part (proration.financial_year_parts), to the penny: the
    academic years add up to the financial years exactly. Decimal pounds. One query for the fund's streams.
    Raises nothing."""
    sums: dict[int, dict[str, dict[str, Decimal]]] = {y: {} for y in years}
    for row in rows:
        parts = proration.financial_year_parts(financial_year=row.financial_year, starts_on=fund.starts_on,
                                               ends_on=fund.ends_on, method=fund.proration_method)
        for field in ("allocated", "committed", "paid"):
            for ay, amount in proration.share_between(amount=getattr(row.balance, field), parts=parts).items():
                stream = sums.setdefault(ay, {}).setdefault(row.stream_kind, {})
                stream[field] = stream.get(field, ZERO) + amount
    kinds = sorted({r.stream_kind for r in rows})
    return [YearBalance(ay_label(y), y, _every_stream({k: Balance(**f) for k, f in streams.items()}, kinds))
            for y, streams in sorted(sums.items())]


@dataclass(frozen=True)
class PotOverview:
    rows: list[PotRow]
    streams: list[Stream]
    by_fy: list[YearBalance]
    by_ay: list[YearBalance]
    available_fy: list["YearAmount"]
    available_ay: list["YearAmount"]
    first_allocated: int | None  # the first financial year with a pot, if any
    fund_first_fy: int


def pot_overview(*, fund: Fund) -> PotOverview:
    """The pot page's figures: balances by financial and by academic year over every year from the first pot
    to the last (no year skipped), and what the fund makes available in every year from its start. Three
    queries. Decimal pounds throughout. Raises nothing."""
    rows = pot_rows(fund=fund)
    streams = fund_streams(fund=fund)
    first_fy = financial_year_of(fund.starts_on)
    pot_years = sorted({r.financial_year for r in rows})
    last = max([*pot_years, first_fy + 1])
    balance_years = list(range(pot_years[0], pot_years[-1] + 1)) if pot_years else []
    return PotOverview(
        rows=rows, streams=streams,
        by_fy=balances_by_financial_year(rows, years=balance_years),
        by_ay=balances_by_academic_year(rows, fund=fund, years=list(range(pot_years[0] - 1, pot_years[-1] + 1)))
        if pot_years else [],
        available_fy=fund_year_amounts(fund=fund, streams=streams, kind="fy", years=list(range(first_fy, last + 1))),
        available_ay=fund_year_amounts(fund=fund, streams=streams, kind="ay",
                                       years=list(range(academic_year_of(fund.starts_on), last + 1))),
        first_allocated=pot_years[0] if pot_years else None, fund_first_fy=first_fy)


def next_year_to_allocate(*, fund: Fund, overview: PotOverview | None = None) -> int:
    """The financial year the pot page offers to allocate next: the year after the last that has a pot, or the
    fund's first year. One query, none when given the pot page's overview. Raises nothing."""
    years = ([r.financial_year for r in overview.rows] if overview is not None
             else list(Pot.objects.filter(stream__fund=fund).values_list("financial_year", flat=True)))
    return max(years) + 1 if years else financial_year_of(fund.starts_on)


def reference_balance_in_pot(*, pot_id: int, reference: str) -> Balance:
    """What one award has committed and been paid from one pot. A Balance in Decimal pounds. One query. Raises
    nothing."""
    return balance_from_totals({row["kind"]: row["total"] for row in LedgerEntry.objects.filter(
        pot_id=pot_id, reference=reference).values("kind").annotate(total=Sum("amount")).order_by()})


def reference_balances(*, reference: str) -> dict[tuple[str, int], Balance]:
    """What one award (by its case reference) has committed and been paid, per stream and financial year. A
    dict of (stream kind, financial year) to Balance in Decimal pounds, empty for a reference the ledger does
    not hold. One query. Raises nothing."""
    return references_balances(references=[reference]).get(reference, {})


def references_balances(*, references: Iterable[str]) -> dict[str, dict[tuple[str, int], Balance]]:
    """`reference_balances` for many awards at once: reference -> (stream kind, financial year) -> balance.
    One query, however many references. Balances in Decimal pounds; a reference with no entries is left
    out. Raises nothing."""
    result: dict[str, dict[tuple[str, int], dict[str, Decimal]]] = {}
    rows = (LedgerEntry.objects.filter(reference__in=list(references))
            .values("reference", "pot__stream__kind", "pot__financial_year", "kind").annotate(total=Sum("amount"))
            .order_by())
    for row in rows:
        key = (row["pot__stream__kind"], row["pot__financial_year"])
        result.setdefault(row["reference"], {}).setdefault(key, {})[row["kind"]] = row["total"]
    return {ref: {key: balance_from_totals(t) for key, t in by_key.items()} for ref, by_key in result.items()}


def _funds_latest_first() -> QuerySet[Fund]:
    return Fund.objects.order_by("-starts_on")


def fund_current() -> Fund | None:
    """The fund the service runs: the most recently started one. None when there is no fund. One query. Raises
    nothing."""
    return _funds_latest_first().first()


def fund_streams(*, fund: Fund) -> list[Stream]:
    """The fund's streams (capacity, development) in order of kind. One query. Raises nothing."""
    return list(fund.streams.order_by("kind"))


def fund_current_and_streams() -> tuple[Fund | None, list[Stream]]:
    """`fund_current` and its `fund_streams`, read in one query (two when the fund has no stream). Raises
    nothing."""
    streams = list(Stream.objects.filter(fund=Subquery(_funds_latest_first().values("pk")[:1]))
                   .select_related("fund").order_by("kind"))
    return (streams[0].fund, streams) if streams else (fund_current(), [])


def fund_financial_years(*, fund: Fund, until: int | None = None) -> list[int]:
    """The financial years the fund runs in: from its start to its end (or to `until`). Years as the calendar
    year they start in (2026 = FY 2026-27). No queries. Raises nothing."""
    first = financial_year_of(fund.starts_on)
    last = financial_year_of(fund.ends_on) if fund.ends_on else (until if until is not None else first + 1)
    return list(range(first, max(first, last) + 1))


@dataclass(frozen=True)
class YearAmount:
    label: str
    year: int
    amounts: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)


def fund_year_amounts(*, fund: Fund, streams: list[Stream], kind: str = "fy", years: list[int]) -> list[YearAmount]:
    """What the fund makes available in each financial ("fy") or academic ("ay") year, by stream, prorated.
    Decimal pounds, to the penny. No queries. Raises nothing."""
    full = {s.kind: s.full_year_amount for s in streams}
    result = []
    for year in years:
        if kind == "fy":
            amounts = proration.financial_year_amounts(financial_year=year, starts_on=fund.starts_on, ends_on=fund.ends_on,
                                                       full_year_amounts=full, method=fund.proration_method)
            result.append(YearAmount(fy_label(year), year, amounts))
        else:
            amounts = proration.academic_year_amounts(academic_year=year, starts_on=fund.starts_on, ends_on=fund.ends_on,
                                                      full_year_amounts=full, method=fund.proration_method)
            result.append(YearAmount(ay_label(year), year, amounts))
    return result


def fund_academic_years(*, fund: Fund, until: int | None = None) -> list[int]:
    """The academic years the fund runs in (2026 = AY 2026/27): from the one its start falls in to the one its
    end falls in (or to `until`; a fund with no end runs two years). No queries. Raises nothing."""
    first = academic_year_of(fund.starts_on)
    last = academic_year_of(fund.ends_on) if fund.ends_on else (until if until is not None else first + 1)
    return list(range(first, max(first, last) + 1))


def ledger_entries(*, fund: Fund, financial_year: int | None = None,
                   stream_kind: str | None = None) -> QuerySet[LedgerEntry]:
    """A fund's ledger entries, newest first, with their pot, stream and actor; only financial year
    `financial_year` and stream `stream_kind` when given. A QuerySet of LedgerEntry (amounts in Decimal
    pounds). Raises nothing."""
    qs = LedgerEntry.objects.filter(pot__stream__fund=fund).select_related("pot__stream", "actor").order_by("-at", "-id")
    if financial_year is not None:
        qs = qs.filter(pot__financial_year=financial_year)
    if stream_kind:
        qs = qs.filter(pot__stream__kind=stream_kind)
    return qs


def ledger_years(*, fund: Fund) -> list[int]:
    """The financial years the fund's ledger has pots for, newest first (the ledger's year filter). A list of
    years (2026 = FY 2026-27). One query. Raises nothing."""
    from .models import Pot

    return list(Pot.objects.filter(stream__fund=fund).order_by("-financial_year")
                .values_list("financial_year", flat=True).distinct())


def round_open(*, day: dt.date | None = None) -> Round | None:
    """The round open for applications on `day` (today by default), the latest to open first. None when no
    round is open. One query. Raises nothing."""
    from django.utils import timezone

    return Round.objects.open_on(day or timezone.localdate()).select_related("fund").order_by("-opens_on").first()


def pot_allocations(*, round: Round, kind: str, financial_years: list[int]) -> dict[int, Decimal]:
    """What the round's stream of `kind` has allocated in each financial year (its full-year amount where the
    year's pot is not allocated yet): the most any single cost line of a bid can ask for. Keyed by
    financial year, Decimal pounds; empty when the round has no stream of `kind`. Two queries. Raises
    nothing."""
    stream = round.streams.filter(kind=kind).first()
    if stream is None:
        return {}
    allocated = {row["pot__financial_year"]: row["total"] for row in LedgerEntry.objects.filter(
        pot__stream=stream, pot__financial_year__in=financial_years,
        kind__in=[EntryKind.ALLOCATION, EntryKind.ADJUSTMENT]).values("pot__financial_year")
        .annotate(total=Sum("amount")).order_by()}
    return {year: Decimal(allocated.get(year, stream.full_year_amount)).quantize(ZERO) for year in financial_years}


def reference_paid_and_changed(*, references: Iterable[str]) -> dict[str, tuple[Decimal, object]]:
    """For each award reference: what it has been paid net of clawbacks, and when its ledger last moved. One
    query. Paid in Decimal pounds, the time a datetime. Raises nothing."""
    totals: dict[str, dict[str, Decimal]] = {}
    latest: dict[str, object] = {}
    rows = (LedgerEntry.objects.filter(reference__in=list(references)).values("reference", "kind")
            .annotate(total=Sum("amount"), last=Max("at")).order_by())
    for row in rows:
        totals.setdefault(row["reference"], {})[row["kind"]] = row["total"]
        latest[row["reference"]] = max(filter(None, (latest.get(row["reference"]), row["last"])))
    return {ref: (balance_from_totals(t).paid, latest[ref]) for ref, t in totals.items()}


@dataclass(frozen=True)
class PotPosition:
    """One stream's pot in one financial year: its balance and what clusters returned to it (clawed back)."""

    stream_kind: str
    stream_label: str
    balance: Balance
    clawed_back: Decimal


@dataclass(frozen=True)
class LedgerYear:
    """One financial year's ledger summed by (fund id, stream id, stream kind, reference, entry kind): read once,
    it gives the pot's position, what each award holds and each cluster's awards (monitoring.money)."""

    financial_year: int
    totals: dict[tuple[int, int, str, str, str], Decimal]


def ledger_year(*, financial_year: int) -> LedgerYear:
    """Every fund's ledger for one financial year, summed in the database. One query. Amounts in Decimal
    pounds. Raises nothing."""
    rows = (LedgerEntry.objects.filter(pot__financial_year=financial_year)
            .values_list("pot__stream__fund_id", "pot__stream_id", "pot__stream__kind", "reference", "kind")
            .annotate(total=Sum("amount")).order_by())
    return LedgerYear(financial_year, {tuple(row[:5]): row[5] for row in rows})


def _summed(totals: dict[Any, dict[str, Decimal]], key: Any, kind: str, amount: Decimal) -> None:
    by_kind = totals.setdefault(key, {})
    by_kind[kind] = by_kind.get(kind, ZERO) + amount


def pot_position(*, fund: Fund, financial_year: int, ledger: LedgerYear | None = None,
                 streams: list[Stream] | None = None) -> list[PotPosition]:
    """Every stream of the fund in one financial year (£0.00 where a stream has no pot): two queries, one with the
    year's `ledger` already read, none with the fund's `streams` (`fund_streams`) read too. A list of
    PotPosition in the streams' order, in Decimal pounds. Raises nothing."""
    ledger = ledger if ledger is not None else ledger_year(financial_year=financial_year)
    totals: dict[int, dict[str, Decimal]] = {}
    for (fund_id, stream_id, _kind, _ref, kind), amount in ledger.totals.items():
        if fund_id == fund.pk:
            _summed(totals, stream_id, kind, amount)
    return [PotPosition(s.kind, s.get_kind_display(), balance_from_totals(totals.get(s.pk, {})),
                        Decimal(totals.get(s.pk, {}).get(EntryKind.CLAWBACK) or 0).quantize(ZERO))
            for s in (streams if streams is not None else fund_streams(fund=fund))]


def reference_commitments(*, fund: Fund, financial_year: int,
                          ledger: LedgerYear | None = None) -> dict[tuple[str, str], Balance]:
    """What each award (by case reference) holds in each stream's pot of one financial year: committed (net of
    money released or clawed back) and paid. The same ledger as the pot, so they add up to its figures. One query,
    or none with the year's `ledger` already read. A dict of (reference, stream kind) to Balance in Decimal
    pounds. Raises nothing."""
    ledger = ledger if ledger is not None else ledger_year(financial_year=financial_year)
    totals: dict[tuple[str, str], dict[str, Decimal]] = {}
    for (fund_id, _stream_id, stream_kind, reference, kind), amount in ledger.totals.items():
        if fund_id == fund.pk and reference != "":
            _summed(totals, (reference, stream_kind), kind, amount)
    return {key: balance_from_totals(t) for key, t in totals.items()}


def allocated_by_stream_year(*, fund: Fund) -> dict[tuple[str, int], Decimal]:
    """The money allocated to each of a fund's pots, by (stream kind, financial year), in one query; a pot
    with nothing allocated is left out. The same rule as `pot_rows` (balance_from_totals), summed by pot.
    Decimal pounds; years as 2026 = FY 2026-27. Raises nothing."""
    totals: dict[tuple[str, int], dict[str, Decimal]] = {}
    for row in (LedgerEntry.objects.filter(pot__stream__fund=fund)
                .values("pot__stream__kind", "pot__financial_year", "kind").annotate(total=Sum("amount")).order_by()):
        totals.setdefault((row["pot__stream__kind"], row["pot__financial_year"]), {})[row["kind"]] = row["total"]
    allocated = {key: balance_from_totals(kinds).allocated for key, kinds in totals.items()}
    return {key: amount for key, amount in allocated.items() if amount}
