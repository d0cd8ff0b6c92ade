"""The review and response rules in one brand's evaluation (domain.response_rules), with the same
ledger protocol as the others (services.alerting): each firing claimed, then folded into the
brand's incident and marked, so a retried or overlapping run never announces it twice and a run
that died between the two is claimed again after the lease.

- low_rating_review, unanswered_complaint and viral_negative claim one ledger key per mention, as
  influencer_negative does, and are events: they never hold an incident open (a brand that leaves
  complaints unanswered would otherwise have one open for good). The brand's reply to an announced
  complaint re-arms its key ("closed": a replied mention never qualifies again), and the incident's
  emails count the complaints answered since.
- rating_drop claims one key per site and per location, once per crossing, re-armed on recovery.

The per-mention rules read the negatives of the last 48 hours once per run (the sparse
NegativeByInfluence index the influencer rule reads); rating_drop reads the brand's mentions of its
window and baseline (see README, "Alert rules", on that cost).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from repmon.domain.incident import Evidence
from repmon.domain.models import Alert, ScoredMention
from repmon.domain.response_rules import (
    LOW_RATING_REVIEW,
    RATING_DROP,
    REVIEW_LOOKBACK,
    UNANSWERED_COMPLAINT,
    VIRAL_NEGATIVE,
    answered_late,
    is_low_rating,
    is_unanswered,
    low_rating_review,
    mention_key,
    rating_drop,
    rating_groups,
    unanswered_complaint,
)
from repmon.domain.rules import Action, Decision
from repmon.domain.viral_rule import viral_candidates, viral_negative
from repmon.ports import RuleState
from repmon.services.alert_content import alert_id, build_alert
from repmon.services.alerting import (
    BrandRun,
    Firing,
    _announced,
    _claim,
    _notifies,
    _state_alert,
)

#: Negatives the per-mention rules look at in one run (most influential first): past this a storm
#: is an incident already, and the smallest complaints of it wait for the next runs.
SCAN = 2000


def recent_negatives(run: BrandRun) -> list[ScoredMention]:
    """The negatives posted in the per-mention rules' horizon, read once per run."""
    if run.negatives is None:
        horizon = max(REVIEW_LOOKBACK, run.brand.thresholds.unanswered_complaint.expire)
        found = run.store.most_negative(run.brand.id, run.at - horizon, run.at, 0.0, SCAN)
        run.negatives = [sm for sm in found if not sm.mention.own]
    return run.negatives


def apply_low_ratings(run: BrandRun) -> None:
    found = [sm for sm in recent_negatives(run) if is_low_rating(run.brand, sm, run.at)]
    _apply_per_mention(run, LOW_RATING_REVIEW, found, lambda fresh: low_rating_review(run.brand, fresh))


def apply_viral(run: BrandRun) -> None:
    """Negatives whose engagement grows far faster than the brand's usual (re-read by the collector)."""
    negatives = recent_negatives(run)
    found = viral_candidates(run.brand, negatives, run.at)
    _apply_per_mention(
        run, VIRAL_NEGATIVE, found, lambda fresh: viral_negative(run.brand, fresh, negatives, run.at)
    )


def apply_unanswered(run: BrandRun) -> None:
    """Announce complaints newly past their target; close (re-arm) those answered since."""
    brand, negatives = run.brand, recent_negatives(run)
    waiting = [sm for sm in negatives if is_unanswered(brand, sm, run.at)]
    for sm in (sm for sm in negatives if answered_late(brand, sm)):
        key = mention_key(UNANSWERED_COMPLAINT, sm)
        state = run.ledger.state(brand.id, key)
        _close(run, UNANSWERED_COMPLAINT, key, state)
    current = run.ledger.incident(brand.id)
    if waiting and (current is None or current.closed):
        # No incident open: a late answer is the brand's daily routine, not an alarm; the digest
        # lists these (domain.digest `unanswered`). Unclaimed, they still fold into an incident
        # that opens while they wait.
        run.decisions[UNANSWERED_COMPLAINT] = Decision(UNANSWERED_COMPLAINT, Action.HOLD)
        return
    _apply_per_mention(
        run, UNANSWERED_COMPLAINT, waiting, lambda fresh: unanswered_complaint(brand, fresh, run.at)
    )


