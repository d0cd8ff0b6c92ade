"""Stopping the local moto server: a child that will not stop is killed after a grace period."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from repmon.localstack.server import MotoServer, stop_child

# Ignores SIGTERM, as moto.server does in effect: its handler raises SystemExit, which then waits
# for request threads that boto's kept-alive connections hold open.
_STUBBORN = (
    "import signal, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "print('ready', flush=True)\n"
    "time.sleep(120)\n"
)


def _stubborn_child() -> subprocess.Popen[bytes]:
    child = subprocess.Popen([sys.executable, "-c", _STUBBORN], stdout=subprocess.PIPE)
    assert child.stdout is not None and child.stdout.readline() == b"ready\n"  # the handler is set
    return child


def test_a_child_that_ignores_sigterm_is_killed_after_the_grace_period():
    child = _stubborn_child()
    started = time.monotonic()
    stop_child(child, grace_seconds=0.5)
    assert child.returncode == -signal.SIGKILL
    assert 0.5 <= time.monotonic() - started < 5


def test_a_child_that_stops_on_sigterm_is_not_killed():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    stop_child(child, grace_seconds=5)
    assert child.returncode == -signal.SIGTERM


def test_stopping_twice_or_a_child_already_gone_is_harmless():
    child = _stubborn_child()
    stop_child(child, grace_seconds=0.2)
    stop_child(child, grace_seconds=0.2)
    assert child.returncode == -signal.SIGKILL


def test_the_server_stop_kills_a_stuck_child_and_can_be_called_again():
    server = MotoServer(isolated=True, grace_seconds=0.2)
    child = server._process = _stubborn_child()  # what _start_process would hold
    server.stop()
    server.stop()
    assert child.returncode == -signal.SIGKILL
