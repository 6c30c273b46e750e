"""Small numbers: the one rule for counts of pupils that a Schools' Forum member or the public sees.

No count of pupils from 1 to 4 is shown (domain.md 4.4, as official statistics do). A count on its own reads
"fewer than 5". In a table with totals, hiding the small count is not enough: a row or column total minus
the figures shown would give it back. So `suppress_table` also hides other figures (secondary suppression)
until no hidden figure can be worked out from what is shown: not by subtracting from one total, not by any
sum and difference of totals (exact linear algebra over the hidden figures), and not from a line whose
hidden figures must add up to 0 (counts are never negative). Every hidden figure then reads "hidden", the
small and the secondary alike, so the marker itself tells a reader nothing.

The threshold is the setting SENDFUND_SMALLEST_COUNT_SHOWN (5 by default): counts from 1 to one below it
are hidden. 0 is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings

HIDDEN = "hidden"
TABLE_NOTE = ("“Hidden” marks a count of fewer than {smallest} pupils, or a figure hidden with one so that it "
              "cannot be worked out from the totals.")


def smallest_shown() -> int:
    return int(getattr(settings, "SENDFUND_SMALLEST_COUNT_SHOWN", 5))


def is_small(value: int | None) -> bool:
    """A count that is never shown: from 1 to one below the smallest shown."""
    return value is not None and 1 <= value < smallest_shown()


def show_count(value: int | None) -> str:
    """A count of pupils standing alone (no total beside it): "fewer than 5" when small."""
    if value is None:
        return "Not loaded"
    return f"fewer than {smallest_shown()}" if is_small(value) else f"{value:,}"


def table_note() -> str:
    return TABLE_NOTE.format(smallest=smallest_shown())


@dataclass(frozen=True)
class Cell:
    """A figure as a reader sees it: its value, or hidden (never both)."""

    value: int | None

    @property
    def hidden(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return HIDDEN if self.value is None else f"{self.value:,}"

    def as_json(self) -> int | None:
        return self.value


@dataclass(frozen=True)
class SuppressedTable:
    """A table of counts as published: body cells, and the row totals, column totals and grand total it has."""

    cells: list[list[Cell]]
    row_totals: list[Cell] | None
    column_totals: list[Cell] | None
    grand_total: Cell | None

    @property
    def any_hidden(self) -> bool:
        everything = [c for row in self.cells for c in row] + (self.row_totals or []) + (self.column_totals or [])
        return any(c.hidden for c in everything) or bool(self.grand_total and self.grand_total.hidden)

    def as_json(self) -> dict:
        """Only what a reader may see: hidden figures are null."""
        return {"cells": [[c.as_json() for c in row] for row in self.cells],
                "row_totals": None if self.row_totals is None else [c.as_json() for c in self.row_totals],
                "column_totals": None if self.column_totals is None else [c.as_json() for c in self.column_totals],
                "grand_total": None if self.grand_total is None else self.grand_total.as_json()}


# --- the table's figures as variables and its totals as equations -------------------------------------------

@dataclass(frozen=True)
class Layout:
    rows: int
    columns: int
    row_totals: bool
    column_totals: bool

    def cell(self, r: int, c: int) -> int:
        return r * self.columns + c

    def row_total(self, r: int) -> int:
        return self.rows * self.columns + r

    def column_total(self, c: int) -> int:
        return self.rows * self.columns + self.rows + c

    @property
    def grand(self) -> int:
        return self.rows * self.columns + self.rows + self.columns

    @property
    def size(self) -> int:
        return self.grand + 1

    def is_total(self, index: int) -> bool:
        return index >= self.rows * self.columns

    def equations(self) -> list[dict[int, int]]:
        """Each total as an equation over the figures: {variable: coefficient}, summing to 0."""
        eqs: list[dict[int, int]] = []
        if self.row_totals:
            for r in range(self.rows):
                eqs.append({**{self.cell(r, c): 1 for c in range(self.columns)}, self.row_total(r): -1})
        if self.column_totals:
            for c in range(self.columns):
                eqs.append({**{self.cell(r, c): 1 for r in range(self.rows)}, self.column_total(c): -1})
        if self.row_totals and self.column_totals:
            eqs.append({**{self.row_total(r): 1 for r in range(self.rows)}, self.grand: -1})
            eqs.append({**{self.column_total(c): 1 for c in range(self.columns)}, self.grand: -1})
        return eqs


def _determined(equations: list[dict[int, int]], unknown: list[int], known: dict[int, int]) -> set[int]:
    """The unknowns whose value the equations fix, given the known values: exact row reduction (Fractions) of
    the equations over the unknowns; an unknown is fixed when a reduced row is that unknown alone."""
    column = {v: i for i, v in enumerate(unknown)}
    matrix = []
    for eq in equations:
        row = [Fraction(0)] * len(unknown)
        for v, coefficient in eq.items():
            if v in column:
                row[column[v]] = Fraction(coefficient)
        if any(row):
            matrix.append(row)
    pivot_row = 0
    pivots = []
    for col in range(len(unknown)):
        found = next((i for i in range(pivot_row, len(matrix)) if matrix[i][col] != 0), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        lead = matrix[pivot_row][col]
        matrix[pivot_row] = [x / lead for x in matrix[pivot_row]]
        for i in range(len(matrix)):
            if i != pivot_row and matrix[i][col] != 0:
                factor = matrix[i][col]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[pivot_row], strict=True)]
        pivots.append((pivot_row, col))
        pivot_row += 1
    return {unknown[col] for r, col in pivots if sum(1 for x in matrix[r] if x != 0) == 1}


def recoverable(layout: Layout, values: list[int], hidden: set[int]) -> set[int]:
    """The hidden figures someone could work out from the figures shown and the table's totals."""
    equations = layout.equations()
    known = {i: values[i] for i in range(layout.size) if i not in hidden}
    found: set[int] = set()
    while True:
        unknown = sorted(hidden - found)
        new: set[int] = set()
        for eq in equations:
            rest = -sum(c * known[v] for v, c in eq.items() if v in known)
            parts = [(v, c) for v, c in eq.items() if v not in known]
            signs = {c for _, c in parts}
            # Counts are never negative: hidden figures of one sign that must add up to 0 are all 0.
            if parts and len(signs) == 1 and rest == 0:
                new |= {v for v, _ in parts}
        new |= _determined(equations, unknown, known)
        new -= found
        if not new:
            return found
        for v in new:
            known[v] = values[v]
        found |= new


