"""Export for BI: the daily run (native PITR export + flat day partitions) and `export_days`.

A flat partition is always rebuilt from the whole day as stored (never appended to), so writing a
day twice gives the same file and a late mention reappears in its own day the next time that day
is written. A run rewrites every day that may have changed since the last successful run:

- the days the last run could not see whole (from its day to today),
- the days of mentions polled since then but created earlier (``late_lookback_days`` back),
- every day touched by a completed native (incremental) export not yet processed: this catches
  changes of any age, one run later.

The run state only advances when every partition was written; a failed run is redone whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from repmon.domain import flat
from repmon.domain.errors import RepmonError

IN_PROGRESS, COMPLETED, FAILED = "IN_PROGRESS", "COMPLETED", "FAILED"
FULL, INCREMENTAL = "FULL_EXPORT", "INCREMENTAL_EXPORT"


class ExportIncomplete(RepmonError):
    """Some partitions could not be written; the others were, and the next run redoes them all."""

    def __init__(self, result: ExportResult) -> None:
        super().__init__("; ".join(f"{part}: {error}" for part, error in sorted(result.failed.items())))
        self.failed = result.failed
        self.result = result


class ExportReader(Protocol):
    """Reads what the flat tables are built from."""

    def brand_ids(self) -> set[str]:
        """The brands of the watchlist."""
        ...

    def items_on(self, table: str, brand_id: str, day: date) -> Iterable[Mapping[str, Any]]:
        """Every stored item feeding `table` for a brand on a UTC day, in the partition's row order."""
        ...

    def late_days(self, brand_id: str, polled_since: datetime, created_since: datetime) -> set[date]:
        """Days of mentions created since `created_since` whose polled_at is at or after `polled_since`."""
        ...


@dataclass(frozen=True)
class PartitionStats:
    rows: int
    bytes: int


class PartitionSink(Protocol):
    def write(self, table: str, day: date, rows: Iterable[flat.Row]) -> PartitionStats:
        """Replace the (table, day) partition with exactly these rows; readers see old or new, never half."""
        ...


@dataclass(frozen=True)
class FlatRun:
    at: datetime
    brands: frozenset[str] = frozenset()


class ExportLedger(Protocol):
    def last_run(self) -> FlatRun | None: ...

    def save_run(self, run: FlatRun) -> None: ...


@dataclass(frozen=True)
class NativeExport:
    """One DynamoDB point-in-time export as recorded in the table (pk=EXPORT, sk=NATIVE#<to_time>)."""

    to_time: datetime
    export_type: str
    from_time: datetime | None = None
    export_arn: str = ""
    status: str = IN_PROGRESS
    s3_prefix: str = ""
    manifest: str = ""
    processed: bool = False
    failure: str = ""


class NativeExports(Protocol):
    def records(self) -> list[NativeExport]:
        """Every recorded export, oldest first."""
        ...

    def refresh(self, export: NativeExport) -> NativeExport:
        """Ask DynamoDB how the export stands, record and return it."""
        ...

    def start(self, request: NativeExport) -> NativeExport:
        """Start the requested export and record it."""
        ...

    def changed_items(self, export: NativeExport) -> Iterator[Mapping[str, Any]]:
        """The new images of the items a completed export holds."""
        ...

    def mark_processed(self, export: NativeExport) -> None: ...


@dataclass(frozen=True)
class ExportPolicy:
    pseudonymise: flat.Pseudonymise = flat.identity
    include_text: bool = True
    #: How far back a run looks for late mentions by polled_at (older ones come via native exports).
    late_lookback_days: int = 7
    #: Days written by the very first run (the full native export backfills the rest one run later).
    first_run_days: int = 7
    #: PITR's latest restorable time trails the clock by a few minutes: export up to `at - lag`.
    native_lag: timedelta = timedelta(minutes=15)


@dataclass
class ExportResult:
    days: list[date] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(flat.TABLES, 0))
    partitions: int = 0
    bytes: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    native_started: NativeExport | None = None
    native_processed: list[NativeExport] = field(default_factory=list)


def _row(table: str, item: Mapping[str, Any], policy: ExportPolicy) -> flat.Row:
    if table == "mentions":
        return flat.mention_row(item, policy.pseudonymise, policy.include_text)
    return flat.hourly_row(item) if table == "brand_hourly" else flat.alert_row(item)


def _rows(
    reader: ExportReader, table: str, brands: Sequence[str], day: date, policy: ExportPolicy
) -> Iterator[flat.Row]:
    for brand in brands:
        for item in reader.items_on(table, brand, day):
            yield _row(table, item, policy)


def export_days(
    reader: ExportReader,
    sink: PartitionSink,
    brands: Iterable[str],
    days: Iterable[date],
    policy: ExportPolicy,
) -> ExportResult:
    """Rewrite the partitions of these days in full, for all three tables; one failure spares the rest."""
    result = ExportResult(days=sorted(set(days)))
    ordered = sorted(set(brands))
    for day in result.days:
        for table in flat.TABLES:
            try:
                stats = sink.write(table, day, _rows(reader, table, ordered, day, policy))
            except Exception as exc:
                result.failed[f"{table}/dt={day.isoformat()}"] = f"{type(exc).__name__}: {exc}"
                continue
            result.rows[table] += stats.rows
            result.partitions += 1
            result.bytes += stats.bytes
    return result


def plan_native(records: Sequence[NativeExport], at: datetime, lag: timedelta) -> NativeExport | None:
    """The next export to start: incremental from the last completed one, full the first time.

    None while one is still running, or when the window would be under DynamoDB's 15-minute minimum.
    Incremental windows are capped at DynamoDB's 24 hours; missed days are caught up one per run.
    """
    if any(r.status == IN_PROGRESS for r in records):
        return None
    until = at - lag
    completed = [r for r in records if r.status == COMPLETED]
    if not completed:
        return NativeExport(to_time=until, export_type=FULL)
    since = max(r.to_time for r in completed)
    until = min(until, since + timedelta(hours=24))
    if until - since < timedelta(minutes=15):
        return None
    return NativeExport(to_time=until, export_type=INCREMENTAL, from_time=since)


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
