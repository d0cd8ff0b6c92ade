"""Yelp's watchlist settings (`sources.yelp`): the brand's businesses on Yelp.

    sources:
      yelp:
        businesses:
          acme-air-lounge-new-york: Acme Air Lounge, JFK     # the alias in its yelp.com/biz/ link, or its id
        min_interval_hours: 6

Yelp's reviews endpoint gives a few truncated excerpts per business (three on the plans we know of,
about 160 characters each), only on a plan that includes reviews, and counts every call against a
daily allowance (300 a day on the Starter trial): so each business is read at most once per
`min_interval_hours`, and a review links to its full text on yelp.com. The source is on when
`businesses` is set (`enabled: false` turns it off).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, model_validator

from repmon.domain.sources import SourceOptions
from repmon.domain.sources.reviews import Locations

#: A business id or alias: letters, digits, '_' and '-'.
BUSINESS = re.compile(r"[A-Za-z0-9_-]{1,200}")


class YelpSettings(SourceOptions):
    #: Defaults to on when `businesses` is set.
    enabled: bool | None = None
    businesses: Locations(BUSINESS, "acme-air-lounge-new-york: Acme Air Lounge") = {}  # type: ignore[valid-type]
    #: Each business is read at most this often (0: every poll): calls count against a daily limit.
    min_interval_hours: Annotated[float, Field(ge=0, le=24 * 31)] = 6
    #: New reviews returned per poll over all businesses.
    max_items: Annotated[int, Field(ge=1, le=1000)] = 200
    #: Pages per business and poll (pages beyond the first exist only on plans with more excerpts).
    max_pages: Annotated[int, Field(ge=1, le=10)] = 2

    @model_validator(mode="after")
    def _needs_businesses(self) -> YelpSettings:
        if self.enabled and not self.businesses:
            raise ValueError("businesses is required when the yelp source is enabled")
        return self

    @property
    def active(self) -> bool:
        return bool(self.businesses) if self.enabled is None else self.enabled
