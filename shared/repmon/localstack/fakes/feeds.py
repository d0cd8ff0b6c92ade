"""Fake feeds: RSS 2.0 and Atom documents from the world's feed entries, with conditional GET.

`/feeds/<name>.rss` and `/feeds/<name>.atom` serve the visible entries of feed <name>, newest first
(up to 250); `/rss/search?q=a+OR+b` is a news search in Google News' shape (opaque redirect links,
the publisher in `<source url>`) over the entries of every feed whose text holds a term. Each answer
carries an ETag and a Last-Modified; a request sending either back for an unchanged feed gets 304.
All texts are the tests' and the demo's own.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from repmon.localstack.fakes.records import any_term, search_terms
from repmon.localstack.fakes.world import Reply, SourceWorld

_FEED = re.compile(r"^/feeds/([a-z0-9-]+)\.(rss|atom)$")
SEARCH_PATH = "/rss/search"
_MAX_ENTRIES = 250
_KEY = "feeds"


@dataclass(frozen=True)
class FeedEntry:
    feed: str
    guid: str | None
    title: str
    html: str
    link: str
    created: datetime
    #: (name, home page) of the publisher, sent as <source> by a news search.
    publisher: tuple[str, str] | None = None
    #: The epoch time sent instead of the true one (a fault test's 1970 or tomorrow).
    reported: float | None = None
    author: str = ""


def add_feed_entry(
    world: SourceWorld,
    *,
    title: str,
    html: str = "",
    feed: str = "news",
    created: datetime | None = None,
    link: str | None = None,
    guid: str | None = "",
    publisher: tuple[str, str] | None = None,
    reported: float | None = None,
    author: str = "",
) -> str:
    """Add an entry; returns its id as repmon stores it from its feed (a hash of its guid, else of its
    link; read through the news search, an entry with a `publisher` is stored under its news identity,
    `news_identity.article_key`). `guid` "" makes one up; None sends none (the link is the id)."""
    entries = world.stock.setdefault(_KEY, [])
    number = len(entries) + 1
    link = link or f"https://{feed}.example/articles/{number}"
    guid = f"urn:{feed}:{number}" if guid == "" else guid
    entry = FeedEntry(feed, guid, title, html, link, created or world.now, publisher, reported, author)
    entries.append(entry)
    return hashlib.sha256((guid or link).encode()).hexdigest()[:32]


def route(world: SourceWorld, method: str, path: str, query: dict[str, str], headers: Any) -> Reply | None:
    """The feeds' part of the fake server (the registry's `fake`)."""
    if path == SEARCH_PATH:
        terms = search_terms(query.get("q", ""))
        found = [e for e in _visible(world) if any_term(terms, e.title, e.html)]
        return _answer(world, path, "rss", "News search", found, headers, search=True)
    if m := _FEED.match(path):
        name, kind = m.group(1), m.group(2)
        return _answer(world, path, kind, name, [e for e in _visible(world) if e.feed == name], headers)
    return None


def _visible(world: SourceWorld) -> list[FeedEntry]:
    entries = [e for e in world.stock.get(_KEY, []) if e.created <= world.now]
    return sorted(entries, key=lambda e: e.created, reverse=True)[:_MAX_ENTRIES]


def _answer(
    world: SourceWorld,
    path: str,
    kind: str,
    title: str,
    entries: list[FeedEntry],
    headers: Any,
    search: bool = False,
) -> Reply:
    if world.take_empty(path):
        entries = []
    render = _rss_item if kind == "rss" else _atom_entry
    items = [render(e, search) for e in entries]
    if (malformed := world.take_malformed(path)) is not None:
        items.insert(0, str(malformed[0] or "<title></title>"))
    body = (_rss if kind == "rss" else _atom)(title, items).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    newest = max((e.created for e in entries), default=datetime(2026, 1, 1, tzinfo=UTC))
    modified = format_datetime(newest.astimezone(UTC), usegmt=True)
    since = headers.get("If-Modified-Since")
    if headers.get("If-None-Match") == etag or (
        since and _not_after(newest, since) and not headers.get("If-None-Match")
    ):
        return 304, b"", {"ETag": etag, "Last-Modified": modified, "Content-Type": "text/plain"}
    kind_type = "application/rss+xml" if kind == "rss" else "application/atom+xml"
    return 200, body, {"ETag": etag, "Last-Modified": modified, "Content-Type": f"{kind_type}; charset=utf-8"}


def _not_after(newest: datetime, since: str) -> bool:
    try:
        return newest.replace(microsecond=0) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def _when(e: FeedEntry) -> datetime:
    return e.created if e.reported is None else datetime.fromtimestamp(e.reported, tz=UTC)


def _rss_item(e: FeedEntry, search: bool) -> str:
    link = (
        f"https://news.google.com/rss/articles/CBMi{hashlib.sha1(e.link.encode()).hexdigest()}"
        if search
        else e.link
    )
    parts = [f"<title>{escape(e.title)}</title>", f"<link>{escape(link)}</link>"]
    if e.guid is not None:
        parts.append(f'<guid isPermaLink="false">{escape(e.guid)}</guid>')
    parts.append(f"<pubDate>{format_datetime(_when(e), usegmt=True)}</pubDate>")
    parts.append(f"<description>{escape(e.html)}</description>")
    if e.author:
        parts.append(f"<author>{escape(e.author)}</author>")
    if search and e.publisher:
        parts.append(f"<source url={quoteattr(e.publisher[1])}>{escape(e.publisher[0])}</source>")
    return "".join(parts)


def _atom_entry(e: FeedEntry, search: bool) -> str:
    parts = [f"<title>{escape(e.title)}</title>", f"<link href={quoteattr(e.link)}/>"]
    if e.guid is not None:
        parts.append(f"<id>{escape(e.guid)}</id>")
    parts.append(f"<updated>{_when(e).strftime('%Y-%m-%dT%H:%M:%SZ')}</updated>")
    parts.append(f'<content type="html">{escape(e.html)}</content>')
    if e.author:
        parts.append(f"<author><name>{escape(e.author)}</name></author>")
    return "".join(parts)


def _rss(title: str, items: list[str]) -> str:
    body = "".join(f"<item>{i}</item>" for i in items)
    channel = f"<channel><title>{escape(title)}</title><link>https://feeds.example/</link>{body}</channel>"
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0">{channel}</rss>'


def _atom(title: str, items: list[str]) -> str:
    body = "".join(f"<entry>{i}</entry>" for i in items)
    head = f"<title>{escape(title)}</title><id>urn:feed:{escape(title)}</id>"
    head += "<updated>2026-01-01T00:00:00Z</updated>"
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">{head}{body}</feed>'
    )
