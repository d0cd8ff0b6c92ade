"""GooglePlaySource against the fake Play Developer API and token endpoint, through a real session."""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta

import pytest

from repmon.adapters.sources.google_play import GooglePlaySource
from repmon.adapters.sources.google_token import GoogleToken, ServiceAccount
from repmon.domain.errors import InvalidConfig
from repmon.domain.source_registry import influence
from repmon.localstack.fakes.google_play import (
    TOKEN_PATH,
    add_play_review,
    new_service_account,
    revoke_tokens,
    tokens_issued,
)
from tests.integration.conftest import NOW

PACKAGE = "com.acmeair.app"
REVIEWS = "/androidpublisher/v3/applications/com.acmeair.app/reviews"


@pytest.fixture
def account(world):
    return ServiceAccount.model_validate(new_service_account(world))


@pytest.fixture
def token(fake, account, session):
    return GoogleToken(account, f"{fake.base_url}{TOKEN_PATH}", session, source="google_play")


@pytest.fixture
def source(fake, token, session):
    return GooglePlaySource(token, session, fake.base_url, page_size=10)


@pytest.fixture
def play_brand(make_brand):
    def build(**settings):
        return make_brand("nothing matches this", google_play={"package_name": PACKAGE, **settings})

    return build


def _reviews(world, count, *, start=NOW - timedelta(hours=3), **kw):
    return [
        add_play_review(
            world,
            package=PACKAGE,
            text=f"\tflight app crashed on step {i}",
            rating=2,
            created=start + timedelta(minutes=i),
            **kw,
        )
        for i in range(count)
    ]


def test_a_review_with_its_stars_title_version_votes_and_the_developers_reply(world, source, play_brand):
    review_id = add_play_review(
        world,
        package=PACKAGE,
        text="Check-in broken\tThe <b>boarding pass</b> never loads &amp; the app freezes",
        rating=1,
        thumbs_up=40,
        version="5.1.0",
        language="de",
        created=NOW - timedelta(hours=2),
        reply="Sorry, a fix ships Friday.",
        replied=NOW - timedelta(hours=1),
    )
    page = source.fetch(play_brand(app_name="Acme Air"), None, NOW)
    # Reviews are of the brand's own app: the query ("nothing matches this") does not filter them
    assert [m.native_id for m in page.mentions] == [review_id] and page.skipped == 0 and page.errors == []
    m = page.mentions[0]
    assert (m.title, m.text) == ("Check-in broken", "The boarding pass never loads & the app freezes")
    assert (m.rating, m.source, m.created_at) == (1, "google_play", NOW - timedelta(hours=2))
    assert (m.location_id, m.location_name, m.community) == (PACKAGE, "Acme Air", "de")
    assert (m.app_version, m.device) == ("5.1.0", "fakephone (Fake Phone)")
    assert m.reply is not None and m.reply.at == NOW - timedelta(hours=1)
    assert (m.engagement.score, m.engagement.votes) == (40, 40)
    assert (
        m.url
        == f"https://play.google.com/store/apps/details?id={PACKAGE}&reviewId={review_id.replace(':', '%3A')}"
    )
    assert influence(m, NOW) == 56.15  # 60 sat(40 votes, 1000) 32.25 + 40 sat(40 up, 500) 23.90


def test_pages_by_token_down_to_the_cursor_and_reads_only_what_is_new(world, source, play_brand):
    first = _reviews(world, 60)
    page = source.fetch(play_brand(max_pages=10), None, NOW)
    assert sorted(m.native_id for m in page.mentions) == sorted(first)
    listing = world.requests_to(REVIEWS)
    assert [r.query.get("token") for r in listing] == [None, *(str(n) for n in range(10, 60, 10))]
    assert {r.query["maxResults"] for r in listing} == {"10"}
    # Later: three new reviews; the next poll stops at the cursor and returns only them
    world.advance(minutes=15)
    new = _reviews(world, 3, start=world.now - timedelta(minutes=5))
    again = source.fetch(play_brand(max_pages=10), page.cursor, world.now)
    assert sorted(m.native_id for m in again.mentions) == sorted(new)
    # 3 new, 15 inside the 15-minute overlap, then it stops 25 past the floor (cursor.OLD_RUN):
    # 5 pages of the 7 there are
    assert len(world.requests_to(REVIEWS)) == 6 + 5


