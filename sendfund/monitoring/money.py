"""All SEND money per cluster (product.md part 6): the formula's allocation (formula runs), awards from this
fund (the ledger) and the other SEND funding lines the LA pays (imported from its CSV), exact to the penny.
"""

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, Q, Sum, Value
from django.utils import timezone

from sendfund.accounts.permissions import roles_of
from sendfund.accounts.roles import Role
from sendfund.accounts.scoping import scope_for_user
from sendfund.core.audit import audit_record
from sendfund.core.errors import DomainError
from sendfund.core.money import MoneyError, parse_pounds
from sendfund.core.years import financial_year_of, fy_label
from sendfund.registry.models import Cluster, ClusterMembership, School

from .models import FundingImport, FundingLine

ZERO = Decimal("0.00")
COLUMNS = ["urn", "cluster", "line", "financial_year", "amount"]
REQUIRED = ["line", "financial_year", "amount"]  # and urn or cluster, or both
EARLIEST_FY = 2000
YEARS_AHEAD = 5  # a line may be planned up to five financial years ahead
FY = re.compile(r"^(?:FY\s*)?(\d{4})(?:\s*-\s*(\d{2}))?$", re.IGNORECASE)


def can_import_funding(user, obj=None) -> bool:
    return roles_of(user).has_la_role(Role.LA_OFFICER, Role.DECISION_MAKER, Role.ADMINISTRATOR)


def can_view_all_money(user, obj=None) -> bool:
    return roles_of(user).is_la_staff


def _year(text: str) -> int | None:
    match = FY.match(text.strip())
    if not match:
        return None
    start = int(match.group(1))
    if match.group(2) and int(match.group(2)) != (start + 1) % 100:
        return None
    return start


