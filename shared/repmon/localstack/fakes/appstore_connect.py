"""A fake App Store Connect API: an app's `customerReviews` with their developer responses.

JSON:API shapes as Apple's reference gives them (`data[]` of type `customerReviews` with `attributes`
and a `response` relationship, `included[]` responses with `include=response`, `links.next`,
`meta.paging`); all texts, ids and numbers are our own. Newest first with `sort=-createdDate`, 200
a page at most. A request needs a bearer JWT signed ES256 by a key the world registered
(`new_api_key`), with Apple's audience and a lifetime of 20 minutes at most, else 401; an app with
no reviews here is unknown (404).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import jwt

from repmon.localstack.fakes.records import stable
from repmon.localstack.fakes.world import Reply, SourceWorld

_PATH = re.compile(r"^/v1/apps/([0-9]+)/customerReviews$")
_KEY = "appstore_connect"
_KEYS = "appstore_connect:keys"
_APPS = "appstore_connect:apps"


@dataclass(frozen=True)
class ConnectReview:
    number: int
    app_id: str
    nickname: str
    title: str
    body: str
    rating: int
    territory: str
    created: datetime
    response: str
    responded: datetime | None
    #: The ISO date sent instead of the true one (a fault test's absurd date).
    reported: str | None = None
    review_id: str | None = None


def add_connect_review(
    world: SourceWorld,
    *,
    app_id: str,
    title: str,
    body: str,
    rating: int,
    nickname: str = "someone",
    territory: str = "USA",
    created: datetime | None = None,
    response: str = "",
    responded: datetime | None = None,
    reported: str | None = None,
    id: str | None = None,
) -> str:
    """Add a review; returns its App Store Connect id (not what repmon stores: see appstore_identity)."""
    reviews = world.stock.setdefault(_KEY, [])
    review = ConnectReview(
        len(reviews) + 1,
        app_id,
        nickname,
        title,
        body,
        rating,
        territory,
        created or world.now,
        response,
        responded,
        reported,
        id,
    )
    reviews.append(review)
    add_connect_app(world, app_id)
    return _id(review)


def add_connect_app(world: SourceWorld, app_id: str) -> None:
    """An app the key's team owns (one with a review is known too); any other id answers 404."""
    world.stock.setdefault(_APPS, [set()])[0].add(app_id)


def delete_connect_review(world: SourceWorld, review_id: str) -> None:
    world.stock[_KEY] = [r for r in world.stock.get(_KEY, []) if _id(r) != review_id]


def new_api_key(
    world: SourceWorld, issuer_id: str = "57246542-96fe-1a63-e053-0824d011072a"
) -> dict[str, str]:
    """A fresh EC P-256 key registered with the fake: the secret's JSON (issuer id, key id, .p8 text)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    keys = world.stock.setdefault(_KEYS, [{}])[0]
    key_id = f"K{len(keys) + 1:09d}"
    keys[key_id] = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return {"issuer_id": issuer_id, "key_id": key_id, "private_key": private.decode()}


def route(world: SourceWorld, method: str, path: str, query: dict[str, str], headers: Any) -> Reply | None:
    """App Store Connect's part of the fake server (the registry's `fake`)."""
    m = _PATH.match(path)
    if m is None:
        return None
    if not _authorised(world, str(headers.get("Authorization") or "")):
        return 401, _error("401", "NOT_AUTHORIZED", "Authentication credentials are missing or invalid."), {}
    app_id = m.group(1)
    if app_id not in world.stock.get(_APPS, [set()])[0]:
        return 404, _error("404", "NOT_FOUND", "There is no resource of type 'apps' with this id."), {}
    return 200, _page(world, path, app_id, query, str(headers.get("Host", ""))), {}


def _authorised(world: SourceWorld, auth: str) -> bool:
    token = auth.removeprefix("Bearer ")
    try:
        key = world.stock.get(_KEYS, [{}])[0][jwt.get_unverified_header(token)["kid"]]
        claims = jwt.decode(token, key, algorithms=["ES256"], audience="appstoreconnect-v1")
        return int(claims["exp"]) - int(claims["iat"]) <= 20 * 60 and bool(claims.get("iss"))
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return False


def _page(world: SourceWorld, path: str, app_id: str, query: dict[str, str], host: str) -> dict[str, Any]:
    visible = sorted(
        (r for r in world.stock.get(_KEY, []) if r.app_id == app_id and r.created <= world.now),
        key=lambda r: (r.created, r.number),
        reverse=query.get("sort") == "-createdDate",
    )
    start, size = int(query.get("cursor") or 0), max(1, min(int(query.get("limit") or 50), 200))
    chunk = visible[start : start + size]
    data: list[object] = [_review(r) for r in chunk]
    included = [_response(r) for r in chunk if r.response and r.responded] if query.get("include") else []
    base = f"http://{host}/v1/apps/{app_id}/customerReviews"
    if world.take_empty(path):
        data, included = [], []
    elif data and (malformed := world.take_malformed(path)) is not None:
        broken = {"type": "customerReviews", "id": "broken", "attributes": {"rating": 6}}
        data.insert(0, broken if malformed[0] is None else malformed[0])
    body: dict[str, Any] = {
        "data": data,
        "links": {"self": f"{base}?{urlencode(query)}"},
        "meta": {"paging": {"total": len(visible), "limit": size}},
    }
    if included:
        body["included"] = included
    if data and start + size < len(visible):
        body["links"]["next"] = f"{base}?{urlencode({**query, 'cursor': str(start + size)})}"
    return body


def _review(r: ConnectReview) -> dict[str, Any]:
    link = f"https://api.appstoreconnect.apple.com/v1/customerReviews/{_id(r)}"
    relationship: dict[str, Any] = {
        "links": {"self": f"{link}/relationships/response", "related": f"{link}/response"}
    }
    if r.response and r.responded:
        relationship["data"] = {"type": "customerReviewResponses", "id": _response_id(r)}
    return {
        "type": "customerReviews",
        "id": _id(r),
        "attributes": {
            "rating": r.rating,
            "title": r.title,
            "body": r.body,
            "reviewerNickname": r.nickname,
            "createdDate": r.reported or r.created.strftime("%Y-%m-%dT%H:%M:%S-00:00"),
            "territory": r.territory,
        },
        "relationships": {"response": relationship},
        "links": {"self": link},
    }


def _response(r: ConnectReview) -> dict[str, Any]:
    assert r.responded is not None
    return {
        "type": "customerReviewResponses",
        "id": _response_id(r),
        "attributes": {
            "responseBody": r.response,
            "lastModifiedDate": r.responded.strftime("%Y-%m-%dT%H:%M:%S-00:00"),
            "state": "PUBLISHED",
        },
        "relationships": {"review": {"data": {"type": "customerReviews", "id": _id(r)}}},
    }


def _id(r: ConnectReview) -> str:
    if r.review_id:
        return r.review_id
    n = stable(f"{r.app_id}:{r.number}")
    return f"0000002a-{n >> 16:04x}-{n & 0xFFFF:04x}-{r.number:04x}-{n:08x}0000"


def _response_id(r: ConnectReview) -> str:
    return f"{_id(r)[:-4]}feed"


def _error(status: str, code: str, detail: str) -> dict[str, Any]:
    return {"errors": [{"status": status, "code": code, "title": detail, "detail": detail}]}
