"""The SEND Cluster Health Check: the framework as versioned data, self-assessment, sign-off, moderation, and
the reads behind the heat-map, trends and the development-stream list (house rule 1).

A Health Check is a collection (sendfund/core/collection.py): each area is a section (`AreaRating`, a
VersionedRow). Its status changes only by a move of HEALTH_CHECK_TRANSITIONS (`workflow.py`), made by the one
workflow engine (sendfund/core/workflow.py) through `health_check_transition`.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.utils import timezone

from sendfund.accounts.scoping import get_in_scope_or_404, scope_for_user
from sendfund.core import collection
from sendfund.core.audit import audit_record
from sendfund.core.errors import DomainError
from sendfund.core.years import academic_year_of, ay_label
from sendfund.registry.models import Cluster

from . import permissions, workflow
from .models import Area, AreaRating, Framework, HealthCheck, HealthCheckStatus, Level

H = HealthCheckStatus

DEFAULT_LEVELS = [
    (1, "Not yet in place", "The cluster has not yet put this in place, or it depends on one person."),
    (2, "Emerging", "The cluster has started: some schools do this, but not yet consistently or for long."),
    (3, "Established", "Every school in the cluster does this consistently and the cluster can show it."),
    (4, "Embedded", "This is how the cluster works: it is reviewed, improved and shared with others."),
]
DEFAULT_AREAS = [
    ("leadership", "Leadership and governance of the cluster's SEND arrangements", [
        "The cluster has agreed who leads its SEND work and how decisions are made.",
        "Head teachers and governors review the cluster's SEND arrangements at least once a year.",
        "The cluster's SEND money is planned and accounted for openly."]),
    ("identifying-need", "Identifying and assessing need", [
        "Schools use a shared approach to identify needs early.",
        "Assessments lead to clear plans that are reviewed.",
        "The cluster knows the pattern of need across its schools."]),
    ("provision", "Provision and interventions", [
        "Schools offer a graduated response that the cluster has mapped.",
        "Interventions are chosen on evidence and their effect is checked.",
        "Schools share provision so pupils get what they need wherever they are."]),
    ("workforce", "Workforce development", [
        "Staff have the training their pupils' needs call for.",
        "SENCOs meet and learn from each other across the cluster.",
        "Training is planned from the cluster's picture of need."]),
    ("parents", "Working with parents and carers", [
        "Parents and carers are involved in planning and reviewing support.",
        "The cluster tells families clearly what is available and how to ask for it.",
        "The cluster asks families what works and acts on it."]),
    ("outcomes", "Outcomes and progress", [
        "The cluster tracks the progress of pupils with SEND as groups.",
        "Targets are set and checked for the cluster's SEND priorities.",
        "The cluster compares its outcomes with similar clusters."]),
    ("resources", "Use of resources", [
        "Cluster SEND money is spent on the priorities in the cluster's plan.",
        "The cluster knows the cost and effect of what it funds.",
        "Unspent money is reported and used well."]),
]


# --- the framework ---------------------------------------------------------------------------------------

def framework_ensure_default() -> Framework:
    """The current framework; the default (seven areas, four levels) as version 1 when there is none. Reading it
    is one query (no savepoint): only making the default needs a transaction."""
    current = Framework.objects.filter(is_current=True).first()
    return current if current is not None else _framework_make_default()


@transaction.atomic
def _framework_make_default() -> Framework:
    current = Framework.objects.filter(is_current=True).first()
    if current is not None:
        return current
    framework = Framework.objects.create(version=1, title="SEND Cluster Health Check", is_current=True)
    Level.objects.bulk_create(Level(framework=framework, value=v, name=n, descriptor=d) for v, n, d in DEFAULT_LEVELS)
    Area.objects.bulk_create(Area(framework=framework, code=code, title=title, order=n, statements="\n".join(s))
                             for n, (code, title, s) in enumerate(DEFAULT_AREAS, start=1))
    return framework


@transaction.atomic
def framework_new_version(*, actor) -> Framework:
    """Copy the current framework to a new version and make it current. Health Checks already started keep
    the version they were started on. Raises DomainError unless the actor is an administrator."""
    if not permissions.roles_of(actor).has_la_role(permissions.Role.ADMINISTRATOR):
        raise DomainError("Only an administrator can change the Health Check framework")
    current = framework_ensure_default()
    Framework.objects.filter(pk=current.pk).update(is_current=False)
    new = Framework.objects.create(version=current.version + 1, title=current.title, is_current=True)
    Level.objects.bulk_create(Level(framework=new, value=lv.value, name=lv.name, descriptor=lv.descriptor)
                              for lv in current.levels.all())
    Area.objects.bulk_create(Area(framework=new, code=a.code, title=a.title, order=a.order, statements=a.statements)
                             for a in current.areas.all())
    audit_record(actor=actor, verb="health_check.framework_versioned", target=new, after={"version": new.version})
    return new


# --- self-assessment -------------------------------------------------------------------------------------

@transaction.atomic
def health_check_start(*, cluster, academic_year: int, actor) -> HealthCheck:
    """Start a cluster's Health Check for an academic year, pre-filled with the previous one's levels and
    evidence for areas that carry over. Raises DomainError if the actor is not the cluster's SEND lead or
    host, or the year's Health Check exists already."""
    if not permissions.can_start_health_check(actor, cluster):
        raise DomainError("Only the cluster's SEND lead or host can start a Health Check")
    if HealthCheck.objects.filter(cluster=cluster, academic_year=academic_year).exists():
        raise DomainError(f"Your cluster has already started its Health Check for {ay_label(academic_year)}")
    framework = framework_ensure_default()
    hc = HealthCheck.objects.create(cluster=cluster, academic_year=academic_year, framework=framework)
    previous = (HealthCheck.objects.filter(cluster=cluster, academic_year__lt=academic_year)
                .order_by("-academic_year").first())
    carried = {r.area.code: r for r in previous.ratings.select_related("area")} if previous else {}
    AreaRating.objects.bulk_create(
        AreaRating(health_check=hc, area=area, level=getattr(carried.get(area.code), "level", None),
                   evidence=getattr(carried.get(area.code), "evidence", ""))
        for area in framework.areas.all())
    audit_record(actor=actor, verb="health_check.started", target=hc, label=f"{cluster.name} {hc}",
                 after={"academic_year": academic_year, "framework": framework.version,
                        "pre_filled_from": previous.academic_year if previous else None})
    return hc


