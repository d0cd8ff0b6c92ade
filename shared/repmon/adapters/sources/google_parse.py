"""Google's two review answers parsed into mentions. Pure.

Business Profile (`GET /v4/accounts/*/locations/*/reviews`): `reviews[]` of `reviewId`,
`reviewer{displayName, isAnonymous}`, `starRating` (ONE..FIVE), `comment`, `createTime`, `updateTime`,
`reviewReply{comment, updateTime}`; the page has `totalReviewCount` and `nextPageToken`. Listed by
`updateTime` newest first, so that is the review's position; it is dated by `createTime`.

Places API (New) place details (`GET /v1/places/{id}`, field mask with `reviews`): at most five
`reviews[]` of `name`, `rating`, `text{text, languageCode}`, `authorAttribution`, `publishTime`,
`googleMapsUri`. Google's terms forbid storing review text and authors ("copy and save ... user
reviews"): a place review is kept as its stars, its date and its link only, under a digest of its
name, and is scored by its stars.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime
from typing import Any

from repmon.adapters.http import LogSink, plain_text
from repmon.adapters.item_fields import count, iso_date, text
from repmon.adapters.sources.review_scan import page_of, stars
from repmon.domain.cursor import Candidate, clamp_date
from repmon.domain.models import Author, Mention, Reply, Source

SOURCE = Source.GOOGLE.value
#: Where the owner reads and answers the reviews of its locations.
BUSINESS_REVIEWS_URL = "https://business.google.com/reviews"
_STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
_ID = re.compile(r"[A-Za-z0-9_-]{1,200}")
_MAPS = re.compile(r"https://(www\.)?(google\.com/maps|maps\.google\.com|maps\.app\.goo\.gl)/\S{0,1000}")
_LOG = logging.getLogger(__name__)


def parse_business_reviews(
    body: Any, location: str, name: str, now: datetime, log: LogSink | None = None
) -> tuple[list[Candidate], int, str | None]:
    """One Business Profile page: its reviews (bad ones skipped, counted) and the next page's token.

    Raises `MalformedPage` when the body is not a reviews page.
    """
    total = _total(body)
    found, skipped = page_of(
        body,
        "reviews",
        lambda item: business_review(item, location, name, total, now),
        log or _LOG,
        "google review",
        location=location,
    )
    token = body.get("nextPageToken")
    return found, skipped, token if isinstance(token, str) and 0 < len(token) <= 2000 else None


def business_review(
    item: dict[str, Any], location: str, name: str, total: int | None, now: datetime
) -> Candidate:
    """One review at its position (`updateTime`); raises ITEM_ERRORS when malformed."""
    review_id = text(item["reviewId"])
    if not _ID.fullmatch(review_id):
        raise ValueError(f"review id {review_id[:40]!r} is not a Google review id")
    rating = _STARS.get(item["starRating"]) if isinstance(item["starRating"], str) else None
    if rating is None:
        raise ValueError(f"star rating {str(item['starRating'])[:20]!r} is not ONE..FIVE")
    created = clamp_date(iso_date(item["createTime"]), now)
    updated = clamp_date(iso_date(item.get("updateTime") or item["createTime"]), now)
    reviewer = item.get("reviewer") or {}
    anonymous = bool(reviewer.get("isAnonymous"))
    handle = "A Google user" if anonymous else text(reviewer.get("displayName"))
    mention = Mention(
        source=SOURCE,
        native_id=review_id,
        created_at=created,
        text=plain_text(_str(item.get("comment"))),
        url=BUSINESS_REVIEWS_URL,
        author=Author(id="" if anonymous else handle, handle=handle),
        rating=rating,
        community_size=total,
        location_id=location,
        location_name=name,
        reply=_reply(item.get("reviewReply"), now),
    )
    return Candidate(max(updated, created).timestamp(), mention)


def parse_place(
    body: Any, place: str, name: str, now: datetime, log: LogSink | None = None
) -> tuple[list[Candidate], int]:
    """A place's (at most five) reviews as stars, date and link; raises `MalformedPage` if not a place."""
    return page_of(
        body,
        "reviews",
        lambda item: place_review(item, place, name, now),
        log or _LOG,
        "google place review",
        place=place,
    )


def place_review(item: dict[str, Any], place: str, name: str, now: datetime) -> Candidate:
    """One place review, without what Google forbids storing (its text, its author)."""
    review_name = text(item["name"], 500)
    if not review_name.startswith("places/"):
        raise ValueError("a place review's name starts with places/")
    link = _str(item.get("googleMapsUri"))
    created = clamp_date(iso_date(item["publishTime"]), now)
    mention = Mention(
        source=SOURCE,
        native_id="place-" + hashlib.sha256(review_name.encode()).hexdigest()[:32],
        created_at=created,
        text="",
        url=link if _MAPS.fullmatch(link) else f"https://www.google.com/maps/place/?q=place_id:{place}",
        rating=stars(item["rating"]),
        location_id=place,
        location_name=name or place,
    )
    return Candidate(created.timestamp(), mention)


def _reply(reply: Any, now: datetime) -> Reply | None:
    if not isinstance(reply, dict) or not reply.get("updateTime"):
        return None
    return Reply(at=clamp_date(iso_date(reply["updateTime"]), now), url=BUSINESS_REVIEWS_URL)


def _total(body: Any) -> int | None:
    try:
        value = body.get("totalReviewCount") if isinstance(body, dict) else None
        return None if value is None else count(value)
    except (TypeError, ValueError):
        return None


def _str(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value
