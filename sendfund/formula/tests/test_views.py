"""The formula pages: what they show, who gets what, and constant query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.formula import services
from sendfund.formula.models import FormulaRun, FormulaVersion, RunKind
from sendfund.registry.models import Indicator, Phase, School, SchoolFigure
from sendfund.registry.services import cluster_create, membership_set

pytestmark = pytest.mark.django_db


def _grow(world, n_clusters: int = 6, prefix: str = "Extra", urn_base: int = 130000) -> FormulaRun:
    """More clusters and schools, and a new run over them (for query counts that must not grow)."""
    indicators = {i.code: i for i in Indicator.objects.all()}
    for k in range(n_clusters):
        cluster = cluster_create(name=f"{prefix} cluster {k}")
        for j in range(3):
            school = School.objects.create(urn=urn_base + 10 * k + j, la_code=926, name=f"{prefix} {k}-{j}",
                                           phase=Phase.PRIMARY)
            membership_set(school=school, cluster=cluster, academic_year=world.year)
            for code, ind in indicators.items():
                SchoolFigure.objects.create(school=school, indicator=ind, academic_year=world.year,
                                            census_date=dt.date(2019, 1, 17), value=10 + k + j + len(code))
    return services.formula_run_create(actor=None, version=world.formula_version, financial_year=world.year + 1,
                                       academic_year=world.year, pot=Decimal("250000.00"), kind=RunKind.SCENARIO,
                                       scenarios=50)


def _count(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as q:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(q), response


PAGES = ["formula:run-detail", "formula:run-gap", "formula:run-download"]


@pytest.mark.parametrize("name", PAGES)
def test_run_pages_query_count_does_not_grow(client_for, world, name):
    client = client_for(Role.LA_OFFICER)
    small, _ = _count(client, reverse(name, kwargs={"pk": world.formula_run.pk, **({"fmt": "csv"} if "download" in name else {})}))
    big_run = _grow(world)
    big, _ = _count(client, reverse(name, kwargs={"pk": big_run.pk, **({"fmt": "csv"} if "download" in name else {})}))
    assert small == big
    # session, user, roles, run, results, components, needs, indicators; the gap page's two charts add
    # two queries each the first time they are drawn (look up, keep) and none once drawn
    assert big <= {"formula:run-gap": 12}.get(name, 8)
    assert _count(client, reverse(name, kwargs={"pk": big_run.pk, **({"fmt": "csv"} if "download" in name else {})}))[0] <= 8


def test_index_compare_and_apply_query_counts(client_for, world):
    apply_url = reverse("formula:your-allocation-detail", kwargs={"code": world.cluster.code})
    apply_small, _ = _count(client_for(Role.CLUSTER_HOST), apply_url)
    officer = client_for(Role.LA_OFFICER)
    idx_small, _ = _count(officer, reverse("formula:index"))
    cmp_url = reverse("formula:run-compare", kwargs={"pk": world.formula_run.pk})
    big_run = _grow(world)
    idx_big, _ = _count(officer, reverse("formula:index"))
    assert idx_small == idx_big
    cmp_small, _ = _count(officer, cmp_url + f"?with={big_run.pk}")
    extra = _grow(world, n_clusters=3, prefix="More", urn_base=140000)
    cmp_big, _ = _count(officer, reverse("formula:run-compare", kwargs={"pk": extra.pk}) + f"?with={big_run.pk}")
    assert cmp_small == cmp_big
    services.formula_run_create(actor=None, version=world.formula_version, financial_year=world.year + 1,
                                academic_year=world.year, pot=Decimal("300000.00"))  # the latest allocation, 11 clusters
    apply_big, _ = _count(client_for(Role.CLUSTER_HOST), apply_url)
    assert apply_small == apply_big <= 12


def test_allocation_page_shows_money_and_breakdown(client_for, world):
    response = client_for(Role.LA_OFFICER).get(reverse("formula:run-detail", kwargs={"pk": world.formula_run.pk}))
    html = response.content.decode()
    assert "£43,518.47" in html and "£100,000.00" in html
    assert "Pupils on roll" in html and "Lump sum for each school" in html
    assert "FY 2019-20" in html and "AY 2018/19" in html


def test_gap_page_ranks_highlights_and_draws_charts(client_for, world):
    html = client_for(Role.EDUCATION_SPECIALIST).get(
        reverse("formula:run-gap", kwargs={"pk": world.formula_run.pk})).content.decode()
    assert "Capacity-gap ranking, FY 2019-20" in html
    assert html.count('role="img"') == 2  # two charts, each with its data table below
    assert "Invite to apply" in html and "No cluster has clear evidence yet" in html
    assert "sf-highlight" in html
    assert "pupils on SEN support, pupils with an EHC plan" in html


def test_compare_page(client_for, world):
    other = services.formula_run_create(actor=None, version=world.formula_draft, financial_year=world.year + 1,
                                        academic_year=world.year, pot=Decimal("100000.00"), kind=RunKind.SCENARIO)
    html = client_for(Role.LA_OFFICER).get(
        reverse("formula:run-compare", kwargs={"pk": other.pk}) + f"?with={world.formula_run.pk}").content.decode()
    # Draft: pupils only, no lumps: Alpha 450 of 1,050 pupils -> £42,857.14 against £43,518.47 -> -£661.33
    assert "£42,857.14" in html and "-£661.33" in html
    assert "1 clusters gain and 1 lose" in html or "clusters gain" in html
    assert client_for(Role.LA_OFFICER).get(
        reverse("formula:run-compare", kwargs={"pk": other.pk}) + "?with=99999").status_code == 404


def test_downloads(client_for, world):
    client = client_for(Role.DECISION_MAKER)
    response = client.get(reverse("formula:run-download", kwargs={"pk": world.formula_run.pk, "fmt": "csv"}))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sum(Decimal(r["allocation"]) for r in rows) == Decimal("100000.00")
    assert rows[0]["gap_rank"] == "1"
    response = client.get(reverse("formula:run-download", kwargs={"pk": world.formula_run.pk, "fmt": "xlsx"}))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Allocation and gap", "About this run", "Schools"]
    assert book["Allocation and gap"].max_row == 3
    assert client.get(reverse("formula:run-download", kwargs={"pk": world.formula_run.pk, "fmt": "pdf"})).status_code == 404
    response = client.get(reverse("formula:run-chart", kwargs={"pk": world.formula_run.pk, "name": "need-funding"}))
    assert response["Content-Type"] == "image/svg+xml" and b"<svg" in response.content
    assert b"style=" not in response.content and b"<style" not in response.content  # the CSP forbids inline styles


def test_administrator_makes_a_version_through_the_form(client_for, world):
    client = client_for(Role.ADMINISTRATOR)
    url = reverse("formula:version-create")
    data = {"name": "Form version", "valid_from": "2021-04-01", "weight_pupils": "0.7", "weight_fsm": "0.2",
            "evidence_threshold": "1.20", "evidence_years": "2", "evidence_min_indicators": "0", "top_n": "10",
            "lump_sum_per_school": "£1,500.00"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The weights must add up to 1. They add up to 0.9" in response.content.decode()
    assert response.content.decode().count("There is a problem") == 1
    data["weight_fsm"] = "0.3"
    response = client.post(url, data)
    version = FormulaVersion.objects.get(name="Form version")
    assert response.status_code == 302 and version.lump_sum_per_school == Decimal("1500.00")
    # edit it (with targeted money), then it cannot be edited once used
    data["weight_pupils"], data["weight_fsm"] = "0.5", "0.5"
    data["targeted"] = "beta-cluster 500"
    response = client.post(reverse("formula:version-edit", kwargs={"pk": version.pk}), data)
    assert "Line 1: write the cluster code, a comma, then the amount" in response.content.decode()
    data["targeted"] = f"{world.other_cluster.code}, £2,500.50\n"
    assert client.post(reverse("formula:version-edit", kwargs={"pk": version.pk}), data).status_code == 302
    assert [(t.cluster, t.amount) for t in version.targeted.all()] == [(world.other_cluster, Decimal("2500.50"))]
    assert f"{world.other_cluster.code}, 2500.50" in client.get(
        reverse("formula:version-edit", kwargs={"pk": version.pk})).content.decode()
    response = client.get(reverse("formula:version-edit", kwargs={"pk": world.formula_version.pk}))
    assert response.status_code == 302


def test_officer_runs_the_formula_through_the_form(client_for, world):
    client = client_for(Role.LA_OFFICER)
    data = {"version": world.formula_version.pk, "financial_year": world.year + 1, "academic_year": world.year,
            "pot": "50,000", "kind": "scenario", "scenarios": "100"}
    response = client.post(reverse("formula:run-create"), data)
    run = FormulaRun.objects.latest("id")
    assert response.status_code == 302 and response["Location"] == reverse("formula:run-detail", kwargs={"pk": run.pk})
    assert run.pot == Decimal("50000.00") and run.kind == "scenario"
    response = client.post(reverse("formula:run-create"), {**data, "pot": "10.00"})
    assert "The formula cannot run: lump sums and targeted money" in response.content.decode()


def test_cluster_user_sees_own_allocation_in_plain_english(client_for, world):
    client = client_for(Role.CLUSTER_SEND_LEAD)
    response = client.get(reverse("formula:your-allocation"))
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "In FY 2019-20 the formula gave Alpha cluster £43,518.47" in html
    assert "How your £43,518.47 is made up" in html
    assert "Beta cluster" not in html
    other = client_for("other_cluster_host")
    assert other.get(reverse("formula:your-allocation-detail", kwargs={"code": world.cluster.code})).status_code == 404


def test_verify_button(client_for, world):
    response = client_for(Role.LA_OFFICER).post(reverse("formula:run-verify", kwargs={"pk": world.formula_run.pk}),
                                                follow=True)
    assert "every cluster&#x27;s allocation is the same to the penny" in response.content.decode()
