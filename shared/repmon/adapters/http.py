"""Plumbing shared by the source adapters: a retrying session, HTML-to-text, and the watermark cursor.

Retries live in urllib3 (`Retry`), under every client that uses the session, praw included: 429 and 5xx
are retried with exponential backoff, `Retry-After` is honoured but capped so a hostile or confused
server cannot park a Lambda for minutes, and the total number of attempts is bounded.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any, Protocol

import requests
from requests.adapters import HTTPAdapter
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from repmon.domain.errors import SourceUnavailable
from repmon.domain.models import Mention

RETRY_STATUSES = (429, 500, 502, 503, 504, 520, 522)


class CappedRetry(Retry):
    """urllib3 `Retry` whose `Retry-After` sleep is bounded by `max_retry_after` seconds."""

    max_retry_after: float = 30.0

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, self.max_retry_after)

    def new(self, **kw: Any) -> CappedRetry:
        retry = super().new(**kw)
        retry.max_retry_after = self.max_retry_after
        return retry  # type: ignore[return-value]


class _TimeoutAdapter(HTTPAdapter):
    """Applies a default timeout: requests has none, and a hung socket would eat the Lambda's budget."""

    def __init__(self, timeout: float, **kwargs: Any) -> None:
        self.default_timeout = timeout
        super().__init__(**kwargs)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().send(request, **kwargs)


def new_session(
    *,
    total: int = 5,
    backoff_factor: float = 0.5,
    backoff_max: float = 20.0,
    max_retry_after: float = 30.0,
    timeout: float = 10.0,
) -> requests.Session:
    """A session retrying 429/5xx (honouring Retry-After) at most `total` times, with a default timeout."""
    retry = CappedRetry(
        total=total,
        connect=total,
        read=total,
        status=total,
        status_forcelist=RETRY_STATUSES,
        backoff_factor=backoff_factor,
        backoff_max=backoff_max,
        respect_retry_after_header=True,
        raise_on_status=True,
    )
    retry.max_retry_after = max_retry_after
    session = requests.Session()
    adapter = _TimeoutAdapter(timeout, max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def get_json(session: requests.Session, source: str, url: str, params: dict[str, Any] | None = None) -> Any:
    """GET `url` and decode JSON; any failure left after retries becomes `SourceUnavailable`."""
    try:
        response = session.get(url, params=params)
        response.raise_for_status()
        return response.json()
    except requests.RequestException as exc:
        raise SourceUnavailable(source, f"{type(exc).__name__} on {url.split('?')[0]}") from exc
    except ValueError as exc:
        raise SourceUnavailable(source, f"invalid JSON from {url.split('?')[0]}") from exc


class _TextExtractor(HTMLParser):
    _BREAKS = frozenset({"p", "br", "div", "li", "pre", "blockquote", "tr", "h1", "h2", "h3", "h4"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


_SPACES = re.compile(r"[ \t\r\f\v]+")
_NEWLINES = re.compile(r"\s*\n\s*")


def plain_text(markup: str | None) -> str:
    """Text of an HTML fragment: tags dropped, entities unescaped, whitespace tidied."""
    if not markup:
        return ""
    if "<" not in markup:
        text = html.unescape(markup)
    else:
        parser = _TextExtractor()
        parser.feed(markup)
        parser.close()
        text = "".join(parser.parts)
    return _NEWLINES.sub("\n", _SPACES.sub(" ", text)).strip()


class LogSink(Protocol):
    """What adapters need of a logger: stdlib `logging.Logger` and Powertools `Logger` both fit."""

    def warning(self, msg: Any, *args: Any, **kwargs: Any) -> Any: ...


_MAX_SEEN = 5000


@dataclass(frozen=True)
class Watermark:
    """A time cursor with overlap: re-read `overlap` before `since`, drop ids already returned there.

    Why not Reddit's `before=<fullname>`: a deleted anchor post stalls or replays that stream, and search
    indexes late. A time watermark survives both; the overlap catches late arrivals, `seen` dedups them.
    """

    since: datetime
    seen: dict[str, float] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: str | None, now: datetime, lookback: timedelta) -> Watermark:
        """The cursor's state; an absent or unreadable cursor starts `lookback` before `now`."""
        if not raw:
            return cls(now - lookback)
        try:
            data = json.loads(raw)
            since = datetime.fromisoformat(data["since"]).astimezone(UTC)
            seen = {str(k): float(v) for k, v in data.get("seen", {}).items()}
            return cls(since, seen)
        except (TypeError, ValueError, KeyError, AttributeError):
            return cls(now - lookback)

    def floor(self, overlap: timedelta) -> datetime:
        return self.since - overlap

    def advance(
        self, candidates: Iterable[Mention], *, limit: int, overlap: timedelta, settled: datetime | None
    ) -> tuple[list[Mention], Watermark, bool]:
        """Pick the oldest `limit` unseen candidates; return them, the next watermark, and truncated.

        `settled` (when the poll read everything down to the floor) lets a quiet stream move its
        watermark forward anyway, so later polls do not rescan an ever longer window.
        """
        floor = self.floor(overlap)
        fresh: dict[str, Mention] = {}
        for m in candidates:
            if m.created_at >= floor and m.native_id not in self.seen:
                fresh.setdefault(m.native_id, m)
        ordered = sorted(fresh.values(), key=lambda m: (m.created_at, m.native_id))
        page, truncated = ordered[:limit], len(ordered) > limit
        since = max([self.since, *(m.created_at for m in page)])
        if settled is not None and not truncated:
            since = max(since, settled)
        seen = {**self.seen, **{m.native_id: m.created_at.timestamp() for m in page}}
        keep = (since - overlap).timestamp()
        recent = sorted(((t, k) for k, t in seen.items() if t >= keep), reverse=True)[:_MAX_SEEN]
        return page, Watermark(since, {k: t for t, k in recent}), truncated

    def dump(self) -> str:
        return json.dumps({"v": 1, "since": self.since.isoformat(), "seen": self.seen}, sort_keys=True)
