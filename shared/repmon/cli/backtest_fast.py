"""The default backtest: the replay on in-memory ports (replay.py), every brand and setting, then the
alerts, the summary or the sweep table, and the plot."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, TextIO

from repmon.cli.backtest_events import Event, judge
from repmon.cli.backtest_input import Replay
from repmon.cli.backtest_parallel import default_workers, replay_all
from repmon.cli.backtest_progress import ProgressBoard
from repmon.cli.backtest_report import (
    Outcome,
    print_alert_counts,
    print_events,
    print_replay_line,
    print_sweep,
)
from repmon.cli.backtest_sweep import Setting
from repmon.cli.replay import BrandOutcome, BrandTask, line_order, step_count
from repmon.domain.brand import Brand

if TYPE_CHECKING:
    from repmon.cli.backtest import Options


def run_fast(
    options: Options,
    brands: list[Brand],
    settings: list[Setting],
    replay: Replay,
    events: list[Event] | None,
    out: TextIO,
    err: TextIO,
) -> int:
    spill, every = replay.spill, timedelta(minutes=options.step_minutes)
    assert spill.first is not None and spill.last is not None
    tasks = [
        BrandTask(
            b.id,
            tuple(s.apply(b).model_dump_json() for s in settings),
            spill,
            spill.first,
            spill.last,
            every,
            series=options.plot is not None,
        )
        for b in brands
        if spill.counts[b.id]  # a brand with no mention in the input raises nothing
    ]
    steps = step_count(spill.first, spill.last, every)
    days = (spill.last - spill.first).total_seconds() / 86400
    board = ProgressBoard(err, steps * len(tasks), days)
    results = replay_all(tasks, options.workers or default_workers(), board)
    board.done()
    outcomes = _by_setting(settings, results)
    if options.sweeps:
        print_sweep(out, outcomes, events, options.fmt)
    else:
        for line in outcomes[0].lines:
            print(json.dumps(line), file=out)
        print_replay_line(err, replay, sum(r.stored for r in results), steps, options.step_minutes)
        print_alert_counts(err, outcomes[0])
        if events is not None:
            print_events(err, judge(outcomes[0].lines, events))
    if options.plot is not None:
        from repmon.cli.backtest_plot import plot

        plot(options.plot, brands, results, outcomes[0].lines, events or [])
        print(f"plot written to {options.plot}", file=err)
    return 0


def _by_setting(settings: Sequence[Setting], results: Sequence[BrandOutcome]) -> list[Outcome]:
    outcomes = []
    for number, setting in enumerate(settings):
        lines = sorted((line for r in results for line in r.settings[number].alerts), key=line_order)
        announced = sum(r.settings[number].announced for r in results)
        errors = tuple(e for r in results for e in r.settings[number].errors)
        emails = sum((r.settings[number].emails for r in results), Counter[str]())
        outcomes.append(Outcome(setting, tuple(lines), announced, errors, dict(emails)))
    return outcomes