def test_the_token_is_cached_until_it_expires_and_renewed_when_refused(world, source, play_brand):
    _reviews(world, 2)
    cursor = source.fetch(play_brand(), None, NOW).cursor
    source.fetch(play_brand(), cursor, NOW)
    assert tokens_issued(world) == 1  # one token for both polls
    revoke_tokens(world)
    page = source.fetch(play_brand(), cursor, NOW)
    assert tokens_issued(world) == 2 and page.errors == []
    posts = world.requests_to(TOKEN_PATH)
    assert all(r.query["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer" for r in posts)


def test_an_assertion_signed_by_another_key_is_refused_clearly(fake, world, session, play_brand):
    new_service_account(world)  # the account the endpoint knows...
    stranger = ServiceAccount.model_validate(new_service_account(world.__class__(now=NOW)))
    token = GoogleToken(stranger, f"{fake.base_url}{TOKEN_PATH}", session, source="google_play")
    with pytest.raises(InvalidConfig, match=r"refused the service account \(invalid_grant\)") as caught:
        GooglePlaySource(token, session, fake.base_url).fetch(play_brand(), None, NOW)
    assert "PRIVATE KEY" not in str(caught.value)


def test_a_package_play_does_not_know_is_a_clear_error_and_the_cursor_stays(world, source, play_brand):
    _reviews(world, 1)
    with pytest.raises(InvalidConfig, match=re.escape("Play does not know the package 'com.acmeair.other'")):
        source.fetch(play_brand(package_name="com.acmeair.other"), "{}", NOW)


def test_malformed_reviews_are_skipped_and_counted_the_rest_stored(world, source, play_brand):
    good = _reviews(world, 3)
    good_one = {"reviewId": "gp:x", "authorName": "a"}
    user = {"text": "fine", "starRating": 3, "lastModified": {"seconds": str(int(NOW.timestamp()) - 60)}}
    for bad in (
        {**good_one, "comments": [{"userComment": {**user, "starRating": 0}}]},
        {**good_one, "comments": [{"userComment": {**user, "starRating": 11}}]},
        {**good_one, "comments": [{"userComment": {k: v for k, v in user.items() if k != "starRating"}}]},
        {**good_one, "comments": [{"userComment": {**user, "text": ""}}]},
        {**good_one, "comments": [{"userComment": {**user, "text": "x" * 5_000_000}}]},
        {**good_one, "comments": [{"userComment": {**user, "lastModified": {"seconds": "9" * 30}}}]},
    ):
        world.malform_next(REVIEWS, bad)
        page = source.fetch(play_brand(), None, NOW)
        assert page.skipped == 1 and sorted(m.native_id for m in page.mentions) == sorted(good)


def test_html_in_a_review_is_text(world, source, play_brand):
    add_play_review(
        world, package=PACKAGE, text="<script>alert(1)</script><p>Great <i>new</i> seats</p>", rating=5
    )
    (m,) = source.fetch(play_brand(), None, NOW).mentions
    assert "<" not in m.text and "Great new seats" in m.text


def test_a_cursor_older_than_the_week_says_reviews_may_be_lost(world, source, play_brand):
    _reviews(world, 1)
    old = json.dumps({"v": 2, "at": (NOW - timedelta(days=8)).timestamp(), "seen": {}})
    page = source.fetch(play_brand(), old, NOW)
    assert len(page.mentions) == 1
    assert any("more than 7 days ago" in e for e in page.errors)


def test_a_429_with_retry_after_is_waited_for(world, source, play_brand):
    ids = _reviews(world, 2)
    world.fail_next(1, status=429, retry_after=1, path=REVIEWS)
    page = source.fetch(play_brand(), None, NOW)
    assert sorted(m.native_id for m in page.mentions) == sorted(ids)


def test_a_token_is_asked_for_again_only_a_minute_before_its_hour_ends(
    fake, world, account, session, play_brand
):
    _reviews(world, 1)
    start = time.time()  # the token endpoint checks the assertion's dates against its own clock
    now = [start]
    token = GoogleToken(
        account, f"{fake.base_url}{TOKEN_PATH}", session, source="google_play", clock=lambda: now[0]
    )
    source = GooglePlaySource(token, session, fake.base_url)
    for elapsed in (0, 1800, 3599 - 61):  # the fake's tokens last 3599 s
        now[0] = start + elapsed
        source.fetch(play_brand(), None, NOW)
    assert tokens_issued(world) == 1
    now[0] = start + 3599 - 59
    source.fetch(play_brand(), None, NOW)
    assert tokens_issued(world) == 2


def test_reads_of_an_app_stop_at_the_hourly_budget_and_go_on_the_next_hour(
    world, token, session, fake, play_brand
):
    _reviews(world, 200, start=NOW - timedelta(hours=5))
    source = GooglePlaySource(token, session, fake.base_url, page_size=10, hourly_budget=5)
    brand = play_brand(max_pages=3)
    first = source.fetch(brand, None, NOW)  # 3 pages
    second = source.fetch(brand, first.cursor, NOW + timedelta(minutes=15))  # 2 left this hour
    assert any("hourly budget of 5 reads" in e for e in second.errors)
    third = source.fetch(brand, second.cursor, NOW + timedelta(minutes=30))
    assert third.mentions == [] and third.cursor == second.cursor
    assert any("5 reads of com.acmeair.app this hour" in e for e in third.errors)
    assert len(world.requests_to(REVIEWS)) == 5
    source.fetch(brand, third.cursor, NOW + timedelta(minutes=60))  # a new hour
    assert len(world.requests_to(REVIEWS)) == 8
