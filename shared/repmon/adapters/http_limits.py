"""What bounds a request, whatever the server does: a total deadline, a page-size cap, capped waits.

requests' `timeout` is per socket read: a server that trickles one byte every few seconds never trips
it (one request held 162 s past a 10 s timeout), and urllib3's `Timeout(total=...)` bounds only the
connect and the first read, not a trickling body. So the session enforces a wall-clock deadline:

* `deadline(seconds)` sets it for every request made in the block (a context variable: one per job,
  read by every session, praw's included; threads started inside do not inherit it). Each request
  also gets at most `max_request_seconds` of its own, so a request outside any job is bounded too.
* Connect and read timeouts are clipped to the time left; a watchdog shuts the socket at the deadline
  while headers are read and while the body streams, so a trickle ends there, not at the next byte.
  A second watchdog spans the adapter's whole send, retries included: on a retried status urllib3
  drains the error body (`drain_conn`) before it retries, outside the first one, so it shuts the
  socket of every response the send has had (a 503 trickling its body took 16-64 s before).
* A body is streamed and stops at `max_bytes` (default `MAX_PAGE_BYTES`): `PageTooLarge`.
* Waits the server asks for are capped by the time left: a `Retry-After` (urllib3's retry) or an
  `x-ratelimit-reset` (prawcore's limiter, which would sleep it out) longer than the time left fails the
  request at once with `DeadlineExceeded` instead of sleeping into the deadline.

Both errors are `requests.RequestException`s, so `get_json` and praw report them as the source being
unavailable for this poll: the job stores nothing from that fetch and its cursor does not move.
"""

from __future__ import annotations

import math
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from datetime import datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

#: Pages larger than this fail the poll: a real page of 100 posts or hits is well under 2 MiB, and a
#: 200 MB page would take most of the collector's 512 MB to hold and decode.
MAX_PAGE_BYTES = 8 * 1024 * 1024
_CHUNK = 64 * 1024
_END: ContextVar[float | None] = ContextVar("repmon_http_deadline", default=None)
#: The responses the current adapter send has had (one per attempt, retries included).
_SENT: ContextVar[list[Any] | None] = ContextVar("repmon_http_connections", default=None)


class DeadlineExceeded(requests.RequestException):
    """The request could not finish, or a wait it was asked for could not end, before the deadline."""


class PageTooLarge(requests.RequestException):
    """The response body is larger than the session's cap."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every request in this block ends within `seconds` from now (or an outer, earlier deadline)."""
    end = time.monotonic() + max(0.0, seconds)
    outer = _END.get()
    token = _END.set(end if outer is None else min(outer, end))
    try:
        yield
    finally:
        _END.reset(token)


def time_left() -> float | None:
    """Seconds until the current deadline (negative once past), or None outside any deadline."""
    end = _END.get()
    return None if end is None else end - time.monotonic()


