"""The one cursor every source uses: where a (brand, source) stream stands, and the rules for moving it.

A stream is ordered by a *position* that grows along it: epoch seconds for time-ordered sources
(Reddit, Hacker News), the review id for id-ordered ones (App Store). The cursor remembers a
position, the ids it returned inside the overlap window, and whether the last poll stopped at its
per-run limit with items left (`behind`). Its rules, each for a fault that lost mentions before:

- It moves only to positions of items it returned (the collector stores them before it writes the
  cursor), never past an item it has not returned.
- While behind it never jumps ahead: an empty page, or one that does not reach back to where the
  last poll stopped (`resume`), keeps the position; only after `MAX_STALLS` such polls in a row is
  the backlog taken as deleted. A quiet stream that is not behind moves to `settled` (now - overlap).
- Dates later than now + `SKEW` are clamped to it, so one item dated tomorrow cannot carry the
  position past everything said until then; `SKEW` is well under the overlap, so items dated between
  now and the clamp are re-read next poll. Dates before `EARLIEST` (no platform we read existed; a
  `created_utc` of 0) are unknown: the item is dated when first seen, as an undated review is.
- A newest-first scan skips items below the floor instead of stopping at the first one, and stops
  only after `OLD_RUN` of them in a row (`NewestFirstScan`).
- Ids that cannot be real (`implausible`) are rejected before they can become a position.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from repmon.domain.models import Mention

SKEW = timedelta(minutes=5)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
#: A newest-first listing is past the floor after this many consecutive items below it.
OLD_RUN = 25
#: Polls in a row that may fail to bring the backlog back before it is taken as deleted.
MAX_STALLS = 4
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


def implausible(positions: Sequence[float], at: float, max_jump: float) -> set[float]:
    """Positions too far above both the cursor and this poll's median to be real ids.

    One review id of 10^15 would otherwise become the position, and every real id after it would
    look old for ever. The median of the poll stands in for "now" on a first poll (at = 0).
    """
    if not positions:
        return set()
    reference = max(at, statistics.median_low(positions))
    return {p for p in positions if p > reference + max_jump}


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
    stalls: int = 0

    @classmethod
    def start(cls, at: float) -> Cursor:
        return cls(at)

    def floor(self, overlap: float) -> float:
        return self.at - overlap

    def advance(
        self, candidates: Iterable[Candidate], *, limit: int, overlap: float, settled: float | None = None
    ) -> Advance:
        """Pick the oldest `limit` unseen candidates at or above the floor and move the cursor.

        `settled` (the scan read everything down to the floor) lets a quiet stream move forward
        anyway, so later polls do not rescan an ever longer window; never while behind.
        """
        floor = self.floor(overlap)
        fresh: dict[str, Candidate] = {}
        for c in candidates:
            if c.position >= floor and c.key not in self.seen:
                fresh.setdefault(c.key, c)
        ordered = sorted(fresh.values(), key=lambda c: (c.position, c.key))
        page, rest = ordered[:limit], ordered[limit:]
        seen = {**self.seen, **{c.key: c.position for c in page}}
        gap = self.behind and (not ordered or (self.resume is not None and ordered[0].position > self.resume))
        if gap and self.stalls + 1 < MAX_STALLS:
            # Keep the position: what came is returned (and remembered), the backlog is still owed.
            held = replace(self, seen=_recent(seen, self.floor(overlap)), stalls=self.stalls + 1)
            return Advance([c.mention for c in page], held, bool(rest))
        notes = [f"the backlog did not come back for {MAX_STALLS} polls; taken as deleted"] if gap else []
        at = max([self.at, *(c.position for c in page)])
        if settled is not None and not rest and not self.behind:
            at = max(at, settled)
        moved = Cursor(at, _recent(seen, at - overlap), bool(rest), rest[0].position if rest else None)
        return Advance([c.mention for c in page], moved, bool(rest), notes)

    def dump(self) -> dict[str, object]:
        data: dict[str, object] = {"at": self.at, "seen": self.seen}
        if self.behind:
            data |= {"behind": True, "resume": self.resume, "stalls": self.stalls}
        return data

    @classmethod
    def load(cls, data: object, default: Cursor) -> Cursor:
        """A cursor from `dump()`'s form; anything unreadable gives `default`."""
        try:
            assert isinstance(data, dict)
            seen = {str(k): float(v) for k, v in dict(data.get("seen") or {}).items()}
            resume = data.get("resume")
            return cls(
                float(data["at"]),
                seen,
                bool(data.get("behind", False)),
                None if resume is None else float(resume),
                int(data.get("stalls", 0)),
            )
        except (AssertionError, TypeError, ValueError, KeyError, AttributeError, ArithmeticError):
            return default


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
