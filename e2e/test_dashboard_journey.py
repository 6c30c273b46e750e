"""An LA officer reads the dashboard on their home page, follows a figure to the list behind it and downloads that
list; the new lists of awards and payments, and the ledger's filters, are checked with axe like every page."""

import csv
import re

import pytest

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def test_an_officer_follows_a_dashboard_figure_to_its_list_and_downloads_it(page, live_server, e2e_world):
    from sendfund.accounts.roles import Role
    from sendfund.casework.models import State

    w = e2e_world
    sign_in(page, live_server, w.users[Role.LA_OFFICER].email, w.password)
    page.goto(f"{live_server.url}/manage/")
    assert page.locator("#dashboard").is_visible()
    assert page.locator("#cases-chart-title").is_visible()
    assert_accessible(page, context="the LA's dashboard")

    decided = page.locator("#dash-by-state").get_by_role("link", name=re.compile(r"^\d+ decided$"))
    figure = int(decided.inner_text().split()[0])
    decided.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Casework"
    assert page.locator("caption").first.inner_text().startswith(f"{figure} item")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this list as CSV").click()
    with open(download.value.path(), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == figure and {r["State"].split(":")[0] for r in rows} == {State.DECIDED.label}

    for path, heading in (("/manage/casework/awards/", "Awards"), ("/manage/casework/payments/", "Payments"),
                          ("/manage/funds/ledger/?stream=capacity", "The ledger")):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").inner_text() == heading
        assert_accessible(page, context=heading)


def test_the_decision_maker_checks_a_years_amounts_before_allocating_it(page, live_server, e2e_world):
    from playwright.sync_api import expect

    from sendfund.accounts.roles import Role
    from sendfund.core.years import fy_label
    from sendfund.funds.models import LedgerEntry
    from sendfund.funds.selectors import next_year_to_allocate

    w = e2e_world
    year = next_year_to_allocate(fund=w.fund)
    sign_in(page, live_server, w.users[Role.DECISION_MAKER].email, w.password)
    page.goto(f"{live_server.url}/manage/funds/")
    page.get_by_role("link", name=f"Allocate {fy_label(year)}").click()
    expect(page.locator("h1")).to_have_text(f"Allocate {fy_label(year)}")
    assert_accessible(page, context="(allocation to confirm)")
    assert not LedgerEntry.objects.filter(pot__financial_year=year).exists()
    page.get_by_role("button", name=f"Allocate {fy_label(year)}").click()
    expect(page.locator("body")).to_contain_text(f"{fy_label(year)} allocated to the streams.")
    assert_accessible(page, context="(the pot, allocated)")
    assert LedgerEntry.objects.filter(pot__financial_year=year, kind="allocation").count() == 2
