"""Walks every URL pattern of the project for every role and a signed-out visitor.

A URL pattern without a rule in some app's tests/access.py fails the test. A signed-in actor who may not open a
URL must get 404 when the record it names is out of their scope (another cluster's, for example: nobody
learns it exists) and 403 when their role may never use the page (`Rule.out_of_scope`).
"""

import ast
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sendfund.accounts.tests.access import ALL_ACTORS, ANONYMOUS
from tests.world import app_modules


def _pattern_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            ns = f"{namespace}{item.namespace}:" if item.namespace else namespace
            yield from _pattern_names(item, ns)
        elif isinstance(item, URLPattern) and item.name:
            yield f"{namespace}{item.name}"
        elif isinstance(item, URLPattern):
            yield f"{namespace}<unnamed {item.pattern}>"


def all_rules():
    return [rule for module in app_modules("tests.access") for rule in getattr(module, "RULES", [])]


def test_every_url_pattern_has_an_access_rule():
    named = {rule.name for rule in all_rules()}
    missing = sorted(n for n in set(_pattern_names()) if n not in named and not n.startswith("admin:"))
    assert not missing, f"URL patterns with no access rule: {missing}"
    assert "admin:index" in named


def _outcome(response, login_path, signed_in):
    if response.status_code in (301, 302, 303):
        target = urlparse(response["Location"]).path
        if target == "/manage/admin/login/":  # the admin sends users who are not staff to its own sign-in
            return "forbidden" if signed_in else "login"
        return "login" if target == login_path else "allowed"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 404:
        return "not found"
    if response.status_code == 405:
        return "method"
    if response.status_code < 400:
        return "allowed"
    return f"error {response.status_code}"


REFUSALS = ("forbidden", "not found", "login", "method")


@pytest.mark.django_db
def test_every_url_answers_every_role_as_its_rule_says(client_for, world):
    login_path = urlparse(resolve_url(settings.LOGIN_URL)).path
    failures = []
    checked = 0
    for rule in all_rules():
        if rule.method == "api":
            continue  # API endpoints answer tokens, not sessions: sendfund/api/tests walks them per role
        kwargs = rule.kwargs(world)
        url = reverse(rule.name, kwargs=kwargs)
        out_of_scope = rule.out_of_scope(url, kwargs)
        for actor in sorted(ALL_ACTORS, key=str):
            client = client_for(actor)
            if rule.method == "post":
                response = client.post(url, rule.data(world))
            else:
                response = client.get(url)
            got = _outcome(response, login_path, actor != ANONYMOUS)
            if actor in rule.allowed:
                ok = got == "allowed" or (rule.method == "post" and got not in REFUSALS)
                want = "allowed"
            elif actor == ANONYMOUS:
                ok, want = got == "login", "login"
            else:
                want = "not found" if actor in out_of_scope else "forbidden"
                ok = got == want
            if not ok:
                failures.append(f"{rule.method.upper()} {url} as {actor}: expected {want}, got {got} ({response.status_code})")
            checked += 1
    assert checked > 100
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_a_cluster_user_gets_nothing_of_another_cluster(client_for, world):
    client = client_for("other_cluster_host")
    response = client.get(reverse("registry:your-cluster-detail", kwargs={"code": world.cluster.code}))
    assert response.status_code == 404
    assert b"Alpha" not in response.content


def _cluster_owned_models() -> set[str]:
    """Cluster itself and every model with a foreign key to it: what the scoping rule guards."""
    from django.apps import apps

    cluster = apps.get_model("registry", "Cluster")
    return {m.__name__ for m in apps.get_models() if m is cluster or any(
        getattr(f, "related_model", None) is cluster and f.many_to_one for f in m._meta.get_fields())}


def _root_name(node):
    """`Cluster` for `Cluster`, `Cluster.objects.select_related(...)` and `Cluster.objects`."""
    while isinstance(node, ast.Call | ast.Attribute):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def test_views_load_a_cluster_record_only_through_the_scoping_helper():
    """A view that loads a cluster-owned record by `get_object_or_404(Model, ...)` or `Model.objects.get(...)`
    skips the scoping rule (ADR 0002): it must use `get_in_scope_or_404` or a selector that does. Records
    loaded through a scoped parent (`get_object_or_404(Document, application=application)`) are not
    cluster-owned models themselves, so they pass."""
    owned = _cluster_owned_models() | {"clusters_of"}
    found = []
    for path in sorted(p for p in Path(settings.BASE_DIR, "sendfund").rglob("*.py")
                       if "views" in p.name or p.parent.name == "views"):  # a views/ package too
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id == "get_object_or_404" and node.args:
                name = _root_name(node.args[0])
            elif isinstance(func, ast.Attribute) and func.attr == "get" and _root_name(func.value) in owned \
                    and isinstance(func.value, ast.Attribute) and func.value.attr == "objects":
                name = _root_name(func.value)
            else:
                continue
            if name in owned:
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno} loads {name}")
    assert not found, "\n".join(found)
