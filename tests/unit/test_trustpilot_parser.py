"""Trustpilot's reviews page (`adapters.sources.trustpilot_parse`): reviews in, mentions out; bad
reviews (no rating, 0 or 11 stars, no date, HTML) skipped and counted, never a crash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.adapters.item_fields import MalformedPage
from repmon.adapters.sources.trustpilot_parse import parse_reviews
from repmon.domain.models import Reply
from tests.fuzz_budget import FUZZ

NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)
UNIT = "5f1e2d3c4b5a69788796a5b4"
REVIEW: dict[str, Any] = {
    "id": "6a1b2c3d4e5f60718293a4b5",
    "consumer": {"id": "00000000000000000000abcd", "displayName": "Morgan T.", "numberOfReviews": 41},
    "businessUnit": {"id": UNIT, "displayName": "Acme Air"},
    "stars": 1,
    "title": "Lost my <b>bag</b>",
    "text": "Three days and no word from Acme.<br/>Never again.",
    "language": "en",
    "createdAt": "2026-11-02T09:30:00.000Z",
    "numberOfLikes": 7,
    "companyReply": {"text": "We are sorry, Morgan.", "createdAt": "2026-11-02T11:00:00Z"},
}


def page(*reviews: object, more: bool = False) -> dict[str, Any]:
    links = [{"href": "x", "method": "GET", "rel": "next-page"}] if more else []
    return {"reviews": list(reviews), "links": links}


def test_a_review_keeps_its_stars_text_reviewer_record_location_and_the_company_reply() -> None:
    [c], skipped, more = parse_reviews(page(REVIEW), UNIT, "", NOW)
    m = c.mention
    assert (m.source, m.native_id, m.rating, m.title) == ("trustpilot", REVIEW["id"], 1, "Lost my bag")
    assert m.text == "Three days and no word from Acme.\nNever again."
    assert (m.author.handle, m.author.karma, m.engagement.score) == ("Morgan T.", 41, 7)
    assert (m.location_id, m.location_name) == (UNIT, "Acme Air")  # the site's name when none is set
    assert m.url == "https://www.trustpilot.com/reviews/6a1b2c3d4e5f60718293a4b5"
    assert m.reply == Reply(at=datetime(2026, 11, 2, 11, tzinfo=UTC), url=m.url)
    assert c.position == datetime(2026, 11, 2, 9, 30, tzinfo=UTC).timestamp()
    assert (skipped, more) == (0, False)


def test_the_watchlists_name_wins_and_no_reply_is_none() -> None:
    [c], _, more = parse_reviews(page({**REVIEW, "companyReply": None}, more=True), UNIT, "JFK desk", NOW)
    assert (c.mention.location_name, c.mention.reply, more) == ("JFK desk", None, True)


@pytest.mark.parametrize(
    "bad",
    [
        {k: v for k, v in REVIEW.items() if k != "stars"},
        {**REVIEW, "stars": 0},
        {**REVIEW, "stars": 11},
        {**REVIEW, "stars": 4.5},
        {**REVIEW, "stars": True},
        {**REVIEW, "createdAt": "yesterday"},
        {**REVIEW, "id": "z" * 600},
        {**REVIEW, "text": ["not", "text"]},
        "not a review",
    ],
)
def test_a_malformed_review_is_skipped_and_counted_and_the_rest_kept(bad: object) -> None:
    found, skipped, _ = parse_reviews(page(bad, REVIEW), UNIT, "", NOW)
    assert [c.mention.native_id for c in found] == [REVIEW["id"]] and skipped == 1


def test_absurd_dates_are_clamped_to_now_and_a_1970_date_is_first_seen() -> None:
    tomorrow = {**REVIEW, "createdAt": "2026-11-03T12:00:00Z"}
    epoch = {**REVIEW, "id": "1" * 24, "createdAt": "1970-01-01T00:00:00Z"}
    [a, b], _, _ = parse_reviews(page(tomorrow, epoch), UNIT, "", NOW)
    assert a.mention.created_at == NOW + timedelta(minutes=5) and b.mention.created_at == NOW


@pytest.mark.parametrize("body", [None, [], "<html>", {"reviews": "many"}])
def test_a_body_that_is_not_a_reviews_page_is_a_malformed_page(body: object) -> None:
    with pytest.raises(MalformedPage):
        parse_reviews(body, UNIT, "", NOW)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)
_field = st.sampled_from(sorted(REVIEW)) | st.text(max_size=10)


@FUZZ
@given(st.lists(st.dictionaries(_field, _json, max_size=8) | _json, max_size=5))
def test_any_page_gives_reviews_or_a_malformed_page_never_a_crash(reviews: list[object]) -> None:
    try:
        found, skipped, _ = parse_reviews(page(*reviews), UNIT, "", NOW)
    except MalformedPage:
        return
    assert len(found) + skipped == len(reviews)
    assert all(1 <= (c.mention.rating or 0) <= 5 for c in found)


@FUZZ
@given(st.fixed_dictionaries({k: _json | st.just(v) for k, v in REVIEW.items()}))
def test_a_review_with_any_field_replaced_is_parsed_or_skipped(review: dict[str, Any]) -> None:
    found, skipped, _ = parse_reviews(page(review), UNIT, "", NOW)
    assert len(found) + skipped == 1
