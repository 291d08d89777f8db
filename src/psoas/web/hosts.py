"""Which ``Host`` a request may name: the guard against DNS rebinding.

A page on another site can make its own name resolve to 127.0.0.1 and then
read this server as if it were "same origin"; what it cannot change is the
``Host`` header, which still carries its own name. So in personal mode only
loopback names (``localhost``, 127.0.0.0/8, ``[::1]``) with the port this
server accepted the connection on are answered. A clinic's server names its
public hosts in ``PSOAS_PUBLIC_HOSTS`` instead, each ``name`` (any port, as
behind a reverse proxy) or ``name:port``.

Starlette's ``TrustedHostMiddleware`` compares names only (it drops the port,
and splits ``[::1]:8000`` at the wrong colon), so the check is made here.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class HostName:
    """A host as a ``Host`` header names it: a lower-case name and the port, if one is given."""

    name: str
    port: int | None


def parse_host(text: str) -> HostName | None:
    """``name``, ``name:port``, ``[v6]`` or ``[v6]:port`` read strictly; None if it is not one."""
    if not text or any(mark in text for mark in "@/?#\\ \t"):
        return None
    try:
        parts = urlsplit(f"//{text}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return HostName(parts.hostname.lower(), port)


def is_loopback(name: str) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_allowed(
    header: str | None,
    *,
    scheme: str,
    server_port: int | None,
    public_hosts: tuple[HostName, ...],
) -> bool:
    """Whether a request's ``Host`` header names this server.

    ``server_port`` is the port the connection was accepted on (the ASGI
    scope's ``server``), so the app knows it whichever port ``psoas serve`` picked.
    """
    given = parse_host(header or "")
    if given is None:
        return False
    port = given.port if given.port is not None else DEFAULT_PORTS.get(scheme)
    if public_hosts:
        return any(
            allowed.name == given.name and allowed.port in (None, port) for allowed in public_hosts
        )
    return is_loopback(given.name) and server_port in (None, port)
