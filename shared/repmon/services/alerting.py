"""One brand's rules in one evaluation: each rule's decision through the alert ledger into evidence
for the brand's incident (`services.incidents` then folds it in and sends the email it calls for).

Per rule: FIRE -> ledger.claim (armed -> firing) -> evidence; once the incident holds it,
ledger.mark_sent (the firing is folded); RECOVER -> ledger.rearm; HOLD -> nothing. A rule claimed
but never folded (the run died between the two) is claimed again by a later run once the claim's
lease is over and folded then, even if it has recovered meanwhile (it re-arms only once folded):
no firing is ever lost, and folding one twice changes nothing (evidence is keyed by rule key).
Rule alert ids are a hash of brand, rule key and the crossing's start (the `at` of the run that
first claimed it), or for influencer alerts the mentions they announce.

Time: no email is claimed with less than CLAIM_SPARE seconds left, a publish may take what is left
but RECORD_SPARE, and recording a sent email is retried until RECORD_FLOOR: an email that went out
is recorded as sent unless the invocation dies first.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from repmon.domain.brand import Brand
from repmon.domain.incident import Evidence
from repmon.domain.models import Alert, ScoredMention, Severity
from repmon.domain.mutes import Mute, muted
from repmon.domain.reputation import Snapshot, window_span
from repmon.domain.response_rules import VIRAL_NEGATIVE, mention_key
from repmon.domain.rules import (
    INFLUENCER_NEGATIVE,
    Action,
    Decision,
    at_least,
    influencer_negative,
    is_influencer_negative,
    lowest_influencer_bar,
)
from repmon.domain.viral_rule import viral_negative
from repmon.ports import AlertLedger, AlertPublisher, MentionStore, RuleState
from repmon.services.alert_content import (
    alert_id,
    build_alert,
    influencer_alert,
    influencer_key,
    top_mentions,
)

#: How many candidate influencer mentions one run looks at (most influential first).
INFLUENCER_SCAN = 50
#: ...and when a customer tier lowers the bar (`thresholds.by_tier`): the store reads every negative
#: down to the lowest bar anyway (the limit only trims memory), and a VIP's quiet complaint must not
#: be crowded out by fifty louder ones already announced.
TIERED_SCAN = 1000
#: The longest one publish may take, retries included (a throttled SNS publish took 33 s).
PUBLISH_MAX = 40.0
#: Seconds a publish leaves for recording it as sent and returning.
RECORD_SPARE = 10.0
#: Seconds a claim needs left: the slowest publish and recording it.
CLAIM_SPARE = PUBLISH_MAX + RECORD_SPARE
#: Recording a sent email is retried (after the client's own retries) until this many seconds are left.
RECORD_FLOOR = 2.0


class OutOfTime(Exception):
    """Not enough time left to claim and publish another email: the rest waits for the next run."""


@dataclass(frozen=True)
class Timing:
    """The invocation's clock as the evaluator sees it: seconds left, and how to wait. `now`: the
    time an incident's email claim and its lease are measured on (the ledger's rule claims read the
    same wall clock); None: the run's scheduled time (the backtest, a simulated clock)."""

    time_left: Callable[[], float] = lambda: math.inf
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] | None = None


@dataclass(frozen=True)
class Firing:
    """A rule that fired in this run (the backtest prints one line each): `emailed` once an email
    of its incident announced it in the same run."""

    rule: str
    severity: Severity
    incident_id: str = ""
    kind: str = ""
    subject: str = ""
    emailed: bool = False


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
    #: This run's decisions by rule, and the rule alerts it built (an email leads with one).
    decisions: dict[str, Decision] = field(default_factory=dict)
    rule_alerts: dict[str, Alert] = field(default_factory=dict)
    #: Firings claimed by this run, to fold into the incident; then each (alert, key) is marked.
    evidence: list[Evidence] = field(default_factory=list)
    claimed: list[tuple[Alert, str]] = field(default_factory=list)
    #: Rules recovered before their firing was folded: re-armed once it is.
    rearm_after: list[str] = field(default_factory=list)
    #: Index rules firing after this run's decisions.
    firing: set[str] = field(default_factory=set)
    firings: list[Firing] = field(default_factory=list)
    #: The brand's mutes running at `at` (`repmon alerts mute`).
    mutes: Sequence[Mute] = ()
    #: The recent negatives the per-mention rules share, read once (services.response_alerts).
    negatives: list[ScoredMention] | None = None


