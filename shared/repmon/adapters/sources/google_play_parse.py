"""A `reviews.list` page of the Play Developer API as `Mention`s. Pure.

Each review holds comments: the user's (`userComment`: text, star rating, when it was last modified,
language, device, app version, thumbs up and down) and, when the developer answered, the
developer's (`developerComment`: its text and date, which becomes the mention's `reply`). Play's
text carries the review's title before a tab, when the reviewer gave one. The review is dated by
its user comment's `lastModified`, which is also the listing's order (newest modified first).

Malformed reviews (no or an out-of-range rating, no text, an absurd date, an id no Play review has)
are skipped and counted, never the page. Reviews keep Play's numbers: thumbs up as the score, thumbs
up and down together as the votes (the influence formula's inputs, domain.influence); and the app
version and device as they are, only describing the review (an odd one is dropped, not the review).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any
from urllib.parse import quote

from repmon.adapters.http import LogSink, plain_text
from repmon.adapters.item_fields import MalformedPage, count, each_item, epoch_date, text
from repmon.domain.cursor import clamp_date
from repmon.domain.models import Author, Engagement, Mention, Reply, Source

SOURCE = Source.GOOGLE_PLAY.value
_LOG = logging.getLogger(__name__)
#: Play's review ids are printable ASCII without spaces ("gp:AOqpTO..."), well under 200 characters.
_REVIEW_ID = re.compile(r"[\x21-\x7e]{1,200}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*")
#: Play caps a review at a few hundred characters; far more is no review (a 5 MB body).
_MAX_TEXT = 20_000


def page_reviews(body: Any) -> tuple[list[Any], str]:
    """A response's reviews and its next page token ("" on the last page, or when Play omits it)."""
    if not isinstance(body, dict):
        raise MalformedPage("not a reviews.list response")
    reviews = body.get("reviews", [])
    if not isinstance(reviews, list):
        raise MalformedPage("reviews is not a list")
    paging = body.get("tokenPagination")
    token = paging.get("nextPageToken") if isinstance(paging, dict) else None
    return reviews, token if isinstance(token, str) and 0 < len(token) <= 1000 else ""


def parse_reviews(
    items: list[Any], package: str, app_name: str, now: datetime, log: LogSink | None = None
) -> tuple[list[Mention], int]:
    """The reviews as Mentions and how many were skipped as malformed."""
    return each_item(
        items, lambda r: review_to_mention(r, package, app_name, now), log or _LOG, "google play review"
    )


def review_to_mention(review: Any, package: str, app_name: str, now: datetime) -> Mention:
    """One review; raises `ITEM_ERRORS` when malformed."""
    review_id = review["reviewId"]
    if not (isinstance(review_id, str) and _REVIEW_ID.fullmatch(review_id)):
        raise ValueError("reviewId is not a Play review id")
    user, developer = _comments(review.get("comments"))
    rating = user["starRating"]
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValueError(f"starRating {str(rating)[:20]} is not 1-5")
    title, body = _title_and_body(user["text"])
    up, down = count(user.get("thumbsUpCount")), count(user.get("thumbsDownCount"))
    name = text(review.get("authorName"))
    return Mention(
        source=SOURCE,
        native_id=review_id,
        created_at=clamp_date(_moment(user["lastModified"]), now),
        text=body,
        title=title,
        url=f"https://play.google.com/store/apps/details?id={package}&reviewId={quote(review_id, safe='')}",
        author=Author(id=name, handle=name),
        engagement=Engagement(score=max(up, 0), votes=max(up, 0) + max(down, 0)),
        rating=rating,
        community=_language(user),
        location_id=package,
        location_name=app_name or package,
        reply=_reply(developer, now),
        app_version=_plain(user.get("appVersionName"), 60),
        device=_device(user),
    )


def _comments(comments: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The review's user comment (required) and developer comment (if any)."""
    if not isinstance(comments, list):
        raise TypeError("comments is not a list")
    user = next((c["userComment"] for c in comments if isinstance(c, dict) and "userComment" in c), None)
    developer = next(
        (c["developerComment"] for c in comments if isinstance(c, dict) and "developerComment" in c), None
    )
    if not isinstance(user, dict):
        raise ValueError("no userComment")
    return user, developer if isinstance(developer, dict) else None


def _title_and_body(raw: Any) -> tuple[str, str]:
    if not isinstance(raw, str) or len(raw) > _MAX_TEXT:
        raise ValueError("text missing or far too long")
    title, tab, body = raw.partition("\t")
    if not tab:
        title, body = "", raw
    title, body = plain_text(title), plain_text(body)
    if not body and not title:
        raise ValueError("a review without text")  # Play lists only reviews with text
    return title[:300], body


def _moment(value: Any) -> datetime:
    """A Play `Timestamp` ({"seconds": "1700000000", "nanos": 5}) as aware UTC."""
    if not isinstance(value, dict):
        raise TypeError("lastModified is not a Timestamp")
    seconds = value["seconds"]
    if isinstance(seconds, float) or not str(seconds).lstrip("-").isdigit():
        raise ValueError("lastModified.seconds is not whole seconds")
    return epoch_date(int(str(seconds)))


def _language(user: dict[str, Any]) -> str:
    """Where it was said: the reviewer's language (as the App Store's is its country)."""
    language = text(user.get("reviewerLanguage"), 20)
    return language if _LANGUAGE.fullmatch(language) else ""


def _device(user: dict[str, Any]) -> str:
    """The device as people name it (`deviceMetadata.productName`, "Galaxy A52 (a52q)"), else Play's
    device code ("a52q")."""
    metadata = user.get("deviceMetadata")
    product = _plain(metadata.get("productName"), 100) if isinstance(metadata, dict) else ""
    return product or _plain(user.get("device"), 100)


def _plain(value: Any, limit: int) -> str:
    """Metadata that only describes the review: anything but text is dropped, never the review."""
    return plain_text(value[: 4 * limit])[:limit] if isinstance(value, str) else ""


def _reply(developer: dict[str, Any] | None, now: datetime) -> Reply | None:
    """The developer's answer: when it was last modified (an unreadable date: none is recorded)."""
    if developer is None:
        return None
    try:
        return Reply(clamp_date(_moment(developer["lastModified"]), now))
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None
