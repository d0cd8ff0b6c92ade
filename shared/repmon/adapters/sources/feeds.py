"""HttpFeedSource: a brand's RSS 2.0 / Atom feeds (news searches, forums, blogs, press, status pages).

Each feed is one conditional GET a poll (`If-None-Match` / `If-Modified-Since` from the validators
stored with its cursor): an unchanged feed costs a 304 and no parsing. Feeds are not paged; each has
the shared time cursor (`domain.cursor`) with a wide overlap, since a news search lists articles some
hours after they were dated, and the ids it returned inside the overlap. A feed's validators are
stored only when everything it served was returned: a feed cut by the per-run bound is downloaded
in full next poll, never answered by a 304 that would hide its backlog.

One failing feed (after the session's retries, `Retry-After` honoured) or one that is not a feed
(HTML, an XML bomb) is noted and skipped, its cursor kept; the others are read. Only when every feed
fails is the poll a failure (retried). `parse` is in `feeds_parse`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

import requests

from repmon.adapters.http import LogSink, new_session
from repmon.adapters.item_fields import MalformedPage
from repmon.adapters.sources.feeds_parse import SOURCE, parse_feed
from repmon.domain.brand import Brand
from repmon.domain.cursor import Candidate, Cursor, Served, by_time
from repmon.domain.errors import SourceUnavailable
from repmon.domain.models import Mention
from repmon.domain.query import Query
from repmon.domain.sources.feeds import QUERY_SLOT
from repmon.ports import SourcePage

if TYPE_CHECKING:  # the factory reads its settings; adapters never import the runtime
    from repmon.runtime.settings import CollectSettings

_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
_MAX_VALIDATOR = 300


@dataclass(frozen=True)
class FeedState:
    """One feed's cursor and the validators of the copy it last read in full."""

    cursor: Cursor
    etag: str = ""
    modified: str = ""


@dataclass
class _Poll:
    """What this poll has gathered so far, over the brand's feeds."""

    page: list[Mention]
    skipped: int = 0
    truncated: bool = False
    #: Feeds that could not be read (after retries): when all fail, the poll fails and is retried.
    failed: int = 0
    #: What the feeds' cursors said (a backlog held), for the job's errors.
    notes: list[str] = field(default_factory=list)