@transaction.atomic
def rating_save(*, health_check: HealthCheck, area: Area, level: int | None, evidence: str, completed: bool,
                expected_version: int | None, actor) -> AreaRating:
    """Save one area's level and evidence. Raises StaleSection if someone saved it since the user opened
    it, and DomainError if the Health Check cannot be changed or the level is not on the scale."""
    hc = HealthCheck.objects.select_for_update(of=("self",)).get(pk=health_check.pk)
    if not permissions.can_edit_health_check(actor, hc):
        raise DomainError("This Health Check has been sent for sign-off, so it cannot be changed")
    if level is not None and not hc.framework.levels.filter(value=level).exists():
        raise DomainError("Select a level on the scale", field="level")
    rating = collection.section_lock(AreaRating, health_check=hc, area=area)
    collection.version_check(rating, expected_version)
    before = {"level": rating.level, "evidence": rating.evidence, "completed": rating.completed}
    collection.version_bump(rating, actor, level=level, evidence=evidence, completed=completed)
    audit_record(actor=actor, verb="health_check.area_saved", target=hc, label=f"{hc.cluster.name} {hc}",
                 before={"area": area.code, **before},
                 after={"area": area.code, "level": level, "evidence": evidence, "completed": completed})
    return rating


HEALTH_CHECK_TRANSITIONS = workflow.HEALTH_CHECK_TRANSITIONS


