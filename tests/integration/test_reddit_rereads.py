"""Reddit engagement re-reads through the real praw client against the fake API: after each poll the
collector asks /api/info for its recent negatives (100 a call), their counts and influence grow;
a post Reddit no longer serves is left as it was."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from repmon.adapters.memory import MemoryMentionStore
from repmon.adapters.memory_engagement import MemoryEngagementStore
from repmon.adapters.sources.reddit import PrawRedditSource
from repmon.ports import PollJob
from repmon.services.collect import Collector
from tests.fakes import InMemoryCursorStore, InMemoryWatchlist, KeywordScorer
from tests.integration.conftest import NOW


def test_a_complaint_is_read_again_after_the_next_poll_and_its_reach_grows(world, fake, reddit, make_brand):  # type: ignore[no-untyped-def]
    at = NOW - timedelta(hours=1)
    bad = world.add_reddit_post(title="Acme lost my bag, awful", created=at)
    gone = world.add_reddit_post(title="Acme app is down, terrible", created=at)
    brand = make_brand()
    store = MemoryMentionStore()
    collector = Collector(
        InMemoryWatchlist([brand]),
        {"reddit": PrawRedditSource(reddit)},
        InMemoryCursorStore(),
        store,
        KeywordScorer(),
        engagement=MemoryEngagementStore(store),
    )
    collector.collect(PollJob("acme", "reddit", NOW))
    before = store.items[("acme", f"reddit#t3_{bad}")]
    # When the post spreads and the other is removed, and the next poll runs
    world.posts[bad] = dataclasses.replace(world.posts[bad], score=2500, num_comments=900)
    del world.posts[gone]
    result = collector.collect(PollJob("acme", "reddit", NOW + timedelta(minutes=5)))
    # Then one /api/info call read both ids, the spreading one grew, the removed one is as it was
    [call] = world.requests_to("/api/info")
    assert set(call.query["id"].split(",")) == {f"t3_{bad}", f"t3_{gone}"}
    after = store.items[("acme", f"reddit#t3_{bad}")]
    assert (after.mention.engagement.score, after.mention.engagement.comments) == (2500, 900)
    assert after.influence > before.influence and result.rereads == 1 and result.reread_updated == 1
