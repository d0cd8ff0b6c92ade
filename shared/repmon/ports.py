"""The ports: what the use cases need from the outside world, named for the domain.

Adapters in `repmon.adapters` implement them against AWS, praw, nltk and HTTP;
`tests/fakes.py` implements them in memory. Both are type-checked against these protocols.
The BI export's ports are beside this file, in `repmon.export_ports`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from repmon.domain.brand import Brand
from repmon.domain.customers import Customer
from repmon.domain.incident import Incident
from repmon.domain.models import Alert, HourlyAggregate, Mention, ScoredMention, Sentiment
from repmon.domain.replies import ReplyLink


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SentimentScorer(Protocol):
    def score(self, text: str, rating: int | None = None) -> Sentiment:
        """Score one text; `rating` (1-5 stars) is used with the text when the mention has one."""
        ...


@dataclass(frozen=True)
class SourcePage:
    """What one poll of a source returned for a brand.

    `cursor` is the adapter's opaque position after these mentions; the caller stores it only
    after the mentions are stored. `skipped` counts malformed items that were logged and dropped.
    """

    mentions: list[Mention]
    cursor: str | None
    skipped: int = 0
    #: True when the poll stopped at its per-run bound with more left to read.
    truncated: bool = False
    errors: list[str] = field(default_factory=list)


class MentionSource(Protocol):
    name: str

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        """Read mentions of `brand` newer than `cursor`, bounded by the brand's per-run limit."""
        ...


@dataclass(frozen=True)
class SaveResult:
    stored: int
    duplicates: int
    #: Refused for good by the store's limits (README, "Data model"): logged, skipped, never retried.
    rejected: int = 0


class MentionStore(Protocol):
    def save(self, mentions: Sequence[ScoredMention]) -> SaveResult:
        """Store new mentions and count each once in its hourly aggregate; known ones are skipped."""
        ...

    def mentions_between(self, brand_id: str, since: datetime, until: datetime) -> list[ScoredMention]:
        """Mentions of a brand created in [since, until), oldest first."""
        ...

    def rated_between(self, brand_id: str, since: datetime, until: datetime) -> list[ScoredMention]:
        """The mentions with a star rating (reviews) among `mentions_between`'s, oldest first."""
        ...

    def most_negative(
        self,
        brand_id: str,
        since: datetime,
        until: datetime,
        min_influence: float,
        limit: int,
        source: str | None = None,
    ) -> list[ScoredMention]:
        """Negative mentions in [since, until) with influence >= min_influence, most influential first;
        with `source`, that source's alone."""
        ...

    def hourly(self, brand_id: str, since: datetime, until: datetime) -> list[HourlyAggregate]:
        """Hourly aggregates whose hour starts in [since, until), oldest first; empty hours are absent."""
        ...

    def record_replies(self, links: Sequence[ReplyLink]) -> int:
        """Give each link's parent mention its reply when it has none or a later one (never a later
        one: retries and re-reads change nothing); a parent not stored yet gets it when it is saved.
        Returns how many stored mentions changed."""
        ...


class KnownCustomers(Protocol):
    """The brand owner's known-customer table (README, "Known customers"), kept as keyed hashes only."""

    def tiers(self, accounts: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The tier of each (platform, normalised handle) that is a known customer; others absent."""
        ...

    def replace(self, customers: Sequence[Customer]) -> tuple[int, int]:
        """Store exactly these customers; returns (stored, removed)."""
        ...


class CursorStore(Protocol):
    def get(self, brand_id: str, source: str) -> str | None: ...

    def put(self, brand_id: str, source: str, cursor: str | None) -> None: ...


@dataclass(frozen=True)
class RuleState:
    """Where a (brand, rule key) stands: armed, or firing with the alert that announced it."""

    firing: bool = False
    alert_id: str | None = None
    sent: bool = False
    #: The crossing as first claimed (kept until re-armed): when, how bad, and what its alert said,
    #: so a crossing that recovers before its alert could be sent is still announced.
    crossed_at: datetime | None = None
    severity: str | None = None
    summary: str | None = None


class AlertLedger(Protocol):
    """Alert state per (brand, rule key) with conditional transitions: the guard against duplicates."""

    def state(self, brand_id: str, rule_key: str) -> RuleState: ...

    def claim(self, alert: Alert, rule_key: str) -> bool:
        """Mark the rule firing with this alert. True when the caller must publish it:
        the rule was armed, or it fired earlier and that alert was never sent. False when already sent."""
        ...

    def mark_sent(self, alert: Alert, rule_key: str) -> None:
        """The rule's firing is folded into the brand's incident: no later run claims it again."""
        ...

    def rearm(self, brand_id: str, rule_key: str, at: datetime) -> None:
        """The condition recovered: the next crossing may fire again."""
        ...

    def incident(self, brand_id: str) -> Incident | None:
        """The brand's current (or last) incident, read consistently."""
        ...

    def save_incident(self, incident: Incident) -> bool:
        """Store it if the stored one is still its predecessor (version one less; none for a first
        incident). False when another run changed it meanwhile: re-read and decide again."""
        ...

    def email_sent(self, incident: Incident, email: Alert) -> bool:
        """`save_incident` and the log of the sent email (the BI `alerts` table), both or neither."""
        ...


class AlertPublisher(Protocol):
    def publish(self, alert: Alert, within: float | None = None) -> str:
        """Deliver the alert to its subscribers; returns the delivery's message id.
        `within`: seconds it may take, retries included, before it gives up (PublishFailed)."""
        ...


class Watchlist(Protocol):
    def brands(self) -> list[Brand]: ...

    def brand(self, brand_id: str) -> Brand | None: ...

    def replace(self, brands: Sequence[Brand]) -> tuple[int, int]:
        """Store exactly these brands; returns (stored, removed)."""
        ...


@dataclass(frozen=True)
class PollJob:
    """One unit of polling work: a brand on a source, for a scheduled time."""

    brand_id: str
    source: str
    scheduled_at: datetime


class PollJobQueue(Protocol):
    def send(self, jobs: Sequence[PollJob]) -> int:
        """Enqueue jobs; a job sent twice for the same scheduled time is delivered once."""
        ...
