"""The pot as a bar chart: matplotlib to SVG, inlined in the page beside a table of the same figures,
drawn once per set of figures (sendfund.core.charts)."""

import re
from decimal import Decimal

from sendfund.core.charts import drawn_once, figure_svg, pyplot

COLOURS = {"paid": "#00703c", "committed": "#1d70b8", "remaining": "#b1b4b6"}


@drawn_once
def pot_chart_svg(*, labels: list[str], paid: list[Decimal], committed_unpaid: list[Decimal],
                  remaining: list[Decimal], title_id: str = "pot-chart-title") -> str:
    """Stacked bars per pot: paid, committed but not paid, remaining. Values are Decimal pounds."""
    from matplotlib.ticker import FuncFormatter

    fig, ax = pyplot().subplots(figsize=(8, 0.6 + 0.55 * max(1, len(labels))))
    y = list(range(len(labels)))
    to_float = lambda values: [float(v) for v in values]  # noqa: E731  (drawing only; the table has the exact figures)
    left = [0.0] * len(labels)
    for name, values in (("paid", paid), ("committed", committed_unpaid), ("remaining", remaining)):
        widths = to_float(values)
        ax.barh(y, widths, left=left, color=COLOURS[name], label={"paid": "Paid", "committed": "Committed, not paid",
                                                                   "remaining": "Remaining"}[name])
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"£{v / 1000:,.0f}k"))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    svg = figure_svg(fig)
    # Scale to the column: keep the viewBox, let the width follow the page.
    svg = re.sub(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"', r'\1 width="100%"', svg, count=1)
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="{title_id}" focusable="false" ', 1)
