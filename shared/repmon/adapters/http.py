"""Plumbing shared by the source adapters: a retrying session and HTML-to-text (the cursor: `domain.cursor`).

Retries live in urllib3 (`Retry`), under every client that uses the session, praw included: 429 and 5xx
are retried with exponential backoff, `Retry-After` is honoured but capped so a hostile or confused
server cannot park a Lambda for minutes, and the total number of attempts is bounded. Every request
also has a total deadline and a page-size cap (`adapters.http_limits`): a retry or a `Retry-After`
that would end past the deadline fails the request at once.
"""

from __future__ import annotations

import html
import math
import re
import time
from html.parser import HTMLParser
from typing import Any, Protocol

import requests
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from repmon.adapters.http_limits import MAX_PAGE_BYTES, DeadlineExceeded, LimitedAdapter, time_left
from repmon.domain.errors import SourceUnavailable

RETRY_STATUSES = (429, 500, 502, 503, 504, 520, 522)


class CappedRetry(Retry):
    """urllib3 `Retry` whose `Retry-After` sleep is bounded by `max_retry_after` seconds."""

    max_retry_after: float = 30.0

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        seconds = _asked_wait(self, response)
        return None if seconds is None else min(seconds, self.max_retry_after)

    def new(self, **kw: Any) -> CappedRetry:
        retry = super().new(**kw)
        retry.max_retry_after = self.max_retry_after
        return retry  # type: ignore[return-value]

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        """Wait before the next attempt, unless that wait (the server's, uncapped) ends past the deadline."""
        left = time_left()
        if left is not None:
            asked = _asked_wait(self, response) if response is not None else None
            wait = self.get_backoff_time() if asked is None else asked
            if left <= 0 or wait >= left:
                raise DeadlineExceeded(
                    f"a retry after {wait:.0f} s would end past the deadline ({left:.0f} s left)"
                )
        super().sleep(response)


def _asked_wait(retry: Retry, response: BaseHTTPResponse) -> float | None:
    """The wait a 429 asks for: `Retry-After`, else `RateLimit-Reset` (Bluesky's: epoch seconds, or
    seconds from now when small, as the IETF draft writes it) or X's `x-rate-limit-reset` (epoch
    seconds; X sends no Retry-After); None when it names none."""
    seconds = Retry.get_retry_after(retry, response)
    if seconds is not None or response.status != 429:
        return seconds
    try:
        headers = response.headers
        reset = float(headers.get("RateLimit-Reset") or headers.get("x-rate-limit-reset") or "")
    except ValueError:
        return None
    if not math.isfinite(reset):
        return None
    return max(0.0, reset - time.time() if reset > _EPOCH_2001 else reset)


#: A RateLimit-Reset above this is a moment (epoch seconds), below it a number of seconds.
_EPOCH_2001 = 1_000_000_000


def new_session(
    *,
    total: int = 5,
    backoff_factor: float = 0.5,
    backoff_max: float = 20.0,
    max_retry_after: float = 30.0,
    timeout: float = 10.0,
    max_page_bytes: int = MAX_PAGE_BYTES,
    max_request_seconds: float = 60.0,
) -> requests.Session:
    """A session retrying 429/5xx (honouring Retry-After) at most `total` times, with a default per-read
    timeout, a total deadline per request (`max_request_seconds`, or the job's `deadline` if sooner) and a
    cap on the size of a page."""
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
    adapter = LimitedAdapter(timeout, max_page_bytes, max_request_seconds, max_retries=retry)
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
