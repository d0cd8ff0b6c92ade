"""GoogleSource: the reviews of the brand's own locations (Business Profile) and of places it does
not manage (Places API (New)), as one site.

Locations: `GET {business}/v4/{location}/reviews?pageSize=50&orderBy=updateTime desc&pageToken=...`
with the owner's OAuth token (`google_oauth`); every review, newest first, each location with its
own cursor (`review_scan`). The API answers only once Google approved the project (0 requests a
minute until then) and only for verified locations: a refusal is a note naming the location.

Places: `GET {places}/v1/places/{id}` with the API key and a field mask of `reviews` only (the
Enterprise + Atmosphere SKU: billed per call). Google returns at most five reviews, the most
relevant and not the newest, so coverage is partial by design. Each place is read at most once per
`place_min_interval_hours` and its reviews deduplicated across polls (a digest of each review's
name, kept in the cursor); only stars, date and link are kept (`google_parse`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import requests
from pydantic import BaseModel, ConfigDict, SecretStr, model_validator

from repmon.adapters.http import LogSink, new_session
from repmon.adapters.item_fields import MalformedPage, path_segment
from repmon.adapters.secrets import load_secret
from repmon.adapters.sources.google_oauth import GrantRefused, RefreshTokenAuth
from repmon.adapters.sources.google_parse import SOURCE, parse_business_reviews, parse_place
from repmon.adapters.sources.review_scan import (
    LocationRefused,
    ReviewPage,
    ReviewPoll,
    ReviewState,
    Scan,
    get_json,
    poll_locations,
)
from repmon.domain.brand import Brand
from repmon.domain.cursor import Cursor, Served
from repmon.domain.errors import SourceUnavailable
from repmon.domain.sources.google import LOCATION, PLACE_ID
from repmon.ports import SourcePage

if TYPE_CHECKING:  # the factory reads its settings; adapters never import the runtime
    from repmon.runtime.settings import CollectSettings

PAGE_SIZE = 50  # the reviews list's largest pageSize
#: What a place read asks for: the reviews alone (every field in the mask is billed at its tier).
FIELD_MASK = "id,reviews"
#: A place's seen reviews are remembered this long (five relevant ones change slowly).
PLACE_MEMORY = timedelta(days=3650)
_PLACE = "place:"


class GoogleCredentials(BaseModel):
    """The OAuth client and refresh token (Business Profile) and/or a Places API key."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    refresh_token: SecretStr = SecretStr("")
    places_api_key: SecretStr = SecretStr("")

    @model_validator(mode="after")
    def _something(self) -> GoogleCredentials:
        if not (self.oauth or self.places_api_key.get_secret_value()):
            raise ValueError("needs client_id, client_secret and refresh_token, or places_api_key")
        return self

    @property
    def oauth(self) -> bool:
        secrets = (self.client_secret, self.refresh_token)
        return bool(self.client_id) and all(s.get_secret_value() for s in secrets)


