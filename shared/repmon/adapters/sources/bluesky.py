"""BlueskySource: posts mentioning a brand, from `app.bsky.feed.searchPosts` through the account's PDS.

Never the public AppView (`public.api.bsky.app`), which refuses search: the search goes to the PDS
the session was made on, which proxies it to the AppView with the account's token. One search per
brand search term (sort=latest, `since` = the cursor's floor, 100 a page, `cursor` paging), newest
first, read down to the floor (`NewestFirstScan`) and filtered locally by the full brand query; the
shared time cursor (`domain.cursor`) picks the page and moves. Authors' followers come from
`app.bsky.actor.getProfiles`, 25 at a time, for the posts returned only, once per author per poll.

The session (`bluesky_session`) is kept in memory and stored sealed with the cursor; an expired
access token is refreshed (`refreshSession`), and only when that fails too is a new one made
(`createSession`, limited to tens per 5 minutes). 429 and 5xx are retried by the shared session,
which waits for `Retry-After` or `RateLimit-Reset` (adapters.http). An HTML 403 is Bluesky's edge
blocking search, not bad credentials: the poll fails and is retried later.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import requests

from repmon.adapters.http import LogSink
from repmon.adapters.item_fields import MalformedPage, each_item
from repmon.adapters.secrets import BlueskyCredentials
from repmon.adapters.sources.bluesky_own import read_own_posts
from repmon.adapters.sources.bluesky_parse import SOURCE, parse_profiles, parse_search, post_to_mention
from repmon.adapters.sources.bluesky_session import Tokens, seal, unseal
from repmon.domain.brand import Brand
from repmon.domain.cursor import Candidate, Cursor, NewestFirstScan, Served, TimeCursor, by_time
from repmon.domain.errors import InvalidConfig, SourceUnavailable
from repmon.domain.models import Engagement, Mention
from repmon.ports import SourcePage

if TYPE_CHECKING:  # the factory reads its settings; adapters never import the runtime
    from repmon.runtime.settings import CollectSettings

#: Errors with which the server says the access (or refresh) token is no longer good.
_EXPIRED = {"ExpiredToken", "InvalidToken", "AuthenticationRequired", "AuthMissing"}
PROFILES_PER_CALL = 25


class XrpcSession:
    """Authenticated XRPC calls on one PDS, with the session made, refreshed and remade as needed."""

    def __init__(self, service: str, credentials: BlueskyCredentials, http: requests.Session) -> None:
        self.service = service.rstrip("/")
        self.credentials = credentials
        self.http = http
        self.tokens: Tokens | None = None
        #: Sessions made and refreshed by this instance (tests and logs count them; never the tokens).
        self.created = 0
        self.refreshed = 0

    @property
    def _password(self) -> str:
        return self.credentials.app_password.get_secret_value()

    def restore(self, sealed: object) -> None:
        """Take the stored session if none is held (a cold start)."""
        if self.tokens is None:
            self.tokens = unseal(sealed, self._password, self.credentials.identifier)

    def sealed(self) -> str | None:
        return seal(self.tokens, self._password, self.credentials.identifier) if self.tokens else None

    def get(self, method: str, params: dict[str, Any] | list[tuple[str, str]]) -> Any:
        """GET /xrpc/<method> with the access token; a refused token is refreshed (or remade) once."""
        if self.tokens is None:
            self._create()
        response = self._call("GET", method, self._access(), params=params)
        if _expired(response):
            self._renew()
            response = self._call("GET", method, self._access(), params=params)
        return _json(response, method)

    def _access(self) -> str:
        assert self.tokens is not None
        return self.tokens.access

    def _renew(self) -> None:
        assert self.tokens is not None
        response = self._call("POST", "com.atproto.server.refreshSession", self.tokens.refresh)
        if response.ok:
            self.tokens = _tokens(_json(response, "refreshSession"))
            self.refreshed += 1
        else:
            self._create()

    def _create(self) -> None:
        body = {"identifier": self.credentials.identifier, "password": self._password}
        response = self._call("POST", "com.atproto.server.createSession", None, json_body=body)
        if response.status_code == 401:
            raise InvalidConfig("bluesky refused the handle or app password (createSession: 401)")
        if response.status_code == 429:
            raise SourceUnavailable(SOURCE, "createSession is rate limited (30 per 5 minutes, 300 a day)")
        self.tokens = _tokens(_json(response, "createSession"))
        self.created += 1

    def _call(
        self, verb: str, method: str, token: str | None, *, params: Any = None, json_body: Any = None
    ) -> requests.Response:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            return self.http.request(
                verb, f"{self.service}/xrpc/{method}", params=params, json=json_body, headers=headers
            )
        except requests.RequestException as exc:
            raise SourceUnavailable(SOURCE, f"{type(exc).__name__} on {method}") from exc


def _expired(response: requests.Response) -> bool:
    if response.status_code not in (400, 401):
        return False
    try:
        return response.json().get("error") in _EXPIRED
    except (ValueError, AttributeError):
        return response.status_code == 401


def _json(response: requests.Response, method: str) -> Any:
    if response.status_code == 403 and "html" in response.headers.get("Content-Type", ""):
        raise SourceUnavailable(SOURCE, f"{method}: blocked by Bluesky's edge (HTML 403); retried later")
    if not response.ok:
        raise SourceUnavailable(SOURCE, f"{method}: HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise SourceUnavailable(SOURCE, f"{method}: invalid JSON") from exc


def _tokens(body: Any) -> Tokens:
    try:
        return Tokens(str(body["did"]), str(body["accessJwt"]), str(body["refreshJwt"]))
    except (KeyError, TypeError) as exc:
        raise SourceUnavailable(SOURCE, "session response without tokens") from exc


@dataclass
class _Scan:
    found: list[Candidate] = field(default_factory=list)
    #: The position of every post read, matching or not, old or not: the cursor's evidence.
    read: list[float] = field(default_factory=list)
    skipped: int = 0
    complete: bool = True


class BlueskySource:
    """`MentionSource` for Bluesky post search (README, "Bluesky")."""

    name = SOURCE

    def __init__(
        self,
        xrpc: XrpcSession,
        *,
        logger: LogSink | None = None,
        overlap: timedelta = timedelta(minutes=15),
        first_poll_lookback: timedelta = timedelta(hours=24),
        page_size: int = 100,
        max_pages: int = 10,
    ) -> None:
        self.xrpc = xrpc
        self.log: LogSink = logger or logging.getLogger(__name__)
        self.overlap = overlap
        self.lookback = first_poll_lookback
        self.page_size = page_size
        self.max_pages = max_pages

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        settings = brand.sources.bluesky
        mark = TimeCursor.parse(cursor, now, self.lookback)
        self.xrpc.restore(_stored_session(cursor))
        overlap = self.overlap.total_seconds()
        total = _Scan()
        for term in brand.compiled.search_terms():
            scan = self._search(term, mark.floor(overlap), settings.lang, now)
            total.found += scan.found
            total.read += scan.read
            total.skipped += scan.skipped
            total.complete = total.complete and scan.complete
        own = read_own_posts(
            self.xrpc.get,
            settings.own_accounts,
            mark.floor(overlap),
            now,
            self.page_size,
            self.max_pages,
            self.log,
        )
        total.found += own.found
        total.read += own.read
        total.skipped += own.skipped
        total.complete = total.complete and own.complete
        # The brand's own posts are kept whatever they say: they are its replies (README, "Replies").
        matching = _unique(
            c
            for c in total.found
            if c.mention.native_id in own.ids or brand.compiled.matches(c.mention.full_text)
        )
        settled = (now - self.overlap).timestamp() if total.complete else None
        # Every post read is evidence, about the brand or not: an empty answer (a hiccup) moves nothing.
        served = Served.of(total.read)
        step = mark.advance(
            matching,
            limit=settings.max_items,
            overlap=overlap,
            settled=settled,
            served=served,
            now=now.timestamp(),
        )
        page, errors = self._with_followers(step.page)
        if not total.complete:
            errors.append(f"bluesky: over {self.max_pages} pages since the cursor; older posts may be missed")
        errors += [f"bluesky: {note}" for note in step.notes] + own.errors
        text = dump_cursor(step.cursor, self.xrpc.sealed())
        return SourcePage(page, text, skipped=total.skipped, truncated=step.truncated, errors=errors)

    #: app.bsky.feed.getPosts takes 25 uris a call.
    batch = 25

    def refresh(self, native_ids: Sequence[str]) -> dict[str, Engagement]:
        """The current likes, replies, reposts and quotes of these posts (at:// uris), in one getPosts
        call; a deleted post is absent."""
        uris = [u for u in native_ids[: self.batch] if u.startswith("at://")]
        if not uris:
            return {}
        body = self.xrpc.get("app.bsky.feed.getPosts", [("uris", u) for u in uris])
        posts = body.get("posts") if isinstance(body, dict) else None
        if not isinstance(posts, list):
            raise SourceUnavailable(self.name, "getPosts: not a posts response")
        mentions, _ = each_item(posts, post_to_mention, self.log, "bluesky post")
        return {m.native_id: m.engagement for m in mentions}

    def _search(self, term: str, floor: float, lang: str | None, now: datetime) -> _Scan:
        """All posts for `term` down to `floor`, newest first, a page at a time."""
        result, scan, after = _Scan(), NewestFirstScan(floor), ""
        since = datetime.fromtimestamp(max(floor, 0), UTC).isoformat(timespec="milliseconds")
        for _ in range(self.max_pages):
            params = {"q": term, "sort": "latest", "since": since.replace("+00:00", "Z")}
            params |= {"limit": str(self.page_size)} | ({"lang": lang} if lang else {})
            if after:
                params["cursor"] = after
            try:
                page = parse_search(self.xrpc.get("app.bsky.feed.searchPosts", params), self.log)
            except MalformedPage as exc:
                raise SourceUnavailable(self.name, f"searchPosts: {exc}") from exc
            result.skipped += page.skipped
            for mention in page.mentions:
                candidate = by_time(mention, now)
                result.read.append(candidate.position)
                if not scan.is_old(candidate.position):
                    result.found.append(candidate)
            if scan.done or not page.cursor or page.cursor == after or not page.size:
                return result
            after = page.cursor
        result.complete = False
        return result

    def _with_followers(self, page: list[Mention]) -> tuple[list[Mention], list[str]]:
        """The page with each author's followers (getProfiles, 25 a call); a failure leaves them unknown."""
        authors = list(dict.fromkeys(m.author.id for m in page))
        followers: dict[str, int] = {}
        for i in range(0, len(authors), PROFILES_PER_CALL):
            batch = [("actors", did) for did in authors[i : i + PROFILES_PER_CALL]]
            try:
                followers |= parse_profiles(self.xrpc.get("app.bsky.actor.getProfiles", batch))
            except (SourceUnavailable, MalformedPage) as exc:
                return [*page], [f"bluesky: follower lookups stopped: {exc}"]
        return [_followed(m, followers.get(m.author.id)) for m in page], []


def _followed(mention: Mention, followers: int | None) -> Mention:
    if followers is None:
        return mention
    return replace(mention, author=replace(mention.author, followers=followers))


def _unique(candidates: Any) -> list[Candidate]:
    """One candidate per post: two search terms often find the same one."""
    return list({c.key: c for c in candidates}.values())


def _stored_session(raw: str | None) -> object:
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        return None
    return data.get("session") if isinstance(data, dict) else None


def dump_cursor(cursor: Cursor, sealed: str | None) -> str:
    """The time cursor's JSON plus the sealed session (never the tokens in clear)."""
    return json.dumps({"v": 2, **cursor.dump(), **({"session": sealed} if sealed else {})}, sort_keys=True)


def build_source(settings: CollectSettings, session: requests.Session, log: LogSink) -> BlueskySource:
    """The registry's factory: reads the Bluesky secret (`SourceNotConfigured` until it exists)."""
    from repmon.adapters.aws import client as aws_client
    from repmon.adapters.secrets import load_bluesky_credentials

    secrets = aws_client("secretsmanager", settings.aws_max_attempts)
    credentials = load_bluesky_credentials(settings.bluesky_secret_name, client=secrets)
    service = credentials.service or settings.bluesky_service_url
    return BlueskySource(XrpcSession(service, credentials, session), logger=log)
