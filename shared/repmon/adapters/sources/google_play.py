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
read (403), is a clear error on the job, and the cursor stays (the token and the page loop are App
Store Connect's too: `owner_api`). Reviews are about the app itself: the brand query does not
filter them.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import requests

from repmon.adapters.http import LogSink
from repmon.adapters.item_fields import MalformedPage, path_segment
from repmon.adapters.sources.google_play_parse import SOURCE, page_reviews, parse_reviews
from repmon.adapters.sources.google_token import GoogleToken, ServiceAccount
from repmon.adapters.sources.owner_api import Endpoint, OwnerApi, PageScan, advance, read_newest_first
from repmon.domain.brand import Brand
from repmon.domain.cursor import TimeCursor
from repmon.domain.errors import SourceUnavailable
from repmon.domain.models import Mention
from repmon.domain.sources.google_play import PACKAGE_NAME
from repmon.ports import SourcePage

if TYPE_CHECKING:  # the factory reads its settings; adapters never import the runtime
    from repmon.runtime.settings import CollectSettings

#: What `reviews.list` keeps: reviews created or modified in the last week.
WINDOW = timedelta(days=7)
PAGE_SIZE = 100
#: Of Play's 200 reads an hour per app, what repmon takes: the rest is left to the owner's other tools.
HOURLY_BUDGET = 150


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
        self.calls = 0
        pages = min(settings.max_pages, left)
        floor = mark.floor(self.overlap.total_seconds())
        scan = self._scan(package, settings.location_name, floor, pages, now)
        step = advance(mark, scan, settings.max_items, self.overlap, now)
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

    def _scan(self, package: str, app_name: str, floor: float, max_pages: int, now: datetime) -> PageScan:
        """Pages newest first down to `floor`, or `max_pages`; `calls` counts the requests."""
        api = OwnerApi(self.session, self.token, self._endpoint(package))
        url = f"{self.api_url}/androidpublisher/v3/applications/{package}/reviews"

        def read(page_token: str) -> tuple[list[Mention], int, str]:
            params = {"maxResults": str(self.page_size)} | ({"token": page_token} if page_token else {})
            try:
                items, next_token = page_reviews(api.get(url, params))
            except MalformedPage as exc:
                raise SourceUnavailable(self.name, f"reviews.list: {exc}") from exc
            finally:
                self.calls = api.calls
            mentions, bad = parse_reviews(items, package, app_name, now, self.log)
            return mentions, bad, next_token

        return read_newest_first(read, floor, max_pages, now)

    def _endpoint(self, package: str) -> Endpoint:
        return Endpoint(
            SOURCE,
            "reviews.list",
            refused=f"the service account may not read {package}'s reviews",
            fix="grant it 'Reply to reviews' in Play Console",
            unknown=f"Play does not know the package {package!r}",
        )


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
