"""GooglePlaySource: reviews of the brand's own Android app, from the Play Developer API's `reviews.list`.

`GET {api}/androidpublisher/v3/applications/{package}/reviews` with a service account's bearer token
(`google_token`), 100 reviews a page, newest modified first, paged by `tokenPagination`
(`nextPageToken`; a response without it is the last page, as Google has been seen to omit it). A
poll reads pages down to the shared time cursor's floor (`domain.cursor`, position = the review's
`lastModified`) or `max_pages`, whichever first. Play lists only the last 7 days, so the first poll
reads the whole week, and a cursor older than that says, in the job's errors, that reviews may have
been lost in between (the poll interval is bounded far inside the week: `runtime.settings`).

Quota: 200 GETs per app and hour, shared with anything else reading the app's reviews: at the
default 15-minute polls and 5 pages at most, repmon uses 20. A 429 or 5xx is retried by the shared
session with `Retry-After`; a 401 drops the cached token and retries once with a new one. A package
Play does not know (404), or one the service account may not read (403), is a clear error on the
job, and the cursor stays. Reviews are about the app itself: the brand query does not filter them.
"""

from __future__ import annotations

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
    ) -> None:
        self.token = token
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
        overlap = self.overlap.total_seconds()
        scan = self._scan(package, settings.location_name, mark.floor(overlap), settings.max_pages, now)
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
            errors.append(
                f"google_play: over {settings.max_pages} pages since the cursor; older reviews may be missed"
            )
        return SourcePage(step.page, TimeCursor.dump(step.cursor), scan.skipped, step.truncated, errors)

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
        try:
            return self.session.get(url, params=params, headers=headers)
        except requests.RequestException as exc:
            raise SourceUnavailable(self.name, f"{type(exc).__name__} on reviews.list") from exc


def build_source(settings: CollectSettings, session: requests.Session, log: LogSink) -> GooglePlaySource:
    """The registry's factory: reads the service account's key (`SourceNotConfigured` until it exists)."""
    from repmon.adapters.aws import client as aws_client
    from repmon.adapters.secrets import load_secret

    secrets = aws_client("secretsmanager", settings.aws_max_attempts)
    account = load_secret(settings.google_play_secret_name, ServiceAccount, client=secrets)
    token = GoogleToken(account, settings.google_play_token_url, session, source=SOURCE)
    return GooglePlaySource(token, session, settings.google_play_api_url, logger=log)
