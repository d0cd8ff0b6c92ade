"""Run a function's `app.handler` in this process, the way the Lambda runtime would call it."""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Handler = Callable[[Any, Any], Any]

_handlers: dict[Path, Handler] = {}
# os.environ is process-wide: two concurrent invocations would see each other's variables
_environ_lock = threading.RLock()
#: What Powertools' metrics decorator warns when it flushes nothing, e.g. after a Ctrl-C.
_EMPTY_METRICS = "No application metrics to publish"


@dataclass
class LambdaContext:
    """The attributes of the runtime's context object that handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int = 256
    timeout_seconds: float = 60.0
    region: str = "us-east-1"
    account_id: str = "123456789012"
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/{self.aws_request_id}"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self._started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


@contextmanager
def environment(variables: Mapping[str, str]) -> Iterator[None]:
    """os.environ with `variables` set for the duration, then exactly as it was."""
    with _environ_lock:
        saved = dict(os.environ)
        os.environ.update(variables)
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)


def load_handler(app_path: Path) -> Handler:
    """`handler` from app_path, imported once per path (module-level code is the cold start).

    Call it inside `environment(...)`: Powertools reads POWERTOOLS_* at import time.
    """
    app_path = app_path.resolve()
    cached = _handlers.get(app_path)
    if cached is not None:
        return cached
    if not app_path.is_file():
        raise FileNotFoundError(f"no handler module at {app_path}")
    module_name = f"repmon_local_fn_{app_path.parent.name}_{len(_handlers)}"
    spec = importlib.util.spec_from_file_location(module_name, app_path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {app_path}")
    module = importlib.util.module_from_spec(spec)
    # Lambda puts the function's own folder first on sys.path (/var/task): sibling imports work
    sys.path.insert(0, str(app_path.parent))
    try:
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(app_path.parent))
    handler: Handler = module.handler
    _handlers[app_path] = handler
    return handler


def call_handler(handler: Handler, event: Any, context: Any) -> Any:
    """`handler(event, context)`; a Ctrl-C in it stops the command without Powertools' warning.

    Interrupted, the metrics decorator flushes what the handler had not recorded yet and warns that
    there is nothing to publish: noise at a terminal, not a problem of the run. Every other warning,
    and that one when the handler was not interrupted, is shown as usual (after the call).
    """
    interrupted = False
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            return handler(event, context)
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        for shown in caught:
            if not (interrupted and _EMPTY_METRICS in str(shown.message)):
                warnings.showwarning(
                    shown.message, shown.category, shown.filename, shown.lineno, shown.file, shown.line
                )
