"""Small numbers: no count from 1 to 4 is shown, and no hidden figure can be worked out from what is shown.

The attacker here is written apart from sendfund.core.suppression: it reads only the published table (what
a reader sees), writes down every equation the totals give, and works figures out by subtraction (a total
with one hidden figure left), from lines whose hidden figures must add up to 0 (counts are never negative),
and by any sum and difference of totals (numpy's rank: a figure is fixed when adding it as an equation of its
own does not raise the rank of the hidden figures' equations), over and over until nothing more comes out.
"""

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sendfund.core.suppression import HIDDEN, show_count, suppress_table

counts = st.one_of(st.integers(0, 6), st.integers(0, 40))


@st.composite
def tables(draw):
    rows, columns = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    values = [[draw(counts) for _ in range(columns)] for _ in range(rows)]
    return values, draw(st.booleans()), draw(st.booleans())


def published_equations(table, rows, columns):
    """The table as a reader sees it: each figure (None when hidden) and the equations the totals give."""
    figures: dict[tuple, int | None] = {}
    for r in range(rows):
        for c in range(columns):
            figures[("cell", r, c)] = table.cells[r][c].value
    equations = []
    if table.row_totals is not None:
        for r in range(rows):
            figures[("row", r)] = table.row_totals[r].value
            equations.append({**{("cell", r, c): 1 for c in range(columns)}, ("row", r): -1})
    if table.column_totals is not None:
        for c in range(columns):
            figures[("column", c)] = table.column_totals[c].value
            equations.append({**{("cell", r, c): 1 for r in range(rows)}, ("column", c): -1})
    if table.grand_total is not None:
        figures["grand"] = table.grand_total.value
        equations.append({**{("row", r): 1 for r in range(rows)}, "grand": -1})
        equations.append({**{("column", c): 1 for c in range(columns)}, "grand": -1})
    return figures, equations


def attack(figures, equations) -> set:
    """Every hidden figure the attacker can work out."""
    known = {k: v for k, v in figures.items() if v is not None}
    worked_out = set()
    while True:
        hidden = [k for k in figures if k not in known and k not in worked_out]
        new = set()
        for eq in equations:
            unknown = [k for k in eq if k in hidden]
            if len(unknown) == 1:
                new.add(unknown[0])  # subtraction from a total
            elif unknown and len({eq[k] for k in unknown}) == 1 and sum(
                    eq[k] * known[k] for k in eq if k in known) == 0:
                new |= set(unknown)  # hidden counts of one sign adding up to 0 are all 0
        if hidden:
            matrix = np.array([[eq.get(k, 0) for k in hidden] for eq in equations] or [[0] * len(hidden)], float)
            rank = np.linalg.matrix_rank(matrix)
            for i, k in enumerate(hidden):
                unit = np.zeros((1, len(hidden)))
                unit[0, i] = 1
                if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
                    new.add(k)  # fixed by some sum and difference of totals
        if not new:
            return worked_out
        worked_out |= new
        for k in new:
            known[k] = 0  # any value will do: only whether it is fixed matters to the next round


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
@example(([[3, 10], [12, 14]], True, True))
@example(([[3]], True, True))
@example(([[3, 0, 0], [5, 6, 7]], True, True))
@example(([[2, 9], [9, 9], [0, 0]], True, True))
@example(([[1, 1], [1, 1]], False, True))
def test_no_small_count_is_shown_and_no_hidden_figure_can_be_worked_out(case):
    values, row_totals, column_totals = case
    rows, columns = len(values), len(values[0])
    table = suppress_table(values, row_totals=row_totals, column_totals=column_totals)
    figures, equations = published_equations(table, rows, columns)
    truth = {("cell", r, c): values[r][c] for r in range(rows) for c in range(columns)}
    truth |= {("row", r): sum(values[r]) for r in range(rows)}
    truth |= {("column", c): sum(values[r][c] for r in range(rows)) for c in range(columns)}
    truth["grand"] = sum(map(sum, values))
    for key, shown in figures.items():
        assert shown is None or shown == truth[key], f"{key} is shown as {shown}, not its true {truth[key]}"
        assert shown is None or not 1 <= shown <= 4, f"{key} shows the small count {shown}"
    for r in range(rows):
        for c in range(columns):
            if 1 <= values[r][c] <= 4:
                assert table.cells[r][c].hidden and str(table.cells[r][c]) == HIDDEN
    recovered = attack(figures, equations)
    assert not recovered, f"worked out {sorted(map(str, recovered))} from {values} ({row_totals=}, {column_totals=})"


def test_a_table_with_no_small_count_hides_nothing():
    table = suppress_table([[10, 20], [30, 0]], row_totals=True, column_totals=True)
    assert not table.any_hidden and table.grand_total.value == 60 and [c.value for c in table.row_totals] == [30, 30]


def test_the_small_count_and_the_smallest_figure_beside_it_are_hidden():
    table = suppress_table([[3, 10], [12, 14]], row_totals=True, column_totals=True)
    shown = [[str(c) for c in row] for row in table.cells]
    assert shown == [[HIDDEN, HIDDEN], [HIDDEN, HIDDEN]] or shown[0][0] == HIDDEN
    assert table.grand_total.value == 39 and table.any_hidden


def test_a_count_on_its_own_reads_fewer_than_5():
    assert [show_count(v) for v in (None, 0, 1, 4, 5, 1234)] == ["Not loaded", "0", "fewer than 5", "fewer than 5",
                                                                  "5", "1,234"]


def test_a_table_without_totals_hides_only_the_small_counts():
    table = suppress_table([[3, 10], [12, 1]])
    assert [[c.value for c in row] for row in table.cells] == [[None, 10], [12, None]]


def test_the_attacker_works_out_a_small_count_hidden_alone():
    """The attacker is real: hiding only the small count, as a naive screen would, gives it back."""
    from sendfund.core.suppression import Cell, SuppressedTable

    naive = SuppressedTable(cells=[[Cell(None), Cell(10)], [Cell(12), Cell(14)]], row_totals=[Cell(13), Cell(26)],
                            column_totals=[Cell(15), Cell(24)], grand_total=Cell(39))
    figures, equations = published_equations(naive, 2, 2)
    assert attack(figures, equations) == {("cell", 0, 0)}
    bridge = SuppressedTable(  # two hidden blocks joined by one hidden figure: only sums of totals give it back
        cells=[[Cell(None), Cell(None), Cell(9), Cell(9)], [Cell(None), Cell(None), Cell(None), Cell(9)],
               [Cell(9), Cell(9), Cell(None), Cell(None)], [Cell(9), Cell(9), Cell(None), Cell(None)]],
        row_totals=[Cell(25), Cell(30), Cell(27), Cell(28)], column_totals=[Cell(26), Cell(27), Cell(28), Cell(29)],
        grand_total=Cell(110))
    figures, equations = published_equations(bridge, 4, 4)
    assert ("cell", 1, 2) in attack(figures, equations)
