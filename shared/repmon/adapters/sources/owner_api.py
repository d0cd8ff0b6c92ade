"""What the app stores' owner APIs share (App Store Connect, Google Play): a bearer token that may end
early, and a newest-first listing paged by a token, read down to the shared time cursor's floor.

- `OwnerApi.get`: a 401 makes a new token once (clock skew, a key revoked early); a 401 or 403 left
  after that, or an app the API does not know (404), is `InvalidConfig` naming the app and the fix
  (retrying cannot help); anything else left after the session's retries (429/5xx with
  `Retry-After`) is `SourceUnavailable`. Messages name the endpoint, never the URL.
- `read_newest_first`: pages until the scan is past the floor (`NewestFirstScan`), the listing ends
  (no next token, the same token again, an empty page) or `max_pages`; every item read is evidence
  for the cursor (`Served`), the ones above the floor are its candidates.
- `advance`: the cursor moved over what was read, settled only when the scan reached the floor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import requests

from repmon.domain.cursor import Advance, Candidate, Cursor, NewestFirstScan, Served, by_time
from repmon.domain.errors import InvalidConfig, SourceUnavailable
from repmon.domain.models import Mention


class BearerToken(Protocol):
    def bearer(self) -> str: ...

    def forget(self) -> None: ...


@dataclass(frozen=True)
class Endpoint:
    """One app's reviews endpoint, as its messages name it."""

    source: str
    #: The endpoint in messages ("reviews.list").
    what: str
    #: After "<source>: ", before " (403); ": who may not read what.
    refused: str
    #: After the status: how to fix the refusal.
    fix: str
    #: After "<source>: ": the app is not known to the API.
    unknown: str


class OwnerApi:
    """GETs of one endpoint with a bearer token; `calls` counts the requests made (quotas)."""

    def __init__(self, session: requests.Session, token: BearerToken, endpoint: Endpoint) -> None:
        self.session = session
        self.token = token
        self.endpoint = endpoint
        self.calls = 0

    def get(self, url: str, params: dict[str, str] | None) -> Any:
        e = self.endpoint
        response = self._call(url, params)
        if response.status_code == 401:  # expired or revoked early: one new token, once
            self.token.forget()
            response = self._call(url, params)
        if response.status_code in (401, 403):
            raise InvalidConfig(f"{e.source}: {e.refused} ({response.status_code}); {e.fix}")
        if response.status_code == 404:
            raise InvalidConfig(f"{e.source}: {e.unknown}; fix the watchlist")
        try:
            response.raise_for_status()
            return response.json()
        except requests.RequestException as exc:
            raise SourceUnavailable(e.source, f"{type(exc).__name__} on {e.what}") from exc
        except ValueError as exc:
            raise SourceUnavailable(e.source, f"invalid JSON from {e.what}") from exc

    def _call(self, url: str, params: dict[str, str] | None) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token.bearer()}", "Accept": "application/json"}
        self.calls += 1
        try:
            return self.session.get(url, params=params, headers=headers)
        except requests.RequestException as exc:
            raise SourceUnavailable(
                self.endpoint.source, f"{type(exc).__name__} on {self.endpoint.what}"
            ) from exc


@dataclass
class PageScan:
    found: list[Candidate] = field(default_factory=list)
    read: list[float] = field(default_factory=list)
    skipped: int = 0
    #: False: `max_pages` ran out before the floor or the listing's end.
    complete: bool = True


#: One page: (page token, "" for the first) -> (its mentions, items skipped as malformed, next token
#: or "" on the last page).
PageReader = Callable[[str], tuple[list[Mention], int, str]]


def read_newest_first(read: PageReader, floor: float, max_pages: int, now: datetime) -> PageScan:
    """Pages newest first down to `floor`, or `max_pages` (module docstring)."""
    scan, old, token = PageScan(), NewestFirstScan(floor), ""
    for _ in range(max_pages):
        mentions, bad, after = read(token)
        scan.skipped += bad
        for mention in mentions:
            candidate = by_time(mention, now)
            scan.read.append(candidate.position)
            if not old.is_old(candidate.position):
                scan.found.append(candidate)
        if old.done or not after or after == token or not (mentions or bad):
            return scan
        token = after
    scan.complete = False
    return scan


def advance(mark: Cursor, scan: PageScan, limit: int, overlap: timedelta, now: datetime) -> Advance:
    """The cursor over what `scan` read; settled up to `overlap` ago only when the scan was complete."""
    return mark.advance(
        scan.found,
        limit=limit,
        overlap=overlap.total_seconds(),
        settled=(now - overlap).timestamp() if scan.complete else None,
        served=Served.of(scan.read),
        now=now.timestamp(),
    )
