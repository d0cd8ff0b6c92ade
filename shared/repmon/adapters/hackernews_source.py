"""AlgoliaHackerNewsSource: stories and comments mentioning a brand, from HN's Algolia search_by_date API.

One search per query term, newest first, filtered server-side by a time watermark (`created_at_i>=`)
and locally by the full brand query. Accepts both the pre-2023 hit fields (every key, nulls included)
and the newer ones (nulls dropped; `updated_at`, `children`, `story_id` on stories).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from repmon.adapters.http import LogSink, Watermark, get_json, new_session, plain_text
from repmon.domain.brand import Brand
from repmon.domain.models import Author, Engagement, Mention, Source
from repmon.ports import SourcePage

_ITEM_URL = "https://news.ycombinator.com/item?id="


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
        mark = Watermark.parse(cursor, now, self.lookback)
        floor = int(mark.floor(self.overlap).timestamp())
        hits: dict[str, dict[str, Any]] = {}
        complete = True
        for term in query.search_terms():
            found, done = self._search(term, floor)
            complete = complete and done
            for hit in found:
                hits.setdefault(str(hit.get("objectID", id(hit))), hit)
        mentions, skipped = self._parse(hits.values())
        matching = [m for m in mentions if query.matches(m.full_text)]
        settled = now - self.overlap if complete else None
        limit = brand.sources.hackernews.max_items
        page, mark, truncated = mark.advance(matching, limit=limit, overlap=self.overlap, settled=settled)
        errors = (
            []
            if complete
            else [
                f"hackernews: more than {self.max_slices}000 hits since the cursor; older ones may be missed"
            ]
        )
        return SourcePage(page, mark.dump(), skipped=skipped, truncated=truncated, errors=errors)

    def _search(self, term: str, floor: int) -> tuple[list[dict[str, Any]], bool]:
        """All hits for `term` at or after `floor`, and whether they were all read.

        Algolia pages through the newest 1000 hits of a query only. When more match, the next slice
        asks for hits older than the oldest one read (`created_at_i<=` that second: its same-second
        hits come again and are deduplicated), until the floor is reached or the budget is spent.
        """
        hits: list[dict[str, Any]] = []
        upper: int | None = None
        for _ in range(self.max_slices):
            found, total = self._slice(term, floor, upper)
            hits.extend(found)
            oldest = min(
                (h["created_at_i"] for h in found if isinstance(h.get("created_at_i"), int)), default=None
            )
            if len(found) >= total or oldest is None or oldest == upper:
                return hits, True
            upper = oldest
        return hits, False

    def _slice(self, term: str, floor: int, upper: int | None) -> tuple[list[dict[str, Any]], int]:
        """Up to 1000 newest hits in [floor, upper], and how many match in all (nbHits)."""
        window = f"created_at_i>={floor}" + (f",created_at_i<={upper}" if upper is not None else "")
        hits: list[dict[str, Any]] = []
        total = 0
        for page in range(self.max_pages):
            params: dict[str, Any] = {"query": term, "tags": "(story,comment)", "numericFilters": window}
            params |= {"hitsPerPage": self.hits_per_page, "page": page}
            body = get_json(self.session, self.name, f"{self.base_url}/search_by_date", params)
            hits.extend(h for h in body.get("hits") or [] if isinstance(h, dict))
            total = int(body.get("nbHits") or 0)
            if page + 1 >= int(body.get("nbPages") or 0):
                break
        return hits, total

    def _parse(self, hits: Any) -> tuple[list[Mention], int]:
        mentions: list[Mention] = []
        skipped = 0
        for hit in hits:
            try:
                mentions.append(hit_to_mention(hit))
            # ArithmeticError: an out-of-range timestamp or an infinite count is malformed, not fatal.
            except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
                skipped += 1
                self.log.warning(
                    "skipped malformed hackernews hit",
                    extra={"item": hit.get("objectID"), "error": repr(exc)},
                )
        return mentions, skipped


def hit_to_mention(hit: dict[str, Any]) -> Mention:
    """One Algolia hit (story or comment) as a Mention; raises KeyError/TypeError/ValueError if malformed."""
    object_id = str(hit["objectID"])
    if not object_id.isdigit():
        raise ValueError(f"objectID {object_id!r} is not an HN item id")
    if hit.get("created_at_i") is not None:
        created = datetime.fromtimestamp(int(hit["created_at_i"]), tz=UTC)
    else:
        created = datetime.fromisoformat(str(hit["created_at"]).replace("Z", "+00:00")).astimezone(UTC)
    is_comment = "comment" in (hit.get("_tags") or []) or bool(hit.get("comment_text"))
    title = "" if is_comment else plain_text(hit.get("title"))
    text = plain_text(hit.get("comment_text") if is_comment else hit.get("story_text"))
    if not (title or text):
        raise ValueError("hit has neither title nor text")
    author = str(hit.get("author") or "")
    return Mention(
        source=Source.HACKERNEWS.value,
        native_id=object_id,
        created_at=created,
        text=text,
        url=_ITEM_URL + object_id,
        author=Author(id=author, handle=author),
        engagement=Engagement(score=int(hit.get("points") or 0), comments=int(hit.get("num_comments") or 0)),
        title=title,
        community=plain_text(hit.get("story_title")) if is_comment else title,
    )