def guarded(run: BrandRun, rule: str, step: Callable[[], None]) -> None:
    """One rule's evaluation and delivery: its failure is recorded and never stops the other rules."""
    try:
        step()
    except OutOfTime:
        raise
    except Exception as exc:  # the boundary of "one failing rule never stops the others"
        run.errors.append(f"{rule}: {type(exc).__name__}: {exc}")


def apply_decision(run: BrandRun, decision: Decision) -> None:
    """One index rule: re-arm on recovery; claim a new crossing, or a claimed one never folded."""
    key = decision.rule
    run.decisions[key] = decision
    state = run.ledger.state(run.brand.id, key)
    if decision.action is Action.RECOVER:
        _recover(run, key, state)
        return
    if state.firing:
        run.firing.add(key)
        if not state.sent:  # claimed, never folded: a run died between the two
            _claim(run, _state_alert(run, key, state), key)
        elif (
            decision.action is Action.FIRE
            and _worse(decision.severity, state.severity)
            and _notifies(run, decision.severity, key)
        ):
            # Firing and folded, now worse (warning -> critical): the incident hears of it; the
            # rule's own state keeps its crossing (no claim: it re-arms only on recovery). A muted
            # rule's escalation waits: it is still worse, so heard of, when the mute ends.
            run.evidence.append(Evidence(key, decision.severity, run.at, decision.summary, (key,)))
        return
    if decision.action is not Action.FIRE or not _notifies(run, decision.severity, key):
        return
    alert = _alert(run, decision, alert_id(run.brand.id, key, run.at.isoformat()), run.at)
    if _claim(run, alert, key):
        run.firing.add(key)
        run.rule_alerts[key] = alert
        run.firings.append(Firing(key, decision.severity))


def _worse(severity: Severity, than: str | None) -> bool:
    return than is not None and at_least(severity, Severity(than)) and severity.value != than


def _recover(run: BrandRun, key: str, state: RuleState) -> None:
    """Re-arm, but never over a firing not yet folded into the incident: fold it first."""
    if not state.firing:
        return
    if not state.sent:
        if _claim(run, _state_alert(run, key, state), key):
            run.rearm_after.append(key)
        return
    run.ledger.rearm(run.brand.id, key, run.at)
    run.rearmed += 1


def _claim(run: BrandRun, alert: Alert, *keys: str) -> bool:
    """Claim the rule keys for this run; what it claimed becomes evidence for the incident."""
    claimed = tuple(key for key in keys if run.ledger.claim(alert, key))
    if claimed:
        run.claimed += [(alert, key) for key in claimed]
        run.evidence.append(Evidence(alert.rule, alert.severity, alert.fired_at, alert.summary, claimed))
    return bool(claimed)


def _state_alert(run: BrandRun, key: str, state: RuleState) -> Alert:
    """The crossing as its claim recorded it (severity, time, summary), to claim and fold it again."""
    return Alert(
        alert_id=state.alert_id or alert_id(run.brand.id, key, run.at.isoformat()),
        brand_id=run.brand.id,
        brand_name=run.brand.name,
        rule=key,
        severity=Severity(state.severity or Severity.WARNING),
        fired_at=state.crossed_at or run.at,
        summary=state.summary or "",
        index=run.snap.window_index,
        change=run.snap.change,
    )


def apply_influencers(run: BrandRun) -> None:
    """The influencer rule: the window's negative influencer mentions not yet folded, as one firing."""
    t = run.brand.thresholds
    found = _influencer_candidates(run)
    fresh = [
        m
        for m in found
        if is_influencer_negative(m, t) and not _announced(run.ledger.state(run.brand.id, influencer_key(m)))
    ]
    decision = influencer_negative(run.brand, fresh)
    run.decisions[decision.rule] = decision
    if decision.action is not Action.FIRE or not _notifies(run, decision.severity, decision.rule):
        return
    alert = influencer_alert(run.brand, run.at, run.snap, decision, fresh)
    claimed = [m for m in fresh if run.ledger.claim(alert, influencer_key(m))]
    if not claimed:
        return
    if len(claimed) < len(fresh):  # a concurrent run claimed some: this run's alert lists the rest
        decision = influencer_negative(run.brand, claimed)
        alert = influencer_alert(run.brand, run.at, run.snap, decision, claimed)
    keys = tuple(influencer_key(m) for m in claimed)
    run.claimed += [(alert, key) for key in keys]
    run.evidence.append(Evidence(alert.rule, alert.severity, run.at, alert.summary, keys))
    run.rule_alerts[alert.rule] = alert
    run.firings.append(Firing(alert.rule, alert.severity))


