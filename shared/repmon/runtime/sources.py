"""Builds the collector's source adapters from the registry (`domain.source_registry`) and its settings.

Each adapter is built on its source's first job: a worker that only ever sees Hacker News jobs never
imports praw nor reads the Reddit secret, and a source whose secret does not exist yet is off (an
empty poll with a note) instead of failing every job.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from datetime import datetime

import requests

from repmon.adapters.http import new_session
from repmon.domain.brand import Brand
from repmon.domain.errors import SourceNotConfigured
from repmon.domain.models import Engagement
from repmon.domain.source_registry import POLLED, SourceSpec
from repmon.engagement_ports import EngagementReader
from repmon.ports import MentionSource, SourcePage
from repmon.runtime.observability import logger
from repmon.runtime.settings import CollectSettings


class LazySource:
    """Builds the registry's adapter on the first fetch (its module imported, its secret read), then
    reuses it on warm starts."""

    def __init__(self, spec: SourceSpec, settings: CollectSettings, session: requests.Session) -> None:
        self.spec = spec
        self.name = spec.name.value
        self.settings = settings
        self.session = session
        self._source: MentionSource | None = None

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        try:
            source = self._built()
        except SourceNotConfigured as exc:
            # Off until the secret exists (Reddit's approval can take weeks): an empty poll, no
            # retry, no dead letter; the next poll reads the secret again.
            return SourcePage([], cursor, errors=[f"{self.name} is off until its credentials exist: {exc}"])
        return source.fetch(brand, cursor, now)

    @property
    def batch(self) -> int:
        """The adapter's re-read batch (services.rereads); 0: it cannot re-read, or is not configured."""
        try:
            source = self._built()
        except SourceNotConfigured:
            return 0
        return int(getattr(source, "batch", 0)) if hasattr(source, "refresh") else 0

    def refresh(self, native_ids: Sequence[str]) -> dict[str, Engagement]:
        refresh = getattr(self._built(), "refresh", None)
        return refresh(native_ids) if refresh is not None else {}

    def for_brand(self, brand: Brand, now: datetime) -> EngagementReader:
        """The adapter's reader for this brand (`BrandScoped`, e.g. X's budget), or this one."""
        scoped = getattr(self._built(), "for_brand", None)
        return scoped(brand, now) if scoped is not None else self

    def _built(self) -> MentionSource:
        if self._source is None:
            module, _, factory = self.spec.adapter.partition(":")
            build = getattr(importlib.import_module(module), factory)
            self._source = build(self.settings, self.session, logger)
        return self._source


def _session(settings: CollectSettings) -> requests.Session:
    # Every request under it ends by the job's deadline (`runtime.job_budget`) and stops at the page cap.
    return new_session(timeout=settings.http_timeout_seconds, max_page_bytes=settings.http_max_page_bytes)


def build_sources(settings: CollectSettings) -> dict[str, MentionSource]:
    session = _session(settings)
    return {name: LazySource(spec, settings, session) for name, spec in POLLED.items()}
