"""The brand's own Reddit comments are read from each own account's listing (/user/<name>/comments),
whatever they say, so its replies are seen even when they never name the brand; an account Reddit
does not serve is noted and the poll goes on."""

from __future__ import annotations

from datetime import timedelta

from repmon.adapters.memory import MemoryMentionStore
from repmon.adapters.sources.reddit import PrawRedditSource
from repmon.domain.replies import status_of
from repmon.ports import PollJob
from repmon.services.collect import Collector
from tests.fakes import InMemoryCursorStore, InMemoryWatchlist, KeywordScorer
from tests.integration.conftest import NOW


def test_an_own_reply_without_the_brand_name_answers_its_post(world, fake, reddit, make_brand):  # type: ignore[no-untyped-def]
    at = NOW - timedelta(hours=1)
    post = world.add_reddit_post(title="Acme lost my bag, awful", created=at)
    other = world.add_reddit_post(title="Acme app is down, terrible", created=at)
    answer = world.add_reddit_comment(
        body="So sorry, please DM us",
        author="AcmeHelp",
        link_id=f"t3_{post}",
        created=at + timedelta(minutes=9),
    )
    world.add_reddit_comment(body="unrelated", author="someone", created=at)
    brand = make_brand(reddit={"own_accounts": ["u/acmehelp"]})
    store = MemoryMentionStore()
    source = PrawRedditSource(reddit)
    result = Collector(
        InMemoryWatchlist([brand]), {"reddit": source}, InMemoryCursorStore(), store, KeywordScorer()
    ).collect(PollJob("acme", "reddit", NOW))
    stored = {key: sm.mention for (_, key), sm in store.items.items()}
    reply = stored[f"reddit#t3_{post}"].reply
    assert reply is not None and reply.at == at + timedelta(minutes=9)
    assert status_of(stored[f"reddit#t3_{other}"]) == "unanswered"
    assert status_of(stored[f"reddit#t1_{answer}"]) == "own" and result.errors == ()
    assert world.requests_to("/user/acmehelp/comments")


def test_an_own_account_reddit_does_not_serve_is_noted(world, fake, reddit, make_brand):  # type: ignore[no-untyped-def]
    world.add_reddit_post(title="Acme lost my bag", created=NOW - timedelta(minutes=5))
    brand = make_brand(reddit={"own_accounts": ["nobody_here"], "include_comments": False})
    page = PrawRedditSource(reddit).fetch(brand, None, NOW)
    assert len(page.mentions) == 1
    assert "reddit: own account u/nobody_here not read (NotFound)" in page.errors
