"""`repmon backtest`: replay historical mentions through the product on the local stack.

The same scoring (score_mention), storage (DynamoMentionStore) and evaluation (the real
evaluate_reputation handler, fired by the emulated scheduler) as production, on a simulated clock
that steps through the evaluator's schedule. Alerts go to stdout as JSON lines, the summary and
any invalid input lines to stderr. All input is checked (backtest_input) before the stack starts.
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
from repmon.cli.backtest_input import Replay, prepare_export_dir, pseudonym_key, read_replay
from repmon.domain.errors import InvalidConfig
from repmon.localstack.runtime import AlertInbox, LocalRuntime
from repmon.localstack.stack import LocalStack
from repmon.services.collect import score_mention


def steps(first: datetime, last: datetime, every: timedelta) -> list[datetime]:
    """Evaluator times from the first step after `first` to one step past `last`, on the schedule grid."""
    epoch = datetime(2000, 1, 1, tzinfo=first.tzinfo)
    at = epoch + ((first - epoch) // every + 1) * every
    times = []
    while at <= last + every:
        times.append(at)
        at += every
    return times


@dataclass(frozen=True)
class ExportOptions:
    """`--export-dir`, and how author ids and handles are written there."""

    directory: Path
    key_file: Path | None = None  # None: a new random key, so pseudonyms differ between runs
    raw_authors: bool = False


def run(
    brands_file: Path,
    mentions_file: Path,
    export: ExportOptions | None,
    step_minutes: int,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    # Resolved per call: a default bound at import time would keep whatever stream was current then.
    out, err = out or sys.stdout, err or sys.stderr
    if step_minutes < 1:
        raise InvalidConfig(f"--step-minutes {step_minutes}: must be at least 1")
    brands = load_watchlist(brands_file)
    replay = read_replay(mentions_file, brands, err)
    key = None
    if export is not None:
        prepare_export_dir(export.directory)
        key = None if export.raw_authors else pseudonym_key(export.key_file)
    logging.getLogger("moto").setLevel(logging.ERROR)
    # A child-process moto: a clean account every run, whatever else this process holds.
    with LocalStack(parameters={"LogLevel": "WARNING"}, isolated=True) as stack:
        DynamoWatchlist(stack.outputs["TableName"], client=stack.client("dynamodb")).replace(brands)
        result = _replay(stack, replay, timedelta(minutes=step_minutes), out)
        _summary(err, replay, result, step_minutes)  # before the export: its failure must not hide it
        if export is not None:
            _export(stack, export, key, err)
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


def _export(stack: LocalStack, export: ExportOptions, key: bytes | None, err: TextIO) -> None:
    from repmon.runtime.export_wiring import export_to_directory

    table = stack.outputs["TableName"]
    try:
        rows = export_to_directory(table, stack.client("dynamodb"), export.directory, pseudonym_key=key)
    except OSError as exc:
        raise InvalidConfig(f"--export-dir {export.directory}: {exc.strerror or exc}") from None
    if key is None:
        authors = "raw author ids and handles"
    elif export.key_file is None:
        authors = "authors pseudonymised with a new random key"
    else:
        authors = f"authors pseudonymised with the key in {export.key_file}"
    print(f"flat export written to {export.directory} ({rows} rows; {authors})", file=err)


def _summary(err: TextIO, replay: Replay, result: _Result, step_minutes: int) -> None:
    valid = len(replay.mentions)
    span = f"{iso(replay.mentions[0][1].created_at)} .. {iso(replay.mentions[-1][1].created_at)}"
    print(
        f"backtest: {replay.lines} lines, {valid} valid, {replay.invalid} skipped; {result.stored} stored "
        f"({valid - result.stored} duplicates); {span}; {result.evaluations} evaluations every "
        f"{step_minutes} min",
        file=err,
    )
    for (brand, rule), count in sorted(result.alerts.items()):
        print(f"  {brand:<20} {rule:<22} {count} alert(s)", file=err)
    print(f"  total alerts: {sum(result.alerts.values())}", file=err)
