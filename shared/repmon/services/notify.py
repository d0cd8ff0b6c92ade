"""Deliver one notice (digest or ops alert) once: claim, publish, mark sent, as `services.alerting`
does for rule alerts.

A claim the publish failed for stays claimed-but-unsent; once its lease has run out a later run
claims it again and sends it under the same id (never silent). A claim held by a live run, or a
notice marked sent, is never sent again (never twice). Recording a sent notice is retried while
time is left: a notice left unsent in the ledger would go out a second time.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from repmon.domain.notices import Notice
from repmon.notice_ports import NoticeLedger, NoticePublisher

#: The longest one publish may take, retries included; what it leaves to record it; what a claim needs.
PUBLISH_MAX = 40.0
RECORD_SPARE = 10.0
CLAIM_SPARE = PUBLISH_MAX + RECORD_SPARE
RECORD_FLOOR = 2.0


class OutOfTime(Exception):
    """Too little time left to claim and publish another notice: the rest waits for the next run."""


@dataclass(frozen=True)
class Timing:
    time_left: Callable[[], float] = lambda: math.inf
    sleep: Callable[[float], None] = time.sleep


@dataclass
class Delivery:
    """The ports a notice goes through, and what the run did with them."""

    ledger: NoticeLedger
    publisher: NoticePublisher
    timing: Timing = field(default_factory=Timing)
    sent: list[Notice] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def deliver(self, scope: str, key: str, notice: Notice, at: datetime) -> bool:
        """True once the notice is out and recorded as sent by this run."""
        if self.timing.time_left() < CLAIM_SPARE:
            raise OutOfTime(key)
        if not self.ledger.claim(scope, key, notice, at):
            return False  # sent already, or a live run holds it
        within = min(PUBLISH_MAX, self.timing.time_left() - RECORD_SPARE)
        try:
            self.publisher.publish(notice, within)
        except Exception as exc:  # claimed but unsent: a later run sends it under the same id
            self.errors.append(f"{scope or 'ops'} {key}: publish failed: {type(exc).__name__}: {exc}")
            return False
        self.sent.append(notice)
        return self._record(scope, key, notice)

    def _record(self, scope: str, key: str, notice: Notice) -> bool:
        pause = 0.2
        while True:
            try:
                self.ledger.mark_sent(scope, key, notice)
                return True
            except Exception as exc:
                if self.timing.time_left() - pause < RECORD_FLOOR:
                    self.errors.append(
                        f"{scope or 'ops'} {key}: sent but not recorded as sent (a later run may send "
                        f"it again): {type(exc).__name__}: {exc}"
                    )
                    return False
                self.timing.sleep(pause)
                pause = min(pause * 2, 5.0)