def _announced(state: RuleState) -> bool:
    return state.firing and state.sent


def _notifies(run: BrandRun, severity: Severity, rule: str) -> bool:
    """Whether a firing of `rule` at `severity` may be claimed and so reach the incident's emails.
    Below min_severity (or notifications off, or the rule muted) nothing is claimed: a later
    escalation, or the end of the mute, still fires."""
    settings = run.brand.notifications
    if (
        muted(run.mutes, rule, run.at) is None
        and settings.enabled
        and at_least(severity, settings.min_severity)
    ):
        return True
    run.suppressed += 1
    return False


def ensure_time(run: BrandRun) -> None:
    if run.timing.time_left() < CLAIM_SPARE:
        raise OutOfTime(run.brand.id)


def publish(run: BrandRun, alert: Alert) -> bool:
    within = min(PUBLISH_MAX, run.timing.time_left() - RECORD_SPARE)
    try:
        run.publisher.publish(alert, within)
    except Exception as exc:  # claimed but unsent: the next run sends it under the same id
        run.errors.append(f"{alert.rule}: publish failed: {type(exc).__name__}: {exc}")
        return False
    run.published.append(alert)
    return True


def retrying(run: BrandRun, what: str, write: Callable[[], bool]) -> bool | None:
    """A write that must land (an email is out, a firing is folded): retried while it fails with an
    error and time is left, since an email left unrecorded makes the next run send it again.
    `write` returns False when it lost a race (the caller re-reads); None: given up, logged."""
    pause = 0.2
    while True:
        try:
            return write()
        except Exception as exc:
            if run.timing.time_left() - pause < RECORD_FLOOR:
                run.errors.append(
                    f"{what}: not recorded (the next run does it again): {type(exc).__name__}: {exc}"
                )
                return None
            run.timing.sleep(pause)
            pause = min(pause * 2, 5.0)


def _alert(run: BrandRun, decision: Decision, the_id: str, mentions_at: datetime) -> Alert:
    top = top_mentions(run.brand, run.store, decision.rule, mentions_at)
    return build_alert(run.brand, run.at, run.snap, decision, the_id, top)


def lead_alert(run: BrandRun, rule: str, keys: Sequence[str] = ()) -> Alert | None:
    """The rule's alert as this run sees it: built when it fired, or from its decision if measured;
    influencer complaints folded earlier (`keys`) are found again in the window."""
    if rule in run.rule_alerts:
        return run.rule_alerts[rule]
    if rule == INFLUENCER_NEGATIVE and keys:
        return _influencers_again(run, set(keys))
    if rule == VIRAL_NEGATIVE and keys:
        return _viral_again(run, set(keys))
    decision = run.decisions.get(rule)
    if decision is None or not decision.details:
        return None
    the_id = alert_id(run.brand.id, rule, run.at.isoformat())
    return _alert(
        run,
        Decision(rule, Action.HOLD, decision.severity, decision.summary, decision.details),
        the_id,
        run.at,
    )


def _viral_again(run: BrandRun, keys: set[str]) -> Alert | None:
    """Posts gone viral in an earlier run (an update leads with them after the group interval): found
    again among the negatives this run's per-mention rules read (services.response_alerts)."""
    negatives = run.negatives or []
    found = [sm for sm in negatives if mention_key(VIRAL_NEGATIVE, sm) in keys]
    if not found:
        return None
    decision = viral_negative(run.brand, found, negatives, run.at)
    the_id = alert_id(run.brand.id, VIRAL_NEGATIVE, ",".join(sorted(sm.key for sm in found)))
    return build_alert(run.brand, run.at, run.snap, decision, the_id, found)


def _influencer_candidates(run: BrandRun) -> list[ScoredMention]:
    """The window's negatives down to the lowest influence bar (a tier's, when one is lower)."""
    t = run.brand.thresholds
    bar = lowest_influencer_bar(t)
    scan = INFLUENCER_SCAN if bar >= t.influencer_min else TIERED_SCAN
    return run.store.most_negative(run.brand.id, window_span(run.at, t).since, run.at, bar, scan)


def _influencers_again(run: BrandRun, keys: set[str]) -> Alert | None:
    mentions = [m for m in _influencer_candidates(run) if influencer_key(m) in keys]
    decision = influencer_negative(run.brand, mentions)
    if decision.action is not Action.FIRE:
        return None
    return influencer_alert(run.brand, run.at, run.snap, decision, mentions)
