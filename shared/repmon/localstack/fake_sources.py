"""Local stand-ins for Reddit, HN Algolia and the App Store RSS feed: one real HTTP server on 127.0.0.1.

The real clients (praw, requests) talk to it, so tests and the demo exercise the same code as production.
Responses have the exact shapes of the real APIs (Listing/t1/t2/t3/t5 things, Algolia hits, label-wrapped
RSS JSON); the content is whatever a `SourceWorld` holds. An item is visible only once its created time is
at or before `world.now`, so a demo can stream a crisis over simulated time.

    world = SourceWorld(now=datetime(2026, 11, 1, tzinfo=UTC))
    with FakeSources(world) as fake:
        world.add_reddit_post(title="Acme is down again", subreddit="sysadmin")
        reddit = build_reddit(creds, fake.reddit_url, fake.reddit_url)
"""

from __future__ import annotations

import html
import itertools
import json
import re
import threading
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["FakeSources", "LoggedRequest", "SourceWorld"]


@dataclass(frozen=True)
class RedditPost:
    id: str
    subreddit: str
    title: str
    selftext: str
    author: str | None
    created: datetime
    score: int
    num_comments: int


@dataclass(frozen=True)
class RedditComment:
    id: str
    subreddit: str
    body: str
    author: str | None
    created: datetime
    score: int
    link_id: str
    link_title: str


@dataclass(frozen=True)
class RedditUser:
    name: str
    link_karma: int
    comment_karma: int
    created: datetime
    suspended: bool


@dataclass(frozen=True)
class HNItem:
    object_id: str
    kind: str
    title: str
    #: Served verbatim: HN text is HTML with entities, as Algolia returns it.
    text: str
    author: str
    created: datetime
    points: int | None
    num_comments: int | None
    story_id: int | None
    story_title: str | None
    url: str | None
    legacy: bool


@dataclass(frozen=True)
class AppStoreReview:
    review_id: int
    app_id: str
    country: str
    title: str
    content: str
    rating: int
    author: str
    vote_sum: int
    vote_count: int
    version: str
    created: datetime


def _stable(text: str) -> int:
    """A per-name number that is the same in every process (unlike hash())."""
    return zlib.crc32(text.encode())


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rem = divmod(number, 36)
        out = digits[rem] + out
    return out or "0"


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    query: dict[str, str]
    status: int


@dataclass
class _Fault:
    remaining: int
    status: int
    retry_after: float | None
    path: str


