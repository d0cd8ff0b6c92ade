"""The fake App Store customer-reviews RSS feed (JSON flavour): label-wrapped values, 50 a page, 10 pages.

Feed quirks a real client must survive are switchable per (app, country) on the world: an app
metadata entry first (older feeds), entries without `updated`, and a single entry sent as an object.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from repmon.localstack.fakes.records import AppStoreReview, stable
from repmon.localstack.fakes.world import Reply, SourceWorld

FEED_PATH = re.compile(r"^/([a-z]{2})/rss/customerreviews/page=(\d+)/id=(\d+)/sortby=mostrecent/json$")
#: Apple dates the feed in Cupertino time.
_PACIFIC = timezone(timedelta(hours=-7))
_PAGE_SIZE = 50
_LAST_PAGE = 10


def route(world: SourceWorld, method: str, path: str, query: dict[str, str], headers: Any) -> Reply | None:
    """The App Store's part of the fake server (the registry's `fake`)."""
    if m := FEED_PATH.match(path):
        return 200, appstore_feed(world, path, m.group(1), int(m.group(2)), m.group(3)), {}
    return None


def appstore_feed(world: SourceWorld, path: str, country: str, page: int, app_id: str) -> object:
    """The body of one feed page for the app in that country, newest review first."""
    quirks = world.feeds.get((app_id, country), {})
    entries = _entries(world, country, page, app_id, quirks.get("dated", True))
    if world.take_empty(path):
        return {"feed": {}}
    if entries and (malformed := world.take_malformed(path)) is not None:
        default = {"im:rating": {"label": "5"}, "id": {"label": "not-a-number"}, "title": {"label": "?"}}
        entries.insert(0, default if malformed[0] is None else malformed[0])
    if page == 1 and quirks.get("metadata_entry"):
        entries.insert(0, _app_metadata(app_id))
    feed = _envelope(world, country, page, app_id)
    if entries:  # a single entry comes as an object, none as no key at all
        feed["entry"] = entries[0] if len(entries) == 1 else entries
    return {"feed": feed}


def _entries(world: SourceWorld, country: str, page: int, app_id: str, dated: bool) -> list[object]:
    if page > _LAST_PAGE:
        return []
    reviews = sorted(
        (r for r in world.reviews if r.app_id == app_id and r.country == country and r.created <= world.now),
        key=lambda r: r.review_id,
        reverse=True,
    )
    return [_review_entry(r, dated) for r in reviews[(page - 1) * _PAGE_SIZE : page * _PAGE_SIZE]]


def _envelope(world: SourceWorld, country: str, page: int, app_id: str) -> dict[str, Any]:
    """The feed's fields around its entries: author, dates, paging links."""
    base = f"https://itunes.apple.com/{country}/rss/customerreviews"
    links = [
        {"attributes": {"rel": rel, "href": f"{base}/page={n}/id={app_id}/sortby=mostrecent/xml"}}
        for rel, n in (("first", 1), ("last", _LAST_PAGE), ("previous", max(1, page - 1)), ("next", page + 1))
    ]
    return {
        "author": {"name": {"label": "iTunes Store"}, "uri": {"label": "http://www.apple.com/itunes/"}},
        "updated": {"label": world.now.astimezone(_PACIFIC).isoformat()},
        "rights": {"label": "Copyright 2008 Apple Inc."},
        "title": {"label": "iTunes Store: Customer Reviews"},
        "icon": {"label": "http://itunes.apple.com/favicon.ico"},
        "link": links,
        "id": {"label": f"{base}/id={app_id}/json"},
    }


def _review_entry(r: AppStoreReview, dated: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "author": {
            "uri": {"label": f"https://itunes.apple.com/{r.country}/reviews/id{stable(r.author) % 10**9}"},
            "name": {"label": r.author},
            "label": "",
        },
        "im:version": {"label": r.version},
        "im:rating": {"label": str(r.rating)},
        "id": {"label": str(r.review_id)},
        "title": {"label": r.title},
        "content": {"label": r.content, "attributes": {"type": "text"}},
        "link": {
            "attributes": {
                "rel": "related",
                "href": f"https://itunes.apple.com/{r.country}/review?id={r.app_id}&type=Purple%20Software",
            }
        },
        "im:voteSum": {"label": str(r.vote_sum)},
        "im:voteCount": {"label": str(r.vote_count)},
        "im:contentType": {"attributes": {"term": "Application", "label": "Application"}},
    }
    if dated:
        entry["updated"] = {"label": _reported_date(r)}
    return entry


def _reported_date(r: AppStoreReview) -> str:
    if r.reported is None:
        return r.created.astimezone(_PACIFIC).isoformat()
    try:
        return datetime.fromtimestamp(r.reported, tz=_PACIFIC).isoformat()
    except (OverflowError, OSError, ValueError):
        return str(r.reported)  # a date no calendar holds, sent as the platform would: garbage


def _app_metadata(app_id: str) -> dict[str, Any]:
    return {
        "im:name": {"label": "Example App"},
        "rights": {"label": "© Example Inc."},
        "im:price": {"label": "Get", "attributes": {"amount": "0.00", "currency": "USD"}},
        "im:image": [{"label": "https://example.invalid/icon.png", "attributes": {"height": "53"}}],
        "im:artist": {"label": "Example Inc."},
        "title": {"label": "Example App - Example Inc."},
        "link": {
            "attributes": {
                "rel": "alternate",
                "type": "text/html",
                "href": f"https://apps.apple.com/us/app/id{app_id}",
            }
        },
        "id": {"label": f"https://apps.apple.com/us/app/id{app_id}", "attributes": {"im:id": app_id}},
        "im:contentType": {"attributes": {"term": "Application", "label": "Application"}},
        "category": {"attributes": {"im:id": "6000", "term": "Business", "label": "Business"}},
        "im:releaseDate": {"label": "2020-01-01T00:00:00-07:00"},
    }
