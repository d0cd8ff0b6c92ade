"""The ports in memory, with the DynamoDB adapters' semantics: the backtest's fast path and the unit tests.

`MemoryMentionStore` keeps what `DynamoMentionStore` keeps, as it would read it back: a mention is
stored once per key (in one save the last copy wins, as in its de-duplication), created_at to the
second and scores to 6 decimals (`dynamo_items`), and each new mention is counted once in its hour
with the Dynamo store's own deltas (`aggregate_delta`, added as DynamoDB's ADD does, in decimal).
Queries return what the table's indexes would, in their order. `MemoryAlertLedger` has
`DynamoAlertLedger`'s conditional claim, lease and sent states, and its versioned incidents.

For a long replay the store can `forget_before` a time: mentions older than every window still to
be read are dropped, their keys kept, so memory grows with hours, not with mentions' texts.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from repmon.adapters.dynamo_items import aggregate_delta
from repmon.domain.brand import Brand
from repmon.domain.incident import Incident
from repmon.domain.models import Alert, HourlyAggregate, Reply, ScoredMention
from repmon.domain.replies import ReplyLink, earlier
from repmon.domain.timeutil import floor_hour, iso
from repmon.ports import Clock, RuleState, SaveResult

HOUR = timedelta(hours=1)
#: The HourlyAggregate fields DynamoDB ADDs to (the sources are `source_<name>` counters).
_SUMS = ("mentions", "negative", "neutral", "positive", "unscored")
_FLOATS = ("sentiment_sum", "weight_sum", "weighted_sentiment_sum")


def as_stored(sm: ScoredMention) -> ScoredMention:
    """The mention as the Dynamo store returns it: times to the second, scores to 6 decimals."""
    m = sm.mention
    created = m.created_at.replace(microsecond=0).astimezone(UTC)
    if m.author.account_created_at is not None and m.author.account_created_at.microsecond:
        m = dataclasses.replace(
            m,
            author=dataclasses.replace(
                m.author, account_created_at=m.author.account_created_at.replace(microsecond=0)
            ),
        )
    if created != m.created_at:
        m = dataclasses.replace(m, created_at=created)
    if m.reply is not None and m.reply != _to_second(m.reply):
        m = dataclasses.replace(m, reply=_to_second(m.reply))
    sentiment = dataclasses.replace(sm.sentiment, score=round(sm.sentiment.score, 6))
    return ScoredMention(sm.brand_id, m, sentiment, round(sm.influence, 6))


def _to_second(reply: Reply) -> Reply:
    """A reply as stored: its time to the second, UTC (`iso`)."""
    return dataclasses.replace(reply, at=reply.at.replace(microsecond=0).astimezone(UTC))


def _replied(sm: ScoredMention, reply: Reply) -> ScoredMention:
    return dataclasses.replace(sm, mention=dataclasses.replace(sm.mention, reply=reply))


def _time_key(sm: ScoredMention) -> str:
    """The ByTime index's sort key: created_at#source#id."""
    return f"{iso(sm.mention.created_at)}#{sm.mention.source}#{sm.mention.native_id}"


def _added(old: float, delta: Decimal) -> float:
    # repr(float) gives back the decimal the float was read from: this is DynamoDB's exact ADD.
    return float(Decimal(repr(old)) + delta)


