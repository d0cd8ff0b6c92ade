"""YouTube Data API v3 bodies as `Mention`s and statistics. Pure.

- `search.list` results are videos: id the video id, text its title and description (search gives
  them HTML-escaped), link its watch page, the channel as author and community.
- `commentThreads.list` threads give the top-level comment and the replies the thread carries (a
  subset: YouTube includes up to five); a comment's id is YouTube's, a reply's `parent_id` the
  top-level comment's. A comment written by the brand's own channel is `own`, and the first such
  reply is the top-level comment's `reply`.
- `videos.list` and `channels.list` statistics arrive as strings: each is read on its own, and one
  that is not a number is taken as unknown, never the page's failure.

One malformed video, thread or reply is skipped and counted, never the page.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any

from repmon.adapters.http import LogSink, plain_text
from repmon.adapters.item_fields import ITEM_ERRORS, MalformedPage, count, each_item, iso_date, text
from repmon.domain.models import Author, Engagement, Mention, Reply, Source

SOURCE = Source.YOUTUBE.value
WATCH = "https://www.youtube.com/watch?v="
CHANNEL = "https://www.youtube.com/channel/"
_LOG = logging.getLogger(__name__)
VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
#: Comment ids are URL-safe base64 (a reply's: the parent's, a dot, its own); longer is no id.
_COMMENT_ID = re.compile(r"[A-Za-z0-9_-]{10,100}(\.[A-Za-z0-9_-]{10,100})?")
_CHANNEL = re.compile(r"UC[A-Za-z0-9_-]{22}")
#: A comment holds at most 10,000 characters; far longer is not one.
_MAX_TEXT = 20_000


@dataclass(frozen=True)
class Page:
    """A list response's items and its `nextPageToken` (None on the last page)."""

    items: list[Any]
    next_token: str | None


def list_page(body: Any) -> Page:
    """Any `*ListResponse`: `MalformedPage` when it has no list of items."""
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise MalformedPage("not a YouTube list response")
    token = body.get("nextPageToken")
    good = token if isinstance(token, str) and 0 < len(token) <= 1000 and token.isascii() else None
    return Page(items, good)


def video_to_mention(item: Any) -> Mention:
    """One `search.list` result (a video) as a Mention; raises ITEM_ERRORS if malformed."""
    video_id = _video_id(item["id"]["videoId"])
    snippet = item["snippet"]
    title = _unescaped(snippet.get("title"))
    description = _unescaped(snippet.get("description"))
    if not (title or description):
        raise ValueError("video has no title or description")
    channel = _channel(snippet.get("channelId"))
    channel_title = text(snippet.get("channelTitle") or "", 200)
    return Mention(
        source=SOURCE,
        native_id=video_id,
        created_at=iso_date(_str(snippet["publishedAt"])),
        text=description,
        title=title,
        url=WATCH + video_id,
        author=Author(id=channel, handle=channel_title or channel),
        community=channel_title,
    )


def thread_to_mentions(thread: Any, own: Collection[str] = ()) -> tuple[list[Mention], int]:
    """One `commentThread`: its top-level comment, then the replies it carries (malformed replies
    skipped and counted). Raises ITEM_ERRORS when the top-level comment is malformed."""
    snippet = thread["snippet"]
    video = snippet.get("videoId")
    top = comment_to_mention(snippet["topLevelComment"], video, own)
    top = replace(top, engagement=replace(top.engagement, comments=count(snippet.get("totalReplyCount"))))
    if video:  # a comment on a video answers it: the brand's, on a video about it, is its reply
        top = replace(top, parent_id=_video_id(video))
    replies = (thread.get("replies") or {}).get("comments") or []
    if not isinstance(replies, list):
        raise TypeError("replies.comments is not a list")
    answers, skipped = each_item(
        replies, lambda c: _reply(c, video, top.native_id, own), _LOG, "youtube reply"
    )
    brand = sorted((m for m in answers if m.own), key=lambda m: m.created_at)
    if brand and not top.own:
        top = replace(top, reply=Reply(brand[0].created_at, brand[0].url))
    return [top, *answers], skipped


