"""Safe downloads: no text cell that a spreadsheet would run; money as numbers in £, dates as dates."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendfund.core.exports import (
    FORMULA_STARTS,
    About,
    Column,
    SafeWriter,
    Table,
    csv_text,
    safe_text,
    xlsx_bytes,
)

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"]


def _table(names):
    return Table("Clusters", [Column("Cluster"), Column("Allocation", "money"), Column("Schools", "integer"),
                              Column("Decided on", "date")],
                 [[name, Decimal("1234.56"), 3, dt.date(2026, 12, 14)] for name in names])


def _about():
    return About(title="Clusters", made_by="Olivia Officer (officer@test.example)",
                 made_at=dt.datetime(2026, 11, 30, 9, 15), filters=[("Round", "Spring 2027")])


@pytest.mark.parametrize("name", HOSTILE)
def test_text_that_begins_like_a_formula_is_quoted(name):
    assert safe_text(name) == "'" + name


@pytest.mark.parametrize("text", ["Acle Academy cluster", "-12.50", "+3", "", "a=b", "O'Neill"])
def test_ordinary_text_and_plain_numbers_are_left_alone(text):
    assert safe_text(text) == text


@given(st.text(max_size=50))
def test_no_safe_text_begins_like_a_formula(text):
    out = safe_text(text)
    assert not out.startswith(FORMULA_STARTS) or out.lstrip("+-").replace(".", "", 1).isdigit()
    assert out in (text, "'" + text)


def test_the_csv_keeps_names_as_inert_text_and_money_as_plain_pounds():
    rows = list(csv.reader(io.StringIO(csv_text(_table(HOSTILE)), newline="")))
    assert rows[0] == ["Cluster", "Allocation", "Schools", "Decided on"]
    assert [r[0] for r in rows[1:]] == ["'" + name for name in HOSTILE]
    assert rows[1][1:] == ["1234.56", "3", "2026-12-14"]


def test_the_workbook_has_no_formula_and_types_its_cells():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([_table(HOSTILE)], _about())))
    assert book.sheetnames == ["About this file", "Clusters"]
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f" or str(c.value).startswith("=")]
    sheet = book["Clusters"]
    # (openpyxl reads back a carriage return as the escape the file format stores it as)
    names = [sheet.cell(r, 1).value.replace("_x000D_", "\r") for r in range(2, len(HOSTILE) + 2)]
    assert names == ["'" + n for n in HOSTILE]
    money = sheet.cell(2, 2)
    assert money.value == pytest.approx(1234.56) and money.data_type == "n" and "£" in money.number_format
    assert sheet.cell(2, 3).value == 3
    assert sheet.cell(2, 4).is_date and sheet.cell(2, 4).value == dt.datetime(2026, 12, 14)
    about = {r[0].value: r[1].value for r in book["About this file"].iter_rows()}
    assert about["What this file is"] == "Clusters"
    assert about["Made by"] == "Olivia Officer (officer@test.example)"
    assert about["Made at"] == dt.datetime(2026, 11, 30, 9, 15)
    assert about["Filter: Round"] == "Spring 2027"


def test_strings_that_look_like_numbers_or_links_stay_strings_in_excel():
    table = Table("T", [Column("Text")], [["00123"], ["http://x.example"], ["1e3"]])
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([table], _about())))["T"]
    assert [sheet.cell(r, 1).value for r in (2, 3, 4)] == ["00123", "http://x.example", "1e3"]
    assert all(sheet.cell(r, 1).data_type == "s" and sheet.cell(r, 1).hyperlink is None for r in (2, 3, 4))


def test_the_command_line_writer_quotes_names_and_keeps_numbers():
    out = io.StringIO()
    SafeWriter(out).writerow(["=1+1", "-12.50", 3, Decimal("2.5")])
    SafeWriter(out).writerow(["\r=1", "ok"])
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [["'=1+1", "-12.50", "3", "2.5"],
                                                                          ["'\r=1", "ok"]]


def test_a_csv_gives_times_to_the_minute_as_people_read_them():
    from sendfund.core.exports import _csv_cell

    assert _csv_cell(dt.datetime(2026, 11, 30, 17, 58, 42, 934479), "datetime") == "2026-11-30 17:58"
    assert _csv_cell(dt.date(2026, 12, 14), "date") == "2026-12-14"
