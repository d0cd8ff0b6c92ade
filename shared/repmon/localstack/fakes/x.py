"""The fake X API v2: `GET /2/tweets/search/recent` (since_id, max_results, next_token, author expansion)
and the post lookup `GET /2/tweets?ids=` (up to 100, deleted and protected posts in `errors`).

Responses have the shapes of the recorded ones (../shared/fixtures/twitter) with our own texts, ids
and numbers: `data` (posts with the fields asked for), `includes.users` (their authors), `meta`
(newest_id, oldest_id, result_count, next_token), and the x-rate-limit-* headers (a window of 450
requests per 15 minutes of the world's clock; `x_rate_limit` sets it). Ids are snowflakes of the
post's creation time. The query is read loosely: any positive term, OR-ed, found in the text (the
adapter filters by the full brand query). It keeps X's bill too (`x_billed`): each post and user
returned, once per UTC day.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from repmon.localstack.fakes.world import Reply, SourceWorld

_KEY = "x"
PATH = "/2/tweets/search/recent"
LOOKUP = "/2/tweets"
BEARER = "x-demo-bearer-token"
_EPOCH_MS = 1_288_834_974_657
_WINDOW = timedelta(minutes=15)
_LIMIT = 450
_OPERATOR = re.compile(r"-?[a-z_]+:\S+")


@dataclass
class XUser:
    id: str
    username: str
    followers: int
    created: datetime
    verified: bool = False


@dataclass
class XPost:
    id: str
    author: str
    text: str
    created: datetime
    reported: float | None = None
    likes: int = 0
    retweets: int = 0
    replies: int = 0
    quotes: int = 0
    impressions: int = 0
    reply_to: str | None = None
    #: Its author's posts are protected: searches leave it out, a lookup says "Authorization Error".
    protected: bool = False


@dataclass
class _State:
    posts: list[XPost] = field(default_factory=list)
    users: dict[str, XUser] = field(default_factory=dict)
    seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    #: (window start, requests left in it), or a fixed (remaining, reset epoch) a test set.
    window: tuple[datetime, int] | None = None
    fixed: tuple[int, float] | None = None
    #: Answer 429 (X's "Too Many Requests") while `fixed` says none are left.
    refuse: bool = False
    #: How many more 429s before the window is served again (None: while `fixed` says so).
    refusals: int | None = None
    #: X's bill: (UTC day, "post"/"user", id) of every resource returned.
    billed: set[tuple[str, str, str]] = field(default_factory=set)


def _state(world: SourceWorld) -> _State:
    found = world.stock.setdefault(_KEY, [])
    if not found:
        found.append(_State())
    state: _State = found[0]
    return state


def snowflake(moment: datetime, seq: int) -> str:
    return str(((int(moment.timestamp() * 1000) - _EPOCH_MS) << 22) | (seq % 4096))


def add_x_post(
    world: SourceWorld,
    *,
    text: str,
    username: str = "someone",
    created: datetime | None = None,
    reported: float | None = None,
    id: str | None = None,
    followers: int = 120,
    verified: bool = False,
    joined: datetime | None = None,
    likes: int = 0,
    retweets: int = 0,
    replies: int = 0,
    quotes: int = 0,
    impressions: int = 0,
    reply_to: str | None = None,
) -> str:
    """Add a post (and its author, the first time); returns its id. `reported`: the created_at X
    sends when a test wants it wrong (epoch seconds); `id`: an id no snowflake would be."""
    state = _state(world)
    at = created or world.now
    uid = str(1_000_000 + sum(map(ord, username)) * 97 + len(username))
    if uid not in state.users:
        state.users[uid] = XUser(uid, username, followers, joined or at - timedelta(days=900), verified)
    post_id = id or snowflake(at, next(state.seq))
    state.posts.append(
        XPost(post_id, uid, text, at, reported, likes, retweets, replies, quotes, impressions, reply_to)
    )
    return post_id


def delete_x_post(world: SourceWorld, post_id: str) -> None:
    state = _state(world)
    state.posts = [p for p in state.posts if p.id != post_id]


def protect_x_post(world: SourceWorld, post_id: str) -> None:
    next(p for p in _state(world).posts if p.id == post_id).protected = True


def set_x_engagement(world: SourceWorld, post_id: str, **counts: int) -> None:
    """New public_metrics for a post: likes, retweets, replies, quotes, impressions."""
    post = next(p for p in _state(world).posts if p.id == post_id)
    for name, value in counts.items():
        setattr(post, name, value)


def x_rate_limit(
    world: SourceWorld, remaining: int, reset: float, *, refuse: bool = False, times: int | None = None
) -> None:
    """Every answer says `remaining` requests are left until `reset` (epoch seconds); `refuse`: with
    none left, answer 429 instead (only the next `times` requests, when given: then a new window)."""
    state = _state(world)
    state.fixed, state.refuse, state.refusals = (remaining, reset), refuse, times


def x_billed(world: SourceWorld, post_usd: float = 0.005, user_usd: float = 0.010) -> float:
    """What X would have billed so far: each resource returned, once per UTC day."""
    billed = _state(world).billed
    return sum(post_usd if kind == "post" else user_usd for _, kind, _ in billed)


def route(world: SourceWorld, method: str, path: str, query: dict[str, str], headers: Any) -> Reply | None:
    """X's part of the fake server (the registry's `fake`)."""
    if path not in (PATH, LOOKUP):
        return None
    state = _state(world)
    limits = _limits(world, state)
    if (headers.get("Authorization") or "") != f"Bearer {BEARER}":
        return 401, {"title": "Unauthorized", "status": 401, "detail": "Unauthorized"}, {}
    if limits["x-rate-limit-remaining"] == "0" and state.refuse:
        _refused(state)
        return 429, {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429}, limits
    if path == LOOKUP:
        return _lookup(world, state, query, limits)
    size = int(query.get("max_results") or 10)
    if not 10 <= size <= 100:
        detail = f"The `max_results` query parameter value [{size}] is not between 10 and 100"
        error = {"parameters": {"max_results": [str(size)]}, "message": detail}
        return 400, {"errors": [error], "title": "Invalid Request", "detail": detail}, limits
    return 200, _search(world, state, query, size), limits


def _refused(state: _State) -> None:
    if state.refusals is not None:
        state.refusals -= 1
        if state.refusals <= 0:
            state.fixed, state.refuse, state.refusals = None, False, None


def _lookup(world: SourceWorld, state: _State, query: dict[str, str], limits: dict[str, str]) -> Reply:
    """`GET /2/tweets?ids=`: the posts found in `data` (rendered as search renders them), each one not
    found or not visible in `errors` (X's partial errors, still a 200), authors in `includes` when
    expanded; X bills what `data` holds."""
    ids = [i for i in (query.get("ids") or "").split(",") if i]
    if not 1 <= len(ids) <= 100:
        detail = f"The `ids` query parameter value [{query.get('ids', '')[:40]}] is not between 1 and 100 ids"
        error = {"parameters": {"ids": [query.get("ids", "")]}, "message": detail}
        return 400, {"errors": [error], "title": "Invalid Request", "detail": detail}, limits
    posts = {p.id: p for p in state.posts if p.created <= world.now}
    found = [posts[i] for i in ids if i in posts and not posts[i].protected]
    errors = [_lookup_error(i, i in posts) for i in ids if i not in posts or posts[i].protected]
    day = f"{world.now:%Y-%m-%d}"
    state.billed |= {(day, "post", p.id) for p in found}
    body: dict[str, object] = {"data": [_post(p) for p in found]} if found else {}
    if found and "author_id" in (query.get("expansions") or ""):
        body["includes"] = {"users": [_user(state.users[u]) for u in dict.fromkeys(p.author for p in found)]}
        state.billed |= {(day, "user", p.author) for p in found}
    return 200, body | ({"errors": errors} if errors else {}), limits


def _lookup_error(post_id: str, hidden: bool) -> dict[str, object]:
    """X's words for a post a lookup cannot return: deleted (or never was), or protected."""
    error: dict[str, object] = {"value": post_id, "resource_id": post_id, "parameter": "ids"}
    error |= {"resource_type": "tweet"}
    if hidden:
        detail = f"Sorry, you are not authorized to see the Tweet with ids: [{post_id}]."
        kind = "not-authorized-for-resource"
        return error | {"section": "data", "title": "Authorization Error", "detail": detail} | _problem(kind)
    detail = f"Could not find tweet with ids: [{post_id}]."
    return error | {"title": "Not Found Error", "detail": detail} | _problem("resource-not-found")


def _problem(kind: str) -> dict[str, str]:
    return {"type": f"https://api.twitter.com/2/problems/{kind}"}


def _limits(world: SourceWorld, state: _State) -> dict[str, str]:
    if state.fixed is not None:
        remaining, reset = state.fixed
    else:
        start, left = state.window or (world.now, _LIMIT)
        if world.now >= start + _WINDOW:
            start, left = world.now, _LIMIT
        state.window = (start, max(left - 1, 0))
        remaining, reset = left - 1, (start + _WINDOW).timestamp()
    return {
        "x-rate-limit-limit": str(_LIMIT),
        "x-rate-limit-remaining": str(max(remaining, 0)),
        "x-rate-limit-reset": str(int(reset)),
    }


def _authors(q: str) -> set[str]:
    """The usernames of the query's `from:` operators (the brand's own replies)."""
    return {name.lower() for name in re.findall(r"(?<!-)from:(\w+)", q)}


def _terms(q: str) -> list[str]:
    """The positive terms of an X query: operators and excluded terms dropped, quotes and parens off."""
    q = _OPERATOR.sub(" ", q)
    words = re.findall(r'-?"[^"]*"|-?\(|\)|\S+', q)
    terms = []
    for word in words:
        if word.startswith("-") or word in ("(", ")", "OR"):
            continue
        terms.append(word.strip('()"').lower())
    return [t for t in terms if t]


def _search(world: SourceWorld, state: _State, query: dict[str, str], size: int) -> object:
    terms, authors = _terms(query.get("query", "")), _authors(query.get("query", ""))
    since = int(query.get("since_id") or 0)
    found = [
        p
        for p in state.posts
        if p.created <= world.now
        and not p.protected
        and _num(p.id) > since
        and (
            any(t in p.text.lower() for t in terms)
            or (state.users[p.author].username.lower() in authors and p.reply_to is not None)
        )
    ]
    found.sort(key=lambda p: _num(p.id), reverse=True)
    start = int((query.get("next_token") or "t0").removeprefix("t") or 0)
    chosen = found[start : start + size]
    if world.take_empty(PATH) or not chosen:
        return {"meta": {"result_count": 0}}
    posts: list[object] = [_post(p) for p in chosen]
    if (malformed := world.take_malformed(PATH)) is not None:
        posts.insert(0, {"id": "x", "text": None} if malformed[0] is None else malformed[0])
    users = [_user(state.users[u]) for u in dict.fromkeys(p.author for p in chosen)]
    day = f"{world.now:%Y-%m-%d}"
    state.billed |= {(day, "post", p.id) for p in chosen} | {(day, "user", p.author) for p in chosen}
    meta: dict[str, object] = {"newest_id": chosen[0].id, "oldest_id": chosen[-1].id}
    meta["result_count"] = len(chosen)
    if start + size < len(found):
        meta["next_token"] = f"t{start + size}"
    return {"data": posts, "includes": {"users": users}, "meta": meta}


def _num(post_id: str) -> int:
    return int(post_id) if post_id.isdigit() else 0


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _post(p: XPost) -> dict[str, object]:
    created = p.created.timestamp() if p.reported is None else p.reported
    post: dict[str, object] = {
        "id": p.id,
        "edit_history_tweet_ids": [p.id],
        "text": p.text,
        "author_id": p.author,
        "created_at": _iso(created),
        "lang": "en",
        "conversation_id": p.reply_to or p.id,
        "public_metrics": {
            "retweet_count": p.retweets,
            "reply_count": p.replies,
            "like_count": p.likes,
            "quote_count": p.quotes,
            "bookmark_count": 0,
            "impression_count": p.impressions,
        },
    }
    if p.reply_to:
        post["referenced_tweets"] = [{"type": "replied_to", "id": p.reply_to}]
        post["in_reply_to_user_id"] = "1000001"
    return post


def _user(u: XUser) -> dict[str, object]:
    return {
        "id": u.id,
        "name": u.username.replace("_", " ").title(),
        "username": u.username,
        "created_at": _iso(u.created.timestamp()),
        "verified": u.verified,
        "verified_type": "blue" if u.verified else "none",
        "public_metrics": {
            "followers_count": u.followers,
            "following_count": 180,
            "tweet_count": 2400,
            "listed_count": 3,
            "like_count": 5100,
        },
    }
