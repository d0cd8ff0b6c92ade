"""`repmon backtest`: replay historical mentions through the product on the local stack.

The same scoring (score_mention), storage (DynamoMentionStore) and evaluation (the real
evaluate_reputation handler, fired by the emulated scheduler) as production, on a simulated clock
that steps through the evaluator's schedule. Alerts go to stdout as JSON lines, the summary and
any invalid input lines to stderr.
"""

from __future__ import annotations

import io
import json
import logging
import sys
from collections import Counter
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from repmon.adapters.clock import ManualClock
from repmon.adapters.dynamo_items import iso
from repmon.adapters.dynamo_state import DynamoWatchlist
from repmon.adapters.dynamo_store import DynamoMentionStore
from repmon.adapters.watchlist_file import load_watchlist
from repmon.domain.brand import Brand
from repmon.domain.errors import InvalidConfig
from repmon.domain.models import Mention
from repmon.localstack.runtime import AlertInbox, LocalRuntime
from repmon.localstack.stack import LocalStack
from repmon.runtime.mention_lines import LineError, MentionRecord, read_mention_lines
from repmon.services.collect import score_mention

#: The longest period one backtest replays (a year and a bit: month-on-month comparisons fit).
MAX_SPAN = timedelta(days=400)


@dataclass
class Replay:
    """The valid mentions by brand, sorted by time, and what was wrong with the rest."""

    mentions: list[tuple[str, Mention]] = field(default_factory=list)
    invalid: int = 0
    lines: int = 0


def read_replay(path: Path, brands: list[Brand], err: TextIO) -> Replay:
    known = {b.id for b in brands}
    replay = Replay()
    try:
        with path.open(encoding="utf-8", errors="replace") as lines:
            # A byte that is not UTF-8 becomes U+FFFD in its own line: that line is kept or
            # rejected on its merits, and never stops the replay.
            for result in read_mention_lines(lines):
                replay.lines += 1
                problem = _problem(result, known)
                if problem:
                    replay.invalid += 1
                    print(f"{path}:{problem}", file=err)
                elif isinstance(result, MentionRecord):
                    replay.mentions.append((result.brand_id, result.mention))
    except OSError as exc:
        raise InvalidConfig(f"{path}: cannot read: {exc}") from None
    replay.mentions.sort(key=lambda pair: pair[1].created_at)
    _check_span(path, replay)
    return replay


def _check_span(path: Path, replay: Replay) -> None:
    """Refuse a replay so long it would never finish, most often one mistyped date."""
    if not replay.mentions:
        return
    first, last = replay.mentions[0][1].created_at, replay.mentions[-1][1].created_at
    if last - first > MAX_SPAN:
        raise InvalidConfig(
            f"{path}: mentions run from {iso(first)} to {iso(last)}, more than {MAX_SPAN.days} days; "
            "check for a mistyped date, or replay one period at a time"
        )


def _problem(result: MentionRecord | LineError, known: set[str]) -> str | None:
    if isinstance(result, LineError):
        return f"{result.line}: skipped: {result.message}"
    if result.brand_id not in known:
        return f"{result.line}: skipped: brand {result.brand_id!r} is not in the watchlist"
    return None


