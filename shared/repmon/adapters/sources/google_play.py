"""GooglePlaySource: reviews of the brand's own Android app, from the Play Developer API's `reviews.list`.

`GET {api}/androidpublisher/v3/applications/{package}/reviews` with a service account's bearer token
(`google_token`), 100 reviews a page, newest modified first, paged by `tokenPagination`
(`nextPageToken`; a response without it is the last page, as Google has been seen to omit it). A
poll reads pages down to the shared time cursor's floor (`domain.cursor`, position = the review's
`lastModified`) or `max_pages`, whichever first. Play lists only the last 7 days, so the first poll
reads the whole week, and a cursor older than that says, in the job's errors, that reviews may have
been lost in between (the poll interval is bounded far inside the week: `runtime.settings`).

Quota: 200 GETs per app and hour, shared with anything else reading the app's reviews (Play Console
tools, a reply bot): repmon counts its own reads of the app in the cursor and takes at most
`hourly_budget` (150) in a clock hour; a poll that finds it spent reads nothing, keeps its cursor
and says so, and the next hour reads on. At the default 15-minute polls and 5 pages, it uses 20.
A 429 or 5xx is retried by the shared session with `Retry-After`; a 401 drops the cached token and
retries once with a new one. A package Play does not know (404), or one the service account may not
read (403), is a clear error on the job, and the cursor stays. Reviews are about the app itself:
the brand query does not filter them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import requests

from repmon.adapters.http import LogSink
from repmon.adapters.item_fields import MalformedPage, path_segment
from repmon.adapters.sources.google_play_parse import SOURCE, page_reviews, parse_reviews
from repmon.adapters.sources.google_token import GoogleToken, ServiceAccount
from repmon.domain.brand import Brand
from repmon.domain.cursor import Candidate, NewestFirstScan, Served, TimeCursor, by_time
from repmon.domain.errors import InvalidConfig, SourceUnavailable
from repmon.domain.sources.google_play import PACKAGE_NAME
from repmon.ports import SourcePage

if TYPE_CHECKING:  # the factory reads its settings; adapters never import the runtime
    from repmon.runtime.settings import CollectSettings

#: What `reviews.list` keeps: reviews created or modified in the last week.
WINDOW = timedelta(days=7)
PAGE_SIZE = 100
#: Of Play's 200 reads an hour per app, what repmon takes: the rest is left to the owner's other tools.
HOURLY_BUDGET = 150


@dataclass
class _Scan:
    found: list[Candidate] = field(default_factory=list)
    read: list[float] = field(default_factory=list)
    skipped: int = 0
    complete: bool = True


class GooglePlaySource:
    """`MentionSource` for Google Play reviews (README, "Google Play")."""

    name = SOURCE

    def __init__(
        self,
        token: GoogleToken,
        session: requests.Session,
        api_url: str = "https://androidpublisher.googleapis.com",
        *,
        logger: LogSink | None = None,
        overlap: timedelta = timedelta(minutes=15),
        page_size: int = PAGE_SIZE,
        hourly_budget: int = HOURLY_BUDGET,
    ) -> None:
        self.token = token
        self.hourly_budget = hourly_budget
        #: Requests to the reviews endpoint this poll (the hourly budget counts them).
        self.calls = 0
        self.session = session
        self.api_url = api_url.rstrip("/")
        self.log: LogSink = logger or logging.getLogger(__name__)
        self.overlap = overlap
        self.page_size = page_size

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        settings = brand.sources.google_play
        if not settings.package_name:
            return SourcePage([], cursor)
        package = path_segment(settings.package_name, PACKAGE_NAME, "package_name")
        mark = TimeCursor.parse(cursor, now, WINDOW)
        hour, used = _quota(cursor, now)
        left = self.hourly_budget - used
        if left <= 0:
            note = f"google_play: {used} reads of {package} this hour, its budget; the rest next hour"
            return SourcePage([], cursor, errors=[note])
        overlap = self.overlap.total_seconds()
        self.calls = 0
        pages = min(settings.max_pages, left)
        scan = self._scan(package, settings.location_name, mark.floor(overlap), pages, now)
        settled = (now - self.overlap).timestamp() if scan.complete else None
        step = mark.advance(
            scan.found,
            limit=settings.max_items,
            overlap=overlap,
            settled=settled,
            served=Served.of(scan.read),
            now=now.timestamp(),
        )
        errors = [f"google_play: {note}" for note in step.notes]
        if cursor and mark.at < (now - WINDOW).timestamp():
            errors.append(
                "google_play: the last poll read up to more than 7 days ago; Play lists only the last"
                " week, so reviews in between may be missed"
            )
        if not scan.complete:
            errors.append(f"google_play: over {pages} pages since the cursor; older reviews may be missed")
        if not scan.complete and pages < settings.max_pages:
            errors.append(
                f"google_play: the hourly budget of {self.hourly_budget} reads of {package} is spent"
            )
        data = json.loads(TimeCursor.dump(step.cursor)) | {
            "quota": {"hour": hour, "calls": used + self.calls}
        }
        text = json.dumps(data, sort_keys=True)
        return SourcePage(step.page, text, scan.skipped, step.truncated, errors)

    def _scan(self, package: str, app_name: str, floor: float, max_pages: int, now: datetime) -> _Scan:
        """Pages newest first down to `floor`, or `max_pages`."""
        scan, old, token = _Scan(), NewestFirstScan(floor), ""
        for _ in range(max_pages):
            try:
                items, next_token = page_reviews(self._get(package, token))
            except MalformedPage as exc:
                raise SourceUnavailable(self.name, f"reviews.list: {exc}") from exc
            mentions, bad = parse_reviews(items, package, app_name, now, self.log)
            scan.skipped += bad
            for mention in mentions:
                candidate = by_time(mention, now)
                scan.read.append(candidate.position)
                if not old.is_old(candidate.position):
                    scan.found.append(candidate)
            if old.done or not next_token or next_token == token or not items:
                return scan
            token = next_token
        scan.complete = False
        return scan

    def _get(self, package: str, page_token: str) -> Any:
        url = f"{self.api_url}/androidpublisher/v3/applications/{package}/reviews"
        params = {"maxResults": str(self.page_size)} | ({"token": page_token} if page_token else {})
        response = self._call(url, params)
        if response.status_code == 401:  # expired or revoked early: one new token, once
            self.token.forget()
            response = self._call(url, params)
        if response.status_code in (401, 403):
            raise InvalidConfig(
                f"google_play: the service account may not read {package}'s reviews ({response.status_code});"
                " grant it 'Reply to reviews' in Play Console"
            )
        if response.status_code == 404:
            raise InvalidConfig(f"google_play: Play does not know the package {package!r}; fix the watchlist")
        try:
            response.raise_for_status()
            return response.json()
        except requests.RequestException as exc:
            raise SourceUnavailable(self.name, f"{type(exc).__name__} on reviews.list") from exc
        except ValueError as exc:
            raise SourceUnavailable(self.name, "invalid JSON from reviews.list") from exc

    def _call(self, url: str, params: dict[str, str]) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token.bearer()}", "Accept": "application/json"}
        self.calls += 1
        try:
            return self.session.get(url, params=params, headers=headers)
        except requests.RequestException as exc:
            raise SourceUnavailable(self.name, f"{type(exc).__name__} on reviews.list") from exc


def _quota(cursor: str | None, now: datetime) -> tuple[int, int]:
    """This clock hour (hours since the epoch) and the app's reads in it, as the cursor recorded them."""
    hour = int(now.timestamp() // 3600)
    try:
        quota = json.loads(cursor)["quota"] if cursor else {}
        used = int(quota["calls"]) if int(quota["hour"]) == hour else 0
    except (TypeError, ValueError, KeyError, OverflowError):
        used = 0
    return hour, max(0, used)


def build_source(settings: CollectSettings, session: requests.Session, log: LogSink) -> GooglePlaySource:
    """The registry's factory: reads the service account's key (`SourceNotConfigured` until it exists)."""
    from repmon.adapters.aws import client as aws_client
    from repmon.adapters.secrets import load_secret

    secrets = aws_client("secretsmanager", settings.aws_max_attempts)
    account = load_secret(settings.google_play_secret_name, ServiceAccount, client=secrets)
    token = GoogleToken(account, settings.google_play_token_url, session, source=SOURCE)
    return GooglePlaySource(token, session, settings.google_play_api_url, logger=log)
