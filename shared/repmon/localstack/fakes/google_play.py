"""A fake Play Developer API: `reviews.list` of an app's reviews, and Google's OAuth2 token endpoint.

Shapes as the API reference gives them (`reviews[]` of `reviewId`, `authorName` and `comments[]`,
each a `userComment` or a `developerComment`, with `Timestamp`s of string seconds and nanos;
`tokenPagination.nextPageToken`; `pageInfo`); all texts, ids and numbers are our own. As Play, it
lists only reviews modified in the last 7 days, newest modified first, and answers 404 for a
package it does not know and 401 without a token it issued. The token endpoint checks the
assertion's RS256 signature against the service account the world registered
(`register_service_account`) and issues tokens that `revoke_tokens` can invalidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

from repmon.localstack.fakes.records import stable
from repmon.localstack.fakes.world import Reply, SourceWorld

TOKEN_PATH = "/google-oauth2/token"
_REVIEWS = re.compile(r"^/androidpublisher/v3/applications/([^/]+)/reviews$")
_KEY = "google_play"
_AUTH = "google_play:auth"
_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class PlayReview:
    number: int
    package: str
    text: str
    rating: int
    author: str
    modified: datetime
    language: str
    device: str
    version: str
    thumbs_up: int
    reply: str
    replied: datetime | None
    review_id: str | None = None
    #: The epoch seconds sent instead of the true date (a fault test's 1970 or tomorrow).
    reported: float | None = None


def add_play_review(
    world: SourceWorld,
    *,
    package: str,
    text: str,
    rating: int,
    author: str = "A Play user",
    created: datetime | None = None,
    language: str = "en",
    device: str = "fakephone",
    version: str = "4.2.0",
    thumbs_up: int = 0,
    reply: str = "",
    replied: datetime | None = None,
    id: str | None = None,
    reported: float | None = None,
) -> str:
    """Add a review of `package` (its `lastModified` is `created`); returns its review id."""
    reviews = world.stock.setdefault(_KEY, [])
    review = PlayReview(
        len(reviews) + 1,
        package,
        text,
        rating,
        author,
        created or world.now,
        language,
        device,
        version,
        thumbs_up,
        reply,
        replied,
        id,
        reported,
    )
    reviews.append(review)
    add_play_app(world, package)
    return _id(review)


def add_play_app(world: SourceWorld, package: str) -> None:
    """An app Play knows (one with a review is known too); any other package answers 404."""
    _auth(world).setdefault("apps", set()).add(package)


def delete_play_review(world: SourceWorld, review_id: str) -> None:
    world.stock[_KEY] = [r for r in world.stock.get(_KEY, []) if _id(r) != review_id]


def register_service_account(world: SourceWorld, email: str, public_pem: bytes | str) -> None:
    """The account whose signed assertions the token endpoint accepts."""
    _auth(world)["accounts"][email] = public_pem


def revoke_tokens(world: SourceWorld) -> None:
    _auth(world)["tokens"].clear()


def tokens_issued(world: SourceWorld) -> int:
    return int(_auth(world)["issued"])


def _auth(world: SourceWorld) -> dict[str, Any]:
    holder = world.stock.setdefault(_AUTH, [{"accounts": {}, "tokens": set(), "issued": 0}])
    state: dict[str, Any] = holder[0]
    return state


def route(world: SourceWorld, method: str, path: str, query: dict[str, str], headers: Any) -> Reply | None:
    """Google Play's part of the fake server (the registry's `fake`)."""
    if path == TOKEN_PATH and method == "POST":
        return _token(world, query, headers)
    m = _REVIEWS.match(path)
    if m is None:
        return None
    auth = str(headers.get("Authorization") or "")
    if auth.removeprefix("Bearer ") not in _auth(world)["tokens"]:
        return 401, _error(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED"), {}
    package = m.group(1)
    if package not in _auth(world).get("apps", set()):
        return 404, _error(404, "No application was found for the given package name.", "NOT_FOUND"), {}
    return 200, _page(world, path, package, query), {}


def _token(world: SourceWorld, form: dict[str, str], headers: Any) -> Reply:
    state = _auth(world)
    try:
        unverified = jwt.decode(form.get("assertion", ""), options={"verify_signature": False})
        key = state["accounts"][unverified["iss"]]
        # The audience is the token endpoint's URL (a proxy in a test may stand between: its path).
        # Not yet valid (iat ahead of this clock) is let through: a test may run the client's clock ahead.
        claims = jwt.decode(
            form["assertion"], key, algorithms=["RS256"], options={"verify_aud": False, "verify_iat": False}
        )
        assert str(claims["aud"]).endswith(TOKEN_PATH)
        assert form.get("grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer"
        assert claims["scope"] == "https://www.googleapis.com/auth/androidpublisher"
    except (jwt.PyJWTError, KeyError, AssertionError):
        return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}, {}
    state["issued"] += 1
    token = f"ya29.fake-{state['issued']:04d}"
    state["tokens"].add(token)
    return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}, {}


def _page(world: SourceWorld, path: str, package: str, query: dict[str, str]) -> dict[str, Any]:
    since = world.now - _WEEK
    visible = sorted(
        (r for r in world.stock.get(_KEY, []) if r.package == package and since <= r.modified <= world.now),
        key=lambda r: (r.modified, r.number),
        reverse=True,
    )
    start, size = int(query.get("token") or 0), max(1, min(int(query.get("maxResults") or 10), 100))
    chunk = visible[start : start + size]
    reviews: list[object] = [_review(r) for r in chunk]
    if world.take_empty(path):
        reviews = []
    elif reviews and (malformed := world.take_malformed(path)) is not None:
        broken = {"reviewId": "gp:broken", "authorName": "x", "comments": [{"userComment": {"text": "?"}}]}
        reviews.insert(0, broken if malformed[0] is None else malformed[0])
    body: dict[str, Any] = {
        "reviews": reviews,
        "pageInfo": {"totalResults": len(visible), "resultPerPage": size, "startIndex": start},
    }
    if reviews and start + size < len(visible):
        body["tokenPagination"] = {"nextPageToken": str(start + size)}
    return body


def _review(r: PlayReview) -> dict[str, Any]:
    comments: list[dict[str, Any]] = [
        {
            "userComment": {
                "text": r.text,
                "lastModified": _timestamp(r.modified, r.reported),
                "starRating": r.rating,
                "reviewerLanguage": r.language,
                "device": r.device,
                "androidOsVersion": 34,
                "appVersionCode": 40200 + r.number % 7,
                "appVersionName": r.version,
                "thumbsUpCount": r.thumbs_up,
                "thumbsDownCount": 0,
                "deviceMetadata": {
                    "productName": f"{r.device} (Fake Phone)",
                    "manufacturer": "Fakemaker",
                    "deviceClass": "FORM_FACTOR_PHONE",
                    "screenWidthPx": 1080,
                    "screenHeightPx": 2400,
                    "nativePlatform": "ABI_ARM64_V8",
                    "screenDensityDpi": 420,
                    "glEsVersion": 196610,
                    "ramMb": 8192,
                },
            }
        }
    ]
    if r.reply and r.replied is not None:
        comments.append({"developerComment": {"text": r.reply, "lastModified": _timestamp(r.replied, None)}})
    return {"reviewId": _id(r), "authorName": r.author, "comments": comments}


def _timestamp(moment: datetime, reported: float | None) -> dict[str, Any]:
    seconds = moment.timestamp() if reported is None else reported
    return {"seconds": str(int(seconds)), "nanos": (stable(str(seconds)) % 1000) * 1_000_000}


def _id(r: PlayReview) -> str:
    return r.review_id or f"gp:AOqpTQ{stable(f'{r.package}{r.number}'):010d}{r.number:06d}"


def _error(code: int, message: str, status: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}


def new_service_account(
    world: SourceWorld, email: str = "repmon@acme-demo.iam.gserviceaccount.com"
) -> dict[str, str]:
    """A fresh RSA key registered with the token endpoint: the secret's JSON, as Google issues it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    register_service_account(world, email, public)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return {
        "type": "service_account",
        "project_id": "acme-demo",
        "private_key_id": f"{stable(email):08x}",
        "private_key": private.decode(),
        "client_email": email,
        "token_uri": "https://oauth2.googleapis.com/token",
    }
