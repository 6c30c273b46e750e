"""A submitted capacity application, through acknowledgement, a meeting, two reviews, a decision in part,
the cluster's acceptance and a first payment, in Chromium, with axe on every page."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sendfund.accounts.roles import Role

from .conftest import assert_accessible, sign_in, sign_out

pytestmark = pytest.mark.e2e

CRITERIA = ["need-and-evidence", "quality-of-plan", "outcomes-and-measures", "value-for-money", "sustainability",
            "governance"]


def _go(page, url, context=""):
    page.goto(url)
    assert_accessible(page, context=context)


def _score(page, live_server, world, role, reference, value):
    sign_in(page, live_server, world.users[role].email, world.password)
    _go(page, f"{live_server.url}/manage/casework/{reference}/", f"(case, as {role})")
    page.get_by_role("link", name="Score this application").click()
    expect(page).to_have_title(re.compile("Declare your interests"))
    assert_accessible(page, context="(declaration)")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page, context="(review form)")
    for code in CRITERIA:
        page.locator(f'input[name="score_{code}"][value="{value}"]').check()
        page.locator(f'textarea[name="why_{code}"]').fill(f"Scored {value}: the plan is clear about {code}.")
    page.get_by_role("button", name="Finish the review").click()
    expect(page.locator("body")).to_contain_text("Review finished")
    assert_accessible(page, context="(case after review)")
    sign_out(page)


def test_a_capacity_application_from_submission_to_first_payment(page, live_server, e2e_world):
    from sendfund.casework.models import Case, State
    from sendfund.casework.tests.factories import submitted_application

    w = e2e_world
    application = submitted_application(w, streams=("capacity",))
    ref = application.reference

    # The officer finds it in the queue as submitted, and acknowledges it.
    sign_in(page, live_server, w.users[Role.LA_OFFICER].email, w.password)
    _go(page, f"{live_server.url}/manage/casework/", "(queue)")
    page.get_by_role("link", name=re.compile(ref)).click()
    assert_accessible(page, context="(acknowledge)")
    page.get_by_role("button", name="Acknowledge and open the case").click()
    expect(page.locator("body")).to_contain_text(f"{ref} acknowledged")
    assert_accessible(page, context="(case acknowledged)")

    # Assigns the specialists and arranges the meeting.
    page.get_by_role("link", name="Assign people").click()
    assert_accessible(page, context="(assign)")
    page.get_by_label("Education specialist").select_option(label=w.users[Role.EDUCATION_SPECIALIST].full_name)
    page.get_by_label("Business specialist").select_option(label=w.users[Role.BUSINESS_SPECIALIST].full_name)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Arrange the meeting").click()
    assert_accessible(page, context="(meeting form)")
    day = timezone.localdate() + dt.timedelta(days=10)
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("Start time").fill("14:30")
    page.get_by_label("Place").fill("County Hall, Martineau Lane, Norwich")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("body")).to_contain_text("Meeting arranged")
    assert_accessible(page, context="(case with meeting)")
    ics = page.request.get(f"{live_server.url}/manage/casework/{ref}/meeting.ics")
    assert ics.status == 200 and "BEGIN:VCALENDAR" in ics.text()

    # Records the meeting and starts the assessment.
    page.get_by_role("link", name="Record the meeting's notes").click()
    assert_accessible(page, context="(notes)")
    page.get_by_label("Notes of the meeting").fill("The cluster explained its waiting list for speech support.")
    page.get_by_label("Agreed actions").fill("Cluster to send its latest SEN-D Action Plan.")
    page.get_by_role("button", name="Save notes").click()
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.locator("body")).to_contain_text("Under assessment")
    assert_accessible(page, context="(under assessment)")
    sign_out(page)

    # Two reviews, each after a conflict-of-interest declaration.
    _score(page, live_server, w, Role.EDUCATION_SPECIALIST, ref, 4)
    _score(page, live_server, w, Role.BUSINESS_SPECIALIST, ref, 3)

    # The officer moderates and recommends.
    sign_in(page, live_server, w.users[Role.LA_OFFICER].email, w.password)
    _go(page, f"{live_server.url}/manage/casework/{ref}/moderation/", "(moderation)")
    expect(page.locator("body")).to_contain_text("70.0")  # weighted total: (4 + 3) / 2 out of 5
    _go(page, f"{live_server.url}/manage/casework/{ref}/", "(case before recommending)")
    page.get_by_role("link", name="Recommend an award").click()
    assert_accessible(page, context="(recommend)")
    page.get_by_label("Reasons for your recommendation").fill("Clear unmet need; the costs are realistic.")
    page.get_by_role("button", name="Send for decision").click()
    expect(page.locator("body")).to_contain_text("Recommendation sent")
    sign_out(page)

    # The decision maker decides in part.
    sign_in(page, live_server, w.users[Role.DECISION_MAKER].email, w.password)
    _go(page, f"{live_server.url}/manage/casework/{ref}/decide/", "(decide)")
    page.get_by_label("Approved in part").check()
    amounts = page.locator("input[name^=line_]")
    for i in range(amounts.count()):
        amounts.nth(i).fill("5000.00")
    page.get_by_label("Reasons", exact=True).fill("The need is clear; we fund the first part of the plan.")
    page.get_by_label("Conditions of the award").fill("A monitoring return each term.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("body")).to_contain_text("Decision recorded")
    assert_accessible(page, context="(decided)")
    page.get_by_role("link", name="Read the decision letter").click()
    assert_accessible(page, context="(letter)")
    expect(page.locator("body")).to_contain_text("£10,000.00")
    sign_out(page)

    # The cluster host reads the decision and accepts the offer online.
    sign_in(page, live_server, w.users[Role.CLUSTER_HOST].email, w.password)
    _go(page, f"{live_server.url}/apply/funding-decisions/", "(your funding decisions)")
    page.get_by_role("link", name=ref).click()
    assert_accessible(page, context="(apply case)")
    page.get_by_role("link", name="Accept the offer").click()
    assert_accessible(page, context="(accept)")
    page.get_by_role("button", name="Accept the offer").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page, context="(accept, error)")
    page.get_by_label(re.compile("I accept this offer")).check()
    page.get_by_role("button", name="Accept the offer").click()
    expect(page.locator("body")).to_contain_text("You have accepted the offer")
    assert_accessible(page, context="(accepted)")
    sign_out(page)

    # Finance, not the decision maker, records the first payment.
    sign_in(page, live_server, w.users[Role.FINANCE].email, w.password)
    _go(page, f"{live_server.url}/manage/casework/{ref}/payments/", "(payments)")
    page.get_by_label("Date paid for instalment 1").fill(timezone.localdate().isoformat())  # never pre-filled
    page.get_by_role("button", name=re.compile("Record payment of instalment 1")).click()
    expect(page.locator("body")).to_contain_text("Payment of instalment 1 recorded")
    assert_accessible(page, context="(payment recorded)")
    _go(page, f"{live_server.url}/manage/funds/", "(pot)")
    assert "£5,000.00" in page.content() or "£2,500.00" in page.content()

    case = Case.objects.get(reference=ref)
    assert case.status == State.IN_DELIVERY
    assert case.outcome == "approved_in_part"
    assert case.instalments.filter(paid_on__isnull=False).count() == 1
