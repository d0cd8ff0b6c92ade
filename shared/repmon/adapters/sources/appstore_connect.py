"""AppStoreConnectSource: the brand's own iOS app's customer reviews, every territory, from the owner's API.

`GET {api}/v1/apps/{id}/customerReviews?sort=-createdDate&limit=200&include=response` with an ES256
JWT (`apple_token`), newest first, paged by `links.next` (followed only on the API's own host: the
bearer token goes nowhere else), read down to the shared time cursor's floor (`domain.cursor`,
position = `createdDate`) or `max_pages`. The first poll reads a week back. Reviews come out as
App Store mentions with the cross-route identity (`appstore_identity`), so a review the public RSS
source also reads is one mention; this route adds the developer's published response (`reply`),
the territory, and the app as the location.

Apple allows about 3,500 requests an hour per key (`X-Rate-Limit`); a poll makes a few. A 429 or
5xx is retried by the shared session with `Retry-After`; a 401 makes a new token once (clock skew);
a 403 or an app id the key does not know (404) is a clear error on the job, and the cursor stays.
Reviews are about the app itself: the brand query does not filter them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import requests

from repmon.adapters.http import LogSink
from repmon.adapters.item_fields import MalformedPage, path_segment
from repmon.adapters.sources.apple_token import AppleToken, AppStoreConnectKey
from repmon.adapters.sources.appstore_connect_parse import page_items, parse_reviews
from repmon.domain.brand import Brand
from repmon.domain.cursor import Candidate, NewestFirstScan, Served, TimeCursor, by_time
from repmon.domain.errors import InvalidConfig, SourceUnavailable
from repmon.domain.models import Source
from repmon.domain.sources.appstore import APP_ID
from repmon.ports import SourcePage

if TYPE_CHECKING:  # the factory reads its settings; adapters never import the runtime
    from repmon.runtime.settings import CollectSettings

PAGE_SIZE = 200


@dataclass
class _Scan:
    found: list[Candidate] = field(default_factory=list)
    read: list[float] = field(default_factory=list)
    skipped: int = 0
    complete: bool = True


class AppStoreConnectSource:
    """`MentionSource` for App Store Connect customer reviews (README, "App Store Connect")."""

    name = Source.APPSTORE_CONNECT.value

    def __init__(
        self,
        token: AppleToken,
        session: requests.Session,
        api_url: str = "https://api.appstoreconnect.apple.com",
        *,
        logger: LogSink | None = None,
        overlap: timedelta = timedelta(minutes=15),
        first_poll_lookback: timedelta = timedelta(days=7),
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.token = token
        self.session = session
        self.api_url = api_url.rstrip("/")
        self.log: LogSink = logger or logging.getLogger(__name__)
        self.overlap = overlap
        self.lookback = first_poll_lookback
        self.page_size = page_size

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        settings = brand.sources.appstore_connect
        if not settings.app_id:
            return SourcePage([], cursor)
        app_id = path_segment(settings.app_id, APP_ID, "app_id")
        mark = TimeCursor.parse(cursor, now, self.lookback)
        overlap = self.overlap.total_seconds()
        scan = self._scan(app_id, settings.location_name, mark.floor(overlap), settings.max_pages, now)
        step = mark.advance(
            scan.found,
            limit=settings.max_items,
            overlap=overlap,
            settled=(now - self.overlap).timestamp() if scan.complete else None,
            served=Served.of(scan.read),
            now=now.timestamp(),
        )
        errors = [f"{self.name}: {note}" for note in step.notes]
        if not scan.complete:
            errors.append(
                f"{self.name}: over {settings.max_pages} pages since the cursor; older reviews may be missed"
            )
        return SourcePage(step.page, TimeCursor.dump(step.cursor), scan.skipped, step.truncated, errors)

    def _scan(self, app_id: str, app_name: str, floor: float, max_pages: int, now: datetime) -> _Scan:
        scan, old = _Scan(), NewestFirstScan(floor)
        url = f"{self.api_url}/v1/apps/{app_id}/customerReviews"
        params: dict[str, str] | None = {
            "sort": "-createdDate",
            "limit": str(self.page_size),
            "include": "response",
        }
        for _ in range(max_pages):
            try:
                items, responses, after = page_items(self._get(url, params, app_id))
            except MalformedPage as exc:
                raise SourceUnavailable(self.name, f"customerReviews: {exc}") from exc
            mentions, bad = parse_reviews(items, responses, app_id, app_name, now, self.log)
            scan.skipped += bad
            for mention in mentions:
                candidate = by_time(mention, now)
                scan.read.append(candidate.position)
                if not old.is_old(candidate.position):
                    scan.found.append(candidate)
            if old.done or not after or not items:
                return scan
            if not after.startswith(f"{self.api_url}/"):
                raise SourceUnavailable(self.name, "links.next points off the API's host; not followed")
            url, params = after, None  # the next link carries the query
        scan.complete = False
        return scan

    def _get(self, url: str, params: dict[str, str] | None, app_id: str) -> Any:
        response = self._call(url, params)
        if response.status_code == 401:
            self.token.forget()
            response = self._call(url, params)
        if response.status_code in (401, 403):
            raise InvalidConfig(
                f"{self.name}: the API key may not read app {app_id}'s reviews ({response.status_code});"
                " check the key's role and the secret's issuer_id and key_id"
            )
        if response.status_code == 404:
            raise InvalidConfig(
                f"{self.name}: App Store Connect does not know app {app_id!r}; fix the watchlist"
            )
        try:
            response.raise_for_status()
            return response.json()
        except requests.RequestException as exc:
            raise SourceUnavailable(self.name, f"{type(exc).__name__} on customerReviews") from exc
        except ValueError as exc:
            raise SourceUnavailable(self.name, "invalid JSON from customerReviews") from exc

    def _call(self, url: str, params: dict[str, str] | None) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token.bearer()}", "Accept": "application/json"}
        try:
            return self.session.get(url, params=params, headers=headers)
        except requests.RequestException as exc:
            raise SourceUnavailable(self.name, f"{type(exc).__name__} on customerReviews") from exc


def build_source(settings: CollectSettings, session: requests.Session, log: LogSink) -> AppStoreConnectSource:
    """The registry's factory: reads the API key (`SourceNotConfigured` until the secret exists)."""
    from repmon.adapters.aws import client as aws_client
    from repmon.adapters.secrets import load_secret

    secrets = aws_client("secretsmanager", settings.aws_max_attempts)
    key = load_secret(settings.appstore_connect_secret_name, AppStoreConnectKey, client=secrets)
    return AppStoreConnectSource(AppleToken(key), session, settings.appstore_connect_url, logger=log)
