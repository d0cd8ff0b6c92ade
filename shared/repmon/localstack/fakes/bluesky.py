"""The fake Bluesky PDS: sessions, `searchPosts` (sort=latest, since, cursor) and `getProfiles`.

Responses have the shapes of the recorded ones (../shared/fixtures/bluesky) with our own texts, ids
and numbers. Sessions: `createSession` issues an access and a refresh token, `refreshSession` rotates
both; a search with a missing or unknown token gets 401, one with an expired token (`expire_access`)
400 ExpiredToken, as the PDS answers. Every answer carries RateLimit-* headers. `sortAt` is the
earlier of the reported `createdAt` and the indexing time, and `since` filters on it, as Bluesky's.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from repmon.localstack.fakes.records import any_term, search_terms
from repmon.localstack.fakes.world import Reply, SourceWorld

_KEY = "bluesky"
_B32 = "234567abcdefghijklmnopqrstuvwxyz"
_HEADERS = {"RateLimit-Limit": "3000", "RateLimit-Remaining": "2990", "RateLimit-Policy": "3000;w=300"}


@dataclass
class BlueskyPost:
    did: str
    handle: str
    rkey: str
    text: str
    created: datetime
    reported: float | None = None
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    quotes: int = 0
    #: The at:// URI of the post this one answers (record.reply.parent), when it is a reply.
    parent: str | None = None


@dataclass
class _State:
    posts: list[BlueskyPost] = field(default_factory=list)
    followers: dict[str, int] = field(default_factory=dict)
    access: set[str] = field(default_factory=set)
    expired: set[str] = field(default_factory=set)
    refresh: set[str] = field(default_factory=set)
    created: int = 0
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


def _state(world: SourceWorld) -> _State:
    found = world.stock.setdefault(_KEY, [])
    if not found:
        found.append(_State())
    state: _State = found[0]
    return state


def tid(n: int) -> str:
    """A 13-character record key in Bluesky's TID alphabet."""
    out = ""
    n += 3**20
    for _ in range(13):
        n, r = divmod(n, 32)
        out = _B32[r] + out
    return out


def add_bluesky_post(
    world: SourceWorld,
    *,
    text: str,
    handle: str = "someone.bsky.social",
    created: datetime | None = None,
    reported: float | None = None,
    rkey: str | None = None,
    followers: int | None = None,
    likes: int = 0,
    reposts: int = 0,
    replies: int = 0,
    quotes: int = 0,
    parent: str | None = None,
) -> str:
    """Add a post (`parent`: the at:// URI it replies to); returns its at:// URI (repmon's id for it)."""
    state = _state(world)
    did = "did:plc:" + (handle.split(".")[0] + "x" * 24)[:24].lower()
    if followers is not None:
        state.followers[did] = followers
    key = rkey or tid(next(state.ids))
    post = BlueskyPost(
        did, handle, key, text, created or world.now, reported, likes, reposts, replies, quotes, parent
    )
    state.posts.append(post)
    return f"at://{did}/app.bsky.feed.post/{key}"


def set_bluesky_engagement(world: SourceWorld, uri: str, **counts: int) -> None:
    """The post at `uri` now has these counts (likes, reposts, replies, quotes)."""
    for p in _state(world).posts:
        if f"at://{p.did}/app.bsky.feed.post/{p.rkey}" == uri:
            for name, value in counts.items():
                setattr(p, name, value)


def delete_bluesky_post(world: SourceWorld, uri: str) -> None:
    """Delete the post at `uri` (its author deleted it: search no longer serves it)."""
    state = _state(world)
    state.posts = [p for p in state.posts if f"at://{p.did}/app.bsky.feed.post/{p.rkey}" != uri]


def expire_access(world: SourceWorld) -> None:
    """Every access token issued so far is now expired (refresh tokens still good)."""
    state = _state(world)
    state.expired |= state.access
    state.access.clear()


def sessions_created(world: SourceWorld) -> int:
    return _state(world).created


def route(world: SourceWorld, method: str, path: str, query: dict[str, str], headers: Any) -> Reply | None:
    """Bluesky's part of the fake server (the registry's `fake`)."""
    if not path.startswith("/xrpc/") or not (
        path.endswith(("Session", "searchPosts", "getProfiles", "getAuthorFeed", "getPosts"))
        and (".bsky." in path or ".atproto." in path)
    ):
        return None
    state = _state(world)
    token = (headers.get("Authorization") or "").removeprefix("Bearer ")
    if path == "/xrpc/com.atproto.server.createSession":
        return _session(state, "did:plc:repmonreader0000000000000")
    if path == "/xrpc/com.atproto.server.refreshSession":
        if token not in state.refresh:
            return 400, {"error": "ExpiredToken", "message": "Token has been revoked"}, _HEADERS
        state.refresh.discard(token)
        return _session(state, "did:plc:repmonreader0000000000000", created=False)
    if token in state.expired:
        return 400, {"error": "ExpiredToken", "message": "Token has expired"}, _HEADERS
    if token not in state.access:
        return 401, {"error": "AuthenticationRequired", "message": "Authentication Required"}, _HEADERS
    return _read(world, state, path, query)


