"""A CSV or Excel file as a download: the only way views send one (the writing is in `core.exports`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.utils import timezone

from .exports import About, Column, Kind, Table, csv_text, xlsx_bytes

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def download_name(stem: str, fmt: str) -> str:
    """A file name any system accepts: letters, digits, dot, dash and underscore only."""
    return f"{re.sub(r'[^A-Za-z0-9._-]+', '-', stem).strip('-.') or 'download'}.{fmt}"


def export_response(*, user, fmt: str, stem: str, title: str, tables: Sequence[Table],
                    filters: Sequence[tuple[str, str]] = (), facts: Sequence[tuple[str, object]] = ()) -> HttpResponse:
    """The tables as a CSV (the first table) or an Excel workbook (every table, after a sheet saying what the
    file is, the filters that made it, and who made it when). An unknown format answers 404."""
    if fmt == "csv":
        body: str | bytes = csv_text(tables[0])
    elif fmt == "xlsx":
        who = f"{getattr(user, 'full_name', '') or ''} ({getattr(user, 'email', '')})".strip()
        body = xlsx_bytes(tables, About(title=title, made_by=who, made_at=timezone.localtime().replace(tzinfo=None),
                                        filters=filters, facts=facts))
    else:
        raise Http404("No such format")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{download_name(stem, fmt)}"'
    response["Cache-Control"] = "no-store"
    return response


# --- every list page's downloads --------------------------------------------------------------------------------

def list_paths(route: str, view, name: str) -> list:
    """A list page and its downloads, one view for both: `route` (name) and `route + "download.<fmt>"`
    (name + "-download"), so the download runs the page's own filters and scoping. The view takes `fmt=None`."""
    from django.urls import path

    return [path(route, view, name=name), path(f"{route}download.<slug:fmt>", view, name=f"{name}-download")]


@dataclass(frozen=True)
class Field[Row]:
    """One column of a list's download: its heading, how to read it from a row, its kind (money, date...).
    `Row` is what the list's rows are, so `value` is checked against them."""

    heading: str
    value: Callable[[Row], object]
    kind: Kind = "text"
    width: int | None = None


@dataclass(frozen=True)
class ListDownload[Row]:
    """What a list page downloads: the file's name and title and its columns. `response` writes every row the
    page's filters match (all pages of them), as CSV or Excel. Declare it with its row type,
    `X: ListDownload[Case] = ListDownload(...)`, and the columns' `value`s are checked against it."""

    stem: str
    title: str
    fields: Sequence[Field[Row]]

    def table(self, items: Iterable[Row]) -> Table:
        return Table(self.title[:31], [Column(f.heading, f.kind, f.width) for f in self.fields],
                     [[f.value(item) for f in self.fields] for item in items])

    def response(self, request, fmt: str, items: Iterable[Row], *,
                 filters: Sequence[tuple[str, str]] = ()) -> HttpResponse:
        if fmt not in CONTENT_TYPES:
            raise Http404("No such format")
        table = self.table(items)
        return export_response(user=request.user, fmt=fmt, stem=f"{self.stem}-{timezone.localdate():%Y-%m-%d}",
                               title=self.title, tables=[table], filters=filters,
                               facts=[("Rows", len(table.rows))])


def filters_shown(params, labels: dict[str, tuple[str, dict | None]]) -> list[tuple[str, str]]:
    """The filters in force, for the file's "About" sheet: `labels` maps a query parameter to its label and,
    where the page offers choices, what each value is called (a value not among them is not shown)."""
    shown = []
    for key, (label, names) in labels.items():
        value = (params.get(key) or "").strip()
        if not value:
            continue
        if names is not None:
            number = int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None
            value = str(names.get(value, names.get(number, "")) or "")
            if not value:
                continue
        shown.append((label, value))
    return shown
