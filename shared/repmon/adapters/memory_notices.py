"""The notice ports in memory, with the DynamoDB adapters' semantics (`dynamo_notices`): tests and the
in-process paths."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from repmon.domain.ingestion_health import PollHealth
from repmon.domain.mutes import Mute
from repmon.domain.notices import LoggedAlert, Notice
from repmon.notice_ports import NoticeState
from repmon.ports import Clock


class MemoryNoticeLedger:
    """A claim succeeds when the key is armed, or claimed, never sent, and that claim's lease has
    run out (none by default: at once)."""

    def __init__(self, clock: Clock | None = None, lease: timedelta = timedelta(0)) -> None:
        self.states: dict[tuple[str, str], NoticeState] = {}
        self.claimed_at: dict[tuple[str, str], datetime] = {}
        self.clock, self.lease = clock, lease
        self.sent: list[Notice] = []

    def _now(self) -> datetime:
        return self.clock.now() if self.clock is not None else datetime.now(UTC)

    def state(self, scope: str, key: str) -> NoticeState:
        return self.states.get((scope, key), NoticeState())

    def claim(self, scope: str, key: str, notice: Notice, at: datetime) -> bool:
        current, now = self.state(scope, key), self._now()
        if current.firing and current.sent:
            return False
        held = (scope, key) in self.claimed_at and self.claimed_at[(scope, key)] > now - self.lease
        if current.firing and held and self.lease:
            return False
        self.states[(scope, key)] = NoticeState(True, False, notice.notice_id)
        self.claimed_at[(scope, key)] = now
        return True

    def mark_sent(self, scope: str, key: str, notice: Notice) -> None:
        self.states[(scope, key)] = NoticeState(True, True, notice.notice_id)
        self.sent.append(notice)

    def rearm(self, scope: str, key: str, at: datetime) -> None:
        self.states.pop((scope, key), None)
        self.claimed_at.pop((scope, key), None)


class MemoryNoticePublisher:
    """Keeps what would have gone to the topic, in order; `fail_next` publishes raise."""

    def __init__(self) -> None:
        self.published: list[Notice] = []
        self.fail_next = 0

    def publish(self, notice: Notice, within: float | None = None) -> str:
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("injected publish failure")
        self.published.append(notice)
        return f"notice-{len(self.published)}"


class MemoryMuteStore:
    def __init__(self, mutes: Sequence[Mute] = ()) -> None:
        self.mutes = {(m.brand_id, m.rule): m for m in mutes}

    def active(self, brand_id: str, at: datetime) -> list[Mute]:
        return sorted((m for (b, _), m in self.mutes.items() if b == brand_id and at < m.until), key=_rule)

    def put(self, mute: Mute) -> None:
        self.mutes[(mute.brand_id, mute.rule)] = mute

    def remove(self, brand_id: str, rule: str) -> bool:
        return self.mutes.pop((brand_id, rule), None) is not None


def _rule(mute: Mute) -> str:
    return mute.rule


class MemoryAlertLog:
    def __init__(self, alerts: Sequence[LoggedAlert] = ()) -> None:
        self.alerts = list(alerts)

    def sent_between(self, brand_id: str, since: datetime, until: datetime) -> list[LoggedAlert]:
        found = [a for a in self.alerts if a.brand_id == brand_id and since <= a.fired_at < until]
        return sorted(found, key=lambda a: a.fired_at)


class MemoryPollHealth:
    def __init__(self) -> None:
        self.health: dict[tuple[str, str], PollHealth] = {}

    def _get(self, brand_id: str, source: str) -> PollHealth:
        return self.health.get((brand_id, source), PollHealth(brand_id, source))

    def succeeded(self, brand_id: str, source: str, at: datetime, *, stuck: bool) -> None:
        old = self._get(brand_id, source)
        since = (old.stuck_since or at) if stuck else None
        self.health[(brand_id, source)] = replace(old, last_success=at, failures=0, stuck_since=since)

    def failed(self, brand_id: str, source: str, at: datetime, error: str) -> None:
        old = self._get(brand_id, source)
        self.health[(brand_id, source)] = replace(
            old, last_failure=at, failures=old.failures + 1, last_error=error
        )

    def of_brand(self, brand_id: str) -> list[PollHealth]:
        return [h for (b, _), h in sorted(self.health.items()) if b == brand_id]


class MemoryDeadLetters:
    def __init__(self, depths: dict[str, int] | None = None) -> None:
        self.queues = dict(depths or {})

    def depths(self) -> dict[str, int]:
        return dict(self.queues)
