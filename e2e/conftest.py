"""Browser journeys: Debian's Chromium driven by Playwright against Django's live server, axe on every page."""

import json
from pathlib import Path

import pytest

AXE_JS = (Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe is injected by evaluate(); the page's own CSP still applies to everything the site serves.
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


NARROW = {"width": 320, "height": 640}  # 1280 px at 400% zoom (WCAG 1.4.10 Reflow)

# What sticks out past the viewport, outside the scroll regions wide tables sit in.
_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => !el.closest('.sf-table-scroll, dialog') && el.getBoundingClientRect().right > width + 1)
    .filter(el => el.getClientRects().length)
    .slice(-5).map(el => el.outerHTML.slice(0, 160))
  return {scrollWidth: document.documentElement.scrollWidth, width, wide}
}"""
# Closed <details> are opened for the narrow check (what they hold must reflow too), then closed again.
_OPEN_DETAILS = """() => document.querySelectorAll('details:not([open])').forEach(d => {
  d.open = true; d.dataset.sfOpened = '' })"""
_CLOSE_DETAILS = """() => document.querySelectorAll('details[data-sf-opened]').forEach(d => {
  d.open = false; delete d.dataset.sfOpened })"""


def _axe_violations(page) -> list:
    # Injected once a document (the narrow check reuses it). Only violations are gathered in full: passes and
    # the rest are not reported, and gathering them doubled axe's time on a page.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                           "resultTypes: ['violations']})", WCAG_TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_error_links_move_focus(page, *, context: str = "") -> None:
    """Follow every link of the page's error summary: each must move focus to the element it names
    (the first input of its field), as GOV.UK's error summary does (WCAG 3.3.1, 2.4.3)."""
    links = page.locator(".govuk-error-summary__list a[href^='#']")
    if not links.count():
        return
    before = page.evaluate_handle("document.activeElement")
    for index in range(links.count()):
        link = links.nth(index)
        target = link.get_attribute("href")[1:]
        link.click()
        focused = page.evaluate("() => document.activeElement && document.activeElement.id")
        assert focused == target, (f"the error link {link.inner_text()!r} on {page.url} {context} left focus on "
                                   f"{focused!r}, not on #{target}")
    before.evaluate("el => el && el.focus && el.focus()")  # the journey carries on from where it was


def assert_accessible(page, *, context: str = "") -> None:
    """The one check every journey runs on every page: axe-core (every WCAG 2.2 A/AA violation listed),
    the error summary's links, and the same page at 320 CSS px wide, where nothing may scroll
    sideways but a table's own scroll region, and axe runs again."""
    violations = _axe_violations(page)
    assert not violations, f"axe found WCAG violations on {page.url} {context}:\n{json.dumps(violations, indent=2)}"
    assert_error_links_move_focus(page, context=context)
    size = page.viewport_size
    page.set_viewport_size(NARROW)
    page.evaluate(_OPEN_DETAILS)
    try:
        reflow = page.evaluate(_OVERFLOW)
        assert reflow["scrollWidth"] <= reflow["width"], (
            f"{page.url} {context} is {reflow['scrollWidth']} px wide at 320 px, every <details> open; "
            "what sticks out:\n" + "\n".join(reflow["wide"]))
        violations = _axe_violations(page)
        assert not violations, (f"axe found WCAG violations at 320 px on {page.url} {context}:\n"
                                f"{json.dumps(violations, indent=2)}")
    finally:
        page.evaluate(_CLOSE_DETAILS)
        page.set_viewport_size(size)


def sign_in(page, live_server, email, password):
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


@pytest.fixture
def e2e_world(transactional_db):
    from tests.world import build_world

    return build_world()
