"""`repmon backtest`: replay historical mentions and print the alerts they would have raised.

Two paths through the same scoring, store semantics, evaluation and emails. The default, fast one
(`backtest_fast`, `replay`) runs the services on in-memory ports, brand by brand on every core. With
`--stack` (or `--export-dir`) the replay goes end to end on the local stack: DynamoMentionStore on a
moto server deployed from template.yaml, and the real evaluate_reputation handler fired by the
emulated scheduler. Both print each alert on stdout as a JSON line, in the same order, and the
summary and any invalid input lines on stderr. All input is checked (backtest_input) before either.
"""

from __future__ import annotations

import io
import json
import logging
import sys
import tempfile
from collections import Counter
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from repmon.adapters.clock import ManualClock
from repmon.adapters.dynamo_state import DynamoWatchlist
from repmon.adapters.dynamo_store import DynamoMentionStore
from repmon.adapters.watchlist_file import load_watchlist
from repmon.cli import backtest_fast as fast
from repmon.cli.backtest_events import Event, judge, read_events
from repmon.cli.backtest_input import (
    Replay,
    check_export_dir,
    create_export_dir,
    pseudonym_key,
    read_replay,
)
from repmon.cli.backtest_progress import ProgressBoard
from repmon.cli.backtest_report import Outcome, print_alert_counts, print_events, print_replay_line
from repmon.cli.backtest_spill import merged_all
from repmon.cli.backtest_sweep import Setting, parse_sweep
from repmon.cli.replay import line_order, steps
from repmon.cli.signals import sigterm_exits
from repmon.domain.brand import Brand
from repmon.domain.errors import InvalidConfig
from repmon.domain.models import Mention
from repmon.localstack.runtime import AlertInbox, LocalRuntime
from repmon.localstack.stack import LocalStack
from repmon.services.collect import mark, score_mention, store_scored


@dataclass(frozen=True)
class ExportOptions:
    """`--export-dir`, and how author ids and handles are written there."""

    directory: Path
    key_file: Path | None = None  # None: a new random key, so pseudonyms differ between runs
    raw_authors: bool = False


@dataclass(frozen=True)
class Options:
    """Everything `repmon backtest` was asked for; see `repmon backtest --help`."""

    brands_file: Path
    mentions: tuple[str, ...]
    step_minutes: int = 5
    export: ExportOptions | None = None
    stack: bool = False
    sweeps: tuple[str, ...] = ()
    events: Path | None = None
    fmt: str = "text"
    plot: Path | None = None
    workers: int | None = None


def run(options: Options, out: TextIO | None = None, err: TextIO | None = None) -> int:
    # Resolved per call: a default bound at import time would keep whatever stream was current then.
    out, err = out or sys.stdout, err or sys.stderr
    brands = _check_options(options)
    settings = parse_sweep(options.sweeps, brands)
    key = None
    if options.export is not None:
        check_export_dir(options.export.directory)
        key = None if options.export.raw_authors else pseudonym_key(options.export.key_file)
    events = read_events(options.events, {b.id for b in brands}, err) if options.events else None
    with tempfile.TemporaryDirectory(prefix="repmon-backtest-") as spill_dir:
        board = ProgressBoard(err, 0, 0)
        replay = read_replay(options.mentions, brands, err, Path(spill_dir), board.reading)
        if options.export is not None:  # last, once every input is known good
            create_export_dir(options.export.directory)
        if options.stack or options.export is not None:
            return _on_stack(options, brands, replay, events, key, out, err)
        return fast.run_fast(options, brands, settings, replay, events, out, err)