@dataclass
class SourceWorld:
    """What the fake platforms contain, plus fault injection and a log of every request served."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 1, 12, 0, tzinfo=UTC))
    posts: dict[str, RedditPost] = field(default_factory=dict)
    comments: dict[str, RedditComment] = field(default_factory=dict)
    users: dict[str, RedditUser] = field(default_factory=dict)
    subreddits: dict[str, int] = field(default_factory=dict)
    hn_items: dict[str, HNItem] = field(default_factory=dict)
    reviews: list[AppStoreReview] = field(default_factory=list)
    #: (app_id, country) -> feed quirks: {"metadata_entry": bool, "dated": bool}
    feeds: dict[tuple[str, str], dict[str, bool]] = field(default_factory=dict)
    requests: list[LoggedRequest] = field(default_factory=list)
    _faults: list[_Fault] = field(default_factory=list)
    _malformed: list[str] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def _next_id(self) -> int:
        return next(self._ids)

    def add_reddit_post(
        self,
        *,
        title: str,
        selftext: str = "",
        subreddit: str = "test",
        author: str | None = "someone",
        created: datetime | None = None,
        score: int = 1,
        num_comments: int = 0,
        id: str | None = None,
    ) -> str:
        """Add a submission (author None means "[deleted]"); returns its base-36 id."""
        post_id = id or _base36(1_000_000 + self._next_id())
        self.posts[post_id] = RedditPost(
            post_id, subreddit, title, selftext, author, created or self.now, score, num_comments
        )
        return post_id

    def add_reddit_comment(
        self,
        *,
        body: str,
        subreddit: str = "test",
        author: str | None = "someone",
        created: datetime | None = None,
        score: int = 1,
        link_id: str = "t3_0",
        link_title: str = "",
        id: str | None = None,
    ) -> str:
        comment_id = id or _base36(50_000_000 + self._next_id())
        self.comments[comment_id] = RedditComment(
            comment_id, subreddit, body, author, created or self.now, score, link_id, link_title
        )
        return comment_id

    def add_reddit_user(
        self,
        name: str,
        *,
        link_karma: int = 1,
        comment_karma: int = 0,
        created: datetime | None = None,
        suspended: bool = False,
    ) -> None:
        """Users never added answer 404, like deleted accounts."""
        self.users[name.lower()] = RedditUser(
            name, link_karma, comment_karma, created or self.now - timedelta(days=365), suspended
        )

    def add_subreddit(self, name: str, subscribers: int) -> None:
        self.subreddits[name.lower()] = subscribers

    def delete_reddit_post(self, post_id: str) -> None:
        self.posts.pop(post_id, None)

    def add_hn_item(
        self,
        *,
        text: str = "",
        title: str = "",
        kind: str = "story",
        author: str = "someone",
        created: datetime | None = None,
        points: int | None = 1,
        num_comments: int | None = 0,
        story_id: int | None = None,
        story_title: str | None = None,
        url: str | None = None,
        legacy: bool = False,
        object_id: str | None = None,
    ) -> str:
        """A story (title, text, url) or comment (text, story_id, story_title); `legacy`: pre-2023 fields."""
        oid = object_id or str(30_000_000 + self._next_id())
        self.hn_items[oid] = HNItem(
            oid,
            kind,
            title,
            text,
            author,
            created or self.now,
            points,
            num_comments,
            story_id,
            story_title,
            url,
            legacy,
        )
        return oid

    def add_appstore_review(
        self,
        *,
        app_id: str,
        title: str,
        content: str,
        rating: int,
        country: str = "us",
        author: str = "someone",
        vote_sum: int = 0,
        vote_count: int = 0,
        version: str = "1.0",
        created: datetime | None = None,
        review_id: int | None = None,
    ) -> str:
        """Review ids grow with time, as Apple's do; returns the id."""
        rid = review_id or 9_000_000_000 + self._next_id()
        self.reviews.append(
            AppStoreReview(
                rid,
                app_id,
                country,
                title,
                content,
                rating,
                author,
                vote_sum,
                vote_count,
                version,
                created or self.now,
            )
        )
        return str(rid)

    def set_appstore_feed(
        self, app_id: str, country: str = "us", *, metadata_entry: bool = False, dated: bool = True
    ) -> None:
        """Feed quirks: an app-metadata first entry (older feeds), entries without an `updated` date."""
        self.feeds[(app_id, country)] = {"metadata_entry": metadata_entry, "dated": dated}

    def fail_next(
        self, count: int = 1, *, status: int = 500, retry_after: float | None = None, path: str = ""
    ) -> None:
        """The next `count` requests whose path contains `path` get `status` (with Retry-After if given)."""
        with self._lock:
            self._faults.append(_Fault(count, status, retry_after, path))

    def malform_next(self, path: str = "") -> None:
        """The next response with items whose path contains `path` carries one malformed item first."""
        with self._lock:
            self._malformed.append(path)

    def requests_to(self, fragment: str) -> list[LoggedRequest]:
        return [r for r in self.requests if fragment in r.path]

    def take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.path in path and fault.remaining > 0:
                    fault.remaining -= 1
                    return fault
        return None

    def take_malformed(self, path: str) -> bool:
        with self._lock:
            for i, fragment in enumerate(self._malformed):
                if fragment in path:
                    del self._malformed[i]
                    return True
        return False

    def log(self, request: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(request)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # why: keep test output clean
        return

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._serve("POST")

    def _serve(self, method: str) -> None:
        world = self.server.world
        parts = urlsplit(self.path)
        path = unquote(parts.path).rstrip("/") or "/"
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        fault = world.take_fault(path)
        body: object
        if fault is not None:
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            status, body = fault.status, {"message": "injected fault", "error": fault.status}
        else:
            status, body, headers = _route(world, method, path, query, self.headers)
        world.log(LoggedRequest(method, path, query, status))
        self._send(status, body, headers)

    def _send(self, status: int, body: object, headers: dict[str, str]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, world: SourceWorld) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.world = world


class FakeSources:
    """The HTTP server; `start()`/`stop()` or use it as a context manager."""

    def __init__(self, world: SourceWorld | None = None) -> None:
        self.world = world or SourceWorld()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakeSources:
        if self._server is None:
            self._server = _Server(self.world)
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSources:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSources is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def reddit_url(self) -> str:
        """Both praw's `oauth_url` and `reddit_url`."""
        return self.base_url

    @property
    def hackernews_url(self) -> str:
        return f"{self.base_url}/api/v1"

    @property
    def appstore_url(self) -> str:
        return self.base_url


# ---------------------------------------------------------------- routing and payloads (real API shapes)

_TOKEN = "fake-access-token"
_RATELIMIT = {"x-ratelimit-remaining": "996.0", "x-ratelimit-used": "4", "x-ratelimit-reset": "300"}
_NOT_FOUND = {"message": "Not Found", "error": 404}
_APPSTORE_PATH = re.compile(r"^/([a-z]{2})/rss/customerreviews/page=(\d+)/id=(\d+)/sortby=mostrecent/json$")
_SUBREDDIT_PATH = re.compile(r"^/r/([^/]+)/(search|comments|about)$")
_USER_PATH = re.compile(r"^/user/([^/]+)/about$")
_Reply = tuple[int, object, dict[str, str]]


def _route(world: SourceWorld, method: str, path: str, query: dict[str, str], headers: Any) -> _Reply:
    if path == "/api/v1/access_token":
        if not str(headers.get("Authorization", "")).startswith("Basic "):
            return 401, {"message": "Unauthorized", "error": 401}, {}
        return 200, {"access_token": _TOKEN, "token_type": "bearer", "expires_in": 86400, "scope": "*"}, {}
    if path == "/api/v1/search_by_date":
        return 200, _hn_search(world, path, query), {}
    if m := _APPSTORE_PATH.match(path):
        return 200, _appstore_feed(world, path, m.group(1), int(m.group(2)), m.group(3)), {}
    if headers.get("Authorization") != f"bearer {_TOKEN}":
        return 401, {"message": "Unauthorized", "error": 401}, {}
    return _reddit(world, path, query)


def _reddit(world: SourceWorld, path: str, query: dict[str, str]) -> _Reply:
    if m := _USER_PATH.match(path):
        user = world.users.get(m.group(1).lower())
        return (200, _t2(user), _RATELIMIT) if user else (404, _NOT_FOUND, _RATELIMIT)
    m = _SUBREDDIT_PATH.match(path)
    if m is None:
        return 404, _NOT_FOUND, {}
    subs, what = m.group(1).lower(), m.group(2)
    if what == "about":
        size = world.subreddits.get(subs)
        return (200, _t5(subs, size), _RATELIMIT) if size is not None else (404, _NOT_FOUND, _RATELIMIT)
    wanted = None if subs == "all" else set(subs.split("+"))
    if what == "search":
        terms = _terms(query.get("q", ""))
        posts = [
            p
            for p in world.posts.values()
            if _visible(world, p.created, p.subreddit, wanted) and _any_term(terms, p.title, p.selftext)
        ]
        things = [_t3(world, p) for p in sorted(posts, key=lambda p: (p.created, p.id), reverse=True)]
    else:
        found = [c for c in world.comments.values() if _visible(world, c.created, c.subreddit, wanted)]
        things = [_t1(c) for c in sorted(found, key=lambda c: (c.created, c.id), reverse=True)]
    kind = "t3" if what == "search" else "t1"
    return 200, _listing(things, query, world.take_malformed(path), kind), _RATELIMIT


def _visible(world: SourceWorld, created: datetime, subreddit: str, wanted: set[str] | None) -> bool:
    return created <= world.now and (wanted is None or subreddit.lower() in wanted)


def _terms(q: str) -> list[str]:
    return [t.strip().strip('"').lower() for t in re.split(r"\s+OR\s+", q) if t.strip().strip('"')]


def _any_term(terms: list[str], *texts: str | None) -> bool:
    haystack = " ".join(t or "" for t in texts).lower()
    return any(term in haystack for term in terms)


def _listing(things: list[dict[str, Any]], query: dict[str, str], malformed: bool, kind: str) -> object:
    limit = max(1, min(int(query.get("limit", "25")), 100))  # Reddit serves at most 100 a request
    start = 0
    if after := query.get("after"):
        names = [t["data"]["name"] for t in things]
        # An `after` that no longer exists (deleted post) yields nothing, as on Reddit.
        start = names.index(after) + 1 if after in names else len(things)
    page = things[start : start + limit]
    next_after = page[-1]["data"]["name"] if page and start + limit < len(things) else None
    if malformed:
        bad = {"id": "zzbad1", "name": f"{kind}_zzbad1", "subreddit": "test", "author": "someone"}
        page = [{"kind": kind, "data": {**bad, "created_utc": "not-a-time", "title": None}}, *page]
    data = {"after": next_after, "dist": len(page), "modhash": "", "geo_filter": "", "children": page}
    return {"kind": "Listing", "data": {**data, "before": None}}


def _epoch(moment: datetime) -> float:
    return float(int(moment.timestamp()))


def _t3(world: SourceWorld, p: RedditPost) -> dict[str, Any]:
    permalink = f"/r/{p.subreddit}/comments/{p.id}/{_slug(p.title)}/"
    html_body = f'<!-- SC_OFF --><div class="md"><p>{html.escape(p.selftext)}</p>\n</div><!-- SC_ON -->'
    data = {
        "id": p.id,
        "name": f"t3_{p.id}",
        "title": p.title,
        "selftext": p.selftext,
        "selftext_html": html_body if p.selftext else None,
        "author": p.author or "[deleted]",
        "subreddit": p.subreddit,
        "subreddit_id": f"t5_{_base36(_stable(p.subreddit) % 10**8)}",
        "subreddit_name_prefixed": f"r/{p.subreddit}",
        "subreddit_type": "public",
        "subreddit_subscribers": world.subreddits.get(p.subreddit.lower(), 0),
        "created": _epoch(p.created),
        "created_utc": _epoch(p.created),
        "permalink": permalink,
        "url": f"https://www.reddit.com{permalink}",
        "domain": f"self.{p.subreddit}",
        "is_self": True,
        "score": p.score,
        "ups": p.score,
        "downs": 0,
        "upvote_ratio": 1.0,
        "num_comments": p.num_comments,
        "over_18": False,
        "spoiler": False,
        "locked": False,
        "stickied": False,
        "archived": False,
        "edited": False,
        "distinguished": None,
        "link_flair_text": None,
        "gilded": 0,
        "likes": None,
        "saved": False,
        "hidden": False,
        "thumbnail": "self",
        "num_crossposts": 0,
        "send_replies": True,
    }
    if p.author:
        data["author_fullname"] = f"t2_{_base36(_stable(p.author) % 10**8)}"
    return {"kind": "t3", "data": data}


def _t1(c: RedditComment) -> dict[str, Any]:
    link = c.link_id.removeprefix("t3_")
    data = {
        "id": c.id,
        "name": f"t1_{c.id}",
        "body": c.body,
        "body_html": f'<div class="md"><p>{html.escape(c.body)}</p>\n</div>',
        "author": c.author or "[deleted]",
        "subreddit": c.subreddit,
        "subreddit_id": f"t5_{_base36(_stable(c.subreddit) % 10**8)}",
        "subreddit_name_prefixed": f"r/{c.subreddit}",
        "subreddit_type": "public",
        "link_id": c.link_id,
        "link_title": c.link_title,
        "link_author": "someone",
        "link_permalink": f"https://www.reddit.com/r/{c.subreddit}/comments/{link}/_/",
        "parent_id": c.link_id,
        "permalink": f"/r/{c.subreddit}/comments/{link}/_/{c.id}/",
        "created": _epoch(c.created),
        "created_utc": _epoch(c.created),
        "score": c.score,
        "ups": c.score,
        "downs": 0,
        "controversiality": 0,
        "edited": False,
        "replies": "",
        "stickied": False,
        "score_hidden": False,
        "distinguished": None,
        "is_submitter": False,
        "gilded": 0,
        "likes": None,
        "saved": False,
        "archived": False,
        "locked": False,
        "collapsed": False,
        "num_comments": 0,
    }
    return {"kind": "t1", "data": data}


def _t2(user: RedditUser) -> object:
    if user.suspended:  # what Reddit answers for a suspended account: no karma, no dates
        return {
            "kind": "t2",
            "data": {
                "name": user.name,
                "is_suspended": True,
                "awardee_karma": 0,
                "awarder_karma": 0,
                "is_blocked": False,
                "total_karma": 0,
            },
        }
    data = {
        "name": user.name,
        "id": _base36(_stable(user.name) % 10**8),
        "created": _epoch(user.created),
        "created_utc": _epoch(user.created),
        "link_karma": user.link_karma,
        "comment_karma": user.comment_karma,
        "total_karma": user.link_karma + user.comment_karma,
        "awardee_karma": 0,
        "awarder_karma": 0,
        "is_employee": False,
        "is_mod": False,
        "is_gold": False,
        "verified": True,
        "has_verified_email": True,
        "is_friend": False,
        "hide_from_robots": False,
        "icon_img": "",
        "pref_show_snoovatar": False,
        "accept_followers": True,
        "subreddit": {
            "display_name": f"u_{user.name}",
            "subscribers": 0,
            "subreddit_type": "user",
            "over_18": False,
        },
    }
    return {"kind": "t2", "data": data}


def _t5(name: str, subscribers: int | None) -> object:
    data = {
        "display_name": name,
        "display_name_prefixed": f"r/{name}",
        "id": _base36(_stable(name) % 10**8),
        "name": f"t5_{_base36(_stable(name) % 10**8)}",
        "title": name,
        "public_description": "",
        "subscribers": subscribers,
        "active_user_count": None,
        "accounts_active": None,
        "created": 1.2e9,
        "created_utc": 1.2e9,
        "subreddit_type": "public",
        "over18": False,
        "url": f"/r/{name}/",
        "lang": "en",
        "quarantine": False,
    }
    return {"kind": "t5", "data": data}


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:50] or "_"


