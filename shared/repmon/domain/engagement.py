"""Engagement that grows after a mention is stored: when to read it again, which reads to believe,
and when a negative mention is going viral. Pure (README, "Going viral").

- Re-reads: a negative mention is read again for REREAD_FOR (48 h) after it was posted, every poll in
  its first 6 hours, hourly to 24 hours, every 4 hours to 48 (most of a post's reach comes early).
- A read is believed only when plausible: a count below zero or over MAX_COUNT, or interactions
  growing faster than MAX_GAIN_PER_HOUR (the fastest posts on Reddit or X gain some 10-50k an hour),
  is logged and ignored; a count that went down (votes fuzzed, a comment deleted) keeps the higher
  value. So the stored engagement, the influence and the aggregates only ever grow, and no bad read
  can make a false alarm.
- viral_negative: interactions (score, comments, shares, votes: not views, counted in other units)
  per hour of age, against the same figure for the brand's other negative mentions of the last 48 h:
  fires when it is above their 99th percentile (nearest rank, with `min_history` of them) and the
  mention has at least `min_interactions`; with fewer than `min_history` others, only at
  HISTORYLESS_FACTOR times `min_interactions`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from repmon.domain.models import Engagement

REREAD_FOR = timedelta(hours=48)
#: (age under, read again after): every poll (0) at first, then less and less often.
SCHEDULE = (
    (timedelta(hours=6), timedelta(0)),
    (timedelta(hours=24), timedelta(hours=1)),
    (REREAD_FOR, timedelta(hours=4)),
)
MAX_COUNT = 10**9
MAX_GAIN_PER_HOUR = 200_000
#: The shortest age a rate is divided by: a post read a minute after it appeared is not "120 an hour".
MIN_AGE = timedelta(minutes=30)
HISTORYLESS_FACTOR = 3
_FIELDS = ("score", "comments", "shares", "votes", "views")


def interactions(e: Engagement) -> int:
    return max(e.score, 0) + e.comments + e.shares + e.votes


def due(created_at: datetime, last_read: datetime | None, now: datetime) -> bool:
    """Whether a mention posted at `created_at` and last read at `last_read` is read again at `now`."""
    age = now - created_at
    for under, every in SCHEDULE:
        if age < under:
            return last_read is None or now - last_read >= every
    return False


@dataclass(frozen=True)
class Checked:
    """A read as believed: `engagement` to store (never lower than the old), `problem` if any."""

    engagement: Engagement
    problem: str = ""

    @property
    def grew(self) -> bool:
        return not self.problem or self.problem.startswith("went down")


def check(old: Engagement, new: Engagement, hours: float) -> Checked:
    """`new` read `hours` after `old`: kept (each count at least the old one), or ignored when absurd."""
    values = [getattr(new, f) for f in _FIELDS]
    if any(not isinstance(v, int) or v < 0 or v > MAX_COUNT for v in values):
        return Checked(old, f"implausible counts {values}: ignored")
    gain = interactions(new) - interactions(old)
    if gain > MAX_GAIN_PER_HOUR * max(hours, MIN_AGE / timedelta(hours=1)):
        return Checked(old, f"interactions jumped by {gain} in {hours:.2f} h: ignored")
    kept = Engagement(*(max(getattr(old, f), getattr(new, f)) for f in _FIELDS))
    down = [f for f in _FIELDS if getattr(new, f) < getattr(old, f)]
    return Checked(kept, f"went down ({', '.join(down)}): the higher count kept" if down else "")


def rate(e: Engagement, created_at: datetime, at: datetime) -> float:
    """Interactions per hour of age."""
    return interactions(e) / (max(at - created_at, MIN_AGE) / timedelta(hours=1))


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (the smallest value with at least pct% of them at or under it)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


@dataclass(frozen=True)
class ViralBar:
    """What a negative mention's rate must exceed, and from what."""

    rate: float
    min_interactions: int
    history: int


def viral_bar(others: list[float], min_interactions: int, min_history: int, pct: float) -> ViralBar:
    if len(others) < min_history:
        return ViralBar(0.0, HISTORYLESS_FACTOR * min_interactions, len(others))
    return ViralBar(percentile(others, pct), min_interactions, len(others))


def is_viral(e: Engagement, created_at: datetime, at: datetime, bar: ViralBar) -> bool:
    return interactions(e) >= bar.min_interactions and rate(e, created_at, at) > bar.rate
