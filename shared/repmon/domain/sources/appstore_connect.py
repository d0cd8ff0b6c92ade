"""App Store Connect's watchlist settings (`sources.appstore_connect`): the brand's own iOS app, read
through the owner's API (customer reviews of every territory, with the developer's responses).

    sources:
      appstore_connect:
        app_id: "1234567890"     # the digits after `id` in its App Store link (as sources.appstore)
        app_name: Acme Air       # optional: how emails and exports name the app
        max_items: 200           # optional: new reviews per poll (the rest come next poll)
        max_pages: 5             # optional: pages of 200 read a poll, at most

On when `app_id` is set; needs the `repmon/appstore-connect` secret (issuer id, key id and the .p8
key, README "Deploying"). The public RSS source (`sources.appstore`) may read the same app: a review
read by both is one mention (README "App Store Connect").
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator, model_validator

from repmon.domain.sources import SourceOptions
from repmon.domain.sources.appstore import AppStoreSettings


class AppStoreConnectSettings(SourceOptions):
    #: Defaults to on when an app id is given.
    enabled: bool | None = None
    app_id: str | None = None
    app_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    max_items: Annotated[int, Field(ge=1, le=1000)] = 200
    #: 200 reviews a page; Apple allows about 3,500 requests an hour per key.
    max_pages: Annotated[int, Field(ge=1, le=20)] = 5

    @field_validator("app_id", mode="before")
    @classmethod
    def _digits_as_text(cls, value: object) -> object:
        return AppStoreSettings._digits_as_text(value)

    @field_validator("app_id")
    @classmethod
    def _app_id_shape(cls, value: str | None) -> str | None:
        # The same id rules, and messages, as the RSS source's.
        return AppStoreSettings._app_id_shape(value)

    @model_validator(mode="after")
    def _needs_app_id(self) -> AppStoreConnectSettings:
        if self.enabled and not self.app_id:
            raise ValueError("app_id is required when the App Store Connect source is enabled")
        return self

    @property
    def active(self) -> bool:
        return bool(self.app_id) if self.enabled is None else self.enabled

    @property
    def location_name(self) -> str:
        return self.app_name or self.app_id or ""
