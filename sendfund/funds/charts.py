"""The pot as a bar chart: matplotlib to SVG, inlined in the page beside a table of the same figures.

The site's Content Security Policy forbids inline styles, and matplotlib writes its colours as
`style="..."` attributes. `_presentation_attributes` rewrites them as SVG presentation attributes
(fill="...", stroke="..."), which need no style permission, and drops the <style> element.
"""

import io
import re
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

COLOURS = {"paid": "#00703c", "committed": "#1d70b8", "remaining": "#b1b4b6"}
_STYLE = re.compile(r'style="([^"]*)"')


def _presentation_attributes(svg: str) -> str:
    def replace(match):
        parts = [p.split(":", 1) for p in match.group(1).split(";") if ":" in p]
        return " ".join(f'{k.strip()}="{v.strip()}"' for k, v in parts if re.fullmatch(r"[a-z-]+", k.strip()))

    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.S)
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    return _STYLE.sub(replace, svg)


def pot_chart_svg(*, labels: list[str], paid: list[Decimal], committed_unpaid: list[Decimal],
                  remaining: list[Decimal], title_id: str = "pot-chart-title") -> str:
    """Stacked bars per pot: paid, committed but not paid, remaining. Values are Decimal pounds."""
    plt.rcParams["svg.fonttype"] = "none"
    fig, ax = plt.subplots(figsize=(8, 0.6 + 0.55 * max(1, len(labels))))
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
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    svg = _presentation_attributes(buffer.getvalue())
    # Scale to the column: keep the viewBox, let the width follow the page.
    svg = re.sub(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"', r'\1 width="100%"', svg, count=1)
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="{title_id}" focusable="false" ', 1)
