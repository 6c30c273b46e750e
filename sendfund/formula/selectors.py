"""Reads for the formula: versions, runs, and a cluster's capacity evidence.

Each selector runs a fixed number of queries, whatever the number of clusters or schools.

Versions and runs are the council's, so their reads take no user: a run's results list every cluster by design,
for LA staff pages and the API's runs (`can_view_formula`) and the Schools' Forum report (LA roles). A cluster's
users see only their own result: `cluster_capacity_evidence` of a cluster the page loaded through the scoping
rule (`cluster_in_scope_or_404`, or the cluster of an application loaded through it).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypedDict, cast

import numpy as np
from django.db.models import CharField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat

from sendfund.core.money import from_pence, to_pence
from sendfund.core.years import ay_label, fy_label
from sendfund.registry.models import Cluster, ClusterMembership, Indicator, SchoolFigure

from . import engine
from .fileio import version_from_dict
from .models import FactorKind, FormulaRun, FormulaVersion, RunCluster, RunComponent, RunKind, RunNeed

PUPILS = "pupils"


# --- versions ---------------------------------------------------------------------------------


def version_list() -> QuerySet:
    """Every formula version, latest `valid_from` first then by name, with its factors prefetched: a QuerySet
    of FormulaVersion. Raises nothing."""
    return FormulaVersion.objects.prefetch_related("factors__indicator").order_by("-valid_from", "name")


def version_get(*, pk: int) -> FormulaVersion:
    """One version with its factors and targeted amounts prefetched. Raises FormulaVersion.DoesNotExist when
    there is no version `pk`."""
    return FormulaVersion.objects.prefetch_related("factors__indicator", "targeted__cluster").get(pk=pk)


def version_in_use(*, version: FormulaVersion) -> bool:
    """True when a run has used the version (it can then never change). One query. Raises nothing."""
    return FormulaRun.objects.filter(version=version).exists()


def _money(d: Decimal | None) -> str:
    return f"{(d or Decimal(0)):.2f}"


def version_document(*, version: FormulaVersion) -> dict:
    """The version in the file format of README.md (money as strings of pounds): what the engine reads, what a
    run stores, and what `formula_allocate --version` accepts. Shares as strings of decimals; empty parts
    left out. No queries beyond the prefetched factors. Raises nothing."""
    factors = list(version.factors.all())
    doc: dict = {
        "name": version.name,
        "valid_from": version.valid_from.isoformat(),
        "weights": {f.indicator.code: str(f.value.normalize()) for f in factors if f.kind == FactorKind.WEIGHT},
        "unit_values": {f.indicator.code: _money(f.value) for f in factors if f.kind == FactorKind.UNIT},
        "lump_sum_per_school": _money(version.lump_sum_per_school),
        "lump_sum_per_cluster": _money(version.lump_sum_per_cluster),
        "targeted": {t.cluster.code: _money(t.amount) for t in version.targeted.all()},
        "need_weights": {f.indicator.code: str(f.value.normalize()) for f in factors if f.kind == FactorKind.NEED},
        "evidence_threshold": str(version.evidence_threshold),
        "evidence_years": version.evidence_years,
        "evidence_min_indicators": version.evidence_min_indicators,
        "top_n": version.top_n,
    }
    if doc["need_weights"]:
        doc["need_indicators"] = list(doc["need_weights"])
    if version.protection_floor is not None or version.protection_cap is not None:
        doc["protection"] = {
            "floor": None if version.protection_floor is None else str(version.protection_floor),
            "cap": None if version.protection_cap is None else str(version.protection_cap),
            "per": PUPILS,
        }
    return {k: v for k, v in doc.items() if v not in ({}, None)}


def engine_version(*, document: dict, columns: tuple[str, ...] | None = None) -> engine.FormulaVersion:
    """The engine's FormulaVersion for a stored version document (money in whole pence). Raises
    FormulaInputError, its message starting with the document's name, when the document breaks a version
    rule (engine/types.py) or, given `columns`, names a column the schools data does not have."""
    return version_from_dict(document, name=document.get("name", "version"), columns=columns)


# --- the figures a run reads ------------------------------------------------------------------


@dataclass
class RunInputs:
    table: engine.SchoolTable | None  # None when no school is in a cluster that year
    clusters: dict[str, Cluster]  # code -> cluster
    school_ids: dict[str, int]  # URN -> school id
    indicators: list[Indicator]
    sha256: str


def run_inputs(*, academic_year: int, document: dict, pot_pence: int, previous: FormulaRun | None,
               scenarios: int, seed: int, evidence: FormulaRun | None = None) -> RunInputs:
    """Every school in a cluster in the year, with its census figures (missing figures count as 0), and the
    SHA-256 of all of it with the parameters: the identity of a run's inputs. Four queries. `table` is None
    when no school is in a cluster that year; `clusters` maps cluster code to Cluster and `school_ids` URN
    to school id. Raises FormulaInputError only if the registry holds a negative count."""
    memberships = list(ClusterMembership.objects.filter(academic_year=academic_year)
                       .values_list("school_id", "school__urn", "cluster_id"))
    clusters = {c.pk: c for c in Cluster.objects.filter(pk__in={m[2] for m in memberships})}
    # Only counts enter the formula (rates and scores such as absence are never summed); a figure the DfE did
    # not publish counts as 0, like a missing one.
    indicators = list(Indicator.objects.filter(figures__academic_year=academic_year, unit=Indicator.Unit.COUNT)
                      .distinct().order_by("sort_order", "code"))
    values: dict[int, dict[str, int]] = defaultdict(dict)
    for school_id, code, value in SchoolFigure.objects.filter(
            academic_year=academic_year, school_id__in=[m[0] for m in memberships], value__isnull=False,
            indicator__unit=Indicator.Unit.COUNT).values_list(
            "school_id", "indicator__code", "value"):
        if value is not None:  # never: the filter leaves out figures not published
            values[school_id][code] = value
    memberships.sort(key=lambda m: m[1])
    codes = [i.code for i in indicators]
    table = engine.SchoolTable(
        urn=np.array([str(m[1]) for m in memberships]),
        cluster=np.array([clusters[m[2]].code for m in memberships]),
        values={c: np.array([float(values[m[0]].get(c, 0)) for m in memberships]) for c in codes},
    ) if memberships else None
    identity = {
        "academic_year": academic_year,
        "schools": [[m[1], clusters[m[2]].code, [values[m[0]].get(c, 0) for c in codes]] for m in memberships],
        "indicators": codes,
        "parameters": document,
        "pot_pence": pot_pence,
        "previous": previous.inputs_sha256 if previous else None,
        "evidence_previous": evidence.inputs_sha256 if evidence else None,
        "scenarios": scenarios,
        "seed": seed,
    }
    sha = hashlib.sha256(json.dumps(identity, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    return RunInputs(table=table, clusters={c.code: c for c in clusters.values()},
                     school_ids={str(m[1]): m[0] for m in memberships}, indicators=indicators, sha256=sha)


def previous_run(*, financial_year: int) -> FormulaRun | None:
    """Last year's adopted allocation (the latest allocation run for the year before). None when there is
    none. One query. Raises nothing."""
    return (FormulaRun.objects.filter(financial_year=financial_year - 1, kind=RunKind.ALLOCATION)
            .order_by("-created_at", "-id").first())


def evidence_run(*, academic_year: int, before: FormulaRun | None = None) -> FormulaRun | None:
    """The run whose evidence a run on `academic_year`'s census builds on: the latest allocation run on the
    census year before it that the registry holds (not the calendar year before: censuses may be years
    apart). With `before`, only runs made before that one. Two queries. None when the registry holds no
    earlier census or no run on it. Raises nothing."""
    from sendfund.registry.selectors import census_years

    earlier = [y for y in census_years() if y < academic_year]
    if not earlier:
        return None
    qs = FormulaRun.objects.filter(kind=RunKind.ALLOCATION, academic_year=earlier[0])
    if before is not None:
        qs = qs.filter(created_at__lt=before.created_at)
    return qs.order_by("-financial_year", "-created_at", "-id").first()


def previous_year(*, run: FormulaRun | None) -> engine.PreviousYear | None:
    """A run's results as the engine's PreviousYear (allocations in whole pence, pupils, years above the
    threshold, by cluster code), or None with no run or no results. One query. Raises nothing."""
    if run is None:
        return None
    rows = list(run.clusters.values_list("cluster__code", "allocation", "pupils", "years_above"))
    if not rows:
        return None
    return engine.PreviousYear(
        cluster=np.array([r[0] for r in rows]),
        pence=np.array([to_pence(r[1]) for r in rows], dtype=np.int64),
        pupils=np.array([float(r[2]) for r in rows]),
        years_above=np.array([r[3] for r in rows], dtype=np.int64),
    )


# --- runs -------------------------------------------------------------------------------------


def run_list() -> QuerySet:
    """Every run, latest financial year first then newest, with its version and author: a QuerySet of
    FormulaRun. Raises nothing."""
    return FormulaRun.objects.select_related("version", "created_by").order_by("-financial_year", "-created_at", "-id")


def run_get(*, pk: int) -> FormulaRun:
    """One run with its version, previous run and author. Raises FormulaRun.DoesNotExist when there is no run
    `pk`."""
    return FormulaRun.objects.select_related("version", "previous", "created_by").get(pk=pk)


def need_lines_in_run_order[Need: RunNeed](*, run: FormulaRun, needs: Iterable[Need]) -> list[Need | None]:
    """A result's need lines in the order of `run.need_indicators`, the order every page heads its columns
    with (None where the run has no line for an indicator). No queries. Raises nothing."""
    by_code = {n.indicator: n for n in needs}
    return [by_code.get(code) for code in run.need_indicators]


def run_results(*, run: FormulaRun) -> list[RunCluster]:
    """Every cluster's result with its breakdown and need lines: three queries. Each result's `need_lines`
    follow `run.need_indicators`, so a column's header and its cells name the same need. Allocations and
    gaps are Decimal pounds. Raises nothing."""
    results = list(run.clusters.select_related("cluster").prefetch_related(
        Prefetch("components", queryset=RunComponent.objects.order_by("position")),
        Prefetch("needs", queryset=RunNeed.objects.order_by("indicator")),
    ).order_by("gap_rank", "cluster__name"))
    for r in results:
        r.need_lines = need_lines_in_run_order(run=run, needs=r.needs.all())
    return results


COMPONENT_LABELS = {
    engine.LUMP_SCHOOL: "Lump sums for its schools",
    engine.LUMP_CLUSTER: "Lump sum for the cluster",
    engine.TARGETED: "Targeted money",
    engine.PROTECTION: "Protection against big changes from last year",
}


def indicator_names() -> dict[str, str]:
    """Every registry indicator's name by its code. One query. Raises nothing."""
    return dict(Indicator.objects.values_list("code", "name"))


