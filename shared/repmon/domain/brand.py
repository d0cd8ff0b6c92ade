"""A watched brand and its settings, as written in the watchlist YAML.

Only `id`, `name` and `query` are required; everything else has a documented default
(README, "Config reference"). Validation errors name the field; the config loader adds file and brand.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from repmon.domain.countries import COUNTRY_ALIASES, COUNTRY_CODES
from repmon.domain.models import Severity
from repmon.domain.query import Query, QuerySyntaxError, parse_query

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
#: Reddit's own rule (reddit-archive r2 `subreddit_rx`, `language_subreddit_rx`): 3-21 letters, digits
#: or '_', not starting with '_'; and the old two-letter language subreddits such as r/de.
_SUBREDDIT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]{2,20}|[A-Za-z]{2}")
#: "r/name", "/r/name/" or a pasted link: the adapter passes names to Reddit as they are, so the
#: prefix is refused (with the bare name as a suggestion) rather than silently sent.
_SUBREDDIT_PREFIXED = re.compile(r"(?:^|/)r/([A-Za-z0-9_]+)/?$")
_APP_ID = re.compile(r"[0-9]{5,12}")
#: "id1234567890" or a pasted App Store link: the digits are the id.
_APP_ID_IN_LINK = re.compile(r"id([0-9]{5,12})(?![0-9])")
#: The shapes the source adapters check again before a name or id goes into a URL.
SUBREDDIT_NAME = _SUBREDDIT
APP_ID = _APP_ID


def _subreddit(value: str) -> str:
    if _SUBREDDIT.fullmatch(value):
        return value
    prefixed = _SUBREDDIT_PREFIXED.search(value)
    if prefixed and _SUBREDDIT.fullmatch(prefixed[1]):
        raise ValueError(f"write the name without 'r/'; did you mean {prefixed[1]!r}?")
    raise ValueError(f"{value!r} is not a subreddit name: 3-21 letters, digits or '_' (not first)")


def _country(value: str) -> str:
    code = value.strip().lower()
    if code in COUNTRY_CODES:
        return code
    hint = f"; did you mean {COUNTRY_ALIASES[code]!r}?" if code in COUNTRY_ALIASES else ""
    raise ValueError(f"{value!r} is not a country code (two letters, ISO 3166-1: us, gb, de...){hint}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RedditSettings(_Strict):
    enabled: bool = True
    #: Empty means r/all.
    subreddits: tuple[Annotated[str, AfterValidator(_subreddit)], ...] = ()
    include_comments: bool = True
    max_items: Annotated[int, Field(ge=1, le=1000)] = 250


class HackerNewsSettings(_Strict):
    enabled: bool = True
    max_items: Annotated[int, Field(ge=1, le=1000)] = 200


class AppStoreSettings(_Strict):
    #: Defaults to on when an app id is given.
    enabled: bool | None = None
    app_id: str | None = None
    #: Case-insensitive in the file; stored in lower case, as the feed URLs use them.
    countries: tuple[Annotated[str, AfterValidator(_country)], ...] = ("us",)
    max_pages: Annotated[int, Field(ge=1, le=10)] = 3

    @field_validator("app_id", mode="before")
    @classmethod
    def _digits_as_text(cls, value: object) -> object:
        # YAML reads `app_id: 1234567890` as a number; it is the same id.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("app_id")
    @classmethod
    def _app_id_shape(cls, value: str | None) -> str | None:
        if value is None or _APP_ID.fullmatch(value):
            return value
        found = _APP_ID_IN_LINK.search(value)
        hint = f"; did you mean {found[1]!r}?" if found else ""
        raise ValueError(
            f"must be the app's numeric id, 5-12 digits (the number after 'id' in its link){hint}"
        )

    @model_validator(mode="after")
    def _needs_app_id(self) -> AppStoreSettings:
        if self.enabled and not self.app_id:
            raise ValueError("app_id is required when the App Store source is enabled")
        return self

    @property
    def active(self) -> bool:
        return bool(self.app_id) if self.enabled is None else self.enabled


class SourceSettings(_Strict):
    reddit: RedditSettings = RedditSettings()
    hackernews: HackerNewsSettings = HackerNewsSettings()
    appstore: AppStoreSettings = AppStoreSettings()

    def enabled(self) -> list[str]:
        names = []
        if self.reddit.enabled:
            names.append("reddit")
        if self.hackernews.enabled:
            names.append("hackernews")
        if self.appstore.active:
            names.append("appstore")
        return names


class Thresholds(_Strict):
    """When each alert rule fires. README: "Alert rules" explains each."""

    #: reputation_low: the index (0-100) over the rolling window falls below this.
    reputation_low: Annotated[float, Field(ge=0, le=100)] = 35.0
    #: reputation_drop: the index falls this many points under the trailing baseline.
    reputation_drop: Annotated[float, Field(gt=0, le=100)] = 15.0
    #: volume_spike: mentions in the last hour at least this many times the baseline hourly mean...
    volume_spike_ratio: Annotated[float, Field(gt=1)] = 3.0
    #: ...and at least this many mentions in that hour.
    volume_spike_min: Annotated[int, Field(ge=1)] = 20
    #: influencer_negative: an author influence at or above this (0-100)...
    influencer_min: Annotated[float, Field(ge=0, le=100)] = 70.0
    #: ...with a sentiment score at or below this (-1..1).
    influencer_max_sentiment: Annotated[float, Field(ge=-1, le=0)] = -0.5
    #: The index window and the trailing baseline, in hours.
    window_hours: Annotated[int, Field(ge=1, le=168)] = 24
    baseline_hours: Annotated[int, Field(ge=24, le=24 * 28)] = 24 * 7
    #: An index alert re-arms only when the index recovers this far past its threshold (hysteresis).
    recovery_margin: Annotated[float, Field(ge=0, le=50)] = 5.0


class Notifications(_Strict):
    enabled: bool = True
    min_severity: Severity = Severity.WARNING
    #: How many mentions an email lists.
    top_mentions: Annotated[int, Field(ge=1, le=10)] = 5


class Brand(_Strict):
    id: str
    name: Annotated[str, Field(min_length=1, max_length=120)]
    query: Annotated[str, Field(min_length=1, max_length=1000)]
    sources: SourceSettings = SourceSettings()
    thresholds: Thresholds = Thresholds()
    notifications: Notifications = Notifications()

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                "must be 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit"
            )
        return value

    @field_validator("query")
    @classmethod
    def _query_parses(cls, value: str) -> str:
        try:
            parse_query(value)
        except QuerySyntaxError as exc:
            raise ValueError(f"invalid query: {exc}") from exc
        return value

    @cached_property
    def compiled(self) -> Query:
        """The parsed query, parsed once per brand object (the collector matches every mention)."""
        return parse_query(self.query)
