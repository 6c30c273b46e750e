"""Every page runs at most 15 queries for every role allowed to see it (house rule 11; the performance
budget). It walks the same rules as the authorisation test, so a page added later is held to it too."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendfund.accounts.access import ALL_ACTORS, ANONYMOUS
from tests.test_authorization import all_rules

BUDGET = 15
# Pages that are not the service's own: Django's admin.
EXEMPT_PREFIXES = ("admin:",)


@pytest.mark.django_db
def test_every_page_runs_at_most_fifteen_queries_for_every_role(client_for, world):
    over, checked = [], 0
    for rule in all_rules():
        if rule.method != "get" or rule.name.startswith(EXEMPT_PREFIXES):
            continue
        url = reverse(rule.name, kwargs=rule.kwargs(world))
        for actor in sorted(rule.allowed - {ANONYMOUS}, key=str):
            client = client_for(actor)
            client.get(url)  # the first view of a page draws its charts and issues its letters: measure the next
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            if response.status_code != 200:
                continue
            checked += 1
            if len(ctx.captured_queries) > BUDGET:
                over.append(f"{url} as {actor}: {len(ctx.captured_queries)} queries")
    assert checked > 50 and set(ALL_ACTORS)
    assert not over, "\n".join(sorted(over))
