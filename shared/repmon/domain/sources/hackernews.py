"""Hacker News's watchlist settings: the per-run bound."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from repmon.domain.sources import SourceOptions


class HackerNewsSettings(SourceOptions):
    handle_rule: ClassVar[str] = "hackernews"
    enabled: bool = True
    max_items: Annotated[int, Field(ge=1, le=1000)] = 200
