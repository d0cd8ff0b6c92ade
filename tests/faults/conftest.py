"""Shared fixtures of the fault suite: the local fake platforms, and one driver per source.

A driver tells the suite how to put an item on its platform, where its listing requests go, which
children break its pages and what an absurd id looks like. A new source joins every source fault
test by adding its row to `DRIVERS`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import praw
import pytest
import requests
from pydantic import SecretStr

from repmon.adapters.http import new_session
from repmon.adapters.secrets import BlueskyCredentials, RedditCredentials
from repmon.adapters.sources.apple_token import AppleToken, AppStoreConnectKey
from repmon.adapters.sources.appstore import RssAppStoreSource
from repmon.adapters.sources.appstore_connect import AppStoreConnectSource
from repmon.adapters.sources.bluesky import BlueskySource, XrpcSession
from repmon.adapters.sources.feeds import HttpFeedSource
from repmon.adapters.sources.gdelt import GdeltSource
from repmon.adapters.sources.gdelt_gate import MemoryRateGate
from repmon.adapters.sources.google import GoogleCredentials, GoogleSource
from repmon.adapters.sources.google_play import GooglePlaySource
from repmon.adapters.sources.google_token import GoogleToken, ServiceAccount
from repmon.adapters.sources.hackernews import AlgoliaHackerNewsSource
from repmon.adapters.sources.mastodon import Instance, MastodonSource
from repmon.adapters.sources.reddit import PrawRedditSource, build_reddit
from repmon.adapters.sources.trustpilot import TrustpilotCredentials, TrustpilotSource
from repmon.adapters.sources.x import XSource
from repmon.adapters.sources.x_spend import MemorySpendLedger
from repmon.adapters.sources.yelp import YelpCredentials, YelpSource
from repmon.adapters.sources.youtube import YouTubeSource
from repmon.domain.brand import Brand
from repmon.domain.models import Mention
from repmon.domain.youtube_quota import QuotaPlan
from repmon.localstack.fakes.appstore_connect import (
    add_connect_app,
    add_connect_review,
    delete_connect_review,
    new_api_key,
)
from repmon.localstack.fakes.bluesky import add_bluesky_post, delete_bluesky_post
from repmon.localstack.fakes.feeds import add_feed_entry
from repmon.localstack.fakes.gdelt import PATH as GDELT_PATH
from repmon.localstack.fakes.gdelt import add_gdelt_article, stored_id
from repmon.localstack.fakes.google import OAUTH_PREFIX, add_google_review, delete_google_review
from repmon.localstack.fakes.google_play import (
    TOKEN_PATH,
    add_play_app,
    add_play_review,
    delete_play_review,
    new_service_account,
)
from repmon.localstack.fakes.mastodon import add_toot, delete_toot, instance_url
from repmon.localstack.fakes.server import FakeSources, SourceWorld
from repmon.localstack.fakes.trustpilot import add_trustpilot_review, delete_trustpilot_review
from repmon.localstack.fakes.world import stored_review_id
from repmon.localstack.fakes.x import BEARER, add_x_post, delete_x_post
from repmon.localstack.fakes.yelp import add_yelp_review, delete_yelp_review
from repmon.localstack.fakes.youtube import add_comment, api_url, channel_id, delete_comment
from repmon.ports import MentionSource, PollJob, SourcePage
from repmon.services.collect import Collector
from tests.fakes import InMemoryCursorStore, InMemoryMentionStore, InMemoryWatchlist, KeywordScorer
from tests.youtube_ledger import MemoryQuotaLedger

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
APP = "123456789"
#: The per-run limit every driver's brand is given, so a backlog takes several polls.
LIMIT = 50


@dataclass(frozen=True)
class Env:
    fake: FakeSources
    session: requests.Session
    reddit: praw.Reddit


@dataclass(frozen=True)
class Driver:
    """How the fault suite drives one source."""

    name: str
    build: Callable[[Env], MentionSource]
    #: The brand's settings for this source, with the per-run limit LIMIT (or built from the Env).
    settings: dict[str, Any] | Callable[[Env], dict[str, Any]]
    #: Put one matching item on the platform: (world, created, n, **extra) -> its native id as stored.
    add: Callable[..., str]
    #: A fragment of the path of the source's listing requests (for injected faults).
    path: str
    #: Children that break a page: praw raised on some for the whole page before.
    malformed: list[object]
    #: extra keyword arguments to `add` that give an item an id no platform would issue.
    absurd_id: Callable[[int], dict[str, Any]]
    #: Items are ordered by id, not date (their dates never move the cursor).
    by_id: bool = False
    #: The platform serves an item whose date says 1970 (Algolia filters on that date: it never does).
    serves_1970: bool = True
    #: extra keyword arguments to `add` for an id of a plausible size that jumps far above the rest
    #: alone (id-ordered sources); others get `absurd_id`'s.
    lone_id: Callable[[int], dict[str, Any]] | None = None
    #: Delete an item from the platform: (world, native id as stored), where the fake can.
    delete: Callable[[SourceWorld, str], None] | None = None


def _reddit_post(world: SourceWorld, created: datetime, n: int, **kw: Any) -> str:
    return "t3_" + world.add_reddit_post(title=f"Acme post {n}", created=created, **kw)


def _hn_story(world: SourceWorld, created: datetime, n: int, **kw: Any) -> str:
    if "id" in kw:
        kw["object_id"] = kw.pop("id")
    return world.add_hn_item(title=f"Acme story {n}", created=created, **kw)


def _review(world: SourceWorld, created: datetime, n: int, **kw: Any) -> str:
    if "id" in kw:
        kw["review_id"] = kw.pop("id")
    # Each its own reviewer (App Store nicknames are unique): the stored id hashes nickname and text.
    reviewer = f"reader-{len(world.reviews)}"
    return world.add_appstore_review(
        app_id=APP, title=f"Review {n}", content="ok", rating=4, created=created, author=reviewer, **kw
    )


def _feed_entry(world: SourceWorld, created: datetime, n: int, **kw: Any) -> str:
    return add_feed_entry(world, title=f"Acme entry {n}", html="<p>acme</p>", created=created, **kw)


def _gdelt_article(world: SourceWorld, created: datetime, n: int, **kw: Any) -> str:
    # GDELT's ids hash the headline: each article its own (the suite's n repeats between batches).
    title = f"Acme article {n} of {len(world.stock.get('gdelt', []))}"
    return stored_id(add_gdelt_article(world, title=title, domain="wire.example", seen=created, **kw))


def _gdelt(env: Env) -> MentionSource:
    # The stack's pace is the gate's (tests/integration/test_gdelt_source.py): none here, as for the
    # other sources' rate limits; a 429 holds the gate for 10 ms.
    return GdeltSource(env.fake.base_url, env.session, MemoryRateGate(0.0), backoff=0.01, max_wait=1.0)


_GDELT_GOOD = {"url": "https://wire.example/a", "title": "Acme", "seendate": "20261101T115900Z"}


def _toot(world: SourceWorld, created: datetime, n: int, **kw: Any) -> str:
    return add_toot(world, html=f"Acme toot {n}", tags=("acme",), created=created, **kw)


def _mastodon(env: Env) -> MentionSource:
    token = SecretStr("user-token")
    return MastodonSource(
        {"alpha.example": Instance(url=instance_url(env.fake.base_url, "alpha"), token=token)}, env.session
    )


_TOOT_GOOD = {
    "uri": "https://alpha.example/users/a/statuses/1",
    "created_at": "2026-11-01T11:59:00.000Z",
    "content": "<p>Acme</p>",
    "account": {"acct": "a", "followers_count": 1},
}


def _bluesky_post(world: SourceWorld, created: datetime, n: int, **kw: Any) -> str:
    return add_bluesky_post(world, text=f"Acme post {n}", created=created, **kw)


def _bluesky(env: Env) -> MentionSource:
    creds = BlueskyCredentials(identifier="reader.example.com", app_password=SecretStr("app-pass"))
    return BlueskySource(XrpcSession(env.fake.base_url, creds, env.session))


_BSKY_DID = "did:plc:abcdefghijklmnopqrstuvwx"
_BSKY_GOOD = {
    "uri": f"at://{_BSKY_DID}/app.bsky.feed.post/3lzzabcdefgh2",
    "author": {"did": _BSKY_DID, "handle": "a.bsky.social"},
    "record": {"text": "Acme", "createdAt": "2026-11-01T11:59:00Z"},
}
_REDDIT_GOOD = {"id": "zz1", "created_utc": 1.79e9, "title": "Acme", "subreddit": "test", "author": "a"}
_HN_GOOD = {"objectID": "1", "created_at_i": 1_790_000_000, "title": "Acme", "_tags": ["story"]}
_REVIEW_GOOD = {"id": {"label": "1"}, "im:rating": {"label": "4"}, "content": {"label": "ok"}}

DRIVERS = [
    Driver(
        "reddit",
        lambda env: PrawRedditSource(env.reddit),
        {"include_comments": False, "max_items": LIMIT},
        _reddit_post,
        "/search",
        [
            {"kind": "t3", "data": "not an object"},
            {"kind": "t3", "data": {**_REDDIT_GOOD, "created_utc": -(2**63)}},
            {"kind": "t3", "data": {**_REDDIT_GOOD, "subreddit": ["x"]}},
            {"kind": "t3"},
            ["not", "a", "thing"],
        ],
        lambda n: {"id": f"{n}" + "z" * 30},
        delete=lambda world, native: world.delete_reddit_post(native.removeprefix("t3_")),
    ),
    Driver(
        "hackernews",
        lambda env: AlgoliaHackerNewsSource(env.fake.hackernews_url, env.session),
        {"max_items": LIMIT},
        _hn_story,
        "/search_by_date",
        [
            "not a hit",
            {**_HN_GOOD, "created_at_i": -(2**63)},
            {**_HN_GOOD, "points": [1]},
            {**_HN_GOOD, "objectID": "9" * 40},
            {"objectID": None},
        ],
        lambda n: {"id": "9" * 40 + str(n)},
        serves_1970=False,
    ),
    Driver(
        "appstore",
        lambda env: RssAppStoreSource(env.fake.appstore_url, env.session),
        {"app_id": APP, "max_pages": 1},
        _review,
        "/customerreviews",
        [
            "not an entry",
            {**_REVIEW_GOOD, "id": {"label": "1" * 40}},
            {**_REVIEW_GOOD, "im:rating": {"label": ["5"]}},
            {**_REVIEW_GOOD, "updated": {"label": "year 9999999"}},
            {"id": None, "im:rating": None},
        ],
        lambda n: {"id": 10**15 + n},
        by_id=True,
        # Twelve digits like a real id, 9e9 above reviews dated minutes before it: 6 years of ids.
        lone_id=lambda n: {"id": 18_000_000_000 + n},
    ),
    Driver(
        "feeds",
        lambda env: HttpFeedSource(env.session),
        lambda env: {"urls": [f"{env.fake.base_url}/feeds/news.rss"], "max_items": LIMIT},
        _feed_entry,
        "/feeds/news.rss",
        [
            "<title></title><link>https://a.example/says-nothing</link>",
            "<title>Acme, no id and no link</title>",
            "<title>Acme</title><link>javascript:alert(1)</link>",
            "<title>Acme</title><guid>g</guid><link>ftp://a.example/x</link>",
            "<title>Acme</title><link>https://a.example/" + "x" * 3000 + "</link>",
        ],
        # No feed id is absurd (it is hashed), but a link no web page has makes the entry unreadable.
        lambda n: {"guid": None, "link": "https://a.example/" + "x" * 3000 + str(n)},
    ),
    Driver(
        "gdelt",
        _gdelt,
        {"enabled": True, "max_items": LIMIT},
        _gdelt_article,
        GDELT_PATH,
        [
            "not an article",
            {**_GDELT_GOOD, "seendate": "year 9999999"},
            {**_GDELT_GOOD, "url": "javascript:alert(1)"},
            {**_GDELT_GOOD, "title": ["Acme"]},
            {"url": None},
        ],
        # Ids are hashed; an address no web page has makes the article unreadable.
        lambda n: {"path": "x" * 3000 + str(n)},
    ),
    Driver(
        "bluesky",
        _bluesky,
        {"enabled": True, "max_items": LIMIT},
        _bluesky_post,
        "app.bsky.feed.searchPosts",
        [
            "not a post",
            {**_BSKY_GOOD, "record": {"text": "Acme", "createdAt": "year 9999999"}},
            {**_BSKY_GOOD, "likeCount": [1]},
            {**_BSKY_GOOD, "uri": f"at://{_BSKY_DID}/app.bsky.feed.post/" + "9" * 40},
            {"uri": None},
        ],
        lambda n: {"rkey": "z" * 600 + str(n)},
        serves_1970=False,
        delete=delete_bluesky_post,
    ),
]


DRIVERS.append(
    Driver(
        "mastodon",
        _mastodon,
        {"instances": ["alpha.example"], "hashtags": ["acme"], "search": False, "max_items": LIMIT},
        _toot,
        "/timelines/tag/acme",
        [
            "not a status",
            {**_TOOT_GOOD, "created_at": "year 9999999"},
            {**_TOOT_GOOD, "favourites_count": [1]},
            {**_TOOT_GOOD, "uri": "javascript:alert(1)"},
            {"uri": None},
        ],
        # A uri no status has (600 characters) makes the status unreadable.
        lambda n: {"uri": "https://alpha.example/" + "x" * 600 + str(n)},
        delete=delete_toot,
    )
)


YT_CHANNEL = channel_id("acme official")
_YT_GOOD_COMMENT: dict[str, Any] = {
    "id": "UgxGoodComment0000000AaABAg",
    "snippet": {
        "authorChannelId": {"value": "UCviewerChannel000000001"},
        "textOriginal": "Acme",
        "publishedAt": "2026-11-01T11:59:00Z",
        "channelId": YT_CHANNEL,
    },
}


def _yt_thread(**comment: Any) -> dict[str, Any]:
    top = {**_YT_GOOD_COMMENT, "snippet": {**_YT_GOOD_COMMENT["snippet"], **comment}}
    return {"id": "UgxGoodComment0000000AaABAg", "snippet": {"channelId": YT_CHANNEL, "topLevelComment": top}}


def _yt_comment(world: SourceWorld, created: datetime, n: int, **kw: Any) -> str:
    return add_comment(world, text=f"Acme comment {n}", channel=YT_CHANNEL, created=created, **kw)


def _youtube(env: Env) -> MentionSource:
    plan = QuotaPlan(units_per_day=10**7, searches_per_day=10**5, share=1.0)
    return YouTubeSource(
        SecretStr("key"), MemoryQuotaLedger(), env.session, base_url=api_url(env.fake.base_url), plan=plan
    )


DRIVERS.append(
    Driver(
        "youtube",
        _youtube,
        {"channel_id": YT_CHANNEL, "search": False, "max_items": LIMIT},
        _yt_comment,
        "/youtube/v3/commentThreads",
        [
            "not a thread",
            _yt_thread(publishedAt="year 9999999"),
            _yt_thread(likeCount=[1]),
            {**_yt_thread(), "snippet": {"topLevelComment": {**_YT_GOOD_COMMENT, "id": "Ug" + "x" * 300}}},
            {"id": None},
        ],
        # An id no comment has (300 characters) makes the comment unreadable.
        lambda n: {"id": "Ug" + "x" * 300 + str(n)},
        delete=delete_comment,
    )
)


def _x_post(world: SourceWorld, created: datetime, n: int, **kw: Any) -> str:
    return add_x_post(world, text=f"Acme post {n}", created=created, **kw)


def _x(env: Env) -> MentionSource:
    return XSource(
        env.fake.base_url, SecretStr(BEARER), env.session, ledger=MemorySpendLedger(), stack_budget=1000
    )


_X_GOOD = {"id": "2116787321041846273", "text": "Acme", "created_at": "2026-11-01T11:59:00.000Z"}

DRIVERS.append(
    Driver(
        "x",
        _x,
        {"enabled": True, "max_items": LIMIT, "monthly_budget_usd": 1000},
        _x_post,
        "/2/tweets/search/recent",
        [
            "not a post",
            {**_X_GOOD, "created_at": "year 9999999"},
            {**_X_GOOD, "public_metrics": {"like_count": [1]}},
            {**_X_GOOD, "id": "9" * 40},
            {"id": None},
        ],
        # An id no snowflake can be (over 2^63) makes the post unreadable.
        lambda n: {"id": "9" * 30 + str(n)},
        delete=delete_x_post,
    )
)


PACKAGE = "com.acme.app"


def _play_review(world: SourceWorld, created: datetime, n: int, **kw: Any) -> str:
    return add_play_review(world, package=PACKAGE, text=f"Review {n}\tworks", rating=4, created=created, **kw)


def _google_play(env: Env) -> MentionSource:
    account = ServiceAccount.model_validate(new_service_account(env.fake.world))
    add_play_app(env.fake.world, PACKAGE)
    token = GoogleToken(account, f"{env.fake.base_url}{TOKEN_PATH}", env.session, source="google_play")
    return GooglePlaySource(token, env.session, env.fake.base_url)


_PLAY_USER = {"text": "ok", "starRating": 4, "lastModified": {"seconds": "1793534340"}}
_PLAY_GOOD = {"reviewId": "gp:good", "authorName": "a", "comments": [{"userComment": _PLAY_USER}]}


def _connect_review(world: SourceWorld, created: datetime, n: int, **kw: Any) -> str:
    reviewer = kw.pop("nickname", f"reader-{len(world.stock.get('appstore_connect', []))}")
    if "reported" in kw:  # App Store Connect sends ISO dates
        kw["reported"] = datetime.fromtimestamp(kw["reported"], UTC).isoformat()
    title = f"Review {n}"
    connect_id = add_connect_review(
        world, app_id=APP, title=title, body="ok", rating=4, nickname=reviewer, created=created, **kw
    )
    _CONNECT_IDS[stored_review_id(APP, reviewer, title, "ok")] = connect_id
    return stored_review_id(APP, reviewer, title, "ok")


#: The App Store Connect id of each review by the id repmon stores (to delete it on the platform).
_CONNECT_IDS: dict[str, str] = {}


def _app_store_connect(env: Env) -> MentionSource:
    key = AppStoreConnectKey.model_validate(new_api_key(env.fake.world))
    add_connect_app(env.fake.world, APP)
    return AppStoreConnectSource(AppleToken(key), env.session, env.fake.base_url)


_ASC_FIELDS: dict[str, Any] = {
    "rating": 4,
    "body": "ok",
    "reviewerNickname": "a",
    "createdDate": "2026-11-01T11:59:00Z",
}
_ASC_GOOD: dict[str, Any] = {"type": "customerReviews", "id": "x", "attributes": _ASC_FIELDS}

DRIVERS += [
    Driver(
        "google_play",
        _google_play,
        {"package_name": PACKAGE, "max_items": LIMIT},
        _play_review,
        "/reviews",
        [
            "not a review",
            {**_PLAY_GOOD, "comments": [{"userComment": {**_PLAY_USER, "starRating": 0}}]},
            {
                **_PLAY_GOOD,
                "comments": [{"userComment": {**_PLAY_USER, "lastModified": {"seconds": "year"}}}],
            },
            {**_PLAY_GOOD, "reviewId": "gp:" + "9" * 600},
            {"reviewId": None},
        ],
        # An id no Play review has (600 characters) makes the review unreadable.
        lambda n: {"id": "gp:" + "x" * 600 + str(n)},
        delete=delete_play_review,
    ),
    Driver(
        "appstore_connect",
        _app_store_connect,
        {"app_id": APP, "max_items": LIMIT},
        _connect_review,
        "/customerReviews",
        [
            "not a review",
            {**_ASC_GOOD, "attributes": {**_ASC_FIELDS, "rating": 0}},
            {**_ASC_GOOD, "attributes": {**_ASC_FIELDS, "createdDate": "year 9999999"}},
            {**_ASC_GOOD, "attributes": {**_ASC_FIELDS, "reviewerNickname": "x" * 600}},
            {"type": None},
        ],
        # Its id is a hash (appstore_identity), but a nickname no reviewer has makes the review unreadable.
        lambda n: {"nickname": "x" * 600 + str(n)},
        delete=lambda world, stored: delete_connect_review(world, _CONNECT_IDS.get(stored, "")),
    ),
]


_TP_UNIT = "5f1e2d3c4b5a69788796a5b4"
_TP_GOOD = {"id": "6a1b2c3d4e5f60718293a4b5", "stars": 2, "text": "x", "createdAt": "2026-11-01T11:59:00Z"}


def _tp_review(world: SourceWorld, created: datetime, n: int, **kw: Any) -> str:
    return add_trustpilot_review(
        world, unit=_TP_UNIT, title=f"Acme {n}", text="ok", stars=2, created=created, **kw
    )


DRIVERS.append(
    Driver(
        "trustpilot",
        lambda env: TrustpilotSource(
            TrustpilotCredentials(api_key=SecretStr("k")), env.fake.base_url, env.session, page_size=20
        ),
        {"business_units": [_TP_UNIT], "max_items": LIMIT, "max_pages": 20},
        _tp_review,
        f"/business-units/{_TP_UNIT}/reviews",
        [
            "not a review",
            {**_TP_GOOD, "createdAt": "year 9999999"},
            {**_TP_GOOD, "stars": 0},
            {**_TP_GOOD, "stars": 11},
            {"id": None},
        ],
        # A review id no review has (600 characters) makes the review unreadable.
        lambda n: {"id": "z" * 600 + str(n)},
        delete=delete_trustpilot_review,
    )
)

_YELP_BIZ = "acme-air-lounge"
_YELP_GOOD = {
    "id": "r1",
    "url": "https://www.yelp.com/biz/x",
    "rating": 2,
    "time_created": "2026-11-01 04:59:00",
}
_yelp_ids: dict[str, str] = {}


def _yelp_review(world: SourceWorld, created: datetime, n: int, **kw: Any) -> str:
    review_id = add_yelp_review(world, business=_YELP_BIZ, text=f"Acme {n}", rating=2, created=created, **kw)
    stored = "r-" + hashlib.sha256(review_id.encode()).hexdigest()[:32]  # Yelp's id is kept as a digest
    _yelp_ids[stored] = review_id
    return stored


DRIVERS.append(
    Driver(
        "yelp",
        lambda env: YelpSource(
            YelpCredentials(api_key=SecretStr("yelp-key-0123")), env.fake.base_url, env.session, page_size=20
        ),
        {"businesses": [_YELP_BIZ], "max_items": LIMIT, "max_pages": 10, "min_interval_hours": 0},
        _yelp_review,
        f"/businesses/{_YELP_BIZ}/reviews",
        [
            "not a review",
            {**_YELP_GOOD, "time_created": "year 9999999"},
            {**_YELP_GOOD, "rating": 0},
            {**_YELP_GOOD, "url": "javascript:alert(1)"},
            {"id": None},
        ],
        # An id no review has (600 characters) makes the review unreadable.
        lambda n: {"id": "z" * 600 + str(n)},
        delete=lambda world, stored: delete_yelp_review(world, _yelp_ids[stored]),
    )
)


_G_LOCATION = "accounts/111/locations/201"
_G_GOOD = {"reviewId": "AbFvOq1", "starRating": "TWO", "createTime": "2026-11-01T11:59:00Z"}


def _google_review(world: SourceWorld, created: datetime, n: int, **kw: Any) -> str:
    return add_google_review(world, where=_G_LOCATION, comment=f"Acme {n}", stars=2, created=created, **kw)


def _google(env: Env) -> MentionSource:
    creds = GoogleCredentials(client_id="c", client_secret=SecretStr("s"), refresh_token=SecretStr("r"))
    url = env.fake.base_url
    return GoogleSource(
        creds,
        oauth_url=url + OAUTH_PREFIX,
        business_url=url,
        places_url=url,
        session=env.session,
        page_size=20,
    )


DRIVERS.append(
    Driver(
        "google",
        _google,
        {"locations": [_G_LOCATION], "max_items": LIMIT, "max_pages": 20},
        _google_review,
        f"{_G_LOCATION}/reviews",
        [
            "not a review",
            {**_G_GOOD, "createTime": "year 9999999"},
            {**_G_GOOD, "starRating": "STAR_RATING_UNSPECIFIED"},
            {**_G_GOOD, "starRating": 11},
            {"reviewId": None},
        ],
        # A review id no review has (600 characters) makes the review unreadable.
        lambda n: {"id": "z" * 600 + str(n)},
        delete=delete_google_review,
    )
)


@pytest.fixture(params=DRIVERS, ids=lambda d: d.name)
def driver(request: pytest.FixtureRequest) -> Driver:
    return request.param


@pytest.fixture
def world() -> SourceWorld:
    return SourceWorld(now=NOW)


@pytest.fixture
def env(world: SourceWorld) -> Iterator[Env]:
    with FakeSources(world) as fake:
        session = new_session(total=2, backoff_factor=0.01, backoff_max=0.05, max_retry_after=1, timeout=5)
        creds = RedditCredentials(client_id="c", client_secret=SecretStr("s"), user_agent="repmon-faults/1.0")
        yield Env(fake, session, build_reddit(creds, fake.reddit_url, fake.reddit_url, session))
    assert world.requests, "the test never reached the fake source server"


class Harness:
    """The real Collector over one real source adapter and the fake platform, with in-memory storage."""

    def __init__(self, driver: Driver, env: Env, world: SourceWorld) -> None:
        self.world = world
        self.driver = driver
        settings = driver.settings(env) if callable(driver.settings) else driver.settings
        self.brand = Brand.model_validate(
            {"id": "acme", "name": "Acme", "query": "acme", "sources": {driver.name: settings}}
        )
        self.source = driver.build(env)
        self.pages: list[SourcePage] = []
        self.store = InMemoryMentionStore()
        self.cursors = InMemoryCursorStore()
        self.collector = Collector(
            InMemoryWatchlist([self.brand]),
            {driver.name: _Recording(self.source, self.pages)},
            self.cursors,
            self.store,
            KeywordScorer(),
        )
        self.skipped = 0

    def poll(self, times: int = 1, every: timedelta = timedelta(minutes=15)) -> None:
        for _ in range(times):
            result = self.collector.collect(PollJob("acme", self.driver.name, self.world.now))
            self.skipped += result.skipped
            self.world.advance(seconds=every.total_seconds())

    def stored(self) -> list[str]:
        return sorted(key.split("#", 1)[1] for _, key in self.store.items)

    def counted(self) -> int:
        return sum(a.mentions for a in self.store.aggregates.values())

    def cursor(self) -> str | None:
        return self.cursors.get("acme", self.driver.name)


class _Recording:
    """The source as the Collector sees it, keeping each page it returned."""

    def __init__(self, source: MentionSource, pages: list[SourcePage]) -> None:
        self.source = source
        self.name = source.name
        self.pages = pages

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        page = self.source.fetch(brand, cursor, now)
        self.pages.append(page)
        return page


@pytest.fixture
def harness(driver: Driver, env: Env, world: SourceWorld) -> Harness:
    return Harness(driver, env, world)


def returned(pages: list[SourcePage]) -> list[Mention]:
    return [m for p in pages for m in p.mentions]
