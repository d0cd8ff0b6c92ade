"""The fake Reddit API: search, comment listings, user and subreddit "about" pages, in Reddit's shapes.

Responses are Listing / t1 / t2 / t3 / t5 things with the fields praw reads plus the ones a real
response carries alongside them; fields whose value never varies in our fake live in the `_*_FIXED`
tables so each builder shows only what it derives from the world.
"""

from __future__ import annotations

import html
import re
from typing import Any

from repmon.localstack.fakes.records import (
    RedditComment,
    RedditPost,
    RedditUser,
    any_term,
    base36,
    epoch,
    reported_epoch,
    search_terms,
    stable,
)
from repmon.localstack.fakes.world import Reply, SourceWorld

#: (status, JSON body, extra headers): what a route answers.

_RATELIMIT = {"x-ratelimit-remaining": "996.0", "x-ratelimit-used": "4", "x-ratelimit-reset": "300"}
NOT_FOUND = {"message": "Not Found", "error": 404}
_SUBREDDIT_PATH = re.compile(r"^/r/([^/]+)/(search|comments|about)$")
_USER_PATH = re.compile(r"^/user/([^/]+)/about$")
_USER_COMMENTS = re.compile(r"^/user/([^/]+)/comments$")
#: /api/info?id=t3_a,t1_b: things by fullname (praw's `reddit.info`), the engagement re-reads.
_INFO = re.compile(r"^/api/info/?$")

_THING_FIXED: dict[str, Any] = {
    "subreddit_type": "public",
    "downs": 0,
    "edited": False,
    "stickied": False,
    "distinguished": None,
    "gilded": 0,
    "likes": None,
    "saved": False,
    "archived": False,
    "locked": False,
}
_T3_FIXED: dict[str, Any] = {
    **_THING_FIXED,
    "is_self": True,
    "upvote_ratio": 1.0,
    "over_18": False,
    "spoiler": False,
    "link_flair_text": None,
    "hidden": False,
    "thumbnail": "self",
    "num_crossposts": 0,
    "send_replies": True,
}
_T1_FIXED: dict[str, Any] = {
    **_THING_FIXED,
    "link_author": "someone",
    "controversiality": 0,
    "replies": "",
    "score_hidden": False,
    "is_submitter": False,
    "collapsed": False,
    "num_comments": 0,
}
_T2_FIXED: dict[str, Any] = {
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
}
_T5_FIXED: dict[str, Any] = {
    "public_description": "",
    "active_user_count": None,
    "accounts_active": None,
    "created": 1.2e9,
    "created_utc": 1.2e9,
    "subreddit_type": "public",
    "over18": False,
    "lang": "en",
    "quarantine": False,
}


_TOKEN = "fake-access-token"
_UNAUTHORIZED = {"message": "Unauthorized", "error": 401}


def route(world: SourceWorld, method: str, path: str, query: dict[str, str], headers: Any) -> Reply | None:
    """Reddit's part of the fake server (the registry's `fake`): its OAuth token and API paths."""
    if path == "/api/v1/access_token":
        return _access_token(headers)
    if not (
        _USER_PATH.match(path)
        or _USER_COMMENTS.match(path)
        or _SUBREDDIT_PATH.match(path)
        or _INFO.match(path)
    ):
        return None
    if headers.get("Authorization") != f"bearer {_TOKEN}":
        return 401, _UNAUTHORIZED, {}
    return reddit_reply(world, path, query)


def _access_token(headers: Any) -> Reply:
    """Reddit's OAuth token endpoint: any client id and secret (HTTP Basic) get the one fake token."""
    if not str(headers.get("Authorization", "")).startswith("Basic "):
        return 401, _UNAUTHORIZED, {}
    return 200, {"access_token": _TOKEN, "token_type": "bearer", "expires_in": 86400, "scope": "*"}, {}


def reddit_reply(world: SourceWorld, path: str, query: dict[str, str]) -> Reply:
    """Answer an authenticated Reddit API path (the router has already checked the bearer token)."""
    if _INFO.match(path):
        return 200, _info(world, query.get("id", "")), _RATELIMIT
    if m := _USER_PATH.match(path):
        user = world.users.get(m.group(1).lower())
        return (200, _t2(user), _RATELIMIT) if user else (404, NOT_FOUND, _RATELIMIT)
    if m := _USER_COMMENTS.match(path):  # a user's comments, newest first; 404 for one with none
        name = m.group(1).lower()
        mine = [c for c in _comments(world, None) if str(c["data"]["author"]).lower() == name]
        return (200, _listing(mine, query, None, "t1"), _RATELIMIT) if mine else (404, NOT_FOUND, _RATELIMIT)
    m = _SUBREDDIT_PATH.match(path)
    if m is None:
        return 404, NOT_FOUND, {}
    subs, what = m.group(1).lower(), m.group(2)
    if what == "about":
        size = world.subreddits.get(subs)
        return (200, _t5(subs, size), _RATELIMIT) if size is not None else (404, NOT_FOUND, _RATELIMIT)
    wanted = None if subs == "all" else set(subs.split("+"))
    if what == "search":
        things, kind = _search(world, wanted, query.get("q", "")), "t3"
    else:
        things, kind = _comments(world, wanted), "t1"
    if world.take_empty(path):
        things = []
    return 200, _listing(things, query, world.take_malformed(path), kind), _RATELIMIT


def _info(world: SourceWorld, ids: str) -> object:
    """The things of these fullnames Reddit still serves (at most 100), as one Listing."""
    posts = [_t3(world, p) for p in world.posts.values() if _visible(world, p, None)]
    things = [t for t in posts + _comments(world, None) if t["data"]["name"] in ids.split(",")]
    data = {"after": None, "dist": len(things), "modhash": "", "geo_filter": "", "children": things[:100]}
    return {"kind": "Listing", "data": {**data, "before": None}}


