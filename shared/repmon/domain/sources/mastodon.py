"""Mastodon's watchlist settings (`sources.mastodon`): which instances, full-text search, hashtags.

    sources:
      mastodon:
        instances: [mastodon.social, fosstodon.org]
        hashtags: [acme, acmecloud]

Each instance is read with its own user access token, kept in one Secrets Manager secret for the
stack (README, "Mastodon"): an instance listed here without a token there is skipped with a note.
The source is on when `instances` is set (`enabled: false` turns it off). `search` runs the brand's
search terms through the instance's full-text search (`/api/v2/search`), which finds only posts
whose authors opted into search, and only on instances that run a search index; `hashtags` reads
each tag's timeline (`/api/v1/timelines/tag/:tag`), which needs neither.
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field, model_validator

from repmon.domain.sources import SourceOptions

#: A host name as DNS writes it, with an optional port (a local test instance).
_HOST = re.compile(r"(?=.{1,253}(:|$))([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9-]{1,63}(:[0-9]{1,5})?")
#: Mastodon's hashtag rule, roughly: letters, digits, '_' and the middle dot, not only digits.
HASHTAG = re.compile(r"(?!\d+$)[\w·]{1,100}")
#: Instances per brand: each costs a request per search term and hashtag on every poll.
MAX_INSTANCES = 10
MAX_HASHTAGS = 10


def _instance(value: str) -> str:
    host = value.strip().lower()
    if "/" in host or not (host.isascii() and _HOST.fullmatch(host)):
        raise ValueError(f"{value[:80]!r} is not an instance's host name (e.g. mastodon.social, no https://)")
    return host


def _hashtag(value: str) -> str:
    tag = value.strip()
    if tag.startswith("#"):
        raise ValueError(f"write the tag without '#'; did you mean {tag[1:]!r}?")
    if not HASHTAG.fullmatch(tag):
        raise ValueError(f"{value[:80]!r} is not a hashtag: letters, digits and '_' (not only digits)")
    return tag


class MastodonSettings(SourceOptions):
    handle_rule: ClassVar[str] = "mastodon"
    #: Defaults to on when `instances` is set.
    enabled: bool | None = None
    instances: Annotated[
        tuple[Annotated[str, AfterValidator(_instance)], ...], Field(max_length=MAX_INSTANCES)
    ] = ()
    #: Full-text search of the brand's terms on each instance.
    search: bool = True
    hashtags: Annotated[
        tuple[Annotated[str, AfterValidator(_hashtag)], ...], Field(max_length=MAX_HASHTAGS)
    ] = ()
    max_items: Annotated[int, Field(ge=1, le=1000)] = 200

    @model_validator(mode="after")
    def _needs_instances(self) -> MastodonSettings:
        if self.enabled and not self.instances:
            raise ValueError("instances is required when the mastodon source is enabled")
        if not (self.search or self.hashtags):
            raise ValueError("set hashtags, or leave search on: there is nothing to read otherwise")
        return self

    @property
    def active(self) -> bool:
        return bool(self.instances) if self.enabled is None else self.enabled
