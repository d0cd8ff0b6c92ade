"""Known events for a backtest (`--events FILE`): when each alert should have come, and how fast it did.

One JSON object per line, `{"brand": "acme", "start": "2026-10-02T03:00:00Z", "label": "outage"}`,
with an optional `end` (default: `start` + EVENT_HOURS). An alert of the brand in [start, end) catches
the event; its latency is the first such alert's time minus `start`. An alert outside every event of
its brand is a likely false alarm. Bad lines, and brands not in the watchlist, are reported and skipped.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from repmon.adapters.validation_messages import each_in_words
from repmon.domain.errors import InvalidConfig
from repmon.domain.timeutil import parse_iso

#: How long after its start an event is still "the" event, when its line gives no end.
EVENT_HOURS = 24


class _EventLine(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    brand: str = Field(min_length=1)
    start: AwareDatetime
    end: AwareDatetime | None = None
    label: str = ""


@dataclass(frozen=True)
class Event:
    brand: str
    start: datetime
    end: datetime
    label: str


def read_events(path: Path, known: set[str], err: TextIO) -> list[Event]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InvalidConfig(f"--events {path}: cannot read: {exc.strerror or exc}") from None
    events = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = _EventLine.model_validate(json.loads(raw))
        except (ValueError, RecursionError) as exc:
            print(f"{path}:{number}: skipped: {_message(exc)}", file=err)
            continue
        if line.brand not in known:
            print(f"{path}:{number}: skipped: brand {line.brand!r} is not in the watchlist", file=err)
            continue
        end = line.end or line.start + timedelta(hours=EVENT_HOURS)
        events.append(Event(line.brand, line.start, end, line.label or f"{line.brand} event {number}"))
    return events


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return each_in_words(exc, mapping="a JSON object ({...})")
    return f"not JSON: {getattr(exc, 'msg', exc)}"


@dataclass(frozen=True)
class Detection:
    event: Event
    latency: timedelta | None  # None: missed


@dataclass(frozen=True)
class Verdict:
    detections: tuple[Detection, ...]
    false_alarms: tuple[dict[str, Any], ...]

    @property
    def caught(self) -> int:
        return sum(d.latency is not None for d in self.detections)

    @property
    def median_latency(self) -> timedelta | None:
        found = [d.latency.total_seconds() for d in self.detections if d.latency is not None]
        return timedelta(seconds=statistics.median(found)) if found else None


def judge(alerts: Iterable[dict[str, Any]], events: Sequence[Event]) -> Verdict:
    """Each event's first alert (or a miss), and the alerts outside every event."""
    timed = sorted(((parse_iso(a["time"]), a) for a in alerts), key=lambda pair: pair[0])
    detections = []
    for event in events:
        first = next(
            (t for t, a in timed if a["brand"] == event.brand and event.start <= t < event.end), None
        )
        detections.append(Detection(event, None if first is None else first - event.start))
    outside = tuple(
        a for t, a in timed if not any(e.brand == a["brand"] and e.start <= t < e.end for e in events)
    )
    return Verdict(tuple(detections), outside)


def duration(value: timedelta | None) -> str:
    if value is None:
        return "missed"
    minutes = int(value.total_seconds() // 60)
    return f"{minutes // 60}h{minutes % 60:02d}" if minutes >= 60 else f"{minutes} min"
