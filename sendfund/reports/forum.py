"""The Schools' Forum LDD sub-group report: the figures of one financial year, read from the apps below.

Nothing is worked out afresh here that another app already works out: the pot comes from the ledger
(funds.selectors), the awards from the same ledger by reference (so they add up to the pot's committed
figure), the capacity-gap evidence from the formula run, returns and Health Checks from monitoring, all SEND
money from monitoring.money. This module only puts them in tables, in plain English.

`report_figures` returns plain JSON (money as text, every table as the strings a reader sees), so the page,
the PDF and an issued copy are drawn from one thing, and an issued report shows again exactly what the Forum
saw. Counts of pupils go through sendfund.core.suppression, the one small-numbers rule. Nothing names a
person or shows a single application's content or scores: clusters and public money only.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils import timezone

from sendfund.casework.selectors import first_invited_expression
from sendfund.core import suppression
from sendfund.core.money import format_pounds
from sendfund.core.numbers import counted
from sendfund.core.years import ay_label, fy_bounds, fy_label
from sendfund.formula.selectors import allocation_run_covering
from sendfund.funds.selectors import fund_current, ledger_year, pot_position, reference_commitments
from sendfund.monitoring import health
from sendfund.monitoring.impact import cluster_counts
from sendfund.monitoring.models import OutcomeProgress, ReturnStatus
from sendfund.monitoring.money import money_for_year
from sendfund.monitoring.selectors import returns_money, returns_queryset
from sendfund.registry.selectors import census_years_around, council_name, council_name_expression

FORMAT = 1  # the shape of the figures; an issued report keeps the shape it was issued with
ZERO = Decimal("0.00")
TOP_SHOWN = 10


def academic_year_for(financial_year: int) -> int:
    """The academic year that starts in the financial year (FY 2026-27 holds most of AY 2026/27)."""
    return financial_year


def _table(caption: str, headers: list[str], rows: list[list[str]], *, numeric: list[bool],
           footer: list[list[str]] | None = None, note: str = "", key: str = "") -> dict:
    return {"key": key, "caption": caption, "headers": headers, "numeric": numeric, "rows": rows,
            "footer": footer or [], "note": note}


def _money(amount: Decimal) -> str:
    return format_pounds(amount)


def _share(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:.1f}%"


# --- 1. the fund's position ---------------------------------------------------------------------------------

def _fund_section(fund, fy: int, ledger, streams) -> dict:
    positions = pot_position(fund=fund, financial_year=fy, ledger=ledger, streams=streams) if fund else []
    rows, total = [], {"pot": ZERO, "committed": ZERO, "paid": ZERO, "clawed_back": ZERO, "remaining": ZERO}
    for p in positions:
        figures = {"pot": p.balance.allocated, "committed": p.balance.committed, "paid": p.balance.paid,
                   "clawed_back": p.clawed_back, "remaining": p.balance.remaining}
        rows.append([p.stream_label, *(_money(v) for v in figures.values())])
        total = {k: total[k] + v for k, v in figures.items()}
    headers = ["Stream", "Pot", "Committed to awards", "Paid", "Clawed back", "Remaining"]
    paragraphs = [
        "The pot is what the council set aside for each stream in the year, with any budget changes. Committed is "
        "what awards hold from it, after money released or clawed back; paid is the part of that already paid. "
        "Clawed back is money clusters returned because they did not spend it. Remaining is what is left to award.",
    ]
    if not positions or total["pot"] == 0:
        paragraphs.append(f"No money has been set aside for {fy_label(fy)} yet.")
    chart = None
    if positions:
        chart = {"kind": "pot", "title": f"Paid, committed and remaining in each stream, {fy_label(fy)}",
                 "labels": [p.stream_label for p in positions],
                 "paid": [str(p.balance.paid) for p in positions],
                 "committed_unpaid": [str(p.balance.unpaid) for p in positions],
                 "remaining": [str(max(p.balance.remaining, ZERO)) for p in positions]}
    return {"key": "fund", "title": "The fund's position", "paragraphs": paragraphs, "chart": chart,
            "tables": [_table(f"The pot by stream, {fy_label(fy)}", headers, rows, key="fund",
                              numeric=[False] + [True] * 5,
                              footer=[["Total", *(_money(v) for v in total.values())]] if rows else [])]}


# --- 2. the awards ------------------------------------------------------------------------------------------

def _award_rows(held: dict[tuple[str, str], Decimal], year_money) -> list[tuple[str, str, Decimal]]:
    """(cluster name, stream label, amount committed in the year) for every award holding money in the year. Each
    award's cluster is the one all SEND money already read (`money_for_year`), by the case's reference."""
    by_id = {c.cluster.pk: c.cluster for c in year_money.clusters}
    clusters = {ref: by_id[cid] for ref, cid in year_money.cluster_of_reference.items() if cid in by_id}
    labels = {"capacity": "Capacity", "development": "Development"}
    by_cluster_stream: dict[tuple[str, str], Decimal] = {}
    for (ref, kind), amount in held.items():
        cluster = clusters.get(ref)
        if cluster is None:
            continue
        key = (cluster.name, labels.get(kind, kind.title()))
        by_cluster_stream[key] = by_cluster_stream.get(key, ZERO) + amount
    return sorted((c, s, a) for (c, s), a in by_cluster_stream.items())


def _awards_section(fund, fy: int, year_money, ledger) -> tuple[dict, set[str], int]:
    held = ({key: b.committed for key, b in reference_commitments(fund=fund, financial_year=fy, ledger=ledger).items()
             if b.committed > 0} if fund else {})
    rows = _award_rows(held, year_money)
    awards = len({ref for ref, _ in held})
    clusters = sorted({c for c, _, _ in rows})
    total = sum((a for _, _, a in rows), ZERO)
    by_stream: dict[str, Decimal] = {}
    for _, stream, amount in rows:
        by_stream[stream] = by_stream.get(stream, ZERO) + amount
    if rows:
        streams = "; ".join(f"{s.lower()} {_money(a)}" for s, a in sorted(by_stream.items()))
        paragraphs = [f"{awards} award{'s' if awards != 1 else ''} to {len(clusters)} cluster"
                      f"{'s' if len(clusters) != 1 else ''} hold {_money(total)} of {fy_label(fy)}'s money "
                      f"({streams}). An award can hold money in more than one year; the table shows this year's part. "
                      "Cluster-level awards are public money: the council publishes them as open data."]
    else:
        paragraphs = [f"No award holds money in {fy_label(fy)} yet."]
    per_cluster: dict[str, Decimal] = {}
    for cluster, _, amount in rows:
        per_cluster[cluster] = per_cluster.get(cluster, ZERO) + amount
    chart = ({"kind": "bars", "title": f"Awarded to each cluster, {fy_label(fy)}", "unit": "pounds",
              "labels": list(per_cluster), "values": [str(v) for v in per_cluster.values()]} if rows else None)
    table = _table(f"Awards by cluster and stream, {fy_label(fy)}", ["Cluster", "Stream", "Awarded for the year"],
                   [[c, s, _money(a)] for c, s, a in rows], numeric=[False, False, True], key="awards",
                   footer=[["Total", f"{awards} award{'s' if awards != 1 else ''}", _money(total)]] if rows else [])
    return ({"key": "awards", "title": "Awards", "paragraphs": paragraphs, "chart": chart, "tables": [table]},
            set(clusters), awards)


# --- 3. the formula's evidence ------------------------------------------------------------------------------

def _formula_section(fy: int, run, results, invited: dict[int, dt.date]) -> dict:
    """`run` covers the year and `results` are its clusters' (formula.selectors.allocation_run_covering);
    `invited`: the clusters invited to the capacity stream in the year, by id, with the day of the first
    invitation."""
    if run is None:
        return {"key": "formula", "title": "What the formula's evidence showed", "chart": None, "tables": [],
                "paragraphs": [f"No formula run covers {fy_label(fy)} yet."]}
    clear = [r for r in results if r.clear_evidence]
    top = [r for r in results if r.top][:TOP_SHOWN]
    paragraphs = [
        f"The formula run for {fy_label(run.financial_year)} (census {ay_label(run.academic_year)}) compares each "
        "cluster's share of the need (pupils with SEN support and with an EHC plan) with its share of the money. "
        "A cluster whose share of the need is larger has a capacity gap: the money the formula gives it is less than "
        "its need would call for.",
        f"{len(results)} clusters were ranked; {len(clear)} showed clear evidence of a gap (above the threshold for "
        f"enough years)." + (f" The {len(top)} with the largest gaps are below." if len(top) > 1 else
                            " The one with the largest gap is below." if top else " None has a gap."),
    ]
    invited_names = sorted(r.cluster.name for r in results if r.cluster_id in invited)
    if invited:
        paragraphs.append(f"{len(invited)} cluster{'s were' if len(invited) != 1 else ' was'} invited to apply to the "
                          f"capacity stream in {fy_label(fy)}" + (f": {', '.join(invited_names)}." if invited_names
                                                                  else "."))
    else:
        paragraphs.append(f"No cluster was invited to apply to the capacity stream in {fy_label(fy)}.")
    rows = [[str(r.gap_rank or "–"), r.cluster.name, _share(r.funding_share), _share(r.combined_need_share),
             _money(r.gap) if r.gap is not None else "–", "Yes" if r.clear_evidence else "No",
             "Yes" if r.cluster_id in invited else "No"] for r in top]
    table = _table(f"The largest capacity gaps, formula run for {fy_label(run.financial_year)}",
                   ["Rank", "Cluster", "Share of the money", "Share of the need", "Gap", "Clear evidence", "Invited"],
                   rows, numeric=[True, False, True, True, True, False, False], key="formula")
    return {"key": "formula", "title": "What the formula's evidence showed", "paragraphs": paragraphs,
            "chart": None, "tables": [table] if rows else []}


# --- 4. monitoring ------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _number(text: str) -> Decimal | None:
    match = _NUMBER.search((text or "").replace(",", ""))
    return Decimal(match.group()) if match else None


def outcome_met(*, baseline: str, target: str, latest: str) -> bool | None:
    """Whether a measure reached its target: the latest value is at or past the target, in the direction from
    the baseline to the target. None when the three are not all numbers (the measure cannot be compared)."""
    b, t, value = _number(baseline), _number(target), _number(latest)
    if b is None or t is None or value is None:
        return None
    return value >= t if t >= b else value <= t


def _monitoring_section(fy: int, today: dt.date) -> dict:
    since, until = fy_bounds(fy)
    returns = list(returns_queryset().filter(due_on__range=(since, until)).order_by("due_on", "id"))
    submitted = [r for r in returns if r.status in (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED)]
    on_time = sum(1 for r in submitted if r.submitted_at and timezone.localdate(r.submitted_at) <= r.due_on)
    overdue = sum(1 for r in returns if r not in submitted and r.due_on < today)
    waiting = len(returns) - len(submitted) - overdue
    counts = _table(f"Monitoring returns due in {fy_label(fy)}", ["Returns", "Number"],
                    [["Due in the year", str(len(returns))], ["Sent on time", str(on_time)],
                     ["Sent late", str(len(submitted) - on_time)], ["Overdue, not yet sent", str(overdue)],
                     ["Not yet due", str(waiting)]], numeric=[False, True], key="returns")
    # Spend against award: each award's latest return sent to the council (what the cluster last reported).
    latest: dict[int, object] = {}
    for r in submitted:
        if r.case_id not in latest or r.due_on >= latest[r.case_id].due_on:
            latest[r.case_id] = r
    awarded = paid = spent = unspent = ZERO
    met = not_met = not_comparable = 0
    for money in returns_money(returns=latest.values()).values():
        awarded, paid, spent, unspent = (awarded + money.awarded, paid + money.paid, spent + money.spent,
                                         unspent + money.unspent)
    if latest:
        for row in OutcomeProgress.objects.filter(monitoring_return__in=list(latest.values())).select_related("outcome"):
            result = outcome_met(baseline=row.outcome.baseline, target=row.outcome.target, latest=row.latest)
            met, not_met, not_comparable = (met + (result is True), not_met + (result is False),
                                            not_comparable + (result is None))
    spend = _table(f"Spend against award, as the latest returns sent in {fy_label(fy)} report it",
                   ["Money", "Amount"], [["Awarded", _money(awarded)], ["Paid", _money(paid)],
                                         ["Spent, as reported", _money(spent)], ["Paid but not spent", _money(unspent)]],
                   numeric=[False, True], key="spend")
    outcomes = _table("Outcomes the latest returns report", ["Outcomes", "Number"],
                      [["Target reached", str(met)], ["Target not yet reached", str(not_met)],
                       ["Not a number, so not compared", str(not_comparable)]], numeric=[False, True], key="outcomes")
    paragraphs = [
        f"Clusters with an award send the council a return on a schedule: {len(returns)} "
        f"{'were' if len(returns) != 1 else 'was'} due in {fy_label(fy)}. A return is on time when it was sent by "
        "the day it was due.",
        (f"The latest return sent for each award ({counted(len(latest), 'return')}) reports spend against what was "
         "awarded for all the years of the award." if latest else "No return has been sent yet to report spend "
         "against what was awarded.") + " An outcome's target is reached when its latest value is at or past the "
        "target, in the direction from the baseline; outcomes not written as numbers are counted apart.",
    ]
    return {"key": "monitoring", "title": "Monitoring", "paragraphs": paragraphs, "chart": None,
            "tables": [counts, spend, outcomes]}


# --- 5. the Health Check ------------------------------------------------------------------------------------

def _health_section(ay: int, clusters_total: int) -> dict:
    # the latest year up to the report's with a signed-off Health Check, counted in the database
    counted = health.level_counts(up_to=ay)
    if not counted.checks:
        return {"key": "health", "title": "The SEND Cluster Health Check", "chart": None, "tables": [],
                "paragraphs": [f"No cluster has signed off a Health Check for {ay_label(ay)} or before."]}
    areas, year = counted.areas, counted.academic_year
    assert year is not None  # there are signed-off checks
    levels = counted.levels
    table_rows, means = [], []
    for area in areas:
        given = counted.in_area(area)
        mean = counted.mean(area)
        means.append(mean)
        table_rows.append([area.title, *(str(given.get(level.value, 0)) for level in levels),
                           str(mean) if mean is not None else "–"])
    paragraphs = [
        f"{counted.checks} of {clusters_total} clusters signed off their Health Check for {ay_label(year)}. Each rates "
        f"itself in {len(areas)} areas on {len(levels)} levels, from {levels[0].name.lower()} to "
        f"{levels[-1].name.lower()}; where the council moderated a level and disagreed, its level is counted.",
    ]
    if year != ay:
        paragraphs.append(f"No Health Check for {ay_label(ay)} is signed off yet, so this is {ay_label(year)}.")
    chart = ({"kind": "bars", "title": f"Average level in each area, {ay_label(year)}", "unit": "level",
              "labels": [a.title for a in areas], "values": [str(m or 0) for m in means],
              "maximum": str(levels[-1].value)})
    table = _table(f"Clusters at each level, by area, {ay_label(year)}",
                   ["Area", *(lv.name for lv in levels), "Average level"], table_rows,
                   numeric=[False] + [True] * (len(levels) + 1), key="health")
    return {"key": "health", "title": "The SEND Cluster Health Check", "paragraphs": paragraphs, "chart": chart,
            "tables": [table]}


# --- 6. impact before and after -----------------------------------------------------------------------------

def _impact_section(funded: dict[int, str], ay: int, before: int | None, after: int | None) -> dict:
    """`before` and `after`: the last census year before `ay` and the first from it on (None: not loaded)."""
    paragraphs = [
        "Pupils with SEN support and with an EHC plan in the schools of the clusters that hold an award this year, "
        "from the school census: in the last census before the year, and in the first census after it once it is "
        "loaded. A change is not proof the award caused it; the cluster's own pages compare it with similar clusters."]
    if not funded:
        return {"key": "impact", "title": "Impact before and after", "chart": None, "tables": [],
                "paragraphs": [*paragraphs, "No cluster holds an award this year."]}
    counts = cluster_counts(academic_years=[y for y in (before, after) if y is not None], clusters=list(funded))
    tables = []
    for year, when in ((before, "Before"), (after, "After")):
        if year is None:
            paragraphs.append(f"The census after {ay_label(ay)} is not loaded yet." if when == "After"
                              else "No census before the year is loaded.")
            continue
        names = sorted(funded.items(), key=lambda kv: kv[1])
        values = [[counts.get((cid, year), {}).get("sen_support", 0), counts.get((cid, year), {}).get("ehc_plans", 0)]
                  for cid, _ in names]
        table = suppression.suppress_table(values, row_totals=True, column_totals=True)
        rows = [[name, *(str(c) for c in cells), str(total)]
                for (_, name), cells, total in zip(names, table.cells, table.row_totals, strict=True)]
        footer = [["All these clusters", *(str(c) for c in table.column_totals), str(table.grand_total)]]
        tables.append(_table(f"{when}: pupils with SEN support or an EHC plan, census {ay_label(year)}",
                             ["Cluster", "SEN support", "EHC plan", "All with SEND"], rows,
                             numeric=[False, True, True, True], footer=footer, key=f"impact-{when.lower()}",
                             note=suppression.table_note() if table.any_hidden else ""))
    return {"key": "impact", "title": "Impact before and after", "paragraphs": paragraphs, "chart": None,
            "tables": tables}


# --- 7. all SEND money per cluster --------------------------------------------------------------------------

def _money_section(fy: int, year) -> dict:
    rows = [[c.cluster.name, _money(c.formula), _money(c.awards), _money(c.other), _money(c.total)]
            for c in year.clusters if c.total]
    paragraphs = [
        f"Every cluster's SEND money in {fy_label(fy)}: its share of the formula, awards from this fund (after money "
        "released or clawed back) and the other SEND funding lines the council pays its schools. "
        + (f"In all, {_money(year.total)}." if rows else "No SEND money is recorded for the year yet.")]
    if year.illustrative:
        paragraphs.append("The other SEND funding lines for this year are illustrative figures made up for the "
                          "demonstration, not the council's.")
    table = _table(f"All SEND money by cluster, {fy_label(fy)}",
                   ["Cluster", "Formula", "Awards from this fund", "Other SEND funding", "Total"], rows,
                   numeric=[False, True, True, True, True], key="money",
                   footer=[["Total", _money(year.formula), _money(year.awards), _money(year.other),
                            _money(year.total)]] if rows else [])
    return {"key": "money", "title": "All SEND money per cluster", "paragraphs": paragraphs, "chart": None,
            "tables": [table] if rows else []}


def _clusters(fy: int, ay: int) -> list:
    """Every cluster by name, read with what the report needs beside them instead of in queries of their own:
    when each was first invited to the capacity stream in the year (`invited_at`), the census years around the
    academic year (`census_before`, `census_after`) and the council's name (`council`). One query."""
    from sendfund.registry.models import Cluster

    since, until = fy_bounds(fy)
    before, after = census_years_around(academic_year=ay)
    return list(Cluster.objects.order_by("name").annotate(
        invited_at=first_invited_expression(stream_kind="capacity", since=since, until=until),
        census_before=before, census_after=after, council=council_name_expression()))


