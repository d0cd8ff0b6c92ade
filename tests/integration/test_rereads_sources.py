"""Engagement re-reads of Hacker News (one search_by_date call with story_<id> tags, 50 stories)
and Bluesky (getPosts, 25 uris a call) through the real HTTP clients against the fake APIs: the next
poll's collector reads its recent negatives again and their counts and influence grow."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from pydantic import SecretStr

from repmon.adapters.memory import MemoryMentionStore
from repmon.adapters.memory_engagement import MemoryEngagementStore
from repmon.adapters.secrets import BlueskyCredentials
from repmon.adapters.sources.bluesky import BlueskySource, XrpcSession
from repmon.adapters.sources.hackernews import AlgoliaHackerNewsSource
from repmon.localstack.fakes.bluesky import add_bluesky_post, set_bluesky_engagement
from repmon.ports import MentionSource, PollJob
from repmon.services.collect import Collector
from tests.fakes import InMemoryCursorStore, InMemoryWatchlist, KeywordScorer
from tests.integration.conftest import NOW

CREDS = BlueskyCredentials(identifier="reader.example.com", app_password=SecretStr("abcd-efgh-ijkl-mnop"))


def _collector(brand, name: str, source: MentionSource, store: MemoryMentionStore) -> Collector:  # type: ignore[no-untyped-def]
    return Collector(
        InMemoryWatchlist([brand]),
        {name: source},
        InMemoryCursorStore(),
        store,
        KeywordScorer(),
        engagement=MemoryEngagementStore(store),
    )


def test_hacker_news_stories_are_read_again_in_one_search(world, fake, session, make_brand):  # type: ignore[no-untyped-def]
    at = NOW - timedelta(hours=1)
    story = world.add_hn_item(title="Acme lost my data, awful", created=at, points=3)
    other = world.add_hn_item(title="Acme is down again, terrible", created=at, points=2)
    store = MemoryMentionStore()
    collector = _collector(
        make_brand(), "hackernews", AlgoliaHackerNewsSource(fake.hackernews_url, session), store
    )
    collector.collect(PollJob("acme", "hackernews", NOW))
    world.hn_items[story] = dataclasses.replace(world.hn_items[story], points=480, num_comments=210)
    result = collector.collect(PollJob("acme", "hackernews", NOW + timedelta(minutes=5)))
    asked = [r.query for r in world.requests_to("/search_by_date") if "story_" in r.query.get("tags", "")]
    assert len(asked) == 1 and set(asked[0]["tags"].removeprefix("story,(").rstrip(")").split(",")) == {
        f"story_{story}",
        f"story_{other}",
    }
    grown = store.items[("acme", f"hackernews#{story}")]
    assert (grown.mention.engagement.score, grown.mention.engagement.comments) == (480, 210)
    assert result.rereads == 1 and result.reread_updated >= 1


def test_bluesky_posts_are_read_again_25_a_call(world, fake, session, make_brand):  # type: ignore[no-untyped-def]
    at = NOW - timedelta(hours=1)
    uris = [
        add_bluesky_post(world, text=f"Acme lost my bag, awful {n}", handle=f"p{n}.bsky.social", created=at)
        for n in range(30)
    ]
    store = MemoryMentionStore()
    source = BlueskySource(XrpcSession(fake.base_url, CREDS, session))
    collector = _collector(make_brand(bluesky={"enabled": True}), "bluesky", source, store)
    collector.collect(PollJob("acme", "bluesky", NOW))
    set_bluesky_engagement(world, uris[0], likes=700, reposts=150, replies=90)
    result = collector.collect(PollJob("acme", "bluesky", NOW + timedelta(minutes=5)))
    calls = world.requests_to("getPosts")
    assert [len(c.query.get("uris[]", c.query["uris"]).split("\n")) for c in calls] == [
        25,
        5,
    ] and result.rereads == 2
    grown = store.items[("acme", f"bluesky#{uris[0]}")].mention.engagement
    assert (grown.score, grown.shares, grown.comments) == (700, 150, 90)
