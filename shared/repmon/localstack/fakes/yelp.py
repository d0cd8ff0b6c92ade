"""A fake Yelp API: a business's reviews (`GET /v3/businesses/{id}/reviews`).

Shapes as Yelp's reference gives them: `reviews[]` of `id`, `url`, `text` cut to an excerpt of 160
characters, `rating`, `time_created` ("YYYY-MM-DD HH:MM:SS", Pacific time) and `user`, with `total`
and `possible_languages`; newest first, paged by `limit` and `offset`. Errors come in Yelp's shape
(`{"error": {"code", "description"}}`, as shared/fixtures/yelp records): a request without a proper
bearer key is a 400 VALIDATION_ERROR on the Authorization field, an unknown business a 404
BUSINESS_NOT_FOUND. All texts, ids and numbers are our own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from repmon.localstack.fakes.records import stable
from repmon.localstack.fakes.world import Reply, SourceWorld

_PATH = re.compile(r"^/v3/businesses/([^/]+)/reviews$")
_KEY = "yelp"
_BUSINESSES = "yelp:businesses"
_PACIFIC = ZoneInfo("America/Los_Angeles")
EXCERPT = 160


@dataclass(frozen=True)
class YelpReview:
    review_id: str
    business: str
    rating: Any
    text: str
    created: datetime
    user: str = "Pat K."
    #: The epoch time sent instead of the true one (a fault test's 1970 or tomorrow).
    reported: float | None = None


def add_yelp_business(world: SourceWorld, business: str) -> None:
    world.stock.setdefault(_BUSINESSES, []).append(business)


def add_yelp_review(
    world: SourceWorld,
    *,
    business: str,
    text: str = "",
    rating: Any = 5,
    created: datetime | None = None,
    id: str | None = None,
    **extra: Any,
) -> str:
    """Add a review of `business` (known from then on); returns its Yelp id."""
    reviews = world.stock.setdefault(_KEY, [])
    if business not in world.stock.get(_BUSINESSES, []):
        add_yelp_business(world, business)
    review_id = id or f"yLpRv{len(reviews) + 1:08d}xQ"
    reviews.append(YelpReview(review_id, business, rating, text, created or world.now, **extra))
    return review_id


def delete_yelp_review(world: SourceWorld, review_id: str) -> None:
    world.stock[_KEY] = [r for r in world.stock.get(_KEY, []) if r.review_id != review_id]


def route(world: SourceWorld, method: str, path: str, query: dict[str, str], headers: Any) -> Reply | None:
    """Yelp's part of the fake server (the registry's `fake`)."""
    m = _PATH.match(path)
    if m is None:
        return None
    auth = str(headers.get("Authorization") or "")
    if not re.fullmatch(r"Bearer [A-Za-z0-9_-]{8,}", auth):
        description = f"{auth[:60]!r} does not match '(?i)^Bearer [A-Za-z0-9\\\\-\\\\_]+$'"
        error = {
            "code": "VALIDATION_ERROR",
            "description": description,
            "field": "Authorization",
            "instance": auth,
        }
        return 400, {"error": error}, {}
    business = m.group(1)
    if business not in world.stock.get(_BUSINESSES, []):
        error = {"code": "BUSINESS_NOT_FOUND", "description": "The requested business could not be found."}
        return 404, {"error": error}, {}
    reviews = sorted(
        (r for r in world.stock.get(_KEY, []) if r.business == business and r.created <= world.now),
        key=lambda r: (r.created, r.review_id),
        reverse=True,
    )
    offset, limit = int(query.get("offset", "0")), min(50, int(query.get("limit", "20")))
    shown: list[object] = [_review(r) for r in reviews[offset : offset + limit]]
    if world.take_empty(path):
        shown = []
    elif shown and (malformed := world.take_malformed(path)) is not None:
        shown.insert(0, {"id": "broken", "rating": 0} if malformed[0] is None else malformed[0])
    return 200, {"reviews": shown, "total": len(reviews), "possible_languages": ["en"]}, {}


def _review(r: YelpReview) -> dict[str, Any]:
    user = f"u{stable(r.user) % 10**12:012d}"
    excerpt = r.text if len(r.text) <= EXCERPT else r.text[: EXCERPT - 3] + "..."
    return {
        "id": r.review_id,
        "url": f"https://www.yelp.com/biz/{r.business}?adjust_creative=fake&hrid={r.review_id}",
        "text": excerpt,
        "rating": r.rating,
        "time_created": _date(r),
        "user": {
            "id": user,
            "profile_url": f"https://www.yelp.com/user_details?userid={user}",
            "image_url": None,
            "name": r.user,
        },
    }


def _date(r: YelpReview) -> str:
    moment = r.created
    if r.reported is not None:
        try:
            moment = datetime.fromtimestamp(r.reported, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return str(r.reported)
    try:
        return moment.astimezone(_PACIFIC).strftime("%Y-%m-%d %H:%M:%S")
    except (OverflowError, ValueError):
        return str(r.reported)
