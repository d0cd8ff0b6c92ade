"""The fake HN Algolia API: `search_by_date` with tags, numeric filters and paging, in Algolia's shapes.

Hits come in two generations, as the real index holds both: legacy (pre-2023: every field present,
nulls included, millisecond timestamps) and current (null fields dropped, `updated_at` added).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC
from typing import Any

from repmon.localstack.fakes.records import HNItem, any_term, reported_epoch, search_terms
from repmon.localstack.fakes.world import Reply, SourceWorld

_NUMERIC = re.compile(r"^\s*(\w+)\s*(>=|<=|>|<|=)\s*(-?\d+)\s*$")
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": float.__ge__,
    "<=": float.__le__,
    ">": float.__gt__,
    "<": float.__lt__,
    "=": float.__eq__,
}
#: Algolia never pages past this many hits (its paginationLimitedTo).
_PAGINATION_LIMIT = 1000


def route(world: SourceWorld, method: str, path: str, query: dict[str, str], headers: Any) -> Reply | None:
    """Hacker News's part of the fake server (the registry's `fake`)."""
    return (200, hn_search(world, path, query), {}) if path == "/api/v1/search_by_date" else None


def hn_search(world: SourceWorld, path: str, query: dict[str, str]) -> object:
    """The body of a `search_by_date` response for `query` over the world's visible items."""
    found = _matching(world, query)
    # As Algolia: nbHits counts every match, but only the newest 1000 can be paged to.
    reachable = found[:_PAGINATION_LIMIT]
    per_page = max(1, min(int(query.get("hitsPerPage", "20")), 1000))
    page = int(query.get("page", "0"))
    hits: list[object] = [_hn_hit(i) for i in reachable[page * per_page : (page + 1) * per_page]]
    if world.take_empty(path):
        return {"hits": [], "nbHits": 0, "nbPages": 0, "page": page, "hitsPerPage": per_page}
    if hits and (malformed := world.take_malformed(path)) is not None:
        default = {"objectID": "malformed", "created_at_i": "soon", "_tags": ["story"], "title": None}
        hits.insert(0, default if malformed[0] is None else malformed[0])
    return {
        "exhaustive": {"nbHits": True, "typo": True},
        "exhaustiveNbHits": True,
        "exhaustiveTypo": True,
        "hits": hits,
        "hitsPerPage": per_page,
        "nbHits": len(found),
        "nbPages": -(-len(reachable) // per_page),
        "page": page,
        "params": "&".join(f"{k}={v}" for k, v in query.items()),
        "processingTimeMS": 1,
        "processingTimingsMS": {"_request": {"roundTrip": 1}},
        "query": query.get("query", ""),
        "serverTimeMS": 2,
    }


def _tags(text: str) -> list[list[str]]:
    """Algolia's tag filter: comma-separated tags all wanted, a parenthesised group any of them."""
    return [group.strip("()").split(",") for group in re.findall(r"\([^)]*\)|[^,()]+", text)]


def _tagged(item: HNItem, tag: str) -> bool:
    if tag.startswith("story_"):  # a story and its comments carry story_<the story's id>
        story = item.object_id if item.kind == "story" else str(item.story_id)
        return tag == f"story_{story}"
    return item.author == tag.removeprefix("author_") if tag.startswith("author_") else item.kind == tag


def _matching(world: SourceWorld, query: dict[str, str]) -> list[HNItem]:
    """Visible items with a wanted tag, a query term and every created_at_i filter, newest first."""
    wanted = _tags(query.get("tags", "(story,comment)"))
    filters = [m.groups() for f in query.get("numericFilters", "").split(",") if (m := _NUMERIC.match(f))]
    terms = search_terms(query.get("query", ""))
    found = [
        item
        for item in world.hn_items.values()
        if item.created <= world.now
        and all(any(_tagged(item, tag) for tag in group) for group in wanted)
        and _has_term(item, terms)
        and all(
            _COMPARE[op](reported_epoch(item), float(v)) for name, op, v in filters if name == "created_at_i"
        )
    ]
    found.sort(key=lambda i: (reported_epoch(i), i.object_id), reverse=True)  # Algolia sorts what it indexed
    return found


def _has_term(item: HNItem, terms: list[str]) -> bool:
    story_title = item.story_title if item.kind == "comment" else ""
    return not terms or any_term(terms, item.title, item.text, item.url, story_title)


def _hn_hit(item: HNItem) -> dict[str, Any]:
    full = _full_hit(item)
    if item.legacy:
        full["story_id"] = None if item.kind == "story" else item.story_id  # pre-2023 stories had none
        return full
    # Newer responses drop null fields and add updated_at (and children on stories).
    hit = {k: v for k, v in full.items() if v is not None}
    hit["updated_at"] = full["created_at"]
    if item.kind == "story":
        hit["children"] = []
    return hit


def _full_hit(item: HNItem) -> dict[str, Any]:
    """Every field of a hit, nulls included: the legacy shape before its story_id quirk."""
    is_story = item.kind == "story"
    story_id = int(item.object_id) if is_story else item.story_id
    when = item.created.astimezone(UTC)
    return {
        "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z" if item.legacy else "%Y-%m-%dT%H:%M:%SZ"),
        "title": item.title if is_story else None,
        "url": item.url if is_story else None,
        "author": item.author,
        "points": item.points if is_story else None,
        "story_text": item.text if is_story and item.text else None,
        "comment_text": None if is_story else item.text,
        "num_comments": item.num_comments if is_story else None,
        "story_id": story_id,
        "story_title": None if is_story else item.story_title,
        "story_url": None,
        "parent_id": None if is_story else story_id,
        "created_at_i": int(reported_epoch(item)),
        "_tags": [item.kind, f"author_{item.author}", f"story_{story_id}"],
        "objectID": item.object_id,
        "_highlightResult": {"author": {"value": item.author, "matchLevel": "none", "matchedWords": []}},
    }
