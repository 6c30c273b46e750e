"""Every data-entry form the authorisation walker knows, sent empty in Chromium: each link of the error
summary it answers with moves focus to its field (WCAG 3.3.1, 2.4.3). tests/test_error_summaries.py
checks the same forms' links without a browser; this proves the focus."""

from urllib.parse import urljoin

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.test_authorization import all_rules
from tests.test_error_summaries import read_forms

from .conftest import assert_accessible

pytestmark = pytest.mark.e2e

# Empties every field a person fills in (hidden fields such as the section's version stay), then sends
# the form as its first button would.
_SEND_EMPTY = """action => {
  const form = [...document.querySelectorAll('main form[method=post], main form[method=POST]')]
    .find(f => (f.getAttribute('action') || '') === action)
  form.querySelectorAll('input, textarea, select').forEach(el => {
    if (el.type === 'checkbox' || el.type === 'radio') el.checked = false
    else if (el.type !== 'hidden' && el.type !== 'submit') el.value = ''
  })
  form.requestSubmit()
}"""


def _forms_to_send(world):
    """(url, actor, form action) for every page with a data-entry form, as the first actor allowed there."""
    client, found, seen = Client(), [], set()
    for rule in all_rules():
        if rule.method != "get" or rule.name.startswith("admin:") or not rule.allowed:
            continue
        url = reverse(rule.name, kwargs=rule.kwargs(world))
        actor = sorted(rule.allowed, key=str)[0]
        client.logout()
        if world.users[actor] is not None:
            client.force_login(world.users[actor], backend="sendfund.accounts.backends.EmailBackend")
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        for action, names in read_forms(response.content.decode()).forms:
            key = (urljoin(url, action) if action else url, actor)
            if names and key not in seen:
                seen.add(key)
                found.append((url, actor, action))
    return found


def _browse_as(page, live_server, world, actor):
    page.context.clear_cookies()
    user = world.users[actor]
    if user is not None:
        client = Client()
        client.force_login(user, backend="sendfund.accounts.backends.EmailBackend")
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                                   "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])


def test_every_form_sent_empty_has_error_links_that_move_focus(page, live_server, e2e_world):
    forms = _forms_to_send(e2e_world)
    assert len(forms) > 10
    summaries = 0
    current = object()
    for url, actor, action in forms:
        if actor != current:
            _browse_as(page, live_server, e2e_world, actor)
            current = actor
        page.goto(f"{live_server.url}{url}")
        with page.expect_navigation():
            page.evaluate(_SEND_EMPTY, action)
        page.wait_for_load_state()
        if page.locator(".govuk-error-summary__list a[href^='#']").count():
            summaries += 1
            assert_accessible(page, context=f"(form {action or url} sent empty as {actor})")
    assert summaries > 10