def _read(world: SourceWorld, state: _State, path: str, query: dict[str, str]) -> Reply | None:
    """The authenticated read endpoints."""
    if path == "/xrpc/app.bsky.feed.searchPosts":
        return 200, _search(world, state, path, query), _HEADERS
    if path == "/xrpc/app.bsky.feed.getAuthorFeed":
        return _author_feed(world, state, query)
    if path == "/xrpc/app.bsky.feed.getPosts":
        return _get_posts(state, query)
    if path == "/xrpc/app.bsky.actor.getProfiles":
        actors = (query.get("actors[]") or query.get("actors") or "").split("\n")
        return 200, {"profiles": [_profile(state, a) for a in actors if a][:25]}, _HEADERS
    return None


def _get_posts(state: _State, query: dict[str, str]) -> Reply:
    """The engagement re-reads: the posts of at most 25 uris (a deleted one is left out)."""
    uris = (query.get("uris[]") or query.get("uris") or "").split("\n")
    if len(uris) > 25:
        return 400, {"error": "InvalidRequest", "message": "uris must not have more than 25"}, _HEADERS
    posts = [_post(p) for p in state.posts if f"at://{p.did}/app.bsky.feed.post/{p.rkey}" in uris]
    return 200, {"posts": posts}, _HEADERS


def _session(state: _State, did: str, created: bool = True) -> Reply:
    n = next(state.ids)
    access, refresh = f"eyJ.access.{n}", f"eyJ.refresh.{n}"
    state.access.add(access)
    state.refresh.add(refresh)
    state.created += created
    body = {"did": did, "handle": "reader.example.com", "accessJwt": access, "refreshJwt": refresh}
    return 200, body | {"active": True, "email": "reader@example.com"}, _HEADERS


def _sort_at(post: BlueskyPost) -> float:
    reported = post.created.timestamp() if post.reported is None else post.reported
    return min(reported, post.created.timestamp())


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _search(world: SourceWorld, state: _State, path: str, query: dict[str, str]) -> object:
    terms = search_terms(query.get("q", ""))
    since = query.get("since")
    floor = datetime.fromisoformat(since.replace("Z", "+00:00")).timestamp() if since else float("-inf")
    found = [
        p for p in state.posts if p.created <= world.now and _sort_at(p) >= floor and any_term(terms, p.text)
    ]
    found.sort(key=lambda p: (_sort_at(p), p.rkey), reverse=True)
    start = int(query.get("cursor") or 0)
    size = max(1, min(100, int(query.get("limit", "25"))))
    posts: list[object] = [_post(p) for p in found[start : start + size]]
    if world.take_empty(path):
        return {"posts": []}
    if posts and (malformed := world.take_malformed(path)) is not None:
        posts.insert(0, {"uri": "at://nobody", "record": None} if malformed[0] is None else malformed[0])
    more = start + size < len(found)
    return {"posts": posts, **({"cursor": str(start + size)} if more else {})}


def _author_feed(world: SourceWorld, state: _State, query: dict[str, str]) -> Reply:
    """An account's posts and replies, newest first, paged by an offset cursor; 400 for no such actor."""
    actor = query.get("actor", "").lower()
    mine = [p for p in state.posts if actor in (p.handle.lower(), p.did) and p.created <= world.now]
    if not mine:
        return 400, {"error": "InvalidRequest", "message": "Profile not found"}, _HEADERS
    mine.sort(key=lambda p: (p.created, p.rkey), reverse=True)
    start, size = int(query.get("cursor") or 0), max(1, min(100, int(query.get("limit", "50"))))
    feed = [{"post": _post(p)} for p in mine[start : start + size]]
    more = start + size < len(mine)
    return 200, {"feed": feed, **({"cursor": str(start + size)} if more else {})}, _HEADERS


def _post(p: BlueskyPost) -> dict[str, object]:
    created = _iso(p.created.timestamp() if p.reported is None else p.reported)
    return {
        "uri": f"at://{p.did}/app.bsky.feed.post/{p.rkey}",
        "cid": "bafyrei" + p.rkey * 4,
        "author": {
            "did": p.did,
            "handle": p.handle,
            "displayName": p.handle.split(".")[0].title(),
            "associated": {"chat": {"allowIncoming": "following"}},
            "viewer": {"muted": False, "blockedBy": False},
            "labels": [],
            "createdAt": "2024-02-06T09:30:00.000Z",
        },
        "record": {"$type": "app.bsky.feed.post", "createdAt": created, "langs": ["en"], "text": p.text}
        | (
            {"reply": {"parent": {"uri": p.parent, "cid": "x"}, "root": {"uri": p.parent, "cid": "x"}}}
            if p.parent
            else {}
        ),
        "replyCount": p.replies,
        "repostCount": p.reposts,
        "likeCount": p.likes,
        "quoteCount": p.quotes,
        "indexedAt": _iso(p.created.timestamp()),
        "viewer": {"threadMuted": False, "embeddingDisabled": False},
        "labels": [],
    }


def _profile(state: _State, did: str) -> dict[str, object]:
    return {
        "did": did,
        "handle": did.removeprefix("did:plc:")[:12] + ".bsky.social",
        "labels": [],
        "createdAt": "2024-02-06T09:30:00.000Z",
        "followersCount": state.followers.get(did, 12),
        "followsCount": 40,
        "postsCount": 300,
    }
