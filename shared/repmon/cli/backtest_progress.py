"""The backtest's progress on stderr: a bar redrawn in place on a terminal, a plain line every tenth
of the run otherwise (a log, a CI job), so a long replay is never silent."""

from __future__ import annotations

import time
from typing import TextIO

_WIDTH = 24
_REDRAW_SECONDS = 0.2


class ProgressBoard:
    """Steps done over steps to do (brands x steps x 1), with simulated days, mentions and alerts."""

    def __init__(self, err: TextIO, total_steps: int, days: float, tty: bool | None = None) -> None:
        self.err, self.total, self.days = err, max(1, total_steps), days
        self.tty = err.isatty() if tty is None else tty
        self.steps = self.mentions = self.alerts = 0
        self._tenths_shown = 0
        self._drawn_at = 0.0
        self._started = time.perf_counter()

    def reading(self, lines: int) -> None:
        """While the input is read and checked (before the replay)."""
        if self.tty:
            self.err.write(f"\rreading mentions: {lines:,} lines")
            self.err.flush()

    def add(self, steps: int, mentions: int, alerts: int) -> None:
        self.steps += steps
        self.mentions += mentions
        self.alerts += alerts
        if self.tty:
            self._draw()
        else:
            self._line()

    def _draw(self, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self._drawn_at < _REDRAW_SECONDS:
            return
        self._drawn_at = now
        done = min(1.0, self.steps / self.total)
        bar = "#" * round(done * _WIDTH) + "-" * (_WIDTH - round(done * _WIDTH))
        self.err.write(f"\r[{bar}] {done:4.0%} {self._status()}   ")
        self.err.flush()

    def _line(self) -> None:
        tenths = min(10, self.steps * 10 // self.total)
        while self._tenths_shown < tenths:
            self._tenths_shown += 1
            print(f"backtest: {self._tenths_shown * 10}% {self._status()}", file=self.err, flush=True)

    def _status(self) -> str:
        day = self.days * min(1.0, self.steps / self.total)
        elapsed = time.perf_counter() - self._started
        counts = f"{self.mentions:,} mentions, {self.alerts:,} alerts"
        return f"day {day:.1f}/{self.days:.1f}, {counts}, {elapsed:.0f}s"

    def done(self) -> None:
        if self.tty:
            self._draw(force=True)
            self.err.write("\n")
            self.err.flush()
