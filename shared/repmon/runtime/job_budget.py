"""How one collector invocation shares its time among the poll jobs of its SQS batch.

Five jobs share one 300 s invocation. Without a check, one slow source used it all and Lambda's
timeout failed the unrelated jobs after it. Each job now gets a fair share of what is left when it
starts (all of it for a batch of one, as on the Reddit queue; at least `min_seconds`), runs its
requests under that deadline less `store_seconds` (kept to score, store and move the cursor), and a
job that cannot get `min_seconds` does not start: it is reported as a batch item failure, so SQS
retries it alone while the batch's finished jobs are deleted.

Scoring is timed as well: it must end `store_seconds` x `STORE_SHARE` before the job's time is up,
the rest being kept to store and move the cursor. A page that cannot be scored by then stores what
was (`services.collect`, `JobUnfinished`) and is retried; 200 mentions at the text cap took 6.7-9 s
to score on a loaded machine, most of a 10 s `store_seconds`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from repmon.adapters.http_limits import deadline

#: Kept back from every invocation: the batch response, the metrics flush, Lambda's own shutdown.
MARGIN_SECONDS = 5.0
#: The part of `store_seconds` kept for storing and the cursor once scoring has stopped.
STORE_SHARE = 0.5


class JobDeferred(RuntimeError):
    """Too little of the invocation was left to start this job; SQS delivers it again later."""


@dataclass
class JobBudget:
    remaining_ms: Callable[[], int]
    jobs: int
    min_seconds: float
    store_seconds: float
    started: int = 0

    def next_job(self) -> float:
        """Seconds the next job may take; raises `JobDeferred` when less than `min_seconds` is left."""
        left = self.remaining_ms() / 1000 - MARGIN_SECONDS
        waiting = max(1, self.jobs - self.started)
        self.started += 1
        share = min(left, max(left / waiting, self.min_seconds))
        if share < self.min_seconds:
            raise JobDeferred(
                f"{max(left, 0):.0f} s left in the invocation, a job needs {self.min_seconds:.0f} s"
            )
        return share

    @contextmanager
    def requests_within(
        self, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> Iterator[Callable[[], float]]:
        """Every HTTP request of the job ends `store_seconds` before the job's own time is up; yields
        the seconds left to score (`Collector.collect`'s `time_left`), ending `STORE_SHARE` of
        `store_seconds` before it."""
        scoring_ends = clock() + seconds - self.store_seconds * STORE_SHARE
        with deadline(max(0.0, seconds - self.store_seconds)):
            yield lambda: scoring_ends - clock()
