"""``psoas serve``: loopback only, a free port near the one asked for, the address printed."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from psoas.errors import InvalidDocument
from psoas.web.serve import address, check_loopback, free_port


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_loopback_addresses_are_served(host: str) -> None:
    assert check_loopback(host) == host


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_anything_else_is_refused_in_personal_mode(cli, host: str) -> None:
    with pytest.raises(InvalidDocument, match="--host: personal mode has no accounts"):
        check_loopback(host)
    result = cli("serve", "--host", host, "--no-browser")
    assert result.exit_code == 2
    assert "--host: personal mode has no accounts" in result.stderr


def test_a_taken_port_is_skipped_for_the_next_free_one() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        chosen = free_port("127.0.0.1", port)
    assert chosen > port


def test_the_address_is_printed_as_a_person_types_it() -> None:
    assert address("127.0.0.1", 8001) == "http://127.0.0.1:8001/"
    assert address("::1", 8001) == "http://[::1]:8001/"


def _port_in_time_wait() -> int:
    """A port whose server closed a connection first, so the kernel holds it in TIME_WAIT."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port: int = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = listener.accept()
            accepted.close()  # the server side closes first: its end goes to TIME_WAIT
            assert client.recv(1) == b""  # the client saw the close
    return port


def test_a_port_in_time_wait_is_free_as_uvicorn_will_bind_it() -> None:
    port = _port_in_time_wait()
    with socket.socket() as plain, pytest.raises(OSError):
        plain.bind(("127.0.0.1", port))  # what the probe did without SO_REUSEADDR
    assert free_port("127.0.0.1", port) == port


@pytest.mark.slow
def test_serve_says_so_when_the_port_asked_for_is_busy() -> None:
    command = [sys.executable, "-m", "psoas", "serve", "--no-browser", "--port"]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with subprocess.Popen([*command, str(port)], stdout=subprocess.PIPE, text=True) as server:
            try:
                assert server.stdout is not None
                moved, running = server.stdout.readline(), server.stdout.readline()
            finally:
                server.terminate()  # the server this test started, by its own handle
    said = f"Port {port} is in use by another program, so psoas took "
    assert moved.startswith(said)
    chosen = int(moved.removeprefix(said).removesuffix(".\n"))
    assert chosen > port
    assert running.startswith(f"psoas is running at http://127.0.0.1:{chosen}/")
