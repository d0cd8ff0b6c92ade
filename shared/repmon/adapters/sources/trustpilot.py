"""TrustpilotSource: the reviews of the brand's own business units, through the Trustpilot API.

`GET {base}/v1/business-units/{id}/reviews?orderBy=createdat.desc&perPage=100&page=N` with the
API key in the `apikey` header (a Trustpilot Business plan with the API module; never in a URL, so
never in a log). Newest first, paged by number while the page links a `next-page`; each business
unit has its own cursor (`review_scan`). Trustpilot asks for at most 833 calls per 5 minutes and
10,000 an hour; a quiet unit costs one call a poll. 429/5xx are retried by the session.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import requests
from pydantic import BaseModel, ConfigDict, SecretStr

from repmon.adapters.http import LogSink, new_session
from repmon.adapters.item_fields import MalformedPage, path_segment
from repmon.adapters.secrets import load_secret
from repmon.adapters.sources.review_scan import (
    ReviewPage,
    ReviewState,
    Scan,
    get_json,
    poll_locations,
)
from repmon.adapters.sources.trustpilot_parse import SOURCE, parse_reviews
from repmon.domain.brand import Brand
from repmon.domain.errors import SourceUnavailable
from repmon.domain.sources.trustpilot import BUSINESS_UNIT
from repmon.ports import SourcePage

if TYPE_CHECKING:  # the factory reads its settings; adapters never import the runtime
    from repmon.runtime.settings import CollectSettings

PAGE_SIZE = 100  # Trustpilot's largest perPage


class TrustpilotCredentials(BaseModel):
    """The API key of the brand's Trustpilot Business plan; shows as '**********'."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    api_key: SecretStr


class TrustpilotSource:
    """`MentionSource` for the business units in the brand's `sources.trustpilot.business_units`."""

    name = SOURCE

    def __init__(
        self,
        credentials: TrustpilotCredentials,
        base_url: str = "https://api.trustpilot.com",
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
        settings = brand.sources.trustpilot
        units = settings.business_units
        state = ReviewState.parse(cursor)
        scan = Scan(SOURCE, settings.max_pages, settings.max_items)

        def read(unit: str, token: str | None) -> ReviewPage:
            return self._page(unit, units.get(unit, ""), int(token or 1), now)

        poll = poll_locations(units, read, state, scan, now)
        return SourcePage(poll.mentions, state.dump(units), poll.skipped, poll.truncated, poll.errors)

    def _page(self, unit: str, name: str, number: int, now: datetime) -> ReviewPage:
        path = f"/v1/business-units/{path_segment(unit, BUSINESS_UNIT, 'business unit')}/reviews"
        params: dict[str, Any] = {"orderBy": "createdat.desc", "perPage": self.page_size, "page": number}
        headers = {"apikey": self.credentials.api_key.get_secret_value()}
        body = get_json(self.session, SOURCE, self.base_url + path, path, params=params, headers=headers)
        try:
            found, skipped, more = parse_reviews(body, unit, name, now, self.log)
        except MalformedPage as exc:
            raise SourceUnavailable(SOURCE, f"business unit {unit} page {number}: {exc}") from exc
        return ReviewPage(found, skipped, str(number + 1) if more else None)


def build_source(settings: CollectSettings, session: requests.Session, log: LogSink) -> TrustpilotSource:
    """The registry's factory: reads the API key (`SourceNotConfigured` until the secret exists)."""
    from repmon.adapters.aws import client as aws_client

    secrets = aws_client("secretsmanager", settings.aws_max_attempts)
    credentials = load_secret(settings.trustpilot_secret_name, TrustpilotCredentials, client=secrets)
    return TrustpilotSource(credentials, settings.trustpilot_api_url, session, logger=log)
