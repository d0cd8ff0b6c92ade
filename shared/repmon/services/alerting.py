"""One brand's alerts in one evaluation: each rule's decision through the alert ledger to the publisher.

Per rule: FIRE -> ledger.claim -> publish -> ledger.mark_sent; RECOVER -> ledger.rearm; HOLD -> nothing.
A claimed alert whose publish failed stays claimed-but-unsent, and the next run sends it under the
same alert id: the alert itself while the rule fires or holds, or, if the rule has recovered in the
meantime, a "fired and recovered" notice (`recovery`); the rule re-arms only once that is sent.
Alert ids are a hash of brand, rule key and the crossing's start: the `at` of the run that first
claimed it (kept in the ledger), or for influencer alerts the mentions they announce. A retried run
(same `at`) therefore finds its alerts already sent and publishes nothing new.

Time: no claim starts with less than CLAIM_SPARE seconds left, a publish may take what is left but
RECORD_SPARE, and recording a sent alert is retried until RECORD_FLOOR: an alert that went out is
recorded as sent unless the invocation dies first.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from repmon.domain.brand import Brand
from repmon.domain.models import Alert, Severity
from repmon.domain.reputation import Snapshot, window_span
from repmon.domain.rules import (
    Action,
    Decision,
    at_least,
    influencer_negative,
    is_influencer_negative,
)
from repmon.ports import AlertLedger, AlertPublisher, MentionStore, RuleState
from repmon.services.alert_content import (
    alert_id,
    build_alert,
    influencer_alert,
    influencer_key,
    top_mentions,
)
from repmon.services.recovery import recovered_notice

#: How many candidate influencer mentions one run looks at (most influential first).
INFLUENCER_SCAN = 50
#: The longest one publish may take, retries included (a throttled SNS publish took 33 s).
PUBLISH_MAX = 40.0
#: Seconds a publish leaves for recording it as sent and returning.
RECORD_SPARE = 10.0
#: Seconds a claim needs left: the slowest publish and recording it.
CLAIM_SPARE = PUBLISH_MAX + RECORD_SPARE
#: Recording a sent alert is retried (after the client's own retries) until this many seconds are left.
RECORD_FLOOR = 2.0


class OutOfTime(Exception):
    """Not enough time left to claim and publish another alert: the rest waits for the next run."""


@dataclass(frozen=True)
class Timing:
    """The invocation's clock as the evaluator sees it: seconds left, and how to wait."""

    time_left: Callable[[], float] = lambda: math.inf
    sleep: Callable[[float], None] = time.sleep


@dataclass
class BrandRun:
    """One brand's evaluation in progress: its ports, its snapshot and what it did so far."""

    brand: Brand
    at: datetime
    store: MentionStore
    ledger: AlertLedger
    publisher: AlertPublisher
    snap: Snapshot
    timing: Timing = field(default_factory=Timing)
    published: list[Alert] = field(default_factory=list)
    suppressed: int = 0
    rearmed: int = 0
    errors: list[str] = field(default_factory=list)


def guarded(run: BrandRun, rule: str, step: Callable[[], None]) -> None:
    """One rule's evaluation and delivery: its failure is recorded and never stops the other rules."""
    try:
        step()
    except OutOfTime:
        raise
    except Exception as exc:  # the boundary of "one failing rule never stops the others"
        run.errors.append(f"{rule}: {type(exc).__name__}: {exc}")


def apply_decision(run: BrandRun, decision: Decision) -> None:
    """One index rule: re-arm on recovery; claim and publish a new crossing or a pending (unsent) one."""
    key = decision.rule
    state = run.ledger.state(run.brand.id, key)
    if decision.action is Action.RECOVER:
        _recover(run, decision, state)
        return
    pending = state.firing and not state.sent
    if state.firing and state.sent:
        return  # announced already: no re-fire until it recovers
    if decision.action is Action.HOLD and not (pending and decision.measured):
        return
    if not _notifies(run, decision.severity):
        return
    start_id = (
        state.alert_id if pending and state.alert_id else alert_id(run.brand.id, key, run.at.isoformat())
    )
    _deliver(run, _alert(run, decision, start_id, run.at), [key])


