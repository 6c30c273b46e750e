import os

import pytest
from hypothesis import HealthCheck, settings
from pytest_django.fixtures import _django_db_helper as _pytest_django_db_helper
from pytest_django.fixtures import validate_django_db

# Property tests check what is computed, never how fast: on a loaded CI machine one example can take longer
# than Hypothesis's default 200 ms deadline, or its data generation can look "too slow". Neither is a fault.
settings.register_profile("sendfund", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("sendfund")

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server with Playwright's sync API

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _charts_drawn_afresh():
    """Each test starts with no chart in this process's memory (each has its own database too)."""
    from sendfund.core.charts import forget_drawn_charts

    forget_drawn_charts()


@pytest.fixture(autouse=True)
def _fresh_bank_holiday_calendar():
    """Each test reads the bank-holiday calendar afresh, so holidays one test loads never leak into another."""
    from sendfund.core.workdays import forget_calendar

    forget_calendar()
    yield
    forget_calendar()


TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def _shares_world(node) -> bool:
    """Whether a test runs on the shared world: it uses `world` and runs inside a transaction (not a test that
    commits, such as a browser journey against a live server, which builds its own)."""
    names = set(getattr(node, "fixturenames", ()))
    marker = node.get_closest_marker("django_db")
    transaction, reset_sequences, *_ = validate_django_db(marker) if marker else (False, False)
    return "world" in names and not transaction and not reset_sequences and not names & TRANSACTIONAL_FIXTURES


def _in_browser(item) -> bool:
    return "page" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(items):
    """Every test that drives Chromium is marked e2e (`.ci/run` runs them once, on SQLite; docs/adr/0064). Tests
    on the shared world run first and together, so each test process builds it about once; the browser journeys,
    the longest tests, come next, so the short ones left at the end keep both workers busy to the last."""
    for item in items:
        if _in_browser(item):
            item.add_marker(pytest.mark.e2e)
    items.sort(key=lambda item: (not _shares_world(item), not _in_browser(item)))


@pytest.fixture(scope="session")
def _shared_world(django_db_setup, django_db_blocker):
    from tests.world import SharedWorld

    shared = SharedWorld()
    yield shared
    with django_db_blocker.unblock():
        shared.close()  # before the test databases are destroyed


@pytest.fixture(scope="session")
def _world_closed_before_the_browser(_shared_world, django_db_blocker):
    """Playwright's sync API runs what follows its start in a greenlet of its own, with its own context, where
    Django's connections are new ones: a world left open on the old ones could no longer be rolled back. So the
    world is rolled back before Playwright starts (the browser journeys come after every test on the world)."""
    with django_db_blocker.unblock():
        _shared_world.close()


@pytest.fixture(scope="session")
def playwright(_world_closed_before_the_browser, playwright):
    """pytest-playwright's Playwright, started only once the shared world is rolled back."""
    return playwright


@pytest.fixture
def _django_db_helper(request, django_db_setup, django_db_blocker, _shared_world):
    """pytest-django's database set-up for each test, with the shared world's transaction opened beneath the
    test's own (so the test runs in a savepoint over it) or rolled back first when the test must not see it."""
    with django_db_blocker.unblock():
        if _shares_world(request.node):
            _shared_world.open()
        else:
            _shared_world.close()
    yield from _pytest_django_db_helper.__wrapped__(request, django_db_setup, django_db_blocker)


@pytest.fixture
def world(db, _shared_world):
    """Two clusters, their schools, a user for every role and each app's records (see tests/world.py): the
    shared copy for a test in a transaction, built afresh for one that commits."""
    if _shared_world.is_open:
        return _shared_world.copy()
    from tests.world import build_world

    return build_world()


@pytest.fixture
def client_for(client, world):
    """A test client signed in as the user who plays `actor` in the world (None: signed out)."""

    def sign_in(actor):
        client.logout()
        user = world.users[actor]
        if user is not None:
            client.force_login(user, backend="sendfund.accounts.backends.EmailBackend")
            client.get("/healthz")  # the first signed-in request stamps the session (see SessionRefreshMiddleware)
        return client

    return sign_in


def pytest_sessionfinish(session, exitstatus):
    """In CI no test may be skipped: a skip there fails the run."""
    if os.environ.get("CI") and exitstatus == 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
        if skipped:
            reporter.write_line(f"{skipped} test(s) were skipped; CI runs every test.", red=True)
            session.exitstatus = 1
