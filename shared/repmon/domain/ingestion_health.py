"""Ingestion health: is each of a brand's sources delivering as usual? Pure.

Three findings per (brand, source), each firing or not, announced once per crossing by
`services.ingestion`:
* `source_silent`: no mention for much longer than the source's usual rhythm for this brand, learnt
  from the brand's hourly counts of that source over LOOKBACK (its longest gap between two hours with
  mentions, times `silence_factor`, at least `min_silence_hours`). With fewer than MIN_ACTIVE_HOURS
  hours with mentions, or all of them on fewer than MIN_ACTIVE_DAYS days (one thread, one story: its
  gaps were minutes, its silence since is the brand's usual), there is no rhythm to depart from, and
  nothing fires.
* `poll_failing`: the source's last `poll_failures` polls failed in a row.
* `cursor_stuck`: polls keep returning items but store none and the cursor does not move, for
  `stuck_hours` (a source re-reading the same page).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from repmon.domain.brand import Brand
from repmon.domain.models import HourlyAggregate
from repmon.domain.source_registry import same_mentions
from repmon.domain.timeutil import floor_hour, iso

LOOKBACK = timedelta(days=14)
MIN_ACTIVE_HOURS = 4
MIN_ACTIVE_DAYS = 4
HOUR = timedelta(hours=1)
SOURCE_SILENT, POLL_FAILING, CURSOR_STUCK, DEAD_LETTERS = (
    "source_silent",
    "poll_failing",
    "cursor_stuck",
    "dead_letters",
)


@dataclass(frozen=True)
class PollHealth:
    """What the collector recorded of a (brand, source)'s polls."""

    brand_id: str
    source: str
    last_success: datetime | None = None
    last_failure: datetime | None = None
    #: Polls failed in a row since the last success.
    failures: int = 0
    last_error: str = ""
    #: The first of the current run of polls that fetched items, stored none and left the cursor.
    stuck_since: datetime | None = None


@dataclass(frozen=True)
class Finding:
    """One check of one source: whether it fires now, and what an engineer needs to read."""

    rule: str
    source: str
    firing: bool
    text: str = ""

    @property
    def key(self) -> str:
        return f"ops#{self.rule}#{self.source}"


def silence_threshold(brand: Brand, active: Sequence[datetime]) -> timedelta | None:
    """How long the source may say nothing for this brand; None when it has no rhythm yet."""
    if len(active) < MIN_ACTIVE_HOURS or len({hour.date() for hour in active}) < MIN_ACTIVE_DAYS:
        return None
    longest = max(b - a for a, b in pairwise(active))
    settings = brand.ingestion
    return max(longest * settings.silence_factor, timedelta(hours=settings.min_silence_hours))


def active_hours(buckets: Sequence[HourlyAggregate], source: str) -> list[datetime]:
    """Hours with mentions of `source`, or of a source sharing its mentions (same_mentions: a review
    App Store Connect stored first is the RSS feed's too, and its feed is not silent)."""
    group = same_mentions(source)
    return sorted(b.hour for b in buckets if any(b.by_source.get(s, 0) > 0 for s in group))


def check_source(
    brand: Brand, source: str, at: datetime, buckets: Sequence[HourlyAggregate], health: PollHealth | None
) -> list[Finding]:
    """The three findings of one source of the brand at `at` (buckets: the brand's last LOOKBACK)."""
    return [
        _silent(brand, source, at, buckets),
        _failing(brand, source, health),
        _stuck(brand, source, at, health),
    ]


def _silent(brand: Brand, source: str, at: datetime, buckets: Sequence[HourlyAggregate]) -> Finding:
    active = active_hours(buckets, source)
    threshold = silence_threshold(brand, active)
    if threshold is None:
        return Finding(SOURCE_SILENT, source, False)
    quiet = floor_hour(at) - (active[-1] + HOUR)
    text = (
        f"no mention from {source} for {_hours(quiet)} (since {iso(active[-1] + HOUR)}); its usual for "
        f"this brand allows {_hours(threshold)} ({len(active)} hours with mentions in {LOOKBACK.days} days)"
    )
    return Finding(SOURCE_SILENT, source, quiet >= threshold, text)


def _failing(brand: Brand, source: str, health: PollHealth | None) -> Finding:
    failures = health.failures if health else 0
    if health is None or failures < brand.ingestion.poll_failures:
        return Finding(POLL_FAILING, source, False)
    since = f"; last success {iso(health.last_success)}" if health.last_success else "; no success yet"
    text = f"{failures} polls of {source} failed in a row{since}; last error: {health.last_error[:300]}"
    return Finding(POLL_FAILING, source, True, text)


def _stuck(brand: Brand, source: str, at: datetime, health: PollHealth | None) -> Finding:
    since = health.stuck_since if health else None
    if since is None or at - since < timedelta(hours=brand.ingestion.stuck_hours):
        return Finding(CURSOR_STUCK, source, False)
    text = (
        f"the cursor of {source} has not moved since {iso(since)} ({_hours(at - since)}): its polls return "
        "items but none is new"
    )
    return Finding(CURSOR_STUCK, source, True, text)


def dead_letters(queue: str, messages: int) -> Finding:
    text = f"{messages} poll job(s) in the dead-letter queue {queue}: they failed every retry"
    return Finding(DEAD_LETTERS, queue, messages > 0, text)


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.1f} days"
