"""Decision letters are made once, kept with their hash and served from storage exactly as issued."""

import hashlib
import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from sendfund.accounts.roles import Role
from sendfund.casework import letters, services
from sendfund.casework.models import DecisionLetter, LetterKind, State
from sendfund.core.errors import DomainError
from sendfund.core.models import AuditEvent

from .factories import advance, submitted_application

pytestmark = pytest.mark.django_db


def _download(world, case, role=Role.CLUSTER_HOST, url="casework:apply-letter-pdf"):
    client = Client()
    client.force_login(world.users[role], backend="sendfund.accounts.backends.EmailBackend")
    response = client.get(reverse(url, kwargs={"reference": case.reference}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_letter_is_made_when_the_decision_commits_and_served_as_issued(world, django_capture_on_commit_callbacks,
                                                                           monkeypatch):
    application = submitted_application(world)
    case = advance(world, application, State.RECOMMENDED)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_decide(case=case, outcome="approved", amounts={ln.pk: ln.requested for ln in case.lines.all()},
                             reasons="Clear need.", conditions="Report each term.",
                             actor=world.users[Role.DECISION_MAKER])
    letter = DecisionLetter.objects.get(case=case)
    assert letter.kind == LetterKind.DECISION
    stored = letter.pdf.read()
    assert hashlib.sha256(stored).hexdigest() == letter.sha256 and len(stored) == letter.size_bytes
    assert AuditEvent.objects.filter(verb="letter.issued", target_label=case.reference).count() == 1

    def no_rendering(**_kwargs):
        raise AssertionError("a download must not render the letter again")

    monkeypatch.setattr(letters, "letter_render_pdf", no_rendering)
    for role, url in ((Role.CLUSTER_HOST, "casework:apply-letter-pdf"), (Role.LA_OFFICER, "casework:letter-pdf")):
        assert _download(world, case, role, url) == stored
    text = _text(stored)
    assert case.reference in text and "Clear need." in text and "Payment schedule" not in text


def test_accepting_the_offer_issues_a_second_version_and_keeps_the_first(world, django_capture_on_commit_callbacks):
    case = advance(world, submitted_application(world), State.DECIDED)
    first = letters.letter_current(case=case)
    first_bytes = first.pdf.read()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_accept_offer(case=case, actor=world.users[Role.CLUSTER_HOST])
    kinds = dict(DecisionLetter.objects.filter(case=case).values_list("kind", "sha256"))
    assert kinds[LetterKind.DECISION] == first.sha256 == hashlib.sha256(first_bytes).hexdigest()
    assert set(kinds) == {LetterKind.DECISION, LetterKind.OFFER_ACCEPTED}
    served = _download(world, case)
    assert hashlib.sha256(served).hexdigest() == kinds[LetterKind.OFFER_ACCEPTED]
    assert "Payment schedule" in _text(served)


def test_a_letter_is_issued_once_even_when_asked_twice(world):
    case = advance(world, submitted_application(world), State.DECIDED)
    one = letters.letter_issue(case=case, kind=LetterKind.DECISION)
    two = letters.letter_issue(case=case, kind=LetterKind.DECISION)
    assert one.pk == two.pk and DecisionLetter.objects.filter(case=case).count() == 1


def test_there_is_no_letter_before_the_decision_and_a_changed_file_is_refused(world):
    case = advance(world, submitted_application(world), State.RECOMMENDED)
    with pytest.raises(DomainError, match="no decision letter"):
        letters.letter_current(case=case)
    decided = advance(world, submitted_application(world), State.DECIDED)
    letter = letters.letter_current(case=decided)
    with open(letter.pdf.path, "ab") as handle:
        handle.write(b"%tampered")
    with pytest.raises(DomainError, match="does not match"):
        letters.letter_bytes(letter=letter)
