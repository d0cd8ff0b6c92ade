"""Trustpilot's reviews list (`GET /v1/business-units/{id}/reviews`) parsed into mentions. Pure.

A review: `id`, `stars` (1-5), `title`, `text`, `language`, `createdAt`, `numberOfLikes`, the
reviewer (`consumer{id, displayName, numberOfReviews}`) and the company's answer (`companyReply{text,
createdAt}`, null when none). The reviewer's number of reviews is kept as their standing on the site
(`Author.karma`, README "Influence"), the likes as the review's score. The page has `links`, one of
them `rel: next-page` while more follow.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from repmon.adapters.http import LogSink, plain_text
from repmon.adapters.item_fields import count, iso_date, text
from repmon.adapters.sources.review_scan import page_of, stars
from repmon.domain.cursor import Candidate, by_time, clamp_date
from repmon.domain.models import Author, Engagement, Mention, Reply, Source

SOURCE = Source.TRUSTPILOT.value
REVIEW_URL = "https://www.trustpilot.com/reviews/{}"
_ID = re.compile(r"[A-Za-z0-9]{1,64}")
_LOG = logging.getLogger(__name__)


def parse_reviews(
    body: Any, location: str, name: str, now: datetime, log: LogSink | None = None
) -> tuple[list[Candidate], int, bool]:
    """One page: its reviews (bad ones skipped, counted), and whether a next page follows.

    Raises `MalformedPage` when the body is not a reviews page at all.
    """
    found, skipped = page_of(
        body,
        "reviews",
        lambda item: by_time(review_to_mention(item, location, name, now), now),
        log or _LOG,
        "trustpilot review",
        business_unit=location,
    )
    return found, skipped, _has_next(body)


def review_to_mention(item: dict[str, Any], location: str, name: str, now: datetime) -> Mention:
    """One review; raises ITEM_ERRORS when malformed (no rating, a rating of 0 or 11, no id, no date)."""
    review_id = text(item["id"], 64)
    if not _ID.fullmatch(review_id):
        raise ValueError(f"review id {review_id[:40]!r} is not a Trustpilot id")
    consumer = item.get("consumer") or {}
    unit = item.get("businessUnit") or {}
    url = REVIEW_URL.format(review_id)
    return Mention(
        source=SOURCE,
        native_id=review_id,
        created_at=iso_date(item["createdAt"]),
        text=plain_text(_str(item.get("text"))),
        title=plain_text(_str(item.get("title"))),
        url=url,
        author=Author(
            id=text(consumer.get("id"), 64),
            handle=text(consumer.get("displayName")),
            karma=count(consumer.get("numberOfReviews")),
        ),
        engagement=Engagement(score=count(item.get("numberOfLikes"))),
        rating=stars(item["stars"]),
        location_id=location,
        location_name=name or text(unit.get("displayName")),
        reply=_reply(item.get("companyReply"), url, now),
    )


def _reply(reply: Any, url: str, now: datetime) -> Reply | None:
    if not isinstance(reply, dict) or not reply.get("createdAt"):
        return None
    return Reply(at=clamp_date(iso_date(reply["createdAt"]), now), url=url)


def _str(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _has_next(body: Any) -> bool:
    links = body.get("links") if isinstance(body, dict) else None
    return isinstance(links, list) and any(isinstance(k, dict) and k.get("rel") == "next-page" for k in links)
