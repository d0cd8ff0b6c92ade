"""Google's watchlist settings (`sources.google`): the brand's own locations, and places it does not manage.

    sources:
      google:
        locations:                                   # Business Profile: the brand's own, verified
          accounts/1234567890/locations/9876543210: Acme Air, JFK Terminal 4
        places:                                      # Places API (New): any place, e.g. a competitor
          ChIJ2eUgeAK6j4ARbn5u_wAGqWA: Rival Air desk
        place_min_interval_hours: 24

One source for both routes, because a shopper sees one Google: the same stars on Maps and Search,
one site in the export's average rating per site and location. They differ in what they give:
- `locations`: every review of the brand's own locations, newest first, with the owner's reply,
  through the Business Profile API (OAuth, Google's approval first: README "Google").
- `places`: at most five reviews a place, chosen by relevance and not by time, billed per call
  (Place Details Enterprise + Atmosphere), so each place is read at most once per
  `place_min_interval_hours` and its reviews deduplicated across polls. Google's terms forbid
  storing review text and authors: only the stars, date and a link are kept (README).
The source is on when either is set (`enabled: false` turns it off).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, model_validator

from repmon.domain.sources import SourceOptions
from repmon.domain.sources.reviews import Locations

#: A Business Profile location as the v4 reviews API names it.
LOCATION = re.compile(r"accounts/[0-9]{1,30}/locations/[0-9]{1,30}")
#: A Places API place id: letters, digits, '_' and '-'.
PLACE_ID = re.compile(r"[A-Za-z0-9_-]{10,300}")


class GoogleSettings(SourceOptions):
    #: Defaults to on when `locations` or `places` is set.
    enabled: bool | None = None
    locations: Locations(LOCATION, "accounts/123/locations/456: Acme Downtown") = {}  # type: ignore[valid-type]
    places: Locations(PLACE_ID, "ChIJ2eUgeAK6j4ARbn5u_wAGqWA: Rival Air") = {}  # type: ignore[valid-type]
    #: Each place is read at most this often: every read is billed and shows the same five reviews.
    place_min_interval_hours: Annotated[float, Field(ge=1, le=24 * 31)] = 24
    #: New reviews returned per poll over all locations, oldest first; the rest come next poll.
    max_items: Annotated[int, Field(ge=1, le=1000)] = 200
    #: Pages of 50 per location and poll.
    max_pages: Annotated[int, Field(ge=1, le=20)] = 5

    @model_validator(mode="after")
    def _needs_a_location(self) -> GoogleSettings:
        if self.enabled and not (self.locations or self.places):
            raise ValueError("locations or places is required when the google source is enabled")
        return self

    @property
    def active(self) -> bool:
        return bool(self.locations or self.places) if self.enabled is None else self.enabled

    def manages(self, location_id: str | None) -> bool:
        # `places` are any places, read through the Places API (a competitor's desk); `locations`
        # are the brand's own, verified in its Business Profile.
        return location_id not in self.places
