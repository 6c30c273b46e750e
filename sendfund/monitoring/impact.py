"""Impact over the years: the measures the LA holds per cluster and academic year (registry indicator rows,
whatever years are loaded), before and after an award, against comparable unfunded clusters.

Figures are counts of pupils in the registry (SchoolFigure by indicator code and academic year), summed over
the schools in the cluster in that year, shown as a share of pupils. Counts from 1 to 4 are shown only on
the LA officer's own pages (domain.md: small numbers).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from sendfund.accounts.permissions import roles_of
from sendfund.accounts.roles import Role
from sendfund.registry.models import Cluster, ClusterMembership, Indicator, SchoolFigure

PUPILS = "pupils"
COMPARABLE_SIZE = Decimal("0.35")  # pupils within 35% of the funded cluster's
COMPARABLE_NEED = Decimal("3.0")  # SEN support share within 3 percentage points
MAX_COMPARABLE = 5


def sees_small_numbers(user) -> bool:
    """True when the user sees counts of 1 to 4 as they are (LA officers); everyone else sees them suppressed.
    Raises nothing."""
    return roles_of(user).has_la_role(Role.LA_OFFICER)


def show_count(value: int | None, *, user) -> str:
    """A count for a page: 1 to 4 is "fewer than 5" except on the LA officer's pages. Raises nothing."""
    if value is None:
        return "Not loaded"
    if 1 <= value <= 4 and not sees_small_numbers(user):
        return "fewer than 5"
    return f"{value:,}"


def _pct(part: int | None, whole: int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def cluster_counts(*, academic_years: list[int] | None = None, clusters=None) -> dict[tuple[int, int], dict[str, int]]:
    """(cluster id, academic year) -> indicator code -> the sum over the cluster's schools that year. One
    query. Raises nothing."""
    members = ClusterMembership.objects.all()
    if clusters is not None:
        members = members.filter(cluster__in=clusters)
    if academic_years is not None:
        members = members.filter(academic_year__in=academic_years)
    school_cluster = {(m.school_id, m.academic_year): m.cluster_id for m in members.only(
        "school_id", "academic_year", "cluster_id")}
    figures = SchoolFigure.objects.filter(school_id__in={s for s, _ in school_cluster})
    if academic_years is not None:
        figures = figures.filter(academic_year__in=academic_years)
    out: dict[tuple[int, int], dict[str, int]] = {}
    rows = figures.values("school_id", "academic_year", "indicator__code").annotate(v=Sum("value")).order_by()
    for row in rows:
        cluster_id = school_cluster.get((row["school_id"], row["academic_year"]))
        if cluster_id is None:
            # the school's membership in the latest year it has one, when the figures' year has none
            years = sorted(y for (s, y) in school_cluster if s == row["school_id"])
            if not years:
                continue
            cluster_id = school_cluster[(row["school_id"], years[-1])]
        bucket = out.setdefault((cluster_id, row["academic_year"]), {})
        bucket[row["indicator__code"]] = bucket.get(row["indicator__code"], 0) + row["v"]
    return out


@dataclass(frozen=True)
class Measure:
    code: str
    name: str


def measures() -> list[Measure]:
    """The registry's indicators other than pupils, in their order, as the measures impact is shown by. One
    query. Raises nothing."""
    return [Measure(i.code, i.name) for i in Indicator.objects.exclude(code=PUPILS).order_by("sort_order", "code")]


@dataclass
class YearRow:
    academic_year: int
    pupils: int | None
    counts: dict[str, int]

    def share(self, code: str) -> Decimal | None:
        return _pct(self.counts.get(code), self.pupils)


def cluster_years(*, cluster: Cluster) -> list[YearRow]:
    """The cluster's measures in every academic year loaded. A list of YearRow, earliest first. Raises
    nothing."""
    counts = cluster_counts(clusters=[cluster])
    return [YearRow(year, c.get(PUPILS), c) for (cid, year), c in sorted(counts.items(), key=lambda kv: kv[0][1])
            if cid == cluster.pk]


@dataclass
class BeforeAfter:
    code: str
    name: str
    before: Decimal | None
    after: Decimal | None
    comparable_before: Decimal | None
    comparable_after: Decimal | None

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


def _funded_years() -> dict[int, int]:
    """Cluster id -> academic year of its first accepted award."""
    from sendfund.casework.models import Case
    from sendfund.core.years import academic_year_of

    out: dict[int, int] = {}
    for cluster_id, accepted in Case.objects.filter(accepted_at__isnull=False).values_list("cluster_id", "accepted_at"):
        year = academic_year_of(accepted.date())
        out[cluster_id] = min(out.get(cluster_id, year), year)
    return out


def cluster_impact(*, cluster: Cluster) -> Impact:
    """Each measure in the loaded year before the cluster's first award and in the latest loaded year, and the
    same change for comparable unfunded clusters (similar pupils and SEN support share in the year before),
    averaged over those clusters' pupils (their counts are pooled, so a big cluster counts for more).
    Raises nothing."""
    funded = _funded_years()
    award_year = funded.get(cluster.pk)
    counts = cluster_counts()
    mine = {y: c for (cid, y), c in counts.items() if cid == cluster.pk}
    before_year = max((y for y in mine if award_year is None or y < award_year), default=None)
    after_year = max(mine, default=None)
    if after_year == before_year:
        after_year = None
    comparable: list[Cluster] = []
    if before_year is not None:
        base = mine[before_year]
        base_sen = _pct(base.get("sen_support"), base.get(PUPILS))
        candidates = []
        for (cid, y), c in counts.items():
            if y != before_year or cid == cluster.pk or cid in funded or not c.get(PUPILS) or not base.get(PUPILS):
                continue
            size = abs(Decimal(c[PUPILS]) - base[PUPILS]) / base[PUPILS]
            sen = _pct(c.get("sen_support"), c[PUPILS])
            if size <= COMPARABLE_SIZE and base_sen is not None and sen is not None and abs(sen - base_sen) <= COMPARABLE_NEED:
                candidates.append((size + abs(sen - base_sen) / 100, cid))
        ids = [cid for _, cid in sorted(candidates)[:MAX_COMPARABLE]]
        comparable = list(Cluster.objects.filter(pk__in=ids).order_by("name"))

    def pooled(year, code):
        if year is None or not comparable:
            return None
        parts = [counts.get((c.pk, year), {}) for c in comparable]
        if any(code not in p or PUPILS not in p for p in parts):
            return None
        return _pct(sum(p[code] for p in parts), sum(p[PUPILS] for p in parts))

    rows = []
    for m in measures():
        before = _pct(mine.get(before_year, {}).get(m.code), mine.get(before_year, {}).get(PUPILS)) if before_year else None
        after = _pct(mine.get(after_year, {}).get(m.code), mine.get(after_year, {}).get(PUPILS)) if after_year else None
        rows.append(BeforeAfter(m.code, m.name, before, after, pooled(before_year, m.code), pooled(after_year, m.code)))
    return Impact(cluster, award_year, before_year, after_year, comparable, rows)
