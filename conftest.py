import os

import pytest
from hypothesis import HealthCheck, settings

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


@pytest.fixture
def world(db):
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
