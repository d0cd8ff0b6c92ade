"""A moto server on 127.0.0.1: in a thread (fast, shares this process) or in a child process.

The child process is for test sessions that also use `mock_aws`: starting or stopping `mock_aws`
resets every moto backend in the process, which would wipe a threaded server's stack.
"""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import time
import urllib.request
import warnings

from moto.server import ThreadedMotoServer

from repmon.localstack.moto_speed import install as install_moto_speed

_READY_TIMEOUT_SECONDS = 30.0
#: The child's entry point: moto.server's own, plus a thread that ends the child once its stdin, a
#: pipe from the parent, reaches end of file. The kernel closes that pipe when the parent exits in
#: any way (SIGKILL, a crash, SIGTERM without a handler), so the server never outlives it. Chosen
#: over Linux's PR_SET_PDEATHSIG (Linux only, fires when the starting *thread* exits, needs a
#: preexec_fn, unsafe in a process with threads) and over polling the parent pid (a delay, and
#: getppid never changes on Windows): a pipe works on every OS, at once, with no timer.
#: os._exit, not SIGTERM: moto's SIGTERM handler can wait on kept-alive request threads.
_CHILD = (
    "import os, sys, threading\n"
    "def _orphaned():\n"
    "    sys.stdin.buffer.read()\n"
    "    os._exit(0)\n"
    "threading.Thread(target=_orphaned, daemon=True).start()\n"
    "from repmon.localstack.moto_speed import install\n"
    "install()\n"
    "from moto.server import main\n"
    "main(sys.argv[1:])\n"
)
#: How long a stopping child gets before it is killed. moto.server answers SIGTERM with SystemExit,
#: which can then wait on request threads that clients' kept-alive connections hold open.
STOP_GRACE_SECONDS = 5.0


class MotoServer:
    """Start with `start()` (returns the endpoint URL), stop with `stop()`."""

    def __init__(self, isolated: bool = False, grace_seconds: float = STOP_GRACE_SECONDS) -> None:
        self.isolated = isolated
        self.grace_seconds = grace_seconds
        self._thread_server: ThreadedMotoServer | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        endpoint = self._start_process() if self.isolated else self._start_thread()
        _configure(endpoint)
        return endpoint

    def stop(self) -> None:
        """Idempotent: each server is let go of before it is stopped, so a second call has nothing to do."""
        thread_server, self._thread_server = self._thread_server, None
        process, self._process = self._process, None
        if thread_server is not None:
            thread_server.stop()
        if process is not None:
            stop_child(process, self.grace_seconds)

    def _start_thread(self) -> str:
        # werkzeug logs every request at INFO; a deploy is a few hundred of them
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        # moto warns for each resource type it only records (schedules, event-invoke configs);
        # the template tests check those on the transformed template instead
        warnings.filterwarnings("ignore", message="Tried to parse AWS::", category=UserWarning)
        install_moto_speed()  # transactions at the cost of what they touch (moto_speed)
        self._thread_server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._thread_server.start()
        host, port = self._thread_server.get_host_and_port()
        return f"http://{host}:{port}"

    def _start_process(self) -> str:
        port = _free_port()
        self._process = subprocess.Popen(
            [sys.executable, "-c", _CHILD, "-H", "127.0.0.1", "-p", str(port)],
            stdin=subprocess.PIPE,  # never written: its end of file is the parent's exit (_CHILD)
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        endpoint = f"http://127.0.0.1:{port}"
        _wait_until_ready(endpoint, self._process)
        return endpoint


def stop_child(process: subprocess.Popen[bytes], grace_seconds: float) -> None:
    """SIGTERM, then SIGKILL if the child is still there after `grace_seconds`; a no-op once it is gone.

    The server holds nothing worth a clean shutdown (a backtest's state dies with it), and a run that
    did its work must not fail while waiting for it.
    """
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdin is not None:
        process.stdin.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_ready(endpoint: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + _READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with {process.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    stop_child(process, STOP_GRACE_SECONDS)
    raise RuntimeError(f"moto server at {endpoint} not ready after {_READY_TIMEOUT_SECONDS}s")


def _configure(endpoint: str) -> None:
    """Never let moto reach for docker: functions are stored, and run in-process by LocalStack."""
    body = json.dumps({"lambda": {"use_docker": False}}).encode()
    request = urllib.request.Request(f"{endpoint}/moto-api/config", data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=5):
        pass
