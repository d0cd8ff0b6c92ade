"""Plan polls: one job per (brand, enabled source) for a scheduled time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from repmon.ports import PollJob, PollJobQueue, Watchlist


@dataclass(frozen=True)
class PlanResult:
    brands: int
    jobs: int


def plan_polls(watchlist: Watchlist, queue: PollJobQueue, scheduled_at: datetime) -> PlanResult:
    """Enqueue a poll of every enabled source of every brand. The FIFO queue drops a job sent again
    for the same scheduled time within its 5-minute deduplication window; a later retry enqueues it
    again, which costs one poll that finds nothing new (collecting is idempotent)."""
    brands = watchlist.brands()
    jobs = [PollJob(b.id, source, scheduled_at) for b in brands for source in b.sources.enabled()]
    queue.send(jobs)
    return PlanResult(brands=len(brands), jobs=len(jobs))
