"""``psoas serve``: the web app on this machine's loopback, on a free port near 8000.

Personal mode has no accounts, so it listens only on a loopback address; a
bind to anything else is refused (the clinic issue adds accounts first).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import webbrowser
from collections.abc import Callable

import uvicorn

from psoas.errors import FieldProblem, InvalidDocument
from psoas.settings import Settings
from psoas.web.app import create_app

PORT_TRIES = 50


def check_loopback(host: str) -> str:
    """``host`` if it is a loopback address or ``localhost``; otherwise a named refusal."""
    if host == "localhost":
        return host
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        problem = FieldProblem(
            "--host",
            f"personal mode has no accounts, so it serves only this machine (127.0.0.1, ::1 "
            f"or localhost); got {host!r}",
        )
        raise InvalidDocument("psoas serve", [problem])
    return host


def free_port(host: str, near: int) -> int:
    """The first port from ``near`` upwards that can be bound on ``host``.

    The probe binds as uvicorn will, with ``SO_REUSEADDR``: a port that only holds
    connections in TIME_WAIT (a server stopped a moment ago) is free for it, and a
    port another process listens on is not.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for port in range(near, near + PORT_TRIES):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    problem = FieldProblem("--port", f"no free port from {near} to {near + PORT_TRIES - 1}")
    raise InvalidDocument("psoas serve", [problem])


def address(host: str, port: int) -> str:
    """The page's address as a person types it."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    open_browser: bool,
    announce: Callable[[str], None],
) -> None:
    """Run the app until interrupted; prints the address and opens it in a browser."""
    host = check_loopback(host)
    chosen = free_port(host, port)
    url = address(host, chosen)
    config = uvicorn.Config(
        create_app(settings), host=host, port=chosen, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    announce(url)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    server.run()
