"""The local stack's moto child never outlives the command that started it.

Before the fix, `kill <pid>` of a `repmon backtest --stack` (SIGTERM: exit 143) left its moto
server running under PID 1, busy, until someone found it; Ctrl-C was handled. Real processes here:
a command is started, signalled, and the moto child's pid checked in /proc.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads children from Linux /proc"),
]

#: Starts a MotoServer in a child process, says its pid, then waits to be signalled.
_STARTS_A_SERVER = textwrap.dedent(
    """
    import sys, time
    from repmon.localstack.server import MotoServer
    server = MotoServer(isolated=True)
    server.start()
    print(server._process.pid, flush=True)
    time.sleep(120)
    """
)
START = datetime(2026, 10, 1, tzinfo=UTC)


def _alive(pid: int) -> bool:
    """Running: a zombie (dead, waiting for a reaper that may be a container's PID 1) counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _kill_if_alive(pid: int) -> None:
    """Do not leave a busy moto server behind when the test fails."""
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_the_moto_child_dies_with_the_process_that_started_it(sig: signal.Signals) -> None:
    # SIGKILL runs no handler at all: only the child itself can notice that its parent is gone.
    parent = subprocess.Popen([sys.executable, "-c", _STARTS_A_SERVER], stdout=subprocess.PIPE)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        assert _alive(child)
        parent.send_signal(sig)
        parent.wait(timeout=10)
        assert _gone_within(child, 5), f"moto child {child} outlived its parent ({sig.name})"
    finally:
        _kill_if_alive(child)
        parent.kill()
        parent.wait()


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    """Three days of mentions: a replay on the stack that is still running when it is stopped."""
    lines = [
        json.dumps(
            {
                "source": "reddit",
                "id": f"t3_{n}",
                "brand": "acme",
                "created_at": (START + timedelta(minutes=20 * n)).isoformat().replace("+00:00", "Z"),
                "text": "Acme flight was lovely",
            }
        )
        for n in range(3 * 72)
    ]
    mentions = tmp_path / "mentions.jsonl"
    mentions.write_text("\n".join(lines) + "\n")
    brands = tmp_path / "brands.yaml"
    brands.write_text("brands:\n  - id: acme\n    name: Acme\n    query: acme\n")
    return brands, mentions


def test_a_backtest_on_the_stack_stopped_with_sigterm_stops_its_moto_child_and_cleans_up(
    tmp_path: Path,
) -> None:
    brands, mentions = _inputs(tmp_path)
    temp = tmp_path / "tmp"
    temp.mkdir()
    command = [sys.executable, "-m", "repmon.cli.main", "backtest", "--stack", "--brands", str(brands)]
    backtest = subprocess.Popen(
        [*command, "--mentions", str(mentions), "--step-minutes", "5"],
        env=os.environ | {"TMPDIR": str(temp)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    children: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not children and time.monotonic() < deadline and backtest.poll() is None:
            children = _children(backtest.pid)
            time.sleep(0.1)
        assert children, "the backtest never started its moto server"
        time.sleep(1)  # well into the deploy or the replay
        backtest.send_signal(signal.SIGTERM)
        _, err = backtest.communicate(timeout=20)
        assert backtest.returncode == 128 + signal.SIGTERM, err.decode()
        assert all(_gone_within(child, 5) for child in children), f"{children} outlived the backtest"
        assert b"Traceback" not in err
        # A normal shutdown, not a death: the replay's spill folder was removed on the way out
        assert list(temp.iterdir()) == []
    finally:
        for child in children:
            _kill_if_alive(child)
        backtest.kill()
        backtest.wait()
