"""SourceWorld: what the fake platforms contain, the faults they will inject, and the requests they served.

Tests and the demo build a world, add items to it and move its clock; the HTTP server (`fakes.server`)
reads it on every request. Items get ids the way each platform makes them (Reddit base 36, HN and App
Store growing integers), and an item is visible only once its created time is at or before `now`.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from repmon.localstack.fakes.records import (
    AppStoreReview,
    HNItem,
    RedditComment,
    RedditPost,
    RedditUser,
    base36,
)


def stored_review_id(app_id: str, author: str, title: str, content: str) -> str:
    """What repmon stores as an App Store review's id, whichever route read it."""
    from repmon.adapters.http import plain_text
    from repmon.adapters.sources.appstore_identity import review_key

    return review_key(app_id, author, plain_text(title), plain_text(content))


#: What a fake answers: (status, body, headers). A body in bytes is sent as it is (its Content-Type
#: in the headers, as a feed's XML); anything else as JSON.
Reply = tuple[int, object, dict[str, str]]


@dataclass(frozen=True)
class LoggedRequest:
    """One request the fake platforms answered, for tests that count calls or check parameters."""

    method: str
    path: str
    query: dict[str, str]
    status: int


@dataclass
class Fault:
    """An injected failure: the next `remaining` requests whose path contains `path` get `status`."""

    remaining: int
    status: int
    retry_after: float | None
    path: str


