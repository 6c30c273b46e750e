"""Rules of casework beyond the state machine: conflicts, amounts, the pot, scoping, invitations and letters."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from sendfund.accounts.roles import Role
from sendfund.accounts.services import membership_grant, user_create
from sendfund.accounts.tests.access import OTHER_CLUSTER_HOST
from sendfund.casework import selectors, services
from sendfund.casework.models import Criterion, Outcome, State
from sendfund.core.errors import DomainError
from sendfund.core.workdays import calendar
from sendfund.funds import selectors as fund_selectors
from sendfund.funds import services as fund_services

from .factories import advance, score_all, submitted_application

pytestmark = pytest.mark.django_db


def test_a_declared_conflict_stops_that_person_scoring(world):
    education = world.users[Role.EDUCATION_SPECIALIST]
    case = advance(world, submitted_application(world), State.UNDER_ASSESSMENT)
    scores = {c.code: (3, "Fair.") for c in Criterion.objects.all()}
    with pytest.raises(DomainError, match="Declare whether you have a conflict"):
        services.review_save(case=case, reviewer=education, scores=scores, summary="", finish=False)
    services.conflict_declare(case=case, user=education, has_conflict=True, details="My sister governs a school.")
    with pytest.raises(DomainError, match="You declared a conflict of interest"):
        services.review_save(case=case, reviewer=education, scores=scores, summary="", finish=False)
    assert not case.reviews.exists()
    with pytest.raises(DomainError, match="already made your declaration"):
        services.conflict_declare(case=case, user=education, has_conflict=False, details="")


def test_only_the_assigned_specialists_score_and_every_score_needs_a_justification(world):
    case = advance(world, submitted_application(world), State.UNDER_ASSESSMENT)
    with pytest.raises(DomainError, match="Only the specialists assigned"):
        services.conflict_declare(case=case, user=world.users[Role.LA_OFFICER], has_conflict=False, details="")
    business = world.users[Role.BUSINESS_SPECIALIST]
    services.conflict_declare(case=case, user=business, has_conflict=False, details="")
    with pytest.raises(DomainError, match="Justify your score for Need and evidence"):
        services.review_save(case=case, reviewer=business, scores={"need-and-evidence": (4, " ")}, summary="",
                             finish=False)
    with pytest.raises(DomainError, match="Score every criterion before you finish"):
        services.review_save(case=case, reviewer=business, scores={"need-and-evidence": (4, "Clear.")}, summary="",
                             finish=True)


def test_moderation_shows_weighted_totals_and_spread(world):
    case = advance(world, submitted_application(world), State.UNDER_ASSESSMENT)
    score_all(case, world.users[Role.EDUCATION_SPECIALIST], 5)
    score_all(case, world.users[Role.BUSINESS_SPECIALIST], 3)
    m = selectors.case_moderation(case=case)
    assert m.education_total == Decimal("100.0")
    assert m.business_total == Decimal("60.0")
    assert m.weighted_total == Decimal("80.0")
    assert m.largest_spread == 2
    assert m.total_spread == Decimal("40.0")
    assert sum(c.weight for c in Criterion.objects.all()) == 100


def test_decided_amounts_are_at_most_what_was_asked(world):
    case = advance(world, submitted_application(world), State.RECOMMENDED)
    lines = list(case.lines.all())
    with pytest.raises(DomainError, match="cannot be more than the"):
        services.case_decide(case=case, outcome=Outcome.APPROVED,
                             amounts={ln.pk: ln.requested + Decimal("0.01") for ln in lines}, reasons="Good.",
                             conditions="", actor=world.users[Role.DECISION_MAKER])
    with pytest.raises(DomainError, match="Approved means every amount"):
        services.case_decide(case=case, outcome=Outcome.APPROVED, amounts={ln.pk: Decimal("1.00") for ln in lines},
                             reasons="Good.", conditions="", actor=world.users[Role.DECISION_MAKER])


def test_a_decision_the_pot_cannot_cover_is_refused_and_nothing_is_saved(world):
    case = advance(world, submitted_application(world), State.RECOMMENDED)
    line = case.lines.select_related("stream").first()
    left = fund_selectors.pot_balance(stream=line.stream, financial_year=line.financial_year).remaining
    fund_services.pot_adjust(stream=line.stream, financial_year=line.financial_year, amount=-(left - Decimal("10.00")),
                             note="Budget cut", actor=None)
    with pytest.raises(DomainError, match="The pot cannot cover this award"):
        services.case_decide(case=case, outcome=Outcome.APPROVED,
                             amounts={ln.pk: ln.requested for ln in case.lines.all()}, reasons="Good.",
                             conditions="", actor=world.users[Role.DECISION_MAKER])
    case.refresh_from_db()
    assert case.status == State.RECOMMENDED
    assert case.outcome == ""
    assert fund_selectors.reference_balances(reference=case.reference) == {}


def test_the_whole_path_commits_schedules_and_pays(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = advance(world, submitted_application(world), State.IN_DELIVERY)
    decided = sum(ln.decided for ln in case.lines.all())
    instalments = list(case.instalments.all())
    assert sum(i.amount for i in instalments) == decided
    assert [i.paid_on is not None for i in instalments].count(True) == 1
    balances = fund_selectors.reference_balances(reference=case.reference)
    assert sum(b.committed for b in balances.values()) == decided
    assert sum(b.paid for b in balances.values()) == instalments[0].amount
    subjects = [m.subject for m in mail.outbox]
    assert any(s.startswith("We have received your application") for s in subjects)
    assert any(s.startswith("Decision on your application") for s in subjects)
    invitations = {m.to[0]: m for m in mail.outbox if m.subject.startswith("Meeting about application")}
    assert all(len(m.to) == 1 for m in mail.outbox), "one email per person, each its own outbox row"
    invitation = invitations["host@alpha.example"]
    name, ics, mimetype = invitation.attachments[0]
    assert name == "meeting.ics" and mimetype.startswith("text/calendar")
    # The cluster's people get the cluster's case page; the LA's attendees get the LA's case page.
    apply_link = reverse("casework:apply-case", kwargs={"reference": case.reference})
    manage_link = reverse("casework:case-detail", kwargs={"reference": case.reference})
    assert apply_link in invitation.body and manage_link not in invitation.body
    staff = invitations[world.users[Role.EDUCATION_SPECIALIST].email]
    assert manage_link in staff.body and apply_link not in staff.body
    assert staff.attachments[0][1] == ics, "everyone's calendar file lists the same attendees"


def test_the_meeting_invitation_is_valid_icalendar(world):
    case = advance(world, submitted_application(world), State.MEETING_ARRANGED)
    client = __import__("django.test", fromlist=["Client"]).Client()
    client.force_login(world.users[Role.LA_OFFICER], backend="sendfund.accounts.backends.EmailBackend")
    body = client.get(reverse("casework:meeting-ics", kwargs={"reference": case.reference})).content.decode()
    lines = body.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert all(len(line.encode()) <= 75 for line in lines)
    for required in ("VERSION:2.0", "PRODID:", "UID:", "DTSTAMP:", "DTSTART:", "DTEND:", "SUMMARY:", "METHOD:REQUEST"):
        assert any(line.startswith(required) for line in lines), required
    start = next(line for line in lines if line.startswith("DTSTART:"))[8:]
    assert dt.datetime.strptime(start, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC) == case.meeting.starts_at.replace(
        microsecond=0).astimezone(dt.UTC)


def test_the_cluster_downloads_the_same_meeting_file_from_its_own_case_page(world, client_for):
    case = advance(world, submitted_application(world), State.MEETING_ARRANGED)

    def without_stamp(response):
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        return [line for line in response.content.decode().split("\r\n") if not line.startswith("DTSTAMP:")]

    ics_url = reverse("casework:apply-meeting-ics", kwargs={"reference": case.reference})
    host = client_for(Role.CLUSTER_HOST)
    page = host.get(reverse("casework:apply-case", kwargs={"reference": case.reference})).content.decode()
    assert f'href="{ics_url}"' in page and "Add the meeting to your calendar" in page
    cluster_file = without_stamp(host.get(ics_url))
    officer_file = without_stamp(client_for(Role.LA_OFFICER).get(
        reverse("casework:meeting-ics", kwargs={"reference": case.reference})))
    assert cluster_file == officer_file and "METHOD:REQUEST" in cluster_file


def test_the_decision_letter_is_a_real_pdf(world):
    client = __import__("django.test", fromlist=["Client"]).Client()
    client.force_login(world.users[Role.CLUSTER_HOST], backend="sendfund.accounts.backends.EmailBackend")
    response = client.get(reverse("casework:apply-letter-pdf", kwargs={"reference": world.case.reference}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert world.case.reference in text
    assert "Approved in part" in text or "part of what you asked for" in text
    assert "FY 20" in text and "£" in text


def test_a_specialist_sees_only_the_cases_assigned_to_them(world, client):
    other_specialist = user_create(email="esme@test.example", full_name="Esme Elsewhere", password="x" * 16)
    membership_grant(user=other_specialist, role=Role.EDUCATION_SPECIALIST)
    client.force_login(other_specialist, backend="sendfund.accounts.backends.EmailBackend")
    assert client.get(reverse("casework:case-detail", kwargs={"reference": world.case.reference})).status_code == 404
    queue = client.get(reverse("casework:queue"))
    assert world.case.reference.encode() not in queue.content
    client.force_login(world.users[Role.EDUCATION_SPECIALIST], backend="sendfund.accounts.backends.EmailBackend")
    queue = client.get(reverse("casework:queue"))
    assert world.case.reference.encode() in queue.content
    assert world.case_other.reference.encode() not in queue.content


def test_a_cluster_sees_only_its_own_cases(world, client_for):
    client = client_for(OTHER_CLUSTER_HOST)
    response = client.get(reverse("casework:apply-case", kwargs={"reference": world.case.reference}))
    assert response.status_code == 404
    listing = client.get(reverse("casework:apply-cases"))
    assert world.case.reference.encode() not in listing.content
    assert world.case_other.reference.encode() in listing.content


def test_the_queue_flags_overdue_acknowledgements(world):
    officer = world.users[Role.LA_OFFICER]
    submitted = world.application_submitted
    later = timezone.localdate(submitted.submitted_at) + dt.timedelta(days=30)
    rows = selectors.case_queue(user=officer, today=later)
    row = next(r for r in rows if r.reference == submitted.reference)
    assert row.state == State.SUBMITTED and row.overdue and row.due_what == "Acknowledge"
    assert all(r.overdue for r in selectors.case_queue(user=officer, overdue_only=True, today=later))
    assert not next(r for r in selectors.case_queue(user=officer, today=timezone.localdate(submitted.submitted_at))
                    if r.reference == submitted.reference).overdue


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_page_query_counts_do_not_grow_with_the_data(world, client_for):
    """Pinned: the queue, a case page and the pot page each run a fixed number of queries."""
    officer = client_for(Role.LA_OFFICER)
    case_url = reverse("casework:case-detail", kwargs={"reference": world.case.reference})
    pages = {"queue": reverse("casework:queue"), "case": case_url, "pot": reverse("funds:pot")}
    calendar()  # read once a process (every 10 minutes), not a page's cost: loaded before counting
    before = {name: _queries(officer, url) for name, url in pages.items()}
    for _ in range(3):  # more cases, more ledger entries, more timeline events
        advance(world, submitted_application(world), State.OFFER_ACCEPTED)
    advance(world, world.case, State.IN_DELIVERY)
    after = {name: _queries(officer, url) for name, url in pages.items()}
    assert after == before
    # session, user, roles, the council's name in the header, then the page's own reads (see each selector's docstring); the queue: count,
    # window, its applications, cases and open requests, counts by state, filter choices; the pot: 7, and 2
    # more (look up, keep) when its chart is drawn for new figures; the case page reads its meeting with the case
    assert before == {"queue": 14, "case": 14, "pot": 10}


def test_an_officer_invites_the_strongest_candidates_once(world, django_capture_on_commit_callbacks):
    from sendfund.funds.selectors import round_open

    round_ = round_open()
    run, candidates = selectors.invitation_candidates(user=world.users[Role.LA_OFFICER], round_=round_)
    assert run is not None and candidates, "the world's formula run has a cluster short of need"
    assert [c.gap_rank for c in candidates] == sorted(c.gap_rank for c in candidates)
    cluster = candidates[0].cluster
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(cluster=cluster, round_=round_, actor=world.users[Role.LA_OFFICER])
    email = mail.outbox[-1]
    assert "invited to apply" in email.subject and "What the evidence shows" in email.body
    with pytest.raises(DomainError, match="already been invited"):
        services.invitation_send(cluster=cluster, round_=round_, actor=world.users[Role.LA_OFFICER])
    with pytest.raises(DomainError, match="Only an LA officer"):
        services.invitation_send(cluster=cluster, round_=round_, actor=world.users[Role.DECISION_MAKER])
    _run, again = selectors.invitation_candidates(user=world.users[Role.LA_OFFICER], round_=round_)
    assert again[0].invitation is not None


def test_casework_text_with_pupil_data_is_refused_saying_what_and_where(world, client_for):
    from sendfund.casework.models import InformationRequest

    client = client_for(Role.LA_OFFICER)
    url = reverse("casework:request-information", kwargs={"reference": world.case.reference})
    response = client.post(url, {"question": "Is this about Jack Smith?\nHis NHS number is 943 476 5919"})
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in page
    assert ("Your question for the cluster contains something that looks like an NHS number (*******919, line 2)"
            in page)
    assert "943 476 5919" not in page.replace("Is this about Jack Smith?\nHis NHS number is 943 476 5919", "")
    assert not InformationRequest.objects.filter(case=world.case).exists()


def test_rearranging_a_meeting_shows_its_date_and_time_in_the_form_the_browser_reads(world, client_for):
    """A date input holds YYYY-MM-DD and a time input HH:MM: anything else shows as an empty box, and the
    officer changing only the time would be told to enter the date. Both are GOV.UK inputs."""
    import re

    case = advance(world, submitted_application(world), State.MEETING_ARRANGED)
    starts = timezone.localtime(case.meeting.starts_at)
    html = client_for(Role.LA_OFFICER).get(reverse("casework:meeting", kwargs={"reference": case.reference})
                                           ).content.decode()
    day = re.search(r'<input type="date"[^>]*>', html).group(0)
    time = re.search(r'<input type="time"[^>]*>', html).group(0)
    assert f'value="{starts:%Y-%m-%d}"' in day and f'value="{starts:%H:%M}"' in time
    assert all("govuk-input" in tag for tag in (day, time, re.search(r'<input type="number"[^>]*>', html).group(0)))


def test_a_meeting_in_the_night_is_refused_before_anyone_is_emailed(world, client_for, mailoutbox):
    case = advance(world, submitted_application(world), State.ACKNOWLEDGED)
    day = timezone.localdate() + dt.timedelta(days=14)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    html = client_for(Role.LA_OFFICER).post(reverse("casework:meeting", kwargs={"reference": case.reference}), {
        "day": day.isoformat(), "time": "03:00", "duration_minutes": "60", "place": "County Hall",
        "cluster_attendees": "The cluster host"}).content.decode()
    assert "Enter a start time between 07:00 and 20:00, like 14:30" in html
    case.refresh_from_db()
    assert case.status == State.ACKNOWLEDGED and not hasattr(case, "meeting")
    assert not [m for m in mailoutbox if "meeting" in m.subject.lower()]
