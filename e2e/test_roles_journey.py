"""Each role signs in, visits the pages its home page offers, and axe finds no WCAG 2.2 A/AA violation."""

import re

import pytest
from playwright.sync_api import expect

from sendfund.accounts.roles import Role
from sendfund.accounts.tests.access import ANONYMOUS, OTHER_CLUSTER_HOST

from .conftest import assert_accessible, sign_in, sign_out

pytestmark = pytest.mark.e2e

PUBLIC_PAGES = ["/", "/help/", "/accessibility/", "/privacy/", "/cookies/", "/account/sign-in/",
                "/account/password-reset/", "/this-page-does-not-exist/"]


def test_public_pages_are_accessible(page, live_server, e2e_world):
    for path in PUBLIC_PAGES:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1
        assert_accessible(page)
    # The GOV.UK font is served where the CSS asks for it.
    response = page.request.get(f"{live_server.url}/assets/fonts/bold-b542beb274-v2.woff2")
    assert response.status == 200


def test_sign_in_error_is_summarised_and_accessible(page, live_server, e2e_world):
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert "Enter your email address" in summary.inner_text()
    assert_accessible(page, context="(sign-in errors)")


@pytest.mark.parametrize("role", [r for r in Role] + [OTHER_CLUSTER_HOST])
def test_each_role_signs_in_and_every_page_it_is_offered_is_accessible(page, live_server, e2e_world, role):
    user = e2e_world.users[role]
    sign_in(page, live_server, user.email, e2e_world.password)
    home = page.url
    assert re.search(r"/(manage|apply|manage/forum)/$", home), home  # a Forum member lands on the Forum page
    assert_accessible(page, context=f"(home of {role})")
    links = [a.get_attribute("href") for a in page.locator("main a.govuk-link").all()]
    nav = [a.get_attribute("href") for a in page.locator(".govuk-service-navigation__list a").all()]
    visited = set()
    for href in dict.fromkeys(links + nav):
        if not href or not href.startswith("/") or href in visited:
            continue
        visited.add(href)
        response = page.goto(f"{live_server.url}{href}")
        assert response.status == 200, f"{href} answered {response.status} for {role}"
        assert_accessible(page, context=f"(as {role})")
        # One level deeper: the first detail link in a table, so detail pages are checked too.
        detail = page.locator("main table a.govuk-link").first
        if detail.count():
            detail.click()
            page.wait_for_load_state()
            assert_accessible(page, context=f"(detail from {href}, as {role})")
    assert visited, f"{role} was offered no pages"
    sign_out(page)
    assert "You have signed out" in page.locator("h1").inner_text()


def test_anonymous_visitor_is_sent_to_sign_in(page, live_server, e2e_world):
    assert ANONYMOUS in e2e_world.users
    page.goto(f"{live_server.url}/manage/clusters/")
    assert "/account/sign-in/" in page.url
    assert_accessible(page)


def test_the_accessibility_check_can_fail(page, live_server, e2e_world):
    """Guard against a check that passes whatever the page: a known violation must be reported."""
    page.goto(f"{live_server.url}/help/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')")
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)
