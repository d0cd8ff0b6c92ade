"""What the fake platforms hold (posts, comments, users, HN items, reviews), and shared helpers.

Records are plain frozen dataclasses; `SourceWorld` (`fakes.world`) creates them and the payload modules
(`fakes.reddit`, `fakes.hackernews`, `fakes.appstore`) render them in each real API's JSON shape.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RedditPost:
    id: str
    subreddit: str
    title: str
    selftext: str
    author: str | None
    created: datetime
    score: int
    num_comments: int
    #: The date the platform reports, in epoch seconds, when it is not `created` (fault tests).
    reported: float | None = None


@dataclass(frozen=True)
class RedditComment:
    id: str
    subreddit: str
    body: str
    author: str | None
    created: datetime
    score: int
    link_id: str
    link_title: str
    #: The date the platform reports, in epoch seconds, when it is not `created` (fault tests).
    reported: float | None = None


@dataclass(frozen=True)
class RedditUser:
    name: str
    link_karma: int
    comment_karma: int
    created: datetime
    suspended: bool


@dataclass(frozen=True)
class HNItem:
    object_id: str
    kind: str
    title: str
    #: Served verbatim: HN text is HTML with entities, as Algolia returns it.
    text: str
    author: str
    created: datetime
    points: int | None
    num_comments: int | None
    story_id: int | None
    story_title: str | None
    url: str | None
    legacy: bool
    #: The date the platform reports, in epoch seconds, when it is not `created` (fault tests).
    reported: float | None = None


@dataclass(frozen=True)
class AppStoreReview:
    review_id: int
    app_id: str
    country: str
    title: str
    content: str
    rating: int
    author: str
    vote_sum: int
    vote_count: int
    version: str
    created: datetime
    #: The date the platform reports, in epoch seconds, when it is not `created` (fault tests).
    reported: float | None = None


def stable(text: str) -> int:
    """A per-name number that is the same in every process (unlike hash())."""
    return zlib.crc32(text.encode())


def base36(number: int) -> str:
    """Reddit's id alphabet: ids and fullnames are base-36 numbers."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rem = divmod(number, 36)
        out = digits[rem] + out
    return out or "0"


def reported_epoch(thing: RedditPost | RedditComment | HNItem) -> float:
    """The time a platform sends for a thing: its true one, or a wrong one a fault test asked for."""
    return thing.reported if thing.reported is not None else epoch(thing.created)


def epoch(moment: datetime) -> float:
    """Whole epoch seconds as a float: how Reddit (created_utc) and Algolia (created_at_i) send times."""
    return float(int(moment.timestamp()))


def search_terms(q: str) -> list[str]:
    """The lower-cased terms of an `a OR "b c"` query, as both fake search endpoints read it."""
    return [t.strip().strip('"').lower() for t in re.split(r"\s+OR\s+", q) if t.strip().strip('"')]


def any_term(terms: list[str], *texts: str | None) -> bool:
    """Substring search over the given fields: looser than the real engines, enough for our queries."""
    haystack = " ".join(t or "" for t in texts).lower()
    return any(term in haystack for term in terms)
