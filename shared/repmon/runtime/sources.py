"""Builds the source adapters for the collector from its settings.

Reddit is built on its first job: a worker that only ever sees Hacker News or App Store jobs
never reads the Reddit secret nor imports praw.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import requests

from repmon.adapters.appstore_source import RssAppStoreSource
from repmon.adapters.aws import client as aws_client
from repmon.adapters.hackernews_source import AlgoliaHackerNewsSource
from repmon.adapters.http import new_session
from repmon.domain.brand import Brand
from repmon.domain.errors import SourceNotConfigured
from repmon.domain.models import Source
from repmon.ports import MentionSource, SourcePage
from repmon.runtime.observability import logger
from repmon.runtime.settings import CollectSettings


class LazyRedditSource:
    """Reads the Reddit credentials and builds praw on the first fetch, then reuses them (warm starts)."""

    name = Source.REDDIT.value

    def __init__(self, settings: CollectSettings) -> None:
        self.settings = settings
        self._source: Any = None

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        try:
            source = self._built()
        except SourceNotConfigured as exc:
            # Off until the secret exists (Reddit's approval can take weeks): an empty poll, no
            # retry, no dead letter; the next poll reads the secret again.
            return SourcePage([], cursor, errors=[f"reddit is off until its credentials exist: {exc}"])
        page: SourcePage = source.fetch(brand, cursor, now)
        return page

    def _built(self) -> Any:
        if self._source is None:
            from repmon.adapters.reddit_source import PrawRedditSource, build_reddit
            from repmon.adapters.secrets import load_reddit_credentials

            # A client for this endpoint: Powertools' default provider is bound to the first one it saw.
            secrets = aws_client("secretsmanager", self.settings.aws_max_attempts)
            credentials = load_reddit_credentials(self.settings.reddit_secret_name, client=secrets)
            session = _session(self.settings)
            reddit = build_reddit(
                credentials, self.settings.reddit_oauth_url, self.settings.reddit_url, session
            )
            self._source = PrawRedditSource(reddit, logger=logger)
        return self._source


def _session(settings: CollectSettings) -> requests.Session:
    # Every request under it ends by the job's deadline (`runtime.job_budget`) and stops at the page cap.
    return new_session(timeout=settings.http_timeout_seconds, max_page_bytes=settings.http_max_page_bytes)


def build_sources(settings: CollectSettings) -> dict[str, MentionSource]:
    session = _session(settings)
    return {
        Source.REDDIT.value: LazyRedditSource(settings),
        Source.HACKERNEWS.value: AlgoliaHackerNewsSource(settings.hackernews_api_url, session, logger=logger),
        Source.APPSTORE.value: RssAppStoreSource(settings.appstore_rss_url, session, logger=logger),
    }
