"""Monitoring in Chromium, axe on every page: an accepted award's interim return (reminded once, filled
pre-filled, signed off, sent back, resubmitted, accepted), the final return's underspend clawed back to the
pot; and a Health Check filled, signed off, moderated with one disagreement, shown on the heat-map and trend."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from sendfund.accounts.roles import Role
from sendfund.core.tests import files
from sendfund.core.years import financial_year_of, fy_label

from .conftest import assert_accessible, sign_in, sign_out

pytestmark = pytest.mark.e2e
expect.set_options(timeout=30000)


def _go(page, url, context=""):
    page.goto(url)
    assert_accessible(page, context=context)


def _click(page, role, name):
    """Click and wait for the next page: the machine may be slow, so never read the old page."""
    with page.expect_navigation(timeout=60000):
        page.get_by_role(role, name=name).click()


def _continue(page, context):
    _click(page, "button", "Continue")
    assert_accessible(page, context=context)


def test_a_return_from_acceptance_to_review_and_the_underspend_back_in_the_pot(page, live_server, e2e_world):
    from sendfund.casework.services import instalment_pay
    from sendfund.funds.selectors import pot_balance
    from sendfund.monitoring.demo import fill_return, submit_return
    from sendfund.monitoring.models import MonitoringReturn, Reminder

    w = e2e_world
    case = w.case
    ref = case.reference

    # The host accepts the offer: the award's returns are created at that moment.
    sign_in(page, live_server, w.users[Role.CLUSTER_HOST].email, w.password)
    _go(page, f"{live_server.url}/apply/funding-decisions/{ref}/accept/", "(accept)")
    page.get_by_label(re.compile("I accept this offer")).check()
    _click(page, "button", "Accept the offer")
    expect(page.locator("body")).to_contain_text("You have accepted the offer")
    interim = MonitoringReturn.objects.get(case=case, kind="interim")
    final = MonitoringReturn.objects.get(case=case, kind="final")

    # Time passes: the interim return is due today. The daily job runs twice; one reminder goes.
    MonitoringReturn.objects.filter(pk=interim.pk).update(due_on=timezone.localdate())
    mail.outbox.clear()
    call_command("send_return_reminders")
    call_command("send_return_reminders")
    assert Reminder.objects.filter(monitoring_return=interim).count() == 1
    assert len([m for m in mail.outbox if ref in m.subject and "due today" in m.subject]) == 1

    # The host fills the return; what the council holds is already there.
    _go(page, f"{live_server.url}/apply/returns/", "(returns)")
    _click(page, "link", f"Interim return for {ref}")
    assert_accessible(page, context="(return task list)")
    _click(page, "link", "Progress on each activity")
    assert_accessible(page, context="(progress)")
    activity = case.application.activities.first()
    expect(page.locator("main form")).to_contain_text(activity.what[:40])
    for radio in page.get_by_label("On track").all():
        radio.check()
    for box in page.locator("textarea").all():
        box.fill("Running as planned in every school.")
    _continue(page, "(task list after progress)")
    _click(page, "link", "Outcome measures")
    outcome = case.application.outcomes.first()
    expect(page.locator("main form")).to_contain_text(f"Baseline: {outcome.baseline}")
    for box in page.locator("input[name^='latest_']").all():
        box.fill("Improving")
    _continue(page, "(task list after outcomes)")
    _click(page, "link", "Changes from your plan")
    page.get_by_label("No", exact=True).check()
    _continue(page, "(task list after changes)")
    _click(page, "link", "Spend to date")
    assert_accessible(page, context="(spend)")
    for box in page.locator("input[name^='spent_']").all():
        box.fill("0")
    _continue(page, "(task list after spend)")
    _click(page, "link", "Evidence")
    page.set_input_files("input[type=file]", files=[{"name": "report.pdf", "mimeType": "application/pdf",
                                                     "buffer": files.pdf()}])
    _continue(page, "(task list after evidence)")
    expect(page.locator("body")).to_contain_text("You have completed every section")
    _click(page, "button", "Send for sign-off")
    expect(page.locator("#return-status")).to_contain_text("Waiting for sign-off")
    assert_accessible(page, context="(sent for sign-off)")
    sign_out(page)

    def head_signs_off():
        sign_in(page, live_server, w.users[Role.CERTIFIER].email, w.password)
        _go(page, f"{live_server.url}/apply/returns/{interim.pk}/sign-off/", "(sign-off)")
        page.get_by_label(re.compile("Yes, sign it off")).check()
        _continue(page, "(signed off)")
        expect(page.locator("#return-status")).to_contain_text("Waiting for the council")
        sign_out(page)

    head_signs_off()

    # The officer sends it back with a comment; the waiting return says who must act.
    sign_in(page, live_server, w.users[Role.LA_OFFICER].email, w.password)
    _go(page, f"{live_server.url}/manage/monitoring/?state=submitted", "(returns waiting for review)")
    _click(page, "link", f"Interim return for {ref}")
    expect(page.locator("#who-acts")).to_have_text("An LA officer, to review it")
    assert_accessible(page, context="(review)")
    page.get_by_label(re.compile("Send it back")).check()
    page.get_by_label("Comments for the cluster").fill("Say which schools the training reached.")
    _continue(page, "(sent back)")
    sign_out(page)

    # The host amends and resubmits; the head signs it off again; the officer accepts it.
    sign_in(page, live_server, w.users[Role.CLUSTER_HOST].email, w.password)
    _go(page, f"{live_server.url}/apply/returns/{interim.pk}/", "(sent back task list)")
    expect(page.locator("#sent-back")).to_contain_text("Say which schools the training reached.")
    _click(page, "link", "Changes from your plan")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("What has changed, and why?").fill("Training reached all four schools.")
    _continue(page, "(changes amended)")
    _click(page, "button", "Send for sign-off")
    sign_out(page)
    head_signs_off()
    sign_in(page, live_server, w.users[Role.LA_OFFICER].email, w.password)
    _go(page, f"{live_server.url}/manage/monitoring/returns/{interim.pk}/", "(review again)")
    page.get_by_label("Accept it").check()
    _continue(page, "(accepted)")
    expect(page.locator("#return-status")).to_contain_text("Accepted")
    sign_out(page)

    # Finance pays what is payable today (a later year's pot has not opened); the final return (filled
    # by the cluster) shows money not spent.
    dm, finance = w.users[Role.DECISION_MAKER], w.users[Role.FINANCE]
    for instalment in case.instalments.filter(financial_year__lte=financial_year_of(timezone.localdate())):
        instalment_pay(instalment=instalment, paid_on=timezone.localdate(), actor=finance)
    host, certifier = w.users[Role.CLUSTER_HOST], w.users[Role.CERTIFIER]
    final = submit_return(fill_return(final, actor=host, spent_share=Decimal("0.3")), writer=host, certifier=certifier)
    from sendfund.monitoring import selectors

    money = selectors.return_money(monitoring_return=final)
    unspent = money.unspent
    assert unspent > 0
    lines = [(r, pot_balance(stream=case.lines.get(stream_id=r.stream_id, financial_year=r.financial_year).stream,
                             financial_year=r.financial_year)) for r in money.rows if r.unspent > 0]
    sign_in(page, live_server, w.users[Role.LA_OFFICER].email, w.password)
    _go(page, f"{live_server.url}/manage/monitoring/returns/{final.pk}/", "(final return)")
    page.get_by_label("Accept it").check()
    _continue(page, "(final accepted)")
    expect(page.locator("#money-unspent")).to_have_text(f"£{unspent:,.2f}")
    _click(page, "link", re.compile("Propose what happens to"))
    assert_accessible(page, context="(propose underspend)")
    page.get_by_label("Claw back the money").check()
    page.get_by_label("Reason").fill("The cluster did not need all the supply cover.")
    _click(page, "button", "Send for confirmation")
    expect(page.locator("#underspend")).to_contain_text("Proposed")
    assert_accessible(page, context="(proposed)")
    sign_out(page)

    sign_in(page, live_server, dm.email, w.password)
    _go(page, f"{live_server.url}/manage/monitoring/returns/{final.pk}/", "(confirm underspend)")
    _click(page, "button", "Confirm the decision")
    expect(page.locator("#underspend")).to_contain_text("Confirmed")
    assert_accessible(page, context="(confirmed)")
    _go(page, f"{live_server.url}/manage/funds/", "(pot)")
    body = page.locator("body").inner_text()
    for row, before in lines:
        after = before.remaining + row.unspent
        label = f"{fy_label(row.financial_year)}, {row.stream_kind}"
        line = next(ln for ln in body.splitlines() if ln.startswith(label))
        assert f"£{after:,.2f}" in line, (label, line)


def test_a_health_check_filled_signed_off_moderated_and_on_the_heatmap(page, live_server, e2e_world):
    w = e2e_world
    hc = w.hc_draft
    sign_in(page, live_server, w.users[Role.CLUSTER_SEND_LEAD].email, w.password)
    _go(page, f"{live_server.url}/apply/health-checks/", "(health checks)")
    _go(page, f"{live_server.url}/apply/health-checks/{hc.pk}/", "(health check task list)")
    titles = [r.area.title for r in hc.ratings.select_related("area").order_by("area__order")]
    for n, title in enumerate(titles):
        _click(page, "link", title)
        if n == 0:
            assert_accessible(page, context="(area)")
        page.locator("input[name=level][value='3']").check()
        page.get_by_label("What is your evidence?").fill(f"Our review found this established ({n}).")
        _click(page, "button", "Continue")
    expect(page.locator("body")).to_contain_text("You have completed every area")
    assert_accessible(page, context="(all areas done)")
    _click(page, "button", "Send to the cluster host to sign off")
    expect(page.locator("#hc-status")).to_contain_text("Waiting for the host")
    sign_out(page)

    sign_in(page, live_server, w.users[Role.CLUSTER_HOST].email, w.password)
    _go(page, f"{live_server.url}/apply/health-checks/{hc.pk}/sign-off/", "(host sign-off)")
    page.get_by_label(re.compile("Yes, sign it off")).check()
    _continue(page, "(signed off)")
    expect(page.locator("#hc-status")).to_contain_text("Waiting for moderation")
    sign_out(page)

    sign_in(page, live_server, w.users[Role.EDUCATION_SPECIALIST].email, w.password)
    _go(page, f"{live_server.url}/manage/health-checks/{hc.pk}/", "(moderation)")
    for n, title in enumerate(titles):
        _click(page, "link", f"Moderate {title}")
        if n == 0:
            assert_accessible(page, context="(moderate area)")
            page.get_by_label(re.compile("Disagree")).check()
            page.locator("input[name=level][value='2']").check()
            page.get_by_label("Reason for the moderated level").fill("Governors have not reviewed it yet.")
        else:
            page.get_by_label("Agree", exact=True).check()
        _click(page, "button", "Save")
    _click(page, "button", "Finish moderation")
    expect(page.locator("#hc-status")).to_contain_text("Moderated")
    assert_accessible(page, context="(moderated)")
    _go(page, f"{live_server.url}/manage/health-checks/?year={hc.academic_year}", "(heat-map)")
    expect(page.locator("#heatmap")).to_contain_text("Alpha cluster")
    cells = page.locator("#heatmap tbody tr").filter(has_text="Alpha cluster").locator("td").all_inner_texts()
    assert cells == ["2", "3", "3", "3", "3", "3", "3"]
    expect(page.locator("#disagreements")).to_contain_text("Governors have not reviewed it yet.")
    _go(page, f"{live_server.url}/manage/health-checks/trend/{w.cluster.pk}/", "(trend)")
    first = page.locator("#trend tbody tr").first.locator("td").all_inner_texts()
    assert first[-1] == "2"
    sign_out(page)

    # The cluster's own trend shows the moderated level too.
    sign_in(page, live_server, w.users[Role.CLUSTER_HOST].email, w.password)
    _go(page, f"{live_server.url}/apply/health-checks/trend/{w.cluster.pk}/", "(cluster's trend)")
    first = page.locator("#trend tbody tr").first.locator("td").all_inner_texts()
    assert first[-1] == "2"
