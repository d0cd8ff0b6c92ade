"""Collect: cursor → source → match → score → store → cursor, and nothing is lost when a step fails."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from repmon.domain.brand import Brand
from repmon.domain.errors import JobUnfinished, UnknownSource
from repmon.domain.models import Mention, Sentiment
from repmon.domain.sources.reddit import RedditSettings
from repmon.ports import PollJob
from repmon.runtime.job_budget import JobBudget
from repmon.services.collect import Collector
from tests.fakes import (
    InMemoryCursorStore,
    InMemoryMentionStore,
    InMemoryWatchlist,
    KeywordScorer,
    ScriptedSource,
)

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
ACME = Brand.model_validate(
    {
        "id": "acme",
        "name": "Acme Air",
        "query": '"acme air" OR @acmeair -anvil',
        "sources": {"appstore": {"app_id": "123456789"}},
    }
)


def mention(
    n: int, text: str, minutes: int = 0, source: str = "reddit", rating: int | None = None
) -> Mention:
    return Mention(
        source=source, native_id=str(n), created_at=T0 + timedelta(minutes=minutes), text=text, rating=rating
    )


def world(
    *mentions: Mention, limit: int = 100
) -> tuple[Collector, ScriptedSource, InMemoryMentionStore, InMemoryCursorStore]:
    reddit = ScriptedSource("reddit", mentions, limit=limit)
    appstore = ScriptedSource("appstore", [m for m in mentions if m.source == "appstore"])
    reddit.mentions = [m for m in mentions if m.source == "reddit"]
    store, cursors = InMemoryMentionStore(), InMemoryCursorStore()
    collector = Collector(
        InMemoryWatchlist([ACME]), {"reddit": reddit, "appstore": appstore}, cursors, store, KeywordScorer()
    )
    return collector, reddit, store, cursors


def job(source: str = "reddit", minutes: int = 60) -> PollJob:
    return PollJob("acme", source, T0 + timedelta(minutes=minutes))


def test_given_mentions_when_collected_then_only_those_matching_the_query_are_scored_and_stored():
    collector, _, store, cursors = world(
        mention(1, "@acmeair lost my bag, awful"),
        mention(2, "acme air was great, thanks", minutes=1),
        mention(3, "@acmeair dropped an anvil", minutes=2),
        mention(4, "nothing to do with us", minutes=3),
    )
    result = collector.collect(job())
    assert (result.fetched, result.matched, result.stored) == (4, 2, 2)
    labels = {sm.mention.native_id: sm.sentiment.label for sm in store.items.values()}
    assert labels == {"1": "negative", "2": "positive"}
    assert cursors.get("acme", "reddit") == (T0 + timedelta(minutes=3)).isoformat()


def test_given_a_repoll_when_nothing_is_new_then_nothing_is_stored_twice():
    collector, source, store, _ = world(mention(1, "@acmeair awful"))
    collector.collect(job())
    again = collector.collect(job(minutes=75))
    assert (again.fetched, again.stored) == (0, 0)
    assert source.calls[1] == T0.isoformat()
    assert len(store.items) == 1


def test_given_the_store_fails_when_collecting_then_the_cursor_does_not_move_and_the_retry_stores_all():
    collector, _, store, cursors = world(*(mention(i, f"@acmeair post {i}", minutes=i) for i in range(5)))
    store.fail_after = 2
    with pytest.raises(RuntimeError):
        collector.collect(job())
    assert cursors.get("acme", "reddit") is None
    store.fail_after = None
    result = collector.collect(job())
    assert (result.stored, result.duplicates) == (3, 2)
    assert len(store.items) == 5
    assert sum(a.mentions for a in store.aggregates.values()) == 5


def test_given_more_than_the_per_run_bound_when_collecting_then_the_next_run_continues_where_it_stopped():
    collector, _, store, _ = world(*(mention(i, f"@acmeair {i}", minutes=i) for i in range(7)), limit=3)
    assert collector.collect(job()).truncated
    collector.collect(job(minutes=61))
    collector.collect(job(minutes=62))
    assert len(store.items) == 7


def test_app_store_reviews_are_about_the_brand_by_construction_and_keep_their_rating():
    collector, _, store, _ = world(mention(1, "Polite words, lovely staff", source="appstore", rating=1))
    assert collector.collect(job("appstore")).stored == 1
    [sm] = store.items.values()
    assert sm.sentiment.label == "negative"  # the fake scorer blends the 1-star rating


def test_given_a_brand_removed_since_planning_when_collecting_then_nothing_happens():
    collector, source, _, _ = world(mention(1, "@acmeair"))
    result = collector.collect(PollJob("gone", "reddit", T0))
    assert result.fetched == 0 and source.calls == []


def test_given_a_source_disabled_since_planning_when_collecting_then_it_is_not_polled():
    collector, source, store, cursors = world(mention(1, "@acmeair"))
    off = ACME.model_copy(
        update={"sources": ACME.sources.model_copy(update={"reddit": RedditSettings(enabled=False)})}
    )
    collector.watchlist.replace([off])  # type: ignore[attr-defined]
    result = collector.collect(job())
    assert (result.fetched, result.stored) == (0, 0)
    assert source.calls == [] and not store.items and cursors.get("acme", "reddit") is None


def test_given_an_unknown_source_when_collecting_then_a_domain_error_names_it():
    collector, *_ = world()
    with pytest.raises(UnknownSource, match="mastodon"):
        collector.collect(job("mastodon"))


def test_each_mention_carries_its_authors_influence_as_of_the_poll():
    from repmon.domain.models import Author, Engagement
    from repmon.domain.source_registry import influence

    known = Mention(
        source="reddit",
        native_id="9",
        created_at=T0,
        text="@acmeair awful",
        author=Author(id="u", handle="big", karma=250_000, account_created_at=T0 - timedelta(days=2000)),
        engagement=Engagement(score=900, comments=120),
        community_size=2_000_000,
    )
    collector, _, store, _ = world(known, mention(1, "@acmeair awful too", minutes=1))
    collector.collect(job())
    stored = {sm.mention.native_id: sm.influence for sm in store.items.values()}
    assert stored["9"] == influence(known, T0 + timedelta(minutes=60)) and stored["9"] > 60
    assert stored["1"] < stored["9"]  # no signals: the floor


def test_whoever_scores_a_mention_scores_and_stores_it_within_the_text_caps():
    from repmon.domain.models import MAX_TEXT_CHARS, MAX_TITLE_CHARS
    from repmon.services.collect import score_mention

    long = Mention(source="reddit", native_id="1", created_at=T0, text="awful " * 5_000, title="t" * 1_000)
    sm = score_mention("acme", long, KeywordScorer(), T0)  # the backtest and replay path, no collector
    assert (len(sm.mention.text), len(sm.mention.title)) == (MAX_TEXT_CHARS, MAX_TITLE_CHARS)


class SlowScorer(KeywordScorer):
    """Each score takes `seconds` of a fake clock: a loaded machine scoring long texts."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.now, self.scored = seconds, 0.0, 0

    def score(self, text: str, rating: int | None = None) -> Sentiment:
        self.now += self.seconds
        self.scored += 1
        return super().score(text, rating)


