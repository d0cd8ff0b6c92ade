"""RssAppStoreSource: customer reviews of the brand's own app from Apple's RSS JSON feed, per country.

The feed is newest-first, 50 reviews a page, 10 pages deep, and review ids grow with time, so the
cursor keeps, per country, the highest id returned. When a poll stops at `max_pages` with older new
reviews left, the cursor remembers where it stopped (`next_page`, and the id range already returned)
and the next poll continues from there before it goes back to page 1.
Reviews are about the app itself, so they are not filtered by the brand query.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from repmon.adapters.http import LogSink, get_json, new_session, plain_text
from repmon.domain.brand import Brand
from repmon.domain.models import Author, Engagement, Mention, Source
from repmon.ports import SourcePage

_FEED_PAGES = 10  # Apple serves no page after the tenth
_PAGE_SIZE = 50  # a shorter page is the last one


@dataclass
class _Run:
    mentions: list[Mention]
    skipped: int
    state: dict[str, int]
    truncated: bool


class RssAppStoreSource:
    """`MentionSource` for App Store reviews via `GET {base}/{country}/rss/customerreviews/...`."""

    name = Source.APPSTORE.value

    def __init__(
        self,
        base_url: str = "https://itunes.apple.com",
        session: requests.Session | None = None,
        *,
        logger: LogSink | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or new_session()
        self.log: LogSink = logger or logging.getLogger(__name__)

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        settings = brand.sources.appstore
        if not settings.app_id:
            return SourcePage([], cursor)
        state = _parse_cursor(cursor)
        mentions: list[Mention] = []
        skipped, truncated = 0, False
        for country in settings.countries:
            run = self._country(settings.app_id, country, state.get(country, {}), settings.max_pages, now)
            mentions += run.mentions
            skipped += run.skipped
            truncated = truncated or run.truncated
            state[country] = run.state
        return SourcePage(
            mentions, json.dumps({"v": 1, "countries": state}, sort_keys=True), skipped, truncated
        )

    def _country(
        self, app_id: str, country: str, state: dict[str, int], max_pages: int, now: datetime
    ) -> _Run:
        last = state.get("last_id", 0)
        catching_up = "next_page" in state
        page = state.get("next_page", 1)
        ceiling = state.get("below_id") if catching_up else None
        run = _Run([], 0, {}, False)
        ids: list[int] = []
        done = False
        for _ in range(max_pages):
            entries = self._page(country, page, app_id)
            done = len(entries) < _PAGE_SIZE or page >= _FEED_PAGES
            for entry in entries:
                parsed = self._entry(entry, country, app_id, now, run)
                if parsed is None:
                    continue
                review_id, mention = parsed
                if review_id <= last:
                    done = True
                elif ceiling is None or review_id < ceiling:
                    ids.append(review_id)
                    run.mentions.append(mention)
            page += 1
            if done:
                break
        top = max([state.get("top_id", last), *ids])
        if done:
            run.state = {"last_id": top}
        else:
            run.state = {
                "last_id": last,
                "next_page": page,
                "top_id": top,
                "below_id": min([*ids, ceiling or top + 1]),
            }
            run.truncated = True
        return run

    def _page(self, country: str, page: int, app_id: str) -> list[Any]:
        url = f"{self.base_url}/{country}/rss/customerreviews/page={page}/id={app_id}/sortby=mostrecent/json"
        feed = (get_json(self.session, self.name, url) or {}).get("feed") or {}
        entries = feed.get("entry") or []
        return [entries] if isinstance(entries, dict) else list(entries)  # one review comes as an object

    def _entry(
        self, entry: Any, country: str, app_id: str, now: datetime, run: _Run
    ) -> tuple[int, Mention] | None:
        if isinstance(entry, dict) and "im:name" in entry and "im:rating" not in entry:
            return None  # older feeds lead with the app's own metadata: not a review, not malformed
        try:
            return entry_to_review(entry, country, app_id, now)
        except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
            run.skipped += 1
            self.log.warning(
                "skipped malformed app store entry", extra={"country": country, "error": repr(exc)}
            )
            return None


def entry_to_review(entry: dict[str, Any], country: str, app_id: str, now: datetime) -> tuple[int, Mention]:
    """One feed entry as (review id, Mention); a review without a date is dated `now` (first seen)."""
    review_id = int(_label(entry["id"]))
    rating = int(_label(entry["im:rating"]))
    if not 1 <= rating <= 5:
        raise ValueError(f"rating {rating} out of range")
    updated = _label(entry.get("updated"))
    created = datetime.fromisoformat(updated).astimezone(UTC) if updated else now
    author = entry.get("author") or {}
    handle, uri = _label(author.get("name")), _label(author.get("uri"))
    mention = Mention(
        source=Source.APPSTORE.value,
        native_id=str(review_id),
        created_at=created,
        text=plain_text(_label(entry["content"])),
        url=f"https://apps.apple.com/{country}/app/id{app_id}?see-all=reviews",
        author=Author(id=uri.rpartition("/id")[2] if "/id" in uri else handle, handle=handle),
        engagement=Engagement(score=_int(entry.get("im:voteSum")), votes=_int(entry.get("im:voteCount"))),
        rating=rating,
        title=plain_text(_label(entry.get("title"))),
        community=country,
    )
    return review_id, mention


def _label(value: Any) -> str:
    """Every value in the feed is wrapped: {"label": "..."}."""
    if value is None:
        return ""
    return str(value["label"]) if isinstance(value, dict) else str(value)


def _int(value: Any) -> int:
    text = _label(value)
    return int(text) if text.lstrip("-").isdigit() else 0


def _parse_cursor(cursor: str | None) -> dict[str, dict[str, int]]:
    try:
        countries = json.loads(cursor)["countries"] if cursor else {}
        return {str(c): {str(k): int(v) for k, v in s.items()} for c, s in countries.items()}
    except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError):
        return {}
