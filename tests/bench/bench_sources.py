"""Sources: each new parser's items per second, and each source's requests per poll for a typical brand.

Feeds: a typical brand lists a news search and two feeds (forum, status page) of ~100 entries each.
A poll reads all three (3 requests); one cut by the per-run bound (200) is read in full again next
poll; an unchanged feed then costs a 304 and no parse.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from repmon.adapters.http import new_session
from repmon.adapters.sources.feeds import HttpFeedSource
from repmon.adapters.sources.feeds_parse import parse_feed
from repmon.domain.brand import Brand
from repmon.localstack.fakes.feeds import SEARCH_PATH, add_feed_entry
from repmon.localstack.fakes.server import FakeSources, SourceWorld
from tests.bench.bench_app_reviews import app_reviews
from tests.bench.bench_bluesky import bluesky
from tests.bench.bench_gdelt import gdelt
from tests.bench.bench_mastodon import mastodon
from tests.bench.bench_reviews import reviews
from tests.bench.bench_x import x
from tests.bench.bench_youtube import youtube

NOW = datetime(2026, 11, 4, 12, tzinfo=UTC)
ENTRIES = 100


def _world() -> SourceWorld:
    world = SourceWorld(now=NOW)
    for feed in ("news", "forum", "status"):
        for i in range(ENTRIES):
            add_feed_entry(
                world,
                feed=feed,
                title=f"Acme Air item {i} in {feed}",
                html=f"<p>Acme Air <b>flight</b> {i} was late &amp; the crew was kind.</p>" * 3,
                created=NOW - timedelta(minutes=5 * i),
                publisher=("Wire Daily", "https://wire.example"),
            )
    return world


def _parse_rate(body: bytes, rounds: int = 20) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        mentions, _ = parse_feed(body, lambda host: 20, NOW)
    return rounds * len(mentions) / (time.perf_counter() - start)


def main() -> None:
    world = _world()
    with FakeSources(world) as fake:
        session = new_session()
        rss = session.get(f"{fake.base_url}/feeds/news.rss").content
        atom = session.get(f"{fake.base_url}/feeds/news.atom").content
        print(f"feeds parser: RSS {_parse_rate(rss):,.0f} entries/s, Atom {_parse_rate(atom):,.0f} entries/s")
        urls = [
            f"{fake.base_url}{SEARCH_PATH}?q={{query}}",
            *(f"{fake.base_url}/feeds/{f}.rss" for f in ("forum", "status")),
        ]
        brand = Brand.model_validate(
            {"id": "acme", "name": "Acme Air", "query": '"acme air"', "sources": {"feeds": {"urls": urls}}}
        )
        source, cursor = HttpFeedSource(session), None
        for label in ("first poll (200 a poll)", "second poll (the rest)", "unchanged feeds"):
            before = len(world.requests)
            start = time.perf_counter()
            page = source.fetch(brand, cursor, NOW)
            took = time.perf_counter() - start
            statuses = sorted(r.status for r in world.requests[before:])
            returned = len(page.mentions)
            print(f"feeds {label}: {len(statuses)} requests {statuses}, {returned} returned, {took:.2f} s")
            cursor = page.cursor
    gdelt()
    bluesky()
    mastodon()
    app_reviews()
    reviews()
    x()
    youtube()


if __name__ == "__main__":
    main()
