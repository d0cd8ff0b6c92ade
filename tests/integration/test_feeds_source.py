"""HttpFeedSource against the local fake feeds (RSS and Atom), through a real retrying session."""

from __future__ import annotations

from datetime import timedelta

import pytest

from repmon.adapters.sources.feeds import HttpFeedSource, load_cursor
from repmon.domain.cursor import Cursor
from repmon.domain.errors import SourceUnavailable
from repmon.domain.source_registry import influence
from repmon.localstack.fakes.feeds import SEARCH_PATH, add_feed_entry
from tests.integration.conftest import NOW


@pytest.fixture
def source(session):
    return HttpFeedSource(session)


@pytest.fixture
def feeds_brand(fake, make_brand):
    def build(*paths: str, query: str = '"acme air" OR acmeair', **settings):
        urls = [f"{fake.base_url}{p}" for p in paths] or [f"{fake.base_url}/feeds/news.rss"]
        return make_brand(query, feeds={"urls": urls, **settings})

    return build


def _entries(world, count, *, feed="news", start=NOW - timedelta(hours=3), **kw):
    return [
        add_feed_entry(
            world, feed=feed, title=f"Acme Air item {i}", created=start + timedelta(minutes=i), **kw
        )
        for i in range(count)
    ]


def test_rss_and_atom_entries_are_read_with_html_stripped_and_the_query_applied(world, source, feeds_brand):
    rss = add_feed_entry(
        world, feed="forum", title="Acme Air lost my bag", html="<p>Still <b>waiting</b></p>"
    )
    atom = add_feed_entry(world, feed="status", title="Check-in degraded", html="<p>AcmeAir systems slow</p>")
    add_feed_entry(world, feed="forum", title="Unrelated airline chatter", html="nothing here")
    page = source.fetch(feeds_brand("/feeds/forum.rss", "/feeds/status.atom"), None, NOW)
    by_id = {m.native_id: m for m in page.mentions}
    assert set(by_id) == {rss, atom} and page.skipped == 0 and page.errors == []
    assert by_id[rss].text == "Still waiting" and by_id[atom].text == "AcmeAir systems slow"
    assert by_id[atom].community == "status.example"


def test_a_news_search_carries_the_brand_query_and_weighs_the_publisher(world, fake, source, feeds_brand):
    add_feed_entry(world, title="Acme Air grounds fleet", publisher=("Reuters", "https://www.reuters.com"))
    add_feed_entry(world, title="Acme Air menu review", publisher=("Tiny Blog", "https://tiny.example"))
    brand = feeds_brand(SEARCH_PATH + "?q={query}&hl=en-US", site_weights={"reuters.com": 80})
    page = source.fetch(brand, None, NOW)
    [request] = world.requests_to(SEARCH_PATH)
    assert request.query["q"] == '"acme air" OR acmeair'
    weights = {m.community: (m.engagement.score, influence(m, NOW)) for m in page.mentions}
    assert weights == {"Reuters": (80, 80.0), "Tiny Blog": (20, 20.0)}  # default weight 20
    assert all(m.url.startswith("https://news.google.com/rss/articles/") for m in page.mentions)


def test_an_unchanged_feed_is_answered_304_and_costs_no_parse(world, source, feeds_brand):
    brand = feeds_brand()
    ids = _entries(world, 3)
    first = source.fetch(brand, None, NOW)
    second = source.fetch(brand, first.cursor, NOW + timedelta(minutes=15))
    assert [r.status for r in world.requests_to("/feeds/news.rss")] == [200, 304]
    assert sorted(m.native_id for m in first.mentions) == sorted(ids) and second.mentions == []
    world.advance(minutes=30)
    later = add_feed_entry(world, title="Acme Air new route", created=NOW + timedelta(minutes=20))
    third = source.fetch(brand, second.cursor, NOW + timedelta(minutes=30))
    assert [m.native_id for m in third.mentions] == [later]
    assert world.requests_to("/feeds/news.rss")[-1].status == 200


def test_a_feed_cut_by_the_per_run_bound_is_read_in_full_next_time_not_304(world, source, feeds_brand):
    brand = feeds_brand(max_items=10)
    ids = _entries(world, 25)
    cursor, got, at = None, [], NOW
    for _ in range(4):
        page = source.fetch(brand, cursor, at)
        got += [m.native_id for m in page.mentions]
        cursor, at = page.cursor, at + timedelta(minutes=15)
        world.advance(minutes=15)
    assert sorted(got) == sorted(ids)  # each once, none lost behind a 304
    assert [r.status for r in world.requests_to("/feeds/news.rss")][:3] == [200, 200, 200]


def test_entries_are_deduplicated_by_guid_then_link_across_feeds(world, source, feeds_brand):
    shared = add_feed_entry(world, feed="one", title="Acme Air story", guid="urn:story:1")
    add_feed_entry(world, feed="two", title="Acme Air story", guid="urn:story:1")
    by_link = add_feed_entry(
        world, feed="one", title="Acme Air linked", guid=None, link="https://x.example/a"
    )
    add_feed_entry(world, feed="two", title="Acme Air linked", guid=None, link="https://x.example/a")
    page = source.fetch(feeds_brand("/feeds/one.rss", "/feeds/two.atom"), None, NOW)
    assert sorted(m.native_id for m in page.mentions) == sorted([shared, by_link])


def test_429_with_retry_after_is_retried_and_the_poll_succeeds(world, source, feeds_brand):
    ids = _entries(world, 2)
    world.fail_next(2, status=429, retry_after=1, path="/feeds/news.rss")
    page = source.fetch(feeds_brand(), None, NOW)
    assert sorted(m.native_id for m in page.mentions) == sorted(ids)
    assert [r.status for r in world.requests_to("/feeds/news.rss")] == [429, 429, 200]


def test_one_failing_feed_is_noted_and_the_others_read_its_cursor_kept(world, source, feeds_brand):
    ok = _entries(world, 2, feed="good")
    world.fail_next(10, status=503, path="/feeds/down.rss")
    brand = feeds_brand("/feeds/down.rss", "/feeds/good.rss")
    page = source.fetch(brand, None, NOW)
    assert sorted(m.native_id for m in page.mentions) == sorted(ok)
    assert len(page.errors) == 1 and "down.rss" in page.errors[0]
    down = next(url for url in load_cursor(page.cursor, Cursor()) if "down" in url)
    assert load_cursor(page.cursor, Cursor())[down].etag == ""  # as before: read afresh next poll


def test_every_feed_failing_fails_the_poll_so_it_is_retried(world, source, feeds_brand):
    world.fail_next(10, status=500, path="/feeds/")
    with pytest.raises(SourceUnavailable):
        source.fetch(feeds_brand("/feeds/a.rss", "/feeds/b.rss"), None, NOW)


def test_a_page_that_is_no_feed_and_a_bad_entry_are_skipped_and_counted(world, source, feeds_brand):
    ok = _entries(world, 2, feed="good")
    world.malform_next("/feeds/good.rss", "<title>no id and no link</title>")
    world.malform_next("/feeds/bomb.rss", '<title>x</title>]]><!DOCTYPE x [<!ENTITY a "b">]>')
    page = source.fetch(feeds_brand("/feeds/good.rss", "/feeds/bomb.rss"), None, NOW)
    assert sorted(m.native_id for m in page.mentions) == sorted(ok)
    assert page.skipped == 2  # the bad entry, and the page that is no feed
