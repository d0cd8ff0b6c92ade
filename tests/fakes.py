"""In-memory fakes of the ports, type-checked against repmon.ports (see the assignments at the end)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from repmon.adapters.memory import (
    MemoryAlertLedger,
    MemoryAlertPublisher,
    MemoryCursorStore,
    MemoryMentionStore,
    MemoryWatchlist,
)
from repmon.domain.brand import Brand
from repmon.domain.models import Alert, Mention, ScoredMention, Sentiment, SentimentLabel
from repmon.ports import (
    AlertLedger,
    AlertPublisher,
    Clock,
    CursorStore,
    MentionSource,
    MentionStore,
    PollJob,
    PollJobQueue,
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


class InMemoryMentionStore(MemoryMentionStore):
    """The shipped in-memory store, plus a failure to inject: `fail_after` mentions stored per save."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_after: int | None = None
        self._stored_in_save = 0

    def save(self, mentions: Sequence[ScoredMention]) -> SaveResult:
        self._stored_in_save = 0
        return super().save(mentions)

    def _put_group(self, brand_id: str, hour: datetime, group: list[ScoredMention]) -> None:
        room = len(group) if self.fail_after is None else self.fail_after - self._stored_in_save
        if room > 0:  # a crash between two transactions: those before it are stored and counted
            super()._put_group(brand_id, hour, group[:room])
            self._stored_in_save += min(room, len(group))
        if room < len(group):
            raise RuntimeError("injected store failure")


InMemoryCursorStore = MemoryCursorStore
InMemoryWatchlist = MemoryWatchlist


class InMemoryAlertLedger(MemoryAlertLedger):
    """The shipped ledger on a test clock (none given: a fixed one)."""

    def __init__(self, clock: Clock | None = None, lease: timedelta = timedelta(0)) -> None:
        super().__init__(clock or FixedClock(), lease)


class RecordingPublisher(MemoryAlertPublisher):
    """The shipped publisher, plus failures to inject: the next `fail_next` publishes raise."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_next = 0

    def publish(self, alert: Alert, within: float | None = None) -> str:
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("injected publish failure")
        return super().publish(alert)


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
        # Its id in the text: generated mentions are not near-identical ("x3 similar") by accident.
        text=text or f"a mention scored {score:+.2f}, {native}",
        url=f"https://example.test/{source}/{native}",
        author=Author(id=handle, handle=handle),
    )
    unscored = Sentiment(label=None, score=0.0, language="fr")
    sentiment = Sentiment(label=label, score=score) if scored else unscored
    return ScoredMention(brand_id=brand_id, mention=mention, sentiment=sentiment, influence=influence)