class _Hours(dict[tuple[str, datetime], HourlyAggregate]):
    """The aggregates by (brand, hour), with each brand's hours kept sorted beside them, so a window
    is one bisect and a slice however long the history (tests may set or pop items directly)."""

    def __init__(self) -> None:
        super().__init__()
        self.sorted: dict[str, tuple[list[datetime], list[HourlyAggregate]]] = defaultdict(lambda: ([], []))

    def __setitem__(self, key: tuple[str, datetime], value: HourlyAggregate) -> None:
        hours, rows = self.sorted[key[0]]
        at = bisect_left(hours, key[1])
        if at < len(hours) and hours[at] == key[1]:
            rows[at] = value
        else:
            hours.insert(at, key[1])
            rows.insert(at, value)
        super().__setitem__(key, value)

    def __delitem__(self, key: tuple[str, datetime]) -> None:
        super().__delitem__(key)
        hours, rows = self.sorted[key[0]]
        at = bisect_left(hours, key[1])
        del hours[at], rows[at]

    def pop(self, key: tuple[str, datetime], *default: Any) -> Any:
        if key in self:
            value = self[key]
            del self[key]
            return value
        return super().pop(key, *default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def between(self, brand_id: str, first: datetime, until: datetime) -> list[HourlyAggregate]:
        hours, rows = self.sorted.get(brand_id) or ([], [])
        return rows[bisect_left(hours, first) : bisect_left(hours, until)]


class MemoryMentionStore:
    """The MentionStore port in memory, as DynamoMentionStore behaves (see the module docstring)."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], ScoredMention] = {}
        self.aggregates: dict[tuple[str, datetime], HourlyAggregate] = _Hours()
        self._seen: set[tuple[str, str]] = set()
        self._by_time: dict[str, list[tuple[str, str]]] = defaultdict(list)
        # The negatives alone, as the sparse NegativeByInfluence index holds them: the influencer
        # rule reads them every run, and they are a few of the window's mentions.
        self._negative_by_time: dict[str, list[tuple[str, str]]] = defaultdict(list)
        # The reviews alone, as the sparse RatedByTime index holds them (rating_drop reads weeks).
        self._rated_by_time: dict[str, list[tuple[str, str]]] = defaultdict(list)
        #: Replies read before their parent, by the parent's (brand, key).
        self._pending: dict[tuple[str, str], Reply] = {}

    def save(self, mentions: Sequence[ScoredMention]) -> SaveResult:
        unique = {(sm.brand_id, sm.key): sm for sm in mentions}
        fresh = [sm for key, sm in unique.items() if key not in self._seen]
        groups: dict[tuple[str, datetime], list[ScoredMention]] = {}
        for sm in fresh:
            groups.setdefault((sm.brand_id, floor_hour(sm.mention.created_at)), []).append(sm)
        for (brand_id, hour), group in groups.items():
            self._put_group(brand_id, hour, group)
        return SaveResult(stored=len(fresh), duplicates=len(mentions) - len(fresh))

    def _put_group(self, brand_id: str, hour: datetime, group: list[ScoredMention]) -> None:
        """One hour's new mentions and their count, together (the Dynamo store's transaction)."""
        for sm in group:
            key = (sm.brand_id, sm.key)
            stored = as_stored(sm)
            self._seen.add(key)
            insort(self._by_time[sm.brand_id], (_time_key(stored), sm.key))
            if (pending := self._pending.pop(key, None)) and earlier(stored.mention.reply, pending):
                stored = _replied(stored, pending)
            self.items[key] = stored
            if stored.sentiment.label == "negative" and not stored.mention.own:
                insort(self._negative_by_time[sm.brand_id], (_time_key(stored), sm.key))
            if stored.mention.rating is not None:
                insort(self._rated_by_time[sm.brand_id], (_time_key(stored), sm.key))
        # From the scores as computed, as the Dynamo store's transaction adds them; an hour of own
        # posts alone gets no aggregate, as there (dynamo_writes._by_hour).
        if delta := aggregate_delta(group):
            self._count(brand_id, hour, delta)

    def _count(self, brand_id: str, hour: datetime, delta: dict[str, Decimal]) -> None:
        agg = self.aggregates.get((brand_id, hour)) or HourlyAggregate(brand_id=brand_id, hour=hour)
        zero = Decimal(0)
        changes: dict[str, object] = {f: int(getattr(agg, f) + delta.get(f, zero)) for f in _SUMS}
        changes |= {f: _added(getattr(agg, f), delta.get(f, zero)) for f in _FLOATS}
        by_source = dict(agg.by_source)
        for name, value in delta.items():
            if name.startswith("source_"):
                source = name.removeprefix("source_")
                by_source[source] = by_source.get(source, 0) + int(value)
        changes["by_source"] = by_source
        self.aggregates[(brand_id, hour)] = dataclasses.replace(agg, **changes)  # type: ignore[arg-type]

    def record_replies(self, links: Sequence[ReplyLink]) -> int:
        changed = 0
        for link in links:
            key, reply = (link.brand_id, link.parent_key), _to_second(link.reply)
            current = self.items.get(key)
            if current is not None:
                if earlier(current.mention.reply, reply):
                    self.items[key] = _replied(current, reply)
                    changed += 1
            elif key not in self._seen and earlier(self._pending.get(key), reply):
                self._pending[key] = reply  # the Dynamo store's REPLY# item, taken by the parent's save
        return changed

    def forget_before(self, brand_id: str, before: datetime) -> int:
        """Drop the brand's mentions created before `before` (their keys stay known); returns how many."""
        index = self._by_time[brand_id]
        cut = bisect_left(index, (iso(before),))
        for _, key in index[:cut]:
            del self.items[(brand_id, key)]
        del index[:cut]
        for sparse in (self._negative_by_time[brand_id], self._rated_by_time[brand_id]):
            del sparse[: bisect_left(sparse, (iso(before),))]
        return cut

    def _between(
        self,
        brand_id: str,
        since: datetime,
        until: datetime,
        negative: bool = False,
        rated: bool = False,
    ) -> list[ScoredMention]:
        # The ByTime query is `BETWEEN iso(since) AND iso(until)` on created#source#id: [since, until).
        by = self._negative_by_time if negative else self._rated_by_time if rated else self._by_time
        index = by.get(brand_id, [])
        lo, hi = bisect_left(index, (iso(since),)), bisect_left(index, (iso(until),))
        return [self.items[(brand_id, key)] for _, key in index[lo:hi]]

    def mentions_between(self, brand_id: str, since: datetime, until: datetime) -> list[ScoredMention]:
        return self._between(brand_id, since, until)

    def rated_between(self, brand_id: str, since: datetime, until: datetime) -> list[ScoredMention]:
        return self._between(brand_id, since, until, rated=True)

    def most_negative(
        self,
        brand_id: str,
        since: datetime,
        until: datetime,
        min_influence: float,
        limit: int,
        source: str | None = None,
    ) -> list[ScoredMention]:
        # NegativeByInfluence: per day, sort key `influence 000.00#created` read descending, kept
        # when that text is >= the bar's; then the same stable sort as the Dynamo store.
        bar = f"{min_influence:06.2f}"
        found = [
            sm
            for sm in self._between(brand_id, since, until, negative=True)
            if sm.sentiment.label == "negative"
            and f"{sm.influence:06.2f}" >= bar
            and source in (None, sm.mention.source)
        ]
        found.sort(key=lambda sm: f"{sm.influence:06.2f}#{iso(sm.mention.created_at)}", reverse=True)
        found.sort(key=lambda sm: sm.mention.created_at.date())
        return sorted(found, key=lambda sm: (-sm.influence, sm.sentiment.score))[:limit]

    def hourly(self, brand_id: str, since: datetime, until: datetime) -> list[HourlyAggregate]:
        first = floor_hour(since)
        first = first if first == since else first + HOUR
        aggregates = self.aggregates
        assert isinstance(aggregates, _Hours)
        return aggregates.between(brand_id, first, until)


