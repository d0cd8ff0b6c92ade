"""Fixtures for the source adapters: one local fake of Reddit, HN Algolia and the App Store per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import praw
import pytest
import requests
from pydantic import SecretStr

from repmon.adapters.http import new_session
from repmon.adapters.secrets import RedditCredentials
from repmon.adapters.sources.reddit import build_reddit
from repmon.domain.brand import Brand
from repmon.localstack.fakes.server import FakeSources, SourceWorld

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def world() -> SourceWorld:
    return SourceWorld(now=NOW)


@pytest.fixture
def fake(world: SourceWorld) -> Iterator[FakeSources]:
    with FakeSources(world) as server:
        yield server
    # A test that talks to the fake but never reaches it proves nothing (cf. praw's replay checks).
    assert world.requests, "the test never reached the fake source server"


@pytest.fixture
def session() -> requests.Session:
    """Retries fast, so fault-injection tests take milliseconds, not the production backoff."""
    return new_session(total=3, backoff_factor=0.01, backoff_max=0.05, max_retry_after=2, timeout=5)


@pytest.fixture
def reddit(fake: FakeSources, session: requests.Session) -> praw.Reddit:
    creds = RedditCredentials(
        client_id="test-client", client_secret=SecretStr("test-secret"), user_agent="repmon-tests/1.0"
    )
    return build_reddit(creds, fake.reddit_url, fake.reddit_url, session)


@pytest.fixture
def make_brand() -> Callable[..., Brand]:
    def build(query: str = "acme", **sources: Any) -> Brand:
        return Brand.model_validate({"id": "acme", "name": "Acme", "query": query, "sources": sources})

    return build
