"""Powertools Logger and Metrics, configured by the POWERTOOLS_* variables the template sets.

No Powertools Tracer: it needs the X-Ray SDK, whose import was a third to a half of each handler's
cold import (README, Benchmarks). The template's `Tracing: Active` still has Lambda record every
invocation's segment (init, invocation, overhead), and the Logger stamps each line with its
`xray_trace_id`, so a slow trace leads straight to its logs.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()
