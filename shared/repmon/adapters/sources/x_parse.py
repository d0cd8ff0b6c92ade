"""X API v2 bodies as `Mention`s: a `GET /2/tweets/search/recent` page and its `includes.users`. Pure.

A post's id is its snowflake id (decimal digits, under 2^63, dated after X's snowflake epoch); its
link `https://x.com/<username>/status/<id>` (`/i/web/status/<id>` when the author was not
included). The author comes from `includes.users` by `author_id`: followers, account age and the
verified mark. The platform's own numbers are kept: likes as the score, replies as comments,
retweets and quotes as shares, impressions as views. A reply keeps the id of the post it answers
(`referenced_tweets` of type `replied_to`) as its parent, so the brand's own replies can be matched.

What X bills is counted here too (`SearchPage.posts_read`, `users_read`): every post in `data` and
every user in `includes.users`, well-formed or not. One malformed post is skipped and counted, never
the page.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from repmon.adapters.http import LogSink
from repmon.adapters.item_fields import ITEM_ERRORS, MalformedPage, count, each_item, iso_date, text
from repmon.domain.models import Author, Engagement, Mention, Source

SOURCE = Source.X.value
WEB = "https://x.com"
_LOG = logging.getLogger(__name__)
#: X's snowflake epoch (2010-11-04T01:42:54.657Z), in milliseconds: an id's top bits count from it.
SNOWFLAKE_EPOCH_MS = 1_288_834_974_657
_ID = re.compile(r"[1-9][0-9]{0,18}")
#: A username (handle): letters, digits and '_', at most 15 (a few old accounts are a little longer).
_USERNAME = re.compile(r"[A-Za-z0-9_]{1,20}")
#: A post's text: 280 characters, or up to 25,000 for a long post; anything far longer is not a post.
_MAX_TEXT = 30_000
_VERIFIED_TYPES = {"blue", "business", "government"}


@dataclass(frozen=True)
class SearchPage:
    mentions: list[Mention]
    skipped: int
    next_token: str | None
    #: Ids of every post and user X returned (what it bills), well-formed or not.
    posts_read: frozenset[str]
    users_read: frozenset[str]
    #: How many posts the page held, good or bad (an empty page ends the search).
    size: int


def snowflake_ms(post_id: str) -> int:
    """When X issued a snowflake id, in epoch milliseconds."""
    return (int(post_id) >> 22) + SNOWFLAKE_EPOCH_MS


def since_id(moment: float) -> str:
    """The smallest snowflake issued at `moment` (epoch seconds), less one: `since_id` reads from it."""
    ms = max(int(moment * 1000) - SNOWFLAKE_EPOCH_MS, 1)
    return str((ms << 22) - 1)


def parse_search(body: Any, log: LogSink | None = None) -> SearchPage:
    """A recent-search response: its posts as Mentions (bad ones skipped and counted), its next_token.

    Raises `MalformedPage` only when the body is not a search response at all.
    """
    if not isinstance(body, dict) or not isinstance(body.get("meta", {}), dict):
        raise MalformedPage("not a recent-search response")
    posts = body.get("data", [])
    includes = body.get("includes", {})
    users = includes.get("users", []) if isinstance(includes, dict) else []
    if not isinstance(posts, list) or not isinstance(users, list):
        raise MalformedPage("data or includes.users is not a list")
    by_id = {u["id"]: u for u in users if isinstance(u, dict) and isinstance(u.get("id"), str)}
    mentions, skipped = each_item(posts, lambda p: post_to_mention(p, by_id), log or _LOG, "x post")
    token = body.get("meta", {}).get("next_token")
    good_token = token if isinstance(token, str) and 0 < len(token) <= 500 else None
    return SearchPage(
        mentions,
        skipped,
        good_token,
        frozenset(_ids(posts)),
        frozenset(by_id),
        len(posts),
    )


def post_to_mention(post: Any, users: dict[str, Any]) -> Mention:
    """One post of `data` as a Mention, its author from `users`; raises ITEM_ERRORS if malformed."""
    if not isinstance(post, dict):
        raise TypeError(f"a post is an object, not {type(post).__name__}")
    post_id = _snowflake(post["id"])
    body = post["text"]
    if not isinstance(body, str) or len(body) > _MAX_TEXT:
        raise ValueError("post text missing or too long")
    created = iso_date(text(post["created_at"], 40))
    metrics = post.get("public_metrics") or {}
    if not isinstance(metrics, dict):
        raise TypeError("public_metrics is not an object")
    author = _author(post.get("author_id"), users)
    where = f"{author.handle}/status" if author.handle else "i/web/status"
    return Mention(
        source=SOURCE,
        native_id=post_id,
        created_at=created,
        text=body.strip(),
        url=f"{WEB}/{where}/{post_id}",
        author=author,
        engagement=Engagement(
            score=_count(metrics.get("like_count")),
            comments=_count(metrics.get("reply_count")),
            shares=_count(metrics.get("retweet_count")) + _count(metrics.get("quote_count")),
            views=_count(metrics.get("impression_count")),
        ),
        parent_id=_replied_to(post.get("referenced_tweets")),
    )


def _author(author_id: Any, users: dict[str, Any]) -> Author:
    """The post's author from `includes.users`; only the id when X did not include the user."""
    if author_id is None:
        return Author(id="", handle="")
    uid = _digits(author_id)
    user = users.get(uid)
    if not isinstance(user, dict):
        return Author(id=uid, handle="")
    name = text(user.get("username"), 20)
    metrics = user.get("public_metrics") or {}
    followers = metrics.get("followers_count") if isinstance(metrics, dict) else None
    return Author(
        id=uid,
        handle=name if _USERNAME.fullmatch(name) else "",
        followers=None if followers is None else _count(followers),
        account_created_at=_maybe_date(user.get("created_at")),
        verified=user.get("verified") is True or user.get("verified_type") in _VERIFIED_TYPES,
    )


def _replied_to(refs: Any) -> str:
    if not isinstance(refs, list):
        return ""
    for ref in refs:
        if isinstance(ref, dict) and ref.get("type") == "replied_to":
            return _snowflake(ref.get("id"))
    return ""


def _snowflake(value: Any) -> str:
    """A post id: digits under 2^63, issued after the snowflake epoch; ValueError otherwise."""
    digits = _digits(value)
    if len(digits) < 15:
        raise ValueError(f"{digits[:30]!r} is not a snowflake id")
    return digits


def _digits(value: Any) -> str:
    """A numeric id as X sends it (a string of digits); ValueError otherwise."""
    if not isinstance(value, str) or not _ID.fullmatch(value) or int(value) >= 2**63:
        raise ValueError(f"{str(value)[:30]!r} is not an id")
    return value


def _ids(posts: list[Any]) -> list[str]:
    return [str(p["id"])[:40] for p in posts if isinstance(p, dict) and isinstance(p.get("id"), str | int)]


def _maybe_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return iso_date(value)
    except ITEM_ERRORS:
        return None


def _count(value: Any) -> int:
    return max(0, count(value))
