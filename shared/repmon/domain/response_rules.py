"""The review and response rules. Pure: a brand's settings and stored mentions in, decisions out.

- low_rating_review: a review at or below `max_stars` (optionally with text only, or only for some
  locations), not the brand's own. Once per review. Critical from an influential reviewer (at or over
  `influencer_min`, or the lower bar of the reviewer's customer tier; unanswered_complaint too).
- unanswered_complaint: a negative mention, not the brand's own, on a source where the brand's
  replies can be seen (`Mention.replies_visible`: "reply unknown" never fires), still without a
  reply `target` after it was posted (`influential_target` for authors at or above `influential_min`),
  and not older than `expire`. Once per mention; the brand's reply closes it (its key re-armed).
- None of them is about a place the brand does not manage (`sources.google.places`: a competitor).
- rating_drop: per site and per location (a site with one location is judged once), the average
  stars of the reviews posted in the last `window` against the `baseline` before it; fires when
  it is `drop` stars or more under, with at least `min_reviews` in each; recovers when the drop
  shrinks under `drop - recovery`. Critical at twice `drop`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from repmon.domain.brand import Brand
from repmon.domain.email_mentions import author, platform
from repmon.domain.models import Mention, ScoredMention, Severity, Source
from repmon.domain.rules import Action, Decision, influencer_bar, most_severe
from repmon.domain.safe_text import safe_field

LOW_RATING_REVIEW = "low_rating_review"
RATING_DROP = "rating_drop"
UNANSWERED_COMPLAINT = "unanswered_complaint"
VIRAL_NEGATIVE = "viral_negative"
#: A review first read later than this after it was posted is not "instant" news: no email for it
#: (the first poll of a new site reads its backlog; it is in the digest and the export all the same).
REVIEW_LOOKBACK = timedelta(hours=48)
_NAME = 80


def mention_key(rule: str, sm: ScoredMention) -> str:
    """The ledger key that makes a per-mention rule fire once per mention."""
    return f"{rule}#{sm.key}"


def location(m: Mention) -> str:
    """'Trustpilot, Acme Paris Opera' or 'Trustpilot'."""
    name = safe_field(m.location_name or m.location_id, _NAME)
    return f"{platform(m)}, {name}" if name else platform(m)


def theirs(brand: Brand, m: Mention) -> bool:
    """A review of a place the brand watches but does not manage (`sources.google.places`, e.g. a
    competitor): never the brand's to answer or be alerted about."""
    return m.source == Source.GOOGLE.value and m.location_id in brand.sources.google.places


def is_low_rating(brand: Brand, sm: ScoredMention, at: datetime) -> bool:
    s, m = brand.thresholds.low_rating_review, sm.mention
    return (
        s.enabled
        and not m.own
        and not theirs(brand, m)
        and m.rating is not None
        and 1 <= m.rating <= s.max_stars
        and at - REVIEW_LOOKBACK <= m.created_at <= at
        and (not s.with_text_only or bool(m.text.strip()))
        and (not s.locations or bool({m.location_id, m.location_name} & set(s.locations)))
    )


def due(brand: Brand, sm: ScoredMention) -> datetime:
    """When the brand should have answered this mention."""
    return sm.mention.created_at + brand.thresholds.unanswered_complaint.target_for(sm.influence)


def is_unanswered(brand: Brand, sm: ScoredMention, at: datetime) -> bool:
    """Past its target without a reply, and not yet expired (what the rule fires on)."""
    expire = brand.thresholds.unanswered_complaint.expire
    return awaiting_answer(brand, sm, at) and at < sm.mention.created_at + expire


def awaiting_answer(brand: Brand, sm: ScoredMention, at: datetime) -> bool:
    """What the digest lists: a complaint past its target at `at` with no reply seen, on a source
    that shows the brand's replies (as `is_unanswered`, but with no expiry: a week-old one counts)."""
    s, m = brand.thresholds.unanswered_complaint, sm.mention
    return (
        s.enabled
        and sm.sentiment.label == "negative"
        and not m.own
        and not theirs(brand, m)
        and m.replies_visible
        and m.reply is None
        and due(brand, sm) <= at
    )


def answered_late(brand: Brand, sm: ScoredMention) -> bool:
    """Replied, but after its target: it may have been announced, and its reply closes it."""
    m = sm.mention
    return m.reply is not None and m.reply.at >= due(brand, sm)


def low_rating_review(brand: Brand, found: list[ScoredMention]) -> Decision:
    """One decision for a run's new low-rated reviews (one alert lists them all)."""
    if not found:
        return Decision(LOW_RATING_REVIEW, Action.HOLD)
    top = found[0]
    m = top.mention
    by = f" by {author(m)}" if author(m) else ""
    said = f'"{safe_field(m.display_text, 160)}"' if m.display_text.strip() else "(no text)"
    first = f"a {m.rating}-star review of {brand.name} on {location(m)}{by}: {said}"
    summary = (
        first[0].upper() + first[1:]
        if len(found) == 1
        else f"{len(found)} reviews of {brand.name} at {brand.thresholds.low_rating_review.max_stars} stars "
        f"or fewer; the first, {first}."
    )
    severity = most_severe(_review_severity(brand, sm) for sm in found)
    details: dict[str, float | int | str] = {"threshold": brand.thresholds.low_rating_review.max_stars}
    details |= {"mentions": len(found), "value": min(sm.mention.rating or 0 for sm in found)}
    details["headline"] = (
        f"{m.rating}-star review on {location(m)}"
        if len(found) == 1
        else f"{len(found)} reviews at {details['threshold']} stars or fewer, the first on {location(m)}"
    )
    return Decision(LOW_RATING_REVIEW, Action.FIRE, severity, summary, details)


