"""Reads for schools, clusters and figures. Each runs a fixed number of queries, whatever the data."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from sendfund.accounts.scoping import clusters_in_scope
from sendfund.core.fields import whole_number

from .models import Cluster, ClusterMembership, Council, Indicator, School, SchoolFigure


def council():
    """The council this site runs for (set by la_setup), or None before any council is set up. A Council or
    None. One query. Raises nothing."""
    return Council.objects.order_by("pk").first()


def council_setups() -> list:
    """The latest setups started from the administrator's page, newest first. A list of up to ten
    CouncilSetup, with who started each. One query. Raises nothing."""
    from .models import CouncilSetup

    return list(CouncilSetup.objects.select_related("started_by")[:10])


NO_COUNCIL = "the council"  # what pages, letters and emails call the council before one is set up


def council_name() -> str:
    """The council's name for letters and emails ("Norfolk County Council"), or "the council" before setup. One
    query. Raises nothing."""
    found = council()
    return found.name if found else NO_COUNCIL


def council_name_expression() -> Coalesce:
    """`council_name` as an expression (a text column), to read with another query instead of a query of its
    own. Raises nothing."""
    return Coalesce(Subquery(Council.objects.order_by("pk").values("name")[:1]), Value(NO_COUNCIL),
                    output_field=CharField())


def _census_figures() -> QuerySet:
    return SchoolFigure.objects.filter(indicator__unit=Indicator.Unit.COUNT)


def census_years() -> list[int]:
    """Academic years for which the registry holds census counts, newest first (2022 = AY 2022/23). A list of
    ints. One query. Raises nothing."""
    return list(_census_figures().order_by("-academic_year").values_list("academic_year", flat=True).distinct())


def census_years_around(*, academic_year: int) -> tuple[Subquery, Subquery]:
    """The latest of `census_years` before `academic_year` and the first from it on, as two expressions (whole
    numbers, NULL where there is none) to read with another query instead of queries of their own. Raises
    nothing."""
    years = _census_figures().order_by()
    return (Subquery(years.filter(academic_year__lt=academic_year).order_by("-academic_year")
                     .values("academic_year")[:1]),
            Subquery(years.filter(academic_year__gte=academic_year).order_by("academic_year")
                     .values("academic_year")[:1]))


def latest_year() -> int | None:
    """The latest academic year with census counts (2018 means AY 2018/19), whatever later rates or scores
    (absence, KS4 results) are loaded. None when there are none. One query. Raises nothing."""
    return _census_figures().order_by("-academic_year").values_list("academic_year", flat=True).first()


def membership_years() -> list[int]:
    """The academic years the registry holds cluster memberships for, newest first (2022 = AY 2022/23). A list
    of ints. One query. Raises nothing."""
    return list(ClusterMembership.objects.order_by("-academic_year").values_list("academic_year", flat=True).distinct())


def indicator_list() -> list[Indicator]:
    """Every indicator, by sort order then code. A list of Indicator. One query. Raises nothing."""
    return list(Indicator.objects.all())


def cluster_list(*, user, search: str = "", academic_year: int | None) -> QuerySet:
    """The clusters `user` may see (the one scoping rule: every cluster for LA staff, their own for a cluster
    user), each with `school_count` and `pupils` in `academic_year`, searchable by cluster or school name, by
    name. A QuerySet of Cluster. Raises nothing."""
    qs = clusters_in_scope(user)
    if search:
        has_school = ClusterMembership.objects.filter(cluster=OuterRef("pk"), academic_year=academic_year,
                                                      school__name__icontains=search)
        qs = qs.filter(Q(name__icontains=search) | Q(host_school__name__icontains=search) | Exists(has_school))
    pupils = (SchoolFigure.objects.filter(school__memberships__cluster=OuterRef("pk"),
                                          school__memberships__academic_year=academic_year,
                                          academic_year=academic_year, indicator__code="pupils")
              .order_by().values("indicator").annotate(total=Sum("value")).values("total"))
    return (qs.select_related("host_school")
            .annotate(school_count=Count("memberships", filter=Q(memberships__academic_year=academic_year), distinct=True),
                      pupils=Coalesce(Subquery(pupils, output_field=IntegerField()), 0))
            .order_by("name"))


def school_list(*, search: str = "", phase: str = "", academic_year: int | None = None) -> QuerySet:
    """Every school, searchable by name, town, postcode or URN, with `cluster_name` in `academic_year`, by name.
    Council-wide by design, so it takes no user: schools are the DfE's public register and a school is not a
    cluster's record; LA staff pages only (`can_view_registry`). A QuerySet of School. Raises nothing."""
    qs = School.objects.all()
    if search:
        term = search.strip()
        q = Q(name__icontains=term) | Q(town__icontains=term) | Q(postcode__istartswith=term)
        urn = whole_number(term)  # ASCII digits only: '²'.isdigit() is true, but int('²') fails
        if urn is not None:
            q |= Q(urn=urn)
        qs = qs.filter(q)
    if phase:
        qs = qs.filter(phase=phase)
    cluster_name = (ClusterMembership.objects.filter(school=OuterRef("pk"), academic_year=academic_year)
                    .values("cluster__name")[:1])
    return qs.annotate(cluster_name=Subquery(cluster_name)).order_by("name", "urn")


