"""GoogleSource against the fake Google (token endpoint, Business Profile, Places), through a real
session: paging per location, the owner's reply, the access token kept for its hour, a refresh
token Google refuses (an app left in Testing), an unknown location, and places read rarely,
deduplicated, with nothing stored that Google forbids."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from pydantic import SecretStr

from repmon.adapters.sources.google import GoogleCredentials, GoogleSource
from repmon.localstack.fakes.google import OAUTH_PREFIX, add_google_review, expire_google_grant
from tests.integration.conftest import NOW

LOC_A, LOC_B = "accounts/111/locations/201", "accounts/111/locations/202"
PLACE = "ChIJ2eUgeAK6j4ARbn5u_wAGqWA"
CREDS = GoogleCredentials(
    client_id="cid.apps.googleusercontent.com",
    client_secret=SecretStr("csecret"),
    refresh_token=SecretStr("1//refresh"),
    places_api_key=SecretStr("places-key"),
)


@pytest.fixture
def source(fake, session):
    url = fake.base_url
    return GoogleSource(
        CREDS, oauth_url=url + OAUTH_PREFIX, business_url=url, places_url=url, session=session, page_size=4
    )


@pytest.fixture
def brand(make_brand):
    return make_brand("nothing", google={"locations": {LOC_A: "Acme JFK", LOC_B: "Acme LAX"}})


def _reviews(world, where, count, start=NOW - timedelta(hours=2), **kw):
    return [
        add_google_review(
            world,
            where=where,
            comment=f"review {i}",
            stars=1 + i % 5,
            created=start + timedelta(minutes=i),
            **kw,
        )
        for i in range(count)
    ]


def test_every_review_of_every_location_is_read_across_pages_with_one_token(world, source, brand):
    a, b = _reviews(world, LOC_A, 10), _reviews(world, LOC_B, 2, reply="Thank you")
    page = source.fetch(brand, None, NOW)
    assert sorted(m.native_id for m in page.mentions) == sorted(a + b)
    assert {m.location_name for m in page.mentions if m.location_id == LOC_B} == {"Acme LAX"}
    assert all(m.reply is not None for m in page.mentions if m.location_id == LOC_B)
    assert len(world.requests_to("/reviews")) == 3 + 1 and len(world.requests_to("/token")) == 1
    assert all(r.query["orderBy"] == "updateTime desc" for r in world.requests_to("/reviews"))
    again = source.fetch(brand, page.cursor, NOW + timedelta(minutes=15))
    assert again.mentions == [] and len(world.requests_to("/token")) == 1  # the hour's token reused


def test_a_refused_refresh_token_says_why_in_plain_words_and_moves_nothing(world, source, brand):
    _reviews(world, LOC_A, 2)
    expire_google_grant(world)
    page = source.fetch(brand, None, NOW)
    assert page.mentions == [] and page.cursor is not None
    [error] = page.errors
    assert "invalid_grant" in error and "7 days" in error and "1//refresh" not in error
    assert json.loads(page.cursor)["locations"] == {}


def test_an_unknown_location_is_a_clear_error_and_does_not_stop_the_other(world, source, make_brand):
    ids = _reviews(world, LOC_A, 2)
    unknown = "accounts/111/locations/999"
    page = source.fetch(make_brand("x", google={"locations": [unknown, LOC_A]}), None, NOW)
    assert sorted(m.native_id for m in page.mentions) == sorted(ids)
    assert page.errors == [
        f"google {unknown}: not found (404, NOT_FOUND): is the id right? fix the watchlist"
    ]


def test_a_place_gives_at_most_five_by_relevance_deduplicated_and_read_once_a_day(world, source, make_brand):
    brand = make_brand("x", google={"places": {PLACE: "Rival desk"}})
    for i in range(7):
        add_google_review(world, where=PLACE, comment="x" * (i + 1), stars=1, created=NOW - timedelta(days=i))
    first = source.fetch(brand, None, NOW)
    assert len(first.mentions) == 5 and all(m.text == "" and m.author.handle == "" for m in first.mentions)
    calls = len(world.requests_to("/v1/places/"))
    later = source.fetch(brand, first.cursor, NOW + timedelta(hours=6))
    assert later.mentions == [] and len(world.requests_to("/v1/places/")) == calls  # not due: no call
    add_google_review(world, where=PLACE, comment="y" * 50, stars=2, created=NOW)  # now the most relevant
    day = source.fetch(brand, later.cursor, NOW + timedelta(hours=25))
    assert [m.rating for m in day.mentions] == [2] and len(world.requests_to("/v1/places/")) == calls + 1


def test_locations_without_oauth_in_the_secret_are_noted_and_places_still_read(
    world, fake, session, make_brand
):
    add_google_review(world, where=PLACE, comment="fine", stars=4, created=NOW)
    source = GoogleSource(
        GoogleCredentials(places_api_key=SecretStr("k")),
        places_url=fake.base_url,
        business_url=fake.base_url,
        session=session,
    )
    page = source.fetch(make_brand("x", google={"locations": [LOC_A], "places": [PLACE]}), None, NOW)
    assert [m.rating for m in page.mentions] == [4] and "refresh_token" in page.errors[0]
