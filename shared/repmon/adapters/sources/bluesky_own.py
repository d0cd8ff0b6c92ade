"""The brand's own Bluesky posts, read by author (`app.bsky.feed.getAuthorFeed`), whatever they say.

A search for the brand's terms misses its support account's "Sorry, DM us"; reading the account's
feed (posts and replies, newest first, down to the cursor's floor) sees every reply it made, so the
posts it answers can be marked replied (README, "Replies"). One request per own account and poll
when it posted less than a page since the last poll. Reposts are left out: their author is someone else.
An account that cannot be read (a handle that no longer exists) is noted and the poll goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from repmon.adapters.http import LogSink
from repmon.adapters.item_fields import MalformedPage
from repmon.adapters.sources.bluesky_parse import SearchPage, parse_search
from repmon.domain.cursor import Candidate, NewestFirstScan, by_time
from repmon.domain.errors import SourceUnavailable

Get = Callable[[str, dict[str, Any]], Any]
_METHOD = "app.bsky.feed.getAuthorFeed"


@dataclass
class OwnScan:
    found: list[Candidate] = field(default_factory=list)
    read: list[float] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    skipped: int = 0
    complete: bool = True
    errors: list[str] = field(default_factory=list)


def parse_feed(body: Any, log: LogSink | None = None) -> SearchPage:
    """A `getAuthorFeed` response as a page of its own posts (reposts left out)."""
    feed = body.get("feed") if isinstance(body, dict) else None
    if not isinstance(feed, list):
        raise MalformedPage("not a getAuthorFeed response")
    posts = [item.get("post") for item in feed if isinstance(item, dict) and not item.get("reason")]
    page = parse_search({"posts": posts, "cursor": body.get("cursor")}, log)
    return SearchPage(page.mentions, page.skipped, page.cursor, len(feed))


def read_own_posts(
    get: Get,
    accounts: tuple[str, ...],
    floor: float,
    now: datetime,
    page_size: int,
    max_pages: int,
    log: LogSink,
) -> OwnScan:
    scan = OwnScan()
    for account in accounts:
        try:
            _read_account(get, account, floor, now, page_size, max_pages, log, scan)
        except SourceUnavailable as exc:
            scan.errors.append(f"bluesky: own account {account} not read ({exc})"[:300])
    return scan


def _read_account(
    get: Get,
    account: str,
    floor: float,
    now: datetime,
    page_size: int,
    max_pages: int,
    log: LogSink,
    scan: OwnScan,
) -> None:
    oldest, after = NewestFirstScan(floor), ""
    for _ in range(max_pages):
        params = {"actor": account, "filter": "posts_with_replies", "limit": str(page_size)}
        try:
            page = parse_feed(get(_METHOD, params | ({"cursor": after} if after else {})), log)
        except MalformedPage as exc:
            raise SourceUnavailable("bluesky", f"getAuthorFeed: {exc}") from exc
        scan.skipped += page.skipped
        for mention in page.mentions:
            candidate = by_time(mention, now)
            scan.read.append(candidate.position)
            if not oldest.is_old(candidate.position):
                scan.found.append(candidate)
                scan.ids.add(mention.native_id)
        if oldest.done or not page.cursor or page.cursor == after or not page.size:
            return
        after = page.cursor
    scan.complete = False
