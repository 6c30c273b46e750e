"""A small world for tests that walk the whole site: two clusters, their schools and figures, and a
user for every role (LA roles in the LA; cluster roles in cluster A; a host of cluster B).

Apps add their own records through `build_world(world)` in their tests/access.py, lowest layer first.
"""

import datetime as dt
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings

from sendfund.accounts.roles import CLUSTER_ROLES, Role
from sendfund.accounts.services import membership_grant, user_create
from sendfund.accounts.tests.access import ANONYMOUS, OTHER_CLUSTER_HOST
from sendfund.registry.importers import ensure_census_indicators
from sendfund.registry.models import Phase, School, SchoolFigure
from sendfund.registry.services import cluster_create, membership_set

PASSWORD = "a-long-test-password-2026"
YEAR = 2018


def _school(urn, name, phase, cluster, figures, indicators):
    school = School.objects.create(urn=urn, la_code=926, estab=urn % 10000, name=name, phase=phase,
                                   town="Norwich", postcode="NR1 1AA")
    membership_set(school=school, cluster=cluster, academic_year=YEAR)
    for code, value in figures.items():
        SchoolFigure.objects.create(school=school, indicator=indicators[code], academic_year=YEAR,
                                    census_date=dt.date(2019, 1, 17), value=value)
    return school


def app_modules(name: str):
    for app in settings.INSTALLED_APPS:
        if app.startswith("sendfund."):
            try:
                yield import_module(f"{app}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.{name}":
                    raise


def build_world():
    w = SimpleNamespace(year=YEAR, password=PASSWORD)
    indicators = ensure_census_indicators()
    w.cluster = cluster_create(name="Alpha cluster", host_name="Hana Host", host_email="host@alpha.example")
    w.other_cluster = cluster_create(name="Beta cluster", host_name="Omar Other", host_email="host@beta.example")
    base = {"pupils": 300, "fsm": 45, "fsm_ever6": 70, "eal": 20, "sen_support": 40, "ehc_plans": 8}
    w.school = _school(121001, "Alpha High School", Phase.SECONDARY, w.cluster, base, indicators)
    w.cluster.host_school = w.school
    w.cluster.save()
    _school(121002, "Alpha Primary School", Phase.PRIMARY, w.cluster, {k: v // 2 for k, v in base.items()}, indicators)
    w.other_school = _school(121003, "Beta High School", Phase.SECONDARY, w.other_cluster,
                             {k: v * 2 for k, v in base.items()}, indicators)
    w.users = {}
    for role in Role:
        user = user_create(email=f"{role.value}@test.example", full_name=role.label, password=PASSWORD)
        membership_grant(user=user, role=role, cluster=w.cluster if role in CLUSTER_ROLES else None)
        w.users[role] = user
    other = user_create(email="other-host@test.example", full_name="Other Host", password=PASSWORD)
    membership_grant(user=other, role=Role.CLUSTER_HOST, cluster=w.other_cluster)
    w.users[OTHER_CLUSTER_HOST] = other
    w.users[ANONYMOUS] = None
    for module in app_modules("tests.access"):
        if hasattr(module, "build_world"):
            module.build_world(w)
    return w


class SharedWorld:
    """The world, built once per test process and kept in an open transaction that each test using it runs
    inside as a savepoint: Django's `TestCase.setUpTestData` pattern, for pytest functions.

    A test that uses the world sees it exactly as freshly built: its own changes roll back with its savepoint,
    and `copy()` gives it its own deep copy of the namespace (as `setUpTestData` copies class attributes), so
    changing an object in memory does not leak either. A test that does not use the world must not see it, so
    the transaction is rolled back before such a test starts (`close`); the suite runs world tests first, together,
    so each process builds the world about once. Emails sent while building are handed to each test's outbox,
    as a world built inside the test would have left them.
    """

    def __init__(self) -> None:
        self._atomics: dict = {}
        self._world: SimpleNamespace | None = None
        self._outbox: list = []

    @property
    def is_open(self) -> bool:
        return self._world is not None

    def open(self) -> None:
        """Begin the world's transaction on every database and build the world in it (if not done already)."""
        from django.core import mail
        from django.db import connections, transaction

        if self.is_open:
            return
        for alias in connections:
            if connections[alias].in_atomic_block:
                raise RuntimeError("The shared test world must be built outside any transaction.")
            atomic = transaction.atomic(using=alias)
            atomic._from_testcase = True  # as Django's TestCase marks its class-wide transaction
            atomic.__enter__()
            self._atomics[alias] = atomic
        outbox = getattr(mail, "outbox", None)
        sent_before = len(outbox) if outbox is not None else 0
        try:
            self._world = build_world()
        except BaseException:
            self.close()
            raise
        if outbox is not None:
            self._outbox = outbox[sent_before:]
            del outbox[sent_before:]

    def close(self) -> None:
        """Roll the world back on every database (nothing if it is not open)."""
        from django.db import transaction

        for alias, atomic in reversed(self._atomics.items()):
            transaction.set_rollback(True, using=alias)
            atomic.__exit__(None, None, None)
        self._atomics, self._world, self._outbox = {}, None, []

    def copy(self) -> SimpleNamespace:
        """This test's own copy of the world, with the emails building it sent put back in the outbox."""
        import copy

        from django.core import mail

        if self._world is None:
            raise RuntimeError("The shared test world is not open.")
        if self._outbox and hasattr(mail, "outbox"):
            mail.outbox.extend(copy.deepcopy(self._outbox))
        return copy.deepcopy(self._world)
