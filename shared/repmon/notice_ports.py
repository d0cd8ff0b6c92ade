"""The ports of digests, ingestion health and mutes (beside `repmon.ports`, like `export_ports`).

Adapters: `adapters.dynamo_notices` (the single table), `adapters.sns_notices` (the alert topic),
`adapters.memory_notices` (in memory, for tests and the in-process paths).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from repmon.domain.ingestion_health import PollHealth
from repmon.domain.mutes import Mute
from repmon.domain.notices import LoggedAlert, Notice

#: The scope of notices about no one brand (a dead-letter queue).
GLOBAL = ""


@dataclass(frozen=True)
class NoticeState:
    """Where a (scope, key) stands: armed, or claimed by a notice and whether that was sent."""

    firing: bool = False
    sent: bool = False
    notice_id: str | None = None


class NoticeLedger(Protocol):
    """Claim before publishing, mark sent after: a notice goes out once per key (a digest's period,
    an ops rule's crossing), and a claimed one never sent is sent by a later run."""

    def state(self, scope: str, key: str) -> NoticeState: ...

    def claim(self, scope: str, key: str, notice: Notice, at: datetime) -> bool:
        """True when the caller must publish: the key was armed, or claimed, never sent, and that
        claim's lease has run out. False while another run holds it or once it was sent."""
        ...

    def mark_sent(self, scope: str, key: str, notice: Notice) -> None: ...

    def rearm(self, scope: str, key: str, at: datetime) -> None:
        """The condition is over: the next crossing may be announced again."""
        ...


class NoticePublisher(Protocol):
    def publish(self, notice: Notice, within: float | None = None) -> str:
        """Deliver the notice; returns the delivery's id, raises PublishFailed."""
        ...


class MuteStore(Protocol):
    def active(self, brand_id: str, at: datetime) -> list[Mute]:
        """The brand's mutes still running at `at` (expired ones never count, deleted or not)."""
        ...

    def put(self, mute: Mute) -> None:
        """Store a mute, replacing the brand's mute of the same rule."""
        ...

    def remove(self, brand_id: str, rule: str) -> bool:
        """Remove a mute; False when there was none."""
        ...


class AlertLog(Protocol):
    def sent_between(self, brand_id: str, since: datetime, until: datetime) -> Sequence[LoggedAlert]:
        """Alerts sent for the brand in [since, until), oldest first."""
        ...


class PollHealthStore(Protocol):
    """What the collector records of each (brand, source)'s polls, for the ingestion-health checks."""

    def succeeded(self, brand_id: str, source: str, at: datetime, *, stuck: bool) -> None:
        """A poll succeeded; `stuck`: it fetched items, stored none and left the cursor where it was."""
        ...

    def failed(self, brand_id: str, source: str, at: datetime, error: str) -> None: ...

    def of_brand(self, brand_id: str) -> list[PollHealth]: ...


class DeadLetters(Protocol):
    def depths(self) -> dict[str, int]:
        """Messages waiting in each poll dead-letter queue, by queue name."""
        ...