@contextmanager
def watchdog(stop: Callable[[], object]) -> Iterator[None]:
    """Call `stop` (from a timer thread) if the block is still running at the deadline."""
    left = time_left()
    if left is None:
        yield
        return
    timer = threading.Timer(max(0.0, left), _quietly, (stop,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _quietly(stop: Callable[[], object]) -> None:
    # Already closed or released to the pool: nothing left to stop.
    with suppress(OSError, ValueError, RuntimeError, AttributeError):
        stop()


def _shutdown(conn: HTTPConnection) -> Callable[[], object]:
    return lambda: conn.sock.shutdown(socket.SHUT_RDWR) if conn.sock is not None else None


def _shutdown_all(responses: list[Any]) -> Callable[[], object]:
    def stop() -> None:
        for response in list(responses):
            _quietly(response.shutdown)  # its socket: the connection may already have let go of it

    return stop


def _tracked(response: Any) -> Any:
    sent = _SENT.get()
    if sent is not None:
        sent.append(response)
    return response


class _Connection(HTTPConnection):
    def getresponse(self) -> Any:  # the status line and headers: a trickle there is bounded too
        with watchdog(_shutdown(self)):
            return _tracked(super().getresponse())


class _TLSConnection(HTTPSConnection):
    def getresponse(self) -> Any:
        with watchdog(_shutdown(self)):
            return _tracked(super().getresponse())


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


class LimitedAdapter(HTTPAdapter):
    """An `HTTPAdapter` enforcing the deadline, the page cap and a default per-read timeout."""

    def __init__(self, timeout: float, max_bytes: int, max_request_seconds: float, **kwargs: Any) -> None:
        self.default_timeout = timeout
        self.max_bytes = max_bytes
        self.max_request_seconds = max_request_seconds
        #: When the server's rate limit allows the next request (monotonic), if past a deadline.
        self.not_before = 0.0
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None, **kwargs: Any
    ) -> requests.Response:
        job_left = time_left()
        self._wait_for_rate_limit(job_left)
        with deadline(self.max_request_seconds):
            left = time_left() or 0.0
            if left <= 0:
                raise DeadlineExceeded("no time left for the request", request=request)
            clipped = _clip(self.default_timeout if timeout is None else timeout, left)
            sent: list[Any] = []
            token = _SENT.set(sent)
            try:
                with watchdog(_shutdown_all(sent)):  # retries' drains of error bodies too
                    response = super().send(request, stream=True, timeout=clipped, **kwargs)
                    if not stream:
                        _read_capped(response, self.max_bytes)
            except (DeadlineExceeded, PageTooLarge):
                raise
            except requests.RequestException as exc:
                if not _deadline_caused(exc):
                    raise
                raise DeadlineExceeded(f"deadline reached: {type(exc).__name__}", request=request) from exc
            finally:
                _SENT.reset(token)
        self._cap_rate_limit(response, job_left)
        return response

    def _wait_for_rate_limit(self, left: float | None) -> None:
        wait = self.not_before - time.monotonic()
        if wait <= 0:
            return
        if left is None or wait >= left:
            raise DeadlineExceeded(f"rate limited for {wait:.0f} s more, past the deadline")
        time.sleep(wait)

    def _cap_rate_limit(self, response: requests.Response, left: float | None) -> None:
        """prawcore sleeps out `x-ratelimit-reset` before its next request: never past the deadline."""
        if "x-ratelimit-reset" not in response.headers:
            return
        try:
            reset = float(response.headers["x-ratelimit-reset"])
            remaining = float(response.headers.get("x-ratelimit-remaining", "1"))
        except ValueError:  # prawcore's int() would raise outside any handler: read it as no limit given
            if _mastodon_limits(response.headers):
                return  # Mastodon's (an ISO reset, a numeric remaining): its adapter reads them
            for name in ("x-ratelimit-reset", "x-ratelimit-remaining", "x-ratelimit-used"):
                response.headers.pop(name, None)
            return
        if left is None or not math.isfinite(reset) or reset < left:
            return
        if remaining <= 0:  # no request allowed until the reset: the next one fails at once, here
            self.not_before = time.monotonic() + reset
            response.headers["x-ratelimit-reset"] = "0"
        else:
            response.headers["x-ratelimit-reset"] = str(max(0, int(left)))


def _mastodon_limits(headers: Any) -> bool:
    """Mastodon's `X-RateLimit-*` (reset as an ISO 8601 date): no praw reads those responses."""
    try:
        float(headers.get("x-ratelimit-remaining", ""))
        datetime.fromisoformat(str(headers["x-ratelimit-reset"]).replace("Z", "+00:00"))
    except (ValueError, KeyError):
        return False
    return True


def _clip(timeout: Any, left: float) -> Any:
    if isinstance(timeout, int | float):
        return min(float(timeout), left)
    if isinstance(timeout, tuple):
        return tuple(None if t is None else min(float(t), left) for t in timeout)
    return timeout


def _read_capped(response: requests.Response, max_bytes: int) -> None:
    """Read the body into `response.content`, under the watchdog, stopping at `max_bytes`."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        response.close()
        raise PageTooLarge(f"page of {declared} bytes is over the {max_bytes} byte cap", response=response)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(_CHUNK):  # under the send's watchdog
        size += len(chunk)
        if size > max_bytes:
            response.close()
            raise PageTooLarge(f"page over the {max_bytes} byte cap", response=response)
        chunks.append(chunk)
    left = time_left()
    if left is not None and left <= 0:  # the watchdog cut the body short: never parse half a page
        response.close()
        raise DeadlineExceeded("deadline reached while reading the body", response=response)
    response._content = b"".join(chunks)  # what requests itself does once it has read a body


def _deadline_caused(exc: BaseException) -> bool:
    """Whether `exc` came from the deadline: raised by it (perhaps wrapped by requests) or after it."""
    left = time_left()
    if left is not None and left <= 0:
        return True
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, DeadlineExceeded) or any(isinstance(a, DeadlineExceeded) for a in seen.args):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
