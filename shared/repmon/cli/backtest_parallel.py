"""Brands replayed side by side: one task per brand, on as many worker processes as there are cores.

Brands share nothing (their own store, ledger, alerts), so the replay splits by brand; the input is
already partitioned by brand on disk (backtest_spill), so a worker reads only its brand's mentions.
Workers report progress through a queue; the parent draws it. Biggest brands go first, so the last
task to finish is a small one.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Sequence
from typing import Any

from repmon.cli.backtest_progress import ProgressBoard
from repmon.cli.replay import BrandOutcome, BrandTask, replay_brand

_progress_queue: Any = None


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def replay_all(tasks: Sequence[BrandTask], workers: int, board: ProgressBoard) -> list[BrandOutcome]:
    """Every brand's outcome, in the order of `tasks`."""
    ordered = sorted(tasks, key=lambda t: -t.spill.counts[t.brand_id])
    if workers <= 1 or len(tasks) <= 1:
        outcomes = {t.brand_id: replay_brand(t, board.add) for t in ordered}
    else:
        outcomes = _in_processes(ordered, min(workers, len(tasks)), board)
    return [outcomes[t.brand_id] for t in tasks]


def _in_processes(tasks: Sequence[BrandTask], workers: int, board: ProgressBoard) -> dict[str, BrandOutcome]:
    # fork where there is one: workers inherit the imported code and start in milliseconds.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    reports = context.Queue()
    with context.Pool(workers, initializer=_remember, initargs=(reports,)) as pool:
        pending = [pool.apply_async(_replay, (task,)) for task in tasks]
        while not all(p.ready() for p in pending):
            _drain(reports, board, wait=0.1)
        _drain(reports, board, wait=0.0)
        outcomes = [p.get() for p in pending]
    return {o.brand_id: o for o in outcomes}


def _remember(reports: Any) -> None:
    global _progress_queue
    _progress_queue = reports


def _replay(task: BrandTask) -> BrandOutcome:
    return replay_brand(task, lambda *counts: _progress_queue.put(counts))


def _drain(reports: Any, board: ProgressBoard, wait: float) -> None:
    try:
        board.add(*reports.get(timeout=wait) if wait else reports.get_nowait())
        while True:
            board.add(*reports.get_nowait())
    except queue.Empty:
        return
