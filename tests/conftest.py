"""Shared test set-up: no test reaches the internet, and AWS credentials are always fake."""

from __future__ import annotations

import os
import socket

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
_real_getaddrinfo = socket.getaddrinfo
_LOCAL_NAMES = ("localhost", "::1", "0.0.0.0")


def _local(host: object) -> bool:
    return not isinstance(host, str) or host.startswith("127.") or host in _LOCAL_NAMES


def _loopback_only(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else address
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(host):
        raise OSError(f"test tried to reach {host}: tests stay on 127.0.0.1")
    return _real_connect(self, address)  # type: ignore[arg-type]


def _local_names_only(host: object, *args: object, **kwargs: object) -> object:
    if not _local(host):
        raise OSError(f"test tried to resolve {host}: tests stay on 127.0.0.1")
    return _real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]


# Installed when pytest loads this file, so session fixtures are guarded too, not just tests.
socket.socket.connect = _loopback_only  # type: ignore[method-assign, assignment]
socket.getaddrinfo = _local_names_only  # type: ignore[assignment]

# Property tests: the same examples on every run and no per-example time limit, so a loaded CI
# machine cannot turn a slow example into a red build. `make fuzz` explores further (tests/fuzz_budget.py).
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("repmon", deadline=None, derandomize=True, print_blob=True)
_hypothesis_settings.load_profile("repmon")

# moto's transactions at the cost of what they touch, as the local stack's moto server runs them
# (repmon.localstack.moto_speed): the in-process fault suites store thousands of items.
from repmon.localstack.moto_speed import install as _install_moto_speed  # noqa: E402

_install_moto_speed()


#: The longest test files (the whole demo, some three minutes), started first.
_LONGEST = ("tests/integration/test_demo.py",)


def pytest_collection_modifyitems(items: list) -> None:  # type: ignore[type-arg]
    """The longest tests first, then the other slow suites, each in its own order (a stable sort):
    the demo starts at once on one worker while the other takes the rest. Started late, it was a
    tail of minutes with one worker idle. `make test` lets an idle worker steal (worksteal)."""
    items.sort(
        key=lambda item: (
            not item.nodeid.startswith(_LONGEST),
            item.get_closest_marker("slow") is None,
        )
    )