def health_check_transition(*, health_check: HealthCheck, to: str, actor, comments: str = "") -> HealthCheck:
    """Move a Health Check along HEALTH_CHECK_TRANSITIONS (`workflow.py`) to status `to`, with the move's audit
    event and emails. Returns the Health Check, locked and saved, with its cluster. Raises DomainError when it is
    sent back without saying what needs to change (on `reason`), the table has no move from its status to `to`,
    the actor may not make the move, or its guard fails (an area not complete or holding something that could
    identify a child, for sign-off; an area not moderated, to finish moderation)."""
    if to == H.DRAFT and not comments.strip():
        raise DomainError("Say what needs to change", field="reason")
    return HEALTH_CHECK_TRANSITIONS.transition(record=health_check, to=to, actor=actor, note=comments.strip())


def health_check_moves(*, health_check: HealthCheck, user, cluster_side_only: bool = False) -> dict:
    """The moves `user` may make from the Health Check's status, by name (a dict of core.workflow.Offer, in the
    table's order; a guard runs only when its offer's reason is read); with `cluster_side_only`, only the
    cluster's moves (for the cluster's own pages). No queries but the user's roles. Raises nothing."""
    return HEALTH_CHECK_TRANSITIONS.offered(health_check, user, cluster_side_only=cluster_side_only)


@transaction.atomic
def rating_moderate(*, health_check: HealthCheck, area: Area, agreed: bool, level: int | None, reason: str,
                    actor) -> AreaRating:
    """The LA agrees with an area's level, or sets a moderated level with a reason. Raises DomainError if the
    Health Check is not waiting for moderation, or a disagreement has no different level or no reason."""
    if not permissions.can_moderate_health_check(actor, health_check):
        raise DomainError("Only an LA officer or education specialist can moderate a Health Check")
    hc = HealthCheck.objects.select_for_update(of=("self",)).get(pk=health_check.pk)
    if hc.status != H.SUBMITTED:
        raise DomainError("Only a signed-off Health Check that has not been moderated can be moderated")
    rating = AreaRating.objects.select_for_update(of=("self",)).get(health_check=hc, area=area)
    if not agreed:
        if level is None or not hc.framework.levels.filter(value=level).exists():
            raise DomainError("Select the moderated level", field="level")
        if level == rating.level:
            raise DomainError("The moderated level is the cluster's own: select Agree instead", field="level")
        if not reason.strip():
            raise DomainError("Enter the reason for the moderated level", field="reason")
    before = {"agreed": rating.agreed, "moderated_level": rating.moderated_level, "reason": rating.moderation_reason}
    rating.agreed = agreed
    rating.moderated_level = None if agreed else level
    rating.moderation_reason = "" if agreed else reason.strip()
    rating.save(update_fields=["agreed", "moderated_level", "moderation_reason"])
    audit_record(actor=actor, verb="health_check.area_moderated", target=hc, label=f"{hc.cluster.name} {hc}",
                 before={"area": area.code, **before},
                 after={"area": area.code, "cluster_level": rating.level, "agreed": agreed,
                        "moderated_level": rating.moderated_level, "reason": rating.moderation_reason})
    return rating


# --- reads -------------------------------------------------------------------------------------------------

def health_checks_for_user(*, user) -> QuerySet:
    """The Health Checks the user may see (LA staff all, a cluster its own), latest year first then by
    cluster: a QuerySet of HealthCheck. Raises nothing."""
    return scope_for_user(HealthCheck.objects.select_related("cluster", "framework"), user).order_by(
        "-academic_year", "cluster__name")


def health_check_for_user(*, user, pk: int) -> HealthCheck:
    """One Health Check the user may see. Raises Http404 when there is none `pk` or it is another cluster's."""
    return get_in_scope_or_404(HealthCheck.objects.select_related("cluster", "framework"), user, pk=pk)


