"""Powertools Logger and Metrics, configured by the POWERTOOLS_* variables the template sets.

No Powertools Tracer: it needs the X-Ray SDK, whose import was a third to a half of each handler's
cold import (README, Benchmarks). The template's `Tracing: Active` still has Lambda record every
invocation's segment (init, invocation, overhead), and the Logger stamps each line with its
`xray_trace_id`, so a slow trace leads straight to its logs.

Secrets stay out of the logs at any level: at DEBUG botocore writes every response body (a
GetSecretValue body is the Reddit client secret or the pseudonym key), the request it signs (with
the session token) and the parsed response. Powertools' POWERTOOLS_LOG_LEVEL only sets our own
logger, but Lambda's ApplicationLogLevel=DEBUG sets the root logger and `boto3.set_stream_logger`
sets botocore's: either would let those records through. So every logger of the AWS SDK and its
HTTP stack drops its records below INFO at the source, whatever the levels and handlers configured
later (a filter on a logger, unlike a level, is not undone by set_stream_logger, and it is checked
before any handler sees the record). Warnings and errors (retries, credential notices) still pass.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Iterator

from aws_lambda_powertools import Logger, Metrics

#: Packages whose DEBUG records can carry request or response payloads and headers.
SDK_PACKAGES = ("botocore", "boto3", "s3transfer", "urllib3")
_SKIPPED_DIRS = {"data", "__pycache__"}  # botocore/data holds thousands of JSON models, no code


class _DropBelowInfo(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.INFO


_DROP_BELOW_INFO = _DropBelowInfo()


def _module_names(package: str) -> Iterator[str]:
    """Every module of `package`, from its files: nothing is imported (cold starts stay as they are),
    and a module added by a newer botocore is covered without a list to maintain."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return
    yield package
    for location in spec.submodule_search_locations:
        for folder, dirs, files in os.walk(location):
            dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS]
            parts = os.path.relpath(folder, location).split(os.sep)
            prefix = ".".join([package, *(p for p in parts if p != ".")])
            yield from (
                prefix if f == "__init__.py" else f"{prefix}.{f[:-3]}" for f in files if f.endswith(".py")
            )


def silence_sdk_wire_logs() -> None:
    """Install the below-INFO filter on every SDK module's logger (idempotent). Loggers are created
    by name here if their module is not imported yet: logging.getLogger later returns the same one."""
    for package in SDK_PACKAGES:
        for name in _module_names(package):
            sdk_logger = logging.getLogger(name)
            if _DROP_BELOW_INFO not in sdk_logger.filters:
                sdk_logger.addFilter(_DROP_BELOW_INFO)


silence_sdk_wire_logs()
logger = Logger()
metrics = Metrics()
