"""How often and how fast the brand answers: reply rate and time to first reply. Pure.

Per source and per week (weeks start Monday 00:00 UTC, by the mention's `created_at`), for every
answerable mention (`scope` "all") and for complaints (negative mentions, `scope` "complaints"), and
for all sources together (`source` "all"). A mention is answerable when its reply status is `replied`
or `unanswered`: `unknown` (the source cannot show replies) and the brand's `own` posts are left out,
so a source that cannot see replies never lowers the rate.

The percentiles are nearest-rank (the smallest time at or under which that share of the replies
came), exactly what infra/athena/queries/response_times.sql computes with ROW_NUMBER in both Athena
and DuckDB, so a digest and an analyst read the same figures. A reply given before the mention's
time (clock skew between platforms) counts as zero minutes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, timedelta

from repmon.domain.models import ScoredMention
from repmon.domain.replies import status_of

ALL = "all"
COMPLAINTS = "complaints"


@dataclass(frozen=True, slots=True)
class ResponseRow:
    source: str
    #: The Monday (UTC) the week starts.
    week: date
    scope: str
    mentions: int
    replied: int
    median_minutes: float | None
    p90_minutes: float | None

    @property
    def reply_rate(self) -> float:
        return self.replied / self.mentions if self.mentions else 0.0


def nearest_rank(ordered: list[float], share: float) -> float | None:
    """The smallest value with at least `share` of `ordered` (ascending) at or under it."""
    if not ordered:
        return None
    return ordered[max(1, math.ceil(share * len(ordered) - 1e-9)) - 1]


@dataclass(frozen=True, slots=True)
class ReplyFigures:
    """Reply rate and time to first reply of one group of answerable mentions (the digest's)."""

    mentions: int
    replied: int
    median_minutes: float | None
    p90_minutes: float | None

    @property
    def reply_rate(self) -> float:
        return self.replied / self.mentions if self.mentions else 0.0


def answerable(sm: ScoredMention) -> bool:
    """Replied or unanswered: neither "reply unknown" nor the brand's own post."""
    return status_of(sm.mention) in ("replied", "unanswered")


def minutes_to_reply(sm: ScoredMention) -> float | None:
    """Minutes from the post to its first reply (never negative); None when unanswered."""
    reply = sm.mention.reply
    return max(0.0, (reply.at - sm.mention.created_at).total_seconds() / 60) if reply else None


def figures(times: Iterable[float | None]) -> ReplyFigures:
    """The figures of answerable mentions given their `minutes_to_reply`."""
    times = list(times)
    replied = sorted(t for t in times if t is not None)
    return ReplyFigures(len(times), len(replied), nearest_rank(replied, 0.5), nearest_rank(replied, 0.9))


def week_of(sm: ScoredMention) -> date:
    day = sm.mention.created_at.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def response_metrics(mentions: Iterable[ScoredMention]) -> list[ResponseRow]:
    """One row per (source or "all", week, scope) with at least one answerable mention, sorted."""
    groups: dict[tuple[str, date, str], list[float | None]] = defaultdict(list)
    for sm in mentions:
        if not answerable(sm):
            continue
        minutes = minutes_to_reply(sm)
        scopes = (ALL, COMPLAINTS) if sm.sentiment.label == "negative" else (ALL,)
        for source in (sm.mention.source, ALL):
            for scope in scopes:
                groups[(source, week_of(sm), scope)].append(minutes)
    return [_row(key, times) for key, times in sorted(groups.items())]


def _row(key: tuple[str, date, str], times: list[float | None]) -> ResponseRow:
    f = figures(times)
    return ResponseRow(*key, f.mentions, f.replied, f.median_minutes, f.p90_minutes)
