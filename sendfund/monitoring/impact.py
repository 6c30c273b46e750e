"""Impact over the years: the measures the LA holds per cluster and academic year (registry indicator rows,
whatever years are loaded), before and after an award, against comparable unfunded clusters.

Two kinds of figure (registry.Indicator.unit):
- counts of pupils (census: pupils, SEN support, EHC plans, FSM...), summed over the cluster's schools that year
  and shown as a share of its pupils;
- rates and scores published per school (absence, persistent absence, Attainment 8, Progress 8), shown as the
  mean over the cluster's schools that have one, weighted by each school's pupils on roll that year (a school
  with no published figure, for example a primary for KS4, is left out, never counted as 0).

Counts from 1 to 4 are shown only on the LA officer's own pages (domain.md: small numbers); elsewhere the count
and the share it would give away are replaced by "fewer than 5".
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from sendfund.accounts.permissions import roles_of
from sendfund.accounts.roles import Role
from sendfund.core import suppression
from sendfund.registry.models import Cluster, ClusterMembership, Indicator, SchoolFigure

PUPILS = "pupils"
COMPARABLE_SIZE = Decimal("0.35")  # pupils within 35% of the funded cluster's
COMPARABLE_NEED = Decimal("3.0")  # SEN support share within 3 percentage points
MAX_COMPARABLE = 5
PLACES = {Indicator.Unit.COUNT: Decimal("0.1"), Indicator.Unit.PERCENT: Decimal("0.1"),
          Indicator.Unit.SCORE: Decimal("0.01")}


def sees_small_numbers(user) -> bool:
    """True when the user sees counts of 1 to 4 as they are (LA officers); everyone else sees them suppressed.
    Raises nothing."""
    return roles_of(user).has_la_role(Role.LA_OFFICER)


def show_count(value: int | None, *, user) -> str:
    """A count for a page: small counts read "fewer than 5" (sendfund.core.suppression, the one rule) except on
    the LA officer's pages."""
    if value is not None and sees_small_numbers(user):
        return f"{value:,}"
    return suppression.show_count(value)


