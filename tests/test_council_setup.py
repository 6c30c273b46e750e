"""Any English council set up from the shipped files alone, Norfolk's published totals for both census years,
carrying clusters forward, and a formula run with its gap ranking on AY 2022/23 (issue 10)."""

import datetime as dt
from decimal import Decimal

import pytest

from sendfund.core.models import AuditEvent
from sendfund.formula.selectors import cluster_capacity_evidence
from sendfund.formula.services import formula_run_create, formula_version_save
from sendfund.registry.memberships import carry_forward_apply, carry_forward_plan
from sendfund.registry.models import Cluster, ClusterMembership, Council, Phase, School
from sendfund.registry.selectors import la_totals
from sendfund.registry.services import demo_clusters_build
from sendfund.registry.setup import la_setup

pytestmark = pytest.mark.django_db


def _formula_run(academic_year: int, version=None):
    version = version or formula_version_save(
        actor=None, name="Test formula", valid_from=dt.date(2018, 4, 1),
        weights={"pupils": Decimal("0.6"), "fsm": Decimal("0.2"), "sen_support": Decimal("0.2")},
        need_weights={"sen_support": Decimal("0.5"), "ehc_plans": Decimal("0.5")})
    return formula_run_create(actor=None, version=version, financial_year=academic_year + 1,
                              academic_year=academic_year, pot=Decimal("1000000.00"))


@pytest.mark.parametrize(("la_code", "council_name", "area_code"), [
    (873, "Cambridgeshire County Council", "E10000003"),
    (204, "London Borough of Hackney", "E09000012"),
])
def test_a_council_is_set_up_from_the_shipped_files_alone(la_code, council_name, area_code):
    steps = []
    la_setup(la_code=la_code, progress=steps.append)
    council = Council.objects.get()
    assert (council.la_code, council.name, council.area_code) == (la_code, council_name, area_code)
    # Every school open in January 2023 has a name, a postcode and a phase from the census.
    schools = School.objects.filter(la_code=la_code, figures__academic_year=2022).distinct()
    assert schools.count() > 50
    assert not schools.filter(name__startswith="School URN").exists()
    assert not schools.filter(postcode="").exists()
    assert schools.filter(phase=Phase.SECONDARY).exists() and schools.exclude(trust="").exists()
    # Clusters for both census years, the later carried forward from the earlier.
    for year in (2018, 2022):
        assert ClusterMembership.objects.filter(academic_year=year, school__la_code=la_code).count() > 40
    assert Cluster.objects.count() >= 10
    run = _formula_run(2022)
    assert run.cluster_count >= 10 and sum(r.allocation for r in run.clusters.all()) == Decimal("1000000.00")
    ranks = sorted(run.clusters.values_list("gap_rank", flat=True))
    assert ranks == list(range(1, run.cluster_count + 1))
    assert any("illustrative clusters built" in s for s in steps)


def test_norfolk_reproduces_the_published_totals_for_2019_and_2023_and_carries_clusters_forward():
    la_setup(la_code=926, build_clusters=False)
    # dfe-school-census-2019/SOURCE.md: all school types, January 2019.
    totals_2019 = la_totals(la_code=926, academic_year=2018)
    assert (totals_2019["pupils"], totals_2019["sen_support"], totals_2019["ehc_plans"]) == (119_933, 14_959, 3_884)
    # dfe-sen-school-level/SOURCE.md and dfe-school-census-2023/SOURCE.md: January 2023.
    totals_2023 = la_totals(la_code=926, academic_year=2022)
    assert (totals_2023["pupils"], totals_2023["sen_support"], totals_2023["ehc_plans"]) == (125_014, 17_412, 5_853)
    primary = School.objects.filter(la_code=926, phase=Phase.PRIMARY, figures__academic_year=2022).distinct()
    assert la_totals_for(primary, 2022, "fsm") == 14_989  # state-funded primary FSM, 22.8%

    demo_clusters_build(la_code=926, academic_year=2018)
    plan = carry_forward_plan(la_code=926, from_year=2018, to_year=2022)
    converted = {old.urn: new.urn for old, new, _c in plan.converted}
    assert converted, "academy conversions follow their GIAS successor link"
    assert all(new.figures.filter(academic_year=2022).exists() for _o, new, _c in plan.converted)
    assert plan.closed and plan.new
    # The officer leaves the first new school out and sends the others to the first cluster.
    first = Cluster.objects.order_by("name").first()
    choices = {s.urn: (None if i == 0 else first) for i, (s, _c) in enumerate(plan.new)}
    carry_forward_apply(la_code=926, from_year=2018, to_year=2022, new_schools=choices)
    left_out = plan.new[0][0]
    assert not ClusterMembership.objects.filter(school=left_out, academic_year=2022).exists()
    for school, _c in plan.new[1:]:
        assert ClusterMembership.objects.get(school=school, academic_year=2022).cluster == first
    for _old, new, cluster in plan.converted:
        assert ClusterMembership.objects.get(school__urn=new.urn, academic_year=2022).cluster == cluster
    for school, _c in plan.closed:
        assert not ClusterMembership.objects.filter(school=school, academic_year=2022).exists()
    assert AuditEvent.objects.filter(verb="registry.memberships_carried_forward").exists()
    first = _formula_run(2018)
    run = _formula_run(2022, version=first.version)
    assert run.cluster_count == Cluster.objects.filter(memberships__academic_year=2022).distinct().count()
    # Evidence over years counts the census years the registry holds: AY 2018/19 then AY 2022/23.
    before = dict(first.clusters.values_list("cluster_id", "above_threshold"))
    for result in run.clusters.all():
        expected = (2 if before.get(result.cluster_id) else 1) if result.above_threshold else 0
        assert result.years_above == expected, result.cluster
    clear = run.clusters.filter(years_above=2).select_related("cluster").first()
    assert clear is not None, "some Norfolk cluster is short of funding in both censuses"
    evidence = cluster_capacity_evidence(cluster=clear.cluster, run=run)
    assert [y.census_year_label for y in evidence.census_years] == ["AY 2022/23", "AY 2018/19"]
    assert any("(the census years AY 2018/19 and AY 2022/23)" in s for s in evidence.sentences)


def la_totals_for(schools, year, code):
    return sum(f for s in schools for f in s.figures.filter(academic_year=year, indicator__code=code)
               .values_list("value", flat=True) if f is not None)
