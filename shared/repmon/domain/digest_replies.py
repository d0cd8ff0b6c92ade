"""The digest's reply figures and review locations (issues 15 and 16). Pure.

Replies: for the period's answerable mentions (`response_metrics.answerable`: neither "reply unknown"
nor the brand's own posts), the reply rate and the median and 90th-percentile time to first reply,
for all sources, each source, and each location of a review site that has several (as
`response_rules.rating_groups` judges them), every one for all mentions and for complaints. Sources
whose replies cannot be seen are only counted apart, so they never read as unanswered. Reviews of
places the brand watches but does not manage (a competitor's) are not its to answer: left out.

Locations: per site and location, the period's reviews (1-5 stars, not the brand's own), their
average stars and how many are at or under `low_rating_review.max_stars`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from repmon.domain.brand import Brand
from repmon.domain.email_mentions import platform
from repmon.domain.models import Mention, ScoredMention
from repmon.domain.replies import status_of
from repmon.domain.response_metrics import ReplyFigures, answerable, figures, minutes_to_reply
from repmon.domain.response_rules import location, theirs
from repmon.domain.safe_text import safe_field

ALL_SOURCES = "All sources"
_NAME = 60


@dataclass(frozen=True)
class ReplyGroup:
    #: "" for all sources together.
    source: str
    #: "" for the whole source; else the location's id (or name when the site gives no id).
    location: str
    label: str
    all: ReplyFigures
    complaints: ReplyFigures


@dataclass(frozen=True)
class ReplyReport:
    #: All sources first, then each source (most answerable mentions first), each followed by its
    #: locations when it has several; empty when nothing could be answered.
    groups: tuple[ReplyGroup, ...] = ()
    #: Sources whose replies cannot be seen, with their mentions in the period, most first.
    unknown: tuple[tuple[str, int], ...] = ()


def duration(minutes: float) -> str:
    """'25 min', '2 h 10 min', '2 days 2 h': a reply time as people say it."""
    whole = int(minutes)
    if whole < 60:
        return f"{whole} min"
    if whole < 48 * 60:
        hours, rest = divmod(whole, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, rest = divmod(whole // 60, 24)
    return f"{days} days {rest} h" if rest else f"{days} days"


def _place(m: Mention) -> str:
    return m.location_id or m.location_name


def reply_report(brand: Brand, mentions: Iterable[ScoredMention]) -> ReplyReport:
    ours = [sm for sm in mentions if not theirs(brand, sm.mention)]
    unknown = Counter(sm.mention.source for sm in ours if status_of(sm.mention) == "unknown")
    counted = [sm for sm in ours if answerable(sm)]
    if not counted:
        return ReplyReport((), tuple(unknown.most_common()))
    by_source: dict[str, list[ScoredMention]] = defaultdict(list)
    for sm in counted:
        by_source[sm.mention.source].append(sm)
    groups = [_group("", "", ALL_SOURCES, counted)]
    for source, found in sorted(by_source.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        groups += [_group(source, "", platform(found[0].mention), found), *_locations(source, found)]
    return ReplyReport(tuple(groups), tuple(unknown.most_common()))


def _locations(source: str, found: list[ScoredMention]) -> list[ReplyGroup]:
    places: dict[str, list[ScoredMention]] = defaultdict(list)
    for sm in found:
        if _place(sm.mention):
            places[_place(sm.mention)].append(sm)
    if len(places) < 2:  # one location: the site's own line says it
        return []
    ordered = sorted(places.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [_group(source, place, _label(group[0].mention), group) for place, group in ordered]


def _label(m: Mention) -> str:
    return safe_field(m.location_name or m.location_id, _NAME)


def _group(source: str, place: str, label: str, found: list[ScoredMention]) -> ReplyGroup:
    complaints = [sm for sm in found if sm.sentiment.label == "negative"]
    return ReplyGroup(
        source,
        place,
        label,
        figures(map(minutes_to_reply, found)),
        figures(map(minutes_to_reply, complaints)),
    )


@dataclass(frozen=True)
class LocationStars:
    source: str
    #: The location's id (or name), "" for a site's reviews that name none (an app store).
    location: str
    #: 'Trustpilot, Acme Paris Opera', or the site alone.
    label: str
    name: str
    reviews: int
    average: float
    #: Reviews at or under the brand's `low_rating_review.max_stars`.
    low: int


def location_stars(brand: Brand, mentions: Iterable[ScoredMention]) -> tuple[LocationStars, ...]:
    """Per site and location, the period's reviews, most reviewed first."""
    stars: dict[tuple[str, str], list[int]] = defaultdict(list)
    first: dict[tuple[str, str], Mention] = {}
    for sm in mentions:
        m = sm.mention
        if m.own or m.rating is None or not 1 <= m.rating <= 5 or theirs(brand, m):
            continue
        key = (m.source, _place(m))
        stars[key].append(m.rating)
        first.setdefault(key, m)
    low = brand.thresholds.low_rating_review.max_stars
    found = [
        LocationStars(
            source,
            place,
            location(first[(source, place)]),
            _label(first[(source, place)]),
            len(values),
            sum(values) / len(values),
            sum(1 for v in values if v <= low),
        )
        for (source, place), values in stars.items()
    ]
    return tuple(sorted(found, key=lambda s: (-s.reviews, s.label)))
