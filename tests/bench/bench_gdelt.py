"""GDELT: the article-list parser's articles per second, and a typical brand's requests per poll.

A typical brand: '"acme air" OR acmeair', ~40 articles a day on GDELT, polled every 15 minutes: one
request a poll (its 5-second slot at the stack's gate); a first poll of a busy day (300 articles in
the lookback) is two lists, the second ending at the first's oldest article. The stack's pace makes
the polls of N brands take N x 5 s of slots: about 180 brands fit in a 15-minute interval.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

from repmon.adapters.sources.gdelt import GdeltSource, gdelt_session
from repmon.adapters.sources.gdelt_gate import MemoryRateGate
from repmon.adapters.sources.gdelt_parse import parse_articles
from repmon.domain.brand import Brand
from repmon.localstack.fakes.gdelt import PATH, add_gdelt_article
from repmon.localstack.fakes.server import FakeSources, SourceWorld

NOW = datetime(2026, 11, 4, 12, tzinfo=UTC)


def _parse_rate(body: bytes, rounds: int = 50) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        mentions, _ = parse_articles(body, lambda host: 20, NOW)
    return rounds * len(mentions) / (time.perf_counter() - start)


def gdelt() -> None:
    world = SourceWorld(now=NOW)
    for i in range(300):
        seen = NOW - timedelta(hours=20) + timedelta(minutes=4 * i)
        add_gdelt_article(
            world, title=f"Acme Air headline {i} on fares", domain=f"site{i % 40}.example", seen=seen
        )
    with FakeSources(world) as fake:
        session = gdelt_session(10, 8 << 20)
        params = {"query": "acme", "mode": "artlist", "format": "json", "maxrecords": "250"}
        body = session.get(f"{fake.base_url}{PATH}", params=params).content
        print(
            f"gdelt parser: {_parse_rate(body):,.0f} articles/s ({len(json.loads(body)['articles'])} a list)"
        )
        brand = Brand.model_validate(
            {
                "id": "acme",
                "name": "Acme Air",
                "query": '"acme air" OR acmeair',
                "sources": {"gdelt": {"enabled": True}},
            }
        )
        gate = MemoryRateGate(0.0)  # the 5-second pace is the gate's: counted here, not waited
        source, cursor = GdeltSource(fake.base_url, session, gate), None
        for label, at in (
            ("first poll (a busy day)", NOW),
            ("next poll, 15 min later", NOW + timedelta(minutes=15)),
        ):
            before = len(world.requests)
            page = source.fetch(brand, cursor, at)
            sent = len(world.requests) - before
            print(f"gdelt {label}: {sent} requests ({5 * sent} s of slots), {len(page.mentions)} returned")
            cursor = page.cursor


if __name__ == "__main__":
    gdelt()
