"""Baselines learnt once an hour: a backtest evaluates every 5 minutes, a baseline moves by the hour.

A snapshot's baseline span ends a window before the end of the hour holding `at`, so the twelve
evaluations of one hour (hh:05 to hh+1:00) read the same span, and its buckets are hours a whole
window old, which new mentions do not change. What a snapshot learns from them (the seasonal profile,
the baseline index and mean: `reputation.Baseline`) is then the same twelve times over;
`BaselineCache` keeps the last one per brand and gives it back while its key holds.

The key is everything that summary reads: the span (from the brand's window and baseline hours and
the hour of `at`) and the buckets themselves, by identity (HourlyAggregate is frozen; the entry holds
them, so no identity is reused while it lives). A bucket rewritten by a late mention, or one more
hour, is a new key. A store that builds new buckets on every read (DynamoDB) only misses; the
deployed evaluator, one evaluation per brand per run, passes no cache. Pure: no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from repmon.domain.models import HourlyAggregate

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Entry(Generic[T]):
    since: datetime
    until: datetime
    buckets: tuple[HourlyAggregate, ...]
    value: T

    def holds(self, buckets: Sequence[HourlyAggregate], since: datetime, until: datetime) -> bool:
        return (
            self.since == since
            and self.until == until
            and len(self.buckets) == len(buckets)
            and all(a is b for a, b in zip(self.buckets, buckets, strict=True))
        )


class BaselineCache(Generic[T]):
    """The last baseline summary of each brand, by span and bucket identity (see the module docstring)."""

    def __init__(self) -> None:
        self._last: dict[str, _Entry[T]] = {}
        self.hits = 0
        self.misses = 0

    def get(
        self, buckets: Sequence[HourlyAggregate], since: datetime, until: datetime, compute: Callable[[], T]
    ) -> T:
        """The summary of `buckets` over [since, until): the kept one when the key is the same, else
        `compute()` (kept in its place)."""
        if not buckets:
            return compute()  # no brand to file it under, and nothing to learn: quick anyway
        brand = buckets[0].brand_id
        entry = self._last.get(brand)
        if entry is not None and entry.holds(buckets, since, until):
            self.hits += 1
            return entry.value
        self.misses += 1
        value = compute()
        self._last[brand] = _Entry(since, until, tuple(buckets), value)
        return value