@transaction.atomic
def funding_lines_import(*, content: bytes, file_name: str, actor, illustrative: bool = False) -> FundingImport:
    """Import other SEND funding lines: columns urn or cluster (or both, which must agree), line, financial_year
    (FY 2000-01 to five years ahead), amount. A school's line counts for the cluster it is in in the academic
    year that starts in the financial year. All or nothing: any bad row, or a row that repeats another's school
    or cluster, line and year, raises DomainError listing every problem by row and column, and nothing is
    imported. A line already held for the same school or cluster, line name and year is replaced."""
    if not can_import_funding(actor):
        raise DomainError("Only an LA officer, the decision maker or an administrator can import funding lines")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(f"{file_name}: the file must be a CSV saved as UTF-8") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header] + ([] if {"urn", "cluster"} & set(header) else ["urn or cluster"])
    if missing:
        raise DomainError(f"{file_name}: the header must have the columns urn or cluster (or both), line, "
                          f"financial_year and amount; missing {', '.join(missing)}")
    schools = {s.urn: s for s in School.objects.all()}
    clusters = {c.code.lower(): c for c in Cluster.objects.all()} | {c.name.lower(): c for c in Cluster.objects.all()}
    by_pk = {c.pk: c for c in clusters.values()}
    memberships: dict[int, dict[int, int]] = {}  # school -> academic year -> cluster
    for school_id, academic_year, cluster_id in ClusterMembership.objects.values_list(
            "school_id", "academic_year", "cluster_id"):
        memberships.setdefault(school_id, {})[academic_year] = cluster_id
    last_fy = financial_year_of(timezone.localdate()) + YEARS_AHEAD
    problems, rows, seen = [], [], {}
    for n, raw in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        school = cluster = None
        year = _year(row.get("financial_year", ""))
        if year is None:
            problems.append(f"row {n}, column financial_year: '{row.get('financial_year', '')[:20]}' is not a "
                            "financial year like 2026-27")
        elif not EARLIEST_FY <= year <= last_fy:
            problems.append(f"row {n}, column financial_year: give a year from {fy_label(EARLIEST_FY)} to "
                            f"{fy_label(last_fy)}")
            year = None
        urn, named = row.get("urn", ""), row.get("cluster", "")
        if named:
            cluster = clusters.get(named.lower())
            if cluster is None:
                problems.append(f"row {n}, column cluster: '{named[:60]}' is not a cluster")
        if urn:
            if not urn.isdigit() or int(urn) not in schools:
                problems.append(f"row {n}, column urn: '{urn[:20]}' is not a school in the registry")
            else:
                school = schools[int(urn)]
                # The school's cluster in the academic year that starts in the financial year (7 of its 12 months),
                # else in the latest year before it that the registry holds.
                held = memberships.get(school.pk, {})
                years = [y for y in held if year is None or y <= year]
                cluster_id = held[max(years)] if years else None
                if cluster_id is None:
                    problems.append(f"row {n}, column urn: school {urn} is in no cluster"
                                    + (f" in {fy_label(year)}" if year is not None else ""))
                elif cluster is not None and cluster.pk != cluster_id:
                    problems.append(f"row {n}, column cluster: school {urn} is in {by_pk[cluster_id].name}"
                                    + (f" in {fy_label(year)}" if year is not None else "")
                                    + f", not {cluster.name}")
                cluster = by_pk.get(cluster_id) if cluster_id is not None else None
        elif not named:
            problems.append(f"row {n}, column urn: give a school URN or a cluster")
        if not row.get("line"):
            problems.append(f"row {n}, column line: give the funding line's name")
        amount = None
        if not row.get("amount"):
            problems.append(f"row {n}, column amount: give the amount in pounds and pence, like 1250.00")
        else:
            try:
                amount = parse_pounds(row["amount"])
            except MoneyError as exc:
                problems.append(f"row {n}, column amount: '{row['amount'][:20]}': {exc}")
        if cluster is not None and year is not None and amount is not None and row.get("line"):
            key = (school.pk if school else None, None if school else cluster.pk, row["line"][:100].lower(), year)
            if key in seen:
                problems.append(f"row {n} repeats row {seen[key]}: the same "
                                f"{'school' if school else 'cluster'}, line and year (give each line once)")
            seen.setdefault(key, n)
            rows.append((cluster, school, row["line"][:100], year, amount))
    if not problems and not rows:
        problems.append(f"{file_name}: the file has no rows")
    if problems:
        raise DomainError(f"{file_name}: nothing was imported. " + "; ".join(problems[:20])
                          + (f"; and {len(problems) - 20} more" if len(problems) > 20 else ""))
    batch = FundingImport.objects.create(file_name=file_name[:255], sha256=hashlib.sha256(content).hexdigest(),
                                         rows=len(rows), illustrative=illustrative, imported_by=actor)
    replaced = 0
    for cluster, school, line, year, _ in rows:
        replaced += FundingLine.objects.filter(
            Q(school=school) if school else Q(school__isnull=True, cluster=cluster),
            line=line, financial_year=year).exclude(batch=batch).delete()[0]
    FundingLine.objects.bulk_create(FundingLine(batch=batch, cluster=c, school=s, line=ln, financial_year=y, amount=a)
                                    for c, s, ln, y, a in rows)
    audit_record(actor=actor, verb="funding_lines.imported", target=batch, label=batch.file_name,
                 after={"rows": len(rows), "replaced": replaced, "sha256": batch.sha256,
                        "total": sum((r[4] for r in rows), ZERO), "illustrative": illustrative})
    return batch


# --- reads --------------------------------------------------------------------------------------------------

@dataclass
class ClusterMoney:
    cluster: Cluster
    formula: Decimal = ZERO
    awards: Decimal = ZERO
    lines: dict[str, Decimal] = field(default_factory=dict)

    @property
    def other(self) -> Decimal:
        return sum(self.lines.values(), ZERO)

    @property
    def total(self) -> Decimal:
        return self.formula + self.awards + self.other


