"""YelpSource against the fake Yelp API, through a real session: businesses read at most once per
interval, paging by offset, Yelp's recorded error shape (a refused key) and an unknown business as
clear notes that wedge no cursor and never echo the key."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from repmon.adapters.sources.review_scan import error_code
from repmon.adapters.sources.yelp import YelpCredentials, YelpSource
from repmon.localstack.fakes.yelp import add_yelp_review
from tests.integration.conftest import NOW

BIZ_A, BIZ_B = "acme-air-lounge-new-york", "acme-air-desk-boston"
KEY = YelpCredentials(api_key=SecretStr("yelp-key-0123456789"))
FIXTURE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "fixtures"
    / "yelp"
    / "yelp_response_validation_error.json"
)


@pytest.fixture
def source(fake, session):
    return YelpSource(KEY, fake.base_url, session, page_size=3)


def _reviews(world, business, count, start=NOW - timedelta(hours=2)):
    return [
        add_yelp_review(
            world, business=business, text="ok " * 80, rating=1 + i % 5, created=start + timedelta(minutes=i)
        )
        for i in range(count)
    ]


def test_each_business_is_read_across_pages_then_not_again_until_its_interval(world, source, make_brand):
    _reviews(world, BIZ_A, 7)
    _reviews(world, BIZ_B, 1)
    brand = make_brand(
        "x", yelp={"businesses": {BIZ_A: "JFK lounge", BIZ_B: ""}, "min_interval_hours": 6, "max_pages": 3}
    )
    page = source.fetch(brand, None, NOW)
    assert len(page.mentions) == 8 and len(world.requests_to(BIZ_A)) == 3  # 3 + 3 + 1
    assert all(m.url.startswith("https://www.yelp.com/biz/") and m.text == "" for m in page.mentions)
    calls = len(world.requests)
    soon = source.fetch(brand, page.cursor, NOW + timedelta(hours=1))
    assert soon.mentions == [] and len(world.requests) == calls  # not due: no call spent
    _reviews(world, BIZ_A, 1, start=NOW + timedelta(hours=5))
    world.advance(hours=7)
    later = source.fetch(brand, soon.cursor, world.now)
    assert len(later.mentions) == 1 and later.mentions[0].location_name == "JFK lounge"


def test_yelps_recorded_error_shape_gives_its_code_and_field_never_its_description() -> None:
    import requests

    response = requests.Response()
    response.status_code, response._content = 400, FIXTURE.read_bytes()
    assert error_code(response) == ", VALIDATION_ERROR, field Authorization"


def test_a_refused_key_is_a_clear_note_per_business_that_never_echoes_the_key(
    world, fake, session, make_brand
):
    _reviews(world, BIZ_A, 1)
    source = YelpSource(YelpCredentials(api_key=SecretStr("la-v bad key")), fake.base_url, session)
    page = source.fetch(make_brand("x", yelp={"businesses": [BIZ_A]}), None, NOW)
    assert page.errors == [f"yelp {BIZ_A}: refused (400, VALIDATION_ERROR, field Authorization)"]
    assert (
        page.mentions == [] and json.loads(page.cursor or "")["locations"] == {}
    )  # nothing moved, nothing wedged
    assert len(world.requests) == 1  # a 400 is not retried


def test_an_unknown_business_is_a_clear_note_and_the_others_are_read(world, source, make_brand):
    ids = _reviews(world, BIZ_A, 2)
    page = source.fetch(make_brand("x", yelp={"businesses": ["no-such-place", BIZ_A]}), None, NOW)
    assert len(page.mentions) == len(ids)
    assert page.errors == [
        "yelp no-such-place: not found (404, BUSINESS_NOT_FOUND): is the id right? fix the watchlist"
    ]
