"""viral_negative (README, "Going viral"): a negative mention of the last 48 h whose interactions
per hour of age are above the brand's usual: the `percentile` (99th) of its other negatives of those
48 h, with `min_history` (20) of them, and at least `min_interactions` (100); with fewer others, 3 x
`min_interactions` alone. Once per mention. Critical at 10 x `min_interactions`. Pure."""

from __future__ import annotations

from datetime import datetime

from repmon.domain.brand import Brand
from repmon.domain.email_mentions import author, platform, reach
from repmon.domain.engagement import REREAD_FOR, ViralBar, interactions, is_viral, rate, viral_bar
from repmon.domain.models import ScoredMention, Severity
from repmon.domain.response_rules import VIRAL_NEGATIVE, location, span_text
from repmon.domain.rules import Action, Decision


def viral_candidates(brand: Brand, negatives: list[ScoredMention], at: datetime) -> list[ScoredMention]:
    """The brand's negatives of the last 48 h whose interactions per hour are far above the others'."""
    s = brand.thresholds.viral_negative
    if not s.enabled:
        return []
    recent = [sm for sm in negatives if not sm.mention.own and at - REREAD_FOR <= sm.mention.created_at <= at]
    rates = {sm.key: rate(sm.mention.engagement, sm.mention.created_at, at) for sm in recent}
    found = []
    for sm in recent:
        if interactions(sm.mention.engagement) < s.min_interactions:
            continue
        others = [r for key, r in rates.items() if key != sm.key]
        if is_viral(sm.mention.engagement, sm.mention.created_at, at, _bar(brand, others)):
            found.append(sm)
    return found


def _bar(brand: Brand, others: list[float]) -> ViralBar:
    s = brand.thresholds.viral_negative
    return viral_bar(others, s.min_interactions, s.min_history, s.percentile)


def viral_negative(
    brand: Brand, found: list[ScoredMention], negatives: list[ScoredMention], at: datetime
) -> Decision:
    """One decision for a run's negatives newly going viral."""
    if not found:
        return Decision(VIRAL_NEGATIVE, Action.HOLD)
    top = max(found, key=lambda sm: rate(sm.mention.engagement, sm.mention.created_at, at))
    m, s = top.mention, brand.thresholds.viral_negative
    per_hour = rate(m.engagement, m.created_at, at)
    others = [
        rate(sm.mention.engagement, sm.mention.created_at, at)
        for sm in negatives
        if sm.key != top.key and at - REREAD_FOR <= sm.mention.created_at <= at
    ]
    bar = _bar(brand, others)
    by = f" by {author(m)}" if author(m) else ""
    numbers = ", ".join(reach(m))
    usual = (
        f"the {s.percentile:g}th percentile of its other negatives of the last 48 h is {bar.rate:.1f} an hour"
        if bar.history >= s.min_history
        else f"too few other negatives to compare ({bar.history}): "
        f"alert at {bar.min_interactions} interactions"
    )
    summary = (
        f"A negative mention of {brand.name} on {location(m)}{by} is spreading: {interactions(m.engagement)} "
        f"interactions in {span_text(at - m.created_at)} ({per_hour:.0f} an hour; {numbers}); {usual}."
    )
    if len(found) > 1:
        summary = f"{len(found)} negative mentions of {brand.name} are spreading fast. " + summary
    severity = (
        Severity.CRITICAL if interactions(m.engagement) >= 10 * s.min_interactions else Severity.WARNING
    )
    details: dict[str, float | int | str] = {"mentions": len(found), "value": round(per_hour, 1)}
    details |= {"threshold": round(bar.rate, 1), "history": bar.history}
    details["headline"] = f"negative mention spreading on {platform(m)}: {per_hour:.0f} interactions an hour"
    return Decision(VIRAL_NEGATIVE, Action.FIRE, severity, summary, details)
