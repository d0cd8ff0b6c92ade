"""The brand's own Mastodon posts are read by account (lookup, then its statuses since the cursor),
whatever they say, and each reply's parent is resolved from the instance's local id to its uri, so
the post it answers is marked replied; an account that cannot be read is noted."""

from __future__ import annotations

from datetime import timedelta

from pydantic import SecretStr

from repmon.adapters.memory import MemoryMentionStore
from repmon.adapters.sources.mastodon import Instance, MastodonSource
from repmon.domain.replies import status_of
from repmon.localstack.fakes.mastodon import add_toot, instance_url
from repmon.ports import PollJob
from repmon.services.collect import Collector
from tests.fakes import InMemoryCursorStore, InMemoryWatchlist, KeywordScorer
from tests.integration.conftest import NOW

HOSTS = ("alpha.example", "beta.example")


def _source(fake, session):  # type: ignore[no-untyped-def]
    instances = {
        h: Instance(url=instance_url(fake.base_url, h.split(".")[0]), token=SecretStr("t")) for h in HOSTS
    }
    return MastodonSource(instances, session)


def test_an_own_reply_without_the_brand_name_answers_its_parent(world, fake, session, make_brand):  # type: ignore[no-untyped-def]
    at = NOW - timedelta(hours=1)
    complaint = add_toot(world, html="Acme lost my bag, awful", author="kim", home="beta.example", created=at)
    other = add_toot(world, html="Acme app is down, terrible", author="bob", home="beta.example", created=at)
    answer = add_toot(
        world,
        html="So sorry Kim, DM us",
        author="acme",
        home="alpha.example",
        created=at + timedelta(minutes=7),
        parent=complaint,
    )
    own = {"instances": list(HOSTS), "own_accounts": ["@Acme@alpha.example"]}
    brand = make_brand("acme", mastodon=own)
    store = MemoryMentionStore()
    source = _source(fake, session)
    result = Collector(
        InMemoryWatchlist([brand]), {"mastodon": source}, InMemoryCursorStore(), store, KeywordScorer()
    ).collect(PollJob("acme", "mastodon", NOW))
    stored = {key: sm.mention for (_, key), sm in store.items.items()}
    reply = stored[f"mastodon#{complaint}"].reply
    assert reply is not None and reply.at == at + timedelta(minutes=7)
    assert status_of(stored[f"mastodon#{other}"]) == "unanswered"
    assert status_of(stored[f"mastodon#{answer}"]) == "own" and result.errors == ()


def test_an_own_account_that_cannot_be_read_is_noted_and_the_rest_stored(world, fake, session, make_brand):  # type: ignore[no-untyped-def]
    add_toot(
        world, html="Acme lost my bag", author="kim", home="beta.example", created=NOW - timedelta(minutes=5)
    )
    brand = make_brand("acme", mastodon={"instances": list(HOSTS), "own_accounts": ["gone@alpha.example"]})
    page = _source(fake, session).fetch(brand, None, NOW)
    assert len(page.mentions) == 1
    assert [e for e in page.errors if "own account gone@alpha.example not read on alpha.example" in e]
