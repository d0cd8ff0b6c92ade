"""The Clock port's two implementations: the wall clock, and one a simulation sets by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class ManualClock:
    """Reads what it was last set to: the backtest steps it through the evaluator's schedule."""

    current: datetime

    def now(self) -> datetime:
        return self.current
