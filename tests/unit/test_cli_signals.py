"""cli.signals: SIGTERM as SystemExit(143) within the block, and only there."""

from __future__ import annotations

import os
import signal
from types import FrameType

import pytest

from repmon.cli.signals import EXIT_TERMINATED, sigterm_exits


def test_sigterm_within_the_block_unwinds_it_with_exit_143_and_the_default_is_back_after() -> None:
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    unwound = []
    with pytest.raises(SystemExit) as exited, sigterm_exits():
        try:
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL  # else the kill ends pytest
            os.kill(os.getpid(), signal.SIGTERM)  # the handler runs before os.kill returns
            pytest.fail("SIGTERM did not raise")
        finally:
            unwound.append(True)
    assert exited.value.code == EXIT_TERMINATED == 143 and unwound
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_a_handler_someone_else_set_is_left_alone() -> None:
    def theirs(signum: int, frame: FrameType | None) -> None:
        pass

    previous = signal.signal(signal.SIGTERM, theirs)
    try:
        with sigterm_exits():
            assert signal.getsignal(signal.SIGTERM) is theirs
        assert signal.getsignal(signal.SIGTERM) is theirs
    finally:
        signal.signal(signal.SIGTERM, previous)
