"""Bluesky's watchlist settings (`sources.bluesky`): opt in, the per-run bound, an optional language.

    sources:
      bluesky:
        enabled: true
        lang: en          # optional: only posts Bluesky tagged with this language
        max_items: 200

Off unless `enabled: true`: Bluesky needs an account (handle + app password in Secrets Manager,
README "Bluesky"), and a brand that asks for it before the secret exists gets an empty poll with a
note, as Reddit does. The search is the brand's search terms, OR-ed; the brand query filters after.
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from repmon.domain.sources import SourceOptions

#: A BCP-47 primary language tag as Bluesky's `lang` parameter takes it (en, pt, zh-Hant...).
_LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def _lang(value: str) -> str:
    if not _LANG.fullmatch(value):
        raise ValueError(f"{value[:40]!r} is not a language code (e.g. en, de, pt-BR)")
    return value


class BlueskySettings(SourceOptions):
    handle_rule: ClassVar[str] = "bluesky"
    enabled: bool = False
    lang: Annotated[str, AfterValidator(_lang)] | None = None
    max_items: Annotated[int, Field(ge=1, le=1000)] = 200
