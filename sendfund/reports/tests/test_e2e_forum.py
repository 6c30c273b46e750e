"""In a real browser, axe on every page: an LA officer issues the Schools' Forum report for a meeting; a Forum
member signs in, lands on the Forum's page, reads the issued report and downloads its PDF."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from e2e.conftest import assert_accessible, sign_in, sign_out
from sendfund.accounts.roles import Role
from sendfund.core.money import format_pounds
from sendfund.core.years import financial_year_of, fy_label

pytestmark = pytest.mark.e2e


@pytest.fixture
def forum_world(transactional_db):
    from tests.world import build_world

    return build_world()


def test_the_forum_reads_the_issued_report_and_downloads_its_pdf(page, live_server, forum_world):
    from sendfund.funds.selectors import fund_current, pot_position

    w = forum_world
    year = financial_year_of(timezone.localdate())
    committed = format_pounds(sum(p.balance.committed for p in pot_position(fund=fund_current(), financial_year=year)))
    meeting = timezone.localdate()

    sign_in(page, live_server, w.users[Role.LA_OFFICER].email, w.password)
    page.get_by_role("link", name="Schools' Forum").first.click()
    assert_accessible(page, context="(the Forum's page, officer)")
    page.get_by_role("link", name="Issue a report for a Forum meeting").click()
    page.get_by_role("button", name="Issue the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the Forum meeting")
    assert_accessible(page, context="(issue, errors)")
    page.get_by_label("Day").fill(str(meeting.day))
    page.get_by_label("Month").fill(str(meeting.month))
    page.get_by_label("Year", exact=True).fill(str(meeting.year))
    page.get_by_role("button", name="Issue the report").click()
    expect(page.locator("h1")).to_have_text(f"Schools' Forum report {fy_label(year)}, version 1")
    sign_out(page)

    sign_in(page, live_server, w.users[Role.FORUM_MEMBER].email, w.password)
    expect(page.locator("h1")).to_have_text("Schools' Forum")
    assert "There is nothing for your role here yet" not in page.content()
    assert_accessible(page, context="(the Forum member's home)")
    page.get_by_role("link", name=f"{fy_label(year)}, version 1").click()
    expect(page.locator("body")).to_contain_text(f"for the Forum meeting on {meeting.day} {meeting:%B %Y}")
    fund = page.locator("table", has=page.locator("caption", has_text="The pot by stream"))
    expect(fund.locator("tfoot")).to_contain_text(committed)
    assert_accessible(page, context="(the issued report)")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this report as a PDF").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert f"Schools' Forum LDD sub-group report, {fy_label(year)}" in " ".join(text.split()) and committed in text
    page.get_by_role("link", name="See the figures as they are today").click()
    expect(page.locator("h1")).to_have_text(f"Schools' Forum report, {fy_label(year)}")
    assert_accessible(page, context="(today's figures)")
