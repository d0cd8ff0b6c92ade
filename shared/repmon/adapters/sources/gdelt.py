"""GdeltSource: news articles about the brand from GDELT's DOC 2.0 API, a second news option.

One request is `mode=artlist&format=json&sort=DateDesc&maxrecords=250` for the brand query in
GDELT's syntax (`domain.sources.gdelt.gdelt_query`) from the cursor's floor to now. GDELT does not
page: a list of 250 that does not reach the floor is followed by one ending at its oldest article,
up to `max_requests`; what is still older is noted as not read (GDELT is best-effort: README).

Every request waits for its turn at the stack's gate (`gdelt_gate`: one request per `spacing`
seconds across every collector); a turn further off than `max_wait` ends the poll with the cursor
kept (a note, not a failure). A 429 holds the gate for everybody (`Retry-After`, else `backoff`) and
fails the poll (retried later); the shared session's own 429 retries are off for GDELT, since they
would not wait their turn. Articles are `feeds` mentions with the news identity a news search
feed gives the same article (`gdelt_parse`), so the two are one mention.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import requests

from repmon.adapters.http import RETRY_STATUSES, LogSink, new_session
from repmon.adapters.item_fields import MalformedPage
from repmon.adapters.sources.gdelt_gate import RateGate
from repmon.adapters.sources.gdelt_parse import GdeltRefused, parse_articles
from repmon.domain.brand import Brand
from repmon.domain.cursor import Served, TimeCursor, by_time
from repmon.domain.errors import SourceUnavailable
from repmon.domain.models import Mention, Source
from repmon.domain.sources.gdelt import MAX_RECORDS, GdeltQueryError, gdelt_query
from repmon.ports import SourcePage

if TYPE_CHECKING:  # the factory reads its settings; adapters never import the runtime
    from repmon.runtime.settings import CollectSettings

#: GDELT's 429 says "limit requests to one every 5 seconds".
SPACING = 5.0
_DOC_PATH = "/api/v2/doc/doc"
_MAX_BACKOFF = 600.0


class GdeltSource:
    """`MentionSource` for GDELT's article search, for brands with `sources.gdelt.enabled`."""

    name = Source.GDELT.value

    def __init__(
        self,
        base_url: str,
        session: requests.Session,
        gate: RateGate,
        *,
        logger: LogSink | None = None,
        max_wait: float = 20.0,
        backoff: float = 60.0,
        overlap: timedelta = timedelta(hours=6),
        first_poll_lookback: timedelta = timedelta(days=1),
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = base_url.rstrip("/") + _DOC_PATH
        self.session, self.gate = session, gate
        self.log: LogSink = logger or logging.getLogger(__name__)
        self.max_wait, self.backoff = max_wait, backoff
        self.overlap, self.lookback = overlap, first_poll_lookback
        self.clock, self.sleep = clock, sleep

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        settings = brand.sources.gdelt
        try:
            query = gdelt_query(brand.compiled, settings.languages)
        except GdeltQueryError as exc:  # validated on apply; a hand-edited watchlist still says why
            return SourcePage([], cursor, errors=[f"gdelt: {exc}"])
        state = TimeCursor.parse(cursor, now, self.lookback)
        overlap = self.overlap.total_seconds()
        floor = datetime.fromtimestamp(state.floor(overlap), UTC)
        try:
            listed, skipped, complete, notes = self._listing(brand, query, floor, now)
        except GdeltRefused as exc:
            return SourcePage([], cursor, errors=[f"gdelt refused the query: {exc}"])
        if not listed and not complete:
            return SourcePage([], cursor, skipped, errors=notes)
        fresh = [by_time(m, now) for m in listed if brand.compiled.matches(m.full_text)]
        step = state.advance(
            list({c.key: c for c in reversed(fresh)}.values()),
            limit=settings.max_items,
            overlap=overlap,
            settled=(now - self.overlap).timestamp() if complete else None,
            served=Served.of(by_time(m, now).position for m in listed),
            now=now.timestamp(),
        )
        notes += [f"gdelt: {note}" for note in step.notes]
        return SourcePage(step.page, TimeCursor.dump(step.cursor), skipped, step.truncated, notes)

    def _listing(
        self, brand: Brand, query: str, floor: datetime, now: datetime
    ) -> tuple[list[Mention], int, bool, list[str]]:
        """Every article from `floor` to now, newest first, in lists of 250 each ending where the last
        stopped, up to `max_requests`; whether they reached the floor; notes for the job."""
        listed: list[Mention] = []
        skipped, end, limit = 0, now, brand.sources.gdelt.max_requests
        for _ in range(limit):
            body = self._get(query, floor, end)
            if body is None:
                return listed, skipped, False, ["gdelt: the stack's request slot is taken; read next poll"]
            try:
                found, bad = parse_articles(body, brand.sources.feeds.weight, now, self.log)
            except MalformedPage as exc:
                raise SourceUnavailable(self.name, f"no article list: {exc}") from exc
            listed, skipped = listed + found, skipped + bad
            oldest = min((m.created_at for m in found), default=None)
            if len(found) + bad < MAX_RECORDS or oldest is None or oldest <= floor:
                return listed, skipped, True, []
            end = oldest
        note = f"gdelt: over {limit * MAX_RECORDS} articles since {floor:%Y-%m-%d %H:%M}; older ones not read"
        return listed, skipped, False, [note]

    def _get(self, query: str, start: datetime, end: datetime) -> bytes | None:
        """One article list, sent at the stack's next free slot; None when that slot is too far off."""
        slot = self.gate.reserve(self.clock(), self.max_wait)
        if slot is None:
            return None
        self.sleep(max(0.0, slot - self.clock()))
        params = {
            "query": query,
            "mode": "artlist",
            "format": "json",
            "sort": "DateDesc",
            "maxrecords": str(MAX_RECORDS),
            "startdatetime": f"{start:%Y%m%d%H%M%S}",
            "enddatetime": f"{end:%Y%m%d%H%M%S}",
        }
        try:
            response = self.session.get(self.url, params=params)
        except requests.RequestException as exc:
            raise SourceUnavailable(self.name, f"{type(exc).__name__} on {self.url}") from exc
        if response.status_code == 429:
            wait = min(_MAX_BACKOFF, _seconds(response.headers.get("Retry-After")) or self.backoff)
            self.gate.hold(self.clock() + wait)
            self.log.warning("gdelt rate limited: every collector waits", extra={"seconds": wait})
            raise SourceUnavailable(self.name, f"429: held for {wait:g} s")
        if response.status_code >= 400:
            raise SourceUnavailable(self.name, f"HTTP {response.status_code} on {self.url}")
        return response.content


def _seconds(value: str | None) -> float | None:
    try:
        seconds = float(value) if value else None
    except ValueError:
        return None
    return seconds if seconds is not None and 0 < seconds < 1e6 else None


def gdelt_session(timeout: float, max_page_bytes: int) -> requests.Session:
    """A session retrying connection errors and 5xx but never 429 (the gate owns GDELT's pace)."""
    session = new_session(timeout=timeout, max_page_bytes=max_page_bytes, total=2)
    for prefix in ("http://", "https://"):
        adapter = session.get_adapter(prefix)
        retry = adapter.max_retries  # type: ignore[attr-defined]
        adapter.max_retries = retry.new(status_forcelist=[s for s in RETRY_STATUSES if s != 429])  # type: ignore[attr-defined]
    return session


def build_source(settings: CollectSettings, session: requests.Session, log: LogSink) -> GdeltSource:
    """The registry's factory: GDELT needs no secret; its gate is an item in the single table."""
    from repmon.adapters.aws import client as aws_client
    from repmon.adapters.sources.gdelt_gate import DynamoRateGate

    spacing = settings.gdelt_spacing_seconds
    gate = DynamoRateGate(settings.table_name, spacing, aws_client("dynamodb", settings.aws_max_attempts))
    own = gdelt_session(settings.http_timeout_seconds, settings.http_max_page_bytes)
    return GdeltSource(settings.gdelt_api_url, own, gate, logger=log)
