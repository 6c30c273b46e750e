"""A CSV or Excel file as a download: the only way views send one (the writing is in `core.exports`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.http import Http404, HttpResponse
from django.utils import timezone

from .exports import About, Table, csv_text, xlsx_bytes

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
