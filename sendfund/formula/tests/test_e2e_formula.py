"""The formula pages in a real browser, axe on each: an officer reads a run, an administrator makes a version."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from e2e.conftest import assert_accessible, sign_in
from sendfund.accounts.roles import Role

pytestmark = pytest.mark.e2e


@pytest.fixture
def formula_world(transactional_db):
    from tests.world import build_world

    return build_world()


def test_officer_reads_a_run_and_its_gap(page, live_server, formula_world):
    w = formula_world
    sign_in(page, live_server, w.users[Role.LA_OFFICER].email, w.password)
    page.goto(f"{live_server.url}/manage/formula/")
    assert_accessible(page, context="(formula index)")
    page.locator(f"a[href=\"{reverse('formula:run-detail', args=[w.formula_run.pk])}\"]").first.click()  # ids do not restart on PostgreSQL
    expect(page.locator("body")).to_contain_text("£43,518.47")
    assert_accessible(page, context="(allocation)")
    page.get_by_role("link", name="Capacity gap").click()
    expect(page.locator("svg[role=img]")).to_have_count(2)
    assert_accessible(page, context="(capacity gap)")
    page.get_by_role("link", name="Compare with another run").click()
    assert_accessible(page, context="(compare)")
    page.goto(f"{live_server.url}/manage/formula/runs/new/")
    page.get_by_label("Pot, in pounds").fill("ten pounds")
    page.get_by_role("button", name="Run the formula").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page, context="(run form with an error)")


def test_administrator_version_form_and_cluster_view(page, live_server, formula_world):
    w = formula_world
    sign_in(page, live_server, w.users[Role.ADMINISTRATOR].email, w.password)
    page.goto(f"{live_server.url}/manage/formula/versions/new/")
    assert_accessible(page, context="(new version)")
    page.get_by_role("button", name="Save version").click()
    expect(page.locator("body")).to_contain_text("There is a problem")
    assert_accessible(page, context="(new version with errors)")
    page.goto(f"{live_server.url}/manage/formula/versions/{w.formula_version.pk}/")
    assert_accessible(page, context="(version)")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, w.users[Role.CLUSTER_HOST].email, w.password)
    page.goto(f"{live_server.url}/apply/formula/")
    expect(page.locator("body")).to_contain_text("How your £43,518.47 is made up")
    assert_accessible(page, context="(your allocation)")
