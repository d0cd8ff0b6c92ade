"""The export's ports: what the BI export use cases need from storage and from S3.

Beside `repmon.ports` (the pipeline's ports); adapters implement these, tests fake them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from repmon.domain import flat

IN_PROGRESS, COMPLETED, FAILED = "IN_PROGRESS", "COMPLETED", "FAILED"
FULL, INCREMENTAL = "FULL_EXPORT", "INCREMENTAL_EXPORT"


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