def health_check_ratings(*, health_check: HealthCheck) -> list[AreaRating]:
    """A Health Check's area ratings in the framework's order, with who last changed each. One query. Raises
    nothing."""
    return list(health_check.ratings.select_related("area", "updated_by").order_by("area__order"))


@dataclass(frozen=True)
class HeatRow:
    cluster: object
    health_check: HealthCheck
    levels: list  # final level per area, in the framework's order (None: not given)

    @property
    def mean(self) -> Decimal | None:
        given = [lv for lv in self.levels if lv is not None]
        return mean_level(sum(given), len(given))


def mean_level(total: int, given: int) -> Decimal | None:
    """The average of `given` levels adding up to `total`, to one decimal place; None when none is given."""
    return (Decimal(total) / given).quantize(Decimal("0.1")) if given else None


def _current_areas() -> list[Area]:
    areas = list(Area.objects.filter(framework__is_current=True))
    return areas or list(framework_ensure_default().areas.all())


def _signed_off_year(*, academic_year: int | None, up_to: int | None, checks: QuerySet):
    """The year asked for, or given `up_to` the latest year up to it with a signed-off Health Check among `checks`
    (a subquery)."""
    if up_to is None:
        return academic_year
    return Subquery(checks.filter(status__in=[H.SUBMITTED, H.MODERATED], academic_year__lte=up_to)
                    .order_by("-academic_year").values("academic_year")[:1])


@dataclass(frozen=True)
class LevelCounts:
    """The heat-map counted: how many of a year's signed-off Health Checks gave each final level in each area."""
    areas: list[Area]
    levels: list[Level]  # of the areas' framework, lowest first
    academic_year: int | None  # None: no signed-off Health Check
    checks: int
    counts: dict[tuple[str, int], int]  # (area code, final level among `levels`) -> Health Checks
    given: dict[str, tuple[int, int]]  # area code -> (the final levels given added up, how many were given)

    def in_area(self, area: Area) -> dict[int, int]:
        """Final level -> Health Checks giving it in the area (the framework's levels; levels no check gave are
        left out)."""
        return {level: n for (code, level), n in self.counts.items() if code == area.code}

    def mean(self, area: Area) -> Decimal | None:
        """The average final level in the area, to one decimal place (`mean_level`); None when none is given."""
        return mean_level(*self.given.get(area.code, (0, 0)))


def _level_rows(year) -> list[Area]:
    """The current framework's areas in order, once for each of the framework's levels (lowest first), each with
    the level (`level_*`), the year (`year`) and its signed-off checks (`checks`), and the area's final levels in
    that year's checks: how many gave this level (`n`), their sum and how many were given (`level_sum`,
    `levels_given`). Areas are matched by code, as in `heatmap`. One query; the counts are aggregate subqueries."""
    signed_off = HealthCheck.objects.filter(status__in=[H.SUBMITTED, H.MODERATED], academic_year=year).order_by()
    ratings = (AreaRating.objects.filter(health_check__in=signed_off.values("pk"), area__code=OuterRef("code"))
               .annotate(final=AreaRating.final_level_expression()).order_by())
    given = ratings.filter(final__isnull=False).values("area__code")
    return list(Area.objects.filter(framework__is_current=True)
                .annotate(level_pk=F("framework__levels__pk"), level_value=F("framework__levels__value"),
                          level_name=F("framework__levels__name"), level_descriptor=F("framework__levels__descriptor"),
                          year=year if isinstance(year, Subquery) else Value(year, output_field=IntegerField()),
                          checks=Subquery(signed_off.values("academic_year").annotate(n=Count("pk")).values("n")),
                          n=Subquery(ratings.filter(final=OuterRef("level_value")).values("area__code")
                                     .annotate(n=Count("pk")).values("n")),
                          level_sum=Subquery(given.annotate(total=Sum("final")).values("total")),
                          levels_given=Subquery(given.annotate(n=Count("pk")).values("n")))
                .order_by("framework", "order", "framework__levels__value"))