def test_a_page_that_cannot_be_scored_in_time_stores_what_was_scored_and_is_retried():
    # Given 20 matching mentions, each taking 0.1 s to score, and a job with 1 s left to score them
    page = [mention(n, f"@acmeair flight {n} was awful", minutes=n) for n in range(20)]
    collector, _, store, cursors = world(*page)
    slow = SlowScorer(0.1)
    collector = replace(collector, scorer=slow)
    # When it is collected / Then it stops in time, keeps what it scored and leaves the cursor
    with pytest.raises(JobUnfinished) as unfinished:
        collector.collect(job(), time_left=lambda: 1.0 - slow.now)
    assert slow.now <= 1.0 + 0.1 and 0 < len(store.items) < 20
    assert unfinished.value.stored == len(store.items)
    assert cursors.get("acme", "reddit") is None
    # When SQS retries it with time enough / Then every mention is stored, once, and the cursor moves
    result = collector.collect(job(), time_left=lambda: 60.0 - slow.now)
    assert len(store.items) == 20 and result.stored + unfinished.value.stored == 20
    assert sum(a.mentions for a in store.aggregates.values()) == 20
    assert cursors.get("acme", "reddit") == (T0 + timedelta(minutes=19)).isoformat()


def test_the_job_budget_stops_scoring_before_the_jobs_store_reserve():
    # Given a 30 s job share with 10 s kept to score and store, and a page too slow to score in it
    slow = SlowScorer(1.0)
    budget = JobBudget(lambda: 300_000, jobs=1, min_seconds=30, store_seconds=10)
    collector, _, store, cursors = world(*(mention(n, f"@acmeair awful {n}", minutes=n) for n in range(40)))
    collector = replace(collector, scorer=slow)
    # When it is collected within that share
    with budget.requests_within(30, clock=lambda: slow.now) as scoring_left, pytest.raises(JobUnfinished):
        collector.collect(job(), scoring_left)
    # Then scoring stopped 5 s before the job's end (half the reserve is for the store and cursor)
    assert slow.now == 25 and len(store.items) == 25 and cursors.get("acme", "reddit") is None
