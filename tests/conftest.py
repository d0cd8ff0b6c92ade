"""Shared test set-up: no test reaches the internet, and AWS credentials are always fake."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

for _name, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_METRICS_NAMESPACE": "Repmon",
    "POWERTOOLS_SERVICE_NAME": "repmon-tests",
    "POWERTOOLS_TRACE_DISABLED": "true",
}.items():
    os.environ[_name] = _value
os.environ.pop("AWS_PROFILE", None)

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else address
    remote = isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1"))
    if remote and self.family in (socket.AF_INET, socket.AF_INET6):
        raise OSError(f"test tried to reach {host}: tests stay on 127.0.0.1")
    return _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    yield