def _search(world: SourceWorld, wanted: set[str] | None, q: str) -> list[dict[str, Any]]:
    """Visible posts matching any term of `q`, newest first, as t3 things."""
    terms = search_terms(q)
    posts = [
        p for p in world.posts.values() if _visible(world, p, wanted) and any_term(terms, p.title, p.selftext)
    ]
    return [_t3(world, p) for p in sorted(posts, key=lambda p: (p.created, p.id), reverse=True)]


def _comments(world: SourceWorld, wanted: set[str] | None) -> list[dict[str, Any]]:
    """Visible comments, newest first, as t1 things (Reddit's comment listing is not searchable)."""
    found = [c for c in world.comments.values() if _visible(world, c, wanted)]
    return [_t1(c) for c in sorted(found, key=lambda c: (c.created, c.id), reverse=True)]


def _visible(world: SourceWorld, thing: RedditPost | RedditComment, wanted: set[str] | None) -> bool:
    return thing.created <= world.now and (wanted is None or thing.subreddit.lower() in wanted)


def _listing(
    things: list[dict[str, Any]], query: dict[str, str], malformed: tuple[object] | None, kind: str
) -> object:
    limit = max(1, min(int(query.get("limit", "25")), 100))  # Reddit serves at most 100 a request
    start = 0
    if after := query.get("after"):
        names = [t["data"]["name"] for t in things]
        # An `after` that no longer exists (deleted post) yields nothing, as on Reddit.
        start = names.index(after) + 1 if after in names else len(things)
    page = things[start : start + limit]
    next_after = page[-1]["data"]["name"] if page and start + limit < len(things) else None
    if malformed is not None:
        bad = {"id": "zzbad1", "name": f"{kind}_zzbad1", "subreddit": "test", "author": "someone"}
        default = {"kind": kind, "data": {**bad, "created_utc": "not-a-time", "title": None}}
        page = [default if malformed[0] is None else malformed[0], *page]  # type: ignore[list-item]
    data = {"after": next_after, "dist": len(page), "modhash": "", "geo_filter": "", "children": page}
    return {"kind": "Listing", "data": {**data, "before": None}}


def _subreddit_fields(subreddit: str) -> dict[str, Any]:
    return {
        "subreddit": subreddit,
        "subreddit_id": f"t5_{base36(stable(subreddit) % 10**8)}",
        "subreddit_name_prefixed": f"r/{subreddit}",
    }


def _t3(world: SourceWorld, p: RedditPost) -> dict[str, Any]:
    permalink = f"/r/{p.subreddit}/comments/{p.id}/{_slug(p.title)}/"
    html_body = f'<!-- SC_OFF --><div class="md"><p>{html.escape(p.selftext)}</p>\n</div><!-- SC_ON -->'
    data = {
        **_T3_FIXED,
        **_subreddit_fields(p.subreddit),
        "id": p.id,
        "name": f"t3_{p.id}",
        "title": p.title,
        "selftext": p.selftext,
        "selftext_html": html_body if p.selftext else None,
        "author": p.author or "[deleted]",
        "subreddit_subscribers": world.subreddits.get(p.subreddit.lower(), 0),
        "created": reported_epoch(p),
        "created_utc": reported_epoch(p),
        "permalink": permalink,
        "url": f"https://www.reddit.com{permalink}",
        "domain": f"self.{p.subreddit}",
        "score": p.score,
        "ups": p.score,
        "num_comments": p.num_comments,
    }
    if p.author:
        data["author_fullname"] = f"t2_{base36(stable(p.author) % 10**8)}"
    return {"kind": "t3", "data": data}


def _t1(c: RedditComment) -> dict[str, Any]:
    link = c.link_id.removeprefix("t3_")
    data = {
        **_T1_FIXED,
        **_subreddit_fields(c.subreddit),
        "id": c.id,
        "name": f"t1_{c.id}",
        "body": c.body,
        "body_html": f'<div class="md"><p>{html.escape(c.body)}</p>\n</div>',
        "author": c.author or "[deleted]",
        "link_id": c.link_id,
        "link_title": c.link_title,
        "link_permalink": f"https://www.reddit.com/r/{c.subreddit}/comments/{link}/_/",
        "parent_id": c.link_id,
        "permalink": f"/r/{c.subreddit}/comments/{link}/_/{c.id}/",
        "created": reported_epoch(c),
        "created_utc": reported_epoch(c),
        "score": c.score,
        "ups": c.score,
    }
    return {"kind": "t1", "data": data}


def _t2(user: RedditUser) -> object:
    if user.suspended:  # what Reddit answers for a suspended account: no karma, no dates
        suspended = {"name": user.name, "is_suspended": True, "awardee_karma": 0, "awarder_karma": 0}
        return {"kind": "t2", "data": {**suspended, "is_blocked": False, "total_karma": 0}}
    data = {
        **_T2_FIXED,
        "name": user.name,
        "id": base36(stable(user.name) % 10**8),
        "created": epoch(user.created),
        "created_utc": epoch(user.created),
        "link_karma": user.link_karma,
        "comment_karma": user.comment_karma,
        "total_karma": user.link_karma + user.comment_karma,
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
        **_T5_FIXED,
        "display_name": name,
        "display_name_prefixed": f"r/{name}",
        "id": base36(stable(name) % 10**8),
        "name": f"t5_{base36(stable(name) % 10**8)}",
        "title": name,
        "subscribers": subscribers,
        "url": f"/r/{name}/",
    }
    return {"kind": "t5", "data": data}


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:50] or "_"
