"""X: the recent-search parser's posts per second, and a typical brand's requests and spend per poll.

A typical brand: '"acme air" OR @acmeair', 20 matching posts an hour by ~16 authors, polled every 15
minutes: one search page (100 posts a page) per poll, the 15-minute overlap read again and not billed
again the same UTC day. A backlog of 250 posts (a first poll) is three pages.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

from pydantic import SecretStr

from repmon.adapters.http import new_session
from repmon.adapters.sources.x import XSource
from repmon.adapters.sources.x_parse import parse_search
from repmon.adapters.sources.x_spend import MemorySpendLedger
from repmon.domain.brand import Brand
from repmon.localstack.fakes.server import FakeSources, SourceWorld
from repmon.localstack.fakes.x import BEARER, add_x_post, x_billed

NOW = datetime(2026, 11, 4, 12, tzinfo=UTC)
SEARCH = "/2/tweets/search/recent"


def _parse_rate(body: object, rounds: int = 50) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        page = parse_search(body)
    return rounds * len(page.mentions) / (time.perf_counter() - start)


def _add(world: SourceWorld, count: int, minutes: float) -> None:
    for i in range(count):
        add_x_post(
            world,
            text=f"Acme Air flight {i} was late again, the crew were kind though @acmeair",
            username=f"flyer{(i * 7) % (count * 4 // 5 or 1)}",
            created=world.now - timedelta(minutes=minutes * i / count),
            likes=i,
            impressions=40 * i,
        )


def x() -> None:
    world = SourceWorld(now=NOW)
    _add(world, 250, 12 * 60)
    brand = Brand.model_validate(
        {
            "id": "acme",
            "name": "Acme Air",
            "query": '"acme air" OR @acmeair',
            "sources": {"x": {"enabled": True, "monthly_budget_usd": 1000, "max_items": 500}},
        }
    )
    with FakeSources(world) as fake:
        session = new_session()
        source = XSource(
            fake.base_url, SecretStr(BEARER), session, ledger=MemorySpendLedger(), stack_budget=1e4
        )
        cursor = None
        for label in ("first poll, 250 posts waiting", "15 minutes later, 5 new posts"):
            before, billed = len(world.requests), x_billed(world)
            page = source.fetch(brand, cursor, world.now)
            requests = len(world.requests_to(SEARCH)[before:]) if before else len(world.requests_to(SEARCH))
            spent = json.loads(page.cursor or "{}")["spend"]["usd"]
            print(
                f"x poll, {label}: {requests} requests, {len(page.mentions)} returned,"
                f" ${x_billed(world) - billed:.3f} billed (spend kept: ${spent:.3f})"
            )
            cursor = page.cursor
            world.advance(minutes=15)
            _add(world, 5, 14)
        params = {"query": "acme", "max_results": "100", "expansions": "author_id"}
        body = session.get(
            f"{fake.base_url}{SEARCH}", params=params, headers={"Authorization": f"Bearer {BEARER}"}
        ).json()
    print(f"x parser: {_parse_rate(body):,.0f} posts/s")


if __name__ == "__main__":
    x()
