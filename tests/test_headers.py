"""Downloads are never stored (every signed-in page: tests/test_safe_downloads.py); the sign-in lockout
counts clients apart behind the proxy."""

import pytest
from django.test import override_settings
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.core.client_ip import client_ip

pytestmark = pytest.mark.django_db


def test_downloads_are_no_store(client_for, world):
    client = client_for(Role.LA_OFFICER)
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("formula:run-download", kwargs={"pk": world.formula_run.pk, "fmt": fmt}))
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        assert response["Content-Disposition"].startswith("attachment;")


def test_public_pages_for_visitors_may_be_stored(client):
    assert client.get(reverse("core:accessibility")).get("Cache-Control") != "no-store"


class _Request:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote, **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})}


@pytest.mark.parametrize(("proxies", "remote", "forwarded", "client"), [
    (0, "203.0.113.5", "198.51.100.1", "203.0.113.5"),  # no trusted proxy: the header is the client's own words
    (1, "10.0.0.2", "198.51.100.1", "198.51.100.1"),
    (1, "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # what the client wrote itself is ignored
    (2, "10.0.0.3", "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
    (1, "10.0.0.2", None, "10.0.0.2"),
    (2, "10.0.0.3", "198.51.100.1", "10.0.0.3"),  # fewer entries than proxies: the connection's address
    (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
])
def test_the_client_address_is_the_one_the_trusted_proxy_saw(proxies, remote, forwarded, client):
    with override_settings(SENDFUND_TRUSTED_PROXIES=proxies):
        assert client_ip(_Request(remote, forwarded)) == client


@override_settings(SENDFUND_TRUSTED_PROXIES=1)
def test_two_clients_behind_the_proxy_are_locked_out_apart(client, world):
    """Five wrong passwords from one client lock that client out of the account, not everyone behind the proxy."""
    from django.test import Client

    proxy = "10.0.0.2"
    attacker = {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    colleague = {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    url, email = reverse("accounts:sign-in"), "cluster_host@test.example"
    for _ in range(5):
        client.post(url, {"username": email, "password": "wrong"}, **attacker)
    locked = client.post(url, {"username": email, "password": world.password}, **attacker)
    assert locked.status_code in (403, 429) and "Your account is locked" in locked.content.decode()
    # The attacker cannot dodge the count by writing another address in front of the proxy's.
    spoofed = client.post(url, {"username": email, "password": world.password},
                          **{**attacker, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.66"})
    assert spoofed.status_code in (403, 429)
    response = Client().post(url, {"username": email, "password": world.password}, **colleague)
    assert response.status_code == 302, "the colleague behind the same proxy signs in"
