"""The capacity stream's evidence: the cluster's formula allocation against its need, from the formula app.

The formula app exposes `sendfund.formula.selectors.cluster_capacity_evidence(*, cluster, year=None)`.
Until the council has run the formula for the year (or while that selector does not exist yet), this
adapter answers None and the page says so plainly; clusters never type these figures in.
"""

import dataclasses
from decimal import Decimal
from importlib import import_module

NOT_RUN = "The council has not yet run the formula for this year."


def capacity_evidence(*, cluster, year: int | None = None):
    """The formula selector's answer, or None when there is none yet. Read once per cluster object: a page that
    shows the evidence in two places (the summary and the check page's warnings) asks the database once."""
    kept = cluster.__dict__.setdefault("_capacity_evidence", {})
    if year not in kept:
        kept[year] = _read_evidence(cluster=cluster, year=year)
    return kept[year]


def _read_evidence(*, cluster, year: int | None):
    try:
        selectors = import_module("sendfund.formula.selectors")
    except ModuleNotFoundError as exc:
        if exc.name != "sendfund.formula.selectors":
            raise
        return None
    selector = getattr(selectors, "cluster_capacity_evidence", None)
    if selector is None:
        return None
    return selector(cluster=cluster, year=year)


def evidence_rows(evidence) -> list[tuple[str, object]]:
    """The evidence as (label, value) rows for a summary list, whatever shape the formula app returns."""
    if evidence is None:
        return []
    if getattr(evidence, "sentences", None):
        return [("Formula evidence (worked out by the council)", list(evidence.sentences))]
    if hasattr(evidence, "as_rows"):
        return list(evidence.as_rows())
    if dataclasses.is_dataclass(evidence):
        items = dataclasses.asdict(evidence).items()
    elif isinstance(evidence, dict):
        items = evidence.items()
    else:
        items = vars(evidence).items()
    rows = []
    for key, value in items:
        if isinstance(value, (list, dict, tuple, set)) or key.startswith("_"):
            continue
        rows.append((str(key).replace("_", " ").capitalize(), value))
    return rows


def is_money(value) -> bool:
    return isinstance(value, Decimal)
