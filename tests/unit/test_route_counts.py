"""The hourly count per source counts a mention under the source whose poll first stored it: App
Store Connect's reviews are App Store mentions (one identity with the RSS feed's), yet the ones it
reads first count as `appstore_connect` (the export's mentions_appstore_connect, the digest, the
silence check), and a review the other route stored already is counted by neither again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from repmon.adapters.dynamo_items import aggregate_delta
from repmon.domain.brand import Brand
from repmon.domain.models import Mention, ScoredMention, Sentiment
from repmon.ports import PollJob
from repmon.services.collect import Collector
from tests.fakes import (
    InMemoryCursorStore,
    InMemoryMentionStore,
    InMemoryWatchlist,
    KeywordScorer,
    ScriptedSource,
)

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
APP = {"app_id": "123456789"}
ACME = Brand.model_validate(
    {
        "id": "acme",
        "name": "Acme Air",
        "query": '"acme air"',
        "sources": {"appstore": APP, "appstore_connect": APP},
    }
)


def review(n: int, minutes: int) -> Mention:
    """An App Store review as both routes give it: source appstore, the cross-route id."""
    return Mention("appstore", f"ar{n:024x}", T0 + timedelta(minutes=minutes), "crashes on login", rating=1)


def test_a_review_first_read_through_app_store_connect_counts_there_and_the_feeds_copy_not_again():
    first_by_connect, first_by_feed = review(1, 5), review(2, 10)
    rss = ScriptedSource("appstore", [first_by_connect, first_by_feed])
    connect = ScriptedSource("appstore_connect", [first_by_connect])
    store = InMemoryMentionStore()
    sources = {"appstore": rss, "appstore_connect": connect}
    collector = Collector(InMemoryWatchlist([ACME]), sources, InMemoryCursorStore(), store, KeywordScorer())

    asc = collector.collect(PollJob("acme", "appstore_connect", T0 + timedelta(minutes=6)))
    feed = collector.collect(PollJob("acme", "appstore", T0 + timedelta(minutes=11)))
    connect.mentions.append(first_by_feed)
    again = collector.collect(PollJob("acme", "appstore_connect", T0 + timedelta(minutes=12)))

    assert (asc.stored, feed.stored, feed.duplicates, again.stored, again.duplicates) == (1, 1, 1, 0, 1)
    (hour,) = store.aggregates.values()
    assert (hour.mentions, hour.by_source) == (2, {"appstore_connect": 1, "appstore": 1})
    assert {sm.mention.source for sm in store.items.values()} == {"appstore"}  # one identity, as before


def test_the_hourly_delta_counts_the_route_when_it_differs_from_the_mentions_source():
    sentiment = Sentiment(label="negative", score=-0.5)
    plain = ScoredMention("acme", review(1, 0), sentiment, 0.0)
    routed = ScoredMention("acme", review(2, 0), sentiment, 0.0, route="appstore_connect")
    delta = aggregate_delta([plain, routed])
    assert (delta["source_appstore"], delta["source_appstore_connect"], delta["mentions"]) == (1, 1, 2)
