"""YouTube's watchlist settings (`sources.youtube`): the brand's channel, video search, comment reads.

    sources:
      youtube:
        channel_id: UCxxxxxxxxxxxxxxxxxxxxxx   # the brand's own channel: comments on all its videos
        search: true                           # new videos matching the brand, and their comments

On when `channel_id` is set or `enabled: true` (search only); it needs the API key in Secrets Manager
(README, "YouTube"): without it the source says it is off and polls nothing. Every read spends the
stack's daily YouTube quota, which the adapter shares out over the brands and the day (README).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, Field, model_validator

from repmon.domain.sources import SourceOptions

#: A channel id: "UC" and 22 characters of URL-safe base64.
CHANNEL_ID = re.compile(r"UC[A-Za-z0-9_-]{22}")


def _channel(value: str) -> str:
    channel = value.strip()
    if not CHANNEL_ID.fullmatch(channel):
        raise ValueError(
            f"{value[:60]!r} is not a channel id (UC and 22 letters, digits, - or _: the part after"
            " /channel/ in the channel's address, not its @handle)"
        )
    return channel


class YouTubeSettings(SourceOptions):
    #: own_accounts are channel ids; `channel_id` is one of them (its comments are the brand's own).
    handle_rule: ClassVar[str] = "youtube"
    #: Defaults to on when `channel_id` is set.
    enabled: bool | None = None
    channel_id: Annotated[str, AfterValidator(_channel)] | None = None
    #: `search.list` for new videos matching the brand's search terms (the scarce quota).
    search: bool = True
    #: Result pages (50 videos each) per search; each page is one call of the daily search quota.
    search_pages: Annotated[int, Field(ge=1, le=5)] = 1
    #: Days the comments of a video the search found are read after it is published.
    watch_days: Annotated[int, Field(ge=0, le=30)] = 3
    #: Videos found by search whose comments are read, newest first (one quota unit each a poll).
    max_videos: Annotated[int, Field(ge=0, le=50)] = 10
    max_items: Annotated[int, Field(ge=1, le=1000)] = 200

    @model_validator(mode="before")
    @classmethod
    def _channel_is_own(cls, data: Any) -> Any:
        """The brand's channel counts among its own accounts: its replies are the brand's."""
        if not isinstance(data, dict):
            return data
        channel, own = data.get("channel_id"), data.get("own_accounts", ())
        good = isinstance(channel, str) and CHANNEL_ID.fullmatch(channel.strip())
        if good and isinstance(own, list | tuple):
            return {**data, "own_accounts": [*own, str(channel).strip()]}
        return data

    @property
    def active(self) -> bool:
        return bool(self.channel_id) if self.enabled is None else self.enabled