@dataclass
class FigureTable:
    """Indicator columns and one row per school (or year), with totals."""

    indicators: list[Indicator]
    rows: list[dict]
    totals: dict[str, int | None]


NOT_PUBLISHED = "not published"


def _shown(value, measure):
    """A figure as a page shows it: the count, the rate or score, or NOT_PUBLISHED."""
    if value is not None:
        return value
    return measure if measure is not None else NOT_PUBLISHED


def figures_for_schools(*, schools: list[School], academic_year: int) -> FigureTable:
    """The counts (pupils, FSM, SEN...) of some schools in a year with their totals; figures the DfE did not
    publish show as such and count as 0 in the totals. A FigureTable: the count indicators, one row per
    school in the order given (each value an int, NOT_PUBLISHED, or None where the school has no figure)
    and totals by indicator code (None where no school has a figure). Two queries. Raises nothing."""
    indicators = [i for i in indicator_list() if i.unit == Indicator.Unit.COUNT]
    values = defaultdict(dict)
    for school_id, code, value in (SchoolFigure.objects.filter(school__in=schools, academic_year=academic_year,
                                                               indicator__unit=Indicator.Unit.COUNT)
                                   .values_list("school_id", "indicator__code", "value")):
        values[school_id][code] = _shown(value, None)
    rows = [{"school": s, "values": [values[s.pk].get(i.code) for i in indicators]} for s in schools]
    totals = {}
    for i in indicators:
        counts = [v for s in schools if isinstance(v := values[s.pk].get(i.code), int)]
        totals[i.code] = sum(counts) if counts else None  # no school has a figure: no total, not 0
    return FigureTable(indicators, rows, totals)


def cluster_schools(*, cluster: Cluster, academic_year: int) -> list[School]:
    """The schools in a cluster in `academic_year` (2022 = AY 2022/23), by name. A list of School. One query.
    Raises nothing."""
    return list(School.objects.filter(memberships__cluster=cluster, memberships__academic_year=academic_year)
                .order_by("name"))


def school_figures_by_year(*, school: School) -> FigureTable:
    """A school's figures in every year it has any, newest year first: a FigureTable of every indicator, one
    row per year (each value the count, the rate or score, NOT_PUBLISHED, or None where there is no figure),
    no totals. Two queries. Raises nothing."""
    indicators = indicator_list()
    values = defaultdict(dict)
    for year, code, value, measure in school.figures.values_list("academic_year", "indicator__code", "value", "measure"):
        values[year][code] = _shown(value, measure)
    rows = [{"year": y, "values": [values[y].get(i.code) for i in indicators]} for y in sorted(values, reverse=True)]
    return FigureTable(indicators, rows, {})


def school_memberships(*, school: School) -> list[ClusterMembership]:
    """The school's cluster in each academic year it had one, newest first. A list of ClusterMembership with
    its cluster loaded. One query. Raises nothing."""
    return list(school.memberships.select_related("cluster").order_by("-academic_year"))


def la_totals(*, la_code: int, academic_year: int) -> dict[str, int]:
    """Sum of each indicator over an LA's schools in a year (for checks against DfE's published totals). A
    dict of indicator code to total; figures not published count for nothing, and an indicator with none is
    left out. One query. Raises nothing."""
    qs = SchoolFigure.objects.filter(school__la_code=la_code, academic_year=academic_year, value__isnull=False)
    return dict(qs.values_list("indicator__code").annotate(total=Sum("value")).order_by())


def schools_by_urn(*, urns: Iterable[int]) -> dict[int, School]:
    """The schools with these URNs, by URN (one query); URNs the registry does not hold are left out. A dict
    of URN to School. Raises nothing."""
    return {school.urn: school for school in School.objects.filter(urn__in=list(urns))}
