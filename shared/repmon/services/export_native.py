"""Export for BI, the native half: DynamoDB point-in-time exports, as recorded, and which to start next."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from repmon.export_ports import COMPLETED, FULL, IN_PROGRESS, INCREMENTAL, NativeExport


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