def _recover(run: BrandRun, decision: Decision, state: RuleState) -> None:
    """Re-arm, but never over an unsent alert: announce it as fired and recovered first."""
    if not state.firing:
        return
    severity = Severity(state.severity or Severity.WARNING)
    if not state.sent and state.alert_id and _notifies(run, severity):
        crossed = state.crossed_at or run.at
        base = _alert(run, decision, state.alert_id, crossed)
        if not _deliver(run, recovered_notice(base, state, run.at), [decision.rule]):
            return  # still unsent: the next run tries again, and only then re-arms
    run.ledger.rearm(run.brand.id, decision.rule, run.at)
    run.rearmed += 1


def apply_influencers(run: BrandRun) -> None:
    """The influencer rule: one alert for the window's not yet announced negative influencer mentions."""
    t = run.brand.thresholds
    since = window_span(run.at, t).since
    found = run.store.most_negative(run.brand.id, since, run.at, t.influencer_min, INFLUENCER_SCAN)
    fresh = [
        m
        for m in found
        if is_influencer_negative(m, t) and not _announced(run.ledger.state(run.brand.id, influencer_key(m)))
    ]
    decision = influencer_negative(run.brand, fresh)
    if decision.action is not Action.FIRE or not _notifies(run, decision.severity):
        return
    _ensure_time(run)
    alert = influencer_alert(run.brand, run.at, run.snap, decision, fresh)
    claimed = [m for m in fresh if run.ledger.claim(alert, influencer_key(m))]
    if claimed and len(claimed) < len(fresh):
        # A concurrent run announced some: re-claim the rest under an alert listing only them.
        alert = influencer_alert(
            run.brand, run.at, run.snap, influencer_negative(run.brand, claimed), claimed
        )
        claimed = [m for m in claimed if run.ledger.claim(alert, influencer_key(m))]
    if claimed and _publish(run, alert):
        _record_sent(run, alert, [influencer_key(m) for m in claimed])


def _announced(state: RuleState) -> bool:
    return state.firing and state.sent


def _notifies(run: BrandRun, severity: Severity) -> bool:
    """Below min_severity (or notifications off) nothing is claimed: a later escalation still fires."""
    settings = run.brand.notifications
    if settings.enabled and at_least(severity, settings.min_severity):
        return True
    run.suppressed += 1
    return False


def _ensure_time(run: BrandRun) -> None:
    if run.timing.time_left() < CLAIM_SPARE:
        raise OutOfTime(run.brand.id)


def _deliver(run: BrandRun, alert: Alert, keys: Sequence[str]) -> bool:
    """Claim, publish, record: True once the alert is out and recorded as sent."""
    _ensure_time(run)
    claimed = [key for key in keys if run.ledger.claim(alert, key)]
    if not claimed or not _publish(run, alert):
        return False
    return _record_sent(run, alert, claimed)


def _publish(run: BrandRun, alert: Alert) -> bool:
    within = min(PUBLISH_MAX, run.timing.time_left() - RECORD_SPARE)
    try:
        run.publisher.publish(alert, within)
    except Exception as exc:  # claimed but unsent: the next run sends it under the same id
        run.errors.append(f"{alert.rule}: publish failed: {type(exc).__name__}: {exc}")
        return False
    return True


def _record_sent(run: BrandRun, alert: Alert, keys: Sequence[str]) -> bool:
    """The alert is out: record it, retrying a throttled or failing write while time is left, since
    a state left unsent makes the next run send it again."""
    run.published.append(alert)
    for key in keys:
        pause = 0.2
        while True:
            try:
                run.ledger.mark_sent(alert, key)
                break
            except Exception as exc:
                if run.timing.time_left() - pause < RECORD_FLOOR:
                    run.errors.append(
                        f"{alert.rule}: sent but not recorded as sent (the next run may send it "
                        f"again): {type(exc).__name__}: {exc}"
                    )
                    return False
                run.timing.sleep(pause)
                pause = min(pause * 2, 5.0)
    return True


def _alert(run: BrandRun, decision: Decision, the_id: str, mentions_at: datetime) -> Alert:
    top = top_mentions(run.brand, run.store, decision.rule, mentions_at)
    return build_alert(run.brand, run.at, run.snap, decision, the_id, top)
