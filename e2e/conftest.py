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


def assert_accessible(page, *, context: str = "") -> None:
    """Run axe-core on the page as it is now; fail with every WCAG 2.2 A/AA violation listed."""
    page.evaluate(AXE_JS)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    violations = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert not violations, f"axe found WCAG violations on {page.url} {context}:\n{json.dumps(violations, indent=2)}"


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
