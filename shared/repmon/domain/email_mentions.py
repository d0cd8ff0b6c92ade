"""How one mention reads in an alert: where and by whom, how far it carries, what it says. Pure.

The influence score (0-100) is ours; next to it go the platform's own numbers it was computed from,
which a reputation manager recognises at a glance: "influence 87 (karma 508k, 5.4k upvotes)".
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from repmon.domain.models import Alert, Mention, ScoredMention, Source
from repmon.domain.safe_text import safe_field
from repmon.domain.source_registry import SOURCES

MAX_EXCERPT = 160
#: Caps on the other third-party fields of an alert (handles, communities, links, native ids).
MAX_HANDLE = 40
MAX_COMMUNITY = 60
MAX_URL = 500
MAX_ID = 200
_PLATFORMS = {name: spec.label for name, spec in SOURCES.items()}


def shorten(text: str, limit: int) -> str:
    """One safe line of at most `limit` characters, marking a cut with '...' (see `safe_field`)."""
    return safe_field(text, limit)


def excerpt(sm: ScoredMention, limit: int = MAX_EXCERPT) -> str:
    """Title and text, or the text alone when it opens with the title (news items repeat it)."""
    m = sm.mention
    repeats = m.title.strip() and m.text.strip().startswith(m.title.strip())
    return safe_field(m.text if repeats else m.display_text, limit)


def handle(m: Mention) -> str:
    return safe_field(m.author.handle or "", MAX_HANDLE)


#: Platforms whose people are @handles. Elsewhere the name is shown as the site shows it: a display
#: name ("Flyer 69", "John S."), a byline, a Hacker News username, a YouTube "@handle" already
#: written so; an "@" added there would make a handle up.
_AT_HANDLES = frozenset({Source.X.value, Source.BLUESKY.value, Source.MASTODON.value})


def author(m: Mention) -> str:
    """'u/fran' on Reddit (as Reddit writes it), '@fran' on X, Bluesky and Mastodon, the name as the
    site shows it elsewhere, '' when unknown."""
    name = handle(m)
    if not name:
        return ""
    if m.source == Source.REDDIT.value:
        return f"u/{name.removeprefix('u/')}"
    return f"@{name.lstrip('@')}" if m.source in _AT_HANDLES else name


def when(at: datetime, zone: tzinfo, now: datetime) -> str:
    """'2 h ago, Tue 3 Nov 02:30 MST (09:30 UTC)': relative, then the brand's local time, then UTC."""
    return f"{ago(now - at)}, {local_time(at, zone)}"


def local_time(at: datetime, zone: tzinfo) -> str:
    """'Tue 3 Nov 02:30 MST (09:30 UTC)'; 'Tue 3 Nov 09:30 UTC' for a brand in UTC."""
    local, utc = at.astimezone(zone), at.astimezone(UTC)
    shown = f"{local:%a} {local.day} {local:%b %H:%M} {local.tzname()}"
    return (
        shown
        if local.utcoffset() == utc.utcoffset() and local.tzname() == "UTC"
        else f"{shown} ({utc:%H:%M} UTC)"
    )


