"""How a rule's decision reads: the one-sentence summaries and the figures they share with the email.

Kept apart from `rules` so the rules stay a page of thresholds and hysteresis. Pure: no I/O.
Every third-party string (handles, communities) goes through `safe_field` on its way in.
"""

from __future__ import annotations

from repmon.domain.brand import Brand, Thresholds
from repmon.domain.email_mentions import author, reach, where
from repmon.domain.figures import IndexFigures, beside, index_figures, number, significant
from repmon.domain.models import ScoredMention

Details = dict[str, float | int | str]


def figures(t: Thresholds, index: float, change: float | None) -> IndexFigures:
    """The index (and drop) as every message about this brand shows them."""
    return index_figures(index, change, floor=t.reputation_low, drop_threshold=t.reputation_drop)


def span_label(hours: int) -> str:
    """168 -> '7-day', 36 -> '36-hour'."""
    return f"{hours // 24}-day" if hours % 24 == 0 else f"{hours}-hour"


def usual_span(hours: object) -> str:
    """What a baseline of `hours` is to a reader: 24 -> 'day', 168 -> 'week', 48 -> '2 days'."""
    if not isinstance(hours, int) or hours <= 0:
        return "level"
    names = {24: "day", 168: "week"}
    return names.get(hours) or (f"{hours // 24} days" if hours % 24 == 0 else f"{hours} hours")


def _usual_index(hours: int, baseline: str | None) -> str:
    """ "a usual day's 60", "a usual week's 60", "its usual 60 of the last 36 hours"."""
    span = usual_span(hours)
    return (
        f"a usual {span}'s {baseline}"
        if span in ("day", "week")
        else f"its usual {baseline} of the last {span}"
    )


def volume_figures(details: Details) -> tuple[str, str]:
    """The last hour's volume beside its bar, from the details (as the email shows them)."""
    return beside(float(details.get("value", 0)), float(details.get("threshold", 0)))


def usual_volume(details: Details) -> str:
    """Two significant digits, so that "N mentions, Rx the usual U" multiplies as shown."""
    usual = details.get("usual_hourly", details.get("baseline_hourly", 0))
    return significant(float(usual), 2, min_places=1)


def usual_for(details: Details) -> str:
    """'for a Tuesday at noon UTC' (seasonal), 'per hour' (flat)."""
    return str(details.get("usual_for", "per hour"))


def usual_for_local(details: Details) -> str:
    """'for a weekday at 3 a.m. UTC (8 p.m. MST)' when the alert knows the brand's clock."""
    local = details.get("usual_local")
    return f"{usual_for(details)} ({local})" if local else usual_for(details)


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
        f"The reputation index of {brand.name} is {shown.index}, {shown.drop} points under "
        f"{_usual_index(t.baseline_hours, shown.baseline)} "
        f"(alert at a drop of {shown.drop_threshold})."
    )


def volume_summary(brand: Brand, details: Details) -> str:
    shown, at = volume_figures(details)
    rate = float(details.get("usual_hourly", details.get("baseline_hourly", 0)))
    usual = f"{usual_volume(details)} {usual_for(details)}" if rate else "no mentions before"
    if "ratio" in details:
        usual = f"{ratio_text(details)}x the usual {usual}"
    return f"{brand.name} had about {shown} mentions in the last hour, {usual} (alert at {at})."


def share_text(details: Details) -> tuple[str, str]:
    """The hour's negative share and its usual, in percent ("62%", "10%")."""
    return f"{number(float(details.get('share', 0)))}%", f"{number(float(details.get('usual_share', 0)))}%"


def share_summary(brand: Brand, details: Details) -> str:
    share, usual = share_text(details)
    return (
        f"{details.get('value', 0)} of the {details.get('scored', 0)} scored mentions of {brand.name} "
        f"in the last hour were negative ({share}), against a usual {usual} {usual_for(details)} "
        f"(alert at {details.get('threshold', 0)} of {details.get('scored', 0)})."
    )


def influencer_summary(brand: Brand, found: list[ScoredMention]) -> str:
    """Who said it, where, and the platform's numbers behind "influential" (the reader's proof)."""
    top = found[0]
    who = f" by {author(top.mention)}" if author(top.mention) else ""
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
    "negative_share": "rise in negative share",
    "influencer_negative": "negative mention by an influential author",
    "low_rating_review": "low-rated review",
    "rating_drop": "drop in average rating",
    "unanswered_complaint": "complaint without an answer",
    "viral_negative": "negative mention spreading fast",
}


def rule_label(rule: str) -> str:
    """'volume_spike' -> 'volume spike', in words a reputation manager uses."""
    return _RULE_LABELS.get(rule, rule.replace("_", " "))
