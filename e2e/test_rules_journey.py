"""Rules people rely on, walked in Chromium with axe on every page (issues 8 and 9): a double start opens the
first application, a late sign-off after the close is allowed and flagged, a declared conflict takes the
specialist off scoring and tells the officer, withdrawing after a meeting is arranged cancels it for everyone,
and the case's history reads in plain English for the officer and, without the council's internals, the cluster."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from sendfund.accounts.roles import Role
from sendfund.casework.notifications import meeting_attendee_emails

from .conftest import assert_accessible, sign_in, sign_out

pytestmark = pytest.mark.e2e


def _go(page, url, context=""):
    page.goto(url)
    page.wait_for_load_state()
    assert_accessible(page, context=context)


def _submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_double_start_late_sign_off_conflict_and_withdrawal_after_a_meeting(page, live_server, e2e_world):
    from sendfund.applications.models import Application
    from sendfund.casework.models import Case, State
    from sendfund.casework.tests.factories import advance, submitted_application

    w = e2e_world
    base = live_server.url

    # A double start: the second "Start" opens the first application, and there is one draft.
    sign_in(page, live_server, w.users[Role.CLUSTER_HOST].email, w.password)
    for attempt in range(2):
        _go(page, f"{base}/apply/rounds/{w.round.pk}/start/", f"(start, attempt {attempt + 1})")
        page.get_by_label("Capacity").check()
        _submit(page, "Continue")
        assert_accessible(page, context=f"(task list after start {attempt + 1})")
    expect(page.locator("main")).to_contain_text("already has an application in progress")
    assert Application.objects.filter(cluster=w.cluster, round=w.round, wants_capacity=True,
                                      status="draft").count() == 1
    sign_out(page)

    # A late sign-off: sent for sign-off before the close, signed off the day after it, within the days allowed.
    awaiting = w.application_awaiting
    round_ = awaiting.round
    round_.opens_on = timezone.localdate() - dt.timedelta(days=40)
    round_.closes_on = timezone.localdate() - dt.timedelta(days=1)
    round_.save()
    Application.objects.filter(pk=awaiting.pk).update(sent_for_sign_off_at=timezone.now() - dt.timedelta(days=3))
    sign_in(page, live_server, w.users[Role.CERTIFIER].email, w.password)
    _go(page, f"{base}/apply/applications/{awaiting.pk}/", "(waiting for sign-off after the close)")
    expect(page.locator("main")).to_contain_text("Sign off by")
    with page.expect_navigation():
        page.get_by_role("button", name="Check and sign off").or_(page.get_by_role("link", name="Check and sign off")).first.click()
    assert_accessible(page, context="(sign-off after the close)")
    expect(page.locator("main")).to_contain_text(f"Sign it off by {round_.sign_off_until:%-d %B %Y}")
    page.get_by_label("Yes, confirm and submit it").check()
    _submit(page, "Continue")
    assert_accessible(page, context="(confirmation, late)")
    expect(page.locator(".govuk-panel")).to_contain_text("Application submitted")
    sign_out(page)
    sign_in(page, live_server, w.users[Role.LA_OFFICER].email, w.password)
    _go(page, f"{base}/manage/casework/", "(queue with a late sign-off)")
    expect(page.locator("main")).to_contain_text("Signed off late")
    sign_out(page)

    # A conflict declared: the specialist is not offered scoring and the officer is told.
    assessing = advance(w, submitted_application(w, streams=("capacity",)), State.UNDER_ASSESSMENT)
    sign_in(page, live_server, w.users[Role.EDUCATION_SPECIALIST].email, w.password)
    _go(page, f"{base}/manage/casework/{assessing.reference}/", "(case, specialist)")
    page.get_by_role("link", name="Score this application").click()
    page.wait_for_load_state()
    assert_accessible(page, context="(declaration)")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Describe the conflict").fill("I am a governor of one of the cluster's schools.")
    _submit(page, "Continue")
    assert_accessible(page, context="(conflict recorded)")
    expect(page.locator("main")).to_contain_text("You declared a conflict of interest in this case")
    expect(page.get_by_role("link", name="Score this application")).to_have_count(0)
    sign_out(page)
    assert any(m.subject.startswith("Conflict of interest declared") for m in mail.outbox)
    sign_in(page, live_server, w.users[Role.LA_OFFICER].email, w.password)
    _go(page, f"{base}/manage/casework/{assessing.reference}/", "(case, officer told of the conflict)")
    expect(page.locator("main")).to_contain_text("Conflict of interest declared")

    # Withdrawing after a meeting is arranged cancels it for everyone invited.
    meeting_case = advance(w, submitted_application(w, streams=("capacity",)), State.MEETING_ARRANGED)
    _go(page, f"{base}/manage/casework/{meeting_case.reference}/", "(case with a meeting)")
    page.get_by_role("link", name="Withdraw the application").click()
    page.wait_for_load_state()
    assert_accessible(page, context="(withdraw)")
    page.get_by_label("Why is the application being withdrawn?").fill("The cluster has asked to withdraw.")
    _submit(page, "Withdraw")
    assert_accessible(page, context="(withdrawn, meeting cancelled)")
    expect(page.locator("main")).to_contain_text("Cancelled")
    expect(page.locator("main")).to_contain_text("cancelled the meeting")
    # One email per person (the outbox): together they reach exactly the people the download lists.
    cancellations = [m for m in mail.outbox if m.subject.startswith("Cancelled: meeting")]
    assert cancellations and all("METHOD:CANCEL" in m.attachments[0][1] for m in cancellations)
    download = page.request.get(f"{base}/manage/casework/{meeting_case.reference}/meeting.ics").text()
    attendees = sorted(re.findall(r"ATTENDEE;[^:]*:mailto:(\S+)", download.replace("\r\n ", "")))
    assert "METHOD:CANCEL" in download
    assert attendees == sorted(address for m in cancellations for address in m.to)
    assert attendees == meeting_attendee_emails(Case.objects.get(pk=meeting_case.pk).meeting)
    assert Case.objects.get(pk=meeting_case.pk).status == State.WITHDRAWN


def test_a_case_history_reads_in_plain_english(page, live_server, e2e_world):
    from sendfund.core.years import fy_label

    w = e2e_world
    case = w.case  # decided in part, after a recommendation
    first = case.lines.order_by("stream__kind", "financial_year").first()
    sign_in(page, live_server, w.users[Role.LA_OFFICER].email, w.password)
    _go(page, f"{live_server.url}/manage/casework/{case.reference}/", "(case history, officer)")
    history = page.get_by_role("table", name=re.compile("History"))
    expect(history).to_contain_text(f"{w.users[Role.LA_OFFICER].full_name} recommended £{first.recommended:,.2f} "
                                     f"for {first.stream.kind} in {fy_label(first.financial_year)}")
    expect(history).to_contain_text(f"{w.users[Role.DECISION_MAKER].full_name} decided: approved in part")
    expect(history).to_contain_text("Conditions: Report each term.")
    for code in ("case.decide", "approved_in_part", "under_assessment"):
        expect(history).not_to_contain_text(code)
    sign_out(page)

    sign_in(page, live_server, w.users[Role.CLUSTER_HOST].email, w.password)
    _go(page, f"{live_server.url}/apply/funding-decisions/{case.reference}/", "(case history, cluster)")
    history = page.get_by_role("table", name=re.compile("What has happened"))
    expect(history).to_contain_text("The council decided: approved in part")
    expect(history).not_to_contain_text("recommended")
    expect(history).not_to_contain_text("out of 5")
