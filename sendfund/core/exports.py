"""Every CSV and Excel file SendFund gives out is written here (docs/adr/0033-typed-input-and-safe-downloads.md).

Text from people (cluster and school names, reasons) must not run as a formula when the file is opened in a
spreadsheet: a text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with a
single quote, as OWASP recommends for CSV injection; the Excel writer never turns strings into formulas,
numbers or links. Money goes to Excel as a number with a £ format, dates as dates; in CSV money is plain
pounds with two decimals and dates are ISO (2026-12-14), for the machines that read it.

A file is one or more `Table`s (what the page shows: its columns, typed, and rows) and an `About`: what the
file is, what the filters showed, when it was made and by whom. Excel puts the About on its own sheet; CSV,
which has one table, leaves it to the file name and the page. Pure Python: the formula's file tools use it
too; `sendfund.core.downloads` turns a file into a download.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Literal

# OWASP "CSV injection": characters that make a spreadsheet read a cell as a formula or a command.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?", re.ASCII)

# RFC 4180's line end: Python's csv module quotes a field holding a line-end character of the dialect only,
# so with "\n" alone a carriage return inside a name would break the row.
LINE_END = "\r\n"

Kind = Literal["text", "money", "number", "integer", "date", "datetime"]
MONEY_FORMAT = "£#,##0.00;-£#,##0.00"
DATE_FORMAT = "d mmmm yyyy"
DATETIME_FORMAT = "d mmmm yyyy hh:mm"


def safe_text(value: object) -> str:
    """A text cell that no spreadsheet will run: prefixed with ' when it begins like a formula.

    A plain number written as text ("-12.50") is left alone: a spreadsheet reads it as the number it is.
    """
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_row(row: Iterable[object]) -> list[object]:
    """A CSV row: numbers stay numbers; every other cell is safe text."""
    return [v if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) else safe_text(v) for v in row]


class SafeWriter:
    """csv.writer whose rows go through `safe_row` (for the files the formula's command line writes)."""

    def __init__(self, out: IO[str], **kwargs):
        kwargs.setdefault("lineterminator", LINE_END)
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


@dataclass(frozen=True)
class Column:
    heading: str
    kind: Kind = "text"
    width: int | None = None


@dataclass
class Table:
    """One sheet of a file: `name` (31 characters at most in Excel), typed columns, rows of values."""

    name: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[object]]
    freeze_columns: int = 0


@dataclass
class About:
    """What a file is, for the sheet that says so: a title, the filters in force, who made it and when."""

    title: str
    made_by: str
    made_at: dt.datetime
    filters: Sequence[tuple[str, str]] = ()
    facts: Sequence[tuple[str, object]] = ()
    notes: Sequence[str] = field(default_factory=list)


def _csv_cell(value: object, kind: Kind) -> object:
    if value is None or value == "":
        return ""
    if kind == "money":
        return f"{Decimal(value) if isinstance(value, int | float | Decimal) else Decimal(str(value)):.2f}"
    if isinstance(value, dt.datetime):  # to the minute, as the pages and the Excel sheet show it
        return value.replace(second=0, microsecond=0).isoformat(sep=" ", timespec="minutes")
    if kind in ("date", "datetime") and isinstance(value, dt.date):
        return value.isoformat()
    if kind in ("number", "integer") and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    return safe_text(value)


def csv_text(table: Table) -> str:
    """The table as CSV text: a header row, then the rows, every text cell made safe."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=LINE_END)
    writer.writerow([safe_text(c.heading) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
    return buf.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\']", " ", name).strip()[:31] or "Sheet"
    candidate, n = cleaned, 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{cleaned[:28]} {n}"
    used.add(candidate.lower())
    return candidate


def xlsx_bytes(tables: Sequence[Table], about: About) -> bytes:
    """An Excel workbook: an "About this file" sheet first, then one sheet per table."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                     "strings_to_urls": False, "remove_timezone": True})
    formats = {"money": book.add_format({"num_format": MONEY_FORMAT}),
               "date": book.add_format({"num_format": DATE_FORMAT}),
               "datetime": book.add_format({"num_format": DATETIME_FORMAT})}
    bold = book.add_format({"bold": True})
    used: set[str] = set()

    def write(sheet, r, c, value, kind: Kind):
        if value is None or value == "":
            sheet.write_blank(r, c, None)
        elif kind == "money":
            # Excel keeps numbers as binary floating point; the CSV keeps exact pence.
            sheet.write_number(r, c, float(Decimal(value)), formats["money"])
        elif kind in ("number", "integer") and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            sheet.write_number(r, c, float(value))
        elif kind == "datetime" and isinstance(value, dt.datetime):
            sheet.write_datetime(r, c, value, formats["datetime"])
        elif kind in ("date", "datetime") and isinstance(value, dt.date):
            sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), formats["date"])
        else:
            sheet.write_string(r, c, safe_text(value))

    sheet = book.add_worksheet(_sheet_name("About this file", used))
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 60)
    lines: list[tuple[str, object, Kind]] = [("What this file is", about.title, "text"),
                                             ("Made by", about.made_by, "text"),
                                             ("Made at", about.made_at, "datetime")]
    lines += [(f"Filter: {k}", v, "text") for k, v in about.filters] or [("Filters", "None: every row", "text")]
    lines += [(k, v, _kind_of(v)) for k, v in about.facts]
    lines += [("Note", n, "text") for n in about.notes]
    for r, (label, value, kind) in enumerate(lines):
        sheet.write_string(r, 0, safe_text(label), bold)
        write(sheet, r, 1, value, kind)
    for table in tables:
        sheet = book.add_worksheet(_sheet_name(table.name, used))
        for c, column in enumerate(table.columns):
            sheet.write_string(0, c, safe_text(column.heading), bold)
            sheet.set_column(c, c, column.width or max(10, min(40, len(column.heading) + 2)))
        for r, row in enumerate(table.rows, start=1):
            for c, (value, column) in enumerate(zip(row, table.columns, strict=True)):
                write(sheet, r, c, value, column.kind)
        sheet.freeze_panes(1, table.freeze_columns)
    book.close()
    return buf.getvalue()


def _kind_of(value: object) -> Kind:
    if isinstance(value, Decimal):
        return "money"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "number"
    return "text"
