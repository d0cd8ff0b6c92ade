"""A watched brand and its settings, as written in the watchlist YAML.

Only `id`, `name` and `query` are required; everything else has a documented default
(README, "Config reference"). Validation errors name the field; the config loader adds file and brand.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from repmon.domain.digest_settings import DigestSettings
from repmon.domain.incident_settings import IncidentSettings
from repmon.domain.ingestion_settings import IngestionSettings
from repmon.domain.models import Severity
from repmon.domain.query import Query, QuerySyntaxError, parse_query
from repmon.domain.response_settings import (
    LowRatingReview,
    RatingDrop,
    UnansweredComplaint,
    ViralNegative,
)
from repmon.domain.source_registry import SourceSettings
from repmon.domain.sources.gdelt import GdeltQueryError, gdelt_query

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TierThresholds(_Strict):
    """What a known customer's tier changes for its authors; unset keys keep the brand's bar."""

    #: influencer_negative (and the rules that use its bar) for this tier: e.g. 0 for every VIP.
    influencer_min: Annotated[float, Field(ge=0, le=100)] | None = None


class ByTier(_Strict):
    """`thresholds.by_tier`: one entry per tier of `domain.customers.TIERS`."""

    # `churn-risk` in the file; a dump (the backtest's sweeps) writes churn_risk and reads it back.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    vip: TierThresholds | None = None
    customer: TierThresholds | None = None
    churn_risk: Annotated[TierThresholds | None, Field(alias="churn-risk")] = None


class Thresholds(_Strict):
    """When each alert rule fires. README: "Alert rules" explains each."""

    #: reputation_low: the index (0-100) over the rolling window falls below this.
    reputation_low: Annotated[float, Field(ge=0, le=100)] = 35.0
    #: reputation_drop: the index falls this many points under the trailing baseline.
    reputation_drop: Annotated[float, Field(gt=0, le=100)] = 15.0
    #: volume_spike: mentions in the last hour at least this many times the usual for that hour
    #: (its hour of the day and kind of day, domain.seasonal)...
    volume_spike_ratio: Annotated[float, Field(gt=1)] = 3.0
    #: ...and at least this many mentions in that hour...
    volume_spike_min: Annotated[int, Field(ge=1)] = 20
    #: ...and so many that an ordinary hour would hold them with a probability under this (per hour;
    #: smaller means fewer alerts). negative_share uses it too. On flat traffic the two guards above
    #: are what binds at this default: the rule fires where the flat rule always did.
    sensitivity: Annotated[float, Field(ge=1e-12, le=0.01)] = 1e-4
    #: negative_share: the last hour's share of negatives (among scored mentions) this many
    #: percentage points over its usual share for that hour...
    negative_share_rise: Annotated[float, Field(gt=0, le=100)] = 25.0
    #: ...with at least this many negative mentions, and unlikely at `sensitivity`.
    negative_share_min: Annotated[int, Field(ge=1)] = 10
    #: influencer_negative: an author influence at or above this (0-100)...
    influencer_min: Annotated[float, Field(ge=0, le=100)] = 70.0
    #: ...with a sentiment score at or below this (-1..1).
    influencer_max_sentiment: Annotated[float, Field(ge=-1, le=0)] = -0.5
    #: The index window and the trailing baseline, in hours.
    window_hours: Annotated[int, Field(ge=1, le=168)] = 24
    baseline_hours: Annotated[int, Field(ge=24, le=24 * 28)] = 24 * 7
    #: An index alert re-arms only when the index recovers this far past its threshold (hysteresis).
    recovery_margin: Annotated[float, Field(ge=0, le=50)] = 5.0
    #: Lower bars for the authors of a known-customer tier (README, "Known customers").
    by_tier: ByTier = Field(default_factory=lambda: ByTier())
    #: The review and response rules (domain.response_settings; README, "Alert rules").
    low_rating_review: LowRatingReview = Field(default_factory=lambda: LowRatingReview())
    rating_drop: RatingDrop = Field(default_factory=lambda: RatingDrop())
    unanswered_complaint: UnansweredComplaint = Field(default_factory=lambda: UnansweredComplaint())
    viral_negative: ViralNegative = Field(default_factory=lambda: ViralNegative())

    @model_validator(mode="after")
    def _tiers_only_lower(self) -> Thresholds:
        for tier, override in self.by_tier:
            bar = override.influencer_min if override is not None else None
            if bar is not None and bar > self.influencer_min:
                raise ValueError(
                    f"by_tier.{tier.replace('_', '-')}.influencer_min ({bar:g}) is above "
                    f"influencer_min ({self.influencer_min:g}): a tier can only lower a bar"
                )
        return self

    def influencer_min_for(self, tier: str) -> float:
        """The influence bar for an author of `tier` ("" for none): the tier's, else the brand's."""
        override = getattr(self.by_tier, tier.replace("-", "_"), None) if tier else None
        if override is not None and override.influencer_min is not None:
            return float(override.influencer_min)
        return self.influencer_min


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
    incidents: IncidentSettings = IncidentSettings()
    #: The brand's own time zone (IANA name, e.g. "Europe/Paris"): emails show local times beside UTC;
    #: quiet hours and digests are set in it.
    timezone: str = "UTC"
    #: Other brands of the same watchlist (their ids) the digest's share of voice compares with.
    competitors: tuple[str, ...] = ()
    digest: DigestSettings = DigestSettings()
    ingestion: IngestionSettings = IngestionSettings()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r}: use an IANA name such as 'UTC' or 'Europe/Paris'"
            ) from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

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

    @field_validator("sources")
    @classmethod
    def _gdelt_can_search(cls, value: SourceSettings, info: ValidationInfo) -> SourceSettings:
        """GDELT refuses short terms: say so on `brands validate`, not in every poll's errors."""
        query = info.data.get("query")
        if value.gdelt.active and query:
            try:
                gdelt_query(parse_query(query), value.gdelt.languages)
            except GdeltQueryError as exc:
                raise ValueError(f"gdelt: {exc}") from exc
        return value

    @cached_property
    def compiled(self) -> Query:
        """The parsed query, parsed once per brand object (the collector matches every mention)."""
        return parse_query(self.query)
