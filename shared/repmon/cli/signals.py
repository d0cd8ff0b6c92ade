"""SIGTERM (`kill PID`, a CI job's timeout, systemd) as a normal exit, for commands that own processes.

By default SIGTERM ends Python at once: no `finally`, no `with` exits, so a local stack's moto child
and the temporary folders stay behind. Raising SystemExit instead unwinds the stack like Ctrl-C
does. The exit code stays the one a shell reports for SIGTERM, 143 (128 + 15).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

EXIT_TERMINATED = 128 + signal.SIGTERM


@contextmanager
def sigterm_exits() -> Iterator[None]:
    """Within the block, SIGTERM raises SystemExit(143); the previous handler is back after it.

    A no-op off the main thread (only it can set handlers) or when a handler is already set: whoever
    set it decides. A second SIGTERM during the unwinding ends the process at once, as before.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous is not signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _exit(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise SystemExit(EXIT_TERMINATED)
