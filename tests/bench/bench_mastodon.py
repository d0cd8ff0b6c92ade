"""Mastodon: the Status parser's posts per second, and a typical brand's requests per poll.

A typical brand: two search terms ('"acme air" OR @acmeair') and one hashtag (#acmeair) on two
instances, about 60 posts in 15 minutes, half of them tagged. A poll is, per instance, one search
page per term (40 posts a page, more pages only when more matched) and one timeline page per tag
(more only when over 40 arrived since the cursor); the same post through both instances, or through
search and the tag, is one mention.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from pydantic import SecretStr

from repmon.adapters.http import new_session
from repmon.adapters.sources.mastodon import Instance, MastodonSource
from repmon.adapters.sources.mastodon_parse import parse_statuses
from repmon.domain.brand import Brand
from repmon.localstack.fakes.mastodon import add_toot, instance_url
from repmon.localstack.fakes.server import FakeSources, SourceWorld

NOW = datetime(2026, 11, 4, 12, tzinfo=UTC)


def _parse_rate(items: list[object], rounds: int = 50) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        mentions, _ = parse_statuses(items)
    return rounds * len(mentions) / (time.perf_counter() - start)


def _toots(world: SourceWorld, count: int, every: float) -> None:
    for i in range(count):
        add_toot(
            world,
            html=f"Acme Air flight {i} was late again, <b>the crew</b> were kind though &amp; calm",
            author=f"flyer{i % 40}",
            created=world.now - timedelta(seconds=every * i),
            tags=("acmeair",) if i % 2 else (),
            favourites=i,
        )


def mastodon() -> None:
    world = SourceWorld(now=NOW)
    _toots(world, 60, 15)
    brand = Brand.model_validate(
        {
            "id": "acme",
            "name": "Acme Air",
            "query": '"acme air" OR @acmeair',
            "sources": {"mastodon": {"instances": ["one.example", "two.example"], "hashtags": ["acmeair"]}},
        }
    )
    with FakeSources(world) as fake:
        session = new_session()
        hosts = {h: instance_url(fake.base_url, h.split(".")[0]) for h in ("one.example", "two.example")}
        instances = {h: Instance(url=url, token=SecretStr("bench-token")) for h, url in hosts.items()}
        source, cursor = MastodonSource(instances, session), None
        for label in ("first poll, 60 posts", "15 minutes later, 20 new posts"):
            before = len(world.requests)
            page = source.fetch(brand, cursor, world.now)
            served = [r.path.rsplit("/api/", 1)[1].split("/")[1] for r in world.requests[before:]]
            counts = {c: served.count(c) for c in sorted(set(served))}
            print(f"mastodon poll, {label}: {len(served)} requests {counts}, {len(page.mentions)} returned")
            cursor = page.cursor
            world.advance(minutes=15)
            _toots(world, 20, 40)
        items = session.get(
            f"{hosts['one.example']}/api/v1/timelines/tag/acmeair",
            params={"limit": "40"},
            headers={"Authorization": "Bearer bench-token"},
        ).json()
        print(f"mastodon parser: {_parse_rate(items):,.0f} posts/s")


if __name__ == "__main__":
    mastodon()
