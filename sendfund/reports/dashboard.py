"""The LA's home dashboard: the work queue by state and by who acts next, deadlines due and overdue, the pot per
stream and year, monitoring returns due and overdue, and Health Check coverage. Each figure links to the list
behind it, filtered to the items it counts; each chart (drawn once per set of figures, sendfund.core.charts) has
a table of the same figures. It reads the lists' own selectors, so a figure and its list cannot disagree.

Shown on /manage/ (core.navigation.register_panel, from ReportsConfig.ready), each part to those who may open
its list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import mark_safe

from sendfund.casework import permissions as case_permissions
from sendfund.casework import selectors as case_selectors
from sendfund.casework.models import State
from sendfund.core.charts import drawn_once, figure_svg, pyplot
from sendfund.funds import charts as fund_charts
from sendfund.funds import selectors as fund_selectors
from sendfund.funds.permissions import can_view_pot
from sendfund.monitoring import health
from sendfund.monitoring import selectors as monitoring_selectors
from sendfund.monitoring.models import HealthCheckStatus
from sendfund.monitoring.permissions import can_view_health_checks, can_view_returns

DEADLINE_WHAT = {State.SUBMITTED: "Acknowledge", State.ACKNOWLEDGED: "Arrange the meeting",
                 State.INFORMATION_REQUESTED: "Cluster to answer a question"}


@dataclass(frozen=True)
class Figure:
    """One figure on the dashboard and the list it counts."""

    label: str
    value: int
    href: str


def _url(name: str, **query) -> str:
    query = {k: v for k, v in query.items() if v not in ("", None)}
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


@drawn_once
def cases_chart_svg(*, labels: list[str], counts: list[int], title_id: str = "cases-chart-title") -> str:
    """Horizontal bars: how many items of the work queue are in each state."""
    fig, ax = pyplot().subplots(figsize=(8, 0.6 + 0.45 * max(1, len(labels))))
    y = list(range(len(labels)))
    ax.barh(y, counts, color="#1d70b8")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    svg = re.sub(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"', r'\1 width="100%"', figure_svg(fig), count=1)
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="{title_id}" focusable="false" ', 1)


def _cases(user) -> dict:
    summary = case_selectors.queue_summary(user=user)
    by_state = [Figure(label, summary.state_counts[value], _url("casework:queue", state=value))
                for value, label in State.choices if summary.state_counts.get(value)]
    waiting = [Figure(case_selectors.WAITING_LABELS[who], n, _url("casework:queue", waiting=who))
               for who, n in summary.waiting_counts().items()]
    deadlines = [(DEADLINE_WHAT[state], Figure("items", summary.state_counts.get(state, 0),
                                               _url("casework:queue", state=state)),
                  Figure("overdue", summary.overdue_counts.get(state, 0), _url("casework:queue", state=state,
                                                                                overdue=1)))
                 for state in case_selectors.DEADLINE_STATES]
    chart = cases_chart_svg(labels=[f.label for f in by_state], counts=[f.value for f in by_state]) if by_state else ""
    return {"total": Figure("Items in the work queue", summary.total, _url("casework:queue")),
            "overdue": Figure("Overdue", summary.overdue, _url("casework:queue", overdue=1)),
            "by_state": by_state, "waiting": waiting, "deadlines": deadlines,
            "chart": mark_safe(chart)}  # noqa: S308  (our own matplotlib output; labels are the states' names)


def _pot() -> dict | None:
    fund = fund_selectors.fund_current()
    if fund is None:
        return None
    rows = fund_selectors.pot_rows(fund=fund)
    chart = fund_charts.pot_chart_svg(labels=[f"{r.stream_label} {r.year_label}" for r in rows],
                                      paid=[r.balance.paid for r in rows],
                                      committed_unpaid=[r.balance.unpaid for r in rows],
                                      remaining=[r.balance.remaining for r in rows]) if rows else ""  # the pot page's chart, drawn once
    return {"fund": fund, "rows": [(r, _url("funds:ledger", year=r.financial_year, stream=r.stream_kind))
                                   for r in rows],
            "chart": mark_safe(chart)}  # noqa: S308  (our own matplotlib output, with no user text in it)


def _returns(user) -> dict:
    counts = monitoring_selectors.return_counts(user=user)
    return {"figures": [
        Figure("Due in the next month", counts["due_in_month"], _url("monitoring:manage-returns", state="due")),
        Figure("Overdue", counts["overdue"], _url("monitoring:manage-returns", state="overdue")),
        Figure("Waiting for review", counts["waiting_for_review"], _url("monitoring:manage-returns", state="submitted")),
    ]}


def _health(user) -> dict:
    coverage = health.health_coverage(user=user)
    href = _url("monitoring:manage-health-checks", year=coverage.academic_year)
    figures = [Figure(label, coverage.by_status.get(value, 0), href) for value, label in HealthCheckStatus.choices]
    figures.append(Figure("Not started", coverage.not_started, _url("registry:cluster-list")))
    return {"coverage": coverage, "figures": figures, "href": href}


def dashboard_context(user) -> dict | None:
    """The dashboard's figures for this user: each part only for those who may open its list (None: no part)."""
    context = {
        "cases": _cases(user) if case_permissions.can_view_cases(user) else None,
        "pot": _pot() if can_view_pot(user) else None,
        "returns": _returns(user) if can_view_returns(user) else None,
        "health": _health(user) if can_view_health_checks(user) else None,
    }
    return context if any(context.values()) else None


def shows_dashboard(user) -> bool:
    return any(check(user) for check in (case_permissions.can_view_cases, can_view_pot, can_view_returns,
                                         can_view_health_checks))
