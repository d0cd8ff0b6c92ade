"""Export for BI, the flat half: rewrite whole (table, day) partitions from what is stored.

A flat partition is always rebuilt from the whole day as stored (never appended to), so writing a
day twice gives the same file and a late mention reappears in its own day the next time that day
is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from repmon.domain import flat
from repmon.export_ports import ExportReader, NativeExport, PartitionSink


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
