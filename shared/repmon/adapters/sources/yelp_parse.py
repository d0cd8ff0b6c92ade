"""Yelp's business reviews (`GET /v3/businesses/{id}/reviews`) parsed into mentions. Pure.

A review: `id`, `url` (the full review on yelp.com), `text` (an excerpt, about 160 characters),
`rating` (1-5), `time_created` ("YYYY-MM-DD HH:MM:SS", Pacific time as Yelp's reference says) and
`user{id, profile_url, image_url, name}`; the page has `total`, the business's number of reviews.
Yelp's API terms limit what may be kept: a review is kept as its stars, its date, a digest of its
id and its link to the full review, no excerpt and no reviewer; it is scored by its stars.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from repmon.adapters.http import LogSink
from repmon.adapters.item_fields import count, text
from repmon.adapters.sources.review_scan import page_of, stars
from repmon.domain.cursor import Candidate, clamp_date
from repmon.domain.models import Mention, Source

SOURCE = Source.YELP.value
_PACIFIC = ZoneInfo("America/Los_Angeles")
_URL = re.compile(r"https://(www\.|m\.)?yelp\.[a-z.]{2,10}/\S{1,1000}")
_LOG = logging.getLogger(__name__)


def parse_reviews(
    body: Any, business: str, name: str, now: datetime, log: LogSink | None = None
) -> tuple[list[Candidate], int, int]:
    """One page: its reviews (bad ones skipped, counted) and the business's number of reviews."""
    total = _total(body)
    found, skipped = page_of(
        body,
        "reviews",
        lambda item: review(item, business, name, total, now),
        log or _LOG,
        "yelp review",
        business=business,
    )
    return found, skipped, total


def review(item: dict[str, Any], business: str, name: str, total: int, now: datetime) -> Candidate:
    """One review as stars, date and link; raises ITEM_ERRORS when malformed."""
    review_id = text(item["id"])
    if not review_id:
        raise ValueError("a review has an id")
    link = text(item.get("url"), 2000)
    if not _URL.fullmatch(link):
        raise ValueError("a review links to yelp")
    created = clamp_date(_yelp_time(item["time_created"]), now)
    mention = Mention(
        source=SOURCE,
        native_id="r-" + hashlib.sha256(review_id.encode()).hexdigest()[:32],
        created_at=created,
        text="",
        url=link,
        rating=stars(item["rating"]),
        community_size=total,
        location_id=business,
        location_name=name or business,
    )
    return Candidate(created.timestamp(), mention)


def _yelp_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise TypeError("time_created is text")
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=_PACIFIC)


def _total(body: Any) -> int:
    try:
        return count(body.get("total")) if isinstance(body, dict) else 0
    except (TypeError, ValueError):
        return 0
