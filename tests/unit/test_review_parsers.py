"""The Google Play and App Store Connect parsers: any payload gives Mentions or a typed, skippable
error (property-tested), and the App Store's one identity across its two routes."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.adapters.item_fields import ITEM_ERRORS, MalformedPage
from repmon.adapters.sources import appstore_connect_parse as asc
from repmon.adapters.sources import google_play_parse as play
from repmon.adapters.sources.appstore import entry_to_review
from repmon.adapters.sources.appstore_identity import review_key
from tests.fuzz_budget import FUZZ

NOW = datetime(2026, 11, 1, tzinfo=UTC)
APP = "123456789"
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
_VALUES = st.one_of(
    _SCALARS,
    st.just(-(2**63)),
    st.lists(_SCALARS, max_size=3),
    st.dictionaries(st.sampled_from(["seconds", "nanos", "x"]), _SCALARS, max_size=2),
)
_ANY = st.one_of(
    _SCALARS, st.lists(_SCALARS, max_size=2), st.dictionaries(st.text(max_size=3), _SCALARS, max_size=2)
)


def _near(good: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """`good` with some fields replaced by anything, or removed."""
    changed = st.fixed_dictionaries({}, optional={k: _VALUES for k in good})
    return st.builds(
        lambda d, drop: {k: v for k, v in {**good, **d}.items() if k not in drop},
        changed,
        st.sets(st.sampled_from(sorted(good)), max_size=2),
    )


_USER = {
    "text": "Title\tbody",
    "lastModified": {"seconds": "1793534340", "nanos": 5},
    "starRating": 2,
    "reviewerLanguage": "en",
    "appVersionName": "4.2.0",
    "thumbsUpCount": 3,
    "thumbsDownCount": 1,
}
_PLAY_REVIEW = st.builds(
    lambda review, user, reply: {**review, "comments": [{"userComment": user}, *reply]},
    _near({"reviewId": "gp:abc", "authorName": "a"}),
    _near(_USER),
    st.one_of(
        st.just([]),
        _near({"text": "thanks", "lastModified": {"seconds": "1793534400"}}).map(
            lambda d: [{"developerComment": d}]
        ),
    ),
)
_ASC_ATTRIBUTES = {
    "rating": 1,
    "title": "t",
    "body": "b",
    "reviewerNickname": "n",
    "createdDate": "2026-11-01T10:00:00-07:00",
    "territory": "USA",
}
_ASC_REVIEW = st.builds(
    lambda attributes, response: {
        "type": "customerReviews",
        "id": "r",
        "attributes": attributes,
        "relationships": {"response": {"data": {"type": "customerReviewResponses", "id": response}}},
    },
    _near(_ASC_ATTRIBUTES),
    st.one_of(st.just("resp"), _SCALARS),
)
_ASC_RESPONSE = st.builds(
    lambda a: {"type": "customerReviewResponses", "id": "resp", "attributes": a},
    _near({"responseBody": "x", "lastModifiedDate": "2026-11-01T11:00:00Z", "state": "PUBLISHED"}),
)


class _Quiet:
    def warning(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        return None


def _never_crashes(parse: Any, body: Any) -> None:
    with contextlib.suppress(MalformedPage):
        mentions, skipped = parse(body)
        assert skipped >= 0 and all(m.native_id and m.rating in range(1, 6) for m in mentions)
        assert all(m.created_at <= NOW.replace(minute=5) for m in mentions)  # clamped to now + 5 min


def _play_page(body: Any) -> tuple[list[Any], int]:
    items, _ = play.page_reviews(body)
    return play.parse_reviews(items, "com.acme.app", "Acme", NOW, _Quiet())


def _asc_page(body: Any) -> tuple[list[Any], int]:
    items, responses, _ = asc.page_items(body)
    return asc.parse_reviews(items, responses, APP, "Acme", NOW, _Quiet())


@pytest.mark.slow
@FUZZ
@given(st.one_of(st.lists(_PLAY_REVIEW, max_size=3).map(lambda r: {"reviews": r}), _ANY))
def test_fuzzed_google_play_pages_never_crash(body):
    _never_crashes(_play_page, body)


@pytest.mark.slow
@FUZZ
@given(
    st.one_of(
        st.builds(
            lambda d, i: {"data": d, "included": i},
            st.lists(_ASC_REVIEW, max_size=3),
            st.lists(_ASC_RESPONSE, max_size=2),
        ),
        _ANY,
    )
)
def test_fuzzed_app_store_connect_pages_never_crash(body):
    _never_crashes(_asc_page, body)


@given(_PLAY_REVIEW)
def test_any_play_review_parses_or_is_skipped(review):
    with contextlib.suppress(*ITEM_ERRORS):
        play.review_to_mention(review, "com.acme.app", "Acme", NOW)


@pytest.mark.parametrize(
    "user",
    [
        {**_USER, "starRating": 0},
        {**_USER, "starRating": 11},
        {**_USER, "starRating": True},
        {k: v for k, v in _USER.items() if k != "starRating"},
        {**_USER, "text": ""},
        {**_USER, "text": "\t"},
        {**_USER, "text": "x" * 5_000_000},
        {**_USER, "lastModified": {"seconds": "9" * 30}},
        {**_USER, "lastModified": {"seconds": 1.5e9}},
    ],
)
def test_a_play_review_without_a_rating_or_text_or_with_an_absurd_date_is_skipped(user):
    with pytest.raises(ITEM_ERRORS):
        play.review_to_mention({"reviewId": "gp:a", "comments": [{"userComment": user}]}, "p.q", "", NOW)


def test_a_play_review_from_the_future_is_dated_now_plus_the_skew_and_1970_is_now():
    future = {**_USER, "lastModified": {"seconds": str(int(NOW.timestamp()) + 86400)}}
    m = play.review_to_mention({"reviewId": "gp:a", "comments": [{"userComment": future}]}, "p.q", "", NOW)
    assert (m.created_at - NOW).total_seconds() == 300
    epoch = {**_USER, "lastModified": {"seconds": "0"}}
    m = play.review_to_mention({"reviewId": "gp:a", "comments": [{"userComment": epoch}]}, "p.q", "", NOW)
    assert m.created_at == NOW


def test_the_rss_entry_and_the_connect_review_of_one_review_have_one_identity():
    entry = {
        "id": {"label": "11234567890"},
        "im:rating": {"label": "1"},
        "author": {
            "name": {"label": "Jet Setter"},
            "uri": {"label": "https://itunes.apple.com/us/reviews/id42"},
        },
        "title": {"label": "Lost &amp; found?"},
        "content": {"label": "Bag  gone.\nNo reply."},
    }
    _, from_feed = entry_to_review(entry, "us", APP, NOW)
    review = {
        "type": "customerReviews",
        "id": "0000002a-0001",
        "attributes": {
            **_ASC_ATTRIBUTES,
            "reviewerNickname": "Jet Setter",
            "title": "Lost & found?",
            "body": "Bag gone. No reply.",
        },
    }
    from_connect = asc.review_to_mention(review, {}, APP, "", NOW)
    assert (
        from_feed.native_id
        == from_connect.native_id
        == review_key(APP, "Jet Setter", "Lost & found?", "Bag gone. No reply.")
    )
    assert from_feed.source == from_connect.source == "appstore"


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (("987654321", "Jet Setter", "Lost", "Bag gone."), "another app"),
        ((APP, "Jet Setter 2", "Lost", "Bag gone."), "another reviewer"),
        ((APP, "Jet Setter", "Lost", "Bag found."), "another text"),
        ((APP, "Jet Setter", "Found", "Bag gone."), "another title"),
    ],
)
def test_reviews_that_differ_have_different_identities(other, why):
    assert review_key(APP, "Jet Setter", "Lost", "Bag gone.") != review_key(*other), why


def test_only_a_published_developer_response_is_a_reply():
    review = {
        "type": "customerReviews",
        "id": "r",
        "attributes": _ASC_ATTRIBUTES,
        "relationships": {"response": {"data": {"type": "customerReviewResponses", "id": "x"}}},
    }
    published = {"x": {"attributes": {"state": "PUBLISHED", "lastModifiedDate": "2026-10-31T10:00:00Z"}}}
    pending = {"x": {"attributes": {"state": "PENDING_PUBLISH", "lastModifiedDate": "2026-10-31T10:00:00Z"}}}
    assert asc.review_to_mention(review, published, APP, "", NOW).reply is not None
    assert asc.review_to_mention(review, pending, APP, "", NOW).reply is None


@pytest.mark.parametrize(
    ("text", "stars", "label"),
    [
        ("Absturz\tDie App stürzt bei jedem Check-in ab und der Support antwortet nicht.", 1, "negative"),
        ("\tLa aplicación funciona muy bien, reservé en dos minutos.", 5, "positive"),
        ("Boarding pass\tWorks fine, loads fast.", 4, "positive"),
    ],
)
def test_a_play_review_is_scored_by_its_stars_and_text_another_language_by_its_stars(text, stars, label):
    from repmon.adapters.vader_scorer import CxVaderScorer
    from repmon.services.collect import score_mention

    user = {**_USER, "text": text, "starRating": stars}
    m = play.review_to_mention({"reviewId": "gp:a", "comments": [{"userComment": user}]}, "p.q", "", NOW)
    scored = score_mention("acme", m, _scorer(CxVaderScorer), NOW)
    assert scored.sentiment.label == label and scored.mention.rating == stars


_SCORERS: dict[type, Any] = {}


def _scorer(kind: type) -> Any:
    return _SCORERS.setdefault(kind, kind())