@dataclass
class YearMoney:
    financial_year: int
    clusters: list[ClusterMoney]
    line_names: list[str]
    formula_run: object | None
    cluster_of_reference: dict[str, int] = field(default_factory=dict)  # each award's cluster, by case reference
    illustrative: bool = False  # some of the year's other SEND funding lines are illustrative (illustrative_years)

    @property
    def label(self) -> str:
        return fy_label(self.financial_year)

    @property
    def formula(self) -> Decimal:
        return sum((c.formula for c in self.clusters), ZERO)

    @property
    def awards(self) -> Decimal:
        return sum((c.awards for c in self.clusters), ZERO)

    @property
    def line_totals(self) -> dict[str, Decimal]:
        return {name: sum((c.lines.get(name, ZERO) for c in self.clusters), ZERO) for name in self.line_names}

    @property
    def other(self) -> Decimal:
        return sum((c.other for c in self.clusters), ZERO)

    @property
    def total(self) -> Decimal:
        return self.formula + self.awards + self.other


def money_years() -> list[int]:
    """The financial years with any SEND money to show (imported funding lines, formula runs, fund
    commitments), latest first (2026 = FY 2026-27). Three queries. Raises nothing."""
    from sendfund.formula.models import FormulaRun
    from sendfund.funds.models import LedgerEntry

    lines = FundingLine.objects.order_by().values_list("financial_year")
    runs = FormulaRun.objects.order_by().values_list("financial_year")
    awards = LedgerEntry.objects.filter(kind="commitment").order_by().values_list("pot__financial_year")
    return sorted({year for (year,) in lines.union(runs, awards).order_by()}, reverse=True)  # one query


NOT_READ = object()


def money_for_year(*, financial_year: int, clusters=None, ledger=None, run=NOT_READ,
                   allocations: dict[int, Decimal] | None = None) -> YearMoney:
    """Every cluster's SEND money in a financial year, by source: the latest allocation run for the year,
    the fund's awards (committed, net of releases and clawbacks, from the ledger, by the case's cluster)
    and each imported funding line; Decimal pounds. `clusters`: the clusters to show (a list or an unread
    QuerySet; every cluster by name when not given); `ledger` the year's ledger (funds.selectors.ledger_year) and
    `run` the year's latest allocation run (or None) when the caller has read them already, and `allocations` that
    run's allocation for each cluster (cluster id -> Decimal pounds) when the caller has read its results too.

    Queries, whatever the number of clusters: one for the cases and the funding lines together, and one each for
    what the caller has not given (the clusters, the run, its allocations, the ledger). Raises nothing.

    `clusters` come through the scoping rule when a page asks (`clusters_in_scope(user)`, or one cluster from
    `cluster_in_scope_or_404`). None means every cluster, council-wide by design: for the Schools' Forum report
    only, which LA roles alone open and which shows each cluster's public money, never a person or a pupil."""
    from sendfund.casework.models import Case
    from sendfund.formula.models import RunCluster
    from sendfund.formula.selectors import latest_allocation_run
    from sendfund.funds.models import EntryKind
    from sendfund.funds.selectors import ledger_year

    cluster_list = list(clusters if clusters is not None else Cluster.objects.order_by("name"))
    by_id = {c.pk: ClusterMoney(c) for c in cluster_list}
    run = latest_allocation_run(year=financial_year) if run is NOT_READ else run
    if run is not None:
        if allocations is None:
            allocations = dict(RunCluster.objects.filter(run=run, cluster_id__in=by_id).values_list(
                "cluster_id", "allocation"))
        for cluster_id, amount in allocations.items():
            if cluster_id in by_id:
                by_id[cluster_id].formula += amount
    # Two reads in one query (UNION ALL): each case's cluster, by reference, and the year's funding lines summed by
    # cluster, line and whether they are illustrative. A row says which it is (`is_line`).
    cases = (Case.objects.filter(cluster_id__in=by_id).order_by()
             .annotate(illustrative=Value(False), total=Value(None, output_field=DecimalField(max_digits=14, decimal_places=2)),
                       is_line=Value(False))
             .values_list("cluster_id", "reference", "illustrative", "total", "is_line"))
    lines = (FundingLine.objects.filter(financial_year=financial_year, cluster_id__in=by_id).order_by()
             .values_list("cluster_id", "line", "batch__illustrative").annotate(total=Sum("amount"), is_line=Value(True)))
    cluster_of_ref: dict[str, int] = {}
    names, illustrative = set(), False
    for cluster_id, name, line_illustrative, total, is_line in cases.union(lines, all=True).order_by():
        if not is_line:
            cluster_of_ref[name] = cluster_id
            continue
        names.add(name)
        illustrative = illustrative or line_illustrative
        money = by_id[cluster_id]
        money.lines[name] = money.lines.get(name, ZERO) + total
    ledger = ledger if ledger is not None else ledger_year(financial_year=financial_year)
    for (_fund, _stream, _stream_kind, reference, kind), amount in ledger.totals.items():
        if reference in cluster_of_ref and kind in (EntryKind.COMMITMENT, EntryKind.CLAWBACK):
            by_id[cluster_of_ref[reference]].awards += amount if kind == EntryKind.COMMITMENT else -amount
    return YearMoney(financial_year, list(by_id.values()), sorted(names), run, cluster_of_ref, illustrative)


