"""X's watchlist settings (`sources.x`): opt in, the brand's monthly spend budget, the per-run bound.

    sources:
      x:
        enabled: true
        monthly_budget_usd: 30     # this brand's X reads a calendar month (UTC), in US dollars
        reread_share: 0.25         # at most this share of it re-reads stored posts' engagement
        retweets: false            # retweets repeat a post and cost a read each: left out
        lang: en                   # optional: only posts X tagged with this language
        max_items: 200
        own_accounts: [acmeair]    # the brand's usernames: their replies are read too

Off unless `enabled: true`: X's API is paid per read (README, "X"), so a brand spends nothing there
until asked. The search is the brand query itself in X's syntax (so authors are read, and paid for,
only for posts that match it); the stack's own monthly budget (`X_MONTHLY_BUDGET_USD`) caps every
brand together. With `own_accounts`, the search also asks for those accounts' replies
(`from:<username> is:reply`, whatever they say), so the brand's answers are matched to the posts they
answer (`parent_id`); each is a read like any other.
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from repmon.domain.sources import SourceOptions

#: A BCP-47 primary language tag as X's `lang:` operator takes it (en, pt, ja...).
_LANG = re.compile(r"[a-z]{2,3}")


def _lang(value: str) -> str:
    if not _LANG.fullmatch(value):
        raise ValueError(f"{value[:40]!r} is not a two- or three-letter language code (e.g. en, de)")
    return value


class XSettings(SourceOptions):
    handle_rule: ClassVar[str] = "x"
    enabled: bool = False
    #: US dollars a calendar month (UTC) for this brand's reads; polls stop before going over it.
    monthly_budget_usd: Annotated[float, Field(ge=0, le=100_000)] = 30.0
    #: At most this share of `monthly_budget_usd` goes to engagement re-reads of stored posts; the rest
    #: is kept for the search, which finds new mentions (a new complaint matters more than a count).
    reread_share: Annotated[float, Field(ge=0, le=1)] = 0.25
    retweets: bool = False
    lang: Annotated[str, AfterValidator(_lang)] | None = None
    max_items: Annotated[int, Field(ge=1, le=1000)] = 200
