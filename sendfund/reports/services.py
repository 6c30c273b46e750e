"""Issuing the Schools' Forum report: its figures and its PDF frozen together, with the PDF's sha256 (the decision
letters' model, sendfund/casework/letters.py). What the Forum saw can always be shown again."""

import base64
import datetime as dt
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from sendfund.core.audit import audit_record
from sendfund.core.errors import DomainError
from sendfund.registry.selectors import council_name

from . import charts, forum
from .models import IssuedReport
from .permissions import can_issue_forum_report

EARLIEST_FY = 2000


def _laid_out(table: dict) -> dict:
    """A table's cells, each with whether its column holds numbers (right-aligned)."""
    def cells(row):
        return [{"text": text, "numeric": numeric} for text, numeric in zip(row, table["numeric"], strict=True)]

    return {**table, "head": cells(table["headers"]), "body": [cells(r) for r in table["rows"]],
            "foot": [cells(r) for r in table["footer"]]}


def report_context(*, figures: dict, issued: IssuedReport | None = None, for_pdf: bool = False,
                   council: str | None = None) -> dict:
    """What the page and the PDF show: the figures, each chart's SVG (on the page inline, in the PDF as an image
    with its title as alternative text, which a tagged PDF carries), and the issue's details. `council`: the
    council's name when the caller has read it (forum.live_report), else it is read here (one query). A
    dict for the template: figures, sections (each with its SVG, image and laid-out tables), issued and
    council_name. Raises nothing for figures as forum.report_figures makes them."""
    sections = []
    for n, section in enumerate(figures["sections"]):
        chart = section.get("chart")
        svg = charts.chart_svg(chart, title_id=f"chart-{n}") if chart else ""
        image = ("data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()) if svg and for_pdf else ""
        sections.append({**section, "svg": svg, "image": image, "chart_id": f"chart-{n}",
                         "tables": [_laid_out(t) for t in section["tables"] if t["rows"]]})
    return {"figures": figures, "sections": sections, "issued": issued, "council_name": council if council is not None else council_name()}


def report_render_pdf(*, figures: dict, meeting_on: dt.date, version: int, issued_on: dt.date) -> bytes:
    """The report as a tagged PDF (PDF/UA-1): headings, tables with their headers repeated on every page, charts
    with alternative text, page numbers. Returns the PDF's bytes; reads the council's name (one query).
    Raises nothing for figures as forum.report_figures makes them (WeasyPrint's own errors aside)."""
    from weasyprint import HTML

    context = report_context(figures=figures, for_pdf=True)
    context.update(meeting_on=meeting_on, version=version, issued_on=issued_on)
    html = render_to_string("reports/forum_report_pdf.html", context)
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def _unchanged(issued: dict, figures: dict) -> bool:
    """Whether freshly read figures are those of an issued report, but for the day they were read on."""
    fresh = json.loads(DjangoJSONEncoder().encode(figures))
    return {k: v for k, v in issued.items() if k != "made_on"} == {k: v for k, v in fresh.items() if k != "made_on"}


def forum_report_issue(*, financial_year: int, meeting_on: dt.date, actor) -> IssuedReport:
    """Freeze the report of a financial year for a Forum meeting as the year's next version. Raises DomainError
    unless the actor is an LA officer, for a year the service cannot report on, or when the year's latest version
    is for the same meeting with the same figures (a form sent twice, or nothing changed since: no new version)."""
    if not can_issue_forum_report(actor):
        raise DomainError("Only an LA officer can issue the Schools' Forum report.")
    today = timezone.localdate()
    if not EARLIEST_FY <= financial_year <= today.year + 1:
        raise DomainError(f"Choose a financial year from {EARLIEST_FY} to {today.year + 1}.", field="year")
    figures = forum.report_figures(financial_year=financial_year, today=today)
    latest = IssuedReport.objects.filter(financial_year=financial_year).defer("pdf").order_by("-version").first()
    if latest is not None and latest.meeting_on == meeting_on and _unchanged(latest.figures, figures):
        raise DomainError(f"{latest} is already issued for the meeting on {meeting_on.day} {meeting_on:%B %Y} with these "
                          "figures. Nothing has changed since, so there is no new version to issue.")
    for _attempt in range(3):
        version = (IssuedReport.objects.filter(financial_year=financial_year).aggregate(v=Max("version"))["v"] or 0) + 1
        pdf = report_render_pdf(figures=figures, meeting_on=meeting_on, version=version, issued_on=today)
        digest = hashlib.sha256(pdf).hexdigest()
        try:
            with transaction.atomic():
                report = IssuedReport.objects.create(financial_year=financial_year, version=version,
                                                     meeting_on=meeting_on, figures=figures, pdf=pdf, sha256=digest,
                                                     size_bytes=len(pdf), issued_by=actor)
                audit_record(actor=actor, verb="forum_report.issued", target=report, label=str(report),
                             after={"financial_year": financial_year, "version": version, "meeting_on": meeting_on,
                                    "sha256": digest, "size_bytes": len(pdf)})
            return report
        except IntegrityError:
            continue  # another officer issued the same year's version at the same moment: take the next number
    raise DomainError("The report could not be issued just now. Try again.")


def issued_pdf(*, report: IssuedReport) -> bytes:
    """The PDF as issued, checked against its sha256. Raises DomainError when the stored bytes do not match."""
    data = bytes(report.pdf)
    if hashlib.sha256(data).hexdigest() != report.sha256:
        raise DomainError("The stored report does not match the report issued. Restore it from the backup.")
    return data
