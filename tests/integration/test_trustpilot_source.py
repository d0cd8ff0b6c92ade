"""TrustpilotSource against the fake Trustpilot API, through a real session: paging, one cursor per
business unit, the company's reply, an unknown unit, a refused key, a unit that is down."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from pydantic import SecretStr

from repmon.adapters.sources.trustpilot import TrustpilotCredentials, TrustpilotSource
from repmon.domain.errors import SourceUnavailable
from repmon.domain.source_registry import influence
from repmon.localstack.fakes.trustpilot import add_business_unit, add_trustpilot_review
from tests.integration.conftest import NOW

UNIT_A, UNIT_B = "5f1e2d3c4b5a69788796a5b4", "5f1e2d3c4b5a69788796a5b5"
KEY = TrustpilotCredentials(api_key=SecretStr("tp-key"))


@pytest.fixture
def source(fake, session):
    return TrustpilotSource(KEY, fake.base_url, session, page_size=5)


@pytest.fixture
def brand(make_brand):
    return make_brand("nothing matches this", trustpilot={"business_units": {UNIT_A: "Acme JFK", UNIT_B: ""}})


def _reviews(world, unit, count, start=NOW - timedelta(hours=3), **kw):
    return [
        add_trustpilot_review(
            world, unit=unit, title=f"Flight {i}", text="ok", created=start + timedelta(minutes=i), **kw
        )
        for i in range(count)
    ]


def test_every_review_of_every_unit_is_read_across_pages_once_with_its_unit(world, source, brand):
    a, b = _reviews(world, UNIT_A, 12), _reviews(world, UNIT_B, 3)
    page = source.fetch(brand, None, NOW)
    assert sorted(m.native_id for m in page.mentions) == sorted(a + b)  # not filtered by the query
    assert {m.location_name for m in page.mentions if m.location_id == UNIT_A} == {"Acme JFK"}
    assert len(world.requests_to(UNIT_A)) == 3  # 5 + 5 + 2, newest first
    assert all(r.query["orderBy"] == "createdat.desc" for r in world.requests_to("/reviews"))
    again = source.fetch(brand, page.cursor, NOW + timedelta(minutes=15))
    assert again.mentions == [] and not again.errors


def test_only_new_reviews_come_next_poll_and_a_quiet_unit_costs_one_call(world, source, brand):
    _reviews(world, UNIT_A, 4)
    first = source.fetch(brand, None, NOW)
    world.advance(minutes=15)
    [new] = _reviews(world, UNIT_A, 1, start=world.now - timedelta(minutes=5), reply="Sorry!")
    before = len(world.requests)
    page = source.fetch(brand, first.cursor, world.now)
    assert [m.native_id for m in page.mentions] == [new]
    assert page.mentions[0].reply is not None and len(world.requests) - before == 2  # one per unit


def test_the_per_run_limit_leaves_the_rest_for_the_next_poll_oldest_first(world, source, make_brand):
    ids = _reviews(world, UNIT_A, 9)
    brand = make_brand("x", trustpilot={"business_units": [UNIT_A], "max_items": 4})
    first = source.fetch(brand, None, NOW)
    second = source.fetch(brand, first.cursor, NOW)
    third = source.fetch(brand, second.cursor, NOW)
    assert [m.native_id for m in first.mentions] == ids[:4] and first.truncated
    assert [m.native_id for m in second.mentions + third.mentions] == ids[4:]


def test_an_unknown_unit_is_a_clear_error_and_the_others_are_read_and_move_on(world, source, make_brand):
    unknown = "0123456789abcdef01234567"
    ids = _reviews(world, UNIT_A, 2)
    brand = make_brand("x", trustpilot={"business_units": [unknown, UNIT_A]})
    page = source.fetch(brand, None, NOW)
    assert sorted(m.native_id for m in page.mentions) == sorted(ids)
    assert page.errors == [f"trustpilot {unknown}: not found (404): is the id right? fix the watchlist"]
    assert list(json.loads(page.cursor)["locations"]) == [UNIT_A]  # no cursor for it, none wedged


def test_a_refused_key_is_noted_per_unit_not_retried_and_never_logged(world, fake, session, brand, caplog):
    _reviews(world, UNIT_A, 1)
    source = TrustpilotSource(TrustpilotCredentials(api_key=SecretStr("")), fake.base_url, session)
    page = source.fetch(brand, None, NOW)
    assert page.mentions == [] and all("refused (401)" in e for e in page.errors) and len(page.errors) == 2
    assert len(world.requests) == 2


def test_a_unit_that_is_down_is_noted_and_when_all_are_down_the_poll_fails(world, source, brand):
    a = _reviews(world, UNIT_A, 2)
    add_business_unit(world, UNIT_B)
    world.fail_next(20, status=503, path=UNIT_B)
    page = source.fetch(brand, None, NOW)
    assert sorted(m.native_id for m in page.mentions) == sorted(a) and "unavailable" in " ".join(page.errors)
    assert UNIT_B not in json.loads(page.cursor)["locations"]
    world.fail_next(40, status=503, path="/reviews")
    with pytest.raises(SourceUnavailable):
        source.fetch(brand, page.cursor, NOW)


def test_influence_counts_the_reviewers_number_of_reviews_and_the_likes(world, source, brand):
    add_trustpilot_review(world, unit=UNIT_A, text="x", created=NOW, reviewer_reviews=500, likes=100)
    add_trustpilot_review(world, unit=UNIT_A, text="y", created=NOW, reviewer_reviews=1)
    prolific, newcomer = sorted(source.fetch(brand, None, NOW).mentions, key=lambda m: -(m.author.karma or 0))
    assert influence(prolific, NOW) == 100.0 and influence(newcomer, NOW) < 10
