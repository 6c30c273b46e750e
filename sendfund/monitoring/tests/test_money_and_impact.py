"""All SEND money per cluster (exact to the penny, imports all or nothing) and impact before and after an
award against comparable unfunded clusters, checked on the rendered pages with hand-computed values."""

import datetime as dt
import html as htmllib
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from sendfund.accounts.roles import Role
from sendfund.core.errors import DomainError
from sendfund.core.years import financial_year_of
from sendfund.formula.models import RunCluster
from sendfund.funds.models import LedgerEntry
from sendfund.monitoring import impact, money
from sendfund.monitoring.models import FundingLine
from sendfund.registry.models import Indicator, Phase, School, SchoolFigure
from sendfund.registry.services import cluster_create, membership_set

pytestmark = pytest.mark.django_db


def _cell(response, cell_id) -> str:
    match = re.search(rf'id="{cell_id}"[^>]*>(.*?)</', response.content.decode(), re.S)
    assert match, cell_id
    return htmllib.unescape(match.group(1).strip())


def _row(response, table_id, first) -> list[str]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', response.content.decode(), re.S).group(0)
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = [htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                 for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        if cells and cells[0] == first:
            return cells
    raise AssertionError(f"no row {first}")


def _csv(world, rows):
    return ("urn,cluster,line,financial_year,amount\n" + "\n".join(rows) + "\n").encode()


def test_totals_are_exact_to_the_penny_across_runs_ledger_and_lines(world, client_for):
    officer = world.users[Role.LA_OFFICER]
    fy = world.year + 1  # the formula run's year
    content = _csv(world, [
        f"{world.school.urn},,Notional SEN budget,{fy}-{(fy + 1) % 100:02d},12345.67",
        f",{world.cluster.code},High-needs top-up,FY {fy}-{(fy + 1) % 100:02d},0.01",
        f"{world.other_school.urn},,Notional SEN budget,{fy},1000.10",
    ])
    money.funding_lines_import(content=content, file_name="lines.csv", actor=officer)
    year = money.money_for_year(financial_year=fy)
    formula = sum(RunCluster.objects.filter(run=world.formula_run).values_list("allocation", flat=True))
    assert formula == Decimal("100000.00")
    assert year.formula == formula
    assert year.other == Decimal("13345.78")
    assert year.total == Decimal("113345.78")
    alpha = next(c for c in year.clusters if c.cluster == world.cluster)
    alpha_formula = RunCluster.objects.get(run=world.formula_run, cluster=world.cluster).allocation
    assert alpha.total == alpha_formula + Decimal("12345.67") + Decimal("0.01")
    page = client_for(Role.LA_OFFICER).get(reverse("monitoring:all-money") + f"?year={fy}")
    assert _cell(page, "la-total") == "£113,345.78"
    assert _cell(page, "la-formula") == "£100,000.00"
    assert _row(page, "money-by-source", "Alpha cluster")[-1] == f"£{alpha.total:,.2f}"
    # This year's awards come from the ledger: commitments of the clusters' cases, net of releases.
    this_fy = financial_year_of(timezone.localdate())
    committed = sum(e.amount for e in LedgerEntry.objects.filter(kind="commitment", pot__financial_year=this_fy,
                                                                   reference__startswith="SCF"))
    assert money.money_for_year(financial_year=this_fy).awards == committed > 0
    # Importing the same line again replaces it rather than counting it twice.
    money.funding_lines_import(content=content, file_name="lines.csv", actor=officer)
    assert money.money_for_year(financial_year=fy).other == Decimal("13345.78")


def test_a_bad_lines_file_is_refused_whole_with_rows_and_columns(world):
    officer = world.users[Role.LA_OFFICER]
    before = FundingLine.objects.count()
    content = _csv(world, [
        f"{world.school.urn},,Notional SEN budget,2019-20,100.00",
        "999999,,Notional SEN budget,2019-20,100.00",
        f",{world.cluster.code},Top-up,2019-21,12.345",
    ])
    with pytest.raises(DomainError) as exc:
        money.funding_lines_import(content=content, file_name="bad.csv", actor=officer)
    message = exc.value.message
    assert "nothing was imported" in message
    assert "row 3, column urn: '999999' is not a school in the registry" in message
    assert "row 4, column financial_year: '2019-21'" in message
    assert "row 4, column amount: '12.345'" in message
    assert FundingLine.objects.count() == before
    with pytest.raises(DomainError, match="Only an LA officer"):
        money.funding_lines_import(content=content, file_name="x.csv", actor=world.users[Role.CLUSTER_HOST])


def test_a_lines_file_is_checked_as_its_page_says_before_anything_is_imported(world):
    """Either identifying column will do; a school named with a cluster it is not in, a line given twice, a year
    far ahead or a negative amount are each refused, saying so; a school's line counts for the cluster it is in
    in the academic year that starts in the financial year."""
    officer = world.users[Role.LA_OFFICER]
    fy = world.year + 1
    label = f"{fy}-{(fy + 1) % 100:02d}"
    only_urn = f"urn,line,financial_year,amount\n{world.school.urn},Top-up,{label},10.00\n".encode()
    batch = money.funding_lines_import(content=only_urn, file_name="urn.csv", actor=officer)
    assert FundingLine.objects.get(batch=batch).cluster == world.cluster
    only_cluster = f"cluster,line,financial_year,amount\n{world.cluster.code},Top-up,{label},10.00\n".encode()
    assert money.funding_lines_import(content=only_cluster, file_name="cluster.csv", actor=officer).rows == 1
    before = FundingLine.objects.count()
    far = financial_year_of(timezone.localdate()) + 6
    content = _csv(world, [
        f"{world.school.urn},{world.other_cluster.name},Top-up,{label},50.00",
        f"{world.other_school.urn},,Notional SEN budget,{label},100.00",
        f"{world.other_school.urn},,notional sen budget,{label},200.00",
        f",{world.cluster.code},Top-up,{far}-{(far + 1) % 100:02d},1.00",
        f",{world.cluster.code},Top-up,{label},-5000",
        f",{world.cluster.code},Top-up,{label},",
    ])
    with pytest.raises(DomainError) as exc:
        money.funding_lines_import(content=content, file_name="bad.csv", actor=officer)
    message = exc.value.message
    assert f"row 2, column cluster: school {world.school.urn} is in {world.cluster.name}" in message
    assert f"not {world.other_cluster.name}" in message
    assert "row 4 repeats row 3: the same school, line and year" in message
    assert "row 5, column financial_year: give a year from FY 2000-01 to" in message
    assert "row 6, column amount: '-5000': Enter an amount of £0.00 or more" in message
    assert "row 7, column amount: give the amount in pounds and pence" in message
    assert FundingLine.objects.count() == before
    with pytest.raises(DomainError, match="missing urn or cluster"):
        money.funding_lines_import(content=b"line,financial_year,amount\nTop-up,2026-27,1.00\n", file_name="x.csv",
                                   actor=officer)


def _school(urn, name, cluster, year, figures):
    school = School.objects.filter(urn=urn).first() or School.objects.create(
        urn=urn, la_code=926, estab=urn % 10000, name=name, phase=Phase.PRIMARY, town="Norwich", postcode="NR1 1AA")
    membership_set(school=school, cluster=cluster, academic_year=year)
    for code, value in figures.items():
        SchoolFigure.objects.create(school=school, indicator=Indicator.objects.get(code=code), academic_year=year,
                                    census_date=dt.date(year + 1, 1, 19), value=value)


def test_impact_before_and_after_against_a_comparable_cluster(world, client_for):
    from sendfund.casework.models import Case

    # The world cluster's first award was accepted in AY 2019/20; Beta is funded too, Gamma is not.
    Case.objects.filter(cluster=world.cluster, accepted_at__isnull=False).update(
        accepted_at=timezone.make_aware(dt.datetime(2020, 1, 10)))
    alpha_primary = School.objects.get(urn=121002)
    _school(world.school.urn, "", world.cluster, 2023, {"pupils": 310, "sen_support": 50, "ehc_plans": 10, "fsm": 50})
    _school(alpha_primary.urn, "", world.cluster, 2023, {"pupils": 160, "sen_support": 22, "ehc_plans": 6, "fsm": 25})
    gamma = cluster_create(name="Gamma cluster", host_name="G", host_email="g@gamma.example")
    _school(121009, "Gamma School", gamma, 2018, {"pupils": 420, "sen_support": 55, "ehc_plans": 10, "fsm": 60})
    _school(121009, "Gamma School", gamma, 2023, {"pupils": 430, "sen_support": 60, "ehc_plans": 12, "fsm": 65})

    page = client_for(Role.LA_OFFICER).get(reverse("monitoring:impact", kwargs={"cluster_pk": world.cluster.pk}))
    text = re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", page.content.decode())))
    assert "Before: AY 2018/19. Latest: AY 2023/24. Compared with 1 unfunded cluster of similar size and need " \
           "( Gamma cluster )" in text.replace("(Gamma cluster)", "( Gamma cluster )")
    sen = Indicator.objects.get(code="sen_support").name + " (% of pupils)"
    ehc = Indicator.objects.get(code="ehc_plans").name + " (% of pupils)"
    # SEN support: 60/450 = 13.3% -> 72/470 = 15.3% (+2.0); Gamma 55/420 = 13.1% -> 60/430 = 14.0% (+0.9).
    assert _row(page, "before-after", sen) == [sen, "13.3", "15.3", "2.0", "0.9", "1.1"]
    # EHC plans: 12/450 = 2.7% -> 16/470 = 3.4% (+0.7); Gamma 10/420 = 2.4% -> 12/430 = 2.8% (+0.4).
    assert _row(page, "before-after", ehc) == [ehc, "2.7", "3.4", "0.7", "0.4", "0.3"]
    years = _row(page, "years", "AY 2023/24")
    assert years[1] == "470"


def test_small_counts_are_hidden_outside_the_officers_pages(world, client_for):
    # The world's primary school has 4 EHC plans and the high school 8: the cluster's 12 is shown to all;
    # a cluster with 1 to 4 is shown as "fewer than 5" to anyone but the LA officer.
    tiny = cluster_create(name="Tiny cluster", host_name="T", host_email="t@tiny.example")
    _school(121010, "Tiny School", tiny, world.year, {"pupils": 40, "ehc_plans": 3, "sen_support": 6})
    ehc = Indicator.objects.get(code="ehc_plans").name
    url = reverse("monitoring:impact", kwargs={"cluster_pk": tiny.pk})
    officer_row = _row(client_for(Role.LA_OFFICER).get(url), "years", "AY 2018/19")
    specialist_row = _row(client_for(Role.EDUCATION_SPECIALIST).get(url), "years", "AY 2018/19")
    names = [m.name for m in impact.measures()]
    column = 2 + names.index(ehc)
    assert officer_row[column] == "3 (7.5%)"
    assert specialist_row[column] == "fewer than 5"


def test_per_pupil_and_the_high_needs_block_beside_the_total(world, client_for):
    fy = world.year + 1
    page = client_for(Role.LA_OFFICER).get(reverse("monitoring:all-money") + f"?year={fy}")
    # £100,000.00 of formula money; pupils 300 + 150 + 600 (Beta's school is Alpha High doubled);
    # with SEND (SEN support + EHC plans) 48 + 24 + 96 = 168.
    assert _cell(page, "la-per-pupil").startswith("£95.24 (1,050 pupils")  # 100000/1050 = 95.238
    assert _cell(page, "la-per-send-pupil").startswith("£595.24 (168 pupils")  # 100000/168 = 595.238
    # The test world's schools are in LA 926 (Norfolk): FY 2019-20's block is in the DfE file.
    assert _cell(page, "high-needs").startswith("£81,917,356.97 in FY 2019-20.")