def _check_options(options: Options) -> list[Brand]:
    if options.step_minutes < 1:
        raise InvalidConfig(f"--step-minutes {options.step_minutes}: must be at least 1")
    on_stack = options.stack or options.export is not None
    if on_stack and (options.sweeps or options.plot):
        raise InvalidConfig("--sweep and --plot run on the fast path: leave out --stack and --export-dir")
    if options.fmt == "json" and not options.sweeps:
        raise InvalidConfig("--format json: only with --sweep (alerts are JSON lines already)")
    if options.plot is not None and options.sweeps:
        raise InvalidConfig("--plot draws one setting: leave out --sweep")
    if options.plot is not None and options.plot.suffix.lower() not in (".png", ".svg"):
        raise InvalidConfig(f"--plot {options.plot}: give a .png or .svg file name")
    if options.workers is not None and options.workers < 1:
        raise InvalidConfig(f"--workers {options.workers}: must be at least 1")
    return load_watchlist(options.brands_file)


def _on_stack(
    options: Options,
    brands: list[Brand],
    replay: Replay,
    events: list[Event] | None,
    key: bytes | None,
    out: TextIO,
    err: TextIO,
) -> int:
    """The end-to-end path: a moto server, the stack from template.yaml, the real handler."""
    logging.getLogger("moto").setLevel(logging.ERROR)
    # A child-process moto: a clean account every run, whatever else this process holds. `kill`
    # stops it (and removes the spill folder) as Ctrl-C does (cli.signals).
    with sigterm_exits(), LocalStack(parameters={"LogLevel": "WARNING"}, isolated=True) as stack:
        DynamoWatchlist(stack.outputs["TableName"], client=stack.client("dynamodb")).replace(brands)
        mentions = list(merged_all(replay.spill))  # the local stack is for small inputs
        by_id = {b.id: b for b in brands}
        # As the collector sees them: own posts and whether replies can be seen (unanswered_complaint).
        mentions = [(b, mark(by_id[b], m) if b in by_id else m) for b, m in mentions]
        result = _replay(stack, mentions, timedelta(minutes=options.step_minutes), out)
        _summary(err, replay, result, options.step_minutes)  # before the export: its failure must not hide it
        if events is not None:
            print_events(err, judge(result.lines, events))
        if options.export is not None:
            _export(stack, options.export, key, err)
    return 0


@dataclass
class _Result:
    stored: int = 0
    evaluations: int = 0
    lines: list[dict[str, Any]] = field(default_factory=list)
    emails: Counter[str] = field(default_factory=Counter)


def _replay(stack: LocalStack, mentions: list[tuple[str, Mention]], every: timedelta, out: TextIO) -> _Result:
    """Store what each step's window brought, fire the evaluator, print what subscribers got."""
    from repmon.adapters.vader_scorer import CxVaderScorer

    result, pending = _Result(), mentions
    clock = ManualClock(pending[0][1].created_at)
    store = DynamoMentionStore(stack.outputs["TableName"], clock, client=stack.client("dynamodb"))
    scorer, inbox, runtime = CxVaderScorer(), AlertInbox(stack), LocalRuntime(stack)
    for at in list(steps(pending[0][1].created_at, pending[-1][1].created_at, every)):
        clock.current = at
        due = [pair for pair in pending if pair[1].created_at < at]
        pending = pending[len(due) :]
        result.stored += store_scored(store, [score_mention(b, m, scorer, at) for b, m in due]).stored
        with redirect_stdout(io.StringIO()):  # the handler's EMF metric lines
            answer = runtime.run_schedule("evaluate_reputation", at)
        result.evaluations += 1
        # The handler says what fired (a firing folded into an open incident sends nothing)...
        firings = answer.get("firings", []) if isinstance(answer, dict) else []
        for line in sorted(firings, key=line_order):
            result.lines.append(line)
            print(json.dumps(line), file=out, flush=True)
        # ...and the topic what was sent
        result.emails.update(_kind(envelope) for envelope in inbox.receive())
    result.emails.update(_kind(envelope) for envelope in inbox.receive())  # deliveries that landed late
    return result


def _kind(envelope: dict[str, Any]) -> str:
    return str(envelope.get("MessageAttributes", {}).get("kind", {}).get("Value", "alert"))


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
    print_replay_line(err, replay, result.stored, result.evaluations, step_minutes)
    print_alert_counts(
        err, Outcome(Setting(), tuple(result.lines), len(result.lines), (), dict(result.emails))
    )