def component_label(component: str, names: dict[str, str]) -> str:
    """What pages call an allocation component: a factor's indicator name from `names`, the fixed sums and
    protection by their labels, else the component as given. No queries. Raises nothing."""
    if component.startswith("factor:"):
        code = component.removeprefix("factor:")
        return names.get(code, code)
    return COMPONENT_LABELS.get(component, component)


@dataclass
class Comparison:
    run: FormulaRun
    other: FormulaRun
    rows: list[dict[str, Any]]
    gainers: int
    losers: int
    total_change: Decimal


def run_compare(*, run: FormulaRun, other: FormulaRun) -> Comparison:
    """Cluster by cluster: `run` (proposed) against `other` (current). Two queries. Each row holds the
    cluster, its current and proposed allocation and the change (Decimal pounds), pupils, the change per
    pupil (pounds, or None with no pupils) and the change as a fraction of the current allocation (or
    None); `total_change` is Decimal pounds. Raises nothing."""
    mine = {r.cluster_id: r for r in run.clusters.select_related("cluster")}
    theirs = {r.cluster_id: r for r in other.clusters.select_related("cluster")}
    rows: list[dict[str, Any]] = []
    for cid in sorted(set(mine) | set(theirs), key=lambda c: (mine.get(c) or theirs[c]).cluster.name):
        new, cur = mine.get(cid), theirs.get(cid)
        either = new or theirs[cid]  # a cluster is in one run or the other
        cluster = either.cluster
        proposed = new.allocation if new else Decimal("0.00")
        current = cur.allocation if cur else Decimal("0.00")
        pupils = either.pupils
        change = proposed - current
        rows.append({
            "cluster": cluster, "current": current, "proposed": proposed, "change": change, "pupils": pupils,
            "change_per_pupil": from_pence(to_pence(change / pupils)) if pupils else None,
            "change_percent": float(change / current) if current else None,
        })
    return Comparison(run=run, other=other, rows=rows, gainers=sum(r["change"] > 0 for r in rows),
                      losers=sum(r["change"] < 0 for r in rows), total_change=sum((r["change"] for r in rows), Decimal(0)))


