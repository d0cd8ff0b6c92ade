"""A brand's digest: which periods are due at a time, and the facts of one period. Pure.

A daily digest covers the 24 hours before the brand's local `digest.hour`, a weekly one the 7 days
before that hour on `digest.weekday` (a day that changes clocks has 23 or 25 hours). A period stays
due for CATCH_UP after its end, so an hourly run that failed or found SNS down is made up by the
next ones; the ledger keeps it to one email (`services.digests`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from repmon.domain.brand import Brand
from repmon.domain.digest_replies import LocationStars, ReplyReport, location_stars, reply_report
from repmon.domain.digest_settings import WEEKDAYS
from repmon.domain.models import HourlyAggregate, ScoredMention
from repmon.domain.mutes import Mute
from repmon.domain.notices import LoggedAlert
from repmon.domain.reputation import index
from repmon.domain.response_rules import awaiting_answer
from repmon.domain.similar import group_similar
from repmon.domain.source_registry import same_mentions
from repmon.domain.themes import themes

DAILY, WEEKLY = "daily", "weekly"
CATCH_UP = timedelta(hours=12)
_LENGTH = {DAILY: timedelta(days=1), WEEKLY: timedelta(days=7)}
#: Daily points of the trend line: a week for a daily digest, two for a weekly one.
TREND_DAYS = {DAILY: 7, WEEKLY: 14}


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime
    end: datetime
    #: The local date the period ends on: names it in the subject and in the ledger.
    label: str

    @property
    def key(self) -> str:
        return f"digest#{self.kind}#{self.label}"

    @property
    def previous(self) -> tuple[datetime, datetime]:
        return self.start - (self.end - self.start), self.start

    @property
    def history_start(self) -> datetime:
        """The earliest hour any part of the digest reads: the trend's first day or the last period."""
        return min(self.end - timedelta(days=TREND_DAYS[self.kind]), self.previous[0])


def due_periods(brand: Brand, at: datetime) -> list[Period]:
    """The brand's digest periods that ended at most CATCH_UP before `at`."""
    settings, found = brand.digest, []
    local = at.astimezone(brand.zone)
    end = local.replace(hour=settings.hour, minute=0, second=0, microsecond=0)
    if end > local:
        end -= timedelta(days=1)  # wall-clock arithmetic: the same local hour the day before
    if settings.daily:
        found.append(_period(DAILY, end))
    if settings.weekly:
        back = (end.weekday() - WEEKDAYS.index(settings.weekday)) % 7
        found.append(_period(WEEKLY, end - timedelta(days=back)))
    return [p for p in found if timedelta(0) <= at - p.end < CATCH_UP]


def _period(kind: str, local_end: datetime) -> Period:
    start = local_end - _LENGTH[kind]
    return Period(kind, start.astimezone(UTC), local_end.astimezone(UTC), local_end.date().isoformat())


@dataclass(frozen=True)
class Voice:
    brand_id: str
    name: str
    mentions: int


#: Complaints (most influential first) that the digest's list and themes are drawn from.
THEME_SCAN = 50


@dataclass(frozen=True)
class DigestFacts:
    """What one digest says; `digest_text` renders it."""

    brand: Brand
    period: Period
    index: float | None
    previous_index: float | None
    #: Daily index, oldest first (None: nothing scored that day).
    trend: tuple[float | None, ...]
    mentions: int
    previous_mentions: int
    negative: int
    by_source: dict[str, int]
    #: The brand first, then its competitors, each with its mentions in the period.
    voices: tuple[Voice, ...]
    #: The most influential negative mentions, near-identical ones told once with their count.
    complaints: tuple[tuple[ScoredMention, int], ...]
    themes: tuple[tuple[str, int], ...]
    alerts: tuple[LoggedAlert, ...]
    #: Enabled sources with no mention in the period, each with its mentions over the trend days.
    silent: tuple[tuple[str, int], ...]
    mutes: tuple[Mute, ...]
    #: Complaints of the period still unanswered past their response-time target, oldest first
    #: (issue 16: listed here when no incident was open to fold them into).
    unanswered: tuple[ScoredMention, ...] = ()
    #: How often and how fast the brand answered in the period (issue 16; domain.digest_replies).
    replies: ReplyReport = field(default_factory=ReplyReport)
    #: Per site and location, the period's reviews and stars (issue 15).
    locations: tuple[LocationStars, ...] = ()


@dataclass(frozen=True)
class DigestInputs:
    """What the service reads for one brand and period."""

    buckets: Sequence[HourlyAggregate]
    competitors: Sequence[Voice]
    complaints: Sequence[ScoredMention]
    alerts: Sequence[LoggedAlert]
    mutes: Sequence[Mute]
    #: Every mention of the period (the reply figures and locations are counted from them).
    mentions: Sequence[ScoredMention] = ()


def digest_facts(brand: Brand, period: Period, given: DigestInputs) -> DigestFacts:
    now = _between(given.buckets, period.start, period.end)
    before = _between(given.buckets, *period.previous)
    by_source: Counter[str] = Counter()
    for bucket in now:
        by_source.update(bucket.by_source)
    trend_start = period.end - timedelta(days=TREND_DAYS[period.kind])
    recent: Counter[str] = Counter()
    for bucket in _between(given.buckets, trend_start, period.end):
        recent.update(bucket.by_source)
    mentions = sum(b.mentions for b in now)
    # The most influential complaints give the list and the themes; all that were read are checked
    # for an answer (a small customer's complaint is listed too).
    top = list(given.complaints[:THEME_SCAN])
    period_mentions = [sm for sm in given.mentions if period.start <= sm.mention.created_at < period.end]
    return DigestFacts(
        brand=brand,
        period=period,
        index=index(now),
        previous_index=index(before),
        trend=_trend(given.buckets, trend_start, TREND_DAYS[period.kind]),
        mentions=mentions,
        previous_mentions=sum(b.mentions for b in before),
        negative=sum(b.negative for b in now),
        by_source=dict(by_source.most_common()),
        voices=(Voice(brand.id, brand.name, mentions), *given.competitors),
        complaints=tuple(group_similar(top)[: brand.digest.top_complaints]),
        themes=tuple((t.phrase, t.mentions) for t in themes(top, brand)),
        alerts=tuple(given.alerts),
        silent=tuple(
            (s, sum(recent[t] for t in same_mentions(s)))
            for s in brand.sources.enabled()
            if not any(by_source[t] for t in same_mentions(s))
        ),
        mutes=tuple(given.mutes),
        unanswered=tuple(
            sorted(
                (sm for sm in given.complaints if awaiting_answer(brand, sm, period.end)),
                key=lambda sm: (sm.mention.created_at, sm.key),
            )
        ),
        replies=reply_report(brand, period_mentions),
        locations=location_stars(brand, period_mentions),
    )


def _between(buckets: Sequence[HourlyAggregate], since: datetime, until: datetime) -> list[HourlyAggregate]:
    return [b for b in buckets if since <= b.hour < until]


def _trend(buckets: Sequence[HourlyAggregate], start: datetime, days: int) -> tuple[float | None, ...]:
    day = timedelta(days=1)
    return tuple(index(_between(buckets, start + i * day, start + (i + 1) * day)) for i in range(days))
