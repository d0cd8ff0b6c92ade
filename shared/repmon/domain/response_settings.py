"""The settings of the review and response rules (`thresholds.low_rating_review`, `.rating_drop`,
`.unanswered_complaint`): README "Alert rules" gives each default and why. Durations are written
like the incidents' ("45m", "4h", "7d")."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from repmon.domain.incident_settings import parse_duration


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: false turns the rule off for the brand.
    enabled: bool = True


def _duration(value: Any) -> timedelta:
    return parse_duration(value)


class LowRatingReview(_Rule):
    """A review at or below `max_stars`, once per review (Birdeye's "instant review alert")."""

    max_stars: Annotated[int, Field(ge=1, le=4)] = 2
    #: Only reviews that say something (a star-only tap is not worth an email to some teams).
    with_text_only: bool = False
    #: Only these locations (ids or names as the site gives them); empty: every location.
    locations: tuple[str, ...] = ()


class RatingDrop(_Rule):
    """A site's or location's average stars over `window` falling `drop` under its `baseline`."""

    window: Annotated[timedelta, Field(ge=timedelta(days=1), le=timedelta(days=30))] = timedelta(days=7)
    baseline: Annotated[timedelta, Field(ge=timedelta(days=7), le=timedelta(days=90))] = timedelta(days=28)
    drop: Annotated[float, Field(gt=0, le=4)] = 0.5
    #: Reviews the window needs before its average is judged (and the baseline too).
    min_reviews: Annotated[int, Field(ge=3)] = 10
    #: Recovers when the drop shrinks under `drop - recovery` stars (hysteresis).
    recovery: Annotated[float, Field(ge=0, le=4)] = 0.2

    _durations = field_validator("window", "baseline", mode="before")(_duration)


class UnansweredComplaint(_Rule):
    """A negative mention with no reply from the brand `target` after it was posted."""

    target: Annotated[timedelta, Field(ge=timedelta(minutes=15), le=timedelta(days=7))] = timedelta(hours=4)
    #: Authors with influence at or above `influential_min` (0-100) get `influential_target`.
    influential_target: Annotated[timedelta, Field(ge=timedelta(minutes=15), le=timedelta(days=7))] = (
        timedelta(hours=1)
    )
    influential_min: Annotated[float, Field(ge=0, le=100)] = 50.0
    #: After this long a complaint no longer holds the incident open (it stays unanswered in the export).
    expire: Annotated[timedelta, Field(ge=timedelta(hours=1), le=timedelta(days=7))] = timedelta(hours=48)

    _durations = field_validator("target", "influential_target", "expire", mode="before")(_duration)

    @model_validator(mode="after")
    def _expires_after_target(self) -> UnansweredComplaint:
        if self.expire <= max(self.target, self.influential_target):
            raise ValueError("expire must be longer than target and influential_target")
        return self

    def target_for(self, influence: float) -> timedelta:
        """The response-time target of a complaint by an author of this influence."""
        fast = influence >= self.influential_min
        return min(self.target, self.influential_target) if fast else self.target


class ViralNegative(_Rule):
    """A negative mention's interactions per hour far above the brand's usual (domain.engagement)."""

    #: Interactions (score, comments, shares, votes) it needs whatever the brand's usual.
    min_interactions: Annotated[int, Field(ge=1)] = 100
    #: Above this percentile of the brand's other negatives of the last 48 h...
    percentile: Annotated[float, Field(ge=50, le=100)] = 99.0
    #: ...when there are at least this many of them (fewer: 3 x min_interactions alone).
    min_history: Annotated[int, Field(ge=1)] = 20