class GoogleSource:
    """`MentionSource` for `sources.google`: its `locations` and its `places`."""

    name = SOURCE

    def __init__(
        self,
        credentials: GoogleCredentials,
        *,
        oauth_url: str = "https://oauth2.googleapis.com",
        business_url: str = "https://mybusiness.googleapis.com",
        places_url: str = "https://places.googleapis.com",
        session: requests.Session | None = None,
        logger: LogSink | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.credentials = credentials
        self.session = session or new_session()
        self.business_url = business_url.rstrip("/")
        self.places_url = places_url.rstrip("/")
        self.log: LogSink = logger or logging.getLogger(__name__)
        self.page_size = page_size
        self.auth = (
            RefreshTokenAuth(
                oauth_url,
                credentials.client_id,
                credentials.client_secret,
                credentials.refresh_token,
                self.session,
            )
            if credentials.oauth
            else None
        )

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        settings = brand.sources.google
        state = ReviewState.parse(cursor)
        poll = self._locations(
            settings.locations, state, Scan(SOURCE, settings.max_pages, settings.max_items), now
        )
        every = timedelta(hours=settings.place_min_interval_hours)
        for place, name in settings.places.items():
            self._place(place, name, state, every, now, poll)
        keep = list(settings.locations) + [_PLACE + p for p in settings.places]
        return SourcePage(poll.mentions, state.dump(keep), poll.skipped, poll.truncated, poll.errors)

    def _locations(
        self, locations: dict[str, str], state: ReviewState, scan: Scan, now: datetime
    ) -> ReviewPoll:
        if not locations:
            return ReviewPoll()
        if self.auth is None:
            return ReviewPoll(
                errors=["google: locations need client_id, client_secret and refresh_token in the secret"]
            )

        def read(location: str, token: str | None) -> ReviewPage:
            return self._business_page(location, locations.get(location, ""), token, now)

        try:
            return poll_locations(locations, read, state, scan, now)
        except GrantRefused as exc:
            return ReviewPoll(errors=[f"google: {exc}"])

    def _business_page(self, location: str, name: str, token: str | None, now: datetime) -> ReviewPage:
        assert self.auth is not None
        path = "/v4/" + "/".join(path_segment(p, _PART, "location") for p in _parts(location)) + "/reviews"
        params = {"pageSize": self.page_size, "orderBy": "updateTime desc"}
        if token:
            params["pageToken"] = token
        body = get_json(
            self.session, SOURCE, self.business_url + path, path, params=params, headers=self.auth.header()
        )
        try:
            found, skipped, following = parse_business_reviews(body, location, name, now, self.log)
        except MalformedPage as exc:
            raise SourceUnavailable(SOURCE, f"{location}: {exc}") from exc
        return ReviewPage(found, skipped, following)

    def _place(
        self, place: str, name: str, state: ReviewState, every: timedelta, now: datetime, poll: ReviewPoll
    ) -> None:
        """One place's reviews not seen before, when it is due; its faults noted, never raised."""
        key = _PLACE + place
        key_value = self.credentials.places_api_key.get_secret_value()
        if not key_value:
            poll.errors.append(f"google {place}: places need places_api_key in the secret")
            return
        if not state.due(key, now, every):
            return
        path = f"/v1/places/{path_segment(place, PLACE_ID, 'place')}"
        headers = {"X-Goog-Api-Key": key_value, "X-Goog-FieldMask": FIELD_MASK}
        try:
            body = get_json(self.session, SOURCE, self.places_url + path, path, headers=headers)
            found, skipped = parse_place(body, place, name, now, self.log)
        except (LocationRefused, SourceUnavailable, MalformedPage) as exc:
            poll.errors.append(f"google {place}: {exc}")
            return
        mark = state.cursors.get(key) or Cursor()
        # At most five, in no time order: every one not seen before is new, whatever its date.
        step = mark.advance(
            found,
            limit=len(found) or 1,
            overlap=PLACE_MEMORY.total_seconds(),
            served=Served.of(c.position for c in found),
        )
        state.cursors[key], state.polled[key] = step.cursor, now.timestamp()
        poll.mentions.extend(step.page)
        poll.skipped += skipped


_PART = __import__("re").compile(r"accounts|locations|[0-9]{1,30}")


def _parts(location: str) -> list[str]:
    if not LOCATION.fullmatch(location):
        from repmon.domain.errors import InvalidConfig

        raise InvalidConfig(f"location {location[:60]!r} is not valid; fix the watchlist")
    return location.split("/")


def build_source(settings: CollectSettings, session: requests.Session, log: LogSink) -> GoogleSource:
    """The registry's factory: reads the secret (`SourceNotConfigured` until it exists)."""
    from repmon.adapters.aws import client as aws_client

    secrets = aws_client("secretsmanager", settings.aws_max_attempts)
    credentials = load_secret(settings.google_secret_name, GoogleCredentials, client=secrets)
    return GoogleSource(
        credentials,
        oauth_url=settings.google_oauth_url,
        business_url=settings.google_business_url,
        places_url=settings.google_places_url,
        session=session,
        logger=log,
    )