def _review_severity(brand: Brand, sm: ScoredMention) -> Severity:
    """Critical from an influential author: at or over the influence bar of the author's tier."""
    return Severity.CRITICAL if sm.influence >= influencer_bar(sm, brand.thresholds) else Severity.WARNING


def unanswered_complaint(brand: Brand, found: list[ScoredMention], at: datetime) -> Decision:
    """One decision for a run's complaints newly past their response-time target."""
    if not found:
        return Decision(UNANSWERED_COMPLAINT, Action.HOLD)
    oldest = min(found, key=lambda sm: sm.mention.created_at)
    m = oldest.mention
    waited = span_text(at - m.created_at)
    by = f" by {author(m)}" if author(m) else ""
    target = span_text(brand.thresholds.unanswered_complaint.target_for(oldest.influence))
    one = f"on {location(m)}{by} has waited {waited} for an answer (target {target})"
    summary = (
        f"A complaint about {brand.name} {one}: answer it at the link below."
        if len(found) == 1
        else f"{len(found)} complaints about {brand.name} are past their response-time target; "
        f"the oldest {one}. Answer them at the links below."
    )
    severity = most_severe(_review_severity(brand, sm) for sm in found)
    details: dict[str, float | int | str] = {"mentions": len(found), "value": waited}
    details["threshold"] = span_text(brand.thresholds.unanswered_complaint.target)
    details["headline"] = f"{_count(len(found), 'complaint')} unanswered after {target} or more"
    return Decision(UNANSWERED_COMPLAINT, Action.FIRE, severity, summary, details)


@dataclass(frozen=True)
class RatingGroup:
    """The reviews of one site, or of one location of a site: `key` is its ledger key."""

    key: str
    label: str
    window: tuple[int, ...]
    baseline: tuple[int, ...]


def rating_groups(brand: Brand, reviews: Iterable[ScoredMention], at: datetime) -> list[RatingGroup]:
    """Per site and per location, the stars posted in the window and in the baseline before it."""
    s = brand.thresholds.rating_drop
    start = at - s.window
    stars: dict[tuple[str, str], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    labels: dict[tuple[str, str], str] = {}
    places: dict[str, set[str]] = defaultdict(set)
    for sm in reviews:
        m = sm.mention
        if m.own or m.rating is None or not 1 <= m.rating <= 5 or not start - s.baseline <= m.created_at < at:
            continue
        if theirs(brand, m):
            continue
        part = 0 if m.created_at >= start else 1
        for group in ((m.source, ""), (m.source, m.location_id)) if m.location_id else ((m.source, ""),):
            stars[group][part].append(m.rating)
            labels.setdefault(group, location(m) if group[1] else platform(m))
        places[m.source].add(m.location_id)
    return [
        RatingGroup(_group_key(source, loc), labels[(source, loc)], tuple(w), tuple(b))
        for (source, loc), (w, b) in sorted(stars.items())
        if not loc or len(places[source]) > 1  # one location: the site's own figure says it
    ]


def _group_key(source: str, loc: str) -> str:
    return f"{RATING_DROP}#{source}#{loc}" if loc else f"{RATING_DROP}#{source}"


def rating_drop(brand: Brand, group: RatingGroup) -> Decision:
    s = brand.thresholds.rating_drop
    if len(group.window) < s.min_reviews or len(group.baseline) < s.min_reviews:
        return Decision(RATING_DROP, Action.HOLD)
    now, before = _mean(group.window), _mean(group.baseline)
    drop = before - now
    action = Action.FIRE if drop >= s.drop else Action.RECOVER if drop < s.drop - s.recovery else Action.HOLD
    severity = Severity.CRITICAL if drop >= 2 * s.drop else Severity.WARNING
    days, base = s.window.days, s.baseline.days
    summary = (
        f"{brand.name}'s average rating on {group.label} fell to {now:.2f} stars over the last {days} days "
        f"({len(group.window)} reviews), {drop:.2f} under its {before:.2f} of the {base} days before "
        f"({len(group.baseline)} reviews; alert at {s.drop:g} under)."
    )
    details: dict[str, float | int | str] = {"value": round(drop, 2), "threshold": s.drop}
    details |= {"average": round(now, 2), "baseline_average": round(before, 2), "site": group.label}
    details |= {"reviews": len(group.window), "baseline_reviews": len(group.baseline)}
    details["headline"] = f"average rating on {group.label} down {drop:.2f} to {now:.2f} stars"
    return Decision(RATING_DROP, action, severity, summary, details)


def _mean(values: tuple[int, ...]) -> float:
    return sum(values) / len(values)


def span_text(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes % 60 else f"{minutes // 60} h"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
