"""Fake GDELT DOC 2.0: `/api/v2/doc/doc?mode=artlist&format=json` over the world's news articles.

It answers as GDELT does: `{"articles": [...]}` newest first (`sort=DateDesc`) between
`startdatetime` and `enddatetime`, at most `maxrecords` (250 at most, else a plain-text refusal),
`{}` when nothing matches, a line of plain text for a term shorter than 3 characters, and a 429
with GDELT's plain-text line to a request sooner than `pace` seconds (real time) after the last.
The query is read loosely: its quoted phrases and words, OR-ed; `-term` and `sourcelang:` honoured.
All texts are the tests' and the demo's own.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from repmon.localstack.fakes.world import Reply, SourceWorld

PATH = "/api/v2/doc/doc"
_KEY = "gdelt"
_PACE_KEY = "gdelt_pace"
_TEXT = {"Content-Type": "text/plain; charset=utf-8"}
_TERM = re.compile(r'(-?)(?:"([^"]*)"|([^\s()"]+))')


@dataclass(frozen=True)
class GdeltArticle:
    url: str
    title: str
    domain: str
    seen: datetime
    language: str = "English"
    country: str = "United States"
    #: The epoch time sent instead of the true one (a fault test's 1970 or tomorrow).
    reported: float | None = None


def add_gdelt_article(
    world: SourceWorld,
    *,
    title: str,
    domain: str,
    seen: datetime | None = None,
    path: str = "",
    language: str = "English",
    reported: float | None = None,
) -> GdeltArticle:
    """Add an article; `stored_id(article)` is its id as repmon stores it."""
    articles = world.stock.setdefault(_KEY, [])
    url = f"https://www.{domain}/{path or f'news/{len(articles) + 1}'}"
    article = GdeltArticle(url, title, domain, seen or world.now, language, reported=reported)
    articles.append(article)
    return article


def stored_id(article: GdeltArticle) -> str:
    from repmon.adapters.sources.news_identity import article_key

    return article_key(article.domain, article.title)


def set_gdelt_pace(world: SourceWorld, seconds: float) -> None:
    """Answer 429 to a request sooner than `seconds` after the previous one (0: never)."""
    world.stock[_PACE_KEY] = [seconds, 0.0]


def route(world: SourceWorld, method: str, path: str, query: dict[str, str], headers: Any) -> Reply | None:
    """GDELT's part of the fake server (the registry's `fake`)."""
    if path != PATH:
        return None
    pace = world.stock.get(_PACE_KEY)
    if pace and pace[0] > 0:
        last, pace[1] = pace[1], time.monotonic()
        if pace[1] - last < pace[0]:
            return (
                429,
                b"Please limit requests to one every 5 seconds or contact us for larger queries.",
                _TEXT,
            )
    words, excluded, languages = _read(query.get("query", ""))
    if any(len(w) < 3 for w in words + excluded):
        return 200, b"The specified phrase is too short.", _TEXT
    if int(query.get("maxrecords", "75")) > 250:
        return 200, b"The maximum number of records is 250.", _TEXT
    start, end = _when(query.get("startdatetime")), _when(query.get("enddatetime"))
    found = [
        a
        for a in world.stock.get(_KEY, [])
        if a.seen <= world.now
        and (start is None or a.seen >= start)
        and (end is None or a.seen <= end)
        and any(w in a.title.lower() for w in words)
        and not any(x in a.title.lower() for x in excluded)
        and (not languages or a.language.lower() in languages)
    ]
    found.sort(key=lambda a: a.seen, reverse=True)
    found = found[: int(query.get("maxrecords", "75"))]
    if world.take_empty(path) or not found:
        return 200, {}, {}
    items: list[object] = [_shown(a) for a in found]
    if (malformed := world.take_malformed(path)) is not None:
        items.insert(0, malformed[0] if malformed[0] is not None else {"url": None, "seendate": 5})
    return 200, {"articles": items}, {}


def _read(q: str) -> tuple[list[str], list[str], list[str]]:
    words: list[str] = []
    excluded: list[str] = []
    languages: list[str] = []
    for minus, phrase, word in _TERM.findall(q):
        text = (phrase or word).lower()
        if text == "or":
            continue
        if text.startswith("sourcelang:"):
            languages.append(text.partition(":")[2])
        else:
            (excluded if minus else words).append(text)
    return words, excluded, languages


def _when(value: str | None) -> datetime | None:
    return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=UTC) if value else None


def _reported(a: GdeltArticle) -> datetime:
    return a.seen if a.reported is None else datetime.fromtimestamp(a.reported, UTC)


def _shown(a: GdeltArticle) -> dict[str, str]:
    return {
        "url": a.url,
        "url_mobile": "",
        "title": a.title,
        "seendate": f"{_reported(a):%Y%m%dT%H%M%SZ}",
        "socialimage": f"https://www.{a.domain}/img/{len(a.url)}.jpg",
        "domain": a.domain,
        "language": a.language,
        "sourcecountry": a.country,
    }