def ago(elapsed: timedelta) -> str:
    minutes = max(0, int(elapsed.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} days ago"


def link(m: Mention) -> str:
    return safe_field(m.url or "", MAX_URL)


def compact(n: int) -> str:
    """1234 -> '1.2k', 508000 -> '508k', 2400000 -> '2.4M'."""
    for size, unit in ((1_000_000, "M"), (1_000, "k")):
        if abs(n) >= size:
            value = n / size
            return f"{value:.1f}".rstrip("0").rstrip(".") + unit if abs(value) < 10 else f"{value:.0f}{unit}"
    return str(n)


def platform(m: Mention) -> str:
    return _PLATFORMS.get(m.source, m.source)


def where(m: Mention) -> str:
    """'Reddit r/travel', 'App Store US', 'Hacker News on "a thread"'."""
    platform = _PLATFORMS.get(m.source, m.source)
    community = safe_field(m.community or "", MAX_COMMUNITY)
    if not community:
        return platform
    if m.source == Source.REDDIT.value:
        return f"{platform} r/{community.removeprefix('r/')}"
    if m.source == Source.APPSTORE.value:
        return f"{platform} {community.upper()}"
    if m.community == m.title:  # a story is its own thread
        return platform
    return f'{platform} on "{community}"'


def reach(m: Mention) -> list[str]:
    """The platform's own numbers behind the influence score, those the mention has."""
    e, a = m.engagement, m.author
    found = [f"karma {compact(a.karma)}"] if a.karma is not None else []
    if a.followers is not None:
        audience = "subscribers" if m.source == Source.YOUTUBE.value else "followers"
        found.append(f"{compact(a.followers)} {audience}")
    if m.rating is not None:
        found.append(f"rated {m.rating}/5")
    noun = {
        Source.REDDIT.value: "upvotes",
        Source.HACKERNEWS.value: "points",
        Source.MASTODON.value: "favourites",
        Source.BLUESKY.value: "likes",
        Source.YOUTUBE.value: "likes",
    }
    if m.source in noun and e.score > 0:
        found.append(f"{compact(e.score)} {noun[m.source]}")
    if m.source == Source.MASTODON.value and e.shares > 0:
        found.append(f"{compact(e.shares)} boosts")
    if m.source == Source.BLUESKY.value and e.shares > 0:
        found.append(f"{compact(e.shares)} reposts and quotes")
    found += [
        _count(n, noun)
        for n, noun in ((e.votes, "vote"), (e.comments, "comment"), (e.views, "view"))
        if n > 0
    ]
    return found


def _count(n: int, noun: str) -> str:
    return f"{compact(n)} {noun}" if n == 1 else f"{compact(n)} {noun}s"


#: How a known customer's tier reads beside the author (README, "Known customers").
_TIERS = {"vip": "VIP customer", "customer": "customer", "churn-risk": "churn-risk customer"}


def tier(m: Mention) -> str:
    """' (VIP customer)' when the author is in the brand's known-customer table, else ''."""
    said = _TIERS.get(m.customer_tier, safe_field(m.customer_tier, 20)) if m.customer_tier else ""
    return f" ({said})" if said else ""


def mention_lines(
    rank: int, sm: ScoredMention, *, now: datetime | None = None, zone: tzinfo = UTC, similar: int = 1
) -> list[str]:
    """The mention's lines: where, who and how far; what it says; when (with `now`); its link."""
    m = sm.mention
    by = f" by {author(m)}{tier(m)}" if author(m) else tier(m)
    numbers = reach(m)
    behind = f" ({', '.join(numbers)})" if numbers else ""
    scores = f"sentiment {sm.sentiment.score:+.2f} | influence {sm.influence:.0f}{behind}"
    lines = [f"{rank}. {where(m)}{by} | {scores}", f'   "{excerpt(sm)}"']
    more = f" | x{similar} similar" if similar > 1 else ""
    if now is not None:
        lines.append(f"   posted {when(m.created_at, zone, now)}{more}")
    elif more:
        lines.append(f"   {more[3:]}")
    if link(m):
        lines.append(f"   {link(m)}")
    return lines


def listed(alert: Alert) -> list[str]:
    """The alert's mentions, ranked, each with its post time in the brand's zone and its similar count."""
    zone, similar = zone_of(alert), similar_counts(alert)
    lines: list[str] = []
    for rank, sm in enumerate(alert.top_mentions, start=1):
        lines += mention_lines(rank, sm, now=alert.fired_at, zone=zone, similar=similar.get(sm.key, 1))
    return lines


def zone_of(alert: Alert) -> tzinfo:
    """The brand's zone (details["timezone"], set by build_alert); UTC for older alerts."""
    try:
        return ZoneInfo(str(alert.details.get("timezone", "UTC")))
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def similar_counts(alert: Alert) -> dict[str, int]:
    """How many near-identical mentions each listed one stands for, when more than itself."""
    try:
        counts = json.loads(str(alert.details.get("similar", "{}")))
    except ValueError:
        return {}
    return {str(k): int(v) for k, v in counts.items()} if isinstance(counts, dict) else {}
