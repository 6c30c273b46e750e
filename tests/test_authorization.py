"""Walks every URL pattern of the project for every role and a signed-out visitor.

A URL pattern without a rule in some app's access.py fails the test.
"""

from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sendfund.accounts.access import ALL_ACTORS, ANONYMOUS
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
    return [rule for module in app_modules("access") for rule in getattr(module, "RULES", [])]


def test_every_url_pattern_has_an_access_rule():
    named = {rule.name for rule in all_rules()}
    missing = sorted(n for n in set(_pattern_names()) if n not in named and not n.startswith("admin:"))
    assert not missing, f"URL patterns with no access rule: {missing}"
    assert "admin:index" in named


def _outcome(response, login_path, signed_in):
    if response.status_code in (301, 302, 303):
        target = urlparse(response["Location"]).path
        if target == "/manage/admin/login/":  # the admin sends users who are not staff to its own sign-in
            return "denied" if signed_in else "login"
        return "login" if target == login_path else "allowed"
    if response.status_code in (403, 404):
        return "denied"
    if response.status_code == 405:
        return "method"
    if response.status_code < 400:
        return "allowed"
    return f"error {response.status_code}"


@pytest.mark.django_db
def test_every_url_answers_every_role_as_its_rule_says(client_for, world):
    login_path = urlparse(resolve_url(settings.LOGIN_URL)).path
    failures = []
    checked = 0
    for rule in all_rules():
        if rule.method == "api":
            continue  # API endpoints answer tokens, not sessions: sendfund/api/tests walks them per role
        url = reverse(rule.name, kwargs=rule.kwargs(world))
        for actor in sorted(ALL_ACTORS, key=str):
            client = client_for(actor)
            if rule.method == "post":
                response = client.post(url, rule.data(world))
            else:
                response = client.get(url)
            got = _outcome(response, login_path, actor != ANONYMOUS)
            if actor in rule.allowed:
                ok = got == "allowed" or (rule.method == "post" and got not in ("denied", "login", "method"))
                want = "allowed"
            elif actor == ANONYMOUS:
                ok, want = got == "login", "login"
            else:
                ok, want = got == "denied", "denied"
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
