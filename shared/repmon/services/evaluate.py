"""Use case: evaluate each brand's reputation at a scheduled time and announce every new crossing once.

Per brand: read the hourly aggregates, take a snapshot, run the index rules and the influencer rule
(`services.alerting`: each firing claimed in the alert ledger), then fold the firings into the
brand's incident and send the email its lifecycle calls for (`services.incidents`).
One brand failing is recorded and never stops the others; within a brand, one rule failing never
stops its other rules. A run short of time stops before a brand or before an alert, and names the
brands it left (`deferred`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from repmon.domain.baseline_cache import BaselineCache
from repmon.domain.brand import Brand
from repmon.domain.models import Alert
from repmon.domain.reputation import Baseline, history_span, snapshot
from repmon.domain.response_rules import (
    LOW_RATING_REVIEW,
    RATING_DROP,
    UNANSWERED_COMPLAINT,
    VIRAL_NEGATIVE,
)
from repmon.domain.rules import INDEX_RULES, INFLUENCER_NEGATIVE
from repmon.domain.timeutil import iso
from repmon.notice_ports import MuteStore
from repmon.ports import AlertLedger, AlertPublisher, MentionStore
from repmon.services.alerting import (
    INFLUENCER_SCAN,
    BrandRun,
    Firing,
    OutOfTime,
    Timing,
    alert_id,
    apply_decision,
    apply_influencers,
    guarded,
    influencer_key,
)
from repmon.services.incidents import settle
from repmon.services.response_alerts import (
    apply_low_ratings,
    apply_rating_drops,
    apply_unanswered,
    apply_viral,
)

#: No brand starts with fewer seconds left than this (alerts need CLAIM_SPARE on top, see alerting).
BRAND_SPARE = 15.0

__all__ = [
    "INFLUENCER_SCAN",
    "EvaluationResult",
    "EvaluationRun",
    "Firing",
    "Timing",
    "alert_id",
    "evaluate_all",
    "evaluate_brand",
    "influencer_key",
]


@dataclass(frozen=True)
class EvaluationResult:
    """What one brand's evaluation did: the handler turns these counts into metrics."""

    brand_id: str
    at: datetime
    index: float | None = None
    change: float | None = None
    published: tuple[Alert, ...] = ()
    suppressed: int = 0
    rearmed: int = 0
    errors: tuple[str, ...] = ()
    #: Cut short for lack of time: the rules after the cut wait for the next run.
    deferred: bool = False
    #: The rules that fired in this run, with their incident and whether an email announced them.
    firings: tuple[Firing, ...] = ()


@dataclass(frozen=True)
class EvaluationRun:
    """All brands of one scheduled run; `failed` maps a brand id to the error that stopped it."""

    at: datetime
    results: tuple[EvaluationResult, ...] = ()
    failed: dict[str, str] = field(default_factory=dict)
    #: Brands left for a later run because this one ran out of time (see `evaluate_all`), including
    #: one cut short (also in `results`, with what it did).
    deferred: tuple[str, ...] = ()

    @property
    def published(self) -> int:
        return sum(len(r.published) for r in self.results)

    @property
    def suppressed(self) -> int:
        return sum(r.suppressed for r in self.results)

    @property
    def errors(self) -> int:
        return len(self.failed) + sum(len(r.errors) for r in self.results)

    def firing_lines(self) -> list[dict[str, Any]]:
        """One line per rule that fired (the backtest prints them, the handler returns them): the run's
        time, brand, rule, severity, its incident's subject and id, `kind` "alert" when it opened the
        incident else "update", and whether this run emailed (a firing folded in may wait or not)."""
        return [
            {
                "time": iso(r.at),
                "brand": r.brand_id,
                "rule": f.rule,
                "severity": f.severity.value,
                "subject": f.subject,
                "incident_id": f.incident_id or None,
                "kind": f.kind or None,
                "emailed": f.emailed,
            }
            for r in self.results
            for f in r.firings
        ]

    def emails_by_kind(self) -> dict[str, int]:
        return dict(Counter(a.kind for r in self.results for a in r.published))

    @property
    def problems(self) -> dict[str, str]:
        """Every error by brand id: brands that failed, and alerts whose publish failed (sent next run)."""
        found = {r.brand_id: "; ".join(r.errors) for r in self.results if r.errors}
        return found | self.failed


