"""A fake Trustpilot API: a business unit's reviews (`GET /v1/business-units/{id}/reviews`).

Shapes as Trustpilot's Business Units API documents them (`reviews[]` with `stars`, `title`,
`text`, `language`, `createdAt`, `consumer{id, displayName, numberOfReviews}`, `numberOfLikes`,
`companyReply`, and `links` with `rel: next-page` while more follow); newest first by `createdAt`,
paged by `page` and `perPage`. A request without the `apikey` header gets 401; a unit it does not
know, 404. All texts, ids and numbers are our own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from repmon.localstack.fakes.records import stable
from repmon.localstack.fakes.world import Reply, SourceWorld

_PATH = re.compile(r"^/v1/business-units/([^/]+)/reviews$")
_KEY = "trustpilot"
_UNITS = "trustpilot:units"


@dataclass(frozen=True)
class TrustpilotReview:
    review_id: str
    unit: str
    stars: Any
    title: str
    text: str
    created: datetime
    language: str = "en"
    reviewer: str = "A customer"
    reviewer_reviews: int = 1
    likes: int = 0
    reply: str = ""
    reply_after: timedelta = timedelta(hours=2)
    #: The epoch time sent instead of the true one (a fault test's 1970 or tomorrow).
    reported: float | None = None


def add_business_unit(world: SourceWorld, unit: str, name: str = "Acme") -> None:
    """Trustpilot knows the unit from then on (a unit it does not know answers 404)."""
    world.stock.setdefault(_UNITS, []).append((unit, name))


def add_trustpilot_review(
    world: SourceWorld,
    *,
    unit: str,
    title: str = "",
    text: str = "",
    stars: Any = 5,
    created: datetime | None = None,
    id: str | None = None,
    **extra: Any,
) -> str:
    """Add a review of business unit `unit` (known from then on); returns its id."""
    reviews = world.stock.setdefault(_KEY, [])
    if unit not in dict(world.stock.get(_UNITS, [])):
        add_business_unit(world, unit)
    review_id = id or f"{0x6A0000000000000000000000 + len(reviews) + 1:024x}"
    reviews.append(TrustpilotReview(review_id, unit, stars, title, text, created or world.now, **extra))
    return review_id


def delete_trustpilot_review(world: SourceWorld, review_id: str) -> None:
    world.stock[_KEY] = [r for r in world.stock.get(_KEY, []) if r.review_id != review_id]


def route(world: SourceWorld, method: str, path: str, query: dict[str, str], headers: Any) -> Reply | None:
    """Trustpilot's part of the fake server (the registry's `fake`)."""
    m = _PATH.match(path)
    if m is None:
        return None
    if not headers.get("apikey"):
        return 401, {"fault": {"faultstring": "Invalid ApiKey", "detail": {"errorcode": "InvalidApiKey"}}}, {}
    unit = m.group(1)
    names = dict(world.stock.get(_UNITS, []))
    if unit not in names:
        return 404, {"message": "Business unit not found", "errorCode": 404}, {}
    page, size = max(1, int(query.get("page", "1"))), min(100, int(query.get("perPage", "20")))
    reviews = sorted(
        (r for r in world.stock.get(_KEY, []) if r.unit == unit and r.created <= world.now),
        key=lambda r: (r.created, r.review_id),
        reverse=True,
    )
    shown: list[object] = [_review(r, names[unit]) for r in reviews[(page - 1) * size : page * size]]
    if world.take_empty(path):
        shown = []
    elif shown and (malformed := world.take_malformed(path)) is not None:
        shown.insert(0, {"id": "not a review", "stars": 0} if malformed[0] is None else malformed[0])
    links = [{"href": f"https://api.trustpilot.com{path}?page={page}", "method": "GET", "rel": "self"}]
    if page * size < len(reviews) and shown:
        links.append(
            {"href": f"https://api.trustpilot.com{path}?page={page + 1}", "method": "GET", "rel": "next-page"}
        )
    return 200, {"reviews": shown, "links": links}, {}


def _review(r: TrustpilotReview, unit_name: str) -> dict[str, Any]:
    consumer = f"{stable(r.reviewer) % 16**24:024x}"
    return {
        "links": [
            {
                "href": f"https://api.trustpilot.com/v1/reviews/{r.review_id}",
                "method": "GET",
                "rel": "reviews",
            }
        ],
        "id": r.review_id,
        "consumer": {
            "links": [
                {
                    "href": f"https://api.trustpilot.com/v1/consumers/{consumer}",
                    "method": "GET",
                    "rel": "consumers",
                }
            ],
            "id": consumer,
            "displayName": r.reviewer,
            "displayLocation": None,
            "numberOfReviews": r.reviewer_reviews,
        },
        "businessUnit": {"id": r.unit, "identifyingName": "acme.example", "displayName": unit_name},
        "stars": r.stars,
        "title": r.title,
        "text": r.text,
        "language": r.language,
        "createdAt": _date(r),
        "updatedAt": None,
        "companyReply": _reply(r),
        "isVerified": True,
        "numberOfLikes": r.likes,
        "status": "active",
        "reviewVerificationLevel": "invited",
    }


def _date(r: TrustpilotReview) -> str:
    if r.reported is None:
        return r.created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    try:
        return datetime.fromtimestamp(r.reported, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    except (OverflowError, OSError, ValueError):
        return str(r.reported)


def _reply(r: TrustpilotReview) -> dict[str, Any] | None:
    if not r.reply:
        return None
    at = (r.created + r.reply_after).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {
        "text": r.reply,
        "authorBusinessUserId": "0" * 24,
        "authorBusinessUserName": "Acme care",
        "createdAt": at,
        "updatedAt": None,
    }
