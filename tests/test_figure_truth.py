"""Every page that shows formula figures shows the engine's figures, each under the right header.

The pages: the allocation table, the capacity-gap ranking and the comparison (/manage/formula/runs/...),
the cluster's evidence (/apply/formula/<code>/ and the capacity application's evidence section), and
the officer's capacity candidates (/manage/casework/invitations/). The LA's cluster pages (registry)
show census counts only, no formula figures.

The engine is run again here from the run's stored inputs; each rendered table is read cell by cell by
its column's header (never by position in a template loop) and checked against that result and
against the run's CSV download. A column whose header and cells come from lists in different orders
(the capacity-gap ranking once showed SEN support under "EHC plan") fails here.
"""

from __future__ import annotations

import csv
import io
import math
from decimal import Decimal

import pytest
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.applications import services as application_services
from sendfund.core.money import format_pounds, from_pence, to_pence
from sendfund.formula import engine, selectors, services
from sendfund.formula.models import FormulaRun, RunKind
from sendfund.registry.models import Indicator, SchoolFigure
from tests.html_tables import table

pytestmark = pytest.mark.django_db


def _pct(x: float, places: int) -> str:
    return f"{x * 100:.{places}f}%"


def engine_truth(run: FormulaRun) -> dict[str, dict]:
    """The engine's answer for each cluster (by name), worked out again from the run's inputs."""
    inputs = selectors.run_inputs(academic_year=run.academic_year, document=run.parameters, pot_pence=to_pence(run.pot),
                                  previous=run.previous, scenarios=run.scenarios, seed=run.seed)
    assert inputs.sha256 == run.inputs_sha256
    version = selectors.engine_version(document=run.parameters, columns=inputs.table.columns)
    previous = selectors.previous_year(run=run.previous)
    alloc = engine.allocate(inputs.table, pot_pence=to_pence(run.pot), version=version, previous=previous)
    gap = engine.need_gap(alloc, version=version, previous=previous) if run.need_indicators else None
    truth = {}
    for c, code in enumerate(alloc.clusters.tolist()):
        pence = int(alloc.cluster_pence[c])
        pupils = int(round(alloc.cluster_totals["pupils"][c]))
        row = {
            "code": code, "pence": pence, "schools": int(alloc.n_schools[c]), "pupils": pupils,
            "components": {name: int(alloc.cluster_breakdown_pence[c, k]) for k, name in enumerate(alloc.components)},
            "per_pupil": from_pence(to_pence(from_pence(pence) / pupils)) if pupils else None,
            "funding_share": pence / to_pence(run.pot),
        }
        if gap is not None:
            row.update(
                needs={name: (float(alloc.cluster_totals[name][c]), float(gap.need_share[c, j]), float(gap.ratio[c, j]))
                       for j, name in enumerate(gap.indicators)},
                combined_ratio=float(gap.combined_ratio[c]), gap_pence=int(gap.gap_pence[c]), rank=int(gap.rank[c]),
                top=bool(gap.top[c]), clear_evidence=bool(gap.clear_evidence[c]))
        truth[inputs.clusters[code].name] = row
    return truth


