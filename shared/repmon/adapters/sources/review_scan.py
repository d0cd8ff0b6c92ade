"""What the review sources share: reading each of a brand's locations newest first, one cursor each.

A brand has many locations (business units, Google locations, Yelp businesses); each is its own
stream with the shared cursor (`domain.cursor.Cursor`, the review's date as its position), kept
together in one JSON cursor per (brand, source). Per location and poll: pages newest first until the
scan is past the cursor's floor (`NewestFirstScan`) or the listing ends, then `Cursor.advance` picks
the oldest `max_items` new reviews (the rest next poll; an empty page while behind holds).

One location's fault stays its own (`poll_locations`):
- the site does not know its id (404), or refuses it (another 4xx: a plan without reviews, a bad
  key): a note naming the location and the site's error code, in the job's errors (logged, and the
  `SourceErrors` metric); its cursor is kept, the others are read, nothing is retried;
- the site is down (5xx, 429 after the session's retries, a timeout, a page over the cap): noted
  too; when no location could be read at all, the poll fails and SQS retries it.
Error bodies are described by their code only, never their text: Yelp's echoes the Authorization
header it refused (shared/fixtures/yelp).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests

from repmon.adapters.item_fields import ITEM_ERRORS, MalformedPage
from repmon.domain.cursor import Candidate, Cursor, NewestFirstScan, Served
from repmon.domain.errors import SourceUnavailable
from repmon.domain.models import Mention


class LocationRefused(Exception):
    """The site answered 4xx for this location: unknown id (404), or not allowed; retrying won't help."""


@dataclass(frozen=True)
class ReviewPage:
    """One page of a location's reviews, newest first: what parsed, what was skipped, the next page."""

    candidates: list[Candidate]
    skipped: int = 0
    #: The next page's token (page number, offset, pageToken); None: this was the last.
    next: str | None = None


#: Reads one page of a location: (location id, page token or None for the first) -> ReviewPage.
PageReader = Callable[[str, str | None], ReviewPage]


@dataclass
class ReviewPoll:
    mentions: list[Mention] = field(default_factory=list)
    skipped: int = 0
    truncated: bool = False
    errors: list[str] = field(default_factory=list)
    read: int = 0
    failed: list[SourceUnavailable] = field(default_factory=list)


@dataclass
class ReviewState:
    """Each location's cursor and when it was last read (for sources polled rarely)."""

    cursors: dict[str, Cursor] = field(default_factory=dict)
    polled: dict[str, float] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: str | None) -> ReviewState:
        """The stored state; anything unreadable (a location's or the whole) starts afresh."""
        state = cls()
        try:
            data = json.loads(raw) if raw else {}
            for key, value in dict(data.get("locations") or {}).items():
                state.cursors[str(key)] = Cursor.load(value, Cursor())
            state.polled = {str(k): float(v) for k, v in dict(data.get("polled") or {}).items()}
        except (TypeError, ValueError, AttributeError, ArithmeticError):
            return cls()
        return state

    def dump(self, keep: Iterable[str]) -> str:
        """As JSON, only the locations still watched (a removed one's cursor goes with it)."""
        watched = set(keep)
        data: dict[str, object] = {
            "v": 1,
            "locations": {k: c.dump() for k, c in sorted(self.cursors.items()) if k in watched},
        }
        polled = {k: v for k, v in sorted(self.polled.items()) if k in watched}
        if polled:
            data["polled"] = polled
        return json.dumps(data, sort_keys=True)

    def cursor(self, location: str, now: datetime, lookback: timedelta) -> Cursor:
        return self.cursors.get(location) or Cursor.start((now - lookback).timestamp())

    def due(self, location: str, now: datetime, every: timedelta) -> bool:
        last = self.polled.get(location)
        return last is None or now.timestamp() - last >= every.total_seconds()


@dataclass(frozen=True)
class Scan:
    """How each location is read: page bound, per-run limit, overlap, first-poll lookback."""

    source: str
    max_pages: int
    limit: int
    overlap: timedelta = timedelta(hours=1)
    lookback: timedelta = timedelta(days=7)
    #: Remember when each location was read (for sources read at most once per interval: `due`).
    timed: bool = False


def poll_locations(
    locations: Iterable[str], read: PageReader, state: ReviewState, scan: Scan, now: datetime
) -> ReviewPoll:
    """Every location read (`scan_location`), each fault kept to its location (module docstring)."""
    poll = ReviewPoll()
    for location in locations:
        try:
            scan_location(location, read, state, scan, now, poll)
            poll.read += 1
        except LocationRefused as exc:
            poll.errors.append(f"{scan.source} {location}: {exc}")
        except SourceUnavailable as exc:
            poll.failed.append(exc)
            poll.errors.append(f"{scan.source} {location}: {exc}")
    if poll.failed and not poll.read:
        raise poll.failed[0]
    return poll


