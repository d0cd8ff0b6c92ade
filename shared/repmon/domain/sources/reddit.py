"""Reddit's watchlist settings: which subreddits (none means r/all), comments too, the per-run bound."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from repmon.domain.sources import SourceOptions

#: Reddit's own rule (reddit-archive r2 `subreddit_rx`, `language_subreddit_rx`): 3-21 letters, digits
#: or '_', not starting with '_'; and the old two-letter language subreddits such as r/de.
SUBREDDIT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]{2,20}|[A-Za-z]{2}")
#: "r/name", "/r/name/" or a pasted link: the adapter passes names to Reddit as they are, so the
#: prefix is refused (with the bare name as a suggestion) rather than silently sent.
_SUBREDDIT_PREFIXED = re.compile(r"(?:^|/)r/([A-Za-z0-9_]+)/?$")


def _subreddit(value: str) -> str:
    if SUBREDDIT_NAME.fullmatch(value):
        return value
    prefixed = _SUBREDDIT_PREFIXED.search(value)
    if prefixed and SUBREDDIT_NAME.fullmatch(prefixed[1]):
        raise ValueError(f"write the name without 'r/'; did you mean {prefixed[1]!r}?")
    raise ValueError(f"{value!r} is not a subreddit name: 3-21 letters, digits or '_' (not first)")


class RedditSettings(SourceOptions):
    handle_rule: ClassVar[str] = "reddit"
    enabled: bool = True
    #: Empty means r/all.
    subreddits: tuple[Annotated[str, AfterValidator(_subreddit)], ...] = ()
    include_comments: bool = True
    max_items: Annotated[int, Field(ge=1, le=1000)] = 250
