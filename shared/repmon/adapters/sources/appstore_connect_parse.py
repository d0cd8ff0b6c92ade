"""An App Store Connect `customerReviews` page (JSON:API, `include=response`) as `Mention`s. Pure.

Each review (`data[]`, type `customerReviews`) has `rating`, `title`, `body`, `reviewerNickname`,
`createdDate` and `territory` (ISO 3166-1 alpha-3, "USA"); the developer's response, when the page
includes it, is an `included[]` item of type `customerReviewResponses` (`responseBody`,
`lastModifiedDate`, `state`) named by the review's `relationships.response.data.id`: a published one
becomes the mention's `reply`. The mention is an App Store mention (`source` appstore) whose id is
the review's identity across routes (`appstore_identity.review_key`), so the RSS feed's copy of the
same review is the same mention. Malformed reviews are skipped and counted, never the page.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from repmon.adapters.http import LogSink, plain_text
from repmon.adapters.item_fields import MalformedPage, each_item, iso_date, text
from repmon.adapters.sources.appstore_identity import review_key
from repmon.domain.cursor import clamp_date
from repmon.domain.models import Author, Mention, Reply, Source

SOURCE = Source.APPSTORE.value
_LOG = logging.getLogger(__name__)
_TERRITORY = re.compile(r"[A-Z]{3}")
_MAX_TEXT = 20_000
#: Response states that are public on the App Store.
_PUBLISHED = {"PUBLISHED"}


def page_items(body: Any) -> tuple[list[Any], dict[str, Any], str]:
    """The page's reviews, its included responses by id, and its `links.next` ("" on the last page)."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise MalformedPage("not a customerReviews response")
    included = body.get("included")
    responses = {
        i["id"]: i
        for i in (included if isinstance(included, list) else [])
        if isinstance(i, dict) and i.get("type") == "customerReviewResponses" and isinstance(i.get("id"), str)
    }
    links = body.get("links")
    after = links.get("next") if isinstance(links, dict) else None
    return data, responses, after if isinstance(after, str) and len(after) <= 2000 else ""


def parse_reviews(
    items: list[Any],
    responses: dict[str, Any],
    app_id: str,
    app_name: str,
    now: datetime,
    log: LogSink | None = None,
) -> tuple[list[Mention], int]:
    return each_item(
        items,
        lambda r: review_to_mention(r, responses, app_id, app_name, now),
        log or _LOG,
        "app store connect review",
    )


def review_to_mention(
    review: Any, responses: dict[str, Any], app_id: str, app_name: str, now: datetime
) -> Mention:
    """One review; raises `ITEM_ERRORS` when malformed."""
    if review["type"] != "customerReviews":
        raise ValueError("not a customer review")
    attributes = review["attributes"]
    rating = attributes["rating"]
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValueError(f"rating {str(rating)[:20]} is not 1-5")
    body, title = attributes.get("body"), attributes.get("title")
    for part in (body, title):
        if part is not None and (not isinstance(part, str) or len(part) > _MAX_TEXT):
            raise ValueError("title or body is not text, or far too long")
    body, title = plain_text(body), plain_text(title)[:300]
    if not body and not title:
        raise ValueError("a review without text")
    nickname = text(attributes.get("reviewerNickname"))
    territory = text(attributes.get("territory"), 3)
    return Mention(
        source=SOURCE,
        native_id=review_key(app_id, nickname, title, body),
        created_at=clamp_date(iso_date(attributes["createdDate"]), now),
        text=body,
        title=title,
        url=f"https://apps.apple.com/app/id{app_id}?see-all=reviews",
        author=Author(id=nickname, handle=nickname),
        rating=rating,
        community=territory.lower() if _TERRITORY.fullmatch(territory) else "",
        location_id=app_id,
        location_name=app_name or app_id,
        reply=_reply(review, responses, now),
    )


def _reply(review: dict[str, Any], responses: dict[str, Any], now: datetime) -> Reply | None:
    try:
        found = responses[review["relationships"]["response"]["data"]["id"]]
        attributes = found["attributes"]
        if attributes.get("state") not in _PUBLISHED:
            return None
        return Reply(clamp_date(iso_date(attributes["lastModifiedDate"]), now))
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None
