"""The App Store's watchlist settings: the brand's own app, its countries, how deep to read."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field, field_validator, model_validator

from repmon.domain.countries import COUNTRY_ALIASES, COUNTRY_CODES
from repmon.domain.sources import SourceOptions

#: The shape the adapter checks again before the id goes into a URL.
APP_ID = re.compile(r"[0-9]{5,12}")
#: "id1234567890" or a pasted App Store link: the digits are the id.
_APP_ID_IN_LINK = re.compile(r"id([0-9]{5,12})(?![0-9])")


def _country(value: str) -> str:
    code = value.strip().lower()
    if code in COUNTRY_CODES:
        return code
    hint = f"; did you mean {COUNTRY_ALIASES[code]!r}?" if code in COUNTRY_ALIASES else ""
    raise ValueError(f"{value!r} is not a country code (two letters, ISO 3166-1: us, gb, de...){hint}")


class AppStoreSettings(SourceOptions):
    handle_rule: ClassVar[str] = "appstore"
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
        if value is None or APP_ID.fullmatch(value):
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
