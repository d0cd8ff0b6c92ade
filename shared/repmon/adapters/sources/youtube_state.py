"""The YouTube source's per-poll state: the quota budget of a poll, the streams' cursors as stored,
and the numbers (statistics) merged into mentions. Used by `sources.youtube` only."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from repmon.adapters.sources.youtube_parse import VIDEO_ID, VideoStats
from repmon.adapters.sources.youtube_quota import QuotaLedger, Spend, Usage
from repmon.domain.cursor import Candidate, Cursor, Served, TimeCursor
from repmon.domain.models import Author, Engagement, Mention
from repmon.domain.youtube_quota import QuotaPlan

#: Ids per `videos.list` / `channels.list` call.
BATCH = 50
#: Ids a held cursor remembers, as many as the shared cursor keeps (domain.cursor).
MAX_SEEN = 5000


@dataclass
class Budget:
    """The brand's quota for this poll: each request is counted in the ledger before it is made."""

    ledger: QuotaLedger
    plan: QuotaPlan
    day: str
    units: int
    #: The brand's search turn now (`QuotaPlan.search_turn`): one search a turn, claimed in the ledger.
    turn: str | None
    denied: list[str] = field(default_factory=list)
    spent: int = 0
    searches: int = 0
    #: YouTube's own refusal for quota (another user of the key spent it): no more requests this poll.
    gone: str = ""

    @property
    def caps(self) -> Usage:
        return Usage(self.plan.unit_cap, self.plan.search_cap)

    def unit(self, what: str) -> bool:
        """Whether a 1-unit request for `what` may be made (counted if so)."""
        if self.gone or self.units <= 0:
            self.denied.append(what)
            return False
        if self.ledger.spend(self.day, units=1, searches=0, caps=self.caps) is not Spend.SPENT:
            self.units = 0
            self.denied.append(what)
            return False
        self.units -= 1
        self.spent += 1
        return True

    def search(self, claim: str | None) -> Spend:
        if self.gone:
            return Spend.OVER
        units = self.plan.search_units
        result = self.ledger.spend(self.day, units=units, searches=1, caps=self.caps, claim=claim)
        if result is Spend.SPENT:
            self.searches += 1
            self.spent += units
        return result


@dataclass
class Scan:
    found: list[Candidate] = field(default_factory=list)
    read: list[float] = field(default_factory=list)
    complete: bool = True
    #: The quota stopped it part way: what lies below the last page read is still owed (`hold`).
    cut: bool = False


@dataclass(frozen=True)
class Watch:
    """A video the search found, whose comments are read: when it was published, where its last
    read ended (epoch seconds), and its channel."""

    published: float
    mark: float
    channel: str

    @classmethod
    def of(cls, video: Mention) -> Watch:
        at = video.created_at.timestamp()
        return cls(at, at, video.author.id)


@dataclass(frozen=True)
class Step:
    """A stream's cursor and what this poll returned from it."""

    cursor: Cursor
    page: list[Mention] = field(default_factory=list)
    truncated: bool = False
    notes: list[str] = field(default_factory=list)
    #: Videos: where a search cut short stopped (epoch seconds); the next reads below it.
    before: float | None = None


@dataclass(frozen=True)
class State:
    """The stored cursor: the channel comments' (the shared cursor's own keys), the videos' and the
    watched videos'."""

    comments: Cursor
    videos: Cursor
    watch: dict[str, Watch]
    #: `Step.before` of the videos, kept until a search below it completes.
    before: float | None = None

    @classmethod
    def parse(cls, raw: str | None, now: datetime, lookback: timedelta) -> State:
        comments = TimeCursor.parse(raw, now, lookback)
        default = Cursor.start((now - lookback).timestamp())
        try:
            data = json.loads(raw) if raw else {}
            videos = Cursor.load(data.get("videos"), default)
            watch = {
                str(v): Watch(float(w[0]), float(w[1]), str(w[2])[:40])
                for v, w in dict(data.get("watch") or {}).items()
                if VIDEO_ID.fullmatch(str(v))
            }
            before = None if data.get("before") is None else float(data["before"])
        except (TypeError, ValueError, AttributeError, KeyError, IndexError, OverflowError):
            return cls(comments, default, {})
        return cls(comments, videos, watch, before if before is not None and before == before else None)

    def dump(self) -> str:
        data = json.loads(TimeCursor.dump(self.comments))
        data["videos"] = self.videos.dump()
        data["watch"] = {v: [w.published, w.mark, w.channel] for v, w in sorted(self.watch.items())}
        if self.before is not None:
            data["before"] = self.before
        return json.dumps(data, sort_keys=True)


def pruned(watch: dict[str, Watch], now: datetime, days: int, most: int) -> dict[str, Watch]:
    """The videos published in the last `days`, the `most` newest."""
    since = (now - timedelta(days=days)).timestamp()
    recent = sorted((w.published, v) for v, w in watch.items() if w.published >= since)
    return {v: watch[v] for _, v in recent[::-1][:most]}


def advance(
    cursor: Cursor,
    candidates: list[Candidate],
    scan: Scan,
    now: datetime,
    overlap: timedelta,
    limit: int,
    complete: bool,
) -> Step:
    """The shared cursor moved over a stream's scan: on evidence (every item read), by the run's bound."""
    settled = (now - overlap).timestamp() if complete else None
    step = cursor.advance(
        candidates,
        limit=limit,
        overlap=overlap.total_seconds(),
        settled=settled,
        served=Served.of(scan.read),
        now=now.timestamp(),
    )
    return Step(step.cursor, step.page, step.truncated, step.notes)


def hold(cursor: Cursor, candidates: list[Candidate], overlap: timedelta, limit: int, why: str) -> Step:
    """A newest-first scan cut short: the oldest `limit` new items, remembered, and the position
    unmoved, so the part below the last page read comes with a later poll (moving to what was read
    would skip it)."""
    floor = cursor.floor(overlap.total_seconds())
    fresh = {c.key: c for c in candidates if c.position >= floor and c.key not in cursor.seen}
    page = sorted(fresh.values(), key=lambda c: (c.position, c.key))[:limit]
    seen = {**cursor.seen, **{c.key: c.position for c in page}}
    # Bounded as the shared cursor's (a hold can last many polls; the item must stay well under 400 KB):
    # an id forgotten here is at worst returned again, and the store drops it.
    kept = sorted(seen.items(), key=lambda kv: kv[1], reverse=True)[:MAX_SEEN]
    held = replace(cursor, seen=dict(kept))
    note = f"{why}: position held, the rest is read at a later poll"
    return Step(held, [c.mention for c in page], truncated=True, notes=[note])


def batches(ids: list[str]) -> Iterable[str]:
    for start in range(0, len(ids), BATCH):
        yield ",".join(ids[start : start + BATCH])


def with_numbers(mention: Mention, stats: VideoStats | None, subscribers: int | None) -> Mention:
    """The mention with its video's statistics (views, likes as score, comments) and its author's
    subscribers, where they were read."""
    author: Author = mention.author
    if subscribers is not None:
        author = replace(author, followers=subscribers)
    engagement: Engagement = mention.engagement
    if stats is not None:
        engagement = replace(
            engagement, views=stats.views or 0, score=stats.likes or 0, comments=stats.comments or 0
        )
    return replace(mention, author=author, engagement=engagement)
