"""Use case: evaluate each brand's reputation at a scheduled time and announce every new crossing once.

Per brand: read the hourly aggregates, take a snapshot, run the index rules and the influencer rule;
what each rule's decision does to the alert ledger and the publisher is `services.alerting`.
One brand failing is recorded and never stops the others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from repmon.domain.brand import Brand
from repmon.domain.models import Alert
from repmon.domain.reputation import history_span, snapshot
from repmon.domain.rules import index_rules
from repmon.domain.timeutil import iso
from repmon.ports import AlertLedger, AlertPublisher, MentionStore
from repmon.services.alerting import (
    INFLUENCER_SCAN,
    BrandRun,
    alert_id,
    apply_decision,
    apply_influencers,
    influencer_key,
)

__all__ = [
    "INFLUENCER_SCAN",
    "EvaluationResult",
    "EvaluationRun",
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


@dataclass(frozen=True)
class EvaluationRun:
    """All brands of one scheduled run; `failed` maps a brand id to the error that stopped it."""

    at: datetime
    results: tuple[EvaluationResult, ...] = ()
    failed: dict[str, str] = field(default_factory=dict)
    #: Brands left for a later run because this one ran out of time (see `evaluate_all`).
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
    out_of_time: Callable[[], bool] = lambda: False,
) -> EvaluationRun:
    """Evaluate every brand; one brand failing is recorded in `failed` and never stops the others.

    Brands go in an order that changes with `at`, and the run stops when `out_of_time()` says so:
    if a run cannot finish, the brands it leaves (`deferred`) are different each time, so none is
    starved, and the next run, five minutes later, evaluates them.
    """
    results: list[EvaluationResult] = []
    failed: dict[str, str] = {}
    ordered = rotation(list(brands), at)
    for done, brand in enumerate(ordered):
        if out_of_time():
            return EvaluationRun(at, tuple(results), failed, tuple(b.id for b in ordered[done:]))
        try:
            results.append(evaluate_brand(brand, at, store, ledger, publisher))
        except Exception as exc:  # the boundary of "one failing brand never stops the others"
            failed[brand.id] = f"{type(exc).__name__}: {exc}"
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
    brand: Brand, at: datetime, store: MentionStore, ledger: AlertLedger, publisher: AlertPublisher
) -> EvaluationResult:
    """Run the four rules for one brand at the scheduled time `at` (timezone-aware)."""
    at = at.astimezone(UTC)
    span = history_span(at, brand.thresholds)
    snap = snapshot(store.hourly(brand.id, span.since, span.until), at, brand.thresholds)
    run = BrandRun(brand, at, store, ledger, publisher, snap)
    for decision in index_rules(brand, snap):
        apply_decision(run, decision)
    apply_influencers(run)
    return _result(run)


def _result(run: BrandRun) -> EvaluationResult:
    return EvaluationResult(
        run.brand.id,
        run.at,
        run.snap.window_index,
        run.snap.change,
        tuple(run.published),
        run.suppressed,
        run.rearmed,
        tuple(run.errors),
    )
