"""Local stand-ins for Reddit, HN Algolia and the App Store RSS feed: one real HTTP server on 127.0.0.1.

The real clients (praw, requests) talk to it, so tests and the demo exercise the same code as production.
Responses have the exact shapes of the real APIs (Listing/t1/t2/t3/t5 things, Algolia hits, label-wrapped
RSS JSON); the content is whatever a `SourceWorld` holds. An item is visible only once its created time is
at or before `world.now`, so a demo can stream a crisis over simulated time.

    world = SourceWorld(now=datetime(2026, 11, 1, tzinfo=UTC))
    with FakeSources(world) as fake:
        world.add_reddit_post(title="Acme is down again", subreddit="sysadmin")
        reddit = build_reddit(creds, fake.reddit_url, fake.reddit_url)

This module is the server and its router; the world lives in `fake_world` (records in `fake_records`)
and each platform's shapes in `fake_reddit`, `fake_hackernews` and `fake_appstore`.
"""

from __future__ import annotations

import importlib
import json
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from repmon.domain.source_registry import POLLED
from repmon.localstack.fakes.world import LoggedRequest, Reply, SourceWorld

__all__ = ["FakeSources", "LoggedRequest", "SourceWorld"]

Route = Callable[[SourceWorld, str, str, dict[str, str], Any], Reply | None]
_NOT_FOUND = {"message": "Not Found", "error": 404}


class FakeSources:
    """The HTTP server; `start()`/`stop()` or use it as a context manager."""

    def __init__(self, world: SourceWorld | None = None) -> None:
        self.world = world or SourceWorld()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakeSources:
        if self._server is None:
            self._server = _Server(self.world)
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSources:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSources is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def reddit_url(self) -> str:
        """Both praw's `oauth_url` and `reddit_url`."""
        return self.base_url

    @property
    def hackernews_url(self) -> str:
        return f"{self.base_url}/api/v1"

    @property
    def appstore_url(self) -> str:
        return self.base_url

    def collector_env(self) -> dict[str, str]:
        """The collector's endpoint settings (runtime.settings) pointed at these local sources."""
        return {
            "REDDIT_OAUTH_URL": self.reddit_url,
            "REDDIT_URL": self.reddit_url,
            "HACKERNEWS_API_URL": self.hackernews_url,
            "APPSTORE_RSS_URL": self.appstore_url,
            "BLUESKY_SERVICE_URL": self.base_url,
            "GOOGLE_PLAY_API_URL": self.base_url,
            "GOOGLE_PLAY_TOKEN_URL": f"{self.base_url}/google-oauth2/token",
            "APPSTORE_CONNECT_URL": self.base_url,
            "YOUTUBE_API_URL": f"{self.base_url}/youtube/v3",
            "X_API_URL": self.base_url,
            "TRUSTPILOT_API_URL": self.base_url,
            "GOOGLE_OAUTH_URL": f"{self.base_url}/google-oauth",
            "GOOGLE_BUSINESS_URL": self.base_url,
            "GOOGLE_PLACES_URL": self.base_url,
            "YELP_API_URL": self.base_url,
        }


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, world: SourceWorld) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.world = world


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # The headers and the body go out as two writes: with Nagle's algorithm the body waits for
        # the client's ACK of the headers, which the client delays (40 ms on Linux) on a kept-alive
        # connection. Every request paid it: 43 ms for an empty answer, 1 ms without.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # why: keep test output clean
        return

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        # A form (an OAuth token request) reads as query parameters, as servers treat it.
        form = "application/x-www-form-urlencoded" in (self.headers.get("Content-Type") or "")
        self._serve("POST", body.decode("utf-8", "replace") if form else "")

    def _serve(self, method: str, form: str = "") -> None:
        world = self.server.world
        parts = urlsplit(self.path)
        path = unquote(parts.path).rstrip("/") or "/"
        parsed = parse_qs(parts.query) | parse_qs(form)
        query = {k: v[-1] for k, v in parsed.items()}
        # A repeated parameter (Bluesky's actors=a&actors=b) is also given whole, one value a line.
        query |= {f"{k}[]": "\n".join(v) for k, v in parsed.items() if len(v) > 1}
        fault = world.take_fault(path)
        body: object
        if fault is not None:
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            status, body = fault.status, {"message": "injected fault", "error": fault.status}
        else:
            status, body, headers = _route(world, method, path, query, self.headers)
        world.log(LoggedRequest(method, path, query, status))
        self._send(status, body, headers)

    def _send(self, status: int, body: object, headers: dict[str, str]) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        if "Content-Type" not in headers:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _routes() -> list[Route]:
    """Each source's fake (the registry's `fake`): one server for all, their paths do not overlap."""
    found = []
    for spec in POLLED.values():
        module, _, name = spec.fake.partition(":")
        found.append(getattr(importlib.import_module(module), name))
    return found


def _route(world: SourceWorld, method: str, path: str, query: dict[str, str], headers: Any) -> Reply:
    for route in _ROUTES:
        reply = route(world, method, path, query, headers)
        if reply is not None:
            return reply
    return 404, _NOT_FOUND, {}


_ROUTES = _routes()
