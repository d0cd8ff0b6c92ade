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
a 403 or an app id the key does not know (404) is a clear error on the job, and the cursor stays
(the token and the page loop are Google Play's too: `owner_api`).
Reviews are about the app itself: the brand query does not filter them.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import requests

from repmon.adapters.http import LogSink
from repmon.adapters.item_fields import MalformedPage, path_segment
from repmon.adapters.sources.apple_token import AppleToken, AppStoreConnectKey
from repmon.adapters.sources.appstore_connect_parse import page_items, parse_reviews
from repmon.adapters.sources.owner_api import Endpoint, OwnerApi, PageScan, advance, read_newest_first
from repmon.domain.brand import Brand
from repmon.domain.cursor import TimeCursor
from repmon.domain.errors import SourceUnavailable
from repmon.domain.models import Mention, Source
from repmon.domain.sources.appstore import APP_ID
from repmon.ports import SourcePage

if TYPE_CHECKING:  # the factory reads its settings; adapters never import the runtime
    from repmon.runtime.settings import CollectSettings

PAGE_SIZE = 200


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
        floor = mark.floor(self.overlap.total_seconds())
        scan = self._scan(app_id, settings.location_name, floor, settings.max_pages, now)
        step = advance(mark, scan, settings.max_items, self.overlap, now)
        errors = [f"{self.name}: {note}" for note in step.notes]
        if not scan.complete:
            errors.append(
                f"{self.name}: over {settings.max_pages} pages since the cursor; older reviews may be missed"
            )
        return SourcePage(step.page, TimeCursor.dump(step.cursor), scan.skipped, step.truncated, errors)

    def _scan(self, app_id: str, app_name: str, floor: float, max_pages: int, now: datetime) -> PageScan:
        api = OwnerApi(self.session, self.token, self._endpoint(app_id))
        first = f"{self.api_url}/v1/apps/{app_id}/customerReviews"
        query = {"sort": "-createdDate", "limit": str(self.page_size), "include": "response"}

        def read(next_link: str) -> tuple[list[Mention], int, str]:
            # The bearer token goes to the API's own host only; the next link carries the query.
            if next_link and not next_link.startswith(f"{self.api_url}/"):
                raise SourceUnavailable(self.name, "links.next points off the API's host; not followed")
            try:
                items, responses, after = page_items(
                    api.get(next_link or first, None if next_link else query)
                )
            except MalformedPage as exc:
                raise SourceUnavailable(self.name, f"customerReviews: {exc}") from exc
            mentions, bad = parse_reviews(items, responses, app_id, app_name, now, self.log)
            return mentions, bad, after

        return read_newest_first(read, floor, max_pages, now)

    def _endpoint(self, app_id: str) -> Endpoint:
        return Endpoint(
            self.name,
            "customerReviews",
            refused=f"the API key may not read app {app_id}'s reviews",
            fix="check the key's role and the secret's issuer_id and key_id",
            unknown=f"App Store Connect does not know app {app_id!r}",
        )


def build_source(settings: CollectSettings, session: requests.Session, log: LogSink) -> AppStoreConnectSource:
    """The registry's factory: reads the API key (`SourceNotConfigured` until the secret exists)."""
    from repmon.adapters.aws import client as aws_client
    from repmon.adapters.secrets import load_secret

    secrets = aws_client("secretsmanager", settings.aws_max_attempts)
    key = load_secret(settings.appstore_connect_secret_name, AppStoreConnectKey, client=secrets)
    return AppStoreConnectSource(AppleToken(key), session, settings.appstore_connect_url, logger=log)