def school_lines(*, user, cluster: Cluster, financial_year: int) -> list[FundingLine]:
    """A cluster's imported funding lines for a financial year, by school and line, with their school and
    import batch, through the scoping rule (none when `user` may not see the cluster). One query. Raises
    nothing."""
    return list(scope_for_user(FundingLine.objects.all(), user).filter(cluster=cluster, financial_year=financial_year)
                .select_related("school", "batch").order_by("school__name", "line"))


def illustrative_years() -> set[int]:
    """The financial years whose funding lines come from an illustrative (not real) import. One query. Raises
    nothing."""
    return set(FundingLine.objects.filter(batch__illustrative=True).values_list("financial_year", flat=True))


@dataclass(frozen=True)
class PerPupil:
    academic_year: int | None
    pupils: int
    send_pupils: int
    total: Decimal

    @property
    def per_pupil(self) -> Decimal | None:
        """Pounds per pupil, rounded half up to the penny (the one rounding: core.money.to_pence)."""
        from sendfund.core.money import from_pence, to_pence

        return from_pence(to_pence(self.total / self.pupils)) if self.pupils else None

    @property
    def per_send_pupil(self) -> Decimal | None:
        from sendfund.core.money import from_pence, to_pence

        return from_pence(to_pence(self.total / self.send_pupils)) if self.send_pupils else None


def per_pupil(*, year: YearMoney) -> PerPupil:
    """The year's total over the pupils (and pupils with SEN support or an EHC plan) in the clusters' schools,
    from the latest census loaded. Amounts per pupil in Decimal pounds (None with no pupils). Raises
    nothing."""
    from sendfund.registry.selectors import latest_year

    from .impact import cluster_figures

    census = latest_year()
    figures = cluster_figures(academic_years=[census]) if census is not None else {}
    ids = {c.cluster.pk for c in year.clusters}
    rows = [f.counts for (cid, _), f in figures.items() if cid in ids]
    return PerPupil(census, sum(r.get("pupils", 0) for r in rows),
                    sum(r.get("sen_support", 0) + r.get("ehc_plans", 0) for r in rows), year.total)


def la_code() -> int | None:
    """The local authority's DfE code: the one most of the registry's schools have, or None with no schools.
    One query. Raises nothing."""
    from django.db.models import Count

    row = School.objects.values("la_code").annotate(n=Count("id")).order_by("-n").first()
    return row["la_code"] if row else None
