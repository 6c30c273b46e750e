"""Versions and runs through the services: validation, storage, reproducibility, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sendfund.accounts.roles import Role
from sendfund.core.errors import DomainError
from sendfund.core.models import AuditEvent
from sendfund.formula import selectors, services
from sendfund.formula.models import FormulaRun, RunCluster, RunComponent, RunKind, RunSchool

pytestmark = pytest.mark.django_db


def _save(world, **overrides):
    kwargs = dict(actor=world.users[Role.ADMINISTRATOR], name="V", valid_from=dt.date(2019, 4, 1),
                  weights={"pupils": Decimal("0.6"), "fsm": Decimal("0.4")})
    kwargs.update(overrides)
    return services.formula_version_save(**kwargs)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"weights": {"pupils": Decimal("0.6"), "fsm": Decimal("0.3")}}, "The weights must add up to 1. They add up to 0.9"),
        ({"weights": {"pupils": Decimal("1.2"), "fsm": Decimal("-0.2")}}, "The weight for fsm must be 0 or more"),
        ({"weights": {}}, "Give at least one weight or unit value"),
        ({"weights": {"nope": Decimal("1")}}, "There is no indicator called nope"),
        ({"lump_sum_per_school": Decimal("-1.00")}, "The lump sum per school must be 0 or more"),
        ({"lump_sum_per_school": Decimal("1.001")}, "The lump sum per school must be in pounds and pence"),
        ({"need_weights": {"sen_support": Decimal("0.7"), "ehc_plans": Decimal("0.7")}}, "The need weights must add up to 1"),
        ({"protection_floor": Decimal("0.05"), "protection_cap": Decimal("0.01")}, "The cap must not be below the floor"),
        ({"unit_values": {"pupils": Decimal("10.00")}}, "pupils has both a weight and a unit value"),
        ({"targeted": {"no-such-cluster": Decimal("5.00")}}, "There is no cluster no-such-cluster"),
        ({"name": "  "}, "Enter a name for the version"),
    ],
)
def test_version_rules(world, overrides, message):
    with pytest.raises(DomainError) as exc:
        _save(world, **overrides)
    assert message in exc.value.message


def test_version_names_are_unique_and_used_versions_are_frozen(world):
    with pytest.raises(DomainError, match="already a version called test formula"):
        _save(world, name="test formula")
    with pytest.raises(DomainError, match="has been used for a run"):
        _save(world, version=world.formula_version, name="Test formula")
    draft = _save(world, version=world.formula_draft, name="Draft formula", weights={"fsm": Decimal("1")})
    assert [f.indicator.code for f in draft.factors.all()] == ["fsm"]
    events = AuditEvent.objects.filter(verb="formula.version_updated")
    assert events.count() == 1 and events.get().before["weights"] == {"pupils": "1"}


def test_run_stores_every_result_summing_to_the_pot(world):
    run = world.formula_run
    assert run.cluster_count == 2 and run.school_count == 3
    results = list(RunCluster.objects.filter(run=run))
    assert sum(r.allocation for r in results) == Decimal("100000.00")
    for r in results:
        assert sum(RunComponent.objects.filter(result=r).values_list("amount", flat=True)) == r.allocation
        assert sum(RunSchool.objects.filter(run=run, cluster=r.cluster).values_list("allocation", flat=True)) == r.allocation
    assert sum(r.gap for r in results) == 0
    assert AuditEvent.objects.filter(verb="formula.run_created", target_id=str(run.pk)).exists()


def test_run_worked_example(world):
    # Alpha: 2 schools (300 + 150 pupils, fsm 45 + 22, sen 40 + 20); Beta: 1 school (600, 90, 80).
    # Pot £100,000; lumps 3 x £1,000; proxy £97,000: pupils 0.5, fsm 0.3, sen 0.2.
    # Alpha = 2,000 + 48,500 x 450/1050 + 29,100 x 67/157 + 19,400 x 60/140
    #       = 2,000 + 20,785.71 + 12,418.47 + 8,314.29 = 43,518.47 (to the penny)
    alpha = RunCluster.objects.get(run=world.formula_run, cluster=world.cluster)
    assert alpha.allocation == Decimal("43518.47")
    assert alpha.pupils == 450 and alpha.schools == 2


def test_same_inputs_same_hash_and_verification(world):
    run = world.formula_run
    again = services.formula_run_create(actor=None, version=world.formula_version, financial_year=run.financial_year,
                                        academic_year=run.academic_year, pot=run.pot, kind=RunKind.SCENARIO,
                                        scenarios=run.scenarios)
    # The same figures, clusters, parameters, pot and previous run: the same identity and results.
    assert again.inputs_sha256 == run.inputs_sha256
    assert dict(again.clusters.values_list("cluster__code", "allocation")) == dict(
        run.clusters.values_list("cluster__code", "allocation"))
    ok, message = services.formula_run_verify(run=run)
    assert ok, message
    # Change one census figure: the identity changes and verification says so.
    from sendfund.registry.models import SchoolFigure

    fig = SchoolFigure.objects.filter(school=world.school, indicator__code="fsm").get()
    fig.value += 1
    fig.save()
    ok, message = services.formula_run_verify(run=run)
    assert not ok and "changed since this run" in message


def test_next_year_builds_on_last_years_allocation_but_the_same_census_counts_once(world):
    nxt = services.formula_run_create(actor=None, version=world.formula_version,
                                      financial_year=world.formula_run.financial_year + 1,
                                      academic_year=world.year, pot=Decimal("100000.00"))
    assert nxt.previous_id == world.formula_run.pk  # protection builds on last year's money
    # Evidence over years counts census years: a second run on the same census is not a second year.
    years = dict(nxt.clusters.values_list("cluster__code", "years_above"))
    first = dict(world.formula_run.clusters.values_list("cluster__code", "years_above"))
    assert years == first and set(years.values()) <= {0, 1}


def test_run_refuses_what_the_engine_refuses(world):
    with pytest.raises(DomainError, match="The formula cannot run: lump sums and targeted money"):
        services.formula_run_create(actor=None, version=world.formula_version, financial_year=2030, academic_year=world.year,
                                    pot=Decimal("10.00"))
    with pytest.raises(DomainError, match="No school is in a cluster"):
        services.formula_run_create(actor=None, version=world.formula_version, financial_year=2030, academic_year=1999,
                                    pot=Decimal("10.00"))
    with pytest.raises(DomainError, match="pounds and pence"):
        services.formula_run_create(actor=None, version=world.formula_version, financial_year=2030,
                                    academic_year=world.year, pot=Decimal("10.001"))
    with pytest.raises(DomainError, match="Draft formula applies from 1 April 2020, after FY 2019-20"):
        services.formula_run_create(actor=None, version=world.formula_draft, financial_year=2019,
                                    academic_year=world.year, pot=Decimal("10.00"))
    assert FormulaRun.objects.count() == 1


def test_cluster_capacity_evidence(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the results with their runs and census years; the need lines
        ev = selectors.cluster_capacity_evidence(cluster=world.cluster)
    assert ev.run == world.formula_run and ev.allocation == Decimal("43518.47")
    with django_assert_max_num_queries(1):  # the breakdown, only when it is read
        assert sum(a for _l, a in ev.breakdown) == ev.allocation
    assert ev.financial_year_label == "FY 2019-20" and ev.census_year_label == "AY 2018/19"
    assert [n.indicator for n in ev.needs] == ["sen_support", "ehc_plans"]  # the run's order, as its columns
    assert ev.sentences[0].startswith("In FY 2019-20 the formula gave Alpha cluster £43,518.47")
    assert any("times your share of the money" in s for s in ev.sentences)
    assert selectors.cluster_capacity_evidence(cluster=world.cluster, year=2035) is None


def test_a_weights_total_reads_as_a_plain_number(world):
    with pytest.raises(DomainError, match=r"They add up to 10$"):
        services.formula_version_save(actor=world.users[Role.ADMINISTRATOR], name="Tens", valid_from=dt.date(2021, 4, 1),
                                      weights={"pupils": Decimal("6.0"), "fsm": Decimal("4.0")})


@pytest.mark.parametrize(
    ("overrides", "doc", "message"),
    [
        ({"weights": {"pupils": Decimal("0.6"), "fsm": Decimal("0.3")}}, {"weights": {"pupils": 0.6, "fsm": 0.3}},
         "he weights must add up to 1. They add up to 0.9"),
        ({"protection_floor": Decimal("12")}, {"weights": {"pupils": 1}, "protection": {"floor": 12}},
         "he floor must be a change below 10 (+1,000%)"),
        ({"protection_floor": Decimal("0.05"), "protection_cap": Decimal("0.01")},
         {"weights": {"pupils": 1}, "protection": {"floor": 0.05, "cap": 0.01}}, "he cap must not be below the floor"),
    ],
)
def test_the_service_and_the_version_file_refuse_alike(world, overrides, doc, message):
    # One rule, one place: the engine's FormulaVersion. A version the page may save is one a run can read back.
    from sendfund.formula.fileio import FormulaInputError, version_from_dict

    with pytest.raises(DomainError) as saved:
        _save(world, **overrides)
    with pytest.raises(FormulaInputError) as read:
        version_from_dict(doc, name="v.json")
    assert saved.value.message == "T" + message
    assert str(read.value) == "v.json: t" + message


def test_a_year_with_clusters_but_no_census_is_refused_in_plain_words(world):
    """Clusters loaded for a year the census has not reached: the run says which figures are missing and for which
    year, not the engine's 'names no column of the schools file'."""
    from sendfund.core.years import ay_label
    from sendfund.registry.services import membership_set

    year = world.year + 5
    membership_set(school=world.school, cluster=world.cluster, academic_year=year)
    with pytest.raises(DomainError) as refusal:
        services.formula_run_create(actor=None, version=world.formula_version, financial_year=year + 1,
                                    academic_year=year, pot=Decimal("1000.00"), kind="scenario")
    assert refusal.value.field == "academic_year"
    assert refusal.value.message.startswith("There are no census figures for pupils")
    assert f"in {ay_label(year)}. Import that year's census first" in refusal.value.message
    assert "column" not in refusal.value.message
