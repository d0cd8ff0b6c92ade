"""A server on 127.0.0.1 in front of the fake platforms that misbehaves on the paths it is told to.

Every request goes to the real fake (`FakeSources`) first, so praw's OAuth, Algolia's paging and the
RSS feed stay real; a matching path then gets its answer the hostile way: a byte at a time, never,
far too large, or with a wait the server asks for. Nothing here sleeps for long: every trickle and
hang ends when the test stops the server (or after `give_up` seconds).
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

KINDS = (
    "trickle_body",  # status and headers at once, then one byte every `interval` s
    "trickle_headers",  # the status line and headers one byte every `interval` s
    "trickle_503",  # a 503 (retried) whose 64-byte error body comes one byte every `interval` s
    "hang",  # reads the request, answers nothing
    "oversized",  # a 200 with a body of `size` bytes, Content-Length given
    "oversized_unannounced",  # the same with no Content-Length (the body ends when the socket closes)
    "retry_after",  # 429 with Retry-After: 3600
    "rate_limited",  # the real answer, with Reddit's headers saying no request for 3600 s
    "garbled_rate_limit",  # the real answer, with rate-limit headers that are not numbers
)


@dataclass
class Misbehaviour:
    kind: str
    path: str
    interval: float = 0.25
    size: int = 3_000_000


class Misbehaving:
    """`with Misbehaving(fake.base_url) as bad: bad.misbehave(Misbehaviour("hang", "/search"))`."""

    def __init__(self, upstream: str, give_up: float = 60.0) -> None:
        self.upstream = urlsplit(upstream)
        self.give_up = give_up
        self.rule: Misbehaviour | None = None
        self.stopped = threading.Event()
        self.served = 0
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def misbehave(self, rule: Misbehaviour | None) -> None:
        self.rule = rule

    def __enter__(self) -> Misbehaving:
        self._thread.daemon = True
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self._server.shutdown()
        self._server.server_close()

    def forward(
        self, method: str, path: str, headers: Any, body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(
            self.upstream.hostname or "127.0.0.1", self.upstream.port, timeout=10
        )
        try:
            wanted = {k: v for k, v in headers.items() if k.lower() not in ("host", "connection")}
            conn.request(method, path, body=body or None, headers=wanted)
            reply = conn.getresponse()
            return reply.status, reply.getheaders(), reply.read()
        finally:
            conn.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: Misbehaving) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.owner = owner


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Each write leaves at once (a trickle byte by byte, headers then body): no Nagle delay
        # waiting on the client's delayed ACK (as the fake sources' server, localstack.fakes.server).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # why: keep test output clean
        return

    def do_GET(self) -> None:
        self._serve(b"")

    def do_POST(self) -> None:
        self._serve(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def _serve(self, body: bytes) -> None:
        owner = self.server.owner
        status, headers, data = owner.forward(self.command, self.path, self.headers, body)
        rule = owner.rule
        owner.served += 1
        plain = rule is None or rule.path not in urlsplit(self.path).path
        try:
            if plain or rule is None:
                self._reply(status, headers, data)
            else:
                self._misbehave(rule, status, headers, data)
        except OSError:  # the client gave up, as it should
            pass

    def _reply(
        self, status: int, headers: list[tuple[str, str]], data: bytes, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        replaced = {"content-length", "connection", "transfer-encoding", "date", "server", *(extra or {})}
        for name, value in headers:
            if name.lower() not in replaced:
                self.send_header(name, value)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _misbehave(
        self, rule: Misbehaviour, status: int, headers: list[tuple[str, str]], data: bytes
    ) -> None:
        owner = self.server.owner
        if rule.kind == "retry_after":
            self._reply(
                429, [("Content-Type", "application/json")], b'{"error": 429}', {"Retry-After": "3600"}
            )
        elif rule.kind == "rate_limited":
            limits = {"x-ratelimit-remaining": "0", "x-ratelimit-used": "600", "x-ratelimit-reset": "3600"}
            self._reply(status, headers, data, limits)
        elif rule.kind == "garbled_rate_limit":
            garbled = {"x-ratelimit-remaining": "lots", "x-ratelimit-used": "1", "x-ratelimit-reset": "soon"}
            self._reply(status, headers, data, garbled)
        elif rule.kind == "hang":
            owner.stopped.wait(owner.give_up)
        elif rule.kind == "trickle_headers":
            head = f"HTTP/1.0 200 OK\r\nContent-Length: {len(data)}\r\n\r\n".encode()
            self._trickle(head + data, rule.interval)
        elif rule.kind == "trickle_503":  # urllib3 drains an error body before each retry
            self.wfile.write(b"HTTP/1.0 503 Service Unavailable\r\nContent-Length: 64\r\n\r\n")
            self._trickle(b"x" * 64, rule.interval)
        elif rule.kind == "trickle_body":
            self.wfile.write(f"HTTP/1.0 200 OK\r\nContent-Length: {len(data)}\r\n\r\n".encode())
            self._trickle(data, rule.interval)
        else:
            self._oversized(rule)

    def _trickle(self, data: bytes, interval: float) -> None:
        owner = self.server.owner
        until = time.monotonic() + owner.give_up
        for i in range(len(data)):
            if owner.stopped.wait(interval) or time.monotonic() > until:
                return
            self.wfile.write(data[i : i + 1])
            self.wfile.flush()

    def _oversized(self, rule: Misbehaviour) -> None:
        # Valid JSON all the way through: only its size is wrong.
        body = b'{"pad": "' + b"x" * rule.size + b'"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if rule.kind == "oversized":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for start in range(0, len(body), 65536):
            self.wfile.write(body[start : start + 65536])