_NUMERIC = re.compile(r"^\s*(\w+)\s*(>=|<=|>|<|=)\s*(-?\d+)\s*$")
_COMPARE = {">=": float.__ge__, "<=": float.__le__, ">": float.__gt__, "<": float.__lt__, "=": float.__eq__}


def _hn_search(world: SourceWorld, path: str, query: dict[str, str]) -> object:
    tags = set(query.get("tags", "story,comment").strip("()").split(","))
    filters = [m.groups() for f in query.get("numericFilters", "").split(",") if (m := _NUMERIC.match(f))]
    terms = _terms(query.get("query", ""))
    found = [
        item
        for item in world.hn_items.values()
        if item.created <= world.now
        and item.kind in tags
        and (
            not terms
            or _any_term(
                terms, item.title, item.text, item.url, item.story_title if item.kind == "comment" else ""
            )
        )
        and all(
            _COMPARE[op](_epoch(item.created), float(v)) for name, op, v in filters if name == "created_at_i"
        )
    ][:1000]  # Algolia caps at 1000 (paginationLimitedTo)
    found.sort(key=lambda i: (i.created, i.object_id), reverse=True)
    per_page = max(1, min(int(query.get("hitsPerPage", "20")), 1000))
    page = int(query.get("page", "0"))
    hits: list[object] = [_hn_hit(i) for i in found[page * per_page : (page + 1) * per_page]]
    if hits and world.take_malformed(path):
        hits.insert(0, {"objectID": "malformed", "created_at_i": "soon", "_tags": ["story"], "title": None})
    return {
        "exhaustive": {"nbHits": True, "typo": True},
        "exhaustiveNbHits": True,
        "exhaustiveTypo": True,
        "hits": hits,
        "hitsPerPage": per_page,
        "nbHits": len(found),
        "nbPages": -(-len(found) // per_page),
        "page": page,
        "params": "&".join(f"{k}={v}" for k, v in query.items()),
        "processingTimeMS": 1,
        "processingTimingsMS": {"_request": {"roundTrip": 1}},
        "query": query.get("query", ""),
        "serverTimeMS": 2,
    }


def _hn_hit(item: HNItem) -> dict[str, Any]:
    is_story = item.kind == "story"
    story_id = int(item.object_id) if is_story else item.story_id
    tags = [item.kind, f"author_{item.author}", f"story_{story_id}"]
    when = item.created.astimezone(UTC)
    full: dict[str, Any] = {
        "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z" if item.legacy else "%Y-%m-%dT%H:%M:%SZ"),
        "title": item.title if is_story else None,
        "url": item.url if is_story else None,
        "author": item.author,
        "points": item.points if is_story else None,
        "story_text": item.text if is_story and item.text else None,
        "comment_text": None if is_story else item.text,
        "num_comments": item.num_comments if is_story else None,
        "story_id": story_id,
        "story_title": None if is_story else item.story_title,
        "story_url": None,
        "parent_id": None if is_story else story_id,
        "created_at_i": int(_epoch(item.created)),
        "_tags": tags,
        "objectID": item.object_id,
        "_highlightResult": {"author": {"value": item.author, "matchLevel": "none", "matchedWords": []}},
    }
    if item.legacy:
        full["story_id"] = None if is_story else story_id  # pre-2023 stories had no story_id
        return full
    # Newer responses drop null fields and add updated_at (and children on stories).
    hit = {k: v for k, v in full.items() if v is not None}
    hit["updated_at"] = full["created_at"]
    if is_story:
        hit["children"] = []
    return hit


