"""Charts are drawn once per set of figures and shared by every process through the table."""

import subprocess
import sys
from decimal import Decimal

import pytest

from sendfund.core import charts
from sendfund.core.models import ChartImage

pytestmark = pytest.mark.django_db

FIGURES = {"labels": ["Capacity FY 2026-27"], "paid": [Decimal("100.00")], "remaining": [Decimal("1000.00")]}


def bars(*, labels: list[str], paid: list[Decimal], remaining: list[Decimal]) -> str:
    """A small chart drawn the way every chart in the site is."""
    fig, ax = charts.pyplot().subplots(figsize=(4, 2))
    ax.barh(labels, [float(v) for v in paid], color="#00703c")
    ax.barh(labels, [float(v) for v in remaining], left=[float(v) for v in paid], color="#b1b4b6")
    return charts.figure_svg(fig)


def test_a_chart_is_drawn_once_for_the_same_figures_and_again_when_they_change():
    drawn = []

    def counting(**kwargs):
        drawn.append(kwargs)
        return bars(**kwargs)

    cached = charts.drawn_once(counting)
    first = cached(**FIGURES)
    assert cached(**FIGURES) == first and len(drawn) == 1
    charts.forget_drawn_charts()  # another worker, or after a restart: read from the table, not drawn
    assert cached(**FIGURES) == first and len(drawn) == 1
    assert ChartImage.objects.count() == 1
    changed = {**FIGURES, "paid": [Decimal("100.01")]}
    assert cached(**changed) != first and len(drawn) == 2
    assert ChartImage.objects.count() == 2


def test_the_chart_has_no_inline_styles():
    svg = charts.drawn_once(bars)(**FIGURES)
    assert "style=" not in svg and "<style" not in svg and "<?xml" not in svg
    assert svg.startswith("<svg") and 'fill="#00703c"' in svg


def test_loading_the_urls_does_not_import_matplotlib():
    code = ("import django, os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings.test'; django.setup(); "
            "from django.urls import get_resolver; get_resolver().url_patterns; "
            "import config.urls; print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
