"""Reads for applications. Each runs a fixed number of queries, whatever the number of rows.

For casework (the layer above), what this app promises:

- `Application` (sendfund.applications.models) has `cluster`, `round`, `reference` (SCF-2026-0012, set
  when submitted), `status` (Status.DRAFT, AWAITING_SIGN_OFF, SUBMITTED), `submitted_at`,
  `wants_capacity` / `wants_development` and `streams_requested` (a list of funds.StreamKind values).
- `application_requested_amounts(*, application) -> dict[tuple[stream_kind, financial_year], Decimal]`:
  the pounds asked for per stream and financial year (2026 means FY 2026-27).
- `submitted_applications(*, user)`: submitted applications the user may see (the one scoping rule).
- A submitted application is what casework turns into a case. Casework owns the case's states; the
  application's own status stays "submitted" (nothing here changes it after submission).
- Apply-side pages of casework (for example "What the council has asked") register themselves with
  `sendfund.core.navigation.register(area="apply", url_name="casework:...")`; the cluster's
  dashboard lists them under "What the council has asked".
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import CharField, Count, OuterRef, Q, QuerySet, StringAgg, Subquery, Sum, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse

from sendfund.accounts.scoping import get_in_scope_or_404, scope_for_user
from sendfund.core import collection
from sendfund.core.privacy import identity_problems
from sendfund.formula import selectors as formula_selectors
from sendfund.registry.models import ClusterMembership, School

from .models import Activity, Application, CostAmount, CostLine, Section, Status
from .sections import (
    BY_KEY,
    ITEM_FORMS,
    ITEM_NAMES,
    ITEM_SECTIONS,
    SectionSpec,
    field_label,
    sections_for,
)

COMPLETED = collection.COMPLETED
IN_PROGRESS = collection.IN_PROGRESS
NOT_STARTED = collection.NOT_STARTED
CANNOT_START = collection.CANNOT_START


def application_queryset() -> QuerySet:
    """Applications with what every page of one shows: the cluster, the round, and the case (for its
    status). A QuerySet of Application, not scoped (use application_for_user or cluster_applications).
    Raises nothing."""
    return Application.objects.select_related("cluster", "cluster__host_school", "round", "round__fund", "case")


def application_for_user(*, user, pk: int, staff_submitted_only: bool = True) -> Application:
    """One application the user may see, or 404 (the one scoping rule). LA staff see submitted ones only.
    Raises Http404 when there is no application `pk` or the user may not see it."""
    staff_q = Q(status=Status.SUBMITTED) if staff_submitted_only else None
    return get_in_scope_or_404(application_queryset(), user, staff_q=staff_q, pk=pk)


def cluster_applications(*, user) -> QuerySet:
    """The applications of the clusters the user belongs to, newest change first (the cluster's dashboard). A
    QuerySet of Application, drafts included: only the user's own clusters' even for someone who is also LA
    staff (who see other clusters' applications once submitted, on the council's pages); none for a user in no
    cluster. Raises nothing."""
    return scope_for_user(application_queryset(), user, own_clusters=True).order_by("-updated_at", "-id")


def submitted_applications(*, user) -> QuerySet:
    """Submitted applications the user may see, with the total asked for, newest first. The total is a
    subquery per row, not a join grouped over every application, so a page of 25 sums 25 applications'
    costs however many there are (the grouped join took 1.4 s at 30,000). A QuerySet of Application, each
    with `requested_total` in Decimal pounds (None when it has no costs). Raises nothing."""
    qs = scope_for_user(application_queryset(), user, staff_q=Q(status=Status.SUBMITTED))
    asked = (CostAmount.objects.filter(cost_line__application=OuterRef("pk")).order_by()
             .values("cost_line__application").annotate(total=Sum("amount")).values("total"))
    return (qs.filter(status=Status.SUBMITTED)
            .annotate(requested_total=Subquery(asked))
            .order_by("-submitted_at", "-id"))


def application_requested_amounts(*, application: Application) -> dict[tuple[str, int], Decimal]:
    """Pounds asked for, by (stream kind, financial year). One query. Decimal pounds. Raises nothing."""
    rows = (CostAmount.objects.filter(cost_line__application=application)
            .values_list("cost_line__stream_kind", "financial_year").annotate(total=Sum("amount")).order_by())
    return {(kind, year): total for kind, year, total in rows}


def application_member_schools(*, application: Application) -> list[School]:
    """The cluster's schools in the latest academic year it has members, by name (pre-filled, never typed):
    a list of `School`, empty when the cluster has none. One query. Raises nothing."""
    latest = (ClusterMembership.objects.filter(cluster_id=application.cluster_id)
              .order_by("-academic_year").values("academic_year")[:1])
    return list(School.objects.filter(memberships__cluster_id=application.cluster_id,
                                      memberships__academic_year=Subquery(latest)).order_by("name"))


# --- the whole application, loaded once ----------------------------------------------------------------

@dataclass
class Loaded(collection.SectionsLoaded):
    application: Application
    sections: dict[str, Section]
    items: dict[str, list]
    documents: list
    specs: list[SectionSpec] = field(default_factory=list)
    member_schools: list[School] = field(default_factory=list)  # application_member_schools, read once


def _as_prefetched(instance, name: str, objects: list) -> None:
    """Hand `objects` to `instance.<name>.all()` as prefetch_related would, so reading them runs no query."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def _activities(application: Application, member_schools: list[School]) -> list[Activity]:
    """The activities, each with its schools by name. One query: the schools' ids come with each activity
    (one aggregate) and are nearly always the cluster's member schools, already read; any other school
    (one that has since left the cluster) costs one more query."""
    activities = list(Activity.objects.filter(application=application).annotate(
        school_ids=StringAgg(Cast("schools__id", CharField()), Value(","), default=Value(""),
                             filter=Q(schools__isnull=False))).order_by("id"))
    ids = {int(i) for a in activities for i in a.school_ids.split(",") if i}
    schools = {s.pk: s for s in member_schools if s.pk in ids}
    if ids - set(schools):
        schools.update((s.pk, s) for s in School.objects.filter(pk__in=ids - set(schools)))
    for activity in activities:
        chosen = [schools[int(i)] for i in activity.school_ids.split(",") if i]
        _as_prefetched(activity, "schools", sorted(chosen, key=lambda s: (s.name, s.pk)))
    return activities


def _cost_lines(application: Application) -> list[CostLine]:
    """The cost lines, each with its amounts by year, in one query (the amounts come as one aggregate)."""
    pair = Concat(Cast("amounts__financial_year", CharField()), Value(":"), Cast("amounts__amount", CharField()),
                  output_field=CharField())
    lines = list(CostLine.objects.filter(application=application).annotate(
        amounts_text=StringAgg(pair, Value(";"), default=Value(""), filter=Q(amounts__isnull=False))).order_by("id"))
    for line in lines:
        amounts = []
        for text in filter(None, line.amounts_text.split(";")):
            year, _, amount = text.partition(":")
            amounts.append(CostAmount(cost_line=line, financial_year=int(year),
                                      amount=Decimal(amount).quantize(Decimal("0.01"))))
        _as_prefetched(line, "amounts", sorted(amounts, key=lambda a: a.financial_year))
    return lines


def application_load(*, application: Application) -> Loaded:
    """Everything on the task list and check page (the cluster's member schools included), in six queries
    whatever the number of items. Raises nothing."""
    sections = {s.key: s for s in Section.objects.filter(application=application).select_related("updated_by")}
    member_schools = application_member_schools(application=application)
    activities = _activities(application, member_schools)
    costs = _cost_lines(application)
    outcomes = list(application.outcomes.all())
    documents = list(application.documents.select_related("uploaded_by"))
    return Loaded(application, sections, {"activities": activities, "costs": costs, "outcomes": outcomes},
                  documents, sections_for(application), member_schools)


def item_is_complete(*, kind: str, item, application: Application) -> bool:
    """True when an activity, cost line or outcome (`kind`) has every answer its section needs (a cost line an
    amount in every year of the bid). No queries. Raises nothing."""
    if kind == "activities":
        return bool(item.what and item.delivered_by and item.starts_on and item.ends_on
                    and len(item.schools.all()) > 0)
    if kind == "costs":
        return bool(item.category and item.description and item.recurrence
                    and item.stream_kind in application.streams_requested
                    and any(a.amount > 0 for a in item.amounts.all()))
    return bool(item.measure and item.baseline and item.target and item.by_when and item.how_measured)


def _item_problem(loaded: Loaded, kind: str) -> str:
    items = loaded.items[kind]
    name = ITEM_NAMES[kind]
    if not items:
        return f"Add at least one {name}"
    for number, item in enumerate(items, start=1):
        if not item_is_complete(kind=kind, item=item, application=loaded.application):
            return f"Finish {name} {number} first: it is missing some answers"
    return ""


def item_section_problem(*, application: Application, kind: str) -> str:
    """Why a list section cannot be marked complete ('' when it can). Raises nothing."""
    return _item_problem(application_load(application=application), kind)


def _own_status(loaded: Loaded, spec: SectionSpec) -> str:
    """A section's status before the engine's after-others rule: a list section is started once it has an item
    (or was saved) and complete when marked so with every item complete; an answers section is started once
    something is typed and complete when saved with Continue."""
    section = loaded.sections.get(spec.key)
    saved_complete = bool(section and section.completed)
    if spec.is_list:
        return collection.status_of(section, started=bool(loaded.items[spec.key]) or bool(section and section.version),
                                    complete=saved_complete and not _item_problem(loaded, spec.key))
    return collection.status_of(section, started=bool(section and any(v for v in section.answers.values())),
                                complete=saved_complete)


def section_statuses(loaded: Loaded) -> dict[str, str]:
    """Every section's task-list status (the declarations cannot start until the rest are completed). A dict
    of section key to status (COMPLETED, IN_PROGRESS, NOT_STARTED or CANNOT_START). Raises nothing."""
    return collection.section_statuses(loaded.specs, status=lambda spec: _own_status(loaded, spec))


def section_status(loaded: Loaded, spec: SectionSpec) -> str:
    """One section's task-list status (`section_statuses`). Raises KeyError when `spec` is not one of the
    sections that apply to the application (`loaded.specs`)."""
    return section_statuses(loaded)[spec.key]


def application_tasks(*, loaded: Loaded) -> list[tuple[str, list[collection.TaskRow]]]:
    """The task list, grouped, each with its status and where it leads. A list of (group title, list of
    collection.TaskRow), in task-list order. Raises nothing."""
    pk = loaded.application.pk
    return collection.task_groups(
        loaded.specs, status=lambda spec: _own_status(loaded, spec),
        url=lambda spec: (reverse("applications:items", kwargs={"pk": pk, "kind": spec.key}) if spec.is_list
                          else reverse("applications:section", kwargs={"pk": pk, "key": spec.key})))


def application_incomplete_sections(*, application: Application, loaded: Loaded | None = None) -> list[SectionSpec]:
    """The sections that apply to the application and are not completed, in task-list order: a list of
    SectionSpec (empty when it can be sent). Loads the application unless given `loaded`. Raises nothing."""
    loaded = loaded or application_load(application=application)
    statuses = section_statuses(loaded)
    return [s for s in loaded.specs if statuses[s.key] != COMPLETED]


Finding = collection.Finding

ITEM_TEXT = {"activities": ["what", "delivered_by"], "costs": ["description"],
             "outcomes": ["measure", "baseline", "target", "how_measured"]}


def _item_label(kind: str, name: str) -> str:
    return str(ITEM_FORMS[kind]().fields[name].label) if kind != "costs" else "Describe the cost"


def application_identity_findings(*, application: Application, loaded: Loaded | None = None,
                                  only: str | None = None) -> list[Finding]:
    """Everything typed that looks like a pupil's UPN or date of birth, with where it is (the engine's privacy
    screen over the application's answers and items). With `only`, just that section's. Loads the
    application unless given `loaded`. A list of collection.Finding, empty when nothing is found. Raises
    nothing."""
    loaded = loaded or application_load(application=application)
    pk = application.pk

    def texts():
        for spec in loaded.specs:
            if only and spec.key != only:
                continue
            if spec.is_list:
                for number, item in enumerate(loaded.items[spec.key], start=1):
                    url = reverse("applications:item-edit", kwargs={"pk": pk, "kind": spec.key, "item": item.pk})
                    for name in ITEM_TEXT[spec.key]:
                        yield (f"{spec.title}, {ITEM_NAMES[spec.key]} {number}", _item_label(spec.key, name),
                               getattr(item, name) or "", url)
                continue
            url = reverse("applications:section", kwargs={"pk": pk, "key": spec.key})
            for name, value in loaded.answers(spec.key).items():
                yield spec.title, field_label(spec.key, name), value, url

    return collection.identity_findings(texts(), screen=identity_problems)


def cost_totals(*, loaded: Loaded) -> dict:
    """Totals of the cost lines by stream and year, by year, and overall (Decimal pounds). Raises nothing."""
    years = loaded.application.financial_years
    by_stream_year: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for line in loaded.items["costs"]:
        for amount in line.amounts.all():
            by_stream_year[(line.stream_kind, amount.financial_year)] += amount.amount
    by_year = {y: sum((v for (k, yy), v in by_stream_year.items() if yy == y), Decimal("0.00")) for y in years}
    by_stream = {k: sum((v for (kk, _y), v in by_stream_year.items() if kk == k), Decimal("0.00"))
                 for k in loaded.application.streams_requested}
    return {"years": years, "by_stream_year": dict(by_stream_year), "by_year": by_year, "by_stream": by_stream,
            "total": sum(by_year.values(), Decimal("0.00"))}


def cluster_application_counts(*, user) -> dict[str, int]:
    """How many of the user's clusters' applications are in each status, by status. One query. Raises nothing."""
    rows = cluster_applications(user=user).values("status").annotate(n=Count("id")).order_by()
    return {r["status"]: r["n"] for r in rows}


ITEM_SECTIONS = ITEM_SECTIONS
BY_KEY = BY_KEY


EVIDENCE_NOT_READ = object()


def application_bid_warnings(*, application: Application, loaded: Loaded | None = None,
                             evidence=EVIDENCE_NOT_READ) -> list[str]:
    """Plain warnings for the check-answers page (they do not stop the bid): a capacity bid the formula evidence
    does not support, and a bid for the whole of a stream's money in a year. A few queries, whatever the bid;
    `evidence` is the cluster's capacity evidence (or None) when the caller has read it. Raises nothing."""
    from sendfund.core.money import format_pounds
    from sendfund.core.years import fy_label
    from sendfund.funds.selectors import allocated_by_stream_year

    warnings = []
    if application.wants_capacity:
        if evidence is EVIDENCE_NOT_READ:
            evidence = formula_selectors.cluster_capacity_evidence(cluster=application.cluster)
        if evidence is None:
            warnings.append("There is no formula evidence for your cluster yet, so nothing yet shows that the formula "
                            "leaves your cluster short. In 'Evidence of need (capacity)', explain what your pupils "
                            "need that your funding does not cover.")
        elif not evidence.clear_evidence:
            warnings.append(
                "The formula evidence does not show that your cluster is short of funding for its pupils' needs: the "
                "capacity stream is for clusters it does. If you still apply for capacity money, explain in 'Evidence "
                "of need (capacity)' what the formula misses, for example needs the school census does not count, a "
                "recent rise in pupils with EHC plans, or costs particular to your schools, with figures.")
    requested = (application_requested_amounts(application=application) if loaded is None
                 else cost_totals(loaded=loaded)["by_stream_year"])
    if not any(requested.values()):
        return warnings
    streams = {s.kind: s for s in application.round.streams.all()}
    allocated = allocated_by_stream_year(fund=application.round.fund)
    for (kind, year), amount in sorted(requested.items()):
        stream = streams.get(kind)
        if stream is None or not amount:
            continue
        pot = allocated.get((kind, year)) or stream.full_year_amount
        if pot and amount >= pot:
            warnings.append(f"You are asking for {format_pounds(amount)} for {stream.get_kind_display().lower()} in "
                            f"{fy_label(year)}: that is all of the {stream.get_kind_display().lower()} money for the "
                            f"year ({format_pounds(pot)}), which is shared between every cluster. Check the amounts "
                            "in 'Costs'.")
    return warnings