_PACIFIC = timezone(timedelta(hours=-7))


def _appstore_feed(world: SourceWorld, path: str, country: str, page: int, app_id: str) -> object:
    quirks = world.feeds.get((app_id, country), {})
    reviews = sorted(
        (r for r in world.reviews if r.app_id == app_id and r.country == country and r.created <= world.now),
        key=lambda r: r.review_id,
        reverse=True,
    )
    entries: list[object] = (
        []
        if page > 10
        else [_review_entry(r, quirks.get("dated", True)) for r in reviews[(page - 1) * 50 : page * 50]]
    )
    if entries and world.take_malformed(path):
        entries.insert(
            0, {"im:rating": {"label": "5"}, "id": {"label": "not-a-number"}, "title": {"label": "?"}}
        )
    if page == 1 and quirks.get("metadata_entry"):
        entries.insert(0, _app_metadata(app_id))
    base = f"https://itunes.apple.com/{country}/rss/customerreviews"
    links = [
        {"attributes": {"rel": rel, "href": f"{base}/page={n}/id={app_id}/sortby=mostrecent/xml"}}
        for rel, n in (("first", 1), ("last", 10), ("previous", max(1, page - 1)), ("next", page + 1))
    ]
    feed: dict[str, Any] = {
        "author": {"name": {"label": "iTunes Store"}, "uri": {"label": "http://www.apple.com/itunes/"}},
        "updated": {"label": world.now.astimezone(_PACIFIC).isoformat()},
        "rights": {"label": "Copyright 2008 Apple Inc."},
        "title": {"label": "iTunes Store: Customer Reviews"},
        "icon": {"label": "http://itunes.apple.com/favicon.ico"},
        "link": links,
        "id": {"label": f"{base}/id={app_id}/json"},
    }
    if entries:  # a single entry comes as an object, none as no key at all
        feed["entry"] = entries[0] if len(entries) == 1 else entries
    return {"feed": feed}


