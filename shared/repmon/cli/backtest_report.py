"""What a backtest tells the user: the summary of one replay, or one row per setting of a sweep.

"Alerts" are the rules' firings (one line each: an index-rule crossing, or a run's new influencer
mentions), folded into the brand's incidents; "emails" are the messages the alert topic would have
carried: one per incident step, counted by kind (alert: opened, update: worse or reminder,
resolved). With `--events`, each known event is caught (latency of its first alert) or missed, and
alerts outside every event are counted as likely false alarms.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from repmon.cli.backtest_events import Event, Verdict, duration, judge
from repmon.cli.backtest_input import Replay
from repmon.cli.backtest_sweep import Setting
from repmon.domain.timeutil import iso


@dataclass(frozen=True)
class Outcome:
    """One setting over every brand: its firing lines (sorted), the rule keys it announced, and the
    emails sent by kind."""

    setting: Setting
    lines: tuple[dict[str, Any], ...]
    announced: int
    errors: tuple[str, ...] = ()
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def emails(self) -> int:
        return sum(self.by_kind.values())


def print_alert_counts(err: TextIO, outcome: Outcome) -> None:
    by_rule = Counter((line["brand"], line["rule"]) for line in outcome.lines)
    for (brand, rule), count in sorted(by_rule.items()):
        print(f"  {brand:<20} {rule:<22} {count} alert(s)", file=err)
    incidents = len({line["incident_id"] for line in outcome.lines if line.get("incident_id")})
    kinds = ", ".join(f"{outcome.by_kind.get(k, 0)} {k}" for k in ("alert", "update", "resolved"))
    print(f"  total alerts: {len(outcome.lines)}, in {incidents} incident(s)", file=err)
    print(f"  emails that would have been sent: {outcome.emails} ({kinds})", file=err)
    for problem in outcome.errors[:10]:
        print(f"  evaluation error: {problem}", file=err)


def print_events(err: TextIO, verdict: Verdict) -> None:
    total = len(verdict.detections)
    median = duration(verdict.median_latency) if verdict.caught else "-"
    print(f"  known events: {verdict.caught} of {total} caught, median latency {median}", file=err)
    for d in verdict.detections:
        found = "missed" if d.latency is None else f"first alert after {duration(d.latency)}"
        start = d.event.start.isoformat().replace("+00:00", "Z")
        print(f"    {d.event.brand:<20} {start}  {d.event.label}: {found}", file=err)
    print(f"  likely false alarms (outside every known event): {len(verdict.false_alarms)}", file=err)
    for line in verdict.false_alarms:
        print(f"    {line['time']}  {line['brand']:<20} {line['rule']}", file=err)


def sweep_rows(outcomes: Sequence[Outcome], events: Sequence[Event] | None) -> list[dict[str, Any]]:
    rows = []
    for outcome in outcomes:
        row: dict[str, Any] = {
            "setting": {name: _number(value) for name, value in outcome.setting.overrides},
            "alerts": outcome.announced,
            "emails": outcome.emails,
        }
        if events is not None:
            verdict = judge(outcome.lines, events)
            latency = verdict.median_latency
            row |= {"events": len(events), "caught": verdict.caught}
            row["median_latency_minutes"] = None if latency is None else round(latency.total_seconds() / 60)
            row["false_alarms"] = len(verdict.false_alarms)
        if outcome.errors:
            row["errors"] = len(outcome.errors)
        rows.append(row)
    return rows


def print_sweep(out: TextIO, outcomes: Sequence[Outcome], events: Sequence[Event] | None, fmt: str) -> None:
    rows = sweep_rows(outcomes, events)
    if fmt == "json":
        for row in rows:
            print(json.dumps(row), file=out)
        return
    names = [name for name, _ in outcomes[0].setting.overrides]
    header = [*names, "alerts", "emails", "caught", "median latency", "false alarms"]
    table = [header]
    for row, outcome in zip(rows, outcomes, strict=True):
        caught = f"{row['caught']}/{row['events']}" if events is not None else "-"
        latency = row.get("median_latency_minutes")
        table.append(
            [
                *(value for _, value in outcome.setting.overrides),
                str(row["alerts"]),
                str(row["emails"]),
                caught,
                "-" if latency is None else duration_minutes(latency),
                "-" if events is None else str(row["false_alarms"]),
            ]
        )
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for r in table:
        print("  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=True)).rstrip(), file=out)


def _number(value: str) -> float | int | str:
    """A swept value as JSON's number (it passed the thresholds' validation, so it is one)."""
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." not in value else number


def duration_minutes(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}" if minutes >= 60 else f"{minutes} min"


def print_replay_line(err: TextIO, replay: Replay, stored: int, evaluations: int, step_minutes: int) -> None:
    spill = replay.spill
    assert spill.first is not None and spill.last is not None
    print(
        f"backtest: {replay.lines} lines, {replay.valid} valid, {replay.invalid} skipped; {stored} stored "
        f"({replay.valid - stored} duplicates); {iso(spill.first)} .. {iso(spill.last)}; {evaluations} "
        f"evaluations every {step_minutes} min",
        file=err,
    )