def parse_threads(
    items: list[Any], own: Collection[str] = (), log: LogSink | None = None
) -> tuple[list[list[Mention]], int]:
    """Each thread's mentions (top-level first) and how many threads or replies were skipped."""
    parsed, skipped = each_item(items, lambda t: thread_to_mentions(t, own), log or _LOG, "youtube thread")
    return [mentions for mentions, _ in parsed], skipped + sum(bad for _, bad in parsed)


def comment_to_mention(comment: Any, video: Any, own: Collection[str] = ()) -> Mention:
    """One `comment` resource; `video` is its video's id (None: a comment on the channel itself);
    `own` the brand's channel ids."""
    comment_id = text(comment["id"], 220)
    if not (comment_id.isascii() and _COMMENT_ID.fullmatch(comment_id)):
        raise ValueError(f"{comment_id[:40]!r} is not a comment id")
    snippet = comment["snippet"]
    body = _str(snippet.get("textOriginal")) or plain_text(_str(snippet.get("textDisplay")))
    if len(body) > _MAX_TEXT:
        raise ValueError("comment too long")
    if not body.strip():
        raise ValueError("comment has no text")
    author_channel = snippet.get("authorChannelId")
    author = _channel(author_channel.get("value") if isinstance(author_channel, dict) else author_channel)
    handle = text(snippet.get("authorDisplayName") or author, 200)
    video_id = _video_id(video) if video else ""
    where = WATCH + video_id if video_id else CHANNEL + _channel(snippet.get("channelId"))
    return Mention(
        source=SOURCE,
        native_id=comment_id,
        created_at=iso_date(_str(snippet["publishedAt"])),
        text=body,
        url=f"{where}&lc={comment_id}" if video_id else where,
        author=Author(id=author, handle=handle),
        engagement=Engagement(score=count(snippet.get("likeCount"))),
        own=author.lower() in {channel.lower() for channel in own},
    )


def _reply(comment: Any, video: Any, parent: str, own: Collection[str]) -> Mention:
    mention = comment_to_mention(comment, video, own)
    return replace(mention, parent_id=parent)


@dataclass(frozen=True)
class VideoStats:
    views: int | None
    likes: int | None
    comments: int | None


def video_stats(body: Any) -> dict[str, VideoStats]:
    """`videos.list` (part=statistics): video id -> its counts; unreadable counts are None."""
    found: dict[str, VideoStats] = {}
    for item in list_page(body).items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        stats = _stats(item)
        found[item["id"]] = VideoStats(
            _number(stats.get("viewCount")),
            _number(stats.get("likeCount")),
            _number(stats.get("commentCount")),
        )
    return found


def channel_subscribers(body: Any) -> dict[str, int | None]:
    """`channels.list` (part=statistics): channel id -> subscribers (None when hidden or unreadable)."""
    found: dict[str, int | None] = {}
    for item in list_page(body).items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        stats = _stats(item)
        hidden = stats.get("hiddenSubscriberCount") is True
        found[item["id"]] = None if hidden else _number(stats.get("subscriberCount"))
    return found


def _stats(item: dict[str, Any]) -> dict[str, Any]:
    stats = item.get("statistics")
    return stats if isinstance(stats, dict) else {}


def _number(value: Any) -> int | None:
    """A statistic (a string of digits); None when absent or not a non-negative number."""
    try:
        number = count(value) if value is not None else None
    except ITEM_ERRORS:
        return None
    return number if number is not None and number >= 0 else None


def _video_id(value: Any) -> str:
    video_id = text(value, 20)
    if not (video_id.isascii() and VIDEO_ID.fullmatch(video_id)):
        raise ValueError(f"{video_id!r} is not a video id")
    return video_id


def _channel(value: Any) -> str:
    channel = text(value, 40)
    if not (channel.isascii() and _CHANNEL.fullmatch(channel)):
        raise ValueError(f"{channel!r} is not a channel id")
    return channel


def _unescaped(value: Any) -> str:
    raw = _str(value)
    if len(raw) > _MAX_TEXT:
        raise ValueError("text too long")
    return html.unescape(raw).strip()


def _str(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value
