"""``psoas serve``: loopback only, a free port near the one asked for, the address printed."""

from __future__ import annotations

import socket

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
