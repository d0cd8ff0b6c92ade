"""Google Play's watchlist settings (`sources.google_play`): the brand's own Android app.

    sources:
      google_play:
        package_name: com.acmeair.app   # the id in its Play link (play.google.com/...?id=...)
        app_name: Acme Air              # optional: how emails and exports name the app
        max_items: 200                  # optional: new reviews per poll (the rest come next poll)
        max_pages: 5                    # optional: pages of 100 read a poll, at most

The Play Developer API (`reviews.list`) lists only reviews created or modified in the last 7 days,
and only those with text; reviews are about the app itself, so the brand query does not filter them.
On when `package_name` is set; needs the `repmon/google-play` secret (a service account's JSON key,
README "Deploying"): without it the source says it is off and polls nothing.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from repmon.domain.sources import SourceOptions

#: An Android application id: two or more dot-separated segments, each a letter then letters,
#: digits or underscores (the adapter checks it again before it goes into a URL).
PACKAGE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+")
_IN_LINK = re.compile(r"[?&]id=([A-Za-z][A-Za-z0-9_.]*)")
#: `reviews.list` GETs per app and hour (Google's quota, shared by every caller of the app).
HOURLY_QUOTA = 200


class GooglePlaySettings(SourceOptions):
    #: Defaults to on when a package name is given.
    enabled: bool | None = None
    package_name: Annotated[str, Field(max_length=150)] | None = None
    app_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    max_items: Annotated[int, Field(ge=1, le=1000)] = 200
    #: 100 reviews a page; 20 pages at 15-minute polls is 80 of the app's 200 GETs an hour.
    max_pages: Annotated[int, Field(ge=1, le=20)] = 5

    @field_validator("package_name")
    @classmethod
    def _package_shape(cls, value: str | None) -> str | None:
        if value is None or PACKAGE_NAME.fullmatch(value):
            return value
        found = _IN_LINK.search(value)
        hint = f"; did you mean {found[1]!r}?" if found else ""
        raise ValueError(
            f"must be the app's package name, like com.example.app (the id= in its Play link){hint}"
        )

    @model_validator(mode="after")
    def _needs_package(self) -> GooglePlaySettings:
        if self.enabled and not self.package_name:
            raise ValueError("package_name is required when the Google Play source is enabled")
        return self

    @property
    def active(self) -> bool:
        return bool(self.package_name) if self.enabled is None else self.enabled

    @property
    def location_name(self) -> str:
        return self.app_name or self.package_name or ""