def csv_rows(client, run: FormulaRun) -> dict[str, dict[str, str]]:
    response = client.get(reverse("formula:run-download", kwargs={"pk": run.pk, "fmt": "csv"}))
    return {r["cluster"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}


def _ratio_text(r: float) -> str:
    return "–" if not math.isfinite(r) else f"{r:.2f}"


@pytest.fixture
def run(world) -> FormulaRun:
    """An allocation run whose clusters differ in every need, so a swapped column cannot look right by luck:
    Alpha has 42.9% of SEN support but only 37.5% of EHC plans."""
    figure = SchoolFigure.objects.get(school=world.other_school, indicator__code="ehc_plans", academic_year=world.year)
    figure.value = 20
    figure.save()
    return services.formula_run_create(actor=None, version=world.formula_version, financial_year=world.year + 1,
                                       academic_year=world.year, pot=Decimal("100000.00"), scenarios=20)


@pytest.fixture
def names():
    return dict(Indicator.objects.values_list("code", "name"))


def test_the_need_columns_differ_so_the_test_can_see_a_swap(run):
    truth = engine_truth(run)
    for row in truth.values():
        shares = [share for _count, share, _ratio in row["needs"].values()]
        assert len(set(shares)) == len(shares) == 2


def test_allocation_table_reads_the_engine_and_the_csv(client_for, world, run, names):
    client = client_for(Role.LA_OFFICER)
    page = table(client.get(reverse("formula:run-detail", kwargs={"pk": run.pk})).content, "Allocation by cluster")
    truth, download = engine_truth(run), csv_rows(client, run)
    rows = page.by_first_column()
    assert set(rows) == set(truth) == set(download)
    for name, want in truth.items():
        row, line = rows[name], download[name]
        assert row["Schools"] == str(want["schools"]) == line["schools"]
        assert row["Pupils"] == str(want["pupils"]) == line["pupils"]
        assert row["Allocation"] == format_pounds(want["pence"], pence=True)
        assert Decimal(line["allocation"]) == from_pence(want["pence"])
        assert row["Per pupil"] == format_pounds(want["per_pupil"])
        for component, pence in want["components"].items():
            header = selectors.component_label(component, names)
            assert row[header] == format_pounds(pence, pence=True), (name, header)
            assert Decimal(line[component]) == from_pence(pence), (name, component)
    assert page.footer[0][-2] == format_pounds(run.pot)


def test_gap_table_reads_the_engine_and_the_csv(client_for, world, run, names):
    client = client_for(Role.EDUCATION_SPECIALIST)
    page = table(client.get(reverse("formula:run-gap", kwargs={"pk": run.pk})).content, "Capacity-gap ranking")
    truth, download = engine_truth(run), csv_rows(client, run)
    rows = {r["Cluster"].split(" Top ")[0].split(" Invite")[0]: r for r in page.rows_by_header()}
    assert set(rows) == set(truth)
    for name, want in truth.items():
        row, line = rows[name], download[name]
        assert row["Rank"] == str(want["rank"]) == line["gap_rank"]
        assert row["Allocation"] == format_pounds(want["pence"], pence=True)
        assert row["Share of money"] == _pct(want["funding_share"], 2)
        assert row["Combined ratio"] == _ratio_text(want["combined_ratio"])
        assert row["Gap"] == format_pounds(want["gap_pence"], pence=True)
        assert Decimal(line["gap"]) == from_pence(want["gap_pence"])
        for code, (_count, share, ratio) in want["needs"].items():
            header = f"{names[code]}: share (ratio)"
            assert row[header] == f"{_pct(share, 2)} ({_ratio_text(ratio)})", (name, header)
            assert float(line[f"need_share:{code}"]) == pytest.approx(share, abs=1e-6)
            assert float(line[f"ratio:{code}"]) == pytest.approx(ratio, abs=1e-4)


def _evidence_tables(html, truth_row, names, run):
    parts = table(html, "How your").by_first_column()
    for component, pence in truth_row["components"].items():
        label = next(k for k in parts if (selectors.component_label(component, names) == k
                                          or (component == engine.LUMP_SCHOOL and k.startswith("Lump sums:"))))
        assert parts[label]["Amount"] == format_pounds(pence, pence=True), label
    assert len(parts) == len(truth_row["components"])
    need = table(html, "Your need against your funding").by_first_column()
    assert need["Formula money"]["Share of the county"] == _pct(truth_row["funding_share"], 2)
    for code, (count, share, ratio) in truth_row["needs"].items():
        row = need[names[code]]
        assert row["Pupils"] == f"{count:.0f}"
        assert row["Share of the county"] == _pct(share, 2), code
        assert row["Times your share of the money"] == _ratio_text(ratio), code


def test_the_clusters_evidence_pages_read_the_engine(client_for, world, run, names):
    """/apply/formula/<code>/ and the capacity application's evidence section show the latest allocation run."""
    truth_row = engine_truth(run)[world.cluster.name]
    client = client_for(Role.CLUSTER_HOST)
    html = client.get(reverse("formula:your-allocation-detail", kwargs={"code": world.cluster.code})).content
    _evidence_tables(html, truth_row, names, run)
    draft = application_services.application_start(cluster=world.cluster, round=world.round, streams=["capacity"],
                                                   actor=world.users[Role.CLUSTER_HOST])
    html = client.get(reverse("applications:section", kwargs={"pk": draft.pk, "key": "evidence-capacity"})).content
    _evidence_tables(html, truth_row, names, run)


def test_the_lump_sum_line_says_what_each_school_brings(client_for, world, run):
    html = client_for(Role.CLUSTER_HOST).get(
        reverse("formula:your-allocation-detail", kwargs={"code": world.cluster.code})).content
    parts = table(html, "How your").by_first_column()
    assert parts["Lump sums: £1,000.00 for each of your 2 schools"]["Amount"] == "£2,000.00"


def test_comparison_table_reads_the_engine(client_for, world, run):
    other = services.formula_run_create(actor=None, version=world.formula_draft, financial_year=world.year + 1,
                                        academic_year=world.year, pot=Decimal("100000.00"), kind=RunKind.SCENARIO)
    client = client_for(Role.LA_OFFICER)
    html = client.get(reverse("formula:run-compare", kwargs={"pk": other.pk}) + f"?with={run.pk}").content
    page = table(html, f"Run {other.pk} against run {run.pk}").by_first_column()
    current, proposed = engine_truth(run), engine_truth(other)
    current_csv, proposed_csv = csv_rows(client, run), csv_rows(client, other)
    assert set(page) == set(current)
    for name, row in page.items():
        now, then = proposed[name]["pence"], current[name]["pence"]
        assert row[f"Current (run {run.pk})"] == format_pounds(then, pence=True)
        assert Decimal(current_csv[name]["allocation"]) == from_pence(then)
        assert row[f"Proposed (run {other.pk})"] == format_pounds(now, pence=True)
        assert Decimal(proposed_csv[name]["allocation"]) == from_pence(now)
        assert row["Gain or loss"] == format_pounds(now - then, pence=True)
        pupils = proposed[name]["pupils"]
        assert row["Per pupil"] == format_pounds(from_pence(to_pence(from_pence(now - then) / pupils)))
        change = (now - then) / then
        assert row["Change"] == ("\u2212" if change < 0 else "") + _pct(abs(change), 1)


def test_the_invitations_page_reads_the_engine(client_for, world, run):
    """The officer's list of capacity candidates: the engine's top clusters, their rank and gap."""
    truth = engine_truth(run)
    html = client_for(Role.LA_OFFICER).get(reverse("casework:invitations")).content
    rows = table(html, "Strongest candidates").by_first_column()
    listed = {row["Cluster"]: row for row in rows.values()}
    assert set(listed) == {name for name, want in truth.items() if want["top"]} != set()
    for name, row in listed.items():
        assert row["Rank"] == str(truth[name]["rank"])
        assert row["Short of need by"] == format_pounds(truth[name]["gap_pence"], pence=True)
        assert row["Clear evidence"] == ("Yes" if truth[name]["clear_evidence"] else "No")
