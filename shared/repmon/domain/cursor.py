"""The one cursor every source uses: where a (brand, source) stream stands, and the rules for moving it.

A stream is ordered by a *position* that grows along it: epoch seconds for time-ordered sources
(Reddit, Hacker News), the review id for id-ordered ones (App Store). The cursor remembers a
position, the ids it returned inside the overlap window, and whether the last poll stopped at its
per-run limit with items left (`behind`). Its rules, each for a fault that lost mentions before:

- It moves only to positions of items it returned (the collector stores them before it writes the
  cursor), never past an item it has not returned.
- It moves on evidence only: what the listing showed this poll (`Served`: every item read, matching
  the query or not). An empty page moves nothing. A quiet stream that is not behind moves to
  `settled` (now - overlap) but never past the newest item the listing showed.
- While behind it never jumps ahead: a page that does not reach back to where the last poll stopped
  (`resume`: no item at or below it, an empty page) keeps the position and says so with a note every
  poll; items it does return are remembered. Only after `MAX_HOLD` (24 h, longer than any platform
  we read lists a backlog for) without that evidence is the backlog taken as deleted. A count of
  polls alone is not evidence: at 15-minute polls five empty pages are only a 75-minute outage.
- Dates later than now + `SKEW` are clamped to it, so one item dated tomorrow cannot carry the
  position past everything said until then; `SKEW` is well under the overlap, so items dated between
  now and the clamp are re-read next poll. Dates before `EARLIEST` (no platform we read existed; a
  `created_utc` of 0) are unknown: the item is dated when first seen, as an undated review is.
- A newest-first scan skips items below the floor instead of stopping at the first one, and stops
  only after `OLD_RUN` of them in a row (`NewestFirstScan`).
- Ids that cannot be real (`implausible`) are rejected before they can become a position: an id must
  be corroborated by the ids below it at the rate the page's own ids grow with their dates.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from repmon.domain.models import Mention

SKEW = timedelta(minutes=5)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
#: A newest-first listing is past the floor after this many consecutive items below it.
OLD_RUN = 25
#: How long a cursor that is behind holds without seeing its backlog before taking it as deleted:
#: longer than any listing we read keeps a backlog (Reddit's and Algolia's newest 1,000, the App
#: Store's 500 reviews), so holding longer could only rescan, never recover.
MAX_HOLD = timedelta(hours=24)
#: `implausible`: an id may run ahead of the page's id rate by this factor over the time between
#: it and an id below it (the rate varies by hour of day), plus `ID_BURST` seconds of ids.
ID_RATE_FACTOR = 4
ID_BURST = 6 * 3600.0
#: `implausible`: the ids nearest below that may each corroborate one (an edited review below it
#: has a later date than its id says, so one neighbour alone is not enough).
ID_NEIGHBOURS = 5
_MAX_SEEN = 5000


def clamp_date(moment: datetime, now: datetime) -> datetime:
    """`moment` bounded to now + SKEW; a date before EARLIEST means unknown and becomes `now`."""
    if moment < EARLIEST:
        return now
    return min(moment, now + SKEW)


@dataclass(frozen=True)
class Candidate:
    """An item read this poll, at its position in the stream."""

    position: float
    mention: Mention

    @property
    def key(self) -> str:
        return self.mention.native_id


def by_time(mention: Mention, now: datetime) -> Candidate:
    """A time-ordered item: its date clamped (`clamp_date`), its position that date in epoch seconds."""
    created = clamp_date(mention.created_at, now)
    if created != mention.created_at:
        mention = replace(mention, created_at=created)
    return Candidate(created.timestamp(), mention)


def implausible(points: Sequence[tuple[float, float]]) -> set[float]:
    """Ids (of `(id, epoch seconds of its date)` points) too far above the ids below them to be real.

    Ids grow with time, so the page's own points give an id rate (the median slope between points
    adjacent in time). Walking up from the median id, an id is kept when one of the `ID_NEIGHBOURS`
    kept ids below it is within `ID_RATE_FACTOR` x that rate over the time between them, plus
    `ID_BURST` seconds of ids. An id that jumps alone is rejected whatever its size: 10^15 among ids
    near 10^10, and one 9e9 above the rest, dated an hour after them, alike. Every kept id is
    corroborated by one below it, so an id no other supports never becomes the position.
    Pass the items below the cursor that the scan read too: they anchor a poll with one new item.
    Without dates to give a rate (an undated feed), the span of the ids below the median is the unit.
    """
    ordered = sorted(points)
    if len(ordered) < 2:
        return set()
    middle = (len(ordered) - 1) // 2
    rate = _id_rate(ordered)
    unit = max(ordered[middle][0] - ordered[0][0], 1.0)
    kept = ordered[: middle + 1]
    rejected: set[float] = set()
    for point in ordered[middle + 1 :]:
        if any(_reachable(below, point, rate, unit) for below in kept[-ID_NEIGHBOURS:]):
            kept.append(point)
        else:
            rejected.add(point[0])
    return rejected


def _id_rate(points: Sequence[tuple[float, float]]) -> float | None:
    """Ids per second: the median slope between points adjacent in time; None without two dates."""
    by_date = sorted(points, key=lambda p: (p[1], p[0]))
    slopes = [(b[0] - a[0]) / (b[1] - a[1]) for a, b in pairwise(by_date) if b[1] > a[1]]
    rate = statistics.median(slopes) if slopes else 0.0
    return rate if rate > 0 else None


def _reachable(
    below: tuple[float, float], point: tuple[float, float], rate: float | None, unit: float
) -> bool:
    if rate is None:
        return point[0] - below[0] <= ID_RATE_FACTOR * unit
    elapsed = max(point[1] - below[1], 0.0)
    return point[0] - below[0] <= rate * (ID_RATE_FACTOR * elapsed + ID_BURST)


@dataclass(frozen=True)
class Served:
    """The span of positions a listing showed this poll: every item read, matching or not, old or not.

    The evidence the cursor moves on: an empty page has none.
    """

    oldest: float
    newest: float

    @classmethod
    def of(cls, positions: Iterable[float]) -> Served | None:
        span = list(positions)
        return cls(min(span), max(span)) if span else None


@dataclass(frozen=True)
class Advance:
    """What a poll returns and where the stream stands after it."""

    page: list[Mention]
    cursor: Cursor
    truncated: bool
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Cursor:
    """A position with overlap: re-read `overlap` below `at`, and drop ids already returned there.

    Why a position and not the platform's own anchor (Reddit's `before=<fullname>`): a deleted anchor
    stalls or replays that stream, and search indexes late. The overlap catches late arrivals,
    `seen` dedups them.
    """

    at: float = 0.0
    seen: dict[str, float] = field(default_factory=dict)
    behind: bool = False
    #: While behind: the position of the first item the last full poll did not return.
    resume: float | None = None
    #: While behind and holding: when (epoch seconds) the listing first failed to reach `resume`.
    held_since: float | None = None

    @classmethod
    def start(cls, at: float) -> Cursor:
        return cls(at)

    def floor(self, overlap: float) -> float:
        return self.at - overlap

    def advance(
        self,
        candidates: Iterable[Candidate],
        *,
        limit: int,
        overlap: float,
        settled: float | None = None,
        served: Served | None = None,
        now: float | None = None,
    ) -> Advance:
        """Pick the oldest `limit` unseen candidates at or above the floor and move the cursor.

        `settled` (the scan read everything down to the floor) lets a quiet stream move forward
        anyway, so later polls do not rescan an ever longer window, but only as far as the newest
        item `served` (the span of every item the listing showed; by default the candidates'), and
        never while behind. `now` (epoch seconds) times a hold; without it a hold lasts until the
        backlog is seen again.
        """
        floor = self.floor(overlap)
        candidates = list(candidates)
        served = served or Served.of(c.position for c in candidates)
        fresh: dict[str, Candidate] = {}
        for c in candidates:
            if c.position >= floor and c.key not in self.seen:
                fresh.setdefault(c.key, c)
        ordered = sorted(fresh.values(), key=lambda c: (c.position, c.key))
        page, rest = ordered[:limit], ordered[limit:]
        seen = {**self.seen, **{c.key: c.position for c in page}}
        notes: list[str] = []
        if self.behind and not self._reached(served):
            since = self.held_since if self.held_since is not None else now
            if now is None or since is None or now - since < MAX_HOLD.total_seconds():
                # Keep the position: what came is returned (and remembered), the backlog is still owed.
                held = replace(self, seen=_recent(seen, floor), held_since=since)
                return Advance([c.mention for c in page], held, bool(rest), [_holding(since)])
            notes = [f"the backlog did not come back in {_hours(MAX_HOLD)}; taken as deleted"]
        at = max([self.at, *(c.position for c in page)])
        if settled is not None and served is not None and not rest and not self.behind:
            at = max(at, min(settled, served.newest))
        moved = Cursor(at, _recent(seen, at - overlap), bool(rest), rest[0].position if rest else None)
        return Advance([c.mention for c in page], moved, bool(rest), notes)

    def _reached(self, served: Served | None) -> bool:
        """The listing showed an item at or below where the last poll stopped: it reaches the backlog.

        Any item counts, one returned before included: a deleted `resume` item must not stall it.
        """
        return served is not None and (self.resume is None or served.oldest <= self.resume)

    def dump(self) -> dict[str, object]:
        data: dict[str, object] = {"at": self.at, "seen": self.seen}
        if self.behind:
            data |= {"behind": True, "resume": self.resume}
            if self.held_since is not None:
                data["held_since"] = self.held_since
        return data

    @classmethod
    def load(cls, data: object, default: Cursor) -> Cursor:
        """A cursor from `dump()`'s form; anything unreadable gives `default`."""
        try:
            assert isinstance(data, dict)
            seen = {str(k): float(v) for k, v in dict(data.get("seen") or {}).items()}
            resume, held = data.get("resume"), data.get("held_since")
            return cls(
                float(data["at"]),
                seen,
                bool(data.get("behind", False)),
                None if resume is None else float(resume),
                None if held is None else float(held),
            )
        except (AssertionError, TypeError, ValueError, KeyError, AttributeError, ArithmeticError):
            return default


def _holding(since: float | None) -> str:
    began = "" if since is None else f" since {datetime.fromtimestamp(since, UTC):%Y-%m-%d %H:%M} UTC"
    return (
        f"behind{began}: the listing did not reach back to where the last poll stopped;"
        f" position held (the backlog is taken as deleted after {_hours(MAX_HOLD)})"
    )


def _hours(span: timedelta) -> str:
    return f"{span.total_seconds() / 3600:g} h"


def _recent(seen: dict[str, float], keep: float) -> dict[str, float]:
    recent = sorted(((t, k) for k, t in seen.items() if t >= keep), reverse=True)[:_MAX_SEEN]
    return {k: t for t, k in recent}


class TimeCursor:
    """The cursor of a time-ordered source, stored as JSON (`{"v": 2, "at": epoch, ...}`)."""

    @staticmethod
    def parse(raw: str | None, now: datetime, lookback: timedelta) -> Cursor:
        """The stored cursor; an absent or unreadable one starts `lookback` before `now`.

        Version 1 (`since` as ISO 8601) is read too, so deployed cursors carry on.
        """
        default = Cursor.start((now - lookback).timestamp())
        try:
            data = json.loads(raw) if raw else None
            if isinstance(data, dict) and "since" in data and "at" not in data:
                since = datetime.fromisoformat(str(data["since"])).astimezone(UTC)
                data = {"at": since.timestamp(), "seen": data.get("seen") or {}}
        except (TypeError, ValueError, OverflowError, OSError):
            return default
        return Cursor.load(data, default)

    @staticmethod
    def dump(cursor: Cursor) -> str:
        return json.dumps({"v": 2, **cursor.dump()}, sort_keys=True)


class NewestFirstScan:
    """When to stop reading a newest-first listing: after `OLD_RUN` consecutive items below the floor.

    Stopping at the first old item would let one misdated item (a post with `created_utc` 0) end
    the scan and lose everything after it; skipping it and reading on costs a few items at most.
    """

    def __init__(self, floor: float, run: int = OLD_RUN) -> None:
        self.floor = floor
        self.run = run
        self.old = 0

    def is_old(self, position: float) -> bool:
        """Note one item; True when it is below the floor (the caller skips it)."""
        self.old = self.old + 1 if position < self.floor else 0
        return self.old > 0

    @property
    def done(self) -> bool:
        return self.old >= self.run
