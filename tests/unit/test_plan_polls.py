"""Plan polls: one job per enabled source of each brand; a retried schedule enqueues nothing new."""

from __future__ import annotations

from datetime import UTC, datetime

from repmon.domain.brand import Brand
from repmon.services.plan_polls import plan_polls
from tests.fakes import InMemoryJobQueue, InMemoryWatchlist

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def test_given_brands_when_planning_then_each_enabled_source_gets_one_job():
    brands = [
        Brand.model_validate(
            {"id": "acme", "name": "Acme", "query": "acme", "sources": {"appstore": {"app_id": "123456789"}}}
        ),
        Brand.model_validate(
            {
                "id": "globex",
                "name": "Globex",
                "query": "globex",
                "sources": {"hackernews": {"enabled": False}},
            }
        ),
    ]
    queue = InMemoryJobQueue()
    result = plan_polls(InMemoryWatchlist(brands), queue, T0)
    assert (result.brands, result.jobs) == (2, 4)
    assert sorted((j.brand_id, j.source) for j in queue.jobs.values()) == [
        ("acme", "appstore"),
        ("acme", "hackernews"),
        ("acme", "reddit"),
        ("globex", "reddit"),
    ]


def test_given_a_retried_schedule_when_planning_again_then_no_job_is_duplicated():
    queue = InMemoryJobQueue()
    watchlist = InMemoryWatchlist([Brand(id="acme", name="Acme", query="acme")])
    plan_polls(watchlist, queue, T0)
    plan_polls(watchlist, queue, T0)
    assert len(queue.jobs) == 2
