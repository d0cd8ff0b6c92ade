"""AlgoliaHackerNewsSource: stories and comments mentioning a brand, from HN's Algolia search_by_date API.

One search per query term, newest first, filtered server-side by a time watermark (`created_at_i>=`)
and locally by the full brand query. Accepts both the pre-2023 hit fields (every key, nulls included)
and the newer ones (nulls dropped; `updated_at`, `children`, `story_id` on stories).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import requests

from repmon.adapters.http import LogSink, get_json, new_session, plain_text
from repmon.adapters.item_fields import (
    ITEM_ERRORS,
    MalformedPage,
    count,
    each_item,
    epoch_date,
    iso_date,
    text,
)
from repmon.domain.brand import Brand
from repmon.domain.cursor import Served, TimeCursor, by_time
from repmon.domain.errors import SourceUnavailable
from repmon.domain.models import Author, Engagement, Mention, Source
from repmon.ports import SourcePage

if TYPE_CHECKING:  # the factory reads its settings; adapters never import the runtime
    from repmon.runtime.settings import CollectSettings

_ITEM_URL = "https://news.ycombinator.com/item?id="
#: HN item ids are near 4.6e7 today; twelve digits leaves centuries and rejects absurd ones.
_MAX_ID_DIGITS = 12
_EPOCH_MAX = 253_402_300_799


class AlgoliaHackerNewsSource:
    """`MentionSource` for Hacker News via `GET {base_url}/search_by_date`."""

    name = Source.HACKERNEWS.value

    def __init__(
        self,
        base_url: str = "https://hn.algolia.com/api/v1",
        session: requests.Session | None = None,
        *,
        logger: LogSink | None = None,
        overlap: timedelta = timedelta(minutes=15),
        first_poll_lookback: timedelta = timedelta(hours=24),
        hits_per_page: int = 100,
        max_pages: int = 10,
        max_slices: int = 5,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or new_session()
        self.log: LogSink = logger or logging.getLogger(__name__)
        self.overlap = overlap
        self.lookback = first_poll_lookback
        self.hits_per_page = hits_per_page
        #: Algolia serves at most 1000 hits a query; with 100 a page, 10 pages reach them all.
        self.max_pages = max_pages
        #: Time slices per term and poll when more than 1000 hits match (see `_search`).
        self.max_slices = max_slices

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        query = brand.compiled
        mark = TimeCursor.parse(cursor, now, self.lookback)
        overlap = self.overlap.total_seconds()
        floor = _epoch_floor(mark.floor(overlap))
        hits: dict[str, Any] = {}
        complete = True
        for term in query.search_terms():
            found, done = self._search(term, floor)
            complete = complete and done
            for hit in found:
                key = hit.get("objectID", id(hit)) if isinstance(hit, dict) else id(hit)
                hits.setdefault(repr(key)[:100], hit)
        own = self._own_comments(brand.sources.hackernews.own_accounts, floor, hits)
        mentions, skipped = self._parse(hits.values())
        read = [by_time(m, now) for m in mentions]
        # The brand's own comments are kept whatever they say: they are its replies (README, "Replies").
        matching = [c for c in read if c.mention.native_id in own or query.matches(c.mention.full_text)]
        settled = (now - self.overlap).timestamp() if complete else None
        limit = brand.sources.hackernews.max_items
        # Every hit counts as evidence, matching or not: an empty answer (a hiccup) moves nothing.
        served = Served.of(c.position for c in read)
        step = mark.advance(
            matching, limit=limit, overlap=overlap, settled=settled, served=served, now=now.timestamp()
        )
        errors = (
            []
            if complete
            else [
                f"hackernews: more than {self.max_slices}000 hits since the cursor; older ones may be missed"
            ]
        )
        errors += [f"hackernews: {note}" for note in step.notes]
        cursor_text = TimeCursor.dump(step.cursor)
        return SourcePage(step.page, cursor_text, skipped=skipped, truncated=step.truncated, errors=errors)

    #: Story ids asked in one search (their `story_<id>` tags OR'ed). HN shows no points for comments:
    #: they are not re-read (absent from the answer, so left as first read).
    batch = 50

    def refresh(self, native_ids: Sequence[str]) -> dict[str, Engagement]:
        """The current points and comment counts of these stories, in one search_by_date call."""
        ids = [i for i in native_ids[: self.batch] if i.isascii() and i.isdigit()]
        if not ids:
            return {}
        params = {"tags": f"story,({','.join(f'story_{i}' for i in ids)})", "hitsPerPage": self.batch}
        body = get_json(self.session, self.name, f"{self.base_url}/search_by_date", params)
        try:
            hits, _, _ = search_page(body)
        except MalformedPage as exc:
            raise SourceUnavailable(self.name, f"search_by_date: {exc}") from exc
        mentions, _ = self._parse(hits)
        return {m.native_id: m.engagement for m in mentions if m.native_id in ids}

    def _own_comments(self, accounts: tuple[str, ...], floor: int, hits: dict[str, Any]) -> set[str]:
        """Each own account's comments since `floor` (one request per account and page) added to
        `hits`; their objectIDs. Replies rarely name the brand, so the term search misses them."""
        own: set[str] = set()
        for account in accounts:
            found, _ = self._slice("", floor, None, tags=f"comment,author_{account}")
            for hit in found:
                if isinstance(hit, dict) and isinstance(hit.get("objectID"), str | int):
                    own.add(str(hit["objectID"]))
                    hits.setdefault(repr(hit["objectID"])[:100], hit)
        return own

    def _search(self, term: str, floor: int) -> tuple[list[Any], bool]:
        """All hits for `term` at or after `floor`, and whether they were all read.

        Algolia pages through the newest 1000 hits of a query only. When more match, the next slice
        asks for hits older than the oldest one read (`created_at_i<=` that second: its same-second
        hits come again and are deduplicated), until the floor is reached or the budget is spent.
        """
        hits: list[Any] = []
        upper: int | None = None
        for _ in range(self.max_slices):
            found, total = self._slice(term, floor, upper)
            hits.extend(found)
            # Only sane in-window times steer the slicing: a hit dated 1970 or 2^63 must not.
            oldest = min(
                (
                    h["created_at_i"]
                    for h in found
                    if isinstance(h, dict)
                    and type(h.get("created_at_i")) is int
                    and floor <= h["created_at_i"] <= _EPOCH_MAX
                ),
                default=None,
            )
            if len(found) >= total or oldest is None or oldest == upper:
                return hits, True
            upper = oldest
        return hits, False

    def _slice(
        self, term: str, floor: int, upper: int | None, tags: str = "(story,comment)"
    ) -> tuple[list[Any], int]:
        """Up to 1000 newest hits in [floor, upper], and how many match in all (nbHits)."""
        window = f"created_at_i>={floor}" + (f",created_at_i<={upper}" if upper is not None else "")
        hits: list[Any] = []
        total = 0
        for page in range(self.max_pages):
            params: dict[str, Any] = {"query": term, "tags": tags, "numericFilters": window}
            params |= {"hitsPerPage": self.hits_per_page, "page": page}
            body = get_json(self.session, self.name, f"{self.base_url}/search_by_date", params)
            try:
                found, total, pages = search_page(body)
            except MalformedPage as exc:
                raise SourceUnavailable(self.name, f"search_by_date: {exc}") from exc
            hits.extend(found)
            if page + 1 >= pages or not found:
                break
        return hits, total

    def _parse(self, hits: Any) -> tuple[list[Mention], int]:
        return each_item(hits, hit_to_mention, self.log, "hackernews hit")


def search_page(body: Any) -> tuple[list[Any], int, int]:
    """A search_by_date response's hits (objects only), nbHits and nbPages; `MalformedPage` if not one."""
    if not isinstance(body, dict) or not isinstance(body.get("hits", []), list):
        raise MalformedPage("not an Algolia search response")
    hits = list(body.get("hits") or [])  # a hit that is not an object is skipped and counted later
    try:
        return hits, max(0, count(body.get("nbHits"))), max(0, count(body.get("nbPages")))
    except ITEM_ERRORS as exc:
        raise MalformedPage(f"unreadable nbHits or nbPages: {exc!r}"[:200]) from exc


