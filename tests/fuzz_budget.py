"""How many inputs each fuzz test draws.

`make fuzz` draws 10,000 per parser (the bar the fault audit set); `make test` draws 200, the same
derandomized sequence's first examples, so fifteen parsers' fuzz tests stay a small part of the suite
on two cores. REPMON_FUZZ_EXAMPLES sets it for any run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

FUZZ_EXAMPLES = int(os.environ.get("REPMON_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
