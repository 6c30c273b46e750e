"""The address of the person at the other end, for the sign-in lockout (django-axes' AXES_CLIENT_IP_CALLABLE).

In production the site sits behind `SENDFUND_TRUSTED_PROXIES` reverse proxies (1 for one TLS proxy). Each
appends the address it received the request from to X-Forwarded-For, so the client's real address is the
entry that many places from the right; anything to its left was written by the client and is not trusted.
With no trusted proxy (development, tests) the address is the connection's own (REMOTE_ADDR). Without this,
every sign-in would come from the proxy's address, and five wrong passwords for an account from anywhere
would lock that account for everyone.
"""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = int(getattr(settings, "SENDFUND_TRUSTED_PROXIES", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return _valid(forwarded[-proxies]) or remote
