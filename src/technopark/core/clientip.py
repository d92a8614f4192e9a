"""The visitor's IP address, the one way every rate limit reads it.

Behind reverse proxies every request comes from the nearest proxy's address, so a rate limit
counted by ``REMOTE_ADDR`` would lock every client out together. ``X-Forwarded-For`` names the
client, but anyone can send that header: only the entries the operator's own proxies appended can
be believed. ``settings.TECHNOPARK_TRUSTED_PROXY_COUNT`` says how many proxies of ours stand in
front of the application (0, the default: none, the header is ignored). With N proxies the client
is the N-th address from the right of ``X-Forwarded-For``; whatever a client put further left is
its own claim and is never read.

allauth's login, sign-up and password-reset rate limits ask for the address through
``accounts.adapter.AccountAdapter.get_client_ip``, which calls ``client_ip`` here.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _clean(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [IPv6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # IPv4:port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def trusted_proxy_count() -> int:
    return int(getattr(settings, "TECHNOPARK_TRUSTED_PROXY_COUNT", 0))


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind N trusted proxies the N-th entry from the
    right of ``X-Forwarded-For``. A header with fewer entries than proxies (a request that did not
    come through all of them) or an unreadable entry falls back to ``REMOTE_ADDR``, the one
    address nobody can forge."""
    remote = _clean(request.META.get("REMOTE_ADDR", ""))
    count = trusted_proxy_count()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    return _clean(hops[-count]) or remote
