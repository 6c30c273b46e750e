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
