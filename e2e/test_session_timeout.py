"""The session-timeout warning in Chromium (WCAG 2.2.1): focus comes back to where the user was, Escape
does not silence later warnings, and when the time runs out the page says so, keeps what was typed, and
the answers reach the server once the user has signed in again."""

import pytest
from django.conf import settings

from sendfund.accounts.roles import Role
from sendfund.applications.models import Section

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e

WARNING_AFTER_MS = (settings.SESSION_COOKIE_AGE - 120) * 1000


def _warning(page):
    dialog = page.get_by_role("dialog")
    dialog.wait_for(state="visible")
    return dialog


def _focused_name(page):
    return page.evaluate("() => document.activeElement && document.activeElement.getAttribute('name')")


def test_the_timeout_warning_returns_focus_keeps_warning_and_keeps_answers(page, live_server, e2e_world):
    w = e2e_world
    user = w.users[Role.CLUSTER_SEND_LEAD]
    sign_in(page, live_server, user.email, w.password)
    page.clock.install()
    page.goto(f"{live_server.url}/apply/applications/{w.application_draft.pk}/section/sustainability/")
    answer = page.locator("textarea[name=after_funding]")
    answer.fill("First thoughts")

    page.clock.run_for(WARNING_AFTER_MS + 1000)
    dialog = _warning(page)
    assert_accessible(page, context="(timeout warning)")
    dialog.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="detached")
    assert _focused_name(page) == "after_funding", "focus did not come back to the field after Stay signed in"

    page.clock.run_for(WARNING_AFTER_MS + 1000)
    _warning(page)
    page.keyboard.press("Escape")
    page.get_by_role("dialog").wait_for(state="detached")
    assert _focused_name(page) == "after_funding", "focus did not come back to the field after Escape"
    page.clock.run_for(WARNING_AFTER_MS + 1000)
    _warning(page)  # Escape stayed signed in; it did not silence the next warning

    page.clock.run_for(121 * 1000)
    banner = page.locator("#sf-signed-out")
    banner.wait_for(state="visible")
    assert "You have been signed out" in banner.inner_text()
    assert page.get_by_role("dialog").count() == 0
    assert answer.input_value() == "First thoughts"
    assert_accessible(page, context="(signed out by the timeout, answers still on the page)")

    answer.fill("Final answer, typed after the session ended")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()
    assert "/account/sign-in/" in page.url
    assert "Sign in again and we will send the answers you typed" in page.inner_text("main")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(w.password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "We kept them and have sent them now" in page.inner_text("main")
    section = Section.objects.get(application=w.application_draft, key="sustainability")
    assert section.answers == {"after_funding": "Final answer, typed after the session ended"}