# --- a cluster's evidence, for the application journey ---------------------------------------


@dataclass
class NeedLine:
    indicator: str
    name: str
    count: float
    need_share: float
    ratio: float | None


@dataclass
class CapacityEvidence:
    """A cluster's formula-versus-need evidence from one allocation run (domain brief 2.5).

    Money is Decimal pounds; shares are fractions (0.021 = 2.1%); ratios are need share over
    funding share (1.0 = funded in line with need). `sentences` say it in plain English.
    """

    cluster: Cluster
    run: FormulaRun
    financial_year_label: str
    census_year_label: str
    allocation: Decimal
    pupils: int
    per_pupil: Decimal | None
    funding_share: float
    needs: list[NeedLine]
    combined_ratio: float | None
    need_allocation: Decimal | None
    gap: Decimal | None
    gap_rank: int | None
    cluster_count: int
    threshold: Decimal
    years_required: int
    years_above: int
    clear_evidence: bool
    top: bool
    invite: bool
    top_frequency: float | None
    scenarios: int
    census_years: list[EvidenceYear] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    result: RunCluster | None = field(default=None, repr=False)

    @cached_property
    def breakdown(self) -> list[tuple[str, Decimal]]:
        """The allocation line by line (one query, the first time it is read: the sentences do not need it)."""
        if self.result is None:
            return []
        components = self.result.components.annotate(indicator_name=Subquery(
            Indicator.objects.annotate(key=Concat(Value("factor:"), "code", output_field=CharField())).filter(key=OuterRef("component"))
            .values("name")[:1])).order_by("position")
        rows = list(components)
        names = {c.component.removeprefix("factor:"): c.indicator_name for c in rows if c.indicator_name}
        return [(_breakdown_label(c.component, names, run=self.run, schools=self.result.schools), c.amount)
                for c in rows]

    @property
    def census_years_used(self) -> str:
        """'AY 2018/19 and AY 2022/23': the census years the evidence counts, oldest first."""
        labels = [y.census_year_label for y in reversed(self.census_years)]
        return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


