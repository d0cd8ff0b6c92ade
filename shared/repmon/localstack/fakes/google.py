"""A fake Google: the OAuth token endpoint, Business Profile reviews and Places API (New) details.

- `POST /google-oauth/token`: a refresh-token grant answers an access token for an hour, or
  `invalid_grant` once a test calls `expire_google_grant` (an app left in "Testing", day 8).
- `GET /v4/accounts/{a}/locations/{l}/reviews`: the location's reviews, `updateTime` newest first,
  `pageSize` a page, `nextPageToken` while more follow, `averageRating` and `totalReviewCount`;
  a bearer token the fake issued is required (401 otherwise), a location it does not know is 404
  in Google's error shape.
- `GET /v1/places/{id}`: the place with at most five `reviews`, the most "relevant" first (here:
  the longest texts, so not by time), with the API key and a field mask required.
Shapes as Google's references give them; all texts, ids and numbers are our own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from repmon.localstack.fakes.world import Reply, SourceWorld

OAUTH_PREFIX = "/google-oauth"
_TOKEN_PATH = "/google-oauth/token"
_REVIEWS = re.compile(r"^/v4/(accounts/[0-9]+/locations/[0-9]+)/reviews$")
_PLACE = re.compile(r"^/v1/places/([A-Za-z0-9_-]+)$")
_KEY = "google"
_LOCATIONS = "google:locations"
_STATE = "google:state"
_WORDS = {1: "ONE", 2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE"}


@dataclass(frozen=True)
class GoogleReview:
    review_id: str
    where: str  # a location name (accounts/../locations/..) or a place id
    stars: Any
    comment: str
    created: datetime
    reviewer: str = "A traveller"
    reply: str = ""
    reply_after: timedelta = timedelta(hours=3)
    #: The epoch time sent instead of the true one (a fault test's 1970 or tomorrow).
    reported: float | None = None


def add_google_location(world: SourceWorld, location: str) -> None:
    world.stock.setdefault(_LOCATIONS, []).append(location)


def add_google_review(
    world: SourceWorld,
    *,
    where: str,
    comment: str = "",
    stars: Any = 5,
    created: datetime | None = None,
    id: str | None = None,
    **extra: Any,
) -> str:
    """A review of a location (owner's API) or a place (Places API); returns its id as the API gives it."""
    reviews = world.stock.setdefault(_KEY, [])
    if where.startswith("accounts/") and where not in world.stock.get(_LOCATIONS, []):
        add_google_location(world, where)
    review_id = id or f"AbFvOq{len(reviews) + 1:010d}"
    reviews.append(GoogleReview(review_id, where, stars, comment, created or world.now, **extra))
    return review_id


def delete_google_review(world: SourceWorld, review_id: str) -> None:
    world.stock[_KEY] = [r for r in world.stock.get(_KEY, []) if r.review_id != review_id]


def expire_google_grant(world: SourceWorld) -> None:
    world.stock.setdefault(_STATE, []).append("expired")


def route(world: SourceWorld, method: str, path: str, query: dict[str, str], headers: Any) -> Reply | None:
    """Google's part of the fake server (the registry's `fake`)."""
    if path == _TOKEN_PATH and method == "POST":
        return _token(world)
    if m := _REVIEWS.match(path):
        if not str(headers.get("Authorization") or "").startswith("Bearer fake-google-"):
            return 401, _error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."), {}
        if m.group(1) not in world.stock.get(_LOCATIONS, []):
            return 404, _error(404, "NOT_FOUND", "Requested entity was not found."), {}
        return 200, _reviews_page(world, path, m.group(1), query), {}
    if m := _PLACE.match(path):
        if not headers.get("X-Goog-Api-Key") or not headers.get("X-Goog-FieldMask"):
            return 403, _error(403, "PERMISSION_DENIED", "The request is missing a valid API key."), {}
        return _place(world, path, m.group(1))
    return None


def _token(world: SourceWorld) -> Reply:
    if "expired" in world.stock.get(_STATE, []):
        return 400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}, {}
    issued = len(world.requests_to(_TOKEN_PATH)) + 1
    body = {
        "access_token": f"fake-google-{issued}",
        "expires_in": 3599,
        "scope": "https://www.googleapis.com/auth/business.manage",
        "token_type": "Bearer",
    }
    return 200, body, {}


def _reviews_page(world: SourceWorld, path: str, location: str, query: dict[str, str]) -> dict[str, Any]:
    reviews = sorted(_visible(world, location), key=lambda r: (r.created, r.review_id), reverse=True)
    start, size = int(query.get("pageToken") or 0), min(50, int(query.get("pageSize", "50")))
    shown: list[object] = [_business_review(r) for r in reviews[start : start + size]]
    if world.take_empty(path):
        shown = []
    elif shown and (malformed := world.take_malformed(path)) is not None:
        shown.insert(
            0,
            {"reviewId": "broken", "starRating": "STAR_RATING_UNSPECIFIED"}
            if malformed[0] is None
            else malformed[0],
        )
    body: dict[str, Any] = {"reviews": shown, "totalReviewCount": len(reviews)}
    if reviews:
        body["averageRating"] = round(
            sum(int(r.stars) for r in reviews if isinstance(r.stars, int)) / len(reviews), 1
        )
    if start + size < len(reviews) and shown:
        body["nextPageToken"] = str(start + size)
    return body


def _business_review(r: GoogleReview) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": f"{r.where}/reviews/{r.review_id}",
        "reviewId": r.review_id,
        "reviewer": {
            "profilePhotoUrl": "https://lh3.googleusercontent.com/a/fake",
            "displayName": r.reviewer,
            "isAnonymous": False,
        },
        "starRating": _WORDS.get(r.stars, r.stars),
        "createTime": _date(r),
        "updateTime": _date(r),
    }
    if r.comment:
        item["comment"] = r.comment
    if r.reply:
        item["reviewReply"] = {"comment": r.reply, "updateTime": _iso(r.created + r.reply_after)}
    return item


def _place(world: SourceWorld, path: str, place: str) -> Reply:
    reviews = _visible(world, place)
    if not reviews and place not in world.stock.get(_LOCATIONS, []):
        return 404, _error(404, "NOT_FOUND", f"The place ID '{place}' was not found."), {}
    relevant = sorted(reviews, key=lambda r: (len(r.comment), r.review_id), reverse=True)[:5]
    items = [
        {
            "name": f"places/{place}/reviews/{r.review_id}",
            "relativePublishTimeDescription": "a week ago",
            "rating": r.stars,
            "text": {"text": r.comment, "languageCode": "en"},
            "originalText": {"text": r.comment, "languageCode": "en"},
            "authorAttribution": {
                "displayName": r.reviewer,
                "uri": "https://www.google.com/maps/contrib/1",
                "photoUri": "",
            },
            "publishTime": _date(r),
            "flagContentUri": "https://www.google.com/local/review/rap/report?postId=fake",
            "googleMapsUri": f"https://www.google.com/maps/reviews/data=!4m8!14m7!1m6!2m5!1s{r.review_id}",
        }
        for r in relevant
    ]
    return 200, {"id": place, "reviews": items}, {}


def _visible(world: SourceWorld, where: str) -> list[GoogleReview]:
    return [r for r in world.stock.get(_KEY, []) if r.where == where and r.created <= world.now]


def _error(code: int, status: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}


def _date(r: GoogleReview) -> str:
    if r.reported is None:
        return _iso(r.created)
    try:
        return _iso(datetime.fromtimestamp(r.reported, tz=UTC))
    except (OverflowError, OSError, ValueError):
        return str(r.reported)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
