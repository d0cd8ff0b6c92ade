"""One brand's alerts in one evaluation: each rule's decision through the alert ledger to the publisher.

Per rule: FIRE -> ledger.claim -> publish -> ledger.mark_sent; RECOVER -> ledger.rearm; HOLD -> nothing.
A claimed alert whose publish failed stays claimed-but-unsent, and the next run that still finds the
rule firing or holding sends it under the same alert id (never silence, never a second id).
Alert ids are a hash of brand, rule key and the crossing's start: the `at` of the run that first
claimed it (kept in the ledger), or for influencer alerts the mentions they announce. A retried run
(same `at`) therefore finds its alerts already sent and publishes nothing new.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from repmon.domain.brand import Brand
from repmon.domain.models import Alert, ScoredMention
from repmon.domain.reputation import HOUR, Snapshot, window_span
from repmon.domain.rules import (
    INFLUENCER_NEGATIVE,
    VOLUME_SPIKE,
    Action,
    Decision,
    at_least,
    influencer_negative,
    is_influencer_negative,
)
from repmon.ports import AlertLedger, AlertPublisher, MentionStore, RuleState

#: How many candidate influencer mentions one run looks at (most influential first).
INFLUENCER_SCAN = 50


def alert_id(brand_id: str, rule_key: str, start: str) -> str:
    return hashlib.sha256(f"{brand_id}|{rule_key}|{start}".encode()).hexdigest()[:32]


def influencer_key(mention: ScoredMention) -> str:
    return f"{INFLUENCER_NEGATIVE}#{mention.key}"


@dataclass
class BrandRun:
    """One brand's evaluation in progress: its ports, its snapshot and what it did so far."""

    brand: Brand
    at: datetime
    store: MentionStore
    ledger: AlertLedger
    publisher: AlertPublisher
    snap: Snapshot
    published: list[Alert] = field(default_factory=list)
    suppressed: int = 0
    rearmed: int = 0
    errors: list[str] = field(default_factory=list)


def apply_decision(run: BrandRun, decision: Decision) -> None:
    """One index rule: re-arm on recovery; claim and publish a new crossing or a pending (unsent) one."""
    key = decision.rule
    state = run.ledger.state(run.brand.id, key)
    if decision.action is Action.RECOVER:
        if state.firing:
            run.ledger.rearm(run.brand.id, key, run.at)
            run.rearmed += 1
        return
    pending = state.firing and not state.sent
    if state.firing and state.sent:
        return  # announced already: no re-fire until it recovers
    if decision.action is Action.HOLD and not (pending and decision.measured):
        return
    if not _notifies(run, decision):
        return
    start_id = (
        state.alert_id if pending and state.alert_id else alert_id(run.brand.id, key, run.at.isoformat())
    )
    alert = _alert(run, decision, start_id, _top_mentions(run, decision.rule))
    if run.ledger.claim(alert, key):
        _publish(run, alert, [key])


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
    if decision.action is not Action.FIRE or not _notifies(run, decision):
        return
    alert = _influencer_alert(run, decision, fresh)
    claimed = [m for m in fresh if run.ledger.claim(alert, influencer_key(m))]
    if claimed and len(claimed) < len(fresh):
        # A concurrent run announced some: re-claim the rest under an alert listing only them.
        alert = _influencer_alert(run, influencer_negative(run.brand, claimed), claimed)
        claimed = [m for m in claimed if run.ledger.claim(alert, influencer_key(m))]
    if claimed:
        _publish(run, alert, [influencer_key(m) for m in claimed])


def _announced(state: RuleState) -> bool:
    return state.firing and state.sent


def _notifies(run: BrandRun, decision: Decision) -> bool:
    """Below min_severity (or notifications off) nothing is claimed: a later escalation still fires."""
    settings = run.brand.notifications
    if settings.enabled and at_least(decision.severity, settings.min_severity):
        return True
    run.suppressed += 1
    return False


def _publish(run: BrandRun, alert: Alert, keys: Sequence[str]) -> None:
    try:
        run.publisher.publish(alert)
    except Exception as exc:  # claimed but unsent: the next run sends it under the same id
        run.errors.append(f"{alert.rule}: publish failed: {type(exc).__name__}: {exc}")
        return
    for key in keys:
        run.ledger.mark_sent(alert, key)
    run.published.append(alert)


def _top_mentions(run: BrandRun, rule: str) -> list[ScoredMention]:
    limit = run.brand.notifications.top_mentions
    if rule == VOLUME_SPIKE:
        recent = run.store.mentions_between(run.brand.id, run.at - HOUR, run.at)
        return sorted(recent, key=lambda m: (-m.influence, m.sentiment.score))[:limit]
    since = window_span(run.at, run.brand.thresholds).since
    return run.store.most_negative(run.brand.id, since, run.at, 0.0, limit)


def _influencer_alert(run: BrandRun, decision: Decision, mentions: list[ScoredMention]) -> Alert:
    keys = ",".join(sorted(m.key for m in mentions))
    top = sorted(mentions, key=lambda m: (-m.influence, m.sentiment.score))
    limited = top[: run.brand.notifications.top_mentions]
    return _alert(run, decision, alert_id(run.brand.id, INFLUENCER_NEGATIVE, keys), limited)


def _alert(run: BrandRun, decision: Decision, the_id: str, top: Sequence[ScoredMention]) -> Alert:
    t, snap = run.brand.thresholds, run.snap
    details = dict(decision.details)
    details |= {"window_hours": t.window_hours, "baseline_hours": t.baseline_hours}
    details |= {"window_mentions": snap.window_mentions, "window_negative": snap.window_negative}
    # Every email shows the index beside these (domain.figures), whichever rule fired.
    details |= {"reputation_low": t.reputation_low, "reputation_drop": t.reputation_drop}
    if snap.baseline_index is not None:
        details["baseline_index"] = round(snap.baseline_index, 2)
    return Alert(
        alert_id=the_id,
        brand_id=run.brand.id,
        brand_name=run.brand.name,
        rule=decision.rule,
        severity=decision.severity,
        fired_at=run.at,
        summary=decision.summary,
        index=snap.window_index,
        change=snap.change,
        top_mentions=tuple(top),
        details=details,
    )
