"""The brand's own Bluesky posts are read from its feed (getAuthorFeed), whatever they say, so its
replies are seen even when they never name the brand; an account that cannot be read is noted."""

from __future__ import annotations

from datetime import timedelta

from pydantic import SecretStr

from repmon.adapters.memory import MemoryMentionStore
from repmon.adapters.secrets import BlueskyCredentials
from repmon.adapters.sources.bluesky import BlueskySource, XrpcSession
from repmon.domain.models import Reply
from repmon.domain.replies import status_of
from repmon.localstack.fakes.bluesky import add_bluesky_post
from repmon.ports import PollJob
from repmon.services.collect import Collector
from tests.fakes import InMemoryCursorStore, InMemoryWatchlist, KeywordScorer
from tests.integration.conftest import NOW

CREDS = BlueskyCredentials(identifier="reader.example.com", app_password=SecretStr("abcd-efgh-ijkl-mnop"))


def test_an_own_reply_without_the_brand_name_answers_its_parent(world, fake, session, make_brand):  # type: ignore[no-untyped-def]
    at = NOW - timedelta(hours=1)
    complaint = add_bluesky_post(world, text="Acme lost my bag, awful", handle="kim.bsky.social", created=at)
    other = add_bluesky_post(world, text="Acme app down, terrible", handle="bob.bsky.social", created=at)
    answer = add_bluesky_post(
        world,
        text="So sorry Kim, DM us",
        handle="acme.com",
        created=at + timedelta(minutes=12),
        parent=complaint,
    )
    add_bluesky_post(world, text="Our spring sale starts today", handle="acme.com", created=at)
    brand = make_brand(bluesky={"enabled": True, "own_accounts": ["@Acme.com"]})
    source = BlueskySource(XrpcSession(fake.base_url, CREDS, session))
    store = MemoryMentionStore()
    collector = Collector(
        InMemoryWatchlist([brand]), {"bluesky": source}, InMemoryCursorStore(), store, KeywordScorer()
    )
    result = collector.collect(PollJob("acme", "bluesky", NOW))
    stored = {key: sm.mention for (_, key), sm in store.items.items()}
    rkey = answer.rsplit("/", 1)[1]
    assert stored[f"bluesky#{complaint}"].reply == Reply(
        at + timedelta(minutes=12), f"https://bsky.app/profile/acme.com/post/{rkey}"
    )
    assert status_of(stored[f"bluesky#{other}"]) == "unanswered"
    assert status_of(stored[f"bluesky#{answer}"]) == "own" and result.errors == ()
    assert world.requests_to("getAuthorFeed")[0].query["actor"] == "acme.com"


def test_an_own_account_that_cannot_be_read_is_noted_and_the_rest_stored(world, fake, session, make_brand):  # type: ignore[no-untyped-def]
    add_bluesky_post(world, text="Acme lost my bag", created=NOW - timedelta(minutes=5))
    brand = make_brand(bluesky={"enabled": True, "own_accounts": ["gone.example.com"]})
    page = BlueskySource(XrpcSession(fake.base_url, CREDS, session)).fetch(brand, None, NOW)
    assert len(page.mentions) == 1
    assert [e for e in page.errors if "own account gone.example.com not read" in e]