def parse_hits(body: Any, log: LogSink | None = None) -> tuple[list[Mention], int]:
    """A response's hits as Mentions and the number skipped as malformed (the fuzzed entry point)."""
    return AlgoliaHackerNewsSource(logger=log or logging.getLogger(__name__))._parse(search_page(body)[0])


def hit_to_mention(hit: dict[str, Any]) -> Mention:
    """One Algolia hit (story or comment) as a Mention; raises ITEM_ERRORS if malformed."""
    object_id = text(hit["objectID"])
    if not (object_id.isascii() and object_id.isdigit() and len(object_id) <= _MAX_ID_DIGITS):
        raise ValueError(f"objectID {object_id[:40]!r} is not an HN item id")
    if hit.get("created_at_i") is not None:
        created = epoch_date(hit["created_at_i"])
    else:
        created = iso_date(hit["created_at"])
    tags = hit.get("_tags") or []
    is_comment = (isinstance(tags, list) and "comment" in tags) or bool(hit.get("comment_text"))
    title = "" if is_comment else plain_text(_str(hit.get("title")))
    body = plain_text(_str(hit.get("comment_text") if is_comment else hit.get("story_text")))
    if not (title or body):
        raise ValueError("hit has neither title nor text")
    author = text(hit.get("author"))
    return Mention(
        source=Source.HACKERNEWS.value,
        native_id=object_id,
        created_at=created,
        text=body,
        url=_ITEM_URL + object_id,
        author=Author(id=author, handle=author),
        engagement=Engagement(score=count(hit.get("points")), comments=count(hit.get("num_comments"))),
        title=title,
        community=plain_text(_str(hit.get("story_title"))) if is_comment else title,
        parent_id=_parent(hit.get("parent_id")) if is_comment else "",
    )


def _parent(value: Any) -> str:
    """A comment's parent item id as an objectID is written; "" when absent or not an item id."""
    parent = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    return parent if parent.isascii() and parent.isdigit() and len(parent) <= _MAX_ID_DIGITS else ""


def _str(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _epoch_floor(position: float) -> int:
    """The cursor's floor as Algolia's integer seconds, kept in the range its filter accepts."""
    return max(0, min(_EPOCH_MAX, int(position)))


def build_source(
    settings: CollectSettings, session: requests.Session, log: LogSink
) -> AlgoliaHackerNewsSource:
    """The registry's factory."""
    return AlgoliaHackerNewsSource(settings.hackernews_api_url, session, logger=log)
