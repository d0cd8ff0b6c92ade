"""The backtest learns each brand's baseline once an hour (domain.baseline_cache) and announces what
it would announce learning it at every 5-minute step: the rhythmic month of issue 12, with its
outages at a quiet and a busy hour (tests/integration/rhythm.py), replayed both ways."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import pytest

from repmon.cli import replay
from repmon.cli.main import main
from repmon.domain.baseline_cache import BaselineCache
from repmon.domain.models import HourlyAggregate
from tests.integration.rhythm import OUTAGES, write

pytestmark = pytest.mark.slow

T = TypeVar("T")


class _Uncached(BaselineCache[T]):
    """Learns the baseline at every evaluation, as the deployed evaluator does."""

    def get(
        self, buckets: Sequence[HourlyAggregate], since: datetime, until: datetime, compute: Callable[[], T]
    ) -> T:
        self.misses += 1
        return compute()


def test_baselines_learnt_once_an_hour_give_the_alerts_of_learning_them_at_every_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    brands, mentions, _ = write(tmp_path, OUTAGES)
    # Every 10 minutes: six evaluations an hour share each learnt baseline, at half the cost of 5
    args = ["backtest", "--brands", str(brands), "--mentions", str(mentions), "--step-minutes", "10"]
    assert main(args) == 0
    cached = capsys.readouterr().out
    monkeypatch.setattr(replay, "BaselineCache", _Uncached)
    assert main(args) == 0
    uncached = capsys.readouterr().out
    assert cached.count("\n") >= 4  # both outages, each heard by more than one rule
    assert cached == uncached