def _review_entry(r: AppStoreReview, dated: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "author": {
            "uri": {"label": f"https://itunes.apple.com/{r.country}/reviews/id{_stable(r.author) % 10**9}"},
            "name": {"label": r.author},
            "label": "",
        },
        "im:version": {"label": r.version},
        "im:rating": {"label": str(r.rating)},
        "id": {"label": str(r.review_id)},
        "title": {"label": r.title},
        "content": {"label": r.content, "attributes": {"type": "text"}},
        "link": {
            "attributes": {
                "rel": "related",
                "href": f"https://itunes.apple.com/{r.country}/review?id={r.app_id}&type=Purple%20Software",
            }
        },
        "im:voteSum": {"label": str(r.vote_sum)},
        "im:voteCount": {"label": str(r.vote_count)},
        "im:contentType": {"attributes": {"term": "Application", "label": "Application"}},
    }
    if dated:
        entry["updated"] = {"label": r.created.astimezone(_PACIFIC).isoformat()}
    return entry


def _app_metadata(app_id: str) -> dict[str, Any]:
    return {
        "im:name": {"label": "Example App"},
        "rights": {"label": "© Example Inc."},
        "im:price": {"label": "Get", "attributes": {"amount": "0.00", "currency": "USD"}},
        "im:image": [{"label": "https://example.invalid/icon.png", "attributes": {"height": "53"}}],
        "im:artist": {"label": "Example Inc."},
        "title": {"label": "Example App - Example Inc."},
        "link": {
            "attributes": {
                "rel": "alternate",
                "type": "text/html",
                "href": f"https://apps.apple.com/us/app/id{app_id}",
            }
        },
        "id": {"label": f"https://apps.apple.com/us/app/id{app_id}", "attributes": {"im:id": app_id}},
        "im:contentType": {"attributes": {"term": "Application", "label": "Application"}},
        "category": {"attributes": {"im:id": "6000", "term": "Business", "label": "Business"}},
        "im:releaseDate": {"label": "2020-01-01T00:00:00-07:00"},
    }
