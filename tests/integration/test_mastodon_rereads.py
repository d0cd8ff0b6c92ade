"""Engagement re-reads of Mastodon (MastodonSource.refresh) through a real session against two fake
instances: a status is read on the instance it lives on (20 a call, or one by one on an instance
before 4.3), any other by its address; deleted ones are absent, 429s retried, the budget kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import SecretStr

from repmon.adapters.memory import MemoryMentionStore
from repmon.adapters.memory_engagement import MemoryEngagementStore
from repmon.adapters.sources.mastodon import Instance, MastodonSource
from repmon.domain.errors import SourceUnavailable
from repmon.domain.models import Engagement
from repmon.localstack.fakes.mastodon import (
    add_toot,
    delete_toot,
    instance_url,
    set_old_instance,
    set_rate_remaining,
    set_toot_engagement,
)
from repmon.ports import PollJob
from repmon.services.collect import Collector
from tests.fakes import InMemoryCursorStore, InMemoryWatchlist, KeywordScorer
from tests.integration.conftest import NOW

HOSTS = ("alpha.example", "beta.example")
BATCH_PATH = "/api/v1/statuses"


@pytest.fixture
def source(fake, session):
    instances = {
        h: Instance(url=instance_url(fake.base_url, h.split(".")[0]), token=SecretStr(f"tok-{h}"))
        for h in HOSTS
    }
    return MastodonSource(instances, session)


def _toot(
    world, n: int = 0, *, home: str = "alpha.example", favourites: int = 0, boosts: int = 0, replies: int = 0
) -> str:
    return add_toot(
        world,
        html=f"Acme Air lost my bag, awful {n}",
        home=home,
        created=NOW - timedelta(hours=1, minutes=n),
        favourites=favourites,
        boosts=boosts,
        replies=replies,
    )


def _batches(world, instance: str) -> list[list[str]]:
    """The id[] of each batch call made of the instance."""
    calls = [r for r in world.requests_to(f"/mastodon/{instance}") if r.path.endswith(BATCH_PATH)]
    return [r.query.get("id[][]", r.query.get("id[]", "")).split("\n") for r in calls]


def test_statuses_of_an_instance_are_read_there_20_a_call_with_their_counts(world, source):
    uris = [_toot(world, n, favourites=n, boosts=2 * n, replies=3) for n in range(20)]
    found = source.refresh(uris)
    assert source.batch == 20 and len(found) == 20
    assert found[uris[7]] == Engagement(score=7, comments=3, shares=14)
    [ids] = _batches(world, "alpha")
    assert sorted(ids) == sorted(u.rsplit("/", 1)[1] for u in uris)  # the uri's own local id
    assert world.requests_to("/mastodon/beta") == []


def test_a_deleted_status_is_absent_and_the_others_read(world, source):
    kept, gone = _toot(world, 1, favourites=5), _toot(world, 2, favourites=9)
    delete_toot(world, gone)
    assert source.refresh([kept, gone]) == {kept: Engagement(score=5)}


def test_a_status_of_the_second_instance_is_asked_of_that_instance(world, source):
    here, there = _toot(world, 1, favourites=4), _toot(world, 2, home="beta.example", boosts=6)
    found = source.refresh([here, there])
    assert found == {here: Engagement(score=4), there: Engagement(shares=6)}
    assert [len(b) for b in _batches(world, "alpha")] == [1] and [
        len(b) for b in _batches(world, "beta")
    ] == [1]


def test_an_instance_before_4_3_is_asked_one_by_one_from_then_on(world, source):
    uris = [_toot(world, n, replies=n) for n in range(3)]
    delete_toot(world, uris[2])
    set_old_instance(world, "alpha")
    assert source.refresh(uris) == {uris[0]: Engagement(), uris[1]: Engagement(comments=1)}
    source.refresh(uris[:1])
    paths = [r.path.removeprefix("/mastodon/alpha") for r in world.requests_to("/mastodon/alpha")]
    singles = [f"{BATCH_PATH}/{u.rsplit('/', 1)[1]}" for u in uris]
    assert paths == [BATCH_PATH, *singles, singles[0]]  # the 404 once, then one by one


def test_a_status_from_an_instance_without_a_token_is_looked_up_by_its_address(world, source):
    uri = _toot(world, 1, home="social.example", favourites=12, boosts=3)
    assert source.refresh([uri]) == {uri: Engagement(score=12, shares=3)}
    [lookup] = world.requests_to("/mastodon/alpha/api/v2/search")
    assert (lookup.query["q"], lookup.query["resolve"], lookup.query["type"]) == (uri, "true", "statuses")


def test_address_lookups_stop_at_their_bound_in_one_poll(world, source, make_brand):
    uris = [_toot(world, n, home="social.example", favourites=n) for n in range(3)]
    source.rereads.max_lookups = 2
    assert source.refresh(uris) == {uris[0]: Engagement(), uris[1]: Engagement(score=1)}
    assert len(world.requests_to("/api/v2/search")) == 2
    # The next poll (`for_brand`) has a bound of its own (never the wall clock: replays read the same)
    reader = source.for_brand(make_brand(mastodon={"instances": list(HOSTS)}), NOW)
    assert reader.refresh(uris[2:]) == {uris[2]: Engagement(score=2)}


def test_the_lookup_bound_and_the_spent_instances_are_a_polls_whatever_its_batches(world, source, make_brand):
    # services.rereads asks `for_brand` once a poll, then `refresh` for each batch of `batch` posts
    # (400 a poll, 20 calls of 20): the poll's bound of 50 lookups would otherwise be 20 x 20
    brand = make_brand(mastodon={"instances": list(HOSTS)})
    uris = [_toot(world, n, home="social.example", favourites=n) for n in range(4)]
    source.rereads.max_lookups = 3
    reader = source.for_brand(brand, NOW)
    found = reader.refresh(uris[:2]) | reader.refresh(uris[2:])
    assert found == {uris[n]: Engagement(score=n) for n in range(3)}
    assert len(world.requests_to("/api/v2/search")) == 3
    # An instance down to the polls' reserve is not asked again in that poll, whatever the batch
    set_rate_remaining(world, "alpha", 101)
    set_rate_remaining(world, "beta", 101)
    reader = source.for_brand(brand, NOW + timedelta(minutes=5))  # the next poll: a bound of its own
    assert reader.refresh(uris[3:]) == {uris[3]: Engagement(score=3)}
    assert reader.refresh(uris[:1]) == {uris[0]: Engagement()}  # beta, once
    assert reader.refresh(uris[1:2]) == {}  # both spent: it waits for a later poll
    assert len(world.requests_to("/mastodon/alpha/api/v2/search")) == 4
    assert len(world.requests_to("/mastodon/beta/api/v2/search")) == 1


def test_429_then_success(world, source):
    uri = _toot(world, 1, favourites=3)
    world.fail_next(1, status=429, retry_after=0, path="/mastodon/alpha")
    assert source.refresh([uri]) == {uri: Engagement(score=3)}
    assert [r.status for r in world.requests_to("/mastodon/alpha")] == [429, 200]


def test_an_instance_down_to_the_polls_reserve_is_not_asked_again(world, source):
    a, b = _toot(world, 1, home="social.example"), _toot(world, 2, home="social.example")
    set_rate_remaining(world, "alpha", 101)  # this call leaves 100: the polls' share
    set_rate_remaining(world, "beta", 101)
    c = _toot(world, 3, home="social.example")
    assert source.refresh([a, b, c]) == {a: Engagement(), b: Engagement()}  # one on each
    # Both spent: c waits for a later poll, which asks once to learn what is left
    assert len(world.requests_to("/mastodon/alpha")) == 1 and len(world.requests_to("/mastodon/beta")) == 1


def test_a_malformed_status_is_skipped_and_the_rest_read(world, source):
    uri = _toot(world, 1, favourites=2)
    world.malform_next(path=BATCH_PATH)
    assert source.refresh([uri]) == {uri: Engagement(score=2)}


def test_the_collector_reads_a_mastodon_complaint_again_and_it_grows(world, source, make_brand):
    uri = add_toot(
        world, html="Acme lost my bag, awful", home="beta.example", created=NOW - timedelta(hours=1)
    )
    store = MemoryMentionStore()
    brand = make_brand(mastodon={"instances": list(HOSTS)})
    collector = Collector(
        InMemoryWatchlist([brand]),
        {"mastodon": source},
        InMemoryCursorStore(),
        store,
        KeywordScorer(),
        engagement=MemoryEngagementStore(store),
    )
    collector.collect(PollJob("acme", "mastodon", NOW))
    before = store.items[("acme", f"mastodon#{uri}")]
    set_toot_engagement(world, uri, favourites=900, boosts=300, replies=120)
    result = collector.collect(PollJob("acme", "mastodon", NOW + timedelta(minutes=5)))
    grown = store.items[("acme", f"mastodon#{uri}")]
    assert (grown.mention.engagement.score, grown.mention.engagement.shares) == (900, 300)
    assert grown.mention.engagement.comments == 120 and grown.influence > before.influence
    assert result.rereads == 1 and result.reread_updated == 1
    assert [len(b) for b in _batches(world, "beta")] == [1]


def test_a_failing_instance_is_skipped_the_other_read_and_all_failing_is_an_error(world, source):
    here, there = _toot(world, 1, favourites=1), _toot(world, 2, home="beta.example", favourites=2)
    world.fail_next(6, status=503, path="/mastodon/alpha")
    assert source.refresh([here, there]) == {there: Engagement(score=2)}
    world.fail_next(6, status=503, path="/mastodon/beta")
    with pytest.raises(SourceUnavailable):
        source.refresh([there])


def test_a_non_mastodon_uri_on_one_of_our_hosts_is_looked_up_by_its_address(world, source):
    # Another server's software (a Misskey note) carries no Mastodon status id in its uri.
    uri = add_toot(
        world,
        html="Acme lost my bag, awful",
        uri="https://alpha.example/notes/9xk2",
        created=NOW - timedelta(hours=1),
        favourites=8,
    )
    assert source.refresh([uri]) == {uri: Engagement(score=8)}
    assert _batches(world, "alpha") == [] and len(world.requests_to("/api/v2/search")) == 1
