"""A GDELT DOC 2.0 article list (`mode=artlist&format=json`) as `Mention`s. Pure.

    {"articles": [{"url": "https://...", "url_mobile": "", "title": "...",
                   "seendate": "20260729T101500Z", "socialimage": "https://...",
                   "domain": "example.com", "language": "English", "sourcecountry": "France"}]}

GDELT gives no body: the title is the text (what the brand query and the scorer read). The date is
when GDELT saw the article (`seendate`, UTC). The stored id is the article's news identity
(publisher host and headline: `news_identity`), the id a news search feed gives the same article,
so the two are one mention; the URL is the publisher's own. Influence is the publisher's site weight
(`sources.feeds.site_weights`), kept as the mention's score. Mentions are `feeds` mentions: one
source of news for the index, the rules and the export.

GDELT answers a query it refuses with 200 and a line of plain text ("The specified phrase is too
short."): that is `GdeltRefused`, not a malformed page. No articles is `{}`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from repmon.adapters.http import LogSink, plain_text
from repmon.adapters.item_fields import MalformedPage, each_item
from repmon.adapters.sources.news_identity import article_key
from repmon.domain.cursor import clamp_date
from repmon.domain.models import Author, Engagement, Mention, Source

SOURCE = Source.FEEDS.value
_LOG = logging.getLogger(__name__)
_MAX_URL = 2000
_MAX_TITLE = 1000
_MAX_DOMAIN = 253


class GdeltRefused(ValueError):
    """GDELT answered with a message instead of articles (a query it will not run)."""


def parse_articles(
    body: bytes, weight: Callable[[str], int], now: datetime, log: LogSink | None = None
) -> tuple[list[Mention], int]:
    """The list's articles and how many were skipped as malformed; `MalformedPage` if no list."""
    text = body.decode("utf-8", "replace").strip()
    if text and not text.startswith(("{", "[")):
        raise GdeltRefused(plain_text(text)[:200])
    try:
        data = json.loads(text) if text else {}
    except ValueError as exc:
        raise MalformedPage(f"not JSON: {exc}"[:200]) from exc
    if not isinstance(data, dict):
        raise MalformedPage("not an article list")
    articles = data.get("articles", [])
    if not isinstance(articles, list):
        raise MalformedPage("articles is not a list")
    return each_item(articles, lambda a: article_to_mention(a, weight, now), log or _LOG, "GDELT article")


def article_to_mention(article: Any, weight: Callable[[str], int], now: datetime) -> Mention:
    """One article as a Mention; raises ITEM_ERRORS if malformed."""
    if not isinstance(article, dict):
        raise TypeError("article is not an object")
    url = _field(article, "url", _MAX_URL)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"url {url[:60]!r} is not a web address")
    title = plain_text(_field(article, "title", _MAX_TITLE))
    if not title:
        raise ValueError("article has no title")
    domain = _field(article, "domain", _MAX_DOMAIN, required=False).lower()
    host = (domain or parts.hostname).removeprefix("www.")
    return Mention(
        source=SOURCE,
        native_id=article_key(host, title),
        created_at=clamp_date(seen_date(article.get("seendate")), now),
        text=title,
        url=url,
        author=Author(id="", handle=""),
        engagement=Engagement(score=int(weight(host))),
        community=host,
    )


def seen_date(value: Any) -> datetime:
    """GDELT's `20260729T101500Z` as an aware UTC datetime."""
    if not isinstance(value, str):
        raise TypeError("seendate is not text")
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def _field(article: dict[str, Any], key: str, limit: int, *, required: bool = True) -> str:
    value = article.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{key} is not text")
    if len(value) > limit:
        raise ValueError(f"{key} too long")
    return value.strip()
