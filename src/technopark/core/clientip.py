"""The visitor's IP address, the one way every rate limit reads it.

Behind reverse proxies every request comes from the nearest proxy's address, so a rate limit
counted by ``REMOTE_ADDR`` would lock every client out together. ``X-Forwarded-For`` names the
client, but anyone can send that header: only the entries the operator's own proxies appended can
be believed. ``settings.TECHNOPARK_TRUSTED_PROXY_COUNT`` says how many proxies of ours stand in
front of the application (0, the default: none, the header is ignored). With N proxies the client
is the N-th address from the right of ``X-Forwarded-For``; whatever a client put further left is
its own claim and is never read. The header is read only on a request that comes from one of those
proxies: ``REMOTE_ADDR`` must be in ``settings.TECHNOPARK_FORWARDED_ALLOW_IPS`` (addresses or
networks; ``127.0.0.1``, the proxy on this machine, by default; ``*`` only when set so), the
list gunicorn is given too. A client that reaches the application directly is counted by its own
address whatever header it sends.

allauth's login, sign-up and password-reset rate limits ask for the address through
``accounts.adapter.AccountAdapter.get_client_ip``, which calls ``client_ip`` here.
"""

from __future__ import annotations

import functools
import ipaddress
from ipaddress import IPv4Network, IPv6Network

from django.conf import settings
from django.http import HttpRequest

IPNetwork = IPv4Network | IPv6Network


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


@functools.lru_cache(maxsize=8)
def _networks(allowed: tuple[str, ...]) -> tuple[IPNetwork, ...] | None:
    """The proxies' networks; None for "*" (any address)."""
    if "*" in allowed:
        return None
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in allowed)


def from_trusted_proxy(remote: str | None) -> bool:
    """Whether ``remote`` (a clean ``REMOTE_ADDR``) is one of the configured proxies."""
    if remote is None:
        return False
    allowed = getattr(settings, "TECHNOPARK_FORWARDED_ALLOW_IPS", ["127.0.0.1"])
    if isinstance(allowed, str):
        allowed = allowed.split(",")
    networks = _networks(tuple(item.strip() for item in allowed if item.strip()))
    if networks is None:
        return True
    address = ipaddress.ip_address(remote)
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind N trusted proxies the N-th entry from the
    right of ``X-Forwarded-For``, read only when ``REMOTE_ADDR`` is one of those proxies. A header
    with fewer entries than proxies (a request that did not come through all of them) or an
    unreadable entry falls back to ``REMOTE_ADDR``, the one address nobody can forge."""
    remote = _clean(request.META.get("REMOTE_ADDR", ""))
    count = trusted_proxy_count()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded or not from_trusted_proxy(remote):
        return remote
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    return _clean(hops[-count]) or remote
