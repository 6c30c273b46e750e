"""The officer finds undelivered email from the LA's home page, reads why, sends it again, and sees which
cluster nobody can be emailed at, in Chromium, with axe on every page."""

import pytest
from playwright.sync_api import expect

from sendfund.accounts.roles import Role

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def test_an_officer_sees_failed_email_and_a_cluster_nobody_can_email(page, live_server, e2e_world):
    from sendfund.accounts.models import User
    from sendfund.core.models import Notification

    w = e2e_world
    Notification.objects.create(event="e2e/case_decided", recipient="host@alpha.example", template="case_decided",
                                subject=f"Decision on your application {w.case.reference}", body="Body",
                                about=w.case.reference, link=f"/manage/casework/{w.case.reference}/",
                                status=Notification.Status.FAILED, attempts=8,
                                last_error="SMTPRecipientsRefused: mailbox full")
    w.other_cluster.host_email = w.other_cluster.send_lead_email = ""
    w.other_cluster.save()
    User.objects.filter(memberships__organisation__cluster=w.other_cluster).update(is_active=False)

    sign_in(page, live_server, w.users[Role.LA_OFFICER].email, w.password)
    page.goto(f"{live_server.url}/manage/")
    expect(page.locator("body")).to_contain_text("not delivered")
    assert_accessible(page, context="(LA home with undelivered email)")
    page.get_by_role("link", name="See what failed and send again").click()
    expect(page.locator("body")).to_contain_text("SMTPRecipientsRefused: mailbox full")
    assert_accessible(page, context="(emails not delivered)")
    page.get_by_role("button", name=f"Send again to host@alpha.example: Decision on your application {w.case.reference}").click()
    expect(page.locator("body")).to_contain_text("will be sent again")
    assert_accessible(page, context="(after sending again)")
    page.goto(f"{live_server.url}/manage/emails/")
    assert_accessible(page, context="(every email)")

    page.goto(f"{live_server.url}/manage/casework/")
    expect(page.locator("body")).to_contain_text("Nobody at this cluster can be emailed")
    assert_accessible(page, context="(queue with a cluster nobody can email)")
    page.goto(f"{live_server.url}/manage/casework/{w.case_other.reference}/")
    expect(page.locator("body")).to_contain_text("Nobody at Beta cluster can be emailed")
    assert_accessible(page, context="(case page of a cluster nobody can email)")
