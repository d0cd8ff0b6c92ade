"""How one mention reads in an alert: where and by whom, how far it carries, what it says. Pure.

The influence score (0-100) is ours; next to it go the platform's own numbers it was computed from,
which a reputation manager recognises at a glance: "influence 87 (karma 508k, 5.4k upvotes)".
"""

from __future__ import annotations

from repmon.domain.models import Mention, ScoredMention, Source
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
    return safe_field(sm.mention.display_text, limit)


def handle(m: Mention) -> str:
    return safe_field(m.author.handle or "", MAX_HANDLE)


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
        found.append(f"{compact(a.followers)} followers")
    if m.rating is not None:
        found.append(f"rated {m.rating}/5")
    noun = {
        Source.REDDIT.value: "upvotes",
        Source.HACKERNEWS.value: "points",
        Source.MASTODON.value: "favourites",
        Source.BLUESKY.value: "likes",
    }
    if m.source in noun and e.score > 0:
        found.append(f"{compact(e.score)} {noun[m.source]}")
    if m.source == Source.MASTODON.value and e.shares > 0:
        found.append(f"{compact(e.shares)} boosts")
    if m.source == Source.BLUESKY.value and e.shares > 0:
        found.append(f"{compact(e.shares)} reposts and quotes")
    if e.votes > 0:
        found.append(f"{compact(e.votes)} votes")
    if e.comments > 0:
        found.append(f"{compact(e.comments)} comments")
    return found


def mention_lines(rank: int, sm: ScoredMention) -> list[str]:
    m = sm.mention
    author = f" by @{handle(m)}" if handle(m) else ""
    numbers = reach(m)
    behind = f" ({', '.join(numbers)})" if numbers else ""
    scores = f"sentiment {sm.sentiment.score:+.2f} | influence {sm.influence:.0f}{behind}"
    head = f"{rank}. {where(m)}{author} | {scores}"
    lines = [head, f'   "{excerpt(sm)}"']
    if link(m):
        lines.append(f"   {link(m)}")
    return lines
