"""AppStoreConnectSource against the fake App Store Connect API, through a real session; and the same
review read by it and by the public RSS feed stored as one mention."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import requests

from repmon.adapters.sources.apple_token import AppleToken, AppStoreConnectKey
from repmon.adapters.sources.appstore import RssAppStoreSource
from repmon.adapters.sources.appstore_connect import AppStoreConnectSource
from repmon.domain.brand import Brand
from repmon.domain.errors import InvalidConfig, SourceUnavailable
from repmon.localstack.fakes.appstore_connect import add_connect_review, new_api_key
from repmon.ports import PollJob
from repmon.services.collect import Collector
from tests.fakes import InMemoryCursorStore, InMemoryMentionStore, InMemoryWatchlist, KeywordScorer
from tests.integration.conftest import NOW

APP = "123456789"
PATH = f"/v1/apps/{APP}/customerReviews"


@pytest.fixture
def key(world):
    return AppStoreConnectKey.model_validate(new_api_key(world))


@pytest.fixture
def source(fake, key, session):
    return AppStoreConnectSource(AppleToken(key), session, fake.base_url, page_size=10)


@pytest.fixture
def asc_brand(make_brand):
    def build(**settings):
        return make_brand("nothing matches this", appstore_connect={"app_id": APP, **settings})

    return build


def _reviews(world, count, *, start=NOW - timedelta(hours=3)):
    first = len(world.stock.get("appstore_connect", []))  # every review by its own reviewer
    return [
        add_connect_review(
            world,
            app_id=APP,
            title=f"Trip {i}",
            body="Seat map froze",
            rating=2,
            nickname=f"flyer{first + i}",
            created=start + timedelta(minutes=i),
        )
        for i in range(count)
    ]


def test_a_review_of_any_territory_with_the_developers_published_response(world, source, asc_brand):
    add_connect_review(
        world,
        app_id=APP,
        title="Refund &amp; rebooking",
        body="The app <b>lost</b> my booking",
        rating=1,
        nickname="globetrotter",
        territory="DEU",
        created=NOW - timedelta(hours=2),
        response="We restored it; sorry.",
        responded=NOW - timedelta(minutes=30),
    )
    page = source.fetch(asc_brand(app_name="Acme Air"), None, NOW)
    assert page.skipped == 0 and page.errors == []
    (m,) = page.mentions
    assert (m.source, m.rating, m.title, m.text) == (
        "appstore",
        1,
        "Refund & rebooking",
        "The app lost my booking",
    )
    assert (m.community, m.location_id, m.location_name) == ("deu", APP, "Acme Air")
    assert m.reply is not None and m.reply.at == NOW - timedelta(minutes=30)
    assert m.created_at == NOW - timedelta(hours=2) and m.author.handle == "globetrotter"
    (request,) = world.requests_to(PATH)
    assert request.query == {"sort": "-createdDate", "limit": "10", "include": "response"}


def test_pages_by_links_next_down_to_the_cursor(world, source, asc_brand):
    first = _reviews(world, 60)
    page = source.fetch(asc_brand(max_pages=10), None, NOW)
    assert len(page.mentions) == 60 and len({m.native_id for m in page.mentions}) == 60
    assert [r.query.get("cursor") for r in world.requests_to(PATH)] == [
        None,
        *(str(n) for n in range(10, 60, 10)),
    ]
    world.advance(minutes=15)
    _reviews(world, 2, start=world.now - timedelta(minutes=3))
    again = source.fetch(asc_brand(max_pages=10), page.cursor, world.now)
    assert [m.author.handle for m in again.mentions] == ["flyer60", "flyer61"] and len(first) == 60


def test_a_refused_token_is_made_again_once_and_an_unknown_key_is_a_clear_error(
    fake, world, session, asc_brand
):
    _reviews(world, 1)
    stranger = AppStoreConnectKey.model_validate(new_api_key(world.__class__(now=NOW)))
    token = AppleToken(stranger)
    with pytest.raises(InvalidConfig, match="may not read app 123456789's reviews \\(401\\)"):
        AppStoreConnectSource(token, session, fake.base_url).fetch(asc_brand(), None, NOW)
    assert token.issued == 2  # the first refused, a new one made once


def test_an_app_the_key_does_not_know_is_a_clear_error(world, source, asc_brand):
    _reviews(world, 1)
    with pytest.raises(InvalidConfig, match="does not know app '999999999'"):
        source.fetch(asc_brand(app_id="999999999"), None, NOW)


class _Elsewhere(requests.Session):
    """A session whose answers' next links point at another host (a tampered or misrouted page)."""

    def get(self, url: str | bytes, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        response = super().get(url, **kwargs)
        body = response.json()
        body["links"]["next"] = f"https://elsewhere.example{PATH}?cursor=10"
        response._content = json.dumps(body).encode()
        return response


def test_a_next_link_off_the_apis_host_is_not_followed(fake, world, key, asc_brand):
    _reviews(world, 12)
    source = AppStoreConnectSource(AppleToken(key), _Elsewhere(), fake.base_url, page_size=10)
    with pytest.raises(SourceUnavailable, match=r"links\.next points off the API's host; not followed"):
        source.fetch(asc_brand(max_pages=5), None, NOW)
    assert len(world.requests_to(PATH)) == 1  # the bearer token went nowhere else


def test_malformed_reviews_are_skipped_and_counted(world, source, asc_brand):
    good = _reviews(world, 3)
    fields: dict[str, Any] = {"rating": 3, "body": "fine", "createdDate": "2026-11-01T10:00:00Z"}
    base: dict[str, Any] = {"type": "customerReviews", "id": "x", "attributes": fields}
    for bad in (
        {**base, "attributes": {**fields, "rating": 0}},
        {**base, "attributes": {**fields, "rating": 11}},
        {**base, "attributes": {k: v for k, v in fields.items() if k != "rating"}},
        {**base, "attributes": {**fields, "body": ""}},
        {**base, "attributes": {**fields, "body": "x" * 5_000_000}},
        {**base, "attributes": {**fields, "createdDate": "year 99999"}},
    ):
        world.malform_next(PATH, bad)
        page = source.fetch(asc_brand(), None, NOW)
        assert page.skipped == 1 and len(page.mentions) == len(good)


def test_the_same_review_from_the_rss_feed_and_app_store_connect_is_one_mention(fake, world, source, session):
    # One review, as each route serves it: the feed numbers it, App Store Connect names it otherwise
    world.add_appstore_review(
        app_id=APP,
        title="Lost  my <b>bag</b>",
        content="Nobody answers the chat.",
        rating=1,
        author="Globetrotter",
        created=NOW - timedelta(hours=1),
    )
    add_connect_review(
        world,
        app_id=APP,
        title="Lost my bag",
        body="Nobody answers  the chat.",
        rating=1,
        nickname="Globetrotter",
        created=NOW - timedelta(hours=1),
        response="Found it, delivering today.",
        responded=NOW - timedelta(minutes=20),
    )
    both = {"appstore": {"app_id": APP}, "appstore_connect": {"app_id": APP}}
    brand = Brand.model_validate({"id": "acme", "name": "Acme", "query": "acme", "sources": both})
    store = InMemoryMentionStore()
    collector = Collector(
        InMemoryWatchlist([brand]),
        {"appstore": RssAppStoreSource(fake.appstore_url, session), "appstore_connect": source},
        InMemoryCursorStore(),
        store,
        KeywordScorer(),
    )
    rss = collector.collect(PollJob("acme", "appstore", NOW))
    connect = collector.collect(PollJob("acme", "appstore_connect", NOW))
    assert (rss.stored, connect.stored, connect.duplicates) == (1, 0, 1)
    assert len(store.items) == 1 and sum(a.mentions for a in store.aggregates.values()) == 1
    # The developer's response only App Store Connect shows is given to the review the feed stored
    (stored,) = store.items.values()
    assert stored.mention.reply is not None and stored.mention.reply.at == NOW - timedelta(minutes=20)
