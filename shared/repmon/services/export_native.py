"""Export for BI, the native half: DynamoDB point-in-time exports, as recorded, and which to start next."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

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
