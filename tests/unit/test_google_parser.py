"""Google's review answers (`adapters.sources.google_parse`): Business Profile reviews in full with
the owner's reply; Places reviews as stars, date and link only (Google's terms); bad reviews skipped
and counted, never a crash. And a star-only review counts through its stars."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.adapters.item_fields import MalformedPage
from repmon.adapters.sources.google_parse import parse_business_reviews, parse_place
from repmon.adapters.vader_scorer import CxVaderScorer
from repmon.domain.models import Reply
from tests.fuzz_budget import FUZZ

NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)
LOCATION = "accounts/1234567890/locations/9876543210"
PLACE = "ChIJ2eUgeAK6j4ARbn5u_wAGqWA"
REVIEW: dict[str, Any] = {
    "name": f"{LOCATION}/reviews/AbFvOqA1",
    "reviewId": "AbFvOqA1",
    "reviewer": {"displayName": "Sam R.", "isAnonymous": False},
    "starRating": "TWO",
    "comment": "Queue of an hour at the Acme desk.",
    "createTime": "2026-11-01T08:00:00.000Z",
    "updateTime": "2026-11-01T09:00:00.000Z",
    "reviewReply": {"comment": "Sorry Sam", "updateTime": "2026-11-01T10:00:00Z"},
}
PLACE_REVIEW: dict[str, Any] = {
    "name": f"places/{PLACE}/reviews/XyZ1",
    "rating": 1,
    "text": {"text": "Rude staff, never again", "languageCode": "en"},
    "authorAttribution": {"displayName": "Lee", "uri": "https://www.google.com/maps/contrib/9"},
    "publishTime": "2026-10-20T10:00:00Z",
    "googleMapsUri": "https://www.google.com/maps/reviews/data=!4m8!1sXyZ1",
}


def test_a_business_review_keeps_stars_text_reviewer_location_count_and_the_owners_reply() -> None:
    body = {"reviews": [REVIEW], "totalReviewCount": 812, "nextPageToken": "tok2"}
    [c], skipped, token = parse_business_reviews(body, LOCATION, "JFK desk", NOW)
    m = c.mention
    assert (m.source, m.native_id, m.rating, m.author.handle) == ("google", "AbFvOqA1", 2, "Sam R.")
    assert (m.location_id, m.location_name, m.community_size) == (LOCATION, "JFK desk", 812)
    assert m.created_at == datetime(2026, 11, 1, 8, tzinfo=UTC)
    assert c.position == datetime(2026, 11, 1, 9, tzinfo=UTC).timestamp()  # listed by updateTime
    assert m.reply == Reply(at=datetime(2026, 11, 1, 10, tzinfo=UTC), url=m.url)
    assert (skipped, token) == (0, "tok2")


def test_a_place_review_keeps_only_stars_date_and_link_under_a_digest_of_its_name() -> None:
    [c], skipped = parse_place({"id": PLACE, "reviews": [PLACE_REVIEW]}, PLACE, "Rival desk", NOW)
    m = c.mention
    assert (m.text, m.title, m.author.handle, m.author.id) == ("", "", "", "")  # Google's terms
    assert m.rating == 1 and m.url == PLACE_REVIEW["googleMapsUri"] and m.location_id == PLACE
    assert m.native_id.startswith("place-") and "XyZ1" not in m.native_id and skipped == 0
    again, _ = parse_place({"reviews": [PLACE_REVIEW]}, PLACE, "", NOW)
    assert again[0].mention.native_id == m.native_id  # the same review is the same mention


def test_a_star_only_review_counts_through_its_stars() -> None:
    scorer = CxVaderScorer()
    assert scorer.score("", 1).label == "negative" and scorer.score("", 5).label == "positive"
    assert scorer.score("   ", None).label is None


@pytest.mark.parametrize(
    "bad",
    [
        {**REVIEW, "starRating": "STAR_RATING_UNSPECIFIED"},
        {**REVIEW, "starRating": 0},
        {k: v for k, v in REVIEW.items() if k != "starRating"},
        {**REVIEW, "createTime": "not a date"},
        {**REVIEW, "reviewId": "../../x"},
        {**REVIEW, "comment": {"text": "x"}},
        None,
    ],
)
def test_a_malformed_business_review_is_skipped_and_counted(bad: object) -> None:
    found, skipped, _ = parse_business_reviews({"reviews": [bad, REVIEW]}, LOCATION, "", NOW)
    assert [c.mention.native_id for c in found] == ["AbFvOqA1"] and skipped == 1


@pytest.mark.parametrize(
    "bad",
    [{**PLACE_REVIEW, "rating": 11}, {**PLACE_REVIEW, "rating": None}, {**PLACE_REVIEW, "name": "x"}, 5],
)
def test_a_malformed_place_review_is_skipped_and_counted(bad: object) -> None:
    found, skipped = parse_place({"reviews": [bad, PLACE_REVIEW]}, PLACE, "", NOW)
    assert len(found) == 1 and skipped == 1


@pytest.mark.parametrize("body", [None, "x", {"reviews": {}}])
def test_a_body_that_is_not_a_page_is_malformed(body: object) -> None:
    with pytest.raises(MalformedPage):
        parse_business_reviews(body, LOCATION, "", NOW)
    with pytest.raises(MalformedPage):
        parse_place(body, PLACE, "", NOW)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)


@FUZZ
@given(st.fixed_dictionaries({k: _json | st.just(v) for k, v in REVIEW.items()}), _json)
def test_any_business_review_is_parsed_or_skipped(review: dict[str, Any], token: object) -> None:
    found, skipped, _ = parse_business_reviews(
        {"reviews": [review], "nextPageToken": token}, LOCATION, "", NOW
    )
    assert len(found) + skipped == 1


@FUZZ
@given(st.fixed_dictionaries({k: _json | st.just(v) for k, v in PLACE_REVIEW.items()}))
def test_any_place_review_is_parsed_or_skipped(review: dict[str, Any]) -> None:
    found, skipped = parse_place({"reviews": [review]}, PLACE, "", NOW)
    assert len(found) + skipped == 1 and all(c.mention.text == "" for c in found)
