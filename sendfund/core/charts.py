"""Charts drawn once: matplotlib to SVG, kept by a hash of the figures they show.

A chart is a function of its figures. `drawn_once` wraps a drawing function: the first call with a
given set of arguments draws it and keeps the SVG (in this process and in the `ChartImage` table,
so every worker and every restart shares it); later calls with the same figures read it back. A
formula run never changes, and the pot's figures change only when the ledger does, so their charts
are drawn once per change, not once per page view.

matplotlib is imported by `pyplot()` only when a chart is really drawn, never when URLs load.

The site's Content Security Policy forbids inline styles, and matplotlib writes its colours as
`style="..."` attributes: `presentation_attributes` rewrites them as SVG presentation attributes
(fill="...", stroke="..."), which need no style permission, and drops the <style> element.
"""

import functools
import hashlib
import io
import json
import re
from collections import OrderedDict
from collections.abc import Callable

_MEMORY: OrderedDict[str, str] = OrderedDict()
_MEMORY_SIZE = 64  # charts kept in each process; the table keeps them all


def pyplot():
    """matplotlib's pyplot, set up to draw SVG without a display (text kept as text)."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, and read by assistive technology
    import matplotlib.pyplot as plt

    return plt


def presentation_attributes(svg: str) -> str:
    """matplotlib's SVG without its prologue, metadata and styles: style="a:b" becomes a="b"."""
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.S)
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)

    def attributes(match: re.Match) -> str:
        out = []
        for part in match.group(1).split(";"):
            key, _, value = part.partition(":")
            key, value = key.strip(), value.strip()
            if re.fullmatch(r"[a-z-]+", key) and value:
                out.append(f'{key}="{value.replace(chr(34), chr(39))}"')
        return " ".join(out)

    return re.sub(r'style="([^"]*)"', attributes, svg)


def figure_svg(fig, **savefig) -> str:
    """A matplotlib figure as SVG text with presentation attributes; the figure is closed."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None}, **savefig)
    pyplot().close(fig)
    return presentation_attributes(buffer.getvalue())


def chart_key(name: str, args: tuple, kwargs: dict) -> str:
    """sha256 of the drawing function's name and its figures (Decimal and dates as their text)."""
    text = json.dumps([name, list(args), kwargs], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def drawn_once(draw: Callable[..., str]) -> Callable[..., str]:
    """Decorate a function that draws a chart from its arguments and returns SVG text."""
    name = f"{draw.__module__}.{draw.__qualname__}"

    @functools.wraps(draw)
    def cached(*args, **kwargs) -> str:
        from .models import ChartImage

        key = chart_key(name, args, kwargs)
        if key in _MEMORY:
            _MEMORY.move_to_end(key)
            return _MEMORY[key]
        svg = ChartImage.objects.filter(key=key).values_list("svg", flat=True).first()
        if svg is None:
            svg = draw(*args, **kwargs)
            # Another worker may draw the same chart at the same moment: same figures, same SVG.
            ChartImage.objects.bulk_create([ChartImage(key=key, name=name, svg=svg)], ignore_conflicts=True)
        _MEMORY[key] = svg
        if len(_MEMORY) > _MEMORY_SIZE:
            _MEMORY.popitem(last=False)
        return svg

    return cached


def forget_drawn_charts() -> None:
    """Empty this process's memory of charts (tests; the table is emptied with the database)."""
    _MEMORY.clear()