@dataclass
class SourceWorld:
    """What the fake platforms contain, plus fault injection and a log of every request served."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 1, 12, 0, tzinfo=UTC))
    posts: dict[str, RedditPost] = field(default_factory=dict)
    comments: dict[str, RedditComment] = field(default_factory=dict)
    users: dict[str, RedditUser] = field(default_factory=dict)
    subreddits: dict[str, int] = field(default_factory=dict)
    hn_items: dict[str, HNItem] = field(default_factory=dict)
    reviews: list[AppStoreReview] = field(default_factory=list)
    #: (app_id, country) -> feed quirks: {"metadata_entry": bool, "dated": bool}
    feeds: dict[tuple[str, str], dict[str, bool]] = field(default_factory=dict)
    #: Items of the sources added since the first three, by source name (kept by their own fake).
    stock: dict[str, list[Any]] = field(default_factory=dict)
    requests: list[LoggedRequest] = field(default_factory=list)
    _faults: list[Fault] = field(default_factory=list)
    _malformed: list[tuple[str, object]] = field(default_factory=list)
    _empty: list[Fault] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def _next_id(self) -> int:
        return next(self._ids)

    def add_reddit_post(
        self,
        *,
        title: str,
        selftext: str = "",
        subreddit: str = "test",
        author: str | None = "someone",
        created: datetime | None = None,
        score: int = 1,
        num_comments: int = 0,
        id: str | None = None,
        reported: float | None = None,
    ) -> str:
        """Add a submission (author None means "[deleted]"); returns its base-36 id.

        `reported`: the `created_utc` Reddit sends, when a test wants it wrong (0, tomorrow).
        """
        post_id = id or base36(1_000_000 + self._next_id())
        self.posts[post_id] = RedditPost(
            post_id, subreddit, title, selftext, author, created or self.now, score, num_comments, reported
        )
        return post_id

    def add_reddit_comment(
        self,
        *,
        body: str,
        subreddit: str = "test",
        author: str | None = "someone",
        created: datetime | None = None,
        score: int = 1,
        link_id: str = "t3_0",
        link_title: str = "",
        id: str | None = None,
    ) -> str:
        comment_id = id or base36(50_000_000 + self._next_id())
        self.comments[comment_id] = RedditComment(
            comment_id, subreddit, body, author, created or self.now, score, link_id, link_title
        )
        return comment_id

    def add_reddit_user(
        self,
        name: str,
        *,
        link_karma: int = 1,
        comment_karma: int = 0,
        created: datetime | None = None,
        suspended: bool = False,
    ) -> None:
        """Users never added answer 404, like deleted accounts."""
        self.users[name.lower()] = RedditUser(
            name, link_karma, comment_karma, created or self.now - timedelta(days=365), suspended
        )

    def add_subreddit(self, name: str, subscribers: int) -> None:
        self.subreddits[name.lower()] = subscribers

    def delete_reddit_post(self, post_id: str) -> None:
        self.posts.pop(post_id, None)

    def add_hn_item(
        self,
        *,
        text: str = "",
        title: str = "",
        kind: str = "story",
        author: str = "someone",
        created: datetime | None = None,
        points: int | None = 1,
        num_comments: int | None = 0,
        story_id: int | None = None,
        story_title: str | None = None,
        url: str | None = None,
        legacy: bool = False,
        object_id: str | None = None,
        reported: float | None = None,
    ) -> str:
        """A story (title, text, url) or comment (text, story_id, story_title); `legacy`: pre-2023 fields."""
        oid = object_id or str(30_000_000 + self._next_id())
        self.hn_items[oid] = HNItem(
            oid,
            kind,
            title,
            text,
            author,
            created or self.now,
            points,
            num_comments,
            story_id,
            story_title,
            url,
            legacy,
            reported,
        )
        return oid

    def add_appstore_review(
        self,
        *,
        app_id: str,
        title: str,
        content: str,
        rating: int,
        country: str = "us",
        author: str = "someone",
        vote_sum: int = 0,
        vote_count: int = 0,
        version: str = "1.0",
        created: datetime | None = None,
        review_id: int | None = None,
        reported: float | None = None,
    ) -> str:
        """Review ids grow with time, as Apple's do; returns the id repmon stores (`appstore_identity`)."""
        rid = review_id or 9_000_000_000 + self._next_id()
        self.reviews.append(
            AppStoreReview(
                rid,
                app_id,
                country,
                title,
                content,
                rating,
                author,
                vote_sum,
                vote_count,
                version,
                created or self.now,
                reported,
            )
        )
        return stored_review_id(app_id, author, title, content)

    def set_appstore_feed(
        self, app_id: str, country: str = "us", *, metadata_entry: bool = False, dated: bool = True
    ) -> None:
        """Feed quirks: an app-metadata first entry (older feeds), entries without an `updated` date."""
        self.feeds[(app_id, country)] = {"metadata_entry": metadata_entry, "dated": dated}

    def fail_next(
        self, count: int = 1, *, status: int = 500, retry_after: float | None = None, path: str = ""
    ) -> None:
        """The next `count` requests whose path contains `path` get `status` (with Retry-After if given)."""
        with self._lock:
            self._faults.append(Fault(count, status, retry_after, path))

    def malform_next(self, path: str = "", item: object = None) -> None:
        """The next response with items whose path contains `path` carries one malformed item first:
        `item` as given (raw JSON), or the platform's default broken item."""
        with self._lock:
            self._malformed.append((path, item))

    def empty_next(self, count: int = 1, *, path: str = "") -> None:
        """The next `count` responses whose path contains `path` are well-formed but empty pages."""
        with self._lock:
            self._empty.append(Fault(count, 200, None, path))

    def take_empty(self, path: str) -> bool:
        with self._lock:
            for fault in self._empty:
                if fault.path in path and fault.remaining > 0:
                    fault.remaining -= 1
                    return True
        return False

    def requests_to(self, fragment: str) -> list[LoggedRequest]:
        return [r for r in self.requests if fragment in r.path]

    def take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.path in path and fault.remaining > 0:
                    fault.remaining -= 1
                    return fault
        return None

    def take_malformed(self, path: str) -> tuple[object] | None:
        """The malformed item to insert in this response, as a 1-tuple (its value may be None)."""
        with self._lock:
            for i, (fragment, item) in enumerate(self._malformed):
                if fragment in path:
                    del self._malformed[i]
                    return (item,)
        return None

    def log(self, request: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(request)
