"""Read a rendered page's tables the way a person does: each cell by its column's header.

`tables(html)` gives every <table> with its caption, headers and rows; `Table.rows_by_header()`
gives each body row as {header text: cell text}. Only the standard library (html.parser).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


def _text(parts: list[str]) -> str:
    return re.sub(r"\s+", " ", "".join(parts)).strip()


@dataclass
class Table:
    caption: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    footer: list[list[str]] = field(default_factory=list)

    def rows_by_header(self) -> list[dict[str, str]]:
        out = []
        for row in self.rows:
            assert len(row) == len(self.headers), f"{self.caption}: a row of {len(row)} cells under {len(self.headers)} headers: {row}"
            out.append(dict(zip(self.headers, row, strict=True)))
        return out

    def by_first_column(self) -> dict[str, dict[str, str]]:
        return {row[self.headers[0]]: row for row in self.rows_by_header()}


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.stack: list[Table] = []
        self.section = ""
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.in_caption = False
        self.caption: list[str] = []
        self.colspan = 1
        self.hidden = 0  # depth inside a <script> or <style>

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.hidden:
            self.hidden += tag not in ("br", "img", "input", "meta", "link", "hr", "wbr")
            return
        if tag in ("script", "style"):
            self.hidden = 1
        elif tag == "table":
            self.stack.append(Table())
            self.section = "tbody"
        elif tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "caption":
            self.in_caption, self.caption = True, []
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell, self.colspan = [], int(attrs.get("colspan") or 1)

    def handle_endtag(self, tag):
        if self.hidden:
            self.hidden -= 1
            return
        if not self.stack:
            return
        table = self.stack[-1]
        if tag == "caption":
            self.in_caption = False
            table.caption = _text(self.caption)
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row += [_text(self.cell)] * self.colspan  # a cell spanning columns reads under each of them
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.section == "thead":
                table.headers = self.row
            elif self.section == "tfoot":
                table.footer.append(self.row)
            else:
                table.rows.append(self.row)
            self.row = None
        elif tag in ("thead", "tfoot"):
            self.section = "tbody"
        elif tag == "table":
            self.tables.append(self.stack.pop())

    def handle_data(self, data):
        if self.hidden:
            return
        if self.in_caption:
            self.caption.append(data)
        elif self.cell is not None:
            self.cell.append(data)


def tables(html: str | bytes) -> list[Table]:
    parser = _Parser()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.tables


def table(html: str | bytes, caption_starts: str) -> Table:
    """The one table whose caption starts with `caption_starts`."""
    found = [t for t in tables(html) if t.caption.startswith(caption_starts)]
    assert len(found) == 1, f"{len(found)} tables captioned {caption_starts!r}: {[t.caption for t in tables(html)]}"
    return found[0]