class HttpFeedSource:
    """`MentionSource` for any RSS 2.0 or Atom feed listed in the brand's `sources.feeds.urls`."""

    name = SOURCE

    def __init__(
        self,
        session: requests.Session | None = None,
        *,
        logger: LogSink | None = None,
        overlap: timedelta = timedelta(hours=12),
        first_poll_lookback: timedelta = timedelta(days=2),
    ) -> None:
        self.session = session or new_session()
        self.log: LogSink = logger or logging.getLogger(__name__)
        self.overlap = overlap
        self.lookback = first_poll_lookback

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        settings = brand.sources.feeds
        urls = list(dict.fromkeys(feed_url(u, brand.compiled) for u in settings.urls))
        if not urls:
            return SourcePage([], cursor)
        start = FeedState(Cursor.start((now - self.lookback).timestamp()))
        states = load_cursor(cursor, start.cursor)
        poll, errors, after = _Poll([]), [], {}
        for url in urls:
            state = states.get(url, start)
            try:
                after[url] = self._poll_feed(url, state, brand, now, poll)
            except SourceUnavailable as exc:
                after[url], poll.failed = state, poll.failed + 1
                errors.append(f"feeds {_shown(url)}: {exc}")
            except MalformedPage as exc:  # answered, but no feed: counted as one bad item, not retried
                after[url], poll.skipped = state, poll.skipped + 1
                errors.append(f"feeds {_shown(url)}: {exc}")
                self.log.warning(
                    "skipped a feed that is no feed", extra={"url": _shown(url), "error": str(exc)}
                )
        if poll.failed == len(urls):
            raise SourceUnavailable(self.name, f"every feed failed; first: {errors[0]}")
        return SourcePage(poll.page, dump_cursor(after), poll.skipped, poll.truncated, errors + poll.notes)

    def _poll_feed(self, url: str, state: FeedState, brand: Brand, now: datetime, poll: _Poll) -> FeedState:
        body, etag, modified = self._get(url, state)
        mentions: list[Mention] = []
        if body is not None:
            mentions, bad = parse_feed(body, brand.sources.feeds.weight, now, self.log)
            poll.skipped += bad
        taken = {m.native_id for m in poll.page}
        fresh = [by_time(m, now) for m in mentions if m.native_id not in taken and _about(brand.compiled, m)]
        limit = max(0, brand.sources.feeds.max_items - len(poll.page))
        overlap = self.overlap.total_seconds()
        # Every entry of the feed is evidence, about the brand or not; a 304 or an empty feed is none.
        served = Served.of(by_time(m, now).position for m in mentions)
        settled = (now - self.overlap).timestamp()
        step = state.cursor.advance(
            _unique(fresh), limit=limit, overlap=overlap, settled=settled, served=served, now=now.timestamp()
        )
        poll.page.extend(step.page)
        poll.notes += [f"feeds {_shown(url)}: {note}" for note in step.notes]
        poll.truncated = poll.truncated or step.truncated
        if step.truncated:  # read it in full next poll: a 304 must not hide what is left
            return FeedState(step.cursor)
        return FeedState(step.cursor, etag, modified)

    def _get(self, url: str, state: FeedState) -> tuple[bytes | None, str, str]:
        """The feed's bytes (None when unchanged: 304) and its new validators."""
        headers = {"Accept": _ACCEPT}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.modified:
            headers["If-Modified-Since"] = state.modified
        try:
            response = self.session.get(url, headers=headers)
            if response.status_code == 304:
                return None, state.etag, state.modified
            response.raise_for_status()
        except requests.RequestException as exc:
            raise SourceUnavailable(self.name, f"{type(exc).__name__} on {_shown(url)}") from exc
        etag = response.headers.get("ETag", "")[:_MAX_VALIDATOR]
        return response.content, etag, response.headers.get("Last-Modified", "")[:_MAX_VALIDATOR]


def _about(query: Query, mention: Mention) -> bool:
    return query.matches(mention.full_text)


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per id: the same guid twice in a feed is one entry (its first, newest, copy)."""
    return list({c.key: c for c in reversed(candidates)}.values())


def feed_url(template: str, query: Query) -> str:
    """The feed's address, its `{query}` (if any) replaced by the brand's search terms, OR-ed."""
    if QUERY_SLOT not in template:
        return template
    # Search terms come as the query writes them: a phrase keeps its quotes.
    return template.replace(QUERY_SLOT, quote_plus(" OR ".join(query.search_terms())))


def _shown(url: str) -> str:
    return url.split("?")[0][:120]


def load_cursor(raw: str | None, start: Cursor) -> dict[str, FeedState]:
    """Each feed's state; anything unreadable starts that feed (or all) at `start`, without validators."""
    try:
        feeds = json.loads(raw)["feeds"] if raw else {}
        return {str(url): _state(data, start) for url, data in dict(feeds).items()}
    except (TypeError, ValueError, KeyError, AttributeError):
        return {}


def _state(data: Any, start: Cursor) -> FeedState:
    cursor = Cursor.load(data, start)
    if cursor is start or not isinstance(data, dict):
        return FeedState(start)
    etag, modified = (str(data.get(k) or "")[:_MAX_VALIDATOR] for k in ("etag", "modified"))
    return FeedState(cursor, etag, modified)


def dump_cursor(states: dict[str, FeedState]) -> str:
    feeds = {url: {**s.cursor.dump(), "etag": s.etag, "modified": s.modified} for url, s in states.items()}
    return json.dumps({"v": 1, "feeds": feeds}, sort_keys=True)


def build_source(settings: CollectSettings, session: requests.Session, log: LogSink) -> HttpFeedSource:
    """The registry's factory: feeds need no secret and no base URL (each brand lists its own)."""
    return HttpFeedSource(session, logger=log)
