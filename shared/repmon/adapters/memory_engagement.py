"""MemoryEngagementStore: the EngagementStore port over a MemoryMentionStore, as
DynamoEngagementStore behaves (the backtest and the unit tests): the same condition, the same deltas."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from repmon.adapters.dynamo_items import to_decimal
from repmon.adapters.memory import MemoryMentionStore, as_stored
from repmon.domain.models import Engagement, ScoredMention
from repmon.domain.reputation import weight
from repmon.domain.timeutil import floor_hour


class MemoryEngagementStore:
    def __init__(self, store: MemoryMentionStore) -> None:
        self.store = store
        self.read_at: dict[tuple[str, str], datetime] = {}
        #: Every read kept, by (brand, mention key): (time, engagement).
        self.history: dict[tuple[str, str], list[tuple[datetime, Engagement]]] = {}

    def last_reads(self, brand_id: str, keys: Sequence[str]) -> dict[str, datetime]:
        return {k: self.read_at[(brand_id, k)] for k in keys if (brand_id, k) in self.read_at}

    def record(self, sm: ScoredMention, engagement: Engagement, influence: float, at: datetime) -> bool:
        key = (sm.brand_id, sm.key)
        self.history.setdefault(key, [])
        if (at, engagement) not in self.history[key]:
            self.history[key].append((at, engagement))
        current = self.store.items.get(key)
        last = self.read_at.get(key)
        if current is None or current.influence != round(sm.influence, 6) or (last and last >= at):
            return False
        grown = dataclasses.replace(current.mention, engagement=engagement)
        self.store.items[key] = as_stored(dataclasses.replace(current, mention=grown, influence=influence))
        self.read_at[key] = at
        if delta := influence_delta(current, influence):
            self.store._count(sm.brand_id, floor_hour(current.mention.created_at), delta)
        return True


def influence_delta(sm: ScoredMention, influence: float) -> dict[str, Decimal]:
    """What a mention's new influence moves its hour's influence-weighted sums by (scored ones only)."""
    if sm.sentiment.label is None or sm.mention.own:
        return {}
    dw = weight(influence) - weight(sm.influence)
    if dw == 0:
        return {}
    return {"weight_sum": to_decimal(dw), "weighted_sentiment_sum": to_decimal(dw * sm.sentiment.score)}
