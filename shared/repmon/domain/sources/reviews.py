"""What the review sites' watchlist settings share: the brand's locations, each an id and a name.

    locations:                         # a mapping: id -> the name people know it by
      accounts/1234/locations/5678: Acme Airport Lounge
    businesses: [acme-air-new-york]    # or a list of ids: each named by its id

A review belongs to a location (a store, a hotel, a business unit): the mention keeps both, so the
export, the digest and the emails can say which one. Ids are checked against the site's own shape
here, in the user's words, and again by the adapter before they go into a URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

#: Locations per brand and site: each costs at least one request a poll.
MAX_LOCATIONS = 50
MAX_NAME = 120


def location_map(shape: re.Pattern[str], example: str) -> Callable[[Any], dict[str, str]]:
    """A validator of `{id: name}` or `[id, ...]` whose ids fit `shape` (the error cites `example`)."""

    def check(value: Any) -> dict[str, str]:
        if value is None:
            return {}
        if isinstance(value, list | tuple):
            value = {item: "" for item in value}
        if not isinstance(value, dict):
            raise ValueError(f"must be a list of ids or a mapping of id to name (e.g. {example})")
        found: dict[str, str] = {}
        for key, name in value.items():
            raw = str(key).strip() if isinstance(key, str | int) and not isinstance(key, bool) else None
            if raw is None or not (raw.isascii() and shape.fullmatch(raw)):
                raise ValueError(f"{str(key)[:80]!r} is not an id of this site (e.g. {example})")
            if name is not None and not isinstance(name, str):
                raise ValueError(f"the name of {raw!r} must be text")
            found[raw] = (name or "").strip()[:MAX_NAME]
        return found

    return check


def Locations(shape: re.Pattern[str], example: str) -> Any:
    """The annotated type of a settings field listing locations."""
    return Annotated[
        dict[str, str], BeforeValidator(location_map(shape, example)), Field(max_length=MAX_LOCATIONS)
    ]
