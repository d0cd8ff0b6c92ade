"""YouTube: the comment-thread parser's comments per second, and a typical brand's requests (quota
units) per poll.

A typical brand: its own channel (about 30 new comments in 15 minutes, some with replies) and a
search that finds two new videos about it, whose comments are then read every poll. A poll is one
`commentThreads` page for the channel, one per watched video, one `channels.list` per 50 authors;
on the brand's search turn also one `search.list` call and one `videos.list` for the videos found.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from pydantic import SecretStr

from repmon.adapters.http import new_session
from repmon.adapters.sources.youtube import YouTubeSource
from repmon.adapters.sources.youtube_parse import list_page, parse_threads
from repmon.domain.brand import Brand
from repmon.domain.youtube_quota import QuotaPlan
from repmon.localstack.fakes.server import FakeSources, SourceWorld
from repmon.localstack.fakes.youtube import add_channel, add_comment, add_video, api_url
from tests.youtube_ledger import MemoryQuotaLedger

NOW = datetime(2026, 11, 4, 12, tzinfo=UTC)


def _parse_rate(items: list[object], rounds: int = 50) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        threads, _ = parse_threads(items)
    return rounds * sum(len(t) for t in threads) / (time.perf_counter() - start)


def _comments(world: SourceWorld, video: str, count: int, every: float) -> None:
    for i in range(count):
        said = add_comment(
            world,
            text=f"Acme Air flight {i} was late again, the crew were kind though & calm",
            video=video,
            author=f"flyer {i % 40}",
            created=world.now - timedelta(seconds=every * i),
            likes=i,
        )
        if i % 3 == 0:
            add_comment(world, text="same here", video=video, parent=said, created=world.now)


def youtube() -> None:
    world = SourceWorld(now=NOW)
    channel = add_channel(world, "acme air", 180_000)
    own = add_video(world, title="Acme Air cabin tour", channel=channel, created=NOW - timedelta(days=3))
    found = [
        add_video(world, title=f"Acme Air review {n}", created=NOW - timedelta(hours=n + 1)) for n in range(2)
    ]
    _comments(world, own, 30, 30)
    brand = Brand.model_validate(
        {
            "id": "acme",
            "name": "Acme Air",
            "query": '"acme air" OR @acmeair',
            "sources": {"youtube": {"channel_id": channel}},
        }
    )
    with FakeSources(world) as fake:
        session, ledger = new_session(), MemoryQuotaLedger()
        source, cursor = (
            YouTubeSource(SecretStr("bench"), ledger, session, base_url=api_url(fake.base_url)),
            None,
        )
        for label in ("first poll (its search turn)", "15 minutes later", "30 minutes later"):
            before = len(world.requests)
            page = source.fetch(brand, cursor, world.now)
            served = [r.path.rsplit("/", 1)[1] for r in world.requests[before:]]
            counts = {c: served.count(c) for c in sorted(set(served))}
            print(f"youtube poll, {label}: {len(served)} requests {counts}, {len(page.mentions)} returned")
            cursor = page.cursor
            world.advance(minutes=15)
            for video in (own, *found):
                _comments(world, video, 10, 60)
        plan = QuotaPlan()
        print(
            "youtube quota (10,000 units and 100 searches a day, 80% ours, 15-minute polls):"
            f" 1 brand searches every {plan.search_every(1, 1)} polls and may read"
            f" {plan.read_units / 96:.0f} units a poll; 10 brands every {plan.search_every(10, 1)} polls,"
            f" {plan.read_units / 10 / 96:.1f} units a poll each"
        )
        body = session.get(
            f"{api_url(fake.base_url)}/commentThreads",
            params={"part": "snippet,replies", "videoId": own, "maxResults": "100"},
            headers={"X-Goog-Api-Key": "bench"},
        ).json()
        print(f"youtube parser: {_parse_rate(list_page(body).items):,.0f} comments/s")


if __name__ == "__main__":
    youtube()