class MemoryCursorStore:
    def __init__(self) -> None:
        self.cursors: dict[tuple[str, str], str | None] = {}

    def get(self, brand_id: str, source: str) -> str | None:
        return self.cursors.get((brand_id, source))

    def put(self, brand_id: str, source: str, cursor: str | None) -> None:
        self.cursors[(brand_id, source)] = cursor


class MemoryAlertLedger:
    """DynamoAlertLedger's transitions in memory: a claim succeeds when the rule is armed, or when it
    was claimed, never sent, and that claim's lease has run out (none by default: at once)."""

    def __init__(self, clock: Clock | None = None, lease: timedelta = timedelta(0)) -> None:
        self.states: dict[tuple[str, str], RuleState] = defaultdict(RuleState)
        self.alerts: dict[str, Alert] = {}
        #: The emails recorded as sent (the alert log).
        self.sent: list[Alert] = []
        #: How many rule keys were folded into an incident: an influencer firing folds several.
        self.keys_sent = 0
        self.clock, self.lease = clock, lease
        self.claimed_at: dict[tuple[str, str], datetime] = {}
        self.incidents: dict[str, Incident] = {}

    def _now(self) -> datetime:
        return self.clock.now() if self.clock is not None else datetime.now(UTC)

    def state(self, brand_id: str, rule_key: str) -> RuleState:
        return self.states.get((brand_id, rule_key)) or RuleState()

    def claim(self, alert: Alert, rule_key: str) -> bool:
        key = (alert.brand_id, rule_key)
        current, now = self.state(*key), self._now()
        held = key in self.claimed_at and self.claimed_at[key] >= now - self.lease
        if current.firing and (current.sent or (held and self.lease)):
            return False
        # The crossing as first claimed is kept by re-claims of an unsent alert (see RuleState).
        first = current if current.firing else RuleState(crossed_at=alert.fired_at)
        self.states[key] = dataclasses.replace(
            first,
            firing=True,
            alert_id=alert.alert_id,
            sent=False,
            severity=first.severity or alert.severity.value,
            summary=first.summary or alert.summary,
        )
        self.claimed_at[key] = now
        self.alerts[alert.alert_id] = alert
        return True

    def mark_sent(self, alert: Alert, rule_key: str) -> None:
        key = (alert.brand_id, rule_key)
        if self.state(*key).alert_id != alert.alert_id:
            return  # another crossing owns the state now
        self.states[key] = dataclasses.replace(self.state(*key), sent=True)
        self.keys_sent += 1

    def rearm(self, brand_id: str, rule_key: str, at: datetime) -> None:
        self.states[(brand_id, rule_key)] = RuleState()

    def incident(self, brand_id: str) -> Incident | None:
        return self.incidents.get(brand_id)

    def save_incident(self, incident: Incident) -> bool:
        stored = self.incidents.get(incident.brand_id)
        if (stored.version if stored else 0) != incident.version - 1:
            return False
        self.incidents[incident.brand_id] = incident
        return True

    def email_sent(self, incident: Incident, email: Alert) -> bool:
        if not self.save_incident(incident):
            return False
        self.sent.append(email)
        return True


class MemoryAlertPublisher:
    """Keeps what would have gone to the alert topic, in order."""

    def __init__(self) -> None:
        self.published: list[Alert] = []

    def publish(self, alert: Alert, within: float | None = None) -> str:
        self.published.append(alert)
        return f"msg-{len(self.published)}"


class MemoryWatchlist:
    def __init__(self, brands: Sequence[Brand] = ()) -> None:
        self.by_id = {b.id: b for b in brands}

    def brands(self) -> list[Brand]:
        return sorted(self.by_id.values(), key=lambda b: b.id)

    def brand(self, brand_id: str) -> Brand | None:
        return self.by_id.get(brand_id)

    def replace(self, brands: Sequence[Brand]) -> tuple[int, int]:
        removed = len(set(self.by_id) - {b.id for b in brands})
        self.by_id = {b.id: b for b in brands}
        return len(brands), removed
