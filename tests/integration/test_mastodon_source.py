"""MastodonSource against two fake instances (search and hashtag timelines), through a real session."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from pydantic import SecretStr

from repmon.adapters.sources.mastodon import Instance, MastodonSource, snowflake
from repmon.domain.errors import SourceUnavailable
from repmon.domain.source_registry import influence
from repmon.localstack.fakes.mastodon import add_toot, instance_url, set_rate_remaining
from tests.integration.conftest import NOW

HOSTS = ("alpha.example", "beta.example")


@pytest.fixture
def instances(fake):
    return {
        h: Instance(url=instance_url(fake.base_url, h.split(".")[0]), token=SecretStr(f"tok-{h}"))
        for h in HOSTS
    }


@pytest.fixture
def source(instances, session):
    return MastodonSource(instances, session, max_pages=3, page_size=5)


@pytest.fixture
def masto_brand(make_brand):
    def build(query: str = '"acme air" OR acmeair', **settings):
        return make_brand(query, mastodon={"instances": list(HOSTS), **settings})

    return build


def _toots(world, count, *, start=NOW - timedelta(hours=3), **kw):
    return [
        add_toot(world, html=f"Acme Air flight {i} was late", created=start + timedelta(minutes=i), **kw)
        for i in range(count)
    ]


def test_search_finds_opted_in_posts_with_text_counts_and_followers(world, source, masto_brand):
    uri = add_toot(
        world,
        html="Lost my bag on <b>Acme Air</b> &amp; nobody answers",
        followers=52_000,
        favourites=340,
        boosts=120,
        replies=45,
        spoiler="travel rant",
    )
    add_toot(world, html="Acme Air is hiding my refund", indexable=False)  # author did not opt in
    add_toot(world, html="nothing about the brand")
    page = source.fetch(masto_brand(search=True), None, NOW)
    assert [m.native_id for m in page.mentions] == [uri] and page.skipped == 0 and page.errors == []
    m = page.mentions[0]
    assert m.text == "Lost my bag on Acme Air & nobody answers" and m.title == "travel rant"
    assert (m.author.handle, m.author.followers) == ("someone@social.example", 52_000)
    assert (m.engagement.score, m.engagement.shares, m.engagement.comments) == (340, 120, 45)
    assert m.url.startswith("https://social.example/@someone/") and m.community == "social.example"
    assert influence(m, NOW) == 66.69  # 31.4 followers + 9.7 age + 13.0 boosts + 8.1 favs + 4.5 replies
    searches = world.requests_to("/api/v2/search")
    assert {r.query["type"] for r in searches} == {"statuses"}
    assert {r.query["q"] for r in searches} == {'"acme air"', "acmeair"}  # a phrase stays one
    assert all(
        int(r.query["min_id"]) >= int(snowflake((NOW - timedelta(hours=24, minutes=15)).timestamp()))
        for r in searches
    )


def test_the_same_post_through_two_instances_and_two_streams_is_one_mention(world, source, masto_brand):
    uri = add_toot(world, html="Acme Air wifi is down again", tags=("acmeair",))
    page = source.fetch(masto_brand(hashtags=["acmeair"]), None, NOW)
    # Found by search and by the tag, on both instances (each with its own local id): one mention.
    assert len(world.requests_to("/mastodon/alpha")) == 3 and len(world.requests_to("/mastodon/beta")) == 3
    assert [m.native_id for m in page.mentions] == [uri]
    again = source.fetch(masto_brand(hashtags=["acmeair"]), page.cursor, NOW + timedelta(minutes=5))
    assert again.mentions == []


def test_a_hashtag_timeline_is_read_forward_by_the_link_header_and_the_bound_holds_the_cursor(
    world, source, masto_brand
):
    ids = _toots(world, 22, tags=("acme",))
    brand = masto_brand(search=False, hashtags=["acme"], instances=["alpha.example"])
    first = source.fetch(brand, None, NOW)
    timeline = world.requests_to("/mastodon/alpha/api/v1/timelines/tag/acme")
    assert len(timeline) == 3  # max_pages
    assert all("min_id" in r.query and "max_id" not in r.query for r in timeline)
    assert [m.native_id for m in first.mentions] == ids[:15] and first.truncated
    second = source.fetch(brand, first.cursor, NOW)
    assert [m.native_id for m in second.mentions] == ids[15:] and not second.truncated


def test_a_cut_timeline_keeps_newer_items_of_other_streams_for_the_next_poll(world, source, masto_brand):
    old = _toots(world, 16, tags=("acme",))  # more than 3 pages of 5: cut
    newer = add_toot(world, html="Acme Air pilots strike", created=NOW - timedelta(minutes=10))
    brand = masto_brand(hashtags=["acme"], instances=["alpha.example"])
    first = source.fetch(brand, None, NOW)
    assert newer not in {m.native_id for m in first.mentions} and first.truncated
    second = source.fetch(brand, first.cursor, NOW)
    got = [m.native_id for m in first.mentions + second.mentions]
    assert sorted(got) == sorted([*old, newer]) and len(got) == len(set(got))


def test_a_malformed_status_is_skipped_and_counted_the_rest_stored(world, source, masto_brand):
    ids = _toots(world, 2, tags=("acme",))
    world.malform_next(path="/timelines/tag/acme", item={"uri": "javascript:alert(1)", "content": "acme"})
    world.malform_next(path="/timelines/tag/acme")
    page = source.fetch(masto_brand(search=False, hashtags=["acme"]), None, NOW)
    assert sorted(m.native_id for m in page.mentions) == sorted(ids) and page.skipped == 2


def test_429_with_retry_after_is_retried_and_the_token_is_sent(world, source, masto_brand):
    ids = _toots(world, 1, tags=("acme",))
    world.fail_next(1, status=429, retry_after=0, path="/mastodon/alpha")
    page = source.fetch(masto_brand(search=False, hashtags=["acme"], instances=["alpha.example"]), None, NOW)
    assert [m.native_id for m in page.mentions] == ids
    assert [r.status for r in world.requests_to("/mastodon/alpha")] == [429, 200]


def test_a_nearly_spent_rate_limit_stops_asking_that_instance_this_poll(world, source, masto_brand):
    _toots(world, 1, tags=("acme", "acmeair"))
    set_rate_remaining(world, "alpha", 8)
    page = source.fetch(masto_brand(hashtags=["acme", "acmeair"]), None, NOW)
    assert len(world.requests_to("/mastodon/alpha")) == 1 and len(world.requests_to("/mastodon/beta")) == 4
    assert any("alpha.example: rate limit nearly spent" in e for e in page.errors)
    assert len(page.mentions) == 1


def test_one_failing_instance_is_noted_all_failing_fail_the_poll(world, source, masto_brand):
    ids = _toots(world, 1, tags=("acme",))
    world.fail_next(20, status=503, path="/mastodon/alpha")
    page = source.fetch(masto_brand(search=False, hashtags=["acme"]), None, NOW)
    assert [m.native_id for m in page.mentions] == ids
    assert any(e.startswith("mastodon alpha.example:") for e in page.errors)
    world.fail_next(20, status=503, path="/mastodon/")
    with pytest.raises(SourceUnavailable):
        source.fetch(masto_brand(search=False, hashtags=["acme"]), None, NOW)


def test_an_instance_without_a_token_is_skipped_with_a_note(world, session, fake, masto_brand):
    ids = _toots(world, 1, tags=("acme",))
    only = MastodonSource(
        {"alpha.example": Instance(url=instance_url(fake.base_url, "alpha"), token=SecretStr("t"))}, session
    )
    page = only.fetch(masto_brand(search=False, hashtags=["acme"]), None, NOW)
    assert [m.native_id for m in page.mentions] == ids
    assert page.errors == ["mastodon beta.example: no token for it in the secret; skipped"]


def test_a_quiet_poll_keeps_a_plain_json_cursor_and_no_timeline_resume(world, source, masto_brand):
    brand = masto_brand(search=False, hashtags=["acme"])
    page = source.fetch(brand, None, NOW)
    assert page.errors == [] and page.mentions == [] and not page.truncated
    data = json.loads(page.cursor)
    assert data["v"] == 2 and "timelines" not in data


def test_a_busy_tag_is_read_over_several_polls_without_a_gap_or_a_repeat(world, source, masto_brand):
    # 40 posts in 8 minutes: more than the overlap re-read fits in one poll's 3 pages of 5.
    start = NOW - timedelta(seconds=500)
    ids = [
        add_toot(world, html=f"acmeair ping {i}", tags=("acme",), created=start + timedelta(seconds=12 * i))
        for i in range(40)
    ]
    brand = masto_brand(search=False, hashtags=["acme"], instances=["alpha.example"])
    cursor, got = None, []
    for _ in range(10):
        page = source.fetch(brand, cursor, NOW)
        got += [m.native_id for m in page.mentions]
        cursor = page.cursor
        if not page.truncated:
            break
    assert sorted(got) == sorted(ids) and len(got) == len(set(got))


def test_an_instance_refusing_the_token_is_noted_and_the_other_read(world, source, masto_brand):
    ids = _toots(world, 1, tags=("acme",))
    world.fail_next(5, status=401, path="/mastodon/beta")
    page = source.fetch(masto_brand(search=False, hashtags=["acme"]), None, NOW)
    assert [m.native_id for m in page.mentions] == ids
    assert page.errors == [
        "mastodon beta.example: mastodon unavailable: beta.example refused the token (401)"
    ]
    assert len(world.requests_to("/mastodon/beta")) == 1  # not retried: a 401 is no passing fault


def test_a_search_with_more_posts_than_its_pages_says_older_ones_may_be_missed(world, source, masto_brand):
    _toots(world, 16)  # 3 pages of 5 hold 15
    page = source.fetch(masto_brand(instances=["alpha.example"]), None, NOW)
    assert len(page.mentions) == 15
    assert "mastodon: search found over 15 posts; older ones may be missed" in page.errors
