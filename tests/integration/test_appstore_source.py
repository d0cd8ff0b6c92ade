"""RssAppStoreSource against the local fake iTunes RSS feed, through a real retrying session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from repmon.adapters.sources.appstore import RssAppStoreSource
from repmon.domain.errors import InvalidConfig, SourceUnavailable
from tests.integration.conftest import NOW

APP = "123456789"


@pytest.fixture
def source(fake, session):
    return RssAppStoreSource(fake.appstore_url, session)


def _brand(make_brand, **settings):
    return make_brand(query="acme", appstore={"app_id": APP, **settings})


def _reviews(world, count, *, country="us", start=NOW - timedelta(days=2)):
    return [
        world.add_appstore_review(
            app_id=APP,
            country=country,
            title=f"Review {i}",
            content="Works.",
            author=f"{country}-reader-{i}",  # App Store nicknames are unique
            rating=4,
            created=start + timedelta(minutes=i),
        )
        for i in range(count)
    ]


def test_metadata_entry_is_ignored_and_undated_reviews_take_now(world, source, make_brand):
    world.set_appstore_feed(APP, metadata_entry=True, dated=False)
    body = "Since 4.2 it <b>crashes</b>"
    rid = world.add_appstore_review(
        app_id=APP,
        title="Crashes &amp; burns",
        content=body,
        rating=1,
        author="pat",
        vote_sum=7,
        vote_count=9,
    )
    world.add_appstore_review(app_id=APP, title="Fine", content="ok", rating=5)
    page = source.fetch(_brand(make_brand), None, NOW)
    assert page.skipped == 0 and len(page.mentions) == 2
    review = next(m for m in page.mentions if m.native_id == rid)
    assert (review.created_at, review.rating, review.community) == (NOW, 1, "us")
    assert (review.title, review.text) == ("Crashes & burns", "Since 4.2 it crashes")
    assert (review.engagement.votes, review.engagement.score, review.author.handle) == (9, 7, "pat")


def test_single_entry_object_and_dates_converted_to_utc(world, source, make_brand):
    when = datetime(2026, 10, 30, 8, 15, tzinfo=UTC)
    rid = world.add_appstore_review(
        app_id=APP, title="Only one", content="Nothing about the brand", rating=3, created=when
    )
    page = source.fetch(_brand(make_brand), None, NOW)
    assert [(m.native_id, m.created_at) for m in page.mentions] == [(rid, when)]


def test_repoll_returns_only_newer_reviews(world, source, make_brand):
    _reviews(world, 3)
    brand = _brand(make_brand)
    first = source.fetch(brand, None, NOW)
    assert len(first.mentions) == 3
    assert source.fetch(brand, first.cursor, NOW).mentions == []
    newer = world.add_appstore_review(app_id=APP, title="New", content="Update broke login", rating=1)
    assert [m.native_id for m in source.fetch(brand, first.cursor, NOW).mentions] == [newer]


def test_page_bound_truncates_and_the_next_polls_continue_oldest_first(world, source, make_brand):
    ids = _reviews(world, 180)
    brand = _brand(make_brand, max_pages=2)
    first = source.fetch(brand, None, NOW)
    assert (len(first.mentions), first.truncated) == (100, True)
    assert [m.native_id for m in first.mentions] == ids[:100]
    late = world.add_appstore_review(app_id=APP, title="During catch-up", content="hm", rating=2)
    second = source.fetch(brand, first.cursor, NOW)
    assert [m.native_id for m in second.mentions] == [*ids[100:], late]
    assert not second.truncated
    assert source.fetch(brand, second.cursor, NOW).mentions == []


def test_each_country_is_read_with_its_own_cursor(world, source, make_brand):
    _reviews(world, 2, country="us")
    _reviews(world, 1, country="gb")
    brand = _brand(make_brand, countries=["us", "gb"])
    first = source.fetch(brand, None, NOW)
    assert sorted(m.community for m in first.mentions) == ["gb", "us", "us"]
    world.add_appstore_review(app_id=APP, country="gb", title="Cheers", content="good", rating=5)
    assert [m.community for m in source.fetch(brand, first.cursor, NOW).mentions] == ["gb"]


def test_malformed_entry_is_skipped_counted_and_the_rest_returned(world, source, make_brand):
    _reviews(world, 3)
    world.malform_next("/customerreviews")
    page = source.fetch(_brand(make_brand), None, NOW)
    assert (page.skipped, len(page.mentions)) == (1, 3)


def test_429_then_success_and_persistent_5xx(world, source, make_brand):
    _reviews(world, 1)
    world.fail_next(1, status=429, retry_after=0, path="/customerreviews")
    assert len(source.fetch(_brand(make_brand), None, NOW).mentions) == 1
    world.fail_next(10, status=502, path="/customerreviews")
    with pytest.raises(SourceUnavailable, match="appstore"):
        source.fetch(_brand(make_brand), None, NOW)


def test_no_app_id_means_no_requests(world, fake, session, make_brand):
    source = RssAppStoreSource(fake.appstore_url, session)
    assert source.fetch(make_brand(), None, NOW).mentions == []
    world.add_hn_item(title="keep the fake fixture honest")
    source.session.get(fake.hackernews_url + "/search_by_date")
    assert world.requests_to("/customerreviews") == []


@pytest.mark.parametrize("app_id", ["１２３４５６７８９", "123456789/../../x", "123456789?id=1#"])
def test_an_app_id_that_is_not_ascii_digits_never_reaches_a_url(world, source, make_brand, app_id):
    good = _brand(make_brand)
    settings = good.sources.appstore.model_copy(update={"app_id": app_id})
    brand = good.model_copy(update={"sources": good.sources.model_copy(update={"appstore": settings})})
    with pytest.raises(InvalidConfig, match="app_id"):
        source.fetch(brand, None, NOW)
    assert world.requests_to("/customerreviews") == []
    source.session.get(source.base_url + "/us/rss/customerreviews/page=1/id=123456789/sortby=mostrecent/json")


def test_the_watchlist_refuses_full_width_digits_in_app_id(make_brand):
    with pytest.raises(ValueError, match="digits"):
        make_brand(appstore={"app_id": "１２３４５６７８９"})
