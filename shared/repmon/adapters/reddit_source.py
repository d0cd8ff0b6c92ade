"""PrawRedditSource: brand mentions from Reddit search (submissions) and subreddit comment listings.

praw does the OAuth, paging (`after`) and rate limiting (prawcore's limiter); the session under it
(`adapters.http.new_session`) retries 429/5xx. This module turns praw objects into `Mention`s, reading
their fetched data (`vars(obj)`) rather than attributes: a missing attribute on a lazy praw object
would trigger one more request per item.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import praw
import prawcore
import requests

from repmon.adapters.http import LogSink, Watermark, new_session, plain_text
from repmon.adapters.secrets import RedditCredentials
from repmon.domain.brand import Brand
from repmon.domain.errors import InvalidConfig, SourceUnavailable
from repmon.domain.models import Author, Engagement, Mention, Source
from repmon.ports import SourcePage

_WEB = "https://www.reddit.com"
_T = TypeVar("_T")
#: Lookups that mean "this account or subreddit cannot be described", not "Reddit is down".
_GONE = (
    prawcore.exceptions.NotFound,
    prawcore.exceptions.Forbidden,
    prawcore.exceptions.Redirect,
    AttributeError,
    KeyError,
    TypeError,
    ValueError,
    ArithmeticError,  # an absurd number (a timestamp of 1e20, an infinite score) is "cannot describe"
)


def build_reddit(
    credentials: RedditCredentials,
    oauth_url: str = "https://oauth.reddit.com",
    reddit_url: str = "https://www.reddit.com",
    session: requests.Session | None = None,
    *,
    timeout: int = 16,
) -> praw.Reddit:
    """A read-only praw client on `session` (retrying), pointed at the given endpoints (local in tests)."""
    return praw.Reddit(
        client_id=credentials.client_id,
        client_secret=credentials.client_secret.get_secret_value(),
        user_agent=credentials.user_agent,
        oauth_url=oauth_url,
        reddit_url=reddit_url,
        check_for_updates=False,
        timeout=timeout,
        requestor_kwargs={"session": session or new_session()},
    )


class PrawRedditSource:
    """`MentionSource` for Reddit: keyword search sorted by new, plus recent comments filtered locally."""

    name = Source.REDDIT.value

    def __init__(
        self,
        reddit: praw.Reddit,
        *,
        logger: LogSink | None = None,
        overlap: timedelta = timedelta(minutes=15),
        first_poll_lookback: timedelta = timedelta(hours=24),
        scan_limit: int = 1000,
        max_author_lookups: int = 100,
    ) -> None:
        self.reddit = reddit
        self.log: LogSink = logger or logging.getLogger(__name__)
        self.overlap = overlap
        self.lookback = first_poll_lookback
        #: Reddit listings end near 1000 items; scanning further is not possible anyway.
        self.scan_limit = scan_limit
        self.max_author_lookups = max_author_lookups

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        settings = brand.sources.reddit
        query = brand.compiled
        mark = Watermark.parse(cursor, now, self.lookback)
        floor = mark.floor(self.overlap)
        subreddit = self.reddit.subreddit("+".join(settings.subreddits) or "all")
        try:
            search = subreddit.search(" OR ".join(query.search_terms()), sort="new", limit=self.scan_limit)
            posts, skipped, complete = self._scan(search, floor)
            if settings.include_comments:
                comments, bad, done = self._scan(subreddit.comments(limit=self.scan_limit), floor)
                posts, skipped, complete = posts + comments, skipped + bad, complete and done
        except prawcore.exceptions.PrawcoreException as exc:
            raise _translate(exc) from exc
        matching = [m for m in posts if query.matches(m.full_text)]
        settled = now - self.overlap if complete else None
        page, mark, truncated = mark.advance(
            matching, limit=settings.max_items, overlap=self.overlap, settled=settled
        )
        people = RedditPeople(self.reddit, self.max_author_lookups)
        enriched = [self._enrich(m, people) for m in page]
        # Reddit serves the newest ~1000 items of a listing and no more: say so rather than hide a gap.
        gap = (
            []
            if complete
            else [f"reddit: over {self.scan_limit} items since the cursor; older ones may be missed"]
        )
        return SourcePage(
            enriched, mark.dump(), skipped=skipped, truncated=truncated, errors=gap + people.errors
        )

    def _scan(self, listing: Any, floor: datetime) -> tuple[list[Mention], int, bool]:
        """Read newest-first down to `floor`: (mentions, malformed count, whether the floor was reached)."""
        found: list[Mention] = []
        skipped = 0
        for thing in listing:
            try:
                mention = to_mention(vars(thing), comment=isinstance(thing, praw.models.Comment))
            except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
                skipped += 1
                self.log.warning(
                    "skipped malformed reddit item",
                    extra={"item": getattr(thing, "id", "?"), "error": repr(exc)},
                )
                continue
            if mention.created_at < floor:
                return found, skipped, True
            found.append(mention)
        return found, skipped, len(found) + skipped < self.scan_limit

    def _enrich(self, mention: Mention, people: RedditPeople) -> Mention:
        author = people.author(mention.author)
        size = mention.community_size or people.subscribers(mention.community)
        return replace(mention, author=author, community_size=size)


class RedditPeople:
    """Per-run, bounded lookups of author profiles and subreddit sizes; failures degrade to unknown."""

    def __init__(self, reddit: praw.Reddit, max_lookups: int) -> None:
        self.reddit = reddit
        self.budget = max_lookups
        self.authors: dict[str, Author | None] = {}
        self.sizes: dict[str, int | None] = {}
        self.errors: list[str] = []

    def author(self, author: Author) -> Author:
        if author.handle in ("", "[deleted]"):
            return author
        key = author.handle.lower()
        if key not in self.authors:
            self.authors[key] = self._lookup(lambda: self._profile(author))
        return self.authors[key] or author

    def subscribers(self, subreddit: str) -> int | None:
        key = subreddit.lower()
        if key and key not in self.sizes:
            about = self._lookup(lambda: vars(self.reddit.get(f"r/{subreddit}/about/")))
            self.sizes[key] = int(about["subscribers"]) if about and about.get("subscribers") else None
        return self.sizes.get(key)

    def _profile(self, author: Author) -> Author:
        data = vars(self.reddit.get(f"user/{author.handle}/about/"))
        if data.get("is_suspended"):
            return author
        karma = int(data["link_karma"]) + int(data["comment_karma"])
        created = datetime.fromtimestamp(float(data["created_utc"]), tz=UTC)
        return replace(author, karma=karma, account_created_at=created)

    def _lookup(self, read: Callable[[], _T]) -> _T | None:
        if self.budget <= 0:
            return None
        self.budget -= 1
        try:
            return read()
        except _GONE:
            return None
        except prawcore.exceptions.PrawcoreException as exc:
            # Enrichment is optional: note it, and stop asking a server that is failing.
            self.errors.append(f"reddit profile lookups stopped: {type(exc).__name__}")
            self.budget = 0
            return None


def to_mention(data: dict[str, Any], *, comment: bool) -> Mention:
    """One submission or comment (praw's data dict) as a Mention; raises on a malformed item."""
    created = datetime.fromtimestamp(float(data["created_utc"]), tz=UTC)
    author = data.get("author")
    handle = str(getattr(author, "name", "")) if author is not None else "[deleted]"
    subreddit = str(getattr(data["subreddit"], "display_name", data["subreddit"]))
    kind = "t1" if comment else "t3"
    size = data.get("subreddit_subscribers")
    return Mention(
        source=Source.REDDIT.value,
        native_id=f"{kind}_{data['id']}",
        created_at=created,
        text=plain_text(data["body"] if comment else data.get("selftext", "")),
        url=_WEB + str(data["permalink"]) if data.get("permalink") else "",
        author=Author(id=str(data.get("author_fullname") or handle), handle=handle),
        engagement=Engagement(score=int(data.get("score") or 0), comments=int(data.get("num_comments") or 0)),
        title="" if comment else plain_text(str(data["title"])),
        community=subreddit,
        community_size=int(size) if size else None,
    )


def _translate(exc: prawcore.exceptions.PrawcoreException) -> Exception:
    if isinstance(exc, prawcore.exceptions.OAuthException | prawcore.exceptions.Redirect):
        return InvalidConfig(f"reddit rejected the credentials or subreddit list: {type(exc).__name__}")
    if isinstance(exc, prawcore.exceptions.NotFound | prawcore.exceptions.Forbidden):
        return InvalidConfig(f"reddit: a configured subreddit is missing or private ({type(exc).__name__})")
    return SourceUnavailable(Source.REDDIT.value, f"{type(exc).__name__}: {exc}")
