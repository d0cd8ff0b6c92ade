"""The ports of engagement re-reads (README, "Going viral"), beside `repmon.ports`.

Adapters: a source adapter with a `refresh` method is an `EngagementReader` (a source without one
is not re-read); one whose reads depend on the brand (X charges each to the brand's budget) is also
`BrandScoped`, and is read through `for_brand`. `adapters.dynamo_engagement` and
`adapters.memory_engagement` keep what was read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from repmon.domain.brand import Brand
from repmon.domain.models import Engagement, ScoredMention


@runtime_checkable
class EngagementReader(Protocol):
    @property
    def batch(self) -> int:
        """The most native ids one `refresh` call takes (the API's batch size)."""
        ...

    def refresh(self, native_ids: Sequence[str]) -> dict[str, Engagement]:
        """The current engagement of these items, by native id, in one API call; an item the source no
        longer serves (deleted, private) is absent."""
        ...


@runtime_checkable
class BrandScoped(Protocol):
    def for_brand(self, brand: Brand, now: datetime) -> EngagementReader:
        """The reader of this brand's items at `now` (e.g. within the brand's spend budget)."""
        ...


class EngagementStore(Protocol):
    def last_reads(self, brand_id: str, keys: Sequence[str]) -> dict[str, datetime]:
        """When each mention (by `Mention.key`) was last re-read; never-re-read ones are absent."""
        ...

    def record(self, sm: ScoredMention, engagement: Engagement, influence: float, at: datetime) -> bool:
        """Keep the read in the mention's history (a small item with a TTL) and give the mention this
        engagement and influence, with its hour's influence-weighted sums moved by the difference:
        once, whatever the retries (conditional on the influence `sm` holds and on `at` being later
        than the last read). False when the stored mention had moved on: nothing changed."""
        ...
