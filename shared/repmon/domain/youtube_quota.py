"""The YouTube Data API's daily quota, shared out over the brands and the day. Pure arithmetic.

Google gives a project two daily quotas, both reset at midnight Pacific time: a bucket of
`search.list` calls (100 a day since mid-2026) and a pool of units for every other call (10,000;
a `commentThreads.list`, `videos.list` or `channels.list` page costs 1). Older projects' pages
counted a search as 100 units of the pool instead: `searches_per_day=0, search_units=100`
describes that model (searches may then use half the pool).

repmon may spend `share` of each (the rest is headroom for other uses of the key). A brand polled
every 15 minutes would spend the whole search bucket alone, so each brand searches only every
`search_every` polls, its turn staggered by its id so the brands' searches spread over the day,
and reads at most its share of the pool a poll (`units_this_poll`, fractions carried from poll to
poll). These only spread the spending: the ledger's conditional counters (adapters) are what
guarantee the day's total never passes the share.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

#: Google's quota day.
PACIFIC = ZoneInfo("America/Los_Angeles")


def quota_day(now: datetime) -> str:
    """The Pacific-time date whose quota `now` spends, as YYYY-MM-DD."""
    return now.astimezone(PACIFIC).date().isoformat()


def previous_day(day: str) -> str:
    return (datetime.fromisoformat(day) - timedelta(days=1)).date().isoformat()


@dataclass(frozen=True)
class QuotaPlan:
    """The stack's quota settings (CollectSettings `YOUTUBE_*`) and the poll interval."""

    units_per_day: int = 10_000
    #: The separate daily bucket of search calls; 0: no bucket, searches draw `search_units`.
    searches_per_day: int = 100
    #: Units of the pool a search call also costs (0 with a separate bucket).
    search_units: int = 0
    share: float = 0.8
    poll_minutes: float = 15.0

    @property
    def polls_per_day(self) -> float:
        return 1440 / self.poll_minutes

    @property
    def search_cap(self) -> int:
        """Search calls repmon may make in a day."""
        if self.searches_per_day > 0:
            return math.floor(self.share * self.searches_per_day)
        if self.search_units <= 0:
            return 0
        return math.floor(self.share * self.units_per_day / 2 / self.search_units)

    @property
    def unit_cap(self) -> int:
        """Units of the pool repmon may spend in a day, searches' included."""
        return math.floor(self.share * self.units_per_day)

    @property
    def read_units(self) -> int:
        """Units of the pool left for reads (comments, statistics) once searches have theirs."""
        return max(0, self.unit_cap - self.search_cap * self.search_units)

    def search_every(self, brands: int, pages: int) -> int:
        """Polls between a brand's searches, so that `brands` brands of `pages` pages fit the cap;
        0 when there is no search quota at all."""
        cap = self.search_cap
        if cap <= 0:
            return 0
        return max(1, math.ceil(max(brands, 1) * pages * self.polls_per_day / cap))

    def search_turn(self, brand_id: str, now: datetime, brands: int, pages: int) -> str | None:
        """The brand's current search turn (None: no search quota at all). A turn lasts
        `search_every` polls, staggered by the brand's id; the brand searches once a turn, at its
        first poll in it (the ledger claims the turn), however often or late its polls come."""
        every = self.search_every(brands, pages)
        if every <= 0:
            return None
        return f"{every}:{(self._slot(now) + _offset(brand_id)) // every}"

    def units_this_poll(self, brand_id: str, now: datetime, brands: int) -> int:
        """The brand's units for this poll: its share of the read units a poll, the fractions carried
        (0.3 a poll gives 1 unit every third or fourth poll)."""
        rate = self.read_units / max(brands, 1) / self.polls_per_day
        slot = self._slot(now) + _offset(brand_id)
        return math.floor(rate * (slot + 1)) - math.floor(rate * slot)

    def _slot(self, now: datetime) -> int:
        return int(now.timestamp() // (self.poll_minutes * 60))


def _offset(brand_id: str) -> int:
    return zlib.crc32(brand_id.encode()) % 9973