def evaluate_all(
    brands: Iterable[Brand],
    at: datetime,
    store: MentionStore,
    ledger: AlertLedger,
    publisher: AlertPublisher,
    timing: Timing | None = None,
    baselines: BaselineCache[Baseline] | None = None,
    mutes: MuteStore | None = None,
) -> EvaluationRun:
    """Evaluate every brand; one brand failing is recorded in `failed` and never stops the others.

    Brands go in an order that changes with `at`, and the run stops when time runs short (before a
    brand, or before an alert's claim: `timing`): if a run cannot finish, the brands it leaves
    (`deferred`) are different each time, so none is starved, and the next run evaluates them.
    `baselines` is for callers that evaluate again within the hour (the backtest, every 5 minutes):
    each brand's baseline is then learnt once an hour (`domain.baseline_cache`); the same alerts.
    `published` counts emails: one per incident step, not one per rule.
    """
    timing = timing or Timing()
    results: list[EvaluationResult] = []
    failed: dict[str, str] = {}
    ordered = rotation(list(brands), at)
    for done, brand in enumerate(ordered):
        if timing.time_left() < BRAND_SPARE:
            return EvaluationRun(at, tuple(results), failed, tuple(b.id for b in ordered[done:]))
        try:
            result = evaluate_brand(brand, at, store, ledger, publisher, timing, baselines, mutes)
        except Exception as exc:  # the boundary of "one failing brand never stops the others"
            failed[brand.id] = f"{type(exc).__name__}: {exc}"
            continue
        results.append(result)
        if result.deferred:
            return EvaluationRun(at, tuple(results), failed, tuple(b.id for b in ordered[done:]))
    return EvaluationRun(at, tuple(results), failed)


def rotation(brands: list[Brand], at: datetime) -> list[Brand]:
    """The brands, sorted by id, from an offset drawn from the scheduled time: the same for a retry
    of a run, spread evenly over runs whatever the number of brands and the schedule."""
    ordered = sorted(brands, key=lambda b: b.id)
    if not ordered:
        return ordered
    start = int.from_bytes(hashlib.sha256(iso(at).encode()).digest()[:8], "big") % len(ordered)
    return ordered[start:] + ordered[:start]


def evaluate_brand(
    brand: Brand,
    at: datetime,
    store: MentionStore,
    ledger: AlertLedger,
    publisher: AlertPublisher,
    timing: Timing | None = None,
    baselines: BaselineCache[Baseline] | None = None,
    mutes: MuteStore | None = None,
) -> EvaluationResult:
    """Run the four rules for one brand at the scheduled time `at` (timezone-aware), each in its own
    error boundary; stop (deferred) when too little time is left to deliver another alert."""
    at = at.astimezone(UTC)
    span = history_span(at, brand.thresholds)
    snap = snapshot(store.hourly(brand.id, span.since, span.until), at, brand.thresholds, baselines)
    run = BrandRun(brand, at, store, ledger, publisher, snap, timing or Timing())
    run.mutes = mutes.active(brand.id, at) if mutes is not None else ()
    try:
        for name, rule in INDEX_RULES:
            guarded(run, name, lambda rule=rule: apply_decision(run, rule(brand, snap)))  # type: ignore[misc]
        guarded(run, INFLUENCER_NEGATIVE, lambda: apply_influencers(run))
        guarded(run, LOW_RATING_REVIEW, lambda: apply_low_ratings(run))
        guarded(run, UNANSWERED_COMPLAINT, lambda: apply_unanswered(run))
        guarded(run, RATING_DROP, lambda: apply_rating_drops(run))
        guarded(run, VIRAL_NEGATIVE, lambda: apply_viral(run))
        guarded(run, "incident", lambda: settle(run))
    except OutOfTime:
        return _result(run, deferred=True)
    return _result(run)


def _result(run: BrandRun, deferred: bool = False) -> EvaluationResult:
    return EvaluationResult(
        run.brand.id,
        run.at,
        run.snap.window_index,
        run.snap.change,
        tuple(run.published),
        run.suppressed,
        run.rearmed,
        tuple(run.errors),
        deferred,
        tuple(run.firings),
    )
