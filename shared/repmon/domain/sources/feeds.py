"""News, forum, blog, press and status-page feeds (RSS 2.0 or Atom): the watchlist's `sources.feeds`.

    sources:
      feeds:
        urls:
          - "https://news.google.com/rss/search?q={query}&hl=en-US&gl=US&ceid=US:en"
          - https://status.acme.example/history.atom
        site_weights: {reuters.com: 80, status.acme.example: 60}

`{query}` in a URL is replaced by the brand's search terms joined with OR, URL-encoded: a news
search feed follows the brand's query. The source is on when `urls` is set (`enabled: false` turns
it off). Influence of an entry is its site's weight (`site_weights`, by publisher domain: the most
specific listed suffix wins), `default_weight` for any other site.
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, model_validator

from repmon.domain.sources import SourceOptions

#: A host name as DNS writes it: labels of letters, digits and '-', at least one dot.
_DOMAIN = re.compile(r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}")
QUERY_SLOT = "{query}"
#: An unlisted site's weight: a small site's reach, below a known publisher's 60-90 (README).
DEFAULT_WEIGHT = 20
#: Feeds per brand: each keeps its ids of the last hours in the cursor, which must stay a small item.
MAX_FEEDS = 20


def _feed_url(value: str) -> str:
    parts = urlsplit(value.replace(QUERY_SLOT, "q"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value[:80]!r} is not a feed address: write it as https://host/path")
    if value.count(QUERY_SLOT) > 1:
        raise ValueError(f"{value[:80]!r}: put {QUERY_SLOT} in it once at most")
    return value


def _domain(value: str) -> str:
    host = value.strip().lower().removeprefix("www.")
    if not (host.isascii() and _DOMAIN.fullmatch(host)):
        raise ValueError(f"{value[:80]!r} is not a site's domain (e.g. reuters.com, without https://)")
    return host


Weight = Annotated[int, Field(ge=0, le=100)]


class FeedSettings(SourceOptions):
    handle_rule: ClassVar[str] = "feeds"
    #: Defaults to on when `urls` is set.
    enabled: bool | None = None
    urls: Annotated[tuple[Annotated[str, AfterValidator(_feed_url)], ...], Field(max_length=MAX_FEEDS)] = ()
    #: Publisher domain -> weight 0-100.
    site_weights: dict[Annotated[str, AfterValidator(_domain)], Weight] = {}
    default_weight: Weight = DEFAULT_WEIGHT
    max_items: Annotated[int, Field(ge=1, le=1000)] = 200

    @model_validator(mode="after")
    def _needs_urls(self) -> FeedSettings:
        if self.enabled and not self.urls:
            raise ValueError("urls is required when the feeds source is enabled")
        return self

    @property
    def active(self) -> bool:
        return bool(self.urls) if self.enabled is None else self.enabled

    def weight(self, host: str) -> int:
        """The weight of the site at `host`: its most specific listed domain, else the default."""
        host = host.lower().removeprefix("www.")
        labels = host.split(".")
        for i in range(len(labels) - 1):
            found = self.site_weights.get(".".join(labels[i:]))
            if found is not None:
                return found
        return self.default_weight