@dataclass
class EvidenceYear:
    """A cluster's need against its funding in one census year (from the allocation run on that census)."""

    census_year_label: str
    financial_year_label: str
    run: FormulaRun
    allocation: Decimal
    funding_share: float
    need_share: float | None
    ratio: float | None
    above: bool


def _allocation_runs_latest_first() -> QuerySet:
    return (FormulaRun.objects.filter(kind=RunKind.ALLOCATION).select_related("version")
            .order_by("-financial_year", "-created_at", "-id"))


def latest_allocation_run(*, year: int | None = None) -> FormulaRun | None:
    """The latest allocation run (of financial year `year` when given; 2026 = FY 2026-27), by financial year
    then creation, with its version loaded; None when there is none. One query. Raises nothing."""
    qs = _allocation_runs_latest_first()
    return (qs.filter(financial_year=year) if year is not None else qs).first()


def latest_allocation_runs(*, year: int) -> tuple[FormulaRun | None, FormulaRun | None]:
    """`latest_allocation_run(year=year)` and `latest_allocation_run()` together, in one query. A pair of
    FormulaRun or None. Raises nothing."""
    qs = _allocation_runs_latest_first()
    runs = list(qs.filter(Q(financial_year=year) | Q(pk__in=qs.values("pk")[:1]))[:2])
    return next((r for r in runs if r.financial_year == year), None), (runs[0] if runs else None)


def allocation_run_covering(*, year: int) -> tuple[FormulaRun | None, list[RunCluster]]:
    """The allocation run that covers financial year `year` (2026 = FY 2026-27): the year's latest, else the
    latest of any year when that is an earlier year (None when there is neither), with every cluster's result,
    its cluster loaded, by gap rank then cluster name. Allocations and gaps are Decimal pounds.

    One query: the results joined to their run, the run chosen in the database. A second only when the run has
    no results (or there is no run), to read the run alone. Raises nothing."""
    qs = _allocation_runs_latest_first()
    latest_earlier = FormulaRun.objects.filter(pk__in=qs.values("pk")[:1], financial_year__lt=year).values("pk")
    covering = Coalesce(Subquery(qs.filter(financial_year=year).values("pk")[:1]), Subquery(latest_earlier))
    results = list(RunCluster.objects.filter(run_id=covering).select_related("run__version", "cluster")
                   .order_by("gap_rank", "cluster__name"))
    if results:
        return results[0].run, results
    run, latest = latest_allocation_runs(year=year)
    if run is None and latest is not None and latest.financial_year < year:
        run = latest
    return run, []


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _breakdown_label(component: str, names: dict[str, str], *, run: FormulaRun, schools: int) -> str:
    """A line of one cluster's allocation: the school lump sums say what each school brings, since the
    amount beside them is the cluster's total for all its schools."""
    from sendfund.core.money import format_pounds

    if component == engine.LUMP_SCHOOL:
        each = Decimal(str(run.parameters.get("lump_sum_per_school", "0")))
        return f"Lump sums: {format_pounds(each)} for each of your {schools} school{'' if schools == 1 else 's'}"
    return component_label(component, names)


