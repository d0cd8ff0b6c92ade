"""Export for BI: the daily run (native PITR export + flat day partitions).

Flat partitions are rewritten whole by `export_days` (services.export_days), native exports planned
by `plan_native` (services.export_native). A run rewrites every day that may have changed since the
last successful run:

- the days the last run could not see whole (from its day to today),
- the days of mentions polled since then but created earlier (``late_lookback_days`` back),
- every day touched by a completed native (incremental) export not yet processed: this catches
  changes of any age, one run later.

The run state only advances when every partition was written; a failed run is redone whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from repmon.domain import flat
from repmon.domain.errors import RepmonError
from repmon.export_ports import (
    COMPLETED,
    FAILED,
    FULL,
    IN_PROGRESS,
    INCREMENTAL,
    ExportLedger,
    ExportReader,
    FlatRun,
    NativeExport,
    NativeExports,
    PartitionSink,
    PartitionStats,
)
from repmon.services.export_days import ExportPolicy, ExportResult, export_days
from repmon.services.export_native import plan_native

__all__ = [
    "COMPLETED",
    "FAILED",
    "FULL",
    "INCREMENTAL",
    "IN_PROGRESS",
    "ExportIncomplete",
    "ExportLedger",
    "ExportPolicy",
    "ExportReader",
    "ExportResult",
    "FlatRun",
    "NativeExport",
    "NativeExports",
    "PartitionSink",
    "PartitionStats",
    "export_days",
    "plan_native",
    "run_export",
]


class ExportIncomplete(RepmonError):
    """Some partitions could not be written; the others were, and the next run redoes them all."""

    def __init__(self, result: ExportResult) -> None:
        super().__init__("; ".join(f"{part}: {error}" for part, error in sorted(result.failed.items())))
        self.failed = result.failed
        self.result = result


def _days_between(first: date, last: date) -> set[date]:
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


def _touched(native: NativeExports, ready: Sequence[NativeExport]) -> tuple[set[date], set[str]]:
    days: set[date] = set()
    brands: set[str] = set()
    for export in ready:
        for item in native.changed_items(export):
            where = flat.day_of(item)
            if where is not None:
                brands.add(where[1])
                days.add(where[2])
    return days, brands


def _days_to_write(
    reader: ExportReader, brands: set[str], last: FlatRun | None, at: datetime, policy: ExportPolicy
) -> set[date]:
    if last is None:
        return _days_between(at.date() - timedelta(days=policy.first_run_days - 1), at.date())
    days = _days_between(last.at.date(), at.date())
    created_since = at - timedelta(days=policy.late_lookback_days)
    for brand in sorted(brands):
        days |= reader.late_days(brand, last.at, created_since)
    return days


def run_export(
    reader: ExportReader,
    sink: PartitionSink,
    ledger: ExportLedger,
    native: NativeExports | None,
    at: datetime,
    policy: ExportPolicy,
) -> ExportResult:
    """The daily run: settle native exports, start the next one, rewrite every day that may have changed."""
    records = native.records() if native else []
    records = [native.refresh(r) if native and r.status == IN_PROGRESS else r for r in records]
    ready = [r for r in records if r.status == COMPLETED and not r.processed]
    native_days, native_brands = _touched(native, ready) if native else (set(), set())
    request = plan_native(records, at, policy.native_lag) if native else None
    started = native.start(request) if native and request else None
    last = ledger.last_run()
    brands = reader.brand_ids() | native_brands | (last.brands if last else frozenset())
    days = _days_to_write(reader, brands, last, at, policy) | native_days
    result = export_days(reader, sink, brands, days, policy)
    result.native_started = started
    if result.failed:
        raise ExportIncomplete(result)
    for export in ready:
        native.mark_processed(export)  # type: ignore[union-attr]  # ready is empty without native
    ledger.save_run(FlatRun(at=at, brands=frozenset(brands)))
    result.native_processed = ready
    return result
