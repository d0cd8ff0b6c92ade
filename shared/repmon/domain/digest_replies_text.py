"""The digest's reply and location blocks as people and machines read them. Pure.

A phone screen: one line a group, a complaints line under all sources and each source when it has
complaints, at most MAX_LOCATIONS locations a site (the JSON document has them all), no block at
all when there is nothing to say.
"""

from __future__ import annotations

from typing import Any

from repmon.domain.digest_replies import LocationStars, ReplyGroup, ReplyReport, duration
from repmon.domain.response_metrics import ReplyFigures
from repmon.domain.source_registry import SOURCES

MAX_LOCATIONS = 5


def reply_lines(report: ReplyReport) -> list[str]:
    if not report.groups:
        return []
    lines = ["", "Your replies (answered of those that can be answered; time to first reply):"]
    for source in dict.fromkeys(g.source for g in report.groups):
        lines += _source_lines([g for g in report.groups if g.source == source])
    if report.unknown:
        # A source counted above for some of its mentions (Google reviews of the brand's own
        # locations) and not for others (of places it only watches): "Google (2 more)".
        counted = {g.source for g in report.groups}
        said = ", ".join(f"{_label(s)} ({n}{' more' if s in counted else ''})" for s, n in report.unknown)
        lines.append(f"  Not counted (your replies cannot be seen there): {said}")
    return lines


def _source_lines(groups: list[ReplyGroup]) -> list[str]:
    """A source's line, its complaints, then its first MAX_LOCATIONS locations."""
    whole, places = groups[0], groups[1:]
    lines = [f"  {whole.label}: {_answered(whole.all)}"]
    if whole.complaints.mentions:
        lines.append(f"    complaints: {_answered(whole.complaints, short=True)}")
    lines += [f"    {g.label}: {_answered(g.all)}" for g in places[:MAX_LOCATIONS]]
    more = len(places) - MAX_LOCATIONS
    return lines + ([f"    ...and {more} more locations"] if more > 0 else [])


def _answered(f: ReplyFigures, short: bool = False) -> str:
    said = f"{f.replied} of {f.mentions}{'' if short else ' answered'} ({_percent(f.replied, f.mentions)})"
    if f.median_minutes is None or f.p90_minutes is None:
        return said
    return f"{said}, median {duration(f.median_minutes)}, 90% within {duration(f.p90_minutes)}"


def _percent(part: int, whole: int) -> str:
    """'67%'; never '100%' while one is left unanswered, nor '0%' once one was answered (issue 8:
    rounding never contradicts what it rounds)."""
    share = 100 * part / whole if whole else 0.0
    if 0 < part < whole and round(share) in (0, 100):
        return "<1%" if share < 50 else ">99%"
    return f"{share:.0f}%"


def location_lines(stars: tuple[LocationStars, ...], max_stars: int) -> list[str]:
    if not stars:
        return []
    low = "1 star" if max_stars == 1 else f"1-{max_stars} stars"
    lines = ["", "Reviews by location:"]
    for s in stars[: 2 * MAX_LOCATIONS]:
        reviews = f"{s.reviews} review" if s.reviews == 1 else f"{s.reviews} reviews"
        lines.append(f"  {s.label}: {reviews}, average {s.average:.1f} stars, {s.low} at {low}")
    more = len(stars) - 2 * MAX_LOCATIONS
    return lines + ([f"  ...and {more} more"] if more > 0 else [])


def _label(source: str) -> str:
    spec = SOURCES.get(source)
    return spec.label if spec else source


def replies_document(report: ReplyReport) -> dict[str, Any]:
    return {
        "groups": [_group_document(g) for g in report.groups],
        "reply_unknown": dict(report.unknown),
    }


def _group_document(g: ReplyGroup) -> dict[str, Any]:
    where = {
        "source": g.source or "all",
        "location_id": g.location,
        "location": g.label if g.location else "",
    }
    return where | _figures(g.all) | {"complaints": _figures(g.complaints)}


def _figures(f: ReplyFigures) -> dict[str, Any]:
    return {
        "mentions": f.mentions,
        "replied": f.replied,
        "median_minutes": f.median_minutes,
        "p90_minutes": f.p90_minutes,
    }


def locations_document(stars: tuple[LocationStars, ...]) -> list[dict[str, Any]]:
    return [
        {
            "source": s.source,
            "location_id": s.location,
            "location": s.name,
            "reviews": s.reviews,
            "average_stars": round(s.average, 2),
            "low_stars": s.low,
        }
        for s in stars
    ]