def _apply_per_mention(
    run: BrandRun, rule: str, found: list[ScoredMention], decide: Callable[[list[ScoredMention]], Decision]
) -> bool:
    """Claim each of `found` not yet announced, as one firing of `rule`; True if this run claimed any."""
    found = sorted(found, key=lambda sm: (sm.mention.created_at, sm.key))
    fresh = [sm for sm in found if not _announced(run.ledger.state(run.brand.id, mention_key(rule, sm)))]
    decision = decide(fresh)
    run.decisions[rule] = decision
    if decision.action is not Action.FIRE or not _notifies(run, decision.severity, rule):
        return False
    alert = _mention_alert(run, decision, fresh)
    claimed = [sm for sm in fresh if run.ledger.claim(alert, mention_key(rule, sm))]
    if not claimed:
        return False
    if len(claimed) < len(fresh):  # a concurrent run claimed some: this run's alert lists the rest
        decision = decide(claimed)
        alert = _mention_alert(run, decision, claimed)
    keys = tuple(mention_key(rule, sm) for sm in claimed)
    run.claimed += [(alert, key) for key in keys]
    run.evidence.append(Evidence(rule, alert.severity, run.at, alert.summary, keys))
    run.rule_alerts[rule] = alert
    run.firings.append(Firing(rule, alert.severity))
    return True


def _close(run: BrandRun, rule: str, key: str, state: RuleState) -> None:
    """Re-arm a firing key, but never over a claim not yet folded into the incident: fold it first."""
    if not state.firing:
        return
    if not state.sent:
        if _claim(run, replace(_state_alert(run, key, state), rule=rule), key):
            run.rearm_after.append(key)
        return
    run.ledger.rearm(run.brand.id, key, run.at)
    run.rearmed += 1


def _mention_alert(run: BrandRun, decision: Decision, mentions: list[ScoredMention]) -> Alert:
    the_id = alert_id(run.brand.id, decision.rule, ",".join(sorted(sm.key for sm in mentions)))
    return build_alert(run.brand, run.at, run.snap, decision, the_id, mentions)


def apply_rating_drops(run: BrandRun) -> None:
    """Each site's and location's average stars: claim a new crossing, re-arm a recovered one."""
    s = run.brand.thresholds.rating_drop
    if not s.enabled:
        return
    reviews = run.store.rated_between(run.brand.id, run.at - s.window - s.baseline, run.at)
    for group in rating_groups(run.brand, reviews, run.at):
        _apply_rating_group(run, group.key, rating_drop(run.brand, group))


def _apply_rating_group(run: BrandRun, key: str, decision: Decision) -> None:
    state = run.ledger.state(run.brand.id, key)
    if decision.action is Action.RECOVER:
        _close(run, RATING_DROP, key, state)
        return
    if decision.action is Action.FIRE or state.firing:
        run.firing.add(RATING_DROP)
        if decision.measured:
            run.decisions[RATING_DROP] = decision
    if state.firing:
        if not state.sent:  # claimed, never folded: a run died between the two
            _claim(run, replace(_state_alert(run, key, state), rule=RATING_DROP), key)
        return
    if decision.action is not Action.FIRE or not _notifies(run, decision.severity, RATING_DROP):
        return
    alert = build_alert(
        run.brand, run.at, run.snap, decision, alert_id(run.brand.id, key, run.at.isoformat()), ()
    )
    if _claim(run, alert, key):
        run.rule_alerts[RATING_DROP] = alert
        run.firings.append(Firing(RATING_DROP, decision.severity))
