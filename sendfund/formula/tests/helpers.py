"""Small builders shared by the formula tests (no Django)."""

from __future__ import annotations

from sendfund.formula.engine import SchoolTable


def table(*rows: tuple) -> SchoolTable:
    """rows of (URN, cluster, {indicator: count})."""
    return SchoolTable.from_rows([{"URN": u, "cluster": c, **vals} for u, c, vals in rows])


def one_school_per_cluster(**clusters: dict[str, float]) -> SchoolTable:
    return table(*[(f"U{name}", name, vals) for name, vals in clusters.items()])
