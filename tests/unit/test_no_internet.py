"""The guard in tests/conftest.py: no test, fixture or library can reach or resolve an outside host."""

from __future__ import annotations

import socket

import pytest

REFUSED = r"tests stay on 127\.0\.0\.1"


def test_outside_names_do_not_resolve():
    with pytest.raises(OSError, match=REFUSED):
        socket.getaddrinfo("example.com", 443)


def test_outside_addresses_do_not_connect():
    with pytest.raises(OSError, match=REFUSED), socket.socket() as sock:
        sock.connect(("93.184.216.34", 443))


def test_loopback_still_works():
    assert socket.getaddrinfo("localhost", 80)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.socket() as client:
            client.connect(server.getsockname())
