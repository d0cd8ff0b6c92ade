"""In-memory fakes of the ports, type-checked against repmon.ports (see the assignments at the end)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from repmon.domain.brand import Brand
from repmon.domain.models import Alert, HourlyAggregate, Mention, ScoredMention, Sentiment, SentimentLabel
from repmon.domain.reputation import weight as index_weight
from repmon.ports import (
    AlertLedger,
    AlertPublisher,
    Clock,
    CursorStore,
    MentionSource,
    MentionStore,
    PollJob,
    PollJobQueue,
    RuleState,
    SaveResult,
    SentimentScorer,
    SourcePage,
    Watchlist,
)


class FixedClock:
    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class KeywordScorer:
    """Scores by a handful of words so tests can state the expected label in the text itself."""

    NEGATIVE = ("awful", "terrible", "broken", "worst", "refund", "outage")
    POSITIVE = ("great", "love", "excellent", "thanks")

    def score(self, text: str, rating: int | None = None) -> Sentiment:
        lowered = text.lower()
        neg = sum(w in lowered for w in self.NEGATIVE)
        pos = sum(w in lowered for w in self.POSITIVE)
        raw = max(-1.0, min(1.0, 0.6 * (pos - neg)))
        if rating is not None:
            raw = (raw + (rating - 3) / 2) / 2
        label: SentimentLabel = "negative" if raw <= -0.05 else "positive" if raw >= 0.05 else "neutral"
        return Sentiment(label=label, score=raw)


class ScriptedSource:
    """A source that returns the mentions newer than the cursor (an ISO timestamp), up to `limit`."""

    def __init__(self, name: str, mentions: Sequence[Mention] = (), limit: int = 100) -> None:
        self.name = name
        self.mentions = list(mentions)
        self.limit = limit
        self.calls: list[str | None] = []
        self.fail_with: Exception | None = None

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        self.calls.append(cursor)
        if self.fail_with is not None:
            raise self.fail_with
        after = datetime.fromisoformat(cursor) if cursor else datetime.min.replace(tzinfo=UTC)
        fresh = sorted((m for m in self.mentions if after < m.created_at <= now), key=lambda m: m.created_at)
        page = fresh[: self.limit]
        new_cursor = page[-1].created_at.isoformat() if page else cursor
        return SourcePage(mentions=page, cursor=new_cursor, truncated=len(fresh) > len(page))


class InMemoryMentionStore:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], ScoredMention] = {}
        self.aggregates: dict[tuple[str, datetime], HourlyAggregate] = {}
        self.fail_after: int | None = None

    def save(self, mentions: Sequence[ScoredMention]) -> SaveResult:
        stored = duplicates = 0
        for sm in mentions:
            if self.fail_after is not None and stored >= self.fail_after:
                raise RuntimeError("injected store failure")
            key = (sm.brand_id, sm.key)
            if key in self.items:
                duplicates += 1
                continue
            self.items[key] = sm
            self._count(sm)
            stored += 1
        return SaveResult(stored=stored, duplicates=duplicates)

    def _count(self, sm: ScoredMention) -> None:
        hour = sm.mention.created_at.replace(minute=0, second=0, microsecond=0)
        agg = self.aggregates.get((sm.brand_id, hour)) or HourlyAggregate(brand_id=sm.brand_id, hour=hour)
        weight = index_weight(sm.influence)
        scored = sm.sentiment.label is not None
        by_source = dict(agg.by_source)
        by_source[sm.mention.source] = by_source.get(sm.mention.source, 0) + 1
        changes: dict[str, object] = {
            "mentions": agg.mentions + 1,
            sm.sentiment.bucket: getattr(agg, sm.sentiment.bucket) + 1,
            "sentiment_sum": agg.sentiment_sum + (sm.sentiment.score if scored else 0.0),
            "weight_sum": agg.weight_sum + (weight if scored else 0.0),
            "weighted_sentiment_sum": agg.weighted_sentiment_sum
            + (weight * sm.sentiment.score if scored else 0.0),
            "by_source": by_source,
        }
        self.aggregates[(sm.brand_id, hour)] = dataclasses.replace(agg, **changes)  # type: ignore[arg-type]

    def mentions_between(self, brand_id: str, since: datetime, until: datetime) -> list[ScoredMention]:
        found = [
            sm
            for (b, _), sm in self.items.items()
            if b == brand_id and since <= sm.mention.created_at < until
        ]
        return sorted(found, key=lambda sm: sm.mention.created_at)

    def most_negative(
        self, brand_id: str, since: datetime, until: datetime, min_influence: float, limit: int
    ) -> list[ScoredMention]:
        found = [
            sm
            for sm in self.mentions_between(brand_id, since, until)
            if sm.sentiment.label == "negative" and sm.influence >= min_influence
        ]
        return sorted(found, key=lambda sm: (-sm.influence, sm.sentiment.score))[:limit]

    def hourly(self, brand_id: str, since: datetime, until: datetime) -> list[HourlyAggregate]:
        found = [a for (b, h), a in self.aggregates.items() if b == brand_id and since <= h < until]
        return sorted(found, key=lambda a: a.hour)


class InMemoryCursorStore:
    def __init__(self) -> None:
        self.cursors: dict[tuple[str, str], str | None] = {}

    def get(self, brand_id: str, source: str) -> str | None:
        return self.cursors.get((brand_id, source))

    def put(self, brand_id: str, source: str, cursor: str | None) -> None:
        self.cursors[(brand_id, source)] = cursor


class InMemoryAlertLedger:
    """Like DynamoAlertLedger, including the claim lease (none by default: re-claimable at once)."""

    def __init__(self, clock: FixedClock | None = None, lease: timedelta = timedelta(0)) -> None:
        self.states: dict[tuple[str, str], RuleState] = defaultdict(RuleState)
        self.alerts: dict[str, Alert] = {}
        self.sent: list[Alert] = []
        self.clock, self.lease = clock or FixedClock(), lease
        self.claimed_at: dict[tuple[str, str], datetime] = {}

    def state(self, brand_id: str, rule_key: str) -> RuleState:
        return self.states[(brand_id, rule_key)]

    def claim(self, alert: Alert, rule_key: str) -> bool:
        key = (alert.brand_id, rule_key)
        current, now = self.states[key], self.clock.now()
        held = key in self.claimed_at and self.claimed_at[key] >= now - self.lease
        if current.firing and (current.sent or (held and self.lease)):
            return False
        # The crossing as first claimed is kept by re-claims of an unsent alert (see RuleState).
        first = current if current.firing else RuleState(crossed_at=alert.fired_at)
        self.states[key] = dataclasses.replace(
            first,
            firing=True,
            alert_id=alert.alert_id,
            sent=False,
            severity=first.severity or alert.severity.value,
            summary=first.summary or alert.summary,
        )
        self.claimed_at[key] = now
        self.alerts[alert.alert_id] = alert
        return True

    def mark_sent(self, alert: Alert, rule_key: str) -> None:
        key = (alert.brand_id, rule_key)
        self.states[key] = dataclasses.replace(
            self.states[key], firing=True, alert_id=alert.alert_id, sent=True
        )
        if alert not in self.sent:
            self.sent.append(alert)

    def rearm(self, brand_id: str, rule_key: str, at: datetime) -> None:
        self.states[(brand_id, rule_key)] = RuleState()


class RecordingPublisher:
    def __init__(self) -> None:
        self.published: list[Alert] = []
        self.fail_next = 0

    def publish(self, alert: Alert, within: float | None = None) -> str:
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("injected publish failure")
        self.published.append(alert)
        return f"msg-{len(self.published)}"


class InMemoryWatchlist:
    def __init__(self, brands: Sequence[Brand] = ()) -> None:
        self.by_id = {b.id: b for b in brands}

    def brands(self) -> list[Brand]:
        return sorted(self.by_id.values(), key=lambda b: b.id)

    def brand(self, brand_id: str) -> Brand | None:
        return self.by_id.get(brand_id)

    def replace(self, brands: Sequence[Brand]) -> tuple[int, int]:
        removed = len(set(self.by_id) - {b.id for b in brands})
        self.by_id = {b.id: b for b in brands}
        return len(brands), removed


class InMemoryJobQueue:
    def __init__(self) -> None:
        self.jobs: dict[tuple[str, str, datetime], PollJob] = {}

    def send(self, jobs: Sequence[PollJob]) -> int:
        for job in jobs:
            self.jobs.setdefault((job.brand_id, job.source, job.scheduled_at), job)
        return len(jobs)


# mypy checks that each fake satisfies its port.
_clock: Clock = FixedClock()
_scorer: SentimentScorer = KeywordScorer()
_source: MentionSource = ScriptedSource("reddit")
_store: MentionStore = InMemoryMentionStore()
_cursors: CursorStore = InMemoryCursorStore()
_ledger: AlertLedger = InMemoryAlertLedger()
_publisher: AlertPublisher = RecordingPublisher()
_watchlist: Watchlist = InMemoryWatchlist()
_queue: PollJobQueue = InMemoryJobQueue()


def scored_mention(
    brand_id: str,
    created_at: datetime,
    score: float,
    influence: float = 0.0,
    *,
    native_id: str | None = None,
    source: str = "reddit",
    text: str = "",
    handle: str = "someone",
    scored: bool = True,
) -> ScoredMention:
    """A ScoredMention in one line, for the index, rules and evaluator tests (label follows the score)."""
    # Imported here so this appended helper leaves the shared import block alone.
    from repmon.domain.models import Author

    label: SentimentLabel = "negative" if score <= -0.05 else "positive" if score >= 0.05 else "neutral"
    native = native_id or f"{created_at:%Y%m%d%H%M%S}-{score:+.2f}-{influence:.0f}-{text[:8]}"
    mention = Mention(
        source=source,
        native_id=native,
        created_at=created_at,
        text=text or f"a mention scored {score:+.2f}",
        url=f"https://example.test/{source}/{native}",
        author=Author(id=handle, handle=handle),
    )
    unscored = Sentiment(label=None, score=0.0, language="fr")
    sentiment = Sentiment(label=label, score=score) if scored else unscored
    return ScoredMention(brand_id=brand_id, mention=mention, sentiment=sentiment, influence=influence)
