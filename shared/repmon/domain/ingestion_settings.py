"""The watchlist's `ingestion:` section: when a brand's sources page engineers (`ops` alerts).

README, "Ingestion health". The silence threshold is learnt per brand and source from the brand's
own hourly counts, so a brand Hacker News mentions twice a week never pages anyone.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class IngestionSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    #: A source is silent when its current gap without mentions is this many times the longest gap
    #: of the last 14 days...
    silence_factor: Annotated[float, Field(ge=1, le=20)] = 2.0
    #: ...and at least this many hours.
    min_silence_hours: Annotated[int, Field(ge=1, le=24 * 14)] = 6
    #: Polls of a source that failed in a row (each after the job's own retries) before it pages.
    poll_failures: Annotated[int, Field(ge=1, le=1000)] = 5
    #: Hours a source may keep returning only what is stored already, its cursor never moving.
    stuck_hours: Annotated[int, Field(ge=1, le=24 * 14)] = 6
