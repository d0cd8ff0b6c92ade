"""Run one handler as the Lambda Python runtime would, in a process that sees only what Lambda gives.

    python -I -S lambda_bootstrap.py REQUEST_FILE RESULT_FILE PATH...

`-I -S` leave the standard library alone on sys.path; PATH... (the function's folder, the built
layer's python/, the runtime's boto3) go in front, in Lambda's order. The request file holds
{"event", "context"}; the result file gets {"result"} or Lambda's {"errorType", "errorMessage",
"stackTrace"}, plus the top-level packages the process loaded. What the handler prints (logs, EMF
metrics) goes to stdout as in Lambda.

Standard library only: it must run before anything but the standard library is importable.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
from typing import Any


class Context:
    """The attributes of the runtime's context object that handlers and Powertools read."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self.function_name: str = fields["function_name"]
        self.memory_limit_in_mb: int = fields["memory_limit_in_mb"]
        self.aws_request_id: str = fields["aws_request_id"]
        self.invoked_function_arn: str = fields["invoked_function_arn"]
        self.function_version = "$LATEST"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = f"local/{self.aws_request_id}"
        self._deadline = time.monotonic() + fields["timeout_seconds"]

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main(argv: list[str]) -> int:
    request_file, result_file, *paths = argv
    sys.path[:0] = paths
    with open(request_file, encoding="utf-8") as f:
        request = json.load(f)
    context = Context(request["context"])
    outcome: dict[str, Any]
    try:
        handler = importlib.import_module("app").handler
        outcome = {"result": handler(request["event"], context)}
        status = 0
    except Exception as exc:
        outcome = {
            "errorType": type(exc).__name__,
            "errorMessage": str(exc),
            "stackTrace": traceback.format_exception(exc),
        }
        status = 1
    outcome["modules"] = sorted({name.split(".")[0] for name in sys.modules})
    sys.stdout.flush()
    with open(result_file, "w", encoding="utf-8") as f:
        json.dump(outcome, f, default=str)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
