"""PrawRedditSource: brand mentions from Reddit search (submissions) and subreddit comment listings.

praw does the OAuth, paging (`after`) and rate limiting (prawcore's limiter); the session under it
(`adapters.http.new_session`) retries 429/5xx. This module turns praw objects into `Mention`s, reading
their fetched data (`vars(obj)`) rather than attributes: a missing attribute on a lazy praw object
would trigger one more request per item.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

import praw
import prawcore
import requests

from repmon.adapters.http import LogSink, new_session, plain_text
from repmon.adapters.item_fields import (
    MalformedPage,
    count,
    each_item,
    epoch_date,
    path_segment,
    text,
)
from repmon.adapters.secrets import RedditCredentials
from repmon.domain.brand import Brand
from repmon.domain.cursor import Candidate, NewestFirstScan, Served, TimeCursor, by_time
from repmon.domain.errors import InvalidConfig, SourceUnavailable
from repmon.domain.models import Author, Engagement, Mention, Source
from repmon.domain.sources.reddit import SUBREDDIT_NAME
from repmon.ports import SourcePage

if TYPE_CHECKING:  # the factory reads its settings; adapters never import the runtime
    from repmon.runtime.settings import CollectSettings

_WEB = "https://www.reddit.com"
_LOG = logging.getLogger(__name__)
#: Reddit ids are base 36; thirteen digits is far beyond any id it will issue this century.
_THING_ID = re.compile(r"[0-9a-z]{1,13}")
_PARENT_ID = re.compile(r"t[13]_[0-9a-z]{1,13}")
#: Reddit's username rule: 3-20 letters, digits, '_' or '-'.
_USERNAME = re.compile(r"[A-Za-z0-9_-]{3,20}")
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
    OSError,
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
    """`MentionSource` for Reddit: keyword search sorted by new, plus recent comments filtered locally.

    Listings are read as raw JSON through praw's authenticated `request` and parsed item by item
    (`parse_listing`): praw's own listing objects are built a page at a time, so one malformed child
    would fail the whole page, every retry, for good.
    """

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
        mark = TimeCursor.parse(cursor, now, self.lookback)
        base = "r/" + "+".join(
            path_segment(s, SUBREDDIT_NAME, "subreddit") for s in settings.subreddits or ["all"]
        )
        search = {"q": " OR ".join(query.search_terms()), "sort": "new", "syntax": "lucene", "t": "all"}
        search["restrict_sr"] = str(bool(settings.subreddits))
        scans = [(f"{base}/search/", search)] + (
            [(f"{base}/comments/", {})] if settings.include_comments else []
        )
        total = _Scan()
        try:
            for path, params in scans:
                scan = self._scan(path, params, mark.floor(self.overlap.total_seconds()), now)
                total.found += scan.found
                total.skipped += scan.skipped
                total.served += scan.served
                total.complete = total.complete and scan.complete
        except prawcore.exceptions.PrawcoreException as exc:
            raise _translate(exc) from exc
        own, own_errors = self._own_comments(
            settings.own_accounts, mark.floor(self.overlap.total_seconds()), now
        )
        total.found += own.found
        total.skipped += own.skipped
        total.served += own.served
        total.complete = total.complete and own.complete
        own_ids = {c.mention.native_id for c in own.found}
        found, skipped, complete = total.found, total.skipped, total.complete
        # The brand's own comments are kept whatever they say: they are its replies (README, "Replies").
        matching = [c for c in found if c.mention.native_id in own_ids or query.matches(c.mention.full_text)]
        settled = (now - self.overlap).timestamp() if complete else None
        step = mark.advance(
            matching,
            limit=settings.max_items,
            overlap=self.overlap.total_seconds(),
            settled=settled,
            served=Served.of(total.served),
            now=now.timestamp(),
        )
        people = RedditPeople(self.reddit, self.max_author_lookups)
        enriched = [self._enrich(m, people) for m in step.page]
        # Reddit serves the newest ~1000 items of a listing and no more: say so rather than hide a gap.
        gap = (
            []
            if complete
            else [f"reddit: over {self.scan_limit} items since the cursor; older ones may be missed"]
        )
        errors = gap + [f"reddit: {note}" for note in step.notes] + people.errors + own_errors
        return SourcePage(
            enriched, TimeCursor.dump(step.cursor), skipped=skipped, truncated=step.truncated, errors=errors
        )

    #: Reddit's /api/info takes 100 fullnames a call.
    batch = 100

    def refresh(self, native_ids: Sequence[str]) -> dict[str, Engagement]:
        """The current score and comment count of these posts and comments (t3_/t1_ fullnames), in one
        /api/info call: what praw's `reddit.info` asks, read raw as the listings are, so one malformed
        child is skipped alone. Deleted or removed things are absent."""
        try:
            body = self.reddit.request(
                method="GET", path="api/info/", params={"id": ",".join(native_ids[: self.batch])}
            )
        except prawcore.exceptions.PrawcoreException as exc:
            raise _translate(exc) from exc
        try:
            page = parse_listing(body, self.log)
        except MalformedPage as exc:
            raise SourceUnavailable(self.name, f"api/info: {exc}") from exc
        return {m.native_id: m.engagement for m in page.mentions}

    def _own_comments(
        self, accounts: tuple[str, ...], floor: float, now: datetime
    ) -> tuple[_Scan, list[str]]:
        """Each own account's comments down to `floor` (its user listing: a search for the brand's
        terms misses "Sorry, DM us"); an account Reddit does not serve is noted, the poll goes on."""
        total, errors = _Scan(), []
        for name in accounts:
            try:
                scan = self._scan(f"user/{quote(name, safe='')}/comments/", {}, floor, now)
            except _GONE as exc:
                errors.append(f"reddit: own account u/{name} not read ({type(exc).__name__})")
                continue
            except prawcore.exceptions.PrawcoreException as exc:
                raise _translate(exc) from exc
            total.found += scan.found
            total.skipped += scan.skipped
            total.served += scan.served
            total.complete = total.complete and scan.complete
        return total, errors

    def _scan(self, path: str, params: dict[str, str], floor: float, now: datetime) -> _Scan:
        """Read a newest-first listing down to `floor`, a page of 100 at a time, item by item."""
        result, scan, after, read = _Scan(), NewestFirstScan(floor), "", 0
        while read < self.scan_limit:
            body = self.reddit.request(
                method="GET", path=path, params={**params, "limit": 100, "after": after}
            )
            try:
                page = parse_listing(body, self.log)
            except MalformedPage as exc:
                raise SourceUnavailable(self.name, f"{path}: {exc}") from exc
            result.skipped += page.skipped
            read += page.skipped
            for mention in page.mentions:
                read += 1
                candidate = by_time(mention, now)
                result.served.append(candidate.position)
                if not scan.is_old(candidate.position):
                    result.found.append(candidate)
                if scan.done or read >= self.scan_limit:
                    result.complete = scan.done
                    return result
            if not page.after or page.after == after or not (page.mentions or page.skipped):
                # The listing ended: everything it holds was read. An empty one is no evidence
                # (`served` stays empty), so the cursor does not move on it.
                return result
            after = page.after
        result.complete = False
        return result

    def _enrich(self, mention: Mention, people: RedditPeople) -> Mention:
        author = people.author(mention.author)
        size = mention.community_size or people.subscribers(mention.community)
        return replace(mention, author=author, community_size=size)


@dataclass
class _Scan:
    found: list[Candidate] = field(default_factory=list)
    skipped: int = 0
    #: The positions of every item read, old or not, matching or not: what the cursor moves on.
    served: list[float] = field(default_factory=list)
    #: The scan reached the floor or the end of the listing (nothing older was left unread).
    complete: bool = True


@dataclass(frozen=True)
class Listing:
    mentions: list[Mention]
    skipped: int
    after: str | None


def parse_listing(body: Any, log: LogSink | None = None) -> Listing:
    """A Reddit Listing's children as Mentions, newest first; a malformed child is skipped and counted.

    Raises `MalformedPage` only when the body is not a Listing at all.
    """
    data = body.get("data") if isinstance(body, dict) and body.get("kind") == "Listing" else None
    children = data.get("children") if isinstance(data, dict) else None
    if not isinstance(children, list):
        raise MalformedPage("not a Listing")
    after = data.get("after") if isinstance(data, dict) else None
    mentions, skipped = each_item(children, _child_to_mention, log or _LOG, "reddit item")
    return Listing(mentions, skipped, after if isinstance(after, str) and after else None)


def _child_to_mention(child: Any) -> Mention:
    if not (
        isinstance(child, dict) and child.get("kind") in ("t1", "t3") and isinstance(child.get("data"), dict)
    ):
        raise ValueError("not a submission or comment")
    return to_mention(child["data"], comment=child["kind"] == "t1")


class RedditPeople:
    """Per-run, bounded lookups of author profiles and subreddit sizes; failures degrade to unknown."""

    def __init__(self, reddit: praw.Reddit, max_lookups: int) -> None:
        self.reddit = reddit
        self.budget = max_lookups
        self.authors: dict[str, Author | None] = {}
        self.sizes: dict[str, int | None] = {}
        self.errors: list[str] = []

    def author(self, author: Author) -> Author:
        if not _USERNAME.fullmatch(author.handle):
            return author  # "[deleted]", or a name that is not Reddit's and must not reach a URL
        key = author.handle.lower()
        if key not in self.authors:
            self.authors[key] = self._lookup(lambda: self._profile(author))
        return self.authors[key] or author

    def subscribers(self, subreddit: str) -> int | None:
        key = subreddit.lower()
        if key and key not in self.sizes and SUBREDDIT_NAME.fullmatch(subreddit) and subreddit.isascii():
            about = self._lookup(lambda: vars(self.reddit.get(f"r/{quote(subreddit, safe='')}/about/")))
            self.sizes[key] = count(about.get("subscribers")) or None if about else None
        return self.sizes.get(key)

    def _profile(self, author: Author) -> Author:
        data = vars(self.reddit.get(f"user/{quote(author.handle, safe='')}/about/"))
        if data.get("is_suspended"):
            return author
        karma = count(data["link_karma"]) + count(data["comment_karma"])
        created = epoch_date(data["created_utc"])
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
    """One submission or comment (a Listing child's `data`) as a Mention; raises ITEM_ERRORS if malformed."""
    thing_id = text(data["id"])
    if not _THING_ID.fullmatch(thing_id):
        raise ValueError(f"id {thing_id[:40]!r} is not a Reddit id")
    created = epoch_date(data["created_utc"])
    author = data.get("author")
    # praw objects (Redditor, Subreddit) where a caller passes praw data; plain text in raw listings.
    handle = text(getattr(author, "name", author)) if author is not None else "[deleted]"
    subreddit = text(getattr(data["subreddit"], "display_name", data["subreddit"]))
    kind = "t1" if comment else "t3"
    size = count(data.get("subreddit_subscribers"))
    permalink = data.get("permalink")
    return Mention(
        source=Source.REDDIT.value,
        native_id=f"{kind}_{thing_id}",
        created_at=created,
        text=plain_text(_str(data["body"] if comment else data.get("selftext"))),
        url=_WEB + text(permalink, 2000) if permalink else "",
        author=Author(id=text(data.get("author_fullname") or handle), handle=handle),
        engagement=Engagement(score=count(data.get("score")), comments=count(data.get("num_comments"))),
        title="" if comment else plain_text(_str(data["title"], required=True)),
        community=subreddit,
        community_size=size if size > 0 else None,
        parent_id=_parent(data) if comment else "",
    )


def _parent(data: dict[str, Any]) -> str:
    """A comment's parent thing (t3_ the post, t1_ a comment) as its native_id is written; else ""."""
    parent = data.get("parent_id")
    return parent if isinstance(parent, str) and _PARENT_ID.fullmatch(parent) else ""


def _str(value: Any, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _translate(exc: prawcore.exceptions.PrawcoreException) -> Exception:
    if isinstance(exc, prawcore.exceptions.OAuthException | prawcore.exceptions.Redirect):
        return InvalidConfig(f"reddit rejected the credentials or subreddit list: {type(exc).__name__}")
    if isinstance(exc, prawcore.exceptions.NotFound | prawcore.exceptions.Forbidden):
        return InvalidConfig(f"reddit: a configured subreddit is missing or private ({type(exc).__name__})")
    return SourceUnavailable(Source.REDDIT.value, f"{type(exc).__name__}: {exc}")


def build_source(settings: CollectSettings, session: requests.Session, log: LogSink) -> PrawRedditSource:
    """The registry's factory: reads the Reddit secret (`SourceNotConfigured` until it exists)."""
    from repmon.adapters.aws import client as aws_client
    from repmon.adapters.secrets import load_reddit_credentials

    # A client for this endpoint: Powertools' default provider is bound to the first one it saw.
    secrets = aws_client("secretsmanager", settings.aws_max_attempts)
    credentials = load_reddit_credentials(settings.reddit_secret_name, client=secrets)
    reddit = build_reddit(credentials, settings.reddit_oauth_url, settings.reddit_url, session)
    return PrawRedditSource(reddit, logger=log)
