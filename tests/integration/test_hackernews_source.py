"""AlgoliaHackerNewsSource against the local fake Algolia API, through a real retrying session."""

from __future__ import annotations

from datetime import timedelta

import pytest

from repmon.adapters.sources.hackernews import AlgoliaHackerNewsSource
from repmon.domain.errors import SourceUnavailable
from tests.integration.conftest import NOW


@pytest.fixture
def source(fake, session):
    return AlgoliaHackerNewsSource(fake.hackernews_url, session, hits_per_page=100)


def _stories(world, count, *, start=NOW - timedelta(hours=3)):
    return [
        world.add_hn_item(title=f"Acme launch {i}", created=start + timedelta(seconds=20 * i), points=i)
        for i in range(count)
    ]


def test_stories_and_comments_in_both_field_sets_with_html_stripped(world, source, make_brand):
    at = NOW - timedelta(minutes=5)
    story = world.add_hn_item(
        title="Acme raises prices", url="https://example.com/a", points=321, num_comments=45, created=at
    )
    html = "Acme&#x27;s <i>support</i> is slow<p>again"
    old = world.add_hn_item(
        kind="comment",
        text=html,
        story_id=int(story),
        story_title="Acme raises prices",
        created=at,
        legacy=True,
    )
    new = world.add_hn_item(
        kind="comment", text='I like <a href="x">acme</a>', story_id=int(story), created=at
    )
    page = source.fetch(make_brand(), None, NOW)
    by_id = {m.native_id: m for m in page.mentions}
    assert set(by_id) == {story, old, new}
    assert by_id[story].title == "Acme raises prices"
    assert (by_id[story].engagement.score, by_id[story].engagement.comments) == (321, 45)
    assert by_id[old].text == "Acme's support is slow\nagain"
    assert by_id[old].community == "Acme raises prices"
    assert by_id[new].text == "I like acme"
    assert by_id[new].url == f"https://news.ycombinator.com/item?id={new}"
    request = world.requests_to("/search_by_date")[0]
    assert request.query["tags"] == "(story,comment)"
    assert request.query["numericFilters"].startswith("created_at_i>=")


def test_many_pages_truncate_at_the_bound_and_the_next_poll_continues(world, source, make_brand):
    ids = _stories(world, 250)
    brand = make_brand(hackernews={"max_items": 200})
    first = source.fetch(brand, None, NOW)
    second = source.fetch(brand, first.cursor, NOW)
    assert (first.truncated, second.truncated) == (True, False)
    assert [m.native_id for m in first.mentions + second.mentions] == ids
    assert {r.query["page"] for r in world.requests_to("/search_by_date")} == {"0", "1", "2"}


def test_repoll_returns_nothing_new_and_overlap_dedups(world, source, make_brand):
    _stories(world, 3, start=NOW - timedelta(minutes=8))
    first = source.fetch(make_brand(), None, NOW)
    assert len(first.mentions) == 3
    assert source.fetch(make_brand(), first.cursor, NOW).mentions == []
    late = world.add_hn_item(title="Acme late story", created=NOW - timedelta(minutes=7, seconds=50))
    second = source.fetch(make_brand(), first.cursor, NOW)
    assert [m.native_id for m in second.mentions] == [late]


def test_each_term_is_searched_and_a_hit_found_twice_counts_once(world, source, make_brand):
    both = world.add_hn_item(title="Acme Air and @acmeair", created=NOW - timedelta(minutes=1))
    world.add_hn_item(title="Acme Air anvil drop", created=NOW - timedelta(minutes=1))
    world.add_hn_item(title="Unrelated", created=NOW - timedelta(minutes=1))
    page = source.fetch(make_brand(query='"acme air" OR acmeair -anvil'), None, NOW)
    assert [m.native_id for m in page.mentions] == [both]
    assert [r.query["query"] for r in world.requests_to("/search_by_date")] == ['"acme air"', "acmeair"]


def test_429_then_success(world, source, make_brand):
    _stories(world, 2)
    world.fail_next(2, status=429, retry_after=0, path="/search_by_date")
    assert len(source.fetch(make_brand(), None, NOW).mentions) == 2
    assert [r.status for r in world.requests_to("/search_by_date")] == [429, 429, 200]


def test_persistent_5xx_becomes_source_unavailable(world, source, make_brand):
    world.fail_next(10, status=500, path="/search_by_date")
    with pytest.raises(SourceUnavailable, match="hackernews"):
        source.fetch(make_brand(), None, NOW)
    assert len(world.requests_to("/search_by_date")) == 4


def test_malformed_hit_is_skipped_counted_and_the_rest_returned(world, source, make_brand):
    _stories(world, 3)
    world.malform_next("/search_by_date")
    page = source.fetch(make_brand(), None, NOW)
    assert (page.skipped, len(page.mentions)) == (1, 3)


def test_items_after_the_world_clock_are_not_visible_yet(world, source, make_brand):
    world.add_hn_item(title="Acme tomorrow", created=NOW + timedelta(hours=1))
    first = source.fetch(make_brand(), None, NOW)
    assert first.mentions == []
    world.advance(hours=2)
    assert len(source.fetch(make_brand(), first.cursor, world.now).mentions) == 1


def test_more_than_the_1000_reachable_hits_are_all_read_by_walking_back_in_time(world, source, make_brand):
    # Given 2,500 matching stories since the cursor: Algolia pages through the newest 1,000 only
    ids = _stories(world, 2500, start=NOW - timedelta(hours=20))
    brand = make_brand(hackernews={"max_items": 1000})
    # When the source is polled until it has caught up
    cursor, read = None, []
    for _ in range(4):
        page = source.fetch(brand, cursor, NOW)
        read += [m.native_id for m in page.mentions]
        cursor = page.cursor
        assert page.errors == []
    # Then every story was read once, oldest first, with no gap below the newest 1,000
    assert read == ids
    windows = {r.query["numericFilters"] for r in world.requests_to("/search_by_date")}
    assert any("created_at_i<=" in w for w in windows)


def test_when_even_the_time_slices_cannot_reach_the_floor_the_page_says_so(world, fake, session, make_brand):
    _stories(world, 1500, start=NOW - timedelta(hours=10))
    narrow = AlgoliaHackerNewsSource(fake.hackernews_url, session, hits_per_page=100, max_slices=1)
    page = narrow.fetch(make_brand(), None, NOW)
    assert page.errors and "may be missed" in page.errors[0]
