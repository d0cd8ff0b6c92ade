"""The watchlist's `digest:` section: when a brand's daily and weekly digests go out (README, "Digests")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


class DigestSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: A digest of the 24 hours before `hour`, every day.
    daily: bool = True
    #: A digest of the 7 days before `hour` on `weekday`.
    weekly: bool = False
    #: The local hour (0-23, in the brand's `timezone`) the digests cover up to and go out at.
    hour: Annotated[int, Field(ge=0, le=23)] = 8
    weekday: Weekday = "monday"
    #: Negative mentions listed, most influential first.
    top_complaints: Annotated[int, Field(ge=1, le=10)] = 5
