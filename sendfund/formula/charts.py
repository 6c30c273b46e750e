"""Charts as SVG (matplotlib, no display needed). Every chart has its data as a table on the page."""

from __future__ import annotations

from decimal import Decimal

from sendfund.core.charts import drawn_once, figure_svg, pyplot

GOVUK_BLUE = "#1d70b8"
GOVUK_RED = "#d4351c"
GOVUK_GREY = "#505a5f"


def _svg(fig) -> str:
    svg = figure_svg(fig, bbox_inches="tight")
    return svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)


def inline(svg: str, *, label: str) -> str:
    """The SVG for placing in a page: no XML prologue, and named for assistive technology."""
    from django.utils.html import escape

    text = svg[svg.index("<svg"):]
    return text.replace("<svg", f'<svg role="img" aria-label="{escape(label)}"', 1)


@drawn_once
def gap_chart(rows: list[tuple[str, Decimal, bool]], *, title: str) -> str:
    """Horizontal bars: gap in pounds per cluster (positive = funded below need); highlighted = top N."""
    names = [r[0] for r in rows][::-1]
    values = [float(r[1]) for r in rows][::-1]
    colours = [GOVUK_RED if r[2] else GOVUK_GREY for r in rows][::-1]
    from matplotlib.ticker import FuncFormatter

    fig, ax = pyplot().subplots(figsize=(8, max(2.5, 0.28 * len(rows) + 1)))
    ax.barh(names, values, color=colours)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("Need-based share minus allocation (£)")
    ax.set_title(title, loc="left", fontsize=11)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"£{x:,.0f}"))
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    return _svg(fig)


@drawn_once
def need_funding_chart(points: list[tuple[str, float, float, bool]], *, title: str) -> str:
    """Scatter: each cluster's share of funding (x) against its share of need (y); the diagonal is parity."""
    fig, ax = pyplot().subplots(figsize=(6.5, 5))
    xs = [p[1] * 100 for p in points]
    ys = [p[2] * 100 for p in points]
    colours = [GOVUK_RED if p[3] else GOVUK_BLUE for p in points]
    ax.scatter(xs, ys, c=colours, s=18)
    top = max([*xs, *ys, 0.1]) * 1.05
    ax.plot([0, top], [0, top], color=GOVUK_GREY, linewidth=0.8, linestyle="--")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel("Share of the money (%)")
    ax.set_ylabel("Share of need (%)")
    ax.set_title(title, loc="left", fontsize=11)
    fig.tight_layout()
    return _svg(fig)
