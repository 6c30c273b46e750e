"""Decision letters, made once and kept exactly as issued.

A letter's content is fixed by the case: the decision letter by the decision (its lines, reasons and
conditions, dated the day it was decided), and a second version by the accepted offer (the same with
the payment schedule, dated the day of acceptance). Each is rendered once (HTML to PDF with
WeasyPrint), in a background task right after the change commits, or on the first download if that
comes first, and stored under a server-made name with its sha256. Downloads serve the stored bytes,
so the cluster, the officer and an auditor all read the letter that was issued, and nothing is
rendered on a download (about 120 ms each before).
"""

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from sendfund.core.audit import audit_record
from sendfund.core.errors import DomainError

from .models import Case, DecisionLetter, LetterKind


def letter_context(case: Case, *, kind: str | None = None) -> dict:
    """What the letter shows: the decided lines and their total, the payment schedule (for the
    accepted-offer version, and for a page showing the letter now), and the date it is dated."""
    lines = list(case.lines.select_related("stream"))
    with_schedule = kind != LetterKind.DECISION
    dates: dict[str | None, dt.datetime | None] = {LetterKind.DECISION: case.decided_at,
                                                   LetterKind.OFFER_ACCEPTED: case.accepted_at}
    dated = dates.get(kind)
    return {"case": case, "lines": lines, "decided_total": sum(line.decided or 0 for line in lines),
            "instalments": list(case.instalments.select_related("stream")) if with_schedule else [],
            "today": timezone.localdate(dated) if dated else timezone.localdate()}


def _kind_now(case: Case) -> str | None:
    """The letter the case has now: none before the decision, the schedule's version once accepted."""
    if case.accepted_at and case.instalments.exists():
        return LetterKind.OFFER_ACCEPTED
    return LetterKind.DECISION if case.decided_at else None


def letter_render_pdf(*, case: Case, kind: str) -> bytes:
    """The letter of that kind as PDF bytes (WeasyPrint)."""
    from weasyprint import HTML

    html = render_to_string("casework/letter_pdf.html", letter_context(case, kind=kind))
    # PDF/UA-1: a tagged PDF (headings, tables, reading order) that screen readers can read.
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def letter_issue(*, case: Case, kind: str) -> DecisionLetter:
    """Render the letter of this kind, store it and return it; if it was issued already, return that.

    Raises DomainError when the case has not reached the point the letter records."""
    found = case.letters.filter(kind=kind).first()
    if found is not None:
        return found
    if (kind == LetterKind.DECISION and not case.decided_at) or (kind == LetterKind.OFFER_ACCEPTED
                                                                  and not case.accepted_at):
        raise DomainError("There is no decision letter before the decision.")
    pdf = letter_render_pdf(case=case, kind=kind)
    digest = hashlib.sha256(pdf).hexdigest()
    letter = DecisionLetter(case=case, kind=kind, sha256=digest, size_bytes=len(pdf))
    letter.pdf.save(f"{case.reference}-{kind}-{digest[:12]}.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            letter.save()
            audit_record(actor=None, verb="letter.issued", target=case, label=case.reference,
                         after={"kind": kind, "sha256": digest, "size_bytes": len(pdf)})
    except IntegrityError:
        # Issued at the same moment by the task and a download: keep the first; the content is the same.
        letter.pdf.delete(save=False)
        return case.letters.get(kind=kind)
    return letter


@task
def letter_issue_task(*, case_id: int, kind: str) -> None:
    """Issue a letter in the background, right after the change it records commits."""
    letter_issue(case=Case.objects.get(pk=case_id), kind=kind)


def letter_issue_after_commit(*, case: Case, kind: str) -> None:
    """Queue the letter to be made once the current transaction commits (call inside it)."""
    transaction.on_commit(lambda: letter_issue_task.enqueue(case_id=case.pk, kind=kind))


def letter_current(*, case: Case) -> DecisionLetter:
    """The case's letter as it stands (issued now if the background task has not yet made it).

    Raises DomainError before a decision."""
    kind = _kind_now(case)
    if kind is None:
        raise DomainError("There is no decision letter before the decision.")
    return letter_issue(case=case, kind=kind)


def letter_bytes(*, letter: DecisionLetter) -> bytes:
    """The stored PDF, checked against the hash it was issued with.

    Raises DomainError when the stored file no longer matches (changed or damaged in storage)."""
    with letter.pdf.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != letter.sha256:
        raise DomainError("The stored decision letter does not match the letter issued. Restore it from the backup.")
    return data
