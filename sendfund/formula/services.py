"""Writes for the formula: versions (administrators) and runs (LA officers). Each writes an audit event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.db import transaction

from sendfund.core.audit import audit_record
from sendfund.core.errors import DomainError
from sendfund.core.money import PENNY, from_pence, to_pence
from sendfund.core.years import ay_label, fy_bounds, fy_label
from sendfund.registry.models import Cluster, Indicator

from . import engine, selectors
from .models import (
    FactorKind,
    FormulaFactor,
    FormulaRun,
    FormulaVersion,
    RunCluster,
    RunComponent,
    RunKind,
    RunNeed,
    RunSchool,
    TargetedAmount,
)


def _pence(amount: Decimal, what: str, field: str | None = None) -> int:
    """Pounds to whole pence for the engine; a fraction of a penny is refused here, never rounded."""
    if amount != amount.quantize(PENNY):
        raise DomainError(f"The {what} must be in pounds and pence", field=field)
    return to_pence(amount)


def _engine_version(*, weights: dict[str, Decimal], unit_values: dict[str, Decimal], need_weights: dict[str, Decimal],
                    targeted: dict[str, Decimal], lump_sum_per_school: Decimal, lump_sum_per_cluster: Decimal,
                    protection_floor: Decimal | None, protection_cap: Decimal | None, evidence_threshold: Decimal,
                    evidence_years: int, evidence_min_indicators: int, top_n: int) -> engine.FormulaVersion:
    """The engine's FormulaVersion for these parameters: the one place a version's rules are written
    (shares 0 or more adding up to 1, money 0 or more, a weight or a unit value but not both, the
    floor and cap). Its refusal becomes a DomainError in the same words, on the field at fault."""
    unit_pence = {k: _pence(v, f"unit value for {k}") for k, v in unit_values.items()}
    targeted_pence = {k: _pence(v, f"targeted money for {k}", "targeted") for k, v in targeted.items()}
    school_pence = _pence(lump_sum_per_school, "lump sum per school", "lump_sum_per_school")
    cluster_pence = _pence(lump_sum_per_cluster, "lump sum per cluster", "lump_sum_per_cluster")
    try:
        protection = None if protection_floor is None and protection_cap is None else engine.Protection(
            floor=None if protection_floor is None else float(protection_floor),
            cap=None if protection_cap is None else float(protection_cap), per=selectors.PUPILS)
        return engine.FormulaVersion(
            weights={k: float(v) for k, v in weights.items()}, unit_values_pence=unit_pence,
            need_weights={k: float(v) for k, v in need_weights.items()}, need_indicators=tuple(need_weights),
            targeted_pence=targeted_pence, lump_sum_per_school_pence=school_pence,
            lump_sum_per_cluster_pence=cluster_pence, protection=protection,
            evidence_threshold=float(evidence_threshold), evidence_years=evidence_years,
            evidence_min_indicators=evidence_min_indicators, top_n=top_n)
    except engine.FormulaInputError as exc:
        message = str(exc)
        raise DomainError(message[:1].upper() + message[1:], field=exc.field) from exc


@transaction.atomic
def formula_version_save(
    *,
    actor,
    version: FormulaVersion | None = None,
    name: str,
    valid_from: dt.date,
    weights: dict[str, Decimal],
    unit_values: dict[str, Decimal] | None = None,
    need_weights: dict[str, Decimal] | None = None,
    targeted: dict[str, Decimal] | None = None,
    description: str = "",
    lump_sum_per_school: Decimal = Decimal("0.00"),
    lump_sum_per_cluster: Decimal = Decimal("0.00"),
    protection_floor: Decimal | None = None,
    protection_cap: Decimal | None = None,
    evidence_threshold: Decimal = Decimal("1.20"),
    evidence_years: int = 2,
    evidence_min_indicators: int = 0,
    top_n: int = 10,
) -> FormulaVersion:
    """Create or change a formula version; audit it. The version's rules are the engine's (engine/types.py):
    shares 0 or more adding up to 1, money 0 or more in pounds and pence, a weight or a unit value for an
    indicator but not both, the protection floor and cap. Returns the saved version with its factors and
    targeted amounts. Raises DomainError (on the form field at fault where there is one) when a rule is
    broken, when the name is blank or taken, when a run has used the version (copy it instead), when no
    weight or unit value is given, or when an indicator or cluster does not exist."""
    unit_values = {k: v for k, v in (unit_values or {}).items() if v}
    weights = {k: v for k, v in weights.items() if v}
    need_weights = {k: v for k, v in (need_weights or {}).items() if v}
    targeted = {k: v for k, v in (targeted or {}).items() if v}
    name = name.strip()
    if not name:
        raise DomainError("Enter a name for the version", field="name")
    same_name = FormulaVersion.objects.filter(name__iexact=name)
    if version is not None:
        same_name = same_name.exclude(pk=version.pk)
    if same_name.exists():
        raise DomainError(f"There is already a version called {name}", field="name")
    if version is not None and selectors.version_in_use(version=version):
        raise DomainError("This version has been used for a run, so it cannot change. Make a new version instead.")
    if not weights and not unit_values:
        raise DomainError("Give at least one weight or unit value", field="weights")
    _engine_version(weights=weights, unit_values=unit_values, need_weights=need_weights, targeted=targeted,
                    lump_sum_per_school=lump_sum_per_school, lump_sum_per_cluster=lump_sum_per_cluster,
                    protection_floor=protection_floor, protection_cap=protection_cap,
                    evidence_threshold=evidence_threshold, evidence_years=evidence_years,
                    evidence_min_indicators=evidence_min_indicators, top_n=top_n)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in={*weights, *unit_values, *need_weights})}
    unknown = sorted({*weights, *unit_values, *need_weights} - set(indicators))
    if unknown:
        raise DomainError(f"There is no indicator called {unknown[0]}")
    clusters = {c.code: c for c in Cluster.objects.filter(code__in=list(targeted))}
    if set(targeted) - set(clusters):
        raise DomainError(f"There is no cluster {sorted(set(targeted) - set(clusters))[0]}", field="targeted")

    before = selectors.version_document(version=version) if version is not None else None
    fields = dict(name=name, description=description, valid_from=valid_from, lump_sum_per_school=lump_sum_per_school,
                  lump_sum_per_cluster=lump_sum_per_cluster, protection_floor=protection_floor,
                  protection_cap=protection_cap, evidence_threshold=evidence_threshold, evidence_years=evidence_years,
                  evidence_min_indicators=evidence_min_indicators, top_n=top_n)
    if version is None:
        version = FormulaVersion.objects.create(**fields)
    else:
        for k, v in fields.items():
            setattr(version, k, v)
        version.save()
        version.factors.all().delete()
        version.targeted.all().delete()
    FormulaFactor.objects.bulk_create(
        [FormulaFactor(version=version, indicator=indicators[k], kind=FactorKind.WEIGHT, value=v) for k, v in weights.items()]
        + [FormulaFactor(version=version, indicator=indicators[k], kind=FactorKind.UNIT, value=v)
           for k, v in unit_values.items()]
        + [FormulaFactor(version=version, indicator=indicators[k], kind=FactorKind.NEED, value=v)
           for k, v in need_weights.items()])
    TargetedAmount.objects.bulk_create([TargetedAmount(version=version, cluster=clusters[k], amount=v)
                                        for k, v in targeted.items()])
    version = selectors.version_get(pk=version.pk)
    audit_record(actor=actor, verb="formula.version_created" if before is None else "formula.version_updated",
                 target=version, before=before, after=selectors.version_document(version=version))
    return version


def _pounds(pence) -> Decimal:
    return from_pence(int(pence))


@transaction.atomic
def formula_run_create(
    *,
    actor,
    version: FormulaVersion,
    financial_year: int,
    academic_year: int,
    pot: Decimal,
    kind: str = RunKind.ALLOCATION,
    scenarios: int = 0,
    seed: int = 0,
) -> FormulaRun:
    """Allocate `pot` by `version` to the clusters of `academic_year`, using last year's allocation run for
    protection and the run on the census year before (the registry's, however many years back) for evidence
    over years; store the inputs' identity and every result. An allocation run needs a version valid by the
    end of its financial year. Raises DomainError when the inputs do not fit (no schools, a floor the pot
    cannot afford, a version not yet valid...). Returns the stored FormulaRun (pot and results in Decimal
    pounds)."""
    if pot < 0 or pot != pot.quantize(Decimal("0.01")):
        raise DomainError("Enter the pot in pounds and pence, 0 or more", field="pot")
    if kind == RunKind.ALLOCATION and version.valid_from > fy_bounds(financial_year)[1]:
        raise DomainError(f"{version.name} applies from {version.valid_from.day} {version.valid_from:%B %Y}, after {fy_label(financial_year)}. "
                          "Choose another version, or run it as a scenario.", field="version")
    if not 0 <= scenarios <= 100_000:
        raise DomainError("Scenarios must be between 0 and 100,000", field="scenarios")
    document = selectors.version_document(version=FormulaVersion.objects.prefetch_related(
        "factors__indicator", "targeted__cluster").get(pk=version.pk))
    previous = selectors.previous_run(financial_year=financial_year)
    # Evidence over years counts census years, not financial years: it builds on the run on the census before.
    evidence = selectors.evidence_run(academic_year=academic_year)
    pot_pence = to_pence(pot)
    inputs = selectors.run_inputs(academic_year=academic_year, document=document, pot_pence=pot_pence,
                                  previous=previous, scenarios=scenarios, seed=seed, evidence=evidence)
    if inputs.table is None:
        raise DomainError(f"No school is in a cluster in the academic year starting {academic_year}", field="academic_year")
    absent = [code for code in (*document.get("weights", {}), *document.get("unit_values", {}))
              if code not in inputs.table.columns]
    if absent:  # said in the registry's words, before the engine says it in its own
        raise DomainError(f"There are no census figures for {', '.join(absent)} in {ay_label(academic_year)}. Import "
                          "that year's census first, or choose a year that has them.", field="academic_year")
    try:
        ver = selectors.engine_version(document=document, columns=inputs.table.columns)
        prev = selectors.previous_year(run=previous)
        alloc = engine.allocate(inputs.table, pot_pence=pot_pence, version=ver, previous=prev)
        need, _ = ver.resolved_need(inputs.table.columns)
        gap = engine.need_gap(alloc, version=ver, previous=selectors.previous_year(run=evidence)) if need else None
        sens = engine.sensitivity(alloc, gap, n_scenarios=scenarios, seed=seed) if scenarios and gap is not None else None
    except engine.FormulaInputError as exc:
        raise DomainError(f"The formula cannot run: {exc}") from exc

    run = FormulaRun.objects.create(
        version=version, kind=kind, financial_year=financial_year, academic_year=academic_year, pot=pot,
        previous=previous, scenarios=scenarios, seed=seed, inputs_sha256=inputs.sha256, parameters=document,
        school_count=len(inputs.table), cluster_count=int(alloc.clusters.size),
        need_indicators=list(gap.indicators) if gap is not None else [], components=list(alloc.components),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    pupils = alloc.cluster_totals.get(selectors.PUPILS, np.zeros(alloc.clusters.size))
    results = []
    for c, code in enumerate(alloc.clusters.tolist()):
        def f(x):
            return None if x is None or not np.isfinite(x) else float(x)
        results.append(RunCluster(
            run=run, cluster=inputs.clusters[code], allocation=_pounds(alloc.cluster_pence[c]),
            schools=int(alloc.n_schools[c]), pupils=int(round(pupils[c])), protected=int(alloc.protected[c]),
            funding_share=float(alloc.cluster_pence[c] / pot_pence) if pot_pence else 0.0,
            **({} if gap is None else dict(
                combined_need_share=float(gap.combined_share[c]), combined_ratio=f(gap.combined_ratio[c]),
                need_allocation=_pounds(gap.need_pence[c]), gap=_pounds(gap.gap_pence[c]), gap_rank=int(gap.rank[c]),
                above_threshold=bool(gap.above_threshold[c]), years_above=int(gap.years_above[c]),
                clear_evidence=bool(gap.clear_evidence[c]), top=bool(gap.top[c]), invite=bool(gap.invite[c]))),
            **({} if sens is None else dict(top_frequency=float(sens.top_frequency[c]),
                                            positive_gap_frequency=float(sens.positive_gap_frequency[c]))),
        ))
    RunCluster.objects.bulk_create(results)
    components, needs = [], []
    for c, result in enumerate(results):
        components += [RunComponent(result=result, component=name, amount=_pounds(alloc.cluster_breakdown_pence[c, k]),
                                    position=k) for k, name in enumerate(alloc.components)]
        if gap is not None:
            needs += [RunNeed(result=result, indicator=name, count=float(alloc.cluster_totals[name][c]),
                              need_share=float(gap.need_share[c, j]),
                              ratio=None if not np.isfinite(gap.ratio[c, j]) else float(gap.ratio[c, j]))
                      for j, name in enumerate(gap.indicators)]
    RunComponent.objects.bulk_create(components)
    RunNeed.objects.bulk_create(needs)
    RunSchool.objects.bulk_create([
        RunSchool(run=run, school_id=inputs.school_ids[urn], cluster=inputs.clusters[alloc.clusters[alloc.school_cluster[i]]],
                  allocation=_pounds(alloc.school_pence[i]))
        for i, urn in enumerate(alloc.schools.tolist())])
    audit_record(actor=actor, verb="formula.run_created", target=run,
                 after={"version": version.name, "financial_year": financial_year, "academic_year": academic_year,
                        "pot": str(pot), "kind": kind, "inputs_sha256": inputs.sha256,
                        "previous_run": previous.pk if previous else None})
    return run


def formula_run_verify(*, run: FormulaRun) -> tuple[bool, str]:
    """Recompute a run from today's registry figures: (True, message) if the inputs' identity and every
    cluster's allocation are the same; otherwise (False, what differs). Writes nothing. Raises
    FormulaInputError only if the stored parameters no longer make a valid version, which the version rules
    do not allow."""
    inputs = selectors.run_inputs(academic_year=run.academic_year, document=run.parameters, pot_pence=to_pence(run.pot),
                                  previous=run.previous, scenarios=run.scenarios, seed=run.seed,
                                  evidence=selectors.evidence_run(academic_year=run.academic_year, before=run))
    if inputs.sha256 != run.inputs_sha256 or inputs.table is None:
        return False, "The figures, clusters or parameters have changed since this run, so a new run would differ."
    ver = selectors.engine_version(document=run.parameters, columns=inputs.table.columns)
    alloc = engine.allocate(inputs.table, pot_pence=to_pence(run.pot), version=ver,
                            previous=selectors.previous_year(run=run.previous), school_breakdown=False)
    stored = dict(run.clusters.values_list("cluster__code", "allocation"))
    again = {code: _pounds(p) for code, p in alloc.by_cluster().items()}
    if stored != again:
        return False, "The same inputs gave different allocations."
    return True, "Run again from the same inputs, every cluster's allocation is the same to the penny."
