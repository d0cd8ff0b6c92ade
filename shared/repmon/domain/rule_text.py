"""How a rule's decision reads: the one-sentence summaries and the figures they share with the email.

Kept apart from `rules` so the rules stay a page of thresholds and hysteresis. Pure: no I/O.
Every third-party string (handles, communities) goes through `safe_field` on its way in.
"""

from __future__ import annotations

from repmon.domain.brand import Brand, Thresholds
from repmon.domain.email_mentions import handle, reach, where
from repmon.domain.figures import IndexFigures, beside, index_figures, number, significant
from repmon.domain.models import ScoredMention

Details = dict[str, float | int | str]


def figures(t: Thresholds, index: float, change: float | None) -> IndexFigures:
    """The index (and drop) as every message about this brand shows them."""
    return index_figures(index, change, floor=t.reputation_low, drop_threshold=t.reputation_drop)


def span_label(hours: int) -> str:
    """168 -> '7-day', 36 -> '36-hour'."""
    return f"{hours // 24}-day" if hours % 24 == 0 else f"{hours}-hour"


def volume_figures(details: Details) -> tuple[str, str]:
    """The last hour's volume beside its bar, from the details (as the email shows them)."""
    return beside(float(details.get("value", 0)), float(details.get("threshold", 0)))


def usual_volume(details: Details) -> str:
    """Two significant digits, so that "N mentions, Rx the usual U" multiplies as shown."""
    return significant(float(details.get("baseline_hourly", 0)), 2, min_places=1)


def ratio_text(details: Details) -> str:
    return number(float(details.get("ratio", 0)), 1)


def low_summary(brand: Brand, index: float, change: float | None) -> str:
    t = brand.thresholds
    shown = figures(t, index, change)
    return (
        f"The reputation index of {brand.name} is {shown.index} over the last "
        f"{t.window_hours} h (alert below {shown.floor})."
    )


def drop_summary(brand: Brand, index: float, change: float) -> str:
    t = brand.thresholds
    shown = figures(t, index, change)
    return (
        f"The reputation index of {brand.name} is {shown.index}, {shown.drop} points under its "
        f"{span_label(t.baseline_hours)} baseline of {shown.baseline} "
        f"(alert at a drop of {shown.drop_threshold})."
    )


def volume_summary(brand: Brand, details: Details, baseline_hourly: float) -> str:
    shown, at = volume_figures(details)
    usual = f"{usual_volume(details)} per hour" if baseline_hourly else "no mentions before"
    if "ratio" in details:
        usual = f"{ratio_text(details)}x the usual {usual}"
    return f"{brand.name} had about {shown} mentions in the last hour, {usual} (alert at {at})."


def influencer_summary(brand: Brand, found: list[ScoredMention]) -> str:
    """Who said it, where, and the platform's numbers behind "influential" (the reader's proof)."""
    top = found[0]
    who = f" by @{handle(top.mention)}" if handle(top.mention) else ""
    numbers = reach(top.mention)
    carries = f"influence {top.influence:.0f}" + (f" ({', '.join(numbers)})" if numbers else "")
    said = f"{who} on {where(top.mention)} (sentiment {top.sentiment.score:+.2f})"
    if len(found) == 1:
        return f"A negative mention of {brand.name}{said}, from an influential author: {carries}."
    return (
        f"{len(found)} negative mentions of {brand.name} by influential authors; "
        f"the most influential{said}: {carries}."
    )


#: details["status"] of a "fired and recovered" notice (services.recovery).
RECOVERED = "recovered"
_RULE_LABELS = {
    "reputation_low": "reputation under its floor",
    "reputation_drop": "reputation drop",
    "volume_spike": "volume spike",
    "influencer_negative": "negative mention by an influential author",
}


def rule_label(rule: str) -> str:
    """'volume_spike' -> 'volume spike', in words a reputation manager uses."""
    return _RULE_LABELS.get(rule, rule.replace("_", " "))
