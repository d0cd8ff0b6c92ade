"""Time as repmon writes it everywhere: UTC, ISO 8601 with a Z, to the second; hours as buckets."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(value: datetime) -> str:
    """`2026-11-01T12:00:00Z`: the form of every timestamp in items, exports, emails and JSON."""
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def floor_hour(value: datetime) -> datetime:
    """The start of the UTC hour holding `value`: the aggregates' bucket."""
    return value.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
