"""Bluesky XRPC bodies as `Mention`s and follower counts: `searchPosts` pages and `getProfiles`. Pure.

A post's position is its `sortAt`, as Bluesky's search sorts and filters (`since`) by it: the earlier
of the record's `createdAt` (what the author's client claims) and `indexedAt` (when the AppView saw
it). So a post claiming tomorrow sorts at its indexing time, and one claiming 1970 is before every
`since` (the search never serves it again; it is read only on the poll that first sees it).

A post's id is its at:// URI (`at://<did>/app.bsky.feed.post/<rkey>`), its link the bsky.app page
(`https://bsky.app/profile/<handle>/post/<rkey>`, the DID when the handle is not verified). Every
field is checked: one malformed post is skipped and counted, never the page.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from repmon.adapters.http import LogSink, plain_text
from repmon.adapters.item_fields import ITEM_ERRORS, MalformedPage, count, each_item, iso_date, text
from repmon.domain.models import Author, Engagement, Mention, Source

SOURCE = Source.BLUESKY.value
WEB = "https://bsky.app"
_LOG = logging.getLogger(__name__)
#: DID syntax (atproto spec), bounded: plc DIDs are 32 chars, web DIDs a host name.
_DID = re.compile(r"did:[a-z]+:[A-Za-z0-9._:%-]{1,200}")
#: A post's record key is a TID: 13 characters of base32-sortable.
_RKEY = re.compile(r"[2-7a-z]{13}")
#: Handle syntax (atproto spec): a host name of 2+ labels, at most 253 characters.
_HANDLE = re.compile(
    r"(?=.{3,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,62}"
)
_POST = "app.bsky.feed.post"
#: A post's text is at most 300 graphemes; anything far longer is not a post.
_MAX_TEXT = 3000


@dataclass(frozen=True)
class SearchPage:
    mentions: list[Mention]
    skipped: int
    cursor: str | None
    #: How many posts the page held, good or bad (an empty page ends the search).
    size: int


def parse_search(body: Any, log: LogSink | None = None) -> SearchPage:
    """A `searchPosts` response: its posts as Mentions (bad ones skipped and counted) and its cursor.

    Raises `MalformedPage` only when the body is not a search response at all.
    """
    posts = body.get("posts") if isinstance(body, dict) else None
    if not isinstance(posts, list):
        raise MalformedPage("not a searchPosts response")
    cursor = body.get("cursor")
    mentions, skipped = each_item(posts, post_to_mention, log or _LOG, "bluesky post")
    good_cursor = cursor if isinstance(cursor, str) and 0 < len(cursor) <= 500 else None
    return SearchPage(mentions, skipped, good_cursor, len(posts))


def post_to_mention(post: Any) -> Mention:
    """One post view of a search result as a Mention; raises ITEM_ERRORS if malformed."""
    uri = text(post["uri"], 300)
    did, _collection, rkey = _split_uri(uri)
    author = post["author"]
    if not isinstance(author, dict) or text(author.get("did"), 250) != did:
        raise ValueError("the author is not the post's repository")
    handle = text(author.get("handle"), 253)
    record = post["record"]
    if not isinstance(record, dict):
        raise TypeError("record is not an object")
    body = record.get("text")
    if not isinstance(body, str) or len(body) > _MAX_TEXT:
        raise ValueError("post text missing or too long")
    created = _sort_at(record.get("createdAt"), post.get("indexedAt"))
    shown = handle if _HANDLE.fullmatch(handle) and handle.isascii() else did
    joined = author.get("createdAt")
    return Mention(
        source=SOURCE,
        native_id=uri,
        created_at=created,
        text=plain_text(body),
        url=f"{WEB}/profile/{shown}/post/{rkey}",
        author=Author(
            id=did,
            handle=shown,
            account_created_at=_maybe_date(joined),
        ),
        engagement=Engagement(
            score=_count(post.get("likeCount")),
            comments=_count(post.get("replyCount")),
            shares=_count(post.get("repostCount")) + _count(post.get("quoteCount")),
        ),
        parent_id=_parent(record.get("reply")),
    )


def _parent(reply: Any) -> str:
    """The uri of the post this one answers (record.reply.parent), when it is a post's at:// URI."""
    parent = reply.get("parent") if isinstance(reply, dict) else None
    uri = parent.get("uri") if isinstance(parent, dict) else None
    try:
        return uri if isinstance(uri, str) and len(uri) <= 300 and _split_uri(uri) else ""
    except ValueError:
        return ""


def parse_profiles(body: Any) -> dict[str, int]:
    """A `getProfiles` response as {did: followersCount}; profiles without a sane count are left out."""
    profiles = body.get("profiles") if isinstance(body, dict) else None
    if not isinstance(profiles, list):
        raise MalformedPage("not a getProfiles response")
    found: dict[str, int] = {}
    for profile in profiles:
        try:
            did = text(profile["did"], 250)
            followers = _count(profile["followersCount"])
        except ITEM_ERRORS:
            continue
        if _DID.fullmatch(did):
            found[did] = followers
    return found


def _split_uri(uri: str) -> tuple[str, str, str]:
    """(did, collection, rkey) of an at:// URI of a post; ValueError for anything else."""
    did, _, rest = uri.removeprefix("at://").partition("/")
    collection, _, rkey = rest.partition("/")
    if not uri.startswith("at://") or not _DID.fullmatch(did) or collection != _POST:
        raise ValueError(f"{uri[:80]!r} is not a post's at:// URI")
    if not _RKEY.fullmatch(rkey):
        raise ValueError(f"record key {rkey[:40]!r} is not a TID")
    return did, collection, rkey


def _sort_at(created: Any, indexed: Any) -> datetime:
    """Bluesky's sortAt: the earlier of createdAt and indexedAt (either alone if the other is absent)."""
    dates = [d for d in (_maybe_date(created), _maybe_date(indexed)) if d is not None]
    if not dates:
        raise ValueError("post has no readable createdAt or indexedAt")
    return min(dates)


def _maybe_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return iso_date(value)
    except ITEM_ERRORS:
        return None


def _count(value: Any) -> int:
    return max(0, count(value))