def level_counts(*, academic_year: int | None = None, up_to: int | None = None) -> LevelCounts:
    """The counts of `heatmap` (the same checks, areas matched by code, final levels) counted in the database,
    for reports that need only counts and averages, with the framework's levels. Given `up_to` instead of a
    year: the latest year up to it with a signed-off Health Check. One query: the framework's areas with its
    levels, each carrying its counts (`_level_rows`); making the default framework when there is none takes a few
    more, once. Raises nothing.

    Council-wide by design, so it takes no user: it serves the Schools' Forum report, which only LA roles open
    (Forum members included) and which publishes counts of clusters per level, never a cluster's own levels. A
    page that shows clusters' Health Checks uses `heatmap(user=...)`, through the scoping rule."""
    year = _signed_off_year(academic_year=academic_year, up_to=up_to, checks=HealthCheck.objects.all())
    rows = _level_rows(year)
    if not rows:
        framework_ensure_default()
        rows = _level_rows(year)
    areas = list({a.pk: a for a in rows}.values())
    levels = {r.level_pk: Level(pk=r.level_pk, framework_id=r.framework_id, value=r.level_value, name=r.level_name,
                                descriptor=r.level_descriptor)
              for r in rows if r.level_pk is not None}
    counts = {(r.code, r.level_value): r.n for r in rows if r.level_pk is not None and r.n}
    given = {r.code: (r.level_sum or 0, r.levels_given or 0) for r in rows}
    checks = (rows[0].checks or 0) if rows else 0
    return LevelCounts(areas, list(levels.values()), rows[0].year if rows and checks else None, checks, counts, given)


def heatmap(*, user, academic_year: int | None = None,
            up_to: int | None = None) -> tuple[list[Area], list[HeatRow]]:
    """The signed-off Health Check for a year of every cluster `user` may see (the one scoping rule: LA staff
    every cluster, a cluster its own, anyone else none): the final level (moderated where the LA disagreed) in
    each area of the current framework, by area code. Given `up_to` instead of a year: the latest year up to it
    with a signed-off Health Check (found in the same query; no rows when there is none). Returns (the areas in
    order, a HeatRow per cluster by name). Three queries: the framework's areas, the checks, their ratings.
    Raises nothing."""
    areas = _current_areas()
    signed_off = scope_for_user(HealthCheck.objects.filter(status__in=[H.SUBMITTED, H.MODERATED]), user)
    year = _signed_off_year(academic_year=academic_year, up_to=up_to, checks=signed_off)
    checks = (signed_off.filter(academic_year=year).select_related("cluster").order_by("cluster__name")
              .prefetch_related(Prefetch("ratings", queryset=AreaRating.objects.select_related("area"))))
    rows = []
    for hc in checks:
        by_code = {r.area.code: r.final_level for r in hc.ratings.all()}
        rows.append(HeatRow(hc.cluster, hc, [by_code.get(a.code) for a in areas]))
    return areas, rows


def disagreements(*, user, academic_year: int) -> list[AreaRating]:
    """The area ratings of a year's Health Checks `user` may see (the one scoping rule) where the LA did not agree
    with the cluster, by cluster and area. One query. Raises nothing."""
    ratings = scope_for_user(AreaRating.objects.all(), user, cluster_path="health_check__cluster")
    return list(ratings.filter(health_check__academic_year=academic_year, agreed=False)
                .select_related("health_check__cluster", "area").order_by("health_check__cluster__name", "area__order"))


