"""The four alert rules. Pure: a brand's thresholds and a Snapshot in, a Decision out.

Each rule decides FIRE (past the threshold), RECOVER (back past it by a margin) or HOLD (in between,
or not enough data). Only RECOVER re-arms a rule, so a value hovering at its threshold cannot flap.

- reputation_low: the window index is below `reputation_low`. Recovers at `reputation_low +
  recovery_margin`. Critical 10+ points below the threshold, otherwise warning.
- reputation_drop: the window index is `reputation_drop`+ points under the baseline index. Needs
  `MIN_BASELINE_SCORED` scored mentions in the baseline. Recovers when the drop shrinks to
  `reputation_drop - recovery_margin`. Critical 10+ points past the threshold, otherwise warning.
- volume_spike: the last hour holds at least `volume_spike_ratio` x the usual for that hour (its
  hour of the day and kind of day, `domain.seasonal`), at least `volume_spike_min` mentions, and a
  count an ordinary hour holds with a probability under `sensitivity` (`domain.surprise`: the bar is
  the largest of the three). Recovers below 75% of the bar. Info when the hour is mostly positive (a
  launch, good press), critical at twice the bar when the hour is mostly negative, otherwise warning.
- negative_share: the last hour's negatives among its scored mentions are at least
  `negative_share_min`, `negative_share_rise` points over the usual share for that hour, and
  unlikely at `sensitivity` (binomial). Catches complaints replacing praise at an ordinary volume.
  Recovers when the share is back under half the rise. Critical at twice the rise.
- Both hold, unmeasured, when the snapshot says they cannot judge (`Snapshot.hold`: no history, an
  implausible count), with the reason as the decision's summary.
- influencer_negative: one scored mention with influence >= `influencer_min` (or the lower bar of
  its author's customer tier, `by_tier`) and sentiment <= `influencer_max_sentiment`. Fires once per
  mention, never re-arms. Critical when the author is halfway from that bar to 100 and the score
  halfway from the threshold to -1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from repmon.domain.brand import Brand, Thresholds
from repmon.domain.figures import significant_places
from repmon.domain.models import ScoredMention, Severity
from repmon.domain.reputation import Snapshot
from repmon.domain.rule_text import (
    Details,
    drop_summary,
    influencer_summary,
    low_summary,
    share_summary,
    volume_summary,
)
from repmon.domain.seasonal import PSEUDO_HOURS, Expected
from repmon.domain.surprise import share_bar, spike_bar, spike_tail
from repmon.domain.tails import binomial_tail

REPUTATION_LOW = "reputation_low"
REPUTATION_DROP = "reputation_drop"
VOLUME_SPIKE = "volume_spike"
NEGATIVE_SHARE = "negative_share"
INFLUENCER_NEGATIVE = "influencer_negative"
RULES = (REPUTATION_LOW, REPUTATION_DROP, VOLUME_SPIKE, NEGATIVE_SHARE, INFLUENCER_NEGATIVE)

#: Index rules turn critical this many points past their threshold.
CRITICAL_POINTS = 10.0
#: reputation_drop compares against a baseline only when it holds this many scored mentions.
MIN_BASELINE_SCORED = 20
#: volume_spike recovers below this fraction of its bar.
VOLUME_RECOVERY = 0.75

_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


class Action(StrEnum):
    FIRE = "fire"
    HOLD = "hold"
    RECOVER = "recover"


@dataclass(frozen=True, slots=True)
class Decision:
    rule: str
    action: Action
    severity: Severity = Severity.WARNING
    summary: str = ""
    details: Details = field(default_factory=dict)

    @property
    def measured(self) -> bool:
        """False for a HOLD that had no data to judge (no scored mention, thin baseline)."""
        return bool(self.details)


def at_least(severity: Severity, floor: Severity) -> bool:
    return _RANK[severity] >= _RANK[floor]


def most_severe(severities: Iterable[Severity]) -> Severity:
    return max(severities, key=_RANK.__getitem__, default=Severity.INFO)


def _grade(past: float) -> Severity:
    return Severity.CRITICAL if past >= CRITICAL_POINTS else Severity.WARNING


def _hysteresis(past: float, margin: float) -> Action:
    """`past` > 0 means past the threshold; recovery needs `margin` on the safe side of it."""
    if past > 0:
        return Action.FIRE
    return Action.RECOVER if -past >= margin else Action.HOLD


def reputation_low(brand: Brand, snap: Snapshot) -> Decision:
    t = brand.thresholds
    if snap.window_index is None:
        return Decision(REPUTATION_LOW, Action.HOLD)
    past = t.reputation_low - snap.window_index
    summary = low_summary(brand, snap.window_index, snap.change)
    details: Details = {"threshold": t.reputation_low, "value": round(snap.window_index, 2)}
    return Decision(REPUTATION_LOW, _hysteresis(past, t.recovery_margin), _grade(past), summary, details)


def reputation_drop(brand: Brand, snap: Snapshot) -> Decision:
    t = brand.thresholds
    if snap.window_index is None or snap.change is None or snap.baseline_scored < MIN_BASELINE_SCORED:
        return Decision(REPUTATION_DROP, Action.HOLD)
    drop = -snap.change
    past = drop - t.reputation_drop
    # "N points under" includes exactly N, where _hysteresis would hold: test it first.
    action = Action.FIRE if past >= 0 else _hysteresis(past, t.recovery_margin)
    summary = drop_summary(brand, snap.window_index, snap.change)
    details: Details = {"threshold": t.reputation_drop, "value": round(drop, 2)}
    return Decision(REPUTATION_DROP, action, _grade(past), summary, details)


def usual(brand: Brand, snap: Snapshot) -> Expected:
    """What the last hour usually holds; a snapshot built without one has the flat mean."""
    if snap.expected is not None:
        return snap.expected
    return Expected(snap.baseline_hourly, brand.thresholds.baseline_hours + PSEUDO_HOURS)


def _rounded(value: float) -> float:
    # Three significant digits under 1 (one mention in a 7-day baseline is 0.00595 an hour, not 0.01):
    # the messages show two, and the ratio is computed from the exact value.
    return round(value, max(2, significant_places(value, 3)))


def volume_spike(brand: Brand, snap: Snapshot) -> Decision:
    t = brand.thresholds
    if snap.hold:
        return Decision(VOLUME_SPIKE, Action.HOLD, summary=f"volume not judged: {snap.hold}")
    expected = usual(brand, snap)
    bar = spike_bar(t, expected.hourly, expected.hours)
    volume = snap.last_hour
    if volume >= bar:
        action = Action.FIRE
    else:
        action = Action.RECOVER if volume < bar * VOLUME_RECOVERY else Action.HOLD
    details: Details = {"threshold": round(bar, 2), "value": round(volume, 2)}
    details["baseline_hourly"] = _rounded(snap.baseline_hourly)
    details |= {"usual_hourly": _rounded(expected.hourly), "usual_for": expected.label}
    details |= {"usual_method": expected.method, "history_hours": expected.history_hours}
    if expected.hourly:
        details["ratio"] = round(volume / expected.hourly, 2)
    details["chance"] = _chance(spike_tail(round(volume), expected.hourly, expected.hours))
    summary = volume_summary(brand, details)
    return Decision(VOLUME_SPIKE, action, _volume_severity(snap, bar), summary, details)


def _chance(probability: float) -> float:
    """A tail probability to two significant digits (the alert's "1 in N")."""
    return float(f"{probability:.2g}")


def negative_share(brand: Brand, snap: Snapshot) -> Decision:
    t = brand.thresholds
    expected = usual(brand, snap)
    scored, negatives, share = snap.last_hour_scored, snap.last_hour_negative, expected.negative_share
    if snap.hold or share is None or scored <= 0:
        why = snap.hold or "no scored mention in the last hour or the baseline"
        return Decision(NEGATIVE_SHARE, Action.HOLD, summary=f"negative share not judged: {why}")
    negatives = min(negatives, scored)
    bar = share_bar(t, scored, share)
    rise = 100 * (negatives / scored - share)
    if negatives >= bar:
        action = Action.FIRE
    else:
        action = Action.RECOVER if rise < t.negative_share_rise / 2 else Action.HOLD
    details: Details = {"threshold": bar, "value": negatives, "scored": scored}
    details |= {"share": round(100 * negatives / scored, 1), "usual_share": round(100 * share, 1)}
    details |= {"usual_for": expected.label, "usual_method": expected.method}
    details["chance"] = _chance(binomial_tail(negatives, scored, share))
    severity = Severity.CRITICAL if rise >= 2 * t.negative_share_rise else Severity.WARNING
    return Decision(NEGATIVE_SHARE, action, severity, share_summary(brand, details), details)


def _volume_severity(snap: Snapshot, bar: float) -> Severity:
    if snap.last_hour_positive > snap.last_hour_negative:
        return Severity.INFO
    if snap.last_hour_negative > snap.last_hour_positive and snap.last_hour >= 2 * bar:
        return Severity.CRITICAL
    return Severity.WARNING


def influencer_bar(mention: ScoredMention, t: Thresholds) -> float:
    """The influence bar for this mention's author: its customer tier's (`by_tier`), else the brand's."""
    return t.influencer_min_for(mention.mention.customer_tier)


def lowest_influencer_bar(t: Thresholds) -> float:
    """The lowest bar any author has: what the evaluator must read down to."""
    tiers = [o.influencer_min for _, o in t.by_tier if o is not None and o.influencer_min is not None]
    return min([t.influencer_min, *tiers])


def is_influencer_negative(mention: ScoredMention, t: Thresholds) -> bool:
    return (
        mention.sentiment.label is not None
        and mention.influence >= influencer_bar(mention, t)
        and mention.sentiment.score <= t.influencer_max_sentiment
    )


def influencer_severity(mention: ScoredMention, t: Thresholds) -> Severity:
    far_influence = mention.influence >= (influencer_bar(mention, t) + 100) / 2
    far_sentiment = mention.sentiment.score <= (t.influencer_max_sentiment - 1) / 2
    return Severity.CRITICAL if far_influence and far_sentiment else Severity.WARNING


def influencer_negative(brand: Brand, mentions: Iterable[ScoredMention]) -> Decision:
    """One decision for a run's new influencer negatives (the caller groups them into one alert)."""
    t = brand.thresholds
    found = sorted(
        (m for m in mentions if is_influencer_negative(m, t)),
        key=lambda m: (-m.influence, m.sentiment.score),
    )
    if not found:
        return Decision(INFLUENCER_NEGATIVE, Action.HOLD)
    summary = influencer_summary(brand, found)
    severity = most_severe(influencer_severity(m, t) for m in found)
    details: Details = {"threshold": t.influencer_min, "mentions": len(found)}
    return Decision(INFLUENCER_NEGATIVE, Action.FIRE, severity, summary, details)


#: The rules that judge the brand as a whole (one state each), by name.
INDEX_RULES: tuple[tuple[str, Callable[[Brand, Snapshot], Decision]], ...] = (
    (REPUTATION_LOW, reputation_low),
    (REPUTATION_DROP, reputation_drop),
    (VOLUME_SPIKE, volume_spike),
    (NEGATIVE_SHARE, negative_share),
)


def index_rules(brand: Brand, snap: Snapshot) -> list[Decision]:
    """The index rules' decisions (the evaluator runs them one by one, see INDEX_RULES)."""
    return [rule(brand, snap) for _, rule in INDEX_RULES]
