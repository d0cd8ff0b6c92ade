"""Ingestion health: silence learnt from the brand's own rhythm, failing polls, stuck cursors and
dead letters, each announced once per crossing (kind=ops) and re-armed when over."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from repmon.adapters.memory_notices import (
    MemoryDeadLetters,
    MemoryNoticeLedger,
    MemoryNoticePublisher,
    MemoryPollHealth,
)
from repmon.domain.brand import Brand
from repmon.domain.errors import SourceUnavailable
from repmon.domain.models import Mention
from repmon.domain.notices import OPS
from repmon.ports import PollJob
from repmon.services.collect import Collector
from repmon.services.ingestion import IngestionDeps, check_ingestion
from tests.fakes import (
    FixedClock,
    InMemoryCursorStore,
    InMemoryMentionStore,
    InMemoryWatchlist,
    KeywordScorer,
    ScriptedSource,
    scored_mention,
)

AT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
# Only Reddit and Hacker News are on (the other sources are off by default or need an app id).
BRAND = Brand(id="acme", name="Acme Air", query="acme")


class World:
    def __init__(self, *brands: Brand, dead: dict[str, int] | None = None) -> None:
        self.brands = list(brands or [BRAND])
        self.store = InMemoryMentionStore()
        self.health = MemoryPollHealth()
        self.queues = MemoryDeadLetters(dead)
        self.publisher = MemoryNoticePublisher()
        self.ledger = MemoryNoticeLedger(FixedClock(AT))
        self.deps = IngestionDeps(self.store, self.health, self.queues, self.ledger, self.publisher)

    def every(self, step: timedelta, until: datetime, source: str = "reddit", brand: str = "acme") -> None:
        """One mention every `step` over the 14 days before `until`."""
        t, n = until - timedelta(days=14), 0
        while t < until:
            self.store.save([scored_mention(brand, t, 0.3, source=source, native_id=f"{source}{n}")])
            t, n = t + step, n + 1

    def run(self, at: datetime = AT) -> list[str]:
        result = check_ingestion(self.brands, at, self.deps)
        assert result.errors == ()
        return [f"{n.brand_id or '-'} {n.rule} {n.document['source']}" for n in result.sent]


def test_a_busy_source_that_goes_quiet_for_6_hours_pages_once_and_rearms_when_it_speaks():
    world = World()
    world.every(HOUR, AT - 7 * HOUR)  # hourly for two weeks, then nothing for 7 hours
    assert world.run(AT - 2 * HOUR) == []  # 5 hours: within the 6-hour floor
    assert world.run(AT) == ["acme source_silent reddit"]
    notice = world.publisher.published[0]
    assert notice.kind == OPS and notice.subject == "[OPS] Acme Air: reddit silent"
    assert "no mention from reddit for 7 h (since 2026-11-20T05:00:00Z)" in notice.text
    assert "its usual for this brand allows 6 h" in notice.text
    assert world.run(AT + HOUR) == []  # still silent: announced already
    world.store.save([scored_mention("acme", AT + HOUR, 0.3, native_id="back")])
    assert world.run(AT + 2 * HOUR) == []  # over: re-armed
    assert world.ledger.state("acme", "ops#source_silent#reddit").firing is False


def test_a_quiet_brand_on_hacker_news_does_not_page_for_days_without_a_mention():
    world = World()
    world.every(timedelta(days=2), AT - timedelta(days=2), source="hackernews")  # every other day
    assert world.run(AT) == []  # four days quiet (less an hour): its usual allows 2 x 2 days
    assert world.run(AT + timedelta(days=1)) == ["acme source_silent hackernews"]  # five: it does


def test_a_source_with_too_few_mentions_to_have_a_rhythm_never_pages():
    world = World()
    world.every(timedelta(days=5), AT, source="hackernews")  # 3 in 14 days
    assert world.run(AT + timedelta(days=3)) == []


def test_a_quiet_brand_whose_mentions_came_in_one_burst_does_not_page_when_the_burst_is_over():
    # Given a brand Hacker News mentioned only in one thread: every hour for 10 hours, 10 days ago
    world = World()
    burst = AT - timedelta(days=10)
    world.store.save(
        [
            scored_mention("acme", burst + n * HOUR, -0.3, source="hackernews", native_id=f"hn{n}")
            for n in range(10)
        ]
    )
    # Then its silence since is not a broken source: one burst is no rhythm (its gaps were an hour)
    assert world.run(AT) == []


def test_failing_polls_page_once_at_the_threshold_and_rearm_after_a_success():
    world = World()
    for n in range(4):
        world.health.failed("acme", "hackernews", AT - timedelta(minutes=5 * n), "SourceUnavailable: 503")
    assert world.run() == []
    world.health.failed("acme", "hackernews", AT, "SourceUnavailable: hackernews unavailable: 503")
    assert world.run() == ["acme poll_failing hackernews"]
    assert "5 polls of hackernews failed in a row; no success yet" in world.publisher.published[0].text
    world.health.failed("acme", "hackernews", AT, "again")
    assert world.run(AT + HOUR) == []
    world.health.succeeded("acme", "hackernews", AT + HOUR, stuck=False)
    world.run(AT + HOUR)
    for _ in range(5):
        world.health.failed("acme", "hackernews", AT + 2 * HOUR, "again")
    assert world.run(AT + 2 * HOUR) == ["acme poll_failing hackernews"]


def test_a_cursor_stuck_for_6_hours_pages():
    world = World()
    world.health.succeeded("acme", "reddit", AT - 6 * HOUR, stuck=True)
    world.health.succeeded("acme", "reddit", AT - HOUR, stuck=True)  # the run's first poll is kept
    assert world.run(AT - timedelta(minutes=1)) == []
    assert world.run(AT) == ["acme cursor_stuck reddit"]


def test_dead_letters_page_once_per_filling_of_a_queue():
    world = World(dead={"repmon-PollJobDeadLetterQueue.fifo": 2})
    assert world.run() == ["- dead_letters repmon-PollJobDeadLetterQueue.fifo"]
    assert world.publisher.published[0].subject == "[OPS] poll jobs in repmon-PollJobDeadLetterQueue.fifo"
    assert world.run(AT + HOUR) == []
    world.queues.queues["repmon-PollJobDeadLetterQueue.fifo"] = 0
    world.run(AT + 2 * HOUR)
    world.queues.queues["repmon-PollJobDeadLetterQueue.fifo"] = 1
    assert world.run(AT + 3 * HOUR) == ["- dead_letters repmon-PollJobDeadLetterQueue.fifo"]


def test_a_failed_publish_is_sent_by_the_next_run_under_the_same_id_and_never_twice():
    world = World(dead={"dlq": 3})
    world.publisher.fail_next = 1
    first = check_ingestion(world.brands, AT, world.deps)
    assert first.sent == () and "publish failed" in first.errors[0]
    again = check_ingestion(world.brands, AT + timedelta(minutes=15), world.deps)
    assert len(again.sent) == 1 and again.errors == ()
    assert again.sent[0].notice_id == world.ledger.state("", "ops#dead_letters#dlq").notice_id
    assert check_ingestion(world.brands, AT + timedelta(minutes=30), world.deps).sent == ()


def test_a_brand_with_checks_off_is_not_checked():
    world = World(
        Brand.model_validate({"id": "acme", "name": "Acme", "query": "acme", "ingestion": {"enabled": False}})
    )
    for _ in range(9):
        world.health.failed("acme", "reddit", AT, "x")
    assert world.run() == []


T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _collector(source: ScriptedSource, health: MemoryPollHealth) -> Collector:
    return Collector(
        InMemoryWatchlist([BRAND]),
        {"reddit": source},
        InMemoryCursorStore(),
        InMemoryMentionStore(),
        KeywordScorer(),
        health,
    )


def test_the_collector_notes_failures_in_a_row_and_a_success_ends_them():
    health = MemoryPollHealth()
    source = ScriptedSource("reddit", [Mention("reddit", "1", T0, "acme is great")])
    collector = _collector(source, health)
    source.fail_with = SourceUnavailable("reddit", "503")
    for minutes in (5, 10):
        with contextlib.suppress(SourceUnavailable):
            collector.collect(PollJob("acme", "reddit", T0 + timedelta(minutes=minutes)))
    [noted] = health.of_brand("acme")
    assert (noted.failures, noted.last_failure, noted.last_success) == (2, T0 + timedelta(minutes=10), None)
    assert noted.last_error == "SourceUnavailable: reddit unavailable: 503"
    source.fail_with = None
    collector.collect(PollJob("acme", "reddit", T0 + timedelta(minutes=15)))
    [noted] = health.of_brand("acme")
    assert (noted.failures, noted.last_success, noted.stuck_since) == (0, T0 + timedelta(minutes=15), None)


def test_the_collector_notes_a_poll_with_more_to_read_whose_cursor_did_not_move_as_stuck():
    health = MemoryPollHealth()
    source = ScriptedSource("reddit", [Mention("reddit", str(n), T0, f"acme {n}") for n in range(3)], limit=1)
    collector = _collector(source, health)

    class Wedged(ScriptedSource):  # answers a full page but never a new cursor
        def fetch(self, brand, cursor, now):  # type: ignore[no-untyped-def]
            return replace(super().fetch(brand, cursor, now), cursor=cursor)

    wedged = Wedged("reddit", source.mentions, limit=1)
    collector = replace(collector, sources={"reddit": wedged})
    for minutes in (5, 10):
        assert collector.collect(PollJob("acme", "reddit", T0 + timedelta(minutes=minutes))).truncated
    [noted] = health.of_brand("acme")
    assert noted.stuck_since == T0 + timedelta(minutes=5)
    moving = replace(collector, sources={"reddit": source})
    moving.collect(PollJob("acme", "reddit", T0 + timedelta(minutes=15)))
    assert health.of_brand("acme")[0].stuck_since is None


def test_a_health_store_that_fails_never_fails_the_poll():
    class Broken(MemoryPollHealth):
        def succeeded(self, brand_id, source, at, *, stuck):  # type: ignore[no-untyped-def]
            raise RuntimeError("throttled")

    source = ScriptedSource("reddit", [Mention("reddit", "1", T0, "acme is great")])
    result = _collector(source, Broken()).collect(PollJob("acme", "reddit", T0 + HOUR))
    assert result.stored == 1
    assert result.errors == ("poll health not recorded: RuntimeError: throttled",)


def test_an_app_store_feed_whose_reviews_app_store_connect_stored_first_is_not_silent():
    app = {"app_id": "123456789"}
    brand = Brand.model_validate(
        {
            "id": "acme",
            "name": "Acme Air",
            "query": "acme",
            "sources": {"appstore": app, "appstore_connect": app},
        }
    )
    world = World(brand)
    world.every(HOUR, AT - 7 * HOUR, source="appstore")  # two weeks through the RSS feed first
    # Then the owner's API reads each review first: counted under it, the feed's copy a duplicate
    for n in range(7):
        sm = scored_mention("acme", AT - (7 - n) * HOUR, 0.3, source="appstore", native_id=f"c{n}")
        world.store.save([replace(sm, route="appstore_connect")])
    assert world.run(AT) == []  # one review identity: neither route went quiet
