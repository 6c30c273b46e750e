"""The Forum report's charts, drawn from the report's figures (so an issued report draws the same chart again),
once per set of figures (sendfund.core.charts). Every chart has a table of the same figures beside it."""

import re
from decimal import Decimal

from sendfund.core.charts import drawn_once, figure_svg, pyplot
from sendfund.funds.charts import pot_chart_svg


def _accessible(svg: str, title_id: str) -> str:
    svg = re.sub(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"', r'\1 width="100%"', svg, count=1)
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="{title_id}" focusable="false" ', 1)


@drawn_once
def bars_svg(*, labels: list[str], values: list[str], unit: str, maximum: str = "",
             title_id: str = "chart-title") -> str:
    """Horizontal bars, one a label. Values are text (Decimal pounds, or levels)."""
    from matplotlib.ticker import FuncFormatter

    fig, ax = pyplot().subplots(figsize=(8, 0.6 + 0.45 * max(1, len(labels))))
    y = list(range(len(labels)))
    ax.barh(y, [float(Decimal(v)) for v in values], color="#1d70b8")  # drawing only: the table has the figures
    ax.set_yticks(y, [label if len(label) <= 45 else label[:44] + "…" for label in labels])
    ax.invert_yaxis()
    if unit == "pounds":
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"£{v / 1000:,.0f}k"))
    if maximum:
        ax.set_xlim(0, float(Decimal(maximum)))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return _accessible(figure_svg(fig), title_id)


def chart_svg(chart: dict, *, title_id: str) -> str:
    """The SVG of one chart of the report's figures."""
    if chart["kind"] == "pot":
        return pot_chart_svg(labels=chart["labels"], paid=[Decimal(v) for v in chart["paid"]],
                             committed_unpaid=[Decimal(v) for v in chart["committed_unpaid"]],
                             remaining=[Decimal(v) for v in chart["remaining"]], title_id=title_id)
    return bars_svg(labels=chart["labels"], values=chart["values"], unit=chart.get("unit", ""),
                    maximum=chart.get("maximum", ""), title_id=title_id)
