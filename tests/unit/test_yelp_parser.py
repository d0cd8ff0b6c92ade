"""Yelp's reviews page (`adapters.sources.yelp_parse`): excerpts in, mentions of stars, date and link
out (Yelp's terms: no excerpt, no reviewer kept); bad reviews skipped and counted, never a crash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.adapters.item_fields import MalformedPage
from repmon.adapters.sources.yelp_parse import parse_reviews
from tests.fuzz_budget import FUZZ

NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)
BIZ = "acme-air-lounge-new-york"
REVIEW: dict[str, Any] = {
    "id": "yLpRv0001xQ",
    "url": f"https://www.yelp.com/biz/{BIZ}?hrid=yLpRv0001xQ",
    "text": "Waited forty minutes for a coffee at the Acme lounge and the staff...",
    "rating": 1,
    "time_created": "2026-11-01 20:15:00",
    "user": {"id": "u1", "profile_url": "https://www.yelp.com/user_details?userid=u1", "name": "Jo P."},
}


def test_a_review_keeps_its_stars_date_link_and_business_and_no_excerpt_nor_reviewer() -> None:
    [c], skipped, total = parse_reviews({"reviews": [REVIEW], "total": 312}, BIZ, "JFK lounge", NOW)
    m = c.mention
    assert (m.source, m.rating, m.url, m.text, m.author.handle) == ("yelp", 1, REVIEW["url"], "", "")
    assert (m.location_id, m.location_name, m.community_size, total) == (BIZ, "JFK lounge", 312, 312)
    assert m.created_at == datetime(2026, 11, 2, 4, 15, tzinfo=UTC)  # Pacific time, 8 hours behind
    assert m.native_id.startswith("r-") and "yLpRv" not in m.native_id and skipped == 0


@pytest.mark.parametrize(
    "bad",
    [
        {**REVIEW, "rating": 0},
        {**REVIEW, "rating": 11},
        {k: v for k, v in REVIEW.items() if k != "rating"},
        {**REVIEW, "time_created": "2026-11-01T20:15:00Z"},
        {**REVIEW, "url": "javascript:alert(1)"},
        {**REVIEW, "id": ""},
        ["not", "a", "review"],
    ],
)
def test_a_malformed_review_is_skipped_and_counted(bad: object) -> None:
    found, skipped, _ = parse_reviews({"reviews": [bad, REVIEW], "total": 2}, BIZ, "", NOW)
    assert len(found) == 1 and skipped == 1


def test_a_date_tomorrow_is_clamped_to_now() -> None:
    [c], _, _ = parse_reviews({"reviews": [{**REVIEW, "time_created": "2026-11-03 12:00:00"}]}, BIZ, "", NOW)
    assert c.mention.created_at == NOW + timedelta(minutes=5)


@pytest.mark.parametrize("body", [None, "x", {"reviews": "x"}, {"error": {"code": "VALIDATION_ERROR"}}])
def test_a_body_that_is_not_a_reviews_page_is_malformed(body: object) -> None:
    if isinstance(body, dict) and "error" in body:
        assert parse_reviews(body, BIZ, "", NOW)[0] == []  # an error body has no reviews (HTTP says why)
        return
    with pytest.raises(MalformedPage):
        parse_reviews(body, BIZ, "", NOW)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)


@FUZZ
@given(st.fixed_dictionaries({k: _json | st.just(v) for k, v in REVIEW.items()}), _json)
def test_any_review_is_parsed_or_skipped(review: dict[str, Any], total: object) -> None:
    found, skipped, _ = parse_reviews({"reviews": [review], "total": total}, BIZ, "", NOW)
    assert len(found) + skipped == 1 and all(c.mention.text == "" for c in found)
