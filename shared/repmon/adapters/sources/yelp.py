"""YelpSource: reviews of the brand's businesses through Yelp's API (Places API, formerly Fusion).

`GET {base}/v3/businesses/{id or alias}/reviews?limit=50&offset=N&sort_by=newest` with the API key
as a bearer token. Only plans that include reviews answer (others answer `NOT_FOUND` or refuse);
each answer holds a few truncated excerpts (three on the plans we know of), so coverage is partial
by design and each mention links to the full review. Each business is read at most once per
`min_interval_hours` (every call counts against the plan's daily allowance) with its own cursor
(`review_scan`); a business Yelp refuses, and Yelp's error body (`{"error": {"code", "field"}}`,
shared/fixtures/yelp) is a note naming the business and the code, never the description, which
echoes the refused key.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import requests
from pydantic import BaseModel, ConfigDict, SecretStr

from repmon.adapters.http import LogSink, new_session
from repmon.adapters.item_fields import MalformedPage, path_segment
from repmon.adapters.secrets import load_secret
from repmon.adapters.sources.review_scan import ReviewPage, ReviewState, Scan, get_json, poll_locations
from repmon.adapters.sources.yelp_parse import SOURCE, parse_reviews
from repmon.domain.brand import Brand
from repmon.domain.errors import SourceUnavailable
from repmon.domain.sources.yelp import BUSINESS
from repmon.ports import SourcePage

if TYPE_CHECKING:  # the factory reads its settings; adapters never import the runtime
    from repmon.runtime.settings import CollectSettings

PAGE_SIZE = 50


class YelpCredentials(BaseModel):
    """The Yelp app's API key; shows as '**********'."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    api_key: SecretStr


class YelpSource:
    """`MentionSource` for the businesses in the brand's `sources.yelp.businesses`."""

    name = SOURCE

    def __init__(
        self,
        credentials: YelpCredentials,
        base_url: str = "https://api.yelp.com",
        session: requests.Session | None = None,
        *,
        logger: LogSink | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.credentials = credentials
        self.base_url = base_url.rstrip("/")
        self.session = session or new_session()
        self.log: LogSink = logger or logging.getLogger(__name__)
        self.page_size = page_size

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        settings = brand.sources.yelp
        businesses = settings.businesses
        state = ReviewState.parse(cursor)
        every = timedelta(hours=settings.min_interval_hours)
        due = [b for b in businesses if state.due(b, now, every)]
        scan = Scan(SOURCE, settings.max_pages, settings.max_items, timed=True)

        def read(business: str, token: str | None) -> ReviewPage:
            return self._page(business, businesses.get(business, ""), int(token or 0), now)

        poll = poll_locations(due, read, state, scan, now)
        return SourcePage(poll.mentions, state.dump(businesses), poll.skipped, poll.truncated, poll.errors)

    def _page(self, business: str, name: str, offset: int, now: datetime) -> ReviewPage:
        path = f"/v3/businesses/{path_segment(business, BUSINESS, 'business')}/reviews"
        params: dict[str, Any] = {"limit": self.page_size, "offset": offset, "sort_by": "newest"}
        headers = {"Authorization": f"Bearer {self.credentials.api_key.get_secret_value()}"}
        body = get_json(self.session, SOURCE, self.base_url + path, path, params=params, headers=headers)
        try:
            found, skipped, total = parse_reviews(body, business, name, now, self.log)
        except MalformedPage as exc:
            raise SourceUnavailable(SOURCE, f"business {business}: {exc}") from exc
        shown = len(found) + skipped
        following = offset + shown
        return ReviewPage(found, skipped, str(following) if shown and following < total else None)


def build_source(settings: CollectSettings, session: requests.Session, log: LogSink) -> YelpSource:
    """The registry's factory: reads the API key (`SourceNotConfigured` until the secret exists)."""
    from repmon.adapters.aws import client as aws_client

    secrets = aws_client("secretsmanager", settings.aws_max_attempts)
    credentials = load_secret(settings.yelp_secret_name, YelpCredentials, client=secrets)
    return YelpSource(credentials, settings.yelp_api_url, session, logger=log)
