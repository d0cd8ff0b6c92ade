"""A feed's bytes (RSS 2.0 or Atom) as `Mention`s: defused first, then read by feedparser. Pure.

feedparser does not protect against XML attacks, so the bytes are checked with defusedxml before
feedparser sees them: a document type declaring an entity (a billion-laughs bomb) or pointing at an
external file is refused as a whole (`MalformedPage`). A body that is not well-formed XML is handed
to feedparser (feeds in the wild often are not) only when it declares no document type at all;
one that yields no feed (an HTML page) is `MalformedPage` too. One bad entry is skipped and counted.

An entry's id is its guid / Atom id, else its link: the same article in two feeds, or twice in one,
is one mention. The stored id is a hash of it (ids are often long URLs), but for a news search's
entry (a redirect link, the publisher in `<source>`): publisher host and headline, as GDELT's copy
of the article has (`news_identity`). A news search's links may
be redirects (Google News' `news.google.com/rss/articles/...`): the entry's link is kept as the URL
(`feedburner:origLink` when the feed gives the publisher's), and the publisher named by `<source>`
is the community and the site whose weight is the entry's influence.
"""

from __future__ import annotations

import calendar
import hashlib
import logging
import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from repmon.adapters.http import LogSink, plain_text
from repmon.adapters.item_fields import MalformedPage, each_item
from repmon.adapters.sources.news_identity import article_key
from repmon.domain.cursor import clamp_date
from repmon.domain.models import Author, Engagement, Mention, Source

SOURCE = Source.FEEDS.value
_LOG = logging.getLogger(__name__)
_DOCTYPE = re.compile(rb"<!\s*(doctype|entity)", re.IGNORECASE)
#: Links longer than this are not an article's address (and would not fit a key).
_MAX_URL = 2000
#: Bylines and publisher names are cut to this many characters.
_MAX_NAME = 200


def defused(body: bytes) -> bytes:
    """`body` if it is safe to give feedparser; `MalformedPage` for entity or external-entity tricks."""
    try:
        fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise MalformedPage(f"refused: {type(exc).__name__} (an XML entity or external reference)") from exc
    except (ParseError, ValueError, RecursionError) as exc:
        # Not well-formed: feedparser's loose parser may still read it, but never with a DTD in it.
        if _DOCTYPE.search(body):
            raise MalformedPage(f"not well-formed XML with a document type: {exc}"[:200]) from exc
    return body


def parse_feed(
    body: bytes, weight: Any, now: datetime, log: LogSink | None = None
) -> tuple[list[Mention], int]:
    """The feed's entries as Mentions and how many were skipped as malformed.

    `weight(host) -> int` gives a publisher's site weight (kept as the mention's score: its influence).
    Raises `MalformedPage` when the body is no feed at all (HTML, a refused XML trick, nothing read).
    """
    parsed = feedparser.parse(defused(body), sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version") and not parsed.get("entries"):
        raise MalformedPage("not an RSS or Atom feed")
    entries = parsed.get("entries") or []
    return each_item(entries, lambda e: entry_to_mention(e, weight, now), log or _LOG, "feed entry")


def entry_to_mention(entry: Any, weight: Any, now: datetime) -> Mention:
    """One feedparser entry as a Mention; raises ITEM_ERRORS if malformed.

    Undated entries are dated `now` (first seen); dates are clamped (`domain.cursor.clamp_date`).
    """
    link = _url(entry.get("feedburner_origlink") or entry.get("link"))
    identity = _str(entry.get("id")) or link
    if not identity:
        raise ValueError("entry has neither an id nor a link")
    title = plain_text(_str(entry.get("title")))
    body = plain_text(_content(entry))
    if not (title or body):
        raise ValueError("entry has neither title nor text")
    publisher, host = _publisher(entry, link)
    author = _prose(_str(entry.get("author")))
    return Mention(
        source=SOURCE,
        native_id=_native_id(identity, link, host, title),
        created_at=_date(entry, now),
        text=body,
        url=link,
        author=Author(id=author, handle=author),
        engagement=Engagement(score=int(weight(host)) if host else int(weight(""))),
        title=title,
        community=publisher,
    )


def _native_id(identity: str, link: str, publisher_host: str, title: str) -> str:
    """A hash of the guid (else link); for an aggregator's entry (its link on another host than the
    publisher `<source>` names: a Google News redirect) the article's news identity, which GDELT's
    copy of the same article has too (`news_identity`)."""
    if title and publisher_host and _host(link) not in ("", publisher_host):
        return article_key(publisher_host, title)
    return hashlib.sha256(identity.encode("utf-8", "replace")).hexdigest()[:32]


def _content(entry: Any) -> str:
    """Atom's content (the fuller text) or RSS's description."""
    content = entry.get("content")
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return _str(content[0].get("value"))
    return _str(entry.get("summary"))


def _publisher(entry: Any, link: str) -> tuple[str, str]:
    """Who published it (`<source>` of a news search, else the link's site) and that site's host."""
    source = entry.get("source")
    if isinstance(source, dict) and source.get("href"):
        host = _host(_str(source.get("href")))
        return _prose(_str(source.get("title"))) or host, host
    host = _host(link)
    return host, host


def _prose(markup: str) -> str:
    """A byline or publisher name, shortened to `_MAX_NAME`: a long one (8 co-authors) is still real,
    unlike a long id or link, so the entry is kept (ids and links are still refused)."""
    name = plain_text(markup)
    return name if len(name) <= _MAX_NAME else name[: _MAX_NAME - 1].rstrip() + "…"


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.") if url else ""


def _url(value: Any) -> str:
    url = _str(value).strip()
    if url and (len(url) > _MAX_URL or urlsplit(url).scheme not in ("http", "https")):
        raise ValueError(f"link {url[:60]!r} is not a web address")
    return url


def _date(entry: Any, now: datetime) -> datetime:
    # dict.get: feedparser's own get maps one key to the other, with a deprecation warning.
    stamp = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    if not isinstance(stamp, time.struct_time):
        return now
    return clamp_date(datetime.fromtimestamp(calendar.timegm(stamp), tz=UTC), now)


def _str(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value
