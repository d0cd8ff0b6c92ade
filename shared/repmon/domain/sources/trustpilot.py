"""Trustpilot's watchlist settings (`sources.trustpilot`): the brand's own business units.

    sources:
      trustpilot:
        business_units:
          5f1e2d3c4b5a69788796a5b4: Acme Air (acmeair.example)

The API key comes with a Trustpilot Business plan that includes the API (Connect) module; it is one
secret for the stack (README, "Trustpilot"). A business unit's id is on its Trustpilot Business
settings page, or `GET /v1/business-units/find?name=<domain>`. The source is on when
`business_units` is set (`enabled: false` turns it off). Reviews are about the brand by
construction, so the brand query does not filter them.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, model_validator

from repmon.domain.sources import SourceOptions
from repmon.domain.sources.reviews import Locations

#: Trustpilot's ids are 24 hexadecimal digits (a MongoDB ObjectId).
BUSINESS_UNIT = re.compile(r"[0-9a-f]{24}")


class TrustpilotSettings(SourceOptions):
    #: Defaults to on when `business_units` is set.
    enabled: bool | None = None
    business_units: Locations(BUSINESS_UNIT, "5f1e2d3c4b5a69788796a5b4: Acme Air") = {}  # type: ignore[valid-type]
    #: New reviews returned per poll over all units, oldest first; the rest come next poll.
    max_items: Annotated[int, Field(ge=1, le=1000)] = 200
    #: Pages of 100 per unit and poll (each a call against the plan's yearly allowance).
    max_pages: Annotated[int, Field(ge=1, le=20)] = 5

    @model_validator(mode="after")
    def _needs_units(self) -> TrustpilotSettings:
        if self.enabled and not self.business_units:
            raise ValueError("business_units is required when the trustpilot source is enabled")
        return self

    @property
    def active(self) -> bool:
        return bool(self.business_units) if self.enabled is None else self.enabled
