"""MastodonSource: a brand's mentions on the Mastodon instances it lists, read with their user tokens.

Per instance and poll: one full-text search per search term (`/api/v2/search?type=statuses`) and one
hashtag timeline per brand hashtag (`/api/v1/timelines/tag/:tag`), each with the instance's token.
The shared time cursor (`domain.cursor`) keeps the brand's position; every stream starts at the
cursor's floor, as a Mastodon id (`snowflake`: ids are milliseconds shifted left 16 bits).

- Timelines are read forward from that id (`min_id`: the page just after it), following the Link
  header's `rel="prev"` (its `min_id`, asked again of our own base URL, so a token never follows a
  link elsewhere). A timeline cut by the page bound sets a horizon: items of other streams newer
  than what it read are left for the next poll, so the cursor never passes an unread item.
- Search pages newest first by `offset` (it sends no Link header); one cut by the page bound says
  so in the poll's errors, as Reddit and Hacker News do.
- The same status through two instances is one mention: its id is the canonical `uri`.
- 429/5xx are retried by the session (`Retry-After` honoured); an instance whose
  `X-RateLimit-Remaining` falls to the reserve is not asked again this poll. An instance that fails
  is noted and skipped (its posts usually reach the others by federation); when all fail the poll
  fails and is retried.
- `refresh` reads the engagement of stored mentions again (mastodon_reread).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlsplit

import requests
from aws_lambda_powertools.utilities import parameters
from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

from repmon.adapters.http import LogSink, new_session
from repmon.adapters.item_fields import ITEM_ERRORS, MalformedPage
from repmon.adapters.secrets import read_secret
from repmon.adapters.sources.mastodon_own import read_own
from repmon.adapters.sources.mastodon_parse import (
    SOURCE,
    search_statuses,
    status_to_mention,
    timeline_statuses,
)
from repmon.adapters.sources.mastodon_reread import BATCH, Rereader, remaining
from repmon.domain.brand import Brand
from repmon.domain.cursor import Candidate, Cursor, Served, TimeCursor, by_time
from repmon.domain.errors import InvalidConfig, SourceUnavailable
from repmon.domain.models import Engagement
from repmon.domain.sources.mastodon import HASHTAG
from repmon.ports import SourcePage

if TYPE_CHECKING:  # the factory reads its settings; adapters never import the runtime
    from repmon.runtime.settings import CollectSettings

#: Mastodon's largest page for timelines and search.
PAGE_SIZE = 40
#: Requests left in an instance's 5-minute window below which it is not asked again this poll
#: (other brands' polls share the account's 300).
RATE_RESERVE = 10


def snowflake(epoch_seconds: float) -> str:
    """The smallest Mastodon id of a status created at `epoch_seconds` (ms << 16)."""
    return str(max(0, int(epoch_seconds * 1000)) << 16)


class Instance(BaseModel):
    """One instance: its base URL and a user access token (`read:search`, `read:statuses`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str
    token: SecretStr


@dataclass(frozen=True)
class _Cut:
    """A timeline cut by the page bound: where it stands, so the next poll resumes there."""

    key: str
    #: (position, local id) of each status it read.
    read: list[tuple[float, int]]
    #: The newest local id it read (the Link header's next `min_id`).
    last: int


@dataclass
class _Poll:
    found: list[Candidate] = field(default_factory=list)
    skipped: int = 0
    #: The newest position a timeline cut by the page bound read up to (None: none was cut).
    horizon: float | None = None
    cuts: list[_Cut] = field(default_factory=list)
    search_cut: bool = False
    failed: set[str] = field(default_factory=set)
    spent: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


class MastodonSource:
    """`MentionSource` for the Mastodon instances in the brand's `sources.mastodon.instances`."""

    name = SOURCE
    #: Statuses per re-read call (`refresh`: `GET /api/v1/statuses?id[]=` takes 20).
    batch = BATCH

    def __init__(
        self,
        instances: dict[str, Instance],
        session: requests.Session | None = None,
        *,
        logger: LogSink | None = None,
        overlap: timedelta = timedelta(minutes=15),
        first_poll_lookback: timedelta = timedelta(hours=24),
        max_pages: int = 5,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.instances = instances
        self.session = session or new_session()
        self.log: LogSink = logger or logging.getLogger(__name__)
        self.overlap = overlap
        self.lookback = first_poll_lookback
        #: Pages per stream and poll: a brand with 2 terms and 2 tags costs 4 requests per instance
        #: when quiet, 4 x max_pages at most.
        self.max_pages = max_pages
        self.page_size = page_size
        self.rereads = Rereader(instances, self.session, self.log)

    def for_brand(self, brand: Brand, now: datetime) -> MastodonSource:
        """Itself, for a new re-read (services.rereads, once a poll): its bounds start again."""
        self.rereads.start()
        return self

    def refresh(self, native_ids: Sequence[str]) -> dict[str, Engagement]:
        """The current favourites, boosts and replies of these statuses (by uri), each asked of the
        instance it lives on when that is one of ours (mastodon_reread); a deleted one is absent."""
        return self.rereads.refresh(native_ids)

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        settings = brand.sources.mastodon
        mark = TimeCursor.parse(cursor, now, self.lookback)
        overlap = self.overlap.total_seconds()
        floor = mark.floor(overlap)
        poll = _Poll()
        resume = _resume(cursor)
        hosts = [h for h in settings.instances if self._known(h, poll)]
        for host in hosts:
            streams = [("search", t) for t in brand.compiled.search_terms()] if settings.search else []
            for kind, value in streams + [("tag", t) for t in settings.hashtags]:
                if host in poll.failed or host in poll.spent:
                    break
                try:
                    if kind == "search":
                        self._search(host, value, floor, now, poll)
                    else:
                        start = max(int(snowflake(floor)), resume.get(_key(host, value), 0))
                        self._timeline(host, value, start, now, poll)
                except SourceUnavailable as exc:
                    poll.failed.add(host)
                    poll.errors.append(f"mastodon {host}: {exc}")
        if hosts and len(poll.failed) == len(hosts):
            raise SourceUnavailable(self.name, f"every instance failed; first: {poll.errors[-1]}")
        readable = [h for h in hosts if h not in poll.failed and h not in poll.spent]
        get = lambda host, path, params: self._get(host, path, params, poll)  # noqa: E731
        own, notes = read_own(get, settings.own_accounts, readable, snowflake(floor), now)
        poll.found += own
        poll.errors += notes
        own_ids = {c.mention.native_id for c in own}
        query = brand.compiled
        # The brand's own posts are kept whatever they say: they are its replies (README, "Replies").
        matching = [
            c for c in poll.found if c.mention.native_id in own_ids or query.matches(c.mention.full_text)
        ]
        if poll.horizon is not None:  # a timeline was cut: nothing newer than what it read moves on
            matching = [c for c in matching if c.position <= poll.horizon]
        complete = poll.horizon is None and not poll.failed and not poll.spent
        settled = (now - self.overlap).timestamp() if complete else None
        # Evidence the cursor moves on: every post read, matching or not, up to the horizon.
        top = float("inf") if poll.horizon is None else poll.horizon
        served = Served.of(c.position for c in poll.found if c.position <= top)
        step = mark.advance(
            matching,
            limit=settings.max_items,
            overlap=overlap,
            settled=settled,
            served=served,
            now=now.timestamp(),
        )
        if poll.search_cut:
            most = self.max_pages * self.page_size
            poll.errors.append(f"mastodon: search found over {most} posts; older ones may be missed")
        errors = poll.errors + [f"mastodon: {note}" for note in step.notes]
        truncated = step.truncated or poll.horizon is not None
        cap = poll.horizon if poll.horizon is not None else float("inf")
        if step.truncated:  # the per-run bound held some back: resume below the first of them
            returned = {m.native_id for m in step.page}
            cap = min(cap, max((c.position for c in matching if c.key in returned), default=floor))
        text = _dump(step.cursor, {cut.key: _resume_at(cut, cap) for cut in poll.cuts})
        return SourcePage(step.page, text, poll.skipped, truncated, errors)

    def _known(self, host: str, poll: _Poll) -> bool:
        if host in self.instances:
            return True
        poll.errors.append(f"mastodon {host}: no token for it in the secret; skipped")
        return False

    def _timeline(self, host: str, tag: str, start: int, now: datetime, poll: _Poll) -> None:
        """The tag's timeline forward from id `start`, a page at a time, up to `max_pages`."""
        if not HASHTAG.fullmatch(tag):
            raise InvalidConfig(f"hashtag {tag[:60]!r} is not valid; fix the watchlist")
        path = f"/api/v1/timelines/tag/{quote(tag, safe='')}"
        after = str(start)
        read: list[tuple[float, int]] = []
        for _ in range(self.max_pages):
            response = self._get(host, path, {"limit": self.page_size, "min_id": after}, poll)
            items = self._items(timeline_statuses, response, path)
            read += self._take(items, now, poll)
            following = _link_id(response, "prev", "min_id")
            if len(items) < self.page_size or following is None or following == after:
                return  # a short page is the newest there is
            after = following
            if host in poll.spent:
                break
        if read:
            newest = max(p for p, _ in read)
            poll.horizon = newest if poll.horizon is None else min(poll.horizon, newest)
        poll.cuts.append(_Cut(_key(host, tag), read, int(after)))

    def _search(self, host: str, term: str, floor: float, now: datetime, poll: _Poll) -> None:
        """Full-text search for `term` since the floor, newest first, up to `max_pages`."""
        params: dict[str, Any] = {"q": term, "type": "statuses", "limit": self.page_size}
        params["min_id"] = snowflake(floor)
        for page in range(self.max_pages):
            response = self._get(host, "/api/v2/search", {**params, "offset": page * self.page_size}, poll)
            items = self._items(search_statuses, response, "/api/v2/search")
            self._take(items, now, poll)
            if len(items) < self.page_size or host in poll.spent:
                return
        poll.search_cut = True

    def _take(self, items: list[Any], now: datetime, poll: _Poll) -> list[tuple[float, int]]:
        """Parse the page's statuses into the poll (bad ones skipped and counted): (position, local id)."""
        read: list[tuple[float, int]] = []
        for item in items:
            try:
                candidate = by_time(status_to_mention(item), now)
            except ITEM_ERRORS as exc:
                poll.skipped += 1
                self.log.warning("skipped malformed mastodon status", extra={"error": repr(exc)[:300]})
                continue
            poll.found.append(candidate)
            local = item.get("id")
            if isinstance(local, str) and local.isascii() and local.isdigit() and len(local) <= 20:
                read.append((candidate.position, int(local)))
        return read

    def _items(self, shape: Any, response: requests.Response, path: str) -> list[Any]:
        try:
            return list(shape(response.json()))
        except (ValueError, MalformedPage) as exc:
            raise SourceUnavailable(self.name, f"{path}: {exc}"[:200]) from exc

    def _get(self, host: str, path: str, params: dict[str, Any], poll: _Poll) -> requests.Response:
        instance = self.instances[host]
        url = instance.url.rstrip("/") + path
        headers = {"Authorization": f"Bearer {instance.token.get_secret_value()}"}
        try:
            response = self.session.get(url, params=params, headers=headers)
            if response.status_code in (401, 403):  # this instance only: the others are still read
                raise SourceUnavailable(self.name, f"{host} refused the token ({response.status_code})")
            response.raise_for_status()
        except requests.RequestException as exc:
            raise SourceUnavailable(self.name, f"{type(exc).__name__} on {host}{path}") from exc
        if remaining(response) <= RATE_RESERVE and host not in poll.spent:
            poll.spent.add(host)
            reset = response.headers.get("X-RateLimit-Reset", "")[:40]
            poll.errors.append(
                f"mastodon {host}: rate limit nearly spent (resets {reset}); stopped for this poll"
            )
        return response


def _key(host: str, tag: str) -> str:
    return f"{host} #{tag.lower()}"


def _resume_at(cut: _Cut, cap: float) -> int:
    """Where a cut timeline resumes: below the first status it read that was not returned (newer
    than `cap`), else after the newest it read."""
    later = [local for position, local in cut.read if position > cap]
    return min(later) - 1 if later else cut.last


def _resume(raw: str | None) -> dict[str, int]:
    """The cut timelines' resume ids kept in the cursor; anything unreadable is ignored."""
    try:
        found = json.loads(raw or "{}").get("timelines") or {}
        return {str(k): int(v) for k, v in dict(found).items() if 0 <= int(v) < 2**63}
    except (TypeError, ValueError, AttributeError, OverflowError):
        return {}


def _dump(cursor: Cursor, resume: dict[str, int]) -> str:
    data = json.loads(TimeCursor.dump(cursor))
    if resume:
        data["timelines"] = {k: str(v) for k, v in resume.items()}  # not "resume": the Cursor's own
    return json.dumps(data, sort_keys=True)


def _link_id(response: requests.Response, rel: str, key: str) -> str | None:
    """The `key` id (min_id, max_id) of the Link header's `rel` link, if it is a plain number."""
    try:
        url = response.links.get(rel, {}).get("url", "")
        value = parse_qs(urlsplit(url).query).get(key, [""])[-1]
    except ITEM_ERRORS:
        return None
    return value if value.isascii() and value.isdigit() and len(value) <= 20 else None


def load_instances(
    name: str, *, provider: parameters.SecretsProvider | None = None, client: Any = None, max_age: int = 300
) -> dict[str, Instance]:
    """Secret `name`: {"instances": {host: token | {"url", "token"}}}; a bare token means https://host.

    Read through Powertools Parameters (cached `max_age` s); `SourceNotConfigured` if it does not exist.
    """
    raw = read_secret(name, provider=provider, client=client, max_age=max_age)
    entries = raw.get("instances") if isinstance(raw, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise InvalidConfig(f"secret {name!r} has no 'instances' object")
    found: dict[str, Instance] = {}
    for host, entry in entries.items():
        value = {"url": f"https://{host}", "token": entry} if isinstance(entry, str) else entry
        try:
            found[str(host).lower()] = Instance.model_validate(value)
        except ValidationError:
            # Name the instance only: pydantic's message would echo the token.
            raise InvalidConfig(
                f"secret {name!r}: instance {str(host)[:60]!r} needs a url and a token"
            ) from None
    return found


def build_source(settings: CollectSettings, session: requests.Session, log: LogSink) -> MastodonSource:
    """The registry's factory: reads the instances' tokens (`SourceNotConfigured` until they exist)."""
    from repmon.adapters.aws import client as aws_client

    secrets = aws_client("secretsmanager", settings.aws_max_attempts)
    return MastodonSource(load_instances(settings.mastodon_secret_name, client=secrets), session, logger=log)