def _suppress(layout: Layout, values: list[int]) -> set[int]:
    hidden = {i for i in range(layout.size) if is_small(values[i])}
    equations = layout.equations()
    while True:
        found = recoverable(layout, values, hidden)
        if not found:
            return hidden
        target = min(found)
        lines = [eq for eq in equations if target in eq] or [eq for eq in equations if set(eq) & hidden]
        candidates = {v for eq in lines for v in eq if v not in hidden}
        if not candidates:
            candidates = {v for eq in equations if set(eq) & hidden for v in eq if v not in hidden}
        if not candidates:
            return hidden  # only zeros can be worked out, and nothing is left to hide
        # Hide as little as possible: the smallest figure that is not 0, a body cell before a total.
        hidden.add(min(candidates, key=lambda v: (values[v] == 0, layout.is_total(v), values[v], v)))


def suppress_table(values: list[list[int]], *, row_totals: bool = False, column_totals: bool = False) -> SuppressedTable:
    """The table of counts (rows of whole numbers, 0 or more) as it may be published, with the totals asked for
    worked out from the true counts, every small count hidden, and enough others hidden that none comes back."""
    rows = len(values)
    columns = len(values[0]) if rows else 0
    if any(len(row) != columns for row in values) or any(v < 0 for row in values for v in row):
        raise ValueError("a table of counts has rows of equal length and no negative count")
    layout = Layout(rows, columns, row_totals, column_totals)
    flat = [v for row in values for v in row] + [sum(row) for row in values] + \
        [sum(values[r][c] for r in range(rows)) for c in range(columns)] + [sum(sum(row) for row in values)]
    if not row_totals:
        flat[rows * columns:rows * columns + rows] = [0] * rows  # not published: never small, never hidden
    if not column_totals:
        flat[rows * columns + rows:rows * columns + rows + columns] = [0] * columns
    if not (row_totals and column_totals):
        flat[layout.grand] = 0
    hidden = _suppress(layout, flat)

    def cell(i: int) -> Cell:
        return Cell(None if i in hidden else flat[i])

    return SuppressedTable(
        cells=[[cell(layout.cell(r, c)) for c in range(columns)] for r in range(rows)],
        row_totals=[cell(layout.row_total(r)) for r in range(rows)] if row_totals else None,
        column_totals=[cell(layout.column_total(c)) for c in range(columns)] if column_totals else None,
        grand_total=cell(layout.grand) if row_totals and column_totals else None,
    )