def scan_location(
    location: str, read: PageReader, state: ReviewState, scan: Scan, now: datetime, poll: ReviewPoll
) -> None:
    """One location's new reviews into `poll`, its cursor moved in `state` (only if all went well)."""
    mark = state.cursor(location, now, scan.lookback)
    overlap = scan.overlap.total_seconds()
    newest_first = NewestFirstScan(mark.floor(overlap))
    seen: list[Candidate] = []
    skipped, token, complete = 0, None, False
    for _ in range(scan.max_pages):
        page = read(location, token)
        skipped += page.skipped
        for candidate in page.candidates:
            newest_first.is_old(candidate.position)
            seen.append(candidate)
        token = page.next
        if newest_first.done or token is None:
            complete = True
            break
    if not complete:
        most = scan.max_pages
        poll.errors.append(f"{scan.source} {location}: more new reviews than {most} pages; older ones missed")
    found = [c for c in seen if c.position >= mark.floor(overlap)]
    step = mark.advance(
        found,
        limit=scan.limit,
        overlap=overlap,
        settled=(now - scan.overlap).timestamp(),
        served=Served.of(c.position for c in seen),
        now=now.timestamp(),
    )
    state.cursors[location] = step.cursor
    if scan.timed:
        state.polled[location] = now.timestamp()
    poll.mentions.extend(step.page)
    poll.skipped += skipped
    poll.truncated = poll.truncated or step.truncated
    poll.errors.extend(f"{scan.source} {location}: {note}" for note in step.notes)


def get_json(
    session: requests.Session,
    source: str,
    url: str,
    what: str,
    *,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """GET and decode; 4xx (not 429) is `LocationRefused`, anything else left after the session's
    retries `SourceUnavailable`. `what` names the request in messages (never the URL: it may hold a key)."""
    try:
        response = session.get(url, params=params, headers=headers)
    except requests.RequestException as exc:
        raise SourceUnavailable(source, f"{type(exc).__name__} on {what}") from exc
    status = response.status_code
    if status == 404:
        raise LocationRefused(f"not found (404{error_code(response)}): is the id right? fix the watchlist")
    if 400 <= status < 500 and status != 429:
        raise LocationRefused(f"refused ({status}{error_code(response)})")
    if status >= 400:
        raise SourceUnavailable(source, f"HTTP {status}{error_code(response)} on {what}")
    try:
        return response.json()
    except ValueError as exc:
        raise SourceUnavailable(source, f"invalid JSON on {what}") from exc


_CODE = re.compile(r"[A-Za-z0-9_.-]{1,60}")


def error_code(response: requests.Response) -> str:
    """', CODE' from an error body's code (Yelp `error.code` and `error.field`, Google
    `error.status`, Trustpilot `errorCode`), only when it looks like a code: never free text."""
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    parts: list[Any] = []
    if isinstance(error, dict):
        parts = [error.get("code"), error.get("status")]
        if error.get("field"):
            parts.append(f"field {error.get('field')}")
    elif isinstance(body, dict):
        parts = [body.get("errorCode"), error]
    words = [str(p) for p in parts if isinstance(p, str | int) and not isinstance(p, bool)]
    kept = [w for w in dict.fromkeys(words) if _CODE.fullmatch(w.removeprefix("field "))]
    kept = [w for w in kept if w != str(response.status_code)]
    return "".join(f", {w}" for w in kept[:3])


def page_of(
    body: Any,
    key: str,
    convert: Callable[[Any], Candidate],
    log: Any,
    what: str,
    **context: object,
) -> tuple[list[Candidate], int]:
    """The body's `key` list converted one item at a time (bad ones skipped and counted);
    `MalformedPage` when the body is not that shape at all."""
    from repmon.adapters.item_fields import each_item

    if not isinstance(body, dict):
        raise MalformedPage(f"not a {what} page")
    items = body.get(key)
    items = [] if items is None else items  # Google leaves the key out when there are none
    if not isinstance(items, list):
        raise MalformedPage(f"{key!r} is not a list")
    return each_item(items, convert, log, what, **context)


__all__ = ["ITEM_ERRORS", "LocationRefused", "PageReader", "ReviewPage", "ReviewPoll", "ReviewState", "Scan"]


def stars(value: Any, *, top: int = 5) -> int:
    """A star rating 1..top (a number or its digits); 0, 11, 4.5, true or text raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, int | str | float):
        raise TypeError("a rating must be a number")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"rating {value!r} is not whole stars")
    number = int(value.strip()) if isinstance(value, str) else int(value)
    if not 1 <= number <= top:
        raise ValueError(f"rating {number} out of range 1-{top}")
    return number