def trend(*, user, cluster) -> tuple[list[int], list[tuple[str, list]]]:
    """A cluster's final level per area over the years it has signed-off Health Checks (areas by code), read
    through the scoping rule: nothing when `user` may not see the cluster's Health Checks. Returns (academic
    years, [(area title, level or None per year)]). Three queries. Raises nothing."""
    checks = list(scope_for_user(HealthCheck.objects.all(), user)
                  .filter(cluster=cluster, status__in=[H.SUBMITTED, H.MODERATED])
                  .prefetch_related("ratings__area").order_by("academic_year"))
    years = [hc.academic_year for hc in checks]
    titles: dict[str, str] = {}
    levels: dict[str, dict[int, int | None]] = {}
    for hc in checks:
        for r in sorted(hc.ratings.all(), key=lambda r: r.area.order):
            titles.setdefault(r.area.code, r.area.title)
            levels.setdefault(r.area.code, {})[hc.academic_year] = r.final_level
    return years, [(titles[code], [levels[code].get(y) for y in years]) for code in titles]


DEVELOPMENT_BELOW = Decimal("2.5")


def development_candidates(*, user, academic_year: int, rows: list[HeatRow] | None = None) -> list[HeatRow]:
    """The clusters `user` may see whose moderated Health Check shows where development money would help: an
    average below 2.5 (between emerging and established), or any area not yet in place. Lowest first: a list
    of HeatRow. `rows`: the year's heat-map read for the same user, when the caller has it already (no query
    then; three otherwise). Raises nothing."""
    if rows is None:
        _, rows = heatmap(user=user, academic_year=academic_year)
    picked = [r for r in rows if r.health_check.status == H.MODERATED and r.mean is not None
              and (r.mean < DEVELOPMENT_BELOW or 1 in r.levels)]
    return sorted(picked, key=lambda r: (r.mean, r.cluster.name))


def health_years(*, user) -> list[int]:
    """The academic years of the Health Checks `user` may see (the one scoping rule), latest first. One query.
    Raises nothing."""
    return list(scope_for_user(HealthCheck.objects.all(), user).order_by("-academic_year")
                .values_list("academic_year", flat=True).distinct())


def candidate_sentences(row: HeatRow, areas: list[Area], levels: dict[int, str]) -> list[str]:
    """What a candidate's moderated Health Check shows, in sentences for the invitation. No queries. Raises
    nothing."""
    low = [f"{a.title}: {levels.get(lv, lv)}" for a, lv in zip(areas, row.levels, strict=False)
           if lv is not None and lv <= 2]
    return [f"Average level {row.mean} across {len(areas)} areas ({ay_label(row.health_check.academic_year)}, "
            "after moderation).", *[f"- {line}" for line in low]]


@dataclass(frozen=True)
class Coverage:
    """How many clusters have a Health Check for an academic year, and where those checks are."""

    academic_year: int
    clusters: int
    by_status: dict[str, int]  # HealthCheckStatus value -> checks

    @property
    def signed_off(self) -> int:
        return self.by_status.get(H.SUBMITTED, 0) + self.by_status.get(H.MODERATED, 0)

    @property
    def started(self) -> int:
        return sum(self.by_status.values())

    @property
    def not_started(self) -> int:
        return max(self.clusters - self.started, 0)


def health_coverage(*, user, academic_year: int | None = None) -> Coverage:
    """Health Check coverage for a year (the latest year with any Health Check, else this academic year): every
    cluster `user` may see against its check's status, both through the scoping rule (LA staff: every cluster).
    Three queries at most. Raises nothing."""
    checks = scope_for_user(HealthCheck.objects.all(), user)
    if academic_year is None:
        academic_year = (checks.order_by("-academic_year").values_list("academic_year", flat=True).first()
                         or academic_year_of(timezone.localdate()))
    by_status = dict(checks.filter(academic_year=academic_year).order_by().values("status")
                     .annotate(n=Count("id")).values_list("status", "n"))
    clusters = scope_for_user(Cluster.objects.all(), user, cluster_path="pk").count()
    return Coverage(academic_year, clusters, by_status)
