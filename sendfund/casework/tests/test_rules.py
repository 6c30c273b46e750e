"""Rules people rely on in casework (issue 9): actions offered are actions that can be done, a declared conflict
reaches the officer, withdrawing cancels the meeting for everyone invited, and nobody is told "we emailed"
when nobody was."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.casework import selectors, services
from sendfund.casework.models import State
from sendfund.casework.notifications import meeting_attendee_emails

from .factories import advance, score_all, submitted_application

pytestmark = pytest.mark.django_db


def _attendees(ics: str) -> list[str]:
    """The ATTENDEE addresses of an iCalendar text, its folded lines unfolded first (RFC 5545 section 3.1)."""
    return sorted(re.findall(r"ATTENDEE;[^:]*:mailto:(\S+)", ics.replace("\r\n ", "")))


def _page(client_for, role, case):
    return client_for(role).get(reverse("casework:case-detail", kwargs={"reference": case.reference})).content.decode()


def _actions(case, user):
    case = selectors.case_for_user(user=user, reference=case.reference)
    detail = selectors.case_detail(case=case)
    return {a.label: a.reason for a in selectors.case_actions(case=case, user=user, detail=detail)}


def test_the_case_page_offers_only_moves_whose_guard_passes_and_says_why_the_others_wait(world, client_for):
    officer = world.users[Role.LA_OFFICER]
    case = advance(world, submitted_application(world), State.MEETING_ARRANGED)
    actions = _actions(case, officer)
    assert actions["Start the assessment"] == "Record the meeting's notes and agreed actions first."
    assert actions["Record the meeting's notes"] == "" and actions["Withdraw the application"] == ""
    page = _page(client_for, Role.LA_OFFICER, case)
    assert "<strong>Start the assessment</strong>: Record the meeting" in page
    assert 'action="/manage/casework/' + case.reference + '/steps/start_assessment/"' not in page

    case = advance(world, case, State.UNDER_ASSESSMENT)
    assert _actions(case, officer)["Recommend an award"].startswith("Both the education review")
    score_all(case, world.users[Role.EDUCATION_SPECIALIST], 4)
    score_all(case, world.users[Role.BUSINESS_SPECIALIST], 3)
    assert _actions(case, officer)["Recommend an award"] == ""
    assert "Decide" not in _actions(case, officer)  # not the officer's move
    assert _actions(case, world.users[Role.EDUCATION_SPECIALIST])["Score this application"] == \
        "You have finished your review."


def test_a_declared_conflict_is_not_offered_scoring_and_the_officer_is_told(world, client_for,
                                                                           django_capture_on_commit_callbacks):
    case = advance(world, submitted_application(world), State.UNDER_ASSESSMENT)
    education = world.users[Role.EDUCATION_SPECIALIST]
    assert _actions(case, education)["Score this application"] == ""
    with django_capture_on_commit_callbacks(execute=True):
        services.conflict_declare(case=case, user=education, has_conflict=True, details="I govern one of the schools.")
    assert _actions(case, education)["Score this application"].startswith("You declared a conflict of interest")
    email = next(m for m in mail.outbox if m.subject.startswith("Conflict of interest declared"))
    assert email.to == [world.users[Role.LA_OFFICER].email] and education.full_name in email.body
    page = _page(client_for, Role.LA_OFFICER, case)
    assert "Conflict of interest declared" in page and "Assign another specialist" in page
    response = client_for(Role.EDUCATION_SPECIALIST).get(reverse("casework:review", kwargs={"reference": case.reference}))
    assert response.status_code == 302  # back to the case, with a message; never the scoring form
    # Once someone else is assigned, the banner goes.
    other = __import__("sendfund.accounts.services", fromlist=["user_create"]).user_create(
        email="second-education@test.example", full_name="Second Education", password="a-long-password-2026")
    __import__("sendfund.accounts.services", fromlist=["membership_grant"]).membership_grant(
        user=other, role=Role.EDUCATION_SPECIALIST)
    services.case_assign(case=case, education_specialist=other, actor=world.users[Role.LA_OFFICER])
    assert "Conflict of interest declared" not in _page(client_for, Role.LA_OFFICER, case)


def test_withdrawing_a_case_with_a_meeting_cancels_it_for_everyone_invited(world, client_for,
                                                                          django_capture_on_commit_callbacks):
    case = advance(world, submitted_application(world), State.MEETING_ARRANGED)
    officer_client = client_for(Role.LA_OFFICER)
    invited = meeting_attendee_emails(case.meeting)
    download = officer_client.get(reverse("casework:meeting-ics", kwargs={"reference": case.reference})).content
    attendees = _attendees(download.decode())
    assert attendees == invited and "host@alpha.example" in invited
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_withdraw(case=case, reason="The cluster has merged with another.",
                               actor=world.users[Role.LA_OFFICER])
    # The outbox writes one email per person: together the cancellations reach everyone invited, once each.
    cancellations = [m for m in mail.outbox if m.subject.startswith("Cancelled: meeting")]
    assert sorted(address for m in cancellations for address in m.to) == invited
    name, ics, mimetype = cancellations[0].attachments[0]
    assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics and mimetype == "text/calendar; method=CANCEL"
    assert _attendees(ics) == invited
    case.meeting.refresh_from_db()
    assert case.meeting.cancelled_at is not None and "SEQUENCE:1" in ics
    after = officer_client.get(reverse("casework:meeting-ics", kwargs={"reference": case.reference})).content.decode()
    assert "METHOD:CANCEL" in after and _attendees(after) == invited
    from sendfund.core.models import AuditEvent

    withdrawn = AuditEvent.objects.filter(verb="case.withdraw", target_id=str(case.pk)).get()
    assert withdrawn.after["meeting_cancelled"] is True
    assert AuditEvent.objects.filter(verb="meeting.cancelled", target_id=str(case.pk)).get().after["attendees"] == invited


def test_the_meeting_invitation_and_the_download_list_the_same_people(world, client_for,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = advance(world, submitted_application(world), State.MEETING_ARRANGED)
    # One email per person (the outbox); each carries the same calendar file listing everyone invited.
    invitations = [m for m in mail.outbox if m.subject.startswith("Meeting about application")]
    emailed = sorted(address for m in invitations for address in m.to)
    assert emailed == meeting_attendee_emails(case.meeting) and "host@alpha.example" in emailed
    assert all(_attendees(m.attachments[0][1]) == emailed for m in invitations)
    download = client_for(Role.LA_OFFICER).get(reverse("casework:meeting-ics", kwargs={"reference": case.reference}))
    assert _attendees(download.content.decode()) == emailed


def test_a_case_withdrawn_after_its_meeting_took_place_cancels_nothing(world, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    from sendfund.casework.models import Meeting

    case = advance(world, submitted_application(world), State.MEETING_ARRANGED)
    Meeting.objects.filter(case=case).update(starts_at=timezone.now() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.case_withdraw(case=case, reason="No longer needed.", actor=world.users[Role.LA_OFFICER])
    assert not any(m.subject.startswith("Cancelled") for m in mail.outbox)


def test_an_invitation_never_says_we_emailed_when_nobody_was(world, client_for):
    from sendfund.accounts.models import User
    from sendfund.accounts.selectors import cluster_recipients
    from sendfund.casework.views import _emailed_sentence
    from sendfund.funds.selectors import round_open
    from sendfund.registry.models import Cluster

    run, candidates = selectors.invitation_candidates(user=world.users[Role.LA_OFFICER], round_=round_open())
    cluster = candidates[0].cluster
    Cluster.objects.filter(pk=cluster.pk).update(host_email="", send_lead_email="")
    cluster.refresh_from_db()
    client = client_for(Role.LA_OFFICER)

    def row_of_cluster():
        page = client.get(reverse("casework:invitations")).content.decode()
        return next(r for r in page.split('<tr class="govuk-table__row">') if f">{cluster.name}<" in r)

    # With no contact address but people who sign in, the cluster is emailed through them: the page lists
    # them (it said "No email address" here, though the invitation then went to them), and the officer is told.
    people = cluster_recipients(cluster=cluster)
    assert people
    row = row_of_cluster()
    assert all(p in row for p in people) and "can be emailed" not in row
    assert _emailed_sentence(cluster) == f"We emailed the cluster at {', '.join(people)}."
    # With nobody at all, the page says so and the officer is never told we emailed.
    User.objects.filter(memberships__organisation__cluster=cluster).update(is_active=False)
    assert cluster_recipients(cluster=cluster) == []
    assert "Nobody at this cluster can be emailed" in row_of_cluster()
    response = client.post(reverse("casework:invite", kwargs={"code": cluster.code}), follow=True)
    text = response.content.decode()
    assert "has been invited" in text and f"Nobody at {cluster.name} was emailed" in text and "We emailed" not in text
    response = client.post(reverse("casework:cluster-contact", kwargs={"code": cluster.code}),
                           {"host_name": "Hana Host", "host_email": "hana@alpha.example"}, follow=True)
    assert "host email address is now hana@alpha.example" in response.content.decode()
    assert Cluster.objects.get(pk=cluster.pk).host_email == "hana@alpha.example"
    refused = client.post(reverse("casework:cluster-contact", kwargs={"code": cluster.code}), {"host_email": "nope"})
    assert "Enter an email address in the correct format" in refused.content.decode()


def test_officers_are_warned_when_a_deadline_is_beyond_the_calendar(world, client_for):
    import datetime as dt

    from sendfund.casework.models import InformationRequest

    InformationRequest.objects.filter(case=world.case_assessing).update(due_on=dt.date(2029, 1, 3))
    page = client_for(Role.LA_OFFICER).get(reverse("casework:case-detail",
                                                   kwargs={"reference": world.case_assessing.reference}))
    assert "the last day the service knows the bank holidays for" in page.content.decode()
    queue = client_for(Role.LA_OFFICER).get(reverse("casework:queue")).content.decode()
    assert "After the last known bank holidays" in queue
    page = client_for(Role.LA_OFFICER).get(reverse("casework:case-detail", kwargs={"reference": world.case.reference}))
    assert "the last day the service knows the bank holidays for" not in page.content.decode()
