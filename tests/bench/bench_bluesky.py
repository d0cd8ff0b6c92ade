"""Bluesky: the searchPosts parser's posts per second, and a typical brand's requests per poll.

A typical brand: two search terms ('"acme air" OR @acmeair'), about 60 posts in 15 minutes from 40
authors. A poll is one search page per term (100 posts a page) plus one getProfiles call per 25
authors of the posts returned; the first poll of a cold start without a stored session adds one
createSession, and later polls reuse (or refresh) the stored one.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from pydantic import SecretStr

from repmon.adapters.http import new_session
from repmon.adapters.secrets import BlueskyCredentials
from repmon.adapters.sources.bluesky import BlueskySource, XrpcSession
from repmon.adapters.sources.bluesky_parse import parse_search
from repmon.domain.brand import Brand
from repmon.localstack.fakes.bluesky import add_bluesky_post
from repmon.localstack.fakes.server import FakeSources, SourceWorld

NOW = datetime(2026, 11, 4, 12, tzinfo=UTC)


def _parse_rate(body: object, rounds: int = 50) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        page = parse_search(body)
    return rounds * len(page.mentions) / (time.perf_counter() - start)


def bluesky() -> None:
    world = SourceWorld(now=NOW)
    for i in range(100):
        add_bluesky_post(
            world,
            text=f"Acme Air flight {i} was late again, the crew were kind though @acmeair",
            handle=f"flyer{i % 40}.bsky.social",
            created=NOW - timedelta(seconds=9 * i),
            likes=i,
        )
    creds = BlueskyCredentials(identifier="reader.example.com", app_password=SecretStr("bench-pass"))
    brand = Brand.model_validate(
        {
            "id": "acme",
            "name": "Acme Air",
            "query": '"acme air" OR @acmeair',
            "sources": {"bluesky": {"enabled": True}},
        }
    )
    with FakeSources(world) as fake:
        session = new_session()
        source, cursor = BlueskySource(XrpcSession(fake.base_url, creds, session)), None
        for label in ("cold start, no stored session", "15 minutes later, 20 new posts"):
            before = len(world.requests)
            page = source.fetch(brand, cursor, world.now)
            served = [r.path.rsplit(".", 1)[1] for r in world.requests[before:]]
            counts = {c: served.count(c) for c in sorted(set(served))}
            print(f"bluesky poll, {label}: {len(served)} requests {counts}, {len(page.mentions)} returned")
            cursor = page.cursor
            world.advance(minutes=15)
            for i in range(20):
                add_bluesky_post(
                    world, text=f"acme air again {i}", created=world.now - timedelta(seconds=30 * i)
                )
        token = source.xrpc.tokens.access if source.xrpc.tokens else ""
        body = session.get(
            f"{fake.base_url}/xrpc/app.bsky.feed.searchPosts",
            params={"q": "acme air", "limit": "100"},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        print(f"bluesky parser: {_parse_rate(body):,.0f} posts/s")
