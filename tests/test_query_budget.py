"""Every page runs at most 15 queries for every role allowed to see it (house rule 11; the performance
budget). It walks the same rules as the authorisation test, so a page added later is held to it too."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendfund.accounts.tests.access import ALL_ACTORS, ANONYMOUS
from tests.test_authorization import all_rules

BUDGET = 15
# Pages that are not the service's own: Django's admin.
EXEMPT_PREFIXES = ("admin:",)
# Pages still over the budget, with the most queries they may run until they are brought under it.
# Pinned so they cannot grow; remove a line when its page is fixed (the test then holds it to 15).
# Every page is within the budget now: the last, the Forum report's live figures (docs/adr/0041), went from 32 to
# 11 queries (sendfund/reports/tests/test_forum_queries.py holds it there however much there is to report).
OVER_BUDGET: dict[str, int] = {}


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
            if len(ctx.captured_queries) > OVER_BUDGET.get(rule.name, BUDGET):
                over.append(f"{url} as {actor}: {len(ctx.captured_queries)} queries")
    assert checked > 50 and set(ALL_ACTORS)
    assert not over, "\n".join(sorted(over))


def test_the_pages_over_budget_are_real_rules():
    names = {rule.name for rule in all_rules()}
    assert set(OVER_BUDGET) <= names


@pytest.mark.django_db
def test_the_la_dashboard_runs_at_most_fifteen_queries(client_for, world):
    """The LA's home with every part of its dashboard (cases, pot, returns, Health Checks) for the roles that see
    the most of it; its charts are drawn on the first view, so the second is measured."""
    from sendfund.accounts.roles import Role

    for role in (Role.LA_OFFICER, Role.ADMINISTRATOR, Role.FINANCE):
        client = client_for(role)
        client.get(reverse("manage-home"))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("manage-home"))
        assert 'id="dashboard"' in response.content.decode()
        assert len(ctx.captured_queries) <= BUDGET, f"{role}: {len(ctx.captured_queries)} queries"
