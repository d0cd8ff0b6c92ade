"""The brand's own Hacker News comments are read by author (Algolia's author_ tag), whatever they say,
so its replies are seen even when they never name the brand; the collector then records them."""

from __future__ import annotations

from datetime import timedelta

from repmon.adapters.memory import MemoryMentionStore
from repmon.adapters.sources.hackernews import AlgoliaHackerNewsSource
from repmon.domain.models import Reply
from repmon.domain.replies import status_of
from repmon.ports import PollJob
from repmon.services.collect import Collector
from tests.fakes import InMemoryCursorStore, InMemoryWatchlist, KeywordScorer
from tests.integration.conftest import NOW


def test_an_own_reply_without_the_brand_name_is_read_and_answers_its_parent(world, fake, session, make_brand):  # type: ignore[no-untyped-def]
    at = NOW - timedelta(hours=2)
    story = world.add_hn_item(title="Acme lost my data, awful", created=at)
    other = world.add_hn_item(title="Acme is down again, terrible", created=at)
    answer = world.add_hn_item(
        kind="comment",
        text="Sorry, we are on it",
        author="AcmeHQ",
        story_id=int(story),
        created=at + timedelta(minutes=20),
    )
    world.add_hn_item(kind="comment", text="unrelated chatter", author="AcmeHQ2", created=at)
    brand = make_brand(hackernews={"own_accounts": ["AcmeHQ"]})
    source = AlgoliaHackerNewsSource(fake.hackernews_url, session, hits_per_page=100)
    page = source.fetch(brand, None, NOW)
    assert {m.native_id for m in page.mentions} == {story, other, answer}
    assert [r.query["tags"] for r in world.requests_to("/search_by_date")][-1] == "comment,author_AcmeHQ"
    store = MemoryMentionStore()
    collector = Collector(
        InMemoryWatchlist([brand]), {"hackernews": source}, InMemoryCursorStore(), store, KeywordScorer()
    )
    collector.collect(PollJob("acme", "hackernews", NOW))
    stored = {key: sm.mention for (_, key), sm in store.items.items()}
    assert stored[f"hackernews#{story}"].reply == Reply(
        at + timedelta(minutes=20), f"https://news.ycombinator.com/item?id={answer}"
    )
    assert status_of(stored[f"hackernews#{other}"]) == "unanswered"
    assert status_of(stored[f"hackernews#{answer}"]) == "own"
