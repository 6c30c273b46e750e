"""The officer's work queue: filtered, counted and paged in the database, the same number of queries
whatever the number of cases."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sendfund.accounts.roles import Role
from sendfund.casework import selectors, workdays
from sendfund.casework.models import State
from sendfund.casework.selectors import QueueFilters
from sendfund.core.workdays import calendar

from .factories import advance, submitted_application

pytestmark = pytest.mark.django_db


def _references(page) -> list[str]:
    return [row.reference for row in page.rows]


def _page_html(client, **query):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("casework:queue"), query)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_the_queue_pages_oldest_first_and_every_item_appears_once(world):
    officer = world.users[Role.LA_OFFICER]
    for _ in range(4):
        submitted_application(world)
    everything = selectors.case_queue(user=officer)
    count = -(-len(everything) // 2)
    pages = [selectors.case_queue_page(user=officer, page=n, per_page=2) for n in range(1, count + 2)]
    seen = [ref for page in pages[:count] for ref in _references(page)]
    assert seen == [row.reference for row in everything]
    assert [r.submitted_on for r in everything] == sorted(r.submitted_on for r in everything)
    assert pages[0].page.paginator.count == len(everything) and pages[0].page.paginator.num_pages == count
    assert _references(pages[count]) == _references(pages[count - 1])  # past the last page: the last page


def test_each_filter_runs_in_the_database_and_agrees_with_the_rows(world):
    officer = world.users[Role.LA_OFFICER]
    later = timezone.localdate() + dt.timedelta(days=40)
    advance(world, submitted_application(world), State.MEETING_ARRANGED)
    every = selectors.case_queue_page(user=officer, per_page=None, today=later).rows
    checks = {
        QueueFilters(state=State.ACKNOWLEDGED): lambda r: r.state == State.ACKNOWLEDGED,
        QueueFilters(state=State.SUBMITTED): lambda r: r.state == State.SUBMITTED,
        QueueFilters(waiting_for="officer"): lambda r: r.waiting_for == "officer",
        QueueFilters(waiting_for="cluster"): lambda r: r.waiting_for == "cluster",
        QueueFilters(overdue_only=True): lambda r: r.overdue,
        QueueFilters(cluster_id=world.cluster.pk): lambda r: r.cluster_name == world.cluster.name,
        QueueFilters(officer_id=officer.pk): lambda r: r.officer == officer.full_name,
        QueueFilters(stream="capacity"): lambda r: "capacity" in r.streams.lower(),
        QueueFilters(stream="development"): lambda r: "development" in r.streams.lower(),
        QueueFilters(round_id=world.round.pk): lambda r: True,
    }
    # the whole queue, counted apart from the queue's own reads: every case, and every submitted application
    # that has none yet (the officer sees them all)
    from sendfund.applications.models import Application
    from sendfund.casework.models import Case
    assert len(every) == Case.objects.count() + Application.objects.filter(status="submitted",
                                                                            case__isnull=True).count() > 3
    for filters, keep in checks.items():
        page = selectors.case_queue_page(user=officer, filters=filters, per_page=None, today=later)
        expected = [r.reference for r in every if keep(r)]
        assert _references(page) == expected, filters
        # the number of items (worked out from the counts per state) pages through exactly the matching rows
        paged = selectors.case_queue_page(user=officer, filters=filters, per_page=2, today=later)
        assert paged.page.paginator.count == len(expected), filters
        pages = [selectors.case_queue_page(user=officer, filters=filters, page=n, per_page=2, today=later)
                 for n in range(1, paged.page.paginator.num_pages + 1)]
        assert [ref for p in pages for ref in _references(p)] == expected, filters
    # the counts: by state under the other filters, and overdue
    page = selectors.case_queue_page(user=officer, per_page=None, today=later)
    by_state: dict[str, int] = {}
    for row in every:
        by_state[row.state] = by_state.get(row.state, 0) + 1
    assert page.state_counts == by_state
    assert page.overdue_count == sum(r.overdue for r in every) > 0


def test_overdue_in_the_database_matches_the_working_day_rule_on_every_day(world):
    """The database's "overdue" (a cut-off date) and each row's own deadline agree, day by day, across
    weekends and bank holidays."""
    officer = world.users[Role.LA_OFFICER]
    submitted = timezone.localdate(world.application_submitted.submitted_at)
    for offset in range(0, 25):
        today = submitted + dt.timedelta(days=offset)
        rows = selectors.case_queue_page(user=officer, per_page=None, today=today).rows
        overdue = selectors.case_queue_page(user=officer, filters=QueueFilters(overdue_only=True), per_page=None,
                                            today=today).rows
        assert [r.reference for r in overdue] == [r.reference for r in rows if r.overdue], today


def test_latest_start_overdue_by_is_the_exact_cut_off():
    for start in (dt.date(2026, 12, 18), dt.date(2026, 12, 24), dt.date(2027, 3, 26)):
        for days in (5, 10):
            today = start + dt.timedelta(days=20)
            cutoff = workdays.latest_start_overdue_by(today, days)
            assert workdays.add_working_days(cutoff, days) < today
            assert workdays.add_working_days(cutoff + dt.timedelta(days=1), days) >= today


def test_the_queue_page_shows_one_page_with_links_and_keeps_its_filters(world, client_for, monkeypatch):
    client = client_for(Role.LA_OFFICER)
    for _ in range(3):
        submitted_application(world)
    total = len(selectors.case_queue(user=world.users[Role.LA_OFFICER]))
    monkeypatch.setattr(selectors, "QUEUE_PAGE_SIZE", 2)
    html, _ = _page_html(client, stream="", page="2")
    assert f"{total} items, showing 3 to 4" in html
    assert 'aria-current="page">2<' in html
    assert 'href="?stream=&amp;page=3"' in html  # the filters stay in the pagination links
    html, _ = _page_html(client, state=State.ACKNOWLEDGED)
    assert re.search(r"Acknowledged: \d+", html)
    assert "Nothing matches these filters." not in html or "0 items" in html


def test_the_queue_runs_the_same_queries_with_many_more_cases_than_a_page(world, client_for, monkeypatch):
    client = client_for(Role.LA_OFFICER)
    filtered = {"state": State.ACKNOWLEDGED, "overdue": "1", "stream": "capacity", "cluster": str(world.cluster.pk)}
    calendar()  # read once a process (every 10 minutes), not a page's cost: loaded before counting
    _, first_plain = _page_html(client)
    _, first_filtered = _page_html(client, **filtered)
    for _ in range(6):
        submitted_application(world)
        advance(world, submitted_application(world), State.ACKNOWLEDGED)
    monkeypatch.setattr(selectors, "QUEUE_PAGE_SIZE", 3)
    _, later_plain = _page_html(client)
    _, later_filtered = _page_html(client, **filtered)
    _, last_page = _page_html(client, page="99")
    assert later_plain == first_plain <= 15
    assert later_filtered == first_filtered <= 15
    assert last_page <= 15


def test_the_queue_ignores_filter_values_it_does_not_know(world, client_for):
    client = client_for(Role.LA_OFFICER)
    for query in ({"state": "nonsense"}, {"cluster": "1e9"}, {"officer": "¹"}, {"page": "-3"}, {"round": "x" * 200},
                  {"page": "99999999999999999999"}):
        html, _ = _page_html(client, **query)
        assert "<h1" in html