def _pct(part: int | None, whole: int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Measure:
    code: str
    name: str
    unit: str = Indicator.Unit.COUNT

    @property
    def is_count(self) -> bool:
        return self.unit == Indicator.Unit.COUNT

    @property
    def heading(self) -> str:
        """The measure as a column or row heading, saying what its figure is."""
        if self.is_count:
            return f"{self.name} (% of pupils)"
        return self.name if self.unit == Indicator.Unit.PERCENT else f"{self.name} (mean)"


@dataclass
class ClusterYear:
    """One cluster's figures in one academic year."""

    counts: dict[str, int] = field(default_factory=dict)
    weighted: dict[str, tuple[Decimal, int]] = field(default_factory=dict)  # code -> (sum of figure x pupils, pupils)

    @property
    def pupils(self) -> int | None:
        return self.counts.get(PUPILS)

    def has(self, m: Measure) -> bool:
        return m.code in (self.counts if m.is_count else self.weighted)

    def value(self, m: Measure) -> Decimal | None:
        """A count's share of pupils (%), or a rate's or score's pupil-weighted mean."""
        if m.is_count:
            return _pct(self.counts.get(m.code), self.pupils)
        total, weight = self.weighted.get(m.code, (Decimal(0), 0))
        return (total / weight).quantize(PLACES[m.unit], rounding=ROUND_HALF_UP) if weight else None

    def add(self, other: "ClusterYear") -> None:
        for code, n in other.counts.items():
            self.counts[code] = self.counts.get(code, 0) + n
        for code, (total, weight) in other.weighted.items():
            mine = self.weighted.get(code, (Decimal(0), 0))
            self.weighted[code] = (mine[0] + total, mine[1] + weight)


def cluster_figures(*, academic_years: list[int] | None = None, clusters=None) -> dict[tuple[int, int], ClusterYear]:
    """(cluster id, academic year) -> the cluster's figures: counts summed over its schools that year, rates and
    scores weighted by each school's pupils on roll. A school's figure counts for its cluster that year, or for its
    cluster in the latest year it has one when that year has none (memberships of `clusters` in `academic_years`
    only). Figures the DfE did not publish are left out. One query: each figure with its cluster, found in the
    database. Raises nothing.

    Takes no user: the figures are the DfE's published school census summed per cluster, not a cluster's records.
    Every cluster's (`clusters` None) serves the Forum report and all SEND money (LA pages) and the pooled
    comparison of `cluster_impact`; a page that shows them per cluster shows small counts only as
    `show_count` allows."""
    members = ClusterMembership.objects.order_by()
    if clusters is not None:
        members = members.filter(cluster__in=clusters)
    if academic_years is not None:
        members = members.filter(academic_year__in=academic_years)
    that_year = members.filter(school=OuterRef("school_id"), academic_year=OuterRef("academic_year"))
    latest = members.filter(school=OuterRef("school_id")).order_by("-academic_year")
    figures = SchoolFigure.objects.filter(school_id__in=members.values("school_id"), indicator__isnull=False)
    if academic_years is not None:
        figures = figures.filter(academic_year__in=academic_years)
    rows = list(figures.annotate(cluster=Coalesce(Subquery(that_year.values("cluster_id")[:1]),
                                                  Subquery(latest.values("cluster_id")[:1])))
                .values_list("cluster", "school_id", "academic_year", "indicator__code", "indicator__unit", "value",
                             "measure").order_by())
    pupils = {(s, y): v for _c, s, y, code, _u, v, _m in rows if code == PUPILS and v is not None}
    out: dict[tuple[int, int], ClusterYear] = {}
    for cluster_id, school_id, year, code, unit, value, measure in rows:
        bucket = out.setdefault((cluster_id, year), ClusterYear())
        if unit == Indicator.Unit.COUNT:
            if value is not None:
                bucket.counts[code] = bucket.counts.get(code, 0) + value
        elif measure is not None and pupils.get((school_id, year)):
            bucket.add(ClusterYear(weighted={code: (measure * pupils[(school_id, year)], pupils[(school_id, year)])}))
    return out


def cluster_counts(*, academic_years: list[int] | None = None, clusters=None) -> dict[tuple[int, int], dict[str, int]]:
    """(cluster id, academic year) -> indicator code -> count of pupils summed over the cluster's schools that
    year (the counts of `cluster_figures`, for reports that show counts only). One query. Raises nothing."""
    return {key: figures.counts for key, figures in
            cluster_figures(academic_years=academic_years, clusters=clusters).items()}


def year_cell(m: Measure, figures: ClusterYear, *, user) -> str:
    """One cell of the every-year table: a count with its share of pupils, or a rate or score."""
    if m.is_count:
        count = figures.counts.get(m.code)
        shown = show_count(count, user=user)
        share = figures.value(m)
        withheld = count is None or shown != f"{count:,}"  # a hidden count's share would give it away
        return shown if share is None or withheld else f"{shown} ({share}%)"
    value = figures.value(m)
    if value is None:
        return "Not loaded"
    return f"{value}%" if m.unit == Indicator.Unit.PERCENT else f"{value}"


def measures() -> list[Measure]:
    return [Measure(i.code, i.name, i.unit)
            for i in Indicator.objects.exclude(code=PUPILS).order_by("sort_order", "code")]


@dataclass
class YearRow:
    academic_year: int
    figures: ClusterYear

    @property
    def pupils(self) -> int | None:
        return self.figures.pupils

    @property
    def counts(self) -> dict[str, int]:
        return self.figures.counts

    def share(self, code: str) -> Decimal | None:
        return _pct(self.counts.get(code), self.pupils)


def cluster_years(*, cluster: Cluster) -> list[YearRow]:
    """The cluster's measures in every academic year loaded."""
    figures = cluster_figures(clusters=[cluster])
    return [YearRow(year, f) for (cid, year), f in sorted(figures.items(), key=lambda kv: kv[0][1])
            if cid == cluster.pk]


@dataclass
class BeforeAfter:
    measure: Measure
    before: Decimal | None
    after: Decimal | None
    comparable_before: Decimal | None
    comparable_after: Decimal | None
    hidden: bool = False  # a count of 1 to 4 pupils behind one of the figures, not shown to this reader

    @property
    def code(self) -> str:
        return self.measure.code

    @property
    def name(self) -> str:
        return self.measure.name

    @property
    def change(self) -> Decimal | None:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def comparable_change(self) -> Decimal | None:
        if self.comparable_before is None or self.comparable_after is None:
            return None
        return self.comparable_after - self.comparable_before

    @property
    def difference(self) -> Decimal | None:
        if self.change is None or self.comparable_change is None:
            return None
        return self.change - self.comparable_change


@dataclass
class Impact:
    cluster: Cluster
    award_year: int | None  # the academic year the first award was accepted in
    before_year: int | None
    after_year: int | None
    comparable: list[Cluster]
    rows: list[BeforeAfter]
    years: list[YearRow] = field(default_factory=list)  # the cluster's figures in every year loaded

    @property
    def not_loaded_after(self) -> list[str]:
        """Measures held for the year before but not for the latest year (for example 2018-19 absence)."""
        return [r.name for r in self.rows if r.before is not None and r.after is None and not r.hidden]


def _funded_years() -> dict[int, int]:
    """Cluster id -> academic year of its first accepted award."""
    from sendfund.casework.models import Case
    from sendfund.core.years import academic_year_of

    out: dict[int, int] = {}
    for cluster_id, accepted in Case.objects.filter(accepted_at__isnull=False).values_list("cluster_id", "accepted_at"):
        year = academic_year_of(accepted.date())
        out[cluster_id] = min(out.get(cluster_id, year), year)
    return out


def _comparable(cluster: Cluster, base: ClusterYear | None, year: int | None, figures, funded) -> list[Cluster]:
    """Unfunded clusters with pupils within 35% and an SEN support share within 3 points in `year`, closest first."""
    if base is None or not base.pupils:
        return []
    base_sen = _pct(base.counts.get("sen_support"), base.pupils)
    if base_sen is None:
        return []
    candidates = []
    for (cid, y), f in figures.items():
        if y != year or cid == cluster.pk or cid in funded or not f.pupils:
            continue
        size = abs(Decimal(f.pupils) - base.pupils) / base.pupils
        sen = _pct(f.counts.get("sen_support"), f.pupils)
        if size <= COMPARABLE_SIZE and sen is not None and abs(sen - base_sen) <= COMPARABLE_NEED:
            candidates.append((size + abs(sen - base_sen) / 100, cid))
    ids = [cid for _, cid in sorted(candidates)[:MAX_COMPARABLE]]
    return list(Cluster.objects.filter(pk__in=ids).order_by("name"))


def cluster_impact(*, cluster: Cluster, hide_small: bool = False, measures_: list[Measure] | None = None) -> Impact:
    """Each measure in the loaded year before the cluster's first award and in the latest loaded year, and the
    same change for comparable unfunded clusters (similar pupils and SEN support share in the year before),
    pooled over those clusters (their counts and pupil weights are added, so a big cluster counts for more).
    `hide_small`: a share resting on a count of 1 to 4 pupils is not given (the row says so instead).
    `measures_`: the measures, when the caller has read them already. `cluster` is one the reader may see
    (loaded through the scoping rule); the comparable clusters are named, with their census figures pooled, on
    the cluster's own page by design: those are the DfE's public figures, and who holds an award is published
    as open data. Raises nothing."""
    funded = _funded_years()
    award_year = funded.get(cluster.pk)
    figures = cluster_figures()
    mine = {y: f for (cid, y), f in figures.items() if cid == cluster.pk}
    before_year = max((y for y in mine if award_year is None or y < award_year), default=None)
    after_year = max(mine, default=None)
    if after_year == before_year:
        after_year = None
    comparable = _comparable(cluster, mine.get(before_year), before_year, figures, funded)

    def pooled(year) -> ClusterYear | None:
        if year is None or not comparable:
            return None
        total = ClusterYear()
        for c in comparable:
            total.add(figures.get((c.pk, year), ClusterYear()))
        return total

    def small(f: ClusterYear | None, m: Measure) -> bool:
        return hide_small and m.is_count and f is not None and suppression.is_small(f.counts.get(m.code))

    pooled_before, pooled_after = pooled(before_year), pooled(after_year)
    mine_before, mine_after = mine.get(before_year), mine.get(after_year)

    def each_has(year, m: Measure) -> bool:
        return all(figures.get((c.pk, year), ClusterYear()).has(m) for c in comparable)

    rows = []
    for m in measures() if measures_ is None else measures_:
        hidden = any(small(f, m) for f in (mine_before, mine_after, pooled_before, pooled_after))
        if hidden:
            rows.append(BeforeAfter(m, None, None, None, None, hidden=True))
            continue
        rows.append(BeforeAfter(
            m, mine_before.value(m) if mine_before else None, mine_after.value(m) if mine_after else None,
            pooled_before.value(m) if pooled_before and each_has(before_year, m) else None,
            pooled_after.value(m) if pooled_after and each_has(after_year, m) else None))
    return Impact(cluster, award_year, before_year, after_year, comparable, rows,
                  [YearRow(year, mine[year]) for year in sorted(mine)])
