"""The local stack as a pytest fixture. Import it where needed:

    from tests.integration.stack_fixtures import local_stack  # noqa: F401  (F811 on each use)
or, with no noqa needed:
    from tests.integration import stack_fixtures
    local_stack = stack_fixtures.local_stack

One stack per test session (per xdist worker): deploying takes a few seconds. Tests share it, so
they should use their own brand ids / keys rather than expect an empty table.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from repmon.localstack.stack import LocalStack


@pytest.fixture(scope="session")
def local_stack() -> Iterator[LocalStack]:
    # isolated: the moto server runs in a child process, because `mock_aws` (used by other
    # integration tests in the same session) resets every moto backend in this process on start
    # and stop, which would wipe a stack held by a threaded server.
    with LocalStack(isolated=True) as stack:
        yield stack