def live_report(*, financial_year: int, today: dt.date | None = None, fund=None, streams=None) -> tuple[dict, str]:
    """`report_figures`, and the council's name read with them (for the page), in a fixed number of queries
    whatever the number of clusters, awards, returns or Health Checks (tests/test_query_budget.py)."""
    today = today or timezone.localdate()
    fy, ay = financial_year, academic_year_for(financial_year)
    if fund is None:
        fund, streams = fund_current(), None
    ledger = ledger_year(financial_year=fy)  # the year's ledger, read once for the pot, the awards and all SEND money
    run, results = allocation_run_covering(year=fy)  # the run's results, read once for the formula and all SEND money
    clusters = _clusters(fy, ay)
    year_run = run if run is not None and run.financial_year == fy else None
    year_money = money_for_year(financial_year=fy, clusters=clusters, ledger=ledger, run=year_run,
                                allocations={r.cluster_id: r.allocation for r in results} if year_run else None)
    awards, funded_names, _ = _awards_section(fund, fy, year_money, ledger)
    funded = {c.cluster.pk: c.cluster.name for c in year_money.clusters if c.cluster.name in funded_names}
    invited = {c.pk: timezone.localdate(c.invited_at) for c in clusters if c.invited_at is not None}
    before, after = (clusters[0].census_before, clusters[0].census_after) if clusters else (None, None)
    figures = {
        "format": FORMAT, "financial_year": fy, "fy_label": fy_label(fy), "academic_year": ay,
        "ay_label": ay_label(ay), "fund": fund.name if fund else "", "made_on": today.isoformat(),
        "sections": [_fund_section(fund, fy, ledger, streams), awards, _formula_section(fy, run, results, invited),
                     _monitoring_section(fy, today), _health_section(ay, len(clusters)),
                     _impact_section(funded, ay, before, after), _money_section(fy, year_money)],
    }
    return figures, clusters[0].council if clusters else council_name()


def report_figures(*, financial_year: int, today: dt.date | None = None, fund=None, streams=None) -> dict:
    """Every figure of the Forum's report for one financial year (and the academic year that starts in it),
    as JSON: money as text, tables as the strings a reader sees. `fund` and its `streams`
    (funds.selectors.fund_current_and_streams) when the caller has read them. Raises nothing."""
    return live_report(financial_year=financial_year, today=today, fund=fund, streams=streams)[0]