def steps(first: datetime, last: datetime, every: timedelta) -> list[datetime]:
    """Evaluator times from the first step after `first` to one step past `last`, on the schedule grid."""
    epoch = datetime(2000, 1, 1, tzinfo=first.tzinfo)
    at = epoch + ((first - epoch) // every + 1) * every
    times = []
    while at <= last + every:
        times.append(at)
        at += every
    return times


def run(
    brands_file: Path,
    mentions_file: Path,
    export_dir: Path | None,
    step_minutes: int,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    # Resolved per call: a default bound at import time would keep whatever stream was current then.
    out, err = out or sys.stdout, err or sys.stderr
    if step_minutes < 1:
        raise InvalidConfig("--step-minutes must be at least 1")
    brands = load_watchlist(brands_file)
    replay = read_replay(mentions_file, brands, err)
    logging.getLogger("moto").setLevel(logging.ERROR)
    # A child-process moto: a clean account every run, whatever else this process holds.
    with LocalStack(parameters={"LogLevel": "WARNING"}, isolated=True) as stack:
        DynamoWatchlist(stack.outputs["TableName"], client=stack.client("dynamodb")).replace(brands)
        result = _replay(stack, replay, timedelta(minutes=step_minutes), out)
        if export_dir is not None:
            _export(stack, export_dir, err)
    _summary(err, replay, result, step_minutes)
    return 0


@dataclass
class _Result:
    stored: int = 0
    evaluations: int = 0
    alerts: Counter[tuple[str, str]] = field(default_factory=Counter)


def _replay(stack: LocalStack, replay: Replay, every: timedelta, out: TextIO) -> _Result:
    """Store what each step's window brought, fire the evaluator, print what subscribers got."""
    from repmon.adapters.vader_scorer import CxVaderScorer

    result, pending = _Result(), list(replay.mentions)
    if not pending:
        return result
    clock = ManualClock(pending[0][1].created_at)
    store = DynamoMentionStore(stack.outputs["TableName"], clock, client=stack.client("dynamodb"))
    scorer, inbox, runtime = CxVaderScorer(), AlertInbox(stack), LocalRuntime(stack)
    for at in steps(pending[0][1].created_at, pending[-1][1].created_at, every):
        clock.current = at
        due = [pair for pair in pending if pair[1].created_at < at]
        pending = pending[len(due) :]
        result.stored += store.save([score_mention(b, m, scorer, at) for b, m in due]).stored
        with redirect_stdout(io.StringIO()):  # the handler's EMF metric lines
            runtime.run_schedule("evaluate_reputation", at)
        result.evaluations += 1
        _print_alerts(inbox, result, out)
    _print_alerts(inbox, result, out)  # deliveries that landed after the last step
    return result


def _print_alerts(inbox: AlertInbox, result: _Result, out: TextIO) -> None:
    for envelope in inbox.receive():
        line = _alert_line(envelope)
        result.alerts[(line["brand"], line["rule"])] += 1
        print(json.dumps(line), file=out, flush=True)


def _alert_line(envelope: dict[str, Any]) -> dict[str, Any]:
    """The public line: the evaluation time the alert fired at, whatever step delivered it."""
    attributes = {k: v["Value"] for k, v in envelope.get("MessageAttributes", {}).items()}
    return {
        "time": json.loads(envelope["Message"])["fired_at"],
        "brand": attributes.get("brand"),
        "rule": attributes.get("rule"),
        "severity": attributes.get("severity"),
        "subject": envelope.get("Subject"),
    }


def _export(stack: LocalStack, export_dir: Path, err: TextIO) -> None:
    from repmon.runtime.export_wiring import export_to_directory

    rows = export_to_directory(stack.outputs["TableName"], stack.client("dynamodb"), export_dir)
    print(f"flat export written to {export_dir} ({rows} rows)", file=err)


def _summary(err: TextIO, replay: Replay, result: _Result, step_minutes: int) -> None:
    valid = len(replay.mentions)
    span = (
        f"{iso(replay.mentions[0][1].created_at)} .. {iso(replay.mentions[-1][1].created_at)}"
        if valid
        else "no valid mentions"
    )
    print(
        f"backtest: {replay.lines} lines, {valid} valid, {replay.invalid} skipped; {result.stored} stored "
        f"({valid - result.stored} duplicates); {span}; {result.evaluations} evaluations every "
        f"{step_minutes} min",
        file=err,
    )
    for (brand, rule), count in sorted(result.alerts.items()):
        print(f"  {brand:<20} {rule:<22} {count} alert(s)", file=err)
    print(f"  total alerts: {sum(result.alerts.values())}", file=err)