def _allocation_runs_newest_first(*, year: int | None = None) -> QuerySet:
    qs = FormulaRun.objects.filter(kind=RunKind.ALLOCATION)
    if year is not None:
        qs = qs.filter(financial_year=year)
    return qs.order_by("-financial_year", "-created_at", "-id")


class _EvidenceRuns(TypedDict):
    latest_run_id: int | None  # the latest allocation run (of the year asked for)
    evidence_run_id: int | None  # the run this result's evidence built on (see _evidence_run_of_outer_run)


class _NeedName(TypedDict):
    name: str | None  # the indicator's name


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    _EvidenceResult = WithAnnotations[RunCluster, _EvidenceRuns]  # as cluster_capacity_evidence reads it
    _NamedNeed = WithAnnotations[RunNeed, _NeedName]


def _evidence_run_of_outer_run() -> Subquery:
    """`evidence_run(academic_year=r.academic_year, before=r)` for the run `r` of each outer RunCluster row, as a
    subquery: the latest allocation run on the census year before r's that the registry holds, made before r."""
    census_before = (SchoolFigure.objects.filter(indicator__unit=Indicator.Unit.COUNT,
                                                 academic_year__lt=OuterRef(OuterRef("run__academic_year")))
                     .order_by("-academic_year").values("academic_year")[:1])
    return Subquery(_allocation_runs_newest_first().filter(academic_year=Subquery(census_before),
                                                           created_at__lt=OuterRef("run__created_at"))
                    .values("pk")[:1])


def cluster_capacity_evidence(*, cluster: Cluster, year: int | None = None, run: FormulaRun | None = None
                              ) -> CapacityEvidence | None:
    """A cluster's share of the formula money against its share of need, from the latest allocation
    run (of financial year `year`, if given; 2019 = FY 2019-20). None if there is no such run or the
    cluster is not in it. Used to pre-fill capacity applications. Two queries, however many census years
    the evidence reaches back (a third, the first time `breakdown` is read). `cluster` is one the reader may
    see: loaded through the scoping rule, never from a URL as it stands. Given `run`, that run's result
    (`year` unused). A CapacityEvidence (money in Decimal pounds) or None. Raises nothing.

    The first query reads the cluster's result in every allocation run, each with the run its evidence built
    on (`evidence_run`) and the latest run, so the census years are a walk through them in memory; the second
    reads their need lines with the indicators' names."""
    latest = Subquery(_allocation_runs_newest_first(year=year).values("pk")[:1])
    in_runs = Q(run__kind=RunKind.ALLOCATION) | Q(run=run) if run is not None else Q(run__kind=RunKind.ALLOCATION)
    names = Indicator.objects.filter(code=OuterRef("indicator")).values("name")[:1]
    rows: list[_EvidenceResult] = list(
        RunCluster.objects.filter(in_runs, cluster=cluster).select_related("run__version")
        .annotate(latest_run_id=latest, evidence_run_id=_evidence_run_of_outer_run())
        .prefetch_related(Prefetch("needs", queryset=RunNeed.objects.annotate(name=Subquery(names))
                                   .order_by("indicator"))))
    by_run = {r.run_id: r for r in rows}
    wanted = run.pk if run is not None else (rows[0].latest_run_id if rows else None)
    result = by_run.get(wanted) if wanted is not None else None
    if result is None:
        return None
    run = result.run
    threshold = Decimal(str(run.parameters.get("evidence_threshold", "1.2")))
    years_required = int(run.parameters.get("evidence_years", 2))
    named = cast("QuerySet[_NamedNeed]", result.needs.all())  # the prefetch above annotated their names
    needs = [NeedLine(n.indicator, n.name or n.indicator, n.count, n.need_share, n.ratio)
             for n in need_lines_in_run_order(run=run, needs=named) if n is not None]
    ev = CapacityEvidence(
        cluster=cluster, run=run, financial_year_label=fy_label(run.financial_year),
        census_year_label=ay_label(run.academic_year), allocation=result.allocation, pupils=result.pupils,
        per_pupil=from_pence(to_pence(result.allocation / result.pupils)) if result.pupils else None,
        funding_share=result.funding_share, needs=needs, combined_ratio=result.combined_ratio,
        need_allocation=result.need_allocation, gap=result.gap, gap_rank=result.gap_rank,
        cluster_count=run.cluster_count, threshold=threshold, years_required=years_required,
        years_above=result.years_above, clear_evidence=result.clear_evidence, top=result.top, invite=result.invite,
        top_frequency=result.top_frequency, scenarios=run.scenarios, result=result,
    )
    ev.census_years = _evidence_years(result, by_run, count=max(years_required, 2))
    ev.sentences = evidence_sentences(ev)
    return ev


