"""The four alert rules. Pure: a brand's thresholds and a Snapshot in, a Decision out.

Each rule decides FIRE (past the threshold), RECOVER (back past it by a margin) or HOLD (in between,
or not enough data). Only RECOVER re-arms a rule, so a value hovering at its threshold cannot flap.

- reputation_low: the window index is below `reputation_low`. Recovers at `reputation_low +
  recovery_margin`. Critical 10+ points below the threshold, otherwise warning.
- reputation_drop: the window index is `reputation_drop`+ points under the baseline index. Needs
  `MIN_BASELINE_SCORED` scored mentions in the baseline. Recovers when the drop shrinks to
  `reputation_drop - recovery_margin`. Critical 10+ points past the threshold, otherwise warning.
- volume_spike: the last hour holds at least `volume_spike_ratio` x the baseline hourly mean AND at
  least `volume_spike_min` mentions (the bar is the larger of the two). Recovers below 75% of the bar.
  Info when the hour is mostly positive (a launch, good press), critical at twice the bar when the
  hour is mostly negative, otherwise warning.
- influencer_negative: one scored mention with influence >= `influencer_min` and sentiment <=
  `influencer_max_sentiment`. Fires once per mention, never re-arms. Critical when the author is
  halfway from `influencer_min` to 100 and the score halfway from the threshold to -1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from repmon.domain.brand import Brand, Thresholds
from repmon.domain.email_mentions import reach, where
from repmon.domain.figures import IndexFigures, beside, index_figures, number
from repmon.domain.models import ScoredMention, Severity
from repmon.domain.reputation import Snapshot

REPUTATION_LOW = "reputation_low"
REPUTATION_DROP = "reputation_drop"
VOLUME_SPIKE = "volume_spike"
INFLUENCER_NEGATIVE = "influencer_negative"
RULES = (REPUTATION_LOW, REPUTATION_DROP, VOLUME_SPIKE, INFLUENCER_NEGATIVE)

#: Index rules turn critical this many points past their threshold.
CRITICAL_POINTS = 10.0
#: reputation_drop compares against a baseline only when it holds this many scored mentions.
MIN_BASELINE_SCORED = 20
#: volume_spike recovers below this fraction of its bar.
VOLUME_RECOVERY = 0.75

_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}

Details = dict[str, float | int | str]


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
    shown = figures(t, snap.window_index, snap.change)
    summary = (
        f"The reputation index of {brand.name} is {shown.index} over the last "
        f"{t.window_hours} h (alert below {shown.floor})."
    )
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
    shown = figures(t, snap.window_index, snap.change)
    summary = (
        f"The reputation index of {brand.name} is {shown.index}, {shown.drop} points under its "
        f"{span_label(t.baseline_hours)} baseline of {shown.baseline} "
        f"(alert at a drop of {shown.drop_threshold})."
    )
    details: Details = {"threshold": t.reputation_drop, "value": round(drop, 2)}
    return Decision(REPUTATION_DROP, action, _grade(past), summary, details)


def volume_bar(t: Thresholds, baseline_hourly: float) -> float:
    return max(t.volume_spike_ratio * baseline_hourly, float(t.volume_spike_min))


def volume_spike(brand: Brand, snap: Snapshot) -> Decision:
    t = brand.thresholds
    bar = volume_bar(t, snap.baseline_hourly)
    volume = snap.last_hour
    if volume >= bar:
        action = Action.FIRE
    else:
        action = Action.RECOVER if volume < bar * VOLUME_RECOVERY else Action.HOLD
    details: Details = {"threshold": round(bar, 2), "value": round(volume, 2)}
    details["baseline_hourly"] = round(snap.baseline_hourly, 2)
    if snap.baseline_hourly:
        details["ratio"] = round(volume / snap.baseline_hourly, 2)
    shown, at = volume_figures(details)
    usual = f"{usual_volume(details)} per hour" if snap.baseline_hourly else "no mentions before"
    if "ratio" in details:
        usual = f"{ratio_text(details)}x the usual {usual}"
    summary = f"{brand.name} had about {shown} mentions in the last hour, {usual} (alert at {at})."
    return Decision(VOLUME_SPIKE, action, _volume_severity(snap, bar), summary, details)


def volume_figures(details: Details) -> tuple[str, str]:
    """The last hour's volume beside its bar, from the details (as the email shows them)."""
    return beside(float(details.get("value", 0)), float(details.get("threshold", 0)))


def usual_volume(details: Details) -> str:
    return number(float(details.get("baseline_hourly", 0)), 1)


def ratio_text(details: Details) -> str:
    return number(float(details.get("ratio", 0)), 1)


def _volume_severity(snap: Snapshot, bar: float) -> Severity:
    if snap.last_hour_positive > snap.last_hour_negative:
        return Severity.INFO
    if snap.last_hour_negative > snap.last_hour_positive and snap.last_hour >= 2 * bar:
        return Severity.CRITICAL
    return Severity.WARNING


def is_influencer_negative(mention: ScoredMention, t: Thresholds) -> bool:
    return (
        mention.sentiment.label is not None
        and mention.influence >= t.influencer_min
        and mention.sentiment.score <= t.influencer_max_sentiment
    )


def influencer_severity(mention: ScoredMention, t: Thresholds) -> Severity:
    far_influence = mention.influence >= (t.influencer_min + 100) / 2
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
    summary = _influencer_summary(brand, found)
    severity = most_severe(influencer_severity(m, t) for m in found)
    details: Details = {"threshold": t.influencer_min, "mentions": len(found)}
    return Decision(INFLUENCER_NEGATIVE, Action.FIRE, severity, summary, details)


def _influencer_summary(brand: Brand, found: list[ScoredMention]) -> str:
    """Who said it, where, and the platform's numbers behind "influential" (the reader's proof)."""
    top = found[0]
    who = f" by @{top.mention.author.handle}" if top.mention.author.handle else ""
    numbers = reach(top.mention)
    carries = f"influence {top.influence:.0f}" + (f" ({', '.join(numbers)})" if numbers else "")
    said = f"{who} on {where(top.mention)} (sentiment {top.sentiment.score:+.2f})"
    if len(found) == 1:
        return f"A negative mention of {brand.name}{said}, from an influential author: {carries}."
    return (
        f"{len(found)} negative mentions of {brand.name} by influential authors; "
        f"the most influential{said}: {carries}."
    )


def index_rules(brand: Brand, snap: Snapshot) -> list[Decision]:
    """The three rules that judge the brand as a whole (one state each)."""
    return [reputation_low(brand, snap), reputation_drop(brand, snap), volume_spike(brand, snap)]


def figures(t: Thresholds, index: float, change: float | None) -> IndexFigures:
    """The index (and drop) as every message about this brand shows them."""
    return index_figures(index, change, floor=t.reputation_low, drop_threshold=t.reputation_drop)


def span_label(hours: int) -> str:
    """168 -> '7-day', 36 -> '36-hour'."""
    return f"{hours // 24}-day" if hours % 24 == 0 else f"{hours}-hour"
