"""RssAppStoreSource: customer reviews of the brand's own app from Apple's RSS JSON feed, per country.

The feed is newest-first, 50 reviews a page, 10 pages deep, and review ids grow with time, so each
country's cursor is the shared `domain.cursor.Cursor` with the review id as its position: a poll reads
pages down to the cursor (or the feed's end) and returns the oldest `max_pages` x 50 new reviews; the
rest come next poll, and while it is behind an empty or short page never moves it. An id that cannot
be real is rejected, or it would make every later review look old: one of more than twelve digits,
or one the ids below it do not support at the rate the page's ids grow with their dates
(`domain.cursor.implausible`: 9e9 above reviews dated an hour earlier is as absurd as 10^15).
Reviews are about the app itself, so they are not filtered by the brand query. A review is stored
under its identity across routes (`appstore_identity.review_key`), not the feed's number: App Store
Connect reads the same reviews under other ids, and the same review from both is one mention.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import requests

from repmon.adapters.http import LogSink, get_json, new_session, plain_text
from repmon.adapters.item_fields import (
    ITEM_ERRORS,
    MalformedPage,
    count,
    each_item,
    iso_date,
    path_segment,
    text,
)
from repmon.adapters.sources.appstore_identity import review_key
from repmon.domain.brand import Brand
from repmon.domain.cursor import Candidate, Cursor, NewestFirstScan, Served, clamp_date, implausible
from repmon.domain.errors import SourceUnavailable
from repmon.domain.models import Author, Engagement, Mention, Source
from repmon.domain.sources.appstore import APP_ID
from repmon.ports import SourcePage

if TYPE_CHECKING:  # the factory reads its settings; adapters never import the runtime
    from repmon.runtime.settings import CollectSettings

_FEED_PAGES = 10  # Apple serves no page after the tenth
_PAGE_SIZE = 50  # a shorter page is the last one
#: Review ids are near 1.1e10 and grow by about 1.5e9 a year: more than twelve digits is not real.
_MAX_ID_DIGITS = 12
_COUNTRY = __import__("re").compile(r"[a-z]{2}")


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
        app_id = path_segment(settings.app_id, APP_ID, "app_id")
        state = _parse_cursor(cursor)
        page = SourcePage([], None)
        for country in settings.countries:
            path = f"{path_segment(country, _COUNTRY, 'country')}/rss/customerreviews"
            mark = state.get(country, Cursor())
            found, served, skipped = self._read(f"{self.base_url}/{path}", app_id, country, mark.at, now)
            limit = settings.max_pages * _PAGE_SIZE
            step = mark.advance(found, limit=limit, overlap=0, served=served, now=now.timestamp())
            state[country] = step.cursor
            page.mentions.extend(step.page)
            page.errors.extend(f"appstore {country}: {note}" for note in step.notes)
            page = _add(page, skipped, step.truncated)
        dumped = {"v": 3, "countries": {c: m.dump() for c, m in state.items()}}
        return _add(page, 0, False, json.dumps(dumped, sort_keys=True))

    def _read(
        self, base: str, app_id: str, country: str, at: float, now: datetime
    ) -> tuple[list[Candidate], Served | None, int]:
        """Pages newest-first until the cursor is passed or the feed ends: the new reviews, the span of
        every id read (old ones too) and the number skipped; implausible ids rejected and counted."""
        scan, read, skipped = NewestFirstScan(at), [], 0
        for number in range(1, _FEED_PAGES + 1):
            body = get_json(
                self.session, self.name, f"{base}/page={number}/id={app_id}/sortby=mostrecent/json"
            )
            try:
                reviews, bad, size = parse_feed(body, country, app_id, now, self.log)
            except MalformedPage as exc:
                raise SourceUnavailable(self.name, f"{country} page {number}: {exc}") from exc
            skipped += bad
            for review_id, mention in reviews:
                scan.is_old(review_id)
                read.append(Candidate(float(review_id), mention))
            if scan.done or size < _PAGE_SIZE:
                break
        # The old reviews read past the cursor anchor the judgement of a poll with one new review.
        absurd = implausible([(c.position, c.mention.created_at.timestamp()) for c in read])
        if absurd:
            self.log.warning("rejected implausible app store review ids", extra={"ids": sorted(absurd)[:5]})
        kept = [c for c in read if c.position not in absurd]
        found = [c for c in kept if c.position >= at]
        return found, Served.of(c.position for c in kept), skipped + len(read) - len(kept)


def _add(page: SourcePage, skipped: int, truncated: bool, cursor: str | None = None) -> SourcePage:
    return SourcePage(
        page.mentions,
        cursor if cursor is not None else page.cursor,
        page.skipped + skipped,
        page.truncated or truncated,
        page.errors,
    )


def parse_feed(
    body: Any, country: str, app_id: str, now: datetime, log: LogSink | None = None
) -> tuple[list[tuple[int, Mention]], int, int]:
    """One feed page: its reviews as (id, Mention), the malformed entries skipped, and the entry count.

    Raises `MalformedPage` only when the body is not a feed at all.
    """
    feed = body.get("feed") if isinstance(body, dict) else None
    if not isinstance(feed, dict):
        raise MalformedPage("not an RSS JSON feed")
    entries = feed.get("entry") or []
    entries = entries if isinstance(entries, list) else [entries]  # one review comes as an object
    # Older feeds lead with the app's own metadata: not a review, not malformed
    reviewed = [e for e in entries if not (isinstance(e, dict) and "im:name" in e and "im:rating" not in e)]
    reviews, skipped = each_item(
        reviewed,
        lambda e: entry_to_review(e, country, app_id, now),
        log or _LOG,
        "app store entry",
        country=country,
    )
    return reviews, skipped, len(entries)


_LOG = logging.getLogger(__name__)


def entry_to_review(entry: dict[str, Any], country: str, app_id: str, now: datetime) -> tuple[int, Mention]:
    """One feed entry as (review id, Mention); raises ITEM_ERRORS if malformed.

    A review without a date is dated `now` (first seen); dates are clamped (`clamp_date`).
    """
    raw_id = _label(entry["id"])
    if not (raw_id.isascii() and raw_id.isdigit() and len(raw_id) <= _MAX_ID_DIGITS and int(raw_id) > 0):
        raise ValueError(f"review id {raw_id[:40]!r} is not an App Store id")
    review_id = int(raw_id)
    rating = int(_label(entry["im:rating"]))
    if not 1 <= rating <= 5:
        raise ValueError(f"rating {rating} out of range")
    updated = _label(entry.get("updated"))
    created = clamp_date(iso_date(updated), now) if updated else now
    author = entry.get("author") or {}
    handle, uri = text(_label(author.get("name"))), _label(author.get("uri"))
    body, title = plain_text(_label(entry["content"])), plain_text(_label(entry.get("title")))
    mention = Mention(
        source=Source.APPSTORE.value,
        native_id=review_key(app_id, handle, title, body),
        created_at=created,
        text=body,
        url=f"https://apps.apple.com/{country}/app/id{app_id}?see-all=reviews",
        author=Author(id=text(uri.rpartition("/id")[2] if "/id" in uri else handle), handle=handle),
        engagement=Engagement(score=_int(entry.get("im:voteSum")), votes=_int(entry.get("im:voteCount"))),
        rating=rating,
        title=title,
        community=country,
        app_version=_version(entry.get("im:version")),
    )
    return review_id, mention


def _label(value: Any) -> str:
    """Every value in the feed is wrapped: {"label": "..."}; only text and numbers are values."""
    if value is None:
        return ""
    inner = value["label"] if isinstance(value, dict) else value
    if inner is None:
        return ""
    if isinstance(inner, bool) or not isinstance(inner, str | int | float):
        raise TypeError(f"expected a label, got {type(inner).__name__}")
    return str(inner)


def _version(value: Any) -> str:
    """The app version reviewed ("8.0.9"): it only describes the review, so anything odd is ""."""
    try:
        return text(_label(value), 60)
    except ITEM_ERRORS:
        return ""


def _int(value: Any) -> int:
    """A vote count: anything unreadable is 0 (it only weighs influence), huge ones are clamped."""
    try:
        return count(_label(value))
    except ITEM_ERRORS:
        return 0


def _parse_cursor(cursor: str | None) -> dict[str, Cursor]:
    """Each country's cursor; version 1 (`last_id`, maybe mid catch-up) resumes from its last id.

    Before version 3 the reviews were stored under the feed's number, which `seen` holds: those
    numbers cannot recognise a review under its new id, so the cursor resumes one id above where it
    stood instead (ids are whole numbers, and the one it stood at was returned), never returning a
    stored review a second time under the new id.
    """
    try:
        loaded = json.loads(cursor) if cursor else {}
        countries = loaded["countries"] if loaded else {}
        legacy = bool(loaded) and loaded.get("v", 1) < 3
        state: dict[str, Cursor] = {}
        for country, data in dict(countries).items():
            if isinstance(data, dict) and "last_id" in data:
                data = {"at": data["last_id"], "behind": "next_page" in data}
            mark = Cursor.load(data, Cursor())
            state[str(country)] = replace(mark, at=mark.at + 1, seen={}) if legacy and mark.at else mark
        return state
    except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError):
        return {}


def build_source(settings: CollectSettings, session: requests.Session, log: LogSink) -> RssAppStoreSource:
    """The registry's factory."""
    return RssAppStoreSource(settings.appstore_rss_url, session, logger=log)