def _evidence_years(first: _EvidenceResult, by_run: dict[int, _EvidenceResult], *, count: int
                    ) -> list[EvidenceYear]:
    """The cluster's need against its funding in `first`'s census year and the census years before it that the
    registry holds, newest first, up to `count` of them: each from the allocation run on that census that the
    evidence built on (`by_run`: the cluster's results by run, each knowing its evidence run)."""
    threshold = float(first.run.parameters.get("evidence_threshold", "1.2"))
    out: list[EvidenceYear] = []
    result: _EvidenceResult | None = first
    while result is not None and len(out) < count:
        current, ratio = result.run, result.combined_ratio
        out.append(EvidenceYear(ay_label(current.academic_year), fy_label(current.financial_year), current,
                                result.allocation, result.funding_share, result.combined_need_share, ratio,
                                ratio is not None and math.isfinite(ratio) and ratio > threshold))
        before = result.evidence_run_id
        result = by_run.get(before) if before is not None else None
    return out


def evidence_sentences(ev: CapacityEvidence) -> list[str]:
    """The evidence in plain English, one short sentence each. No queries. Raises nothing."""
    from sendfund.core.money import format_pounds

    s = [f"In {ev.financial_year_label} the formula gave {ev.cluster.name} {format_pounds(ev.allocation)}: "
         f"{_pct(ev.funding_share)} of the money shared between {ev.cluster_count} clusters."]
    for n in ev.needs:
        line = f"Your schools have {_pct(n.need_share)} of the county's {n.name[:1].lower() + n.name[1:]} ({n.count:,.0f} pupils)"
        if n.ratio is not None and math.isfinite(n.ratio):
            line += f", so this need is {n.ratio:.2f} times your share of the money."
        else:
            line += "."
        s.append(line)
    if ev.combined_ratio is not None and math.isfinite(ev.combined_ratio) and ev.gap is not None:
        if ev.gap > 0:
            s.append(f"Taking these together, your share of need is {ev.combined_ratio:.2f} times your share of the "
                     f"money. If the money followed need alone you would get {format_pounds(ev.gap)} more.")
        else:
            s.append(f"Taking these together, your share of need is {ev.combined_ratio:.2f} times your share of the "
                     f"money, so the formula does not leave you short on these measures.")
    if ev.gap_rank is not None:
        s.append(f"Your cluster is number {ev.gap_rank} of {ev.cluster_count} when clusters are ranked by how far "
                 f"the formula falls short of need.")
    years = f" (the census years {ev.census_years_used})" if len(ev.census_years) > 1 else ""
    if ev.clear_evidence:
        s.append(f"Your need has been more than {ev.threshold} times your share of the money in the last "
                 f"{ev.years_above} census years the council holds{years}. This counts as clear evidence for the "
                 "capacity stream.")
    else:
        s.append(f"Clear evidence for the capacity stream means need above {ev.threshold} times your share of the "
                 f"money in each of the last {ev.years_required} census years the council holds; your cluster has "
                 f"{ev.years_above} {'year' if ev.years_above == 1 else 'years'} in a row{years}.")
    if ev.top_frequency is not None and ev.scenarios:
        s.append(f"When we tried {ev.scenarios:,} other reasonable sets of formula weights, your cluster stayed in "
                 f"the top {ev.run.parameters.get('top_n', 10)} in {_pct(ev.top_frequency)} of them.")
    return s
