"""The backtest's fast path: one brand's mentions replayed through the services on in-memory ports.

The same code as production, step by step on the evaluator's schedule: `score_mention` (CxVaderScorer
and influence), the store's semantics (`adapters.memory`, as DynamoDB keeps them), `evaluate_all`
(snapshot, rules, the alert ledger's claim and lease, the publisher) and the email subject; no moto,
no HTTP, no subprocess. Brands are independent, so each is one task (a worker process may take it).
Several settings of one brand (a sweep) share one scoring pass: each has its own store and ledger.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from repmon.adapters.clock import ManualClock
from repmon.adapters.dynamo_state import CLAIM_LEASE  # the deployed ledger's lease, to the second
from repmon.adapters.memory import MemoryAlertLedger, MemoryAlertPublisher, MemoryMentionStore
from repmon.cli.backtest_spill import Spill, merged
from repmon.domain.baseline_cache import BaselineCache
from repmon.domain.brand import Brand
from repmon.domain.models import Mention
from repmon.domain.reputation import HOUR, Baseline
from repmon.domain.timeutil import floor_hour, iso
from repmon.ports import SentimentScorer
from repmon.services.collect import mark, score_mention, store_scored
from repmon.services.evaluate import EvaluationRun, evaluate_all

#: Progress is reported once per simulated day of a brand, and at least every twentieth of its run.
_REPORT_EVERY = timedelta(days=1)
_REPORTS = 20

#: (steps done, mentions replayed, alerts published) since the last report.
Progress = Callable[[int, int, int], None]


def steps(first: datetime, last: datetime, every: timedelta) -> Iterator[datetime]:
    """Evaluator times from the first step after `first` to one step past `last`, on the schedule grid."""
    epoch = datetime(2000, 1, 1, tzinfo=first.tzinfo)
    at = epoch + ((first - epoch) // every + 1) * every
    while at <= last + every:
        yield at
        at += every


def step_count(first: datetime, last: datetime, every: timedelta) -> int:
    epoch = datetime(2000, 1, 1, tzinfo=first.tzinfo)
    start = epoch + ((first - epoch) // every + 1) * every
    return max(0, (last + every - start) // every + 1)


def line_order(line: dict[str, Any]) -> tuple[str, str, str, str]:
    return (line["time"], line["brand"], line["rule"], line["subject"])


@dataclass(frozen=True)
class BrandTask:
    """One brand to replay: one Brand (JSON) per setting, its mentions in `spill`, the schedule."""

    brand_id: str
    settings: tuple[str, ...]
    spill: Spill
    first: datetime
    last: datetime
    every: timedelta
    series: bool = False


@dataclass
class SettingResult:
    """What one setting of the brand did: a line per rule firing, the rule keys announced (one per
    index-rule crossing, one per influencer mention), the emails sent by kind, any errors."""

    alerts: list[dict[str, Any]] = field(default_factory=list)
    announced: int = 0
    emails: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


@dataclass
class BrandOutcome:
    brand_id: str
    mentions: int = 0
    stored: int = 0
    settings: list[SettingResult] = field(default_factory=list)
    #: Per hour (ISO): the last evaluation's window and baseline index, and the hour's mentions.
    series: list[tuple[str, float | None, float | None, int]] = field(default_factory=list)
    score_seconds: float = 0.0
    seconds: float = 0.0


class _Setting:
    """One setting of the brand: its own store, ledger and publisher on the replay's clock."""

    def __init__(self, brand: Brand, clock: ManualClock) -> None:
        self.brand, self.clock = brand, clock
        self.store = MemoryMentionStore()
        self.ledger = MemoryAlertLedger(clock, CLAIM_LEASE)
        self.publisher = MemoryAlertPublisher()
        self.result = SettingResult()
        # Evaluated every few minutes, the brand's baseline is learnt once an hour (the same alerts).
        self.baselines: BaselineCache[Baseline] = BaselineCache()
        # The store answers for the window and the last hour only: older mentions can go.
        self.keep = (brand.thresholds.window_hours + 2) * HOUR

    def evaluate(self, at: datetime) -> EvaluationRun:
        run = evaluate_all(
            [self.brand], at, self.store, self.ledger, self.publisher, baselines=self.baselines
        )
        for brand_id, problem in run.problems.items():
            self.result.errors.append(f"{iso(at)} {brand_id}: {problem}")
        return run


_scorer: SentimentScorer | None = None


def scorer() -> SentimentScorer:
    """One CxVaderScorer per process: its lexicon loads once."""
    global _scorer
    if _scorer is None:
        from repmon.adapters.vader_scorer import CxVaderScorer

        _scorer = CxVaderScorer()
    return _scorer


def replay_brand(task: BrandTask, progress: Progress | None = None) -> BrandOutcome:
    """Replay the brand's mentions at every step of the schedule, for every setting."""
    started, clock = time.perf_counter(), ManualClock(task.first)
    settings = [_Setting(Brand.model_validate_json(raw), clock) for raw in task.settings]
    outcome = BrandOutcome(task.brand_id)
    hours: dict[datetime, tuple[float | None, float | None]] = {}
    stream = merged(task.spill, task.brand_id)
    pending: Mention | None = next(stream, None)
    report_every = min(_REPORT_EVERY, max(task.every, (task.last - task.first) / _REPORTS))
    next_report, counts = task.first + report_every, [0, 0, 0]
    for at in steps(task.first, task.last, task.every):
        clock.current = at
        due: list[Mention] = []
        while pending is not None and pending.created_at < at:
            due.append(pending)
            pending = next(stream, None)
        t0 = time.perf_counter()
        scored = [score_mention(task.brand_id, mark(settings[0].brand, m), scorer(), at) for m in due]
        outcome.score_seconds += time.perf_counter() - t0
        outcome.mentions += len(due)
        for number, setting in enumerate(settings):
            saved = store_scored(setting.store, scored)
            run = setting.evaluate(at)
            counts[2] += _collect(setting, run)
            if number == 0:
                outcome.stored += saved.stored
                if task.series and run.results:
                    hours[floor_hour(at - timedelta(microseconds=1))] = _indexes(run)
            if at.minute == 0:
                setting.store.forget_before(task.brand_id, at - setting.keep)
        counts[0], counts[1] = counts[0] + 1, counts[1] + len(due)
        if progress is not None and at >= next_report:
            progress(*counts)
            next_report, counts = next_report + report_every, [0, 0, 0]
    if progress is not None:
        progress(*counts)
    outcome.settings = [s.result for s in settings]
    if task.series:
        outcome.series = _series(task.brand_id, hours, settings[0].store)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _collect(setting: _Setting, run: EvaluationRun) -> int:
    setting.result.alerts += sorted(run.firing_lines(), key=line_order)
    setting.result.announced = setting.ledger.keys_sent
    emails = run.emails_by_kind()
    setting.result.emails.update(emails)
    return sum(emails.values())


def _indexes(run: EvaluationRun) -> tuple[float | None, float | None]:
    result = run.results[0]
    baseline = None if result.index is None or result.change is None else result.index - result.change
    return result.index, baseline


def _series(
    brand_id: str, hours: dict[datetime, tuple[float | None, float | None]], store: MemoryMentionStore
) -> list[tuple[str, float | None, float | None, int]]:
    rows = []
    for hour in sorted(hours):
        aggregate = store.aggregates.get((brand_id, hour))
        window, baseline = hours[hour]
        rows.append((iso(hour), window, baseline, aggregate.mentions if aggregate else 0))
    return rows
