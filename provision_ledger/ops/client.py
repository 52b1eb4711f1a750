"""The address of the person's own machine, as throttling, the read log and audit events record it.

Behind a reverse proxy every request comes from the proxy; the proxy says whom it came from in X-Forwarded-For,
appending the address it saw to whatever the client sent. That header is believed only when the request came from
an address in TRUSTED_PROXY_ADDRESSES, and only as far back as TRUSTED_PROXY_COUNT proxies: anything further left
was written by the client and could say anything.
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

_current: ContextVar[str | None] = ContextVar("client_address", default=None)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in settings.TRUSTED_PROXY_ADDRESSES)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0 or not _trusted(remote):
        return remote
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    hops = [*forwarded, remote]
    # The last `count` hops are our own proxies; the one before them is the client as the outermost proxy saw it.
    candidate = hops[-(count + 1)] if len(hops) > count else hops[0]
    return candidate if _valid(candidate) else remote


def current_address() -> str | None:
    """The client address of the request being served, or None outside a request (a command, the importer)."""
    return _current.get()


def set_current_address(address: str | None) -> object:
    return _current.set(address or None)


def reset_current_address(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
