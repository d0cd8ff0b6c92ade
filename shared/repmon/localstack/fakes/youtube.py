"""A fake YouTube Data API v3: search, commentThreads, videos and channels, in the API's shapes.

Under `/youtube/v3` on the fake server (the adapter's base URL is `api_url(fake)`). Every request
needs the key in `X-Goog-Api-Key` (a missing one gets 403 `forbidden`, `bad-key` 400 `keyInvalid`);
the project's quota can be set (`set_quota`), after which requests get 403 `quotaExceeded`. Search
finds videos by substring of any `|`-separated term, newest first, after `publishedAfter` (and before
`publishedBefore`); comment threads list newest first by their top-level comment, with up to five
replies each; statistics are strings, as YouTube sends them. Pages use an opaque `nextPageToken`. All
texts, ids and numbers are our own.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from repmon.localstack.fakes.world import Reply, SourceWorld

PREFIX = "/youtube/v3/"
_VIDEOS, _COMMENTS, _CHANNELS, _QUOTA = (
    "youtube:videos",
    "youtube:comments",
    "youtube:channels",
    "youtube:quota",
)
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@dataclass(frozen=True)
class Video:
    id: str
    channel: str
    title: str
    description: str
    published: datetime
    views: int
    likes: int
    comments: int
    comments_disabled: bool = False
    reported: float | None = None


@dataclass(frozen=True)
class Comment:
    id: str
    #: The video it is on ("" for the channel's own discussion) and that video's channel.
    video: str
    channel: str
    author: str
    author_name: str
    text: str
    published: datetime
    likes: int
    parent: str = ""
    reported: float | None = None


def api_url(base_url: str) -> str:
    return f"{base_url}/youtube/v3"


def fake_id(number: int, length: int, prefix: str = "") -> str:
    """A distinct id of `length` URL-safe base64 characters after `prefix` for each `number`
    (an odd multiplier modulo 64^n is a bijection: ids look scattered yet never collide)."""
    size = length - len(prefix)
    mixed = (number * 0x9E3779B97F4A7C15 + 0x5BD1E995) % (64**size)
    return prefix + "".join(_B64[(mixed >> (6 * i)) & 63] for i in range(size))


def channel_id(name: str) -> str:
    return fake_id(zlib.crc32(name.encode()), 24, "UC")


def add_channel(world: SourceWorld, name: str, subscribers: int | None) -> str:
    """A channel and its subscribers (None: hidden); returns its id."""
    found = channel_id(name)
    world.stock.setdefault(_CHANNELS, [{}])[0][found] = subscribers
    return found


def add_video(
    world: SourceWorld,
    *,
    title: str,
    description: str = "",
    channel: str = "",
    created: datetime | None = None,
    views: int = 100,
    likes: int = 5,
    comments: int = 0,
    comments_disabled: bool = False,
    reported: float | None = None,
) -> str:
    videos = world.stock.setdefault(_VIDEOS, [])
    video = Video(
        fake_id(len(videos) + 1, 11),
        channel or channel_id("someone"),
        title,
        description,
        created or world.now,
        views,
        likes,
        comments,
        comments_disabled,
        reported,
    )
    videos.append(video)
    return video.id


def add_comment(
    world: SourceWorld,
    *,
    text: str,
    video: str = "",
    channel: str = "",
    author: str = "viewer",
    created: datetime | None = None,
    likes: int = 0,
    parent: str = "",
    id: str | None = None,
    reported: float | None = None,
) -> str:
    """A comment on `video` (or on `channel`'s own page), a reply when `parent` is given; its id."""
    comments = world.stock.setdefault(_COMMENTS, [])
    number = len(comments) + 1
    own = id or (f"{parent}.{fake_id(number, 22)}" if parent else fake_id(number, 26, "Ug"))
    on = next((v for v in _videos(world, all_=True) if v.id == video), None)
    where = on.channel if on else channel
    comments.append(
        Comment(
            own,
            video,
            where,
            channel_id(author),
            author.title(),
            text,
            created or world.now,
            likes,
            parent,
            reported,
        )
    )
    return own


def delete_comment(world: SourceWorld, comment: str) -> None:
    world.stock[_COMMENTS] = [c for c in world.stock.get(_COMMENTS, []) if c.id != comment]


def set_quota(world: SourceWorld, units: int) -> None:
    """Units the project has left today: past them, every request gets 403 quotaExceeded."""
    world.stock[_QUOTA] = [units]


def route(world: SourceWorld, method: str, path: str, query: dict[str, str], headers: Any) -> Reply | None:
    """The YouTube part of the fake server (the registry's `fake`)."""
    if not path.startswith(PREFIX):
        return None
    resource = path[len(PREFIX) :]
    key = str(headers.get("X-Goog-Api-Key") or "")
    if not key:
        return _error(403, "forbidden", "The request is missing a valid API key.")
    if key == "bad-key":
        return _error(400, "keyInvalid", "API key not valid. Please pass a valid API key.")
    quota = world.stock.get(_QUOTA)
    if quota is not None:
        if quota[0] <= 0:
            return _error(403, "quotaExceeded", "The request cannot be completed: quota exceeded.")
        quota[0] -= 1
    handler = {"search": _search, "commentThreads": _threads, "videos": _stats, "channels": _channels}.get(
        resource
    )
    if handler is None:
        return _error(404, "notFound", "Not Found")
    return handler(world, path, query)


def _search(world: SourceWorld, path: str, query: dict[str, str]) -> Reply:
    terms = [t.strip().strip('"').lower() for t in query.get("q", "").split("|") if t.strip().strip('"')]
    after, before = _date(query.get("publishedAfter")), _date(query.get("publishedBefore"))
    found = [
        v
        for v in _videos(world)
        if any(t in f"{v.title} {v.description}".lower() for t in terms)
        and (after is None or v.published > after)
        and (before is None or v.published < before)
    ]
    found.sort(key=lambda v: v.published, reverse=True)
    items: list[object] = [_search_result(v) for v in found]
    return _paged(world, path, query, items, "youtube#searchListResponse", 50)


def _threads(world: SourceWorld, path: str, query: dict[str, str]) -> Reply:
    visible = [c for c in world.stock.get(_COMMENTS, []) if c.published <= world.now]
    if video := query.get("videoId"):
        held = next((v for v in _videos(world) if v.id == video), None)
        if held is None:
            return _error(
                404, "videoNotFound", "The video identified by the videoId parameter could not be found."
            )
        if held.comments_disabled:
            return _error(403, "commentsDisabled", "The video has disabled comments.")
        tops = [c for c in visible if c.video == video and not c.parent]
    else:
        channel = query.get("allThreadsRelatedToChannelId", "")
        tops = [c for c in visible if c.channel == channel and not c.parent]
    tops.sort(key=lambda c: c.published, reverse=True)
    items: list[object] = [_thread(c, [r for r in visible if r.parent == c.id]) for c in tops]
    return _paged(world, path, query, items, "youtube#commentThreadListResponse", 100)


def _stats(world: SourceWorld, path: str, query: dict[str, str]) -> Reply:
    ids = query.get("id", "").split(",")
    items = [
        {
            "kind": "youtube#video",
            "etag": f"e{v.id}",
            "id": v.id,
            "statistics": {
                "viewCount": str(v.views),
                "likeCount": str(v.likes),
                "favoriteCount": "0",
                "commentCount": str(v.comments),
            },
        }
        for v in _videos(world)
        if v.id in ids
    ]
    return (
        200,
        {"kind": "youtube#videoListResponse", "etag": "ev", "pageInfo": _info(len(items)), "items": items},
        {},
    )


def _channels(world: SourceWorld, path: str, query: dict[str, str]) -> Reply:
    known: dict[str, int | None] = world.stock.get(_CHANNELS, [{}])[0]
    items = []
    for cid in query.get("id", "").split(","):
        if cid in known:
            subscribers = known[cid]
            stats = {"viewCount": "1000", "hiddenSubscriberCount": subscribers is None, "videoCount": "12"}
            if subscribers is not None:
                stats["subscriberCount"] = str(subscribers)
            items.append({"kind": "youtube#channel", "etag": f"e{cid}", "id": cid, "statistics": stats})
    body = {
        "kind": "youtube#channelListResponse",
        "etag": "ec",
        "pageInfo": _info(len(items)),
        "items": items,
    }
    return 200, body, {}


def _paged(
    world: SourceWorld, path: str, query: dict[str, str], items: list[object], kind: str, most: int
) -> Reply:
    size = max(1, min(int(query.get("maxResults", "5")), most))
    start = int(query.get("pageToken", "p0")[1:] or 0)
    page = items[start : start + size]
    if world.take_empty(path):
        page = []
    elif page and (malformed := world.take_malformed(path)) is not None:
        page.insert(
            0, {"kind": "youtube#commentThread", "id": None} if malformed[0] is None else malformed[0]
        )
    body: dict[str, object] = {"kind": kind, "etag": f"e{start}", "pageInfo": _info(len(items), size)}
    if start + size < len(items) and page:
        body["nextPageToken"] = f"p{start + size}"
    body["items"] = page
    return 200, body, {}


def _search_result(v: Video) -> dict[str, Any]:
    return {
        "kind": "youtube#searchResult",
        "etag": f"e{v.id}",
        "id": {"kind": "youtube#video", "videoId": v.id},
        "snippet": {
            "publishedAt": _when(v.published, v.reported),
            "channelId": v.channel,
            "title": v.title.replace("'", "&#39;"),
            "description": v.description[:160].replace("&", "&amp;"),
            "thumbnails": {"default": {"url": f"https://i.ytimg.com/vi/{v.id}/default.jpg", "width": 120}},
            "channelTitle": f"Channel {v.channel[2:6]}",
            "liveBroadcastContent": "none",
            "publishTime": _when(v.published, v.reported),
        },
    }


def _thread(top: Comment, replies: list[Comment]) -> dict[str, Any]:
    thread: dict[str, Any] = {
        "kind": "youtube#commentThread",
        "etag": f"t{top.id[:8]}",
        "id": top.id,
        "snippet": {
            "channelId": top.channel,
            "topLevelComment": _comment(top),
            "canReply": True,
            "totalReplyCount": len(replies),
            "isPublic": True,
        },
    }
    if top.video:
        thread["snippet"]["videoId"] = top.video
    if replies:
        ordered = sorted(replies, key=lambda c: c.published)[:5]
        thread["replies"] = {"comments": [_comment(r) for r in ordered]}
    return thread


def _comment(c: Comment) -> dict[str, Any]:
    snippet: dict[str, Any] = {
        "channelId": c.channel,
        "authorDisplayName": f"@{c.author_name}",
        "authorProfileImageUrl": f"https://yt3.ggpht.com/{c.author[2:10]}=s48",
        "authorChannelUrl": f"http://www.youtube.com/channel/{c.author}",
        "authorChannelId": {"value": c.author},
        "textDisplay": c.text.replace("&", "&amp;").replace("\n", "<br>"),
        "textOriginal": c.text,
        "canRate": True,
        "viewerRating": "none",
        "likeCount": c.likes,
        "publishedAt": _when(c.published, c.reported),
        "updatedAt": _when(c.published, c.reported),
    }
    if c.video:
        snippet["videoId"] = c.video
    if c.parent:
        snippet["parentId"] = c.parent
    return {"kind": "youtube#comment", "etag": f"c{c.id[-8:]}", "id": c.id, "snippet": snippet}


def _videos(world: SourceWorld, all_: bool = False) -> list[Video]:
    return [v for v in world.stock.get(_VIDEOS, []) if all_ or v.published <= world.now]


def _when(moment: datetime, reported: float | None) -> str:
    sent = moment if reported is None else datetime.fromtimestamp(reported, tz=UTC)
    return sent.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _info(total: int, per_page: int = 50) -> dict[str, int]:
    return {"totalResults": total, "resultsPerPage": per_page}


def _error(status: int, reason: str, message: str) -> Reply:
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": "youtube.api", "reason": reason}],
        }
    }
    return status, body, {}
