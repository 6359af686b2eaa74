"""A tiny real HTTP server on 127.0.0.1 that answers recorded backend responses.

Tests of the Prometheus and Slurm sources use it so that the sources' real
``requests`` path (sessions, headers, POST bodies, status codes) is exercised.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

_ROOT = Path(__file__).resolve().parents[1]
_CANDIDATES = (
    _ROOT.parent / "shared" / "fixtures",  # ../shared/fixtures beside the repository
    _ROOT / "shared" / "fixtures",
)
FIXTURES = next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0])
"""The recorded real backend responses (never edited)."""


@dataclass
class Request:
    """One request the server received."""

    method: str
    path: str
    params: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


Reply = tuple[int, str, bytes]
Route = Reply | Callable[[Request], Reply]


@dataclass
class FakeBackend:
    """Serve ``routes`` (path -> reply or function of the request) on an ephemeral port."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        backend = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                params = parse_qs(parts.query)
                if self.command == "POST" and "form-urlencoded" in (
                    self.headers.get("Content-Type") or ""
                ):
                    params.update(parse_qs(body.decode()))
                req = Request(self.command, parts.path, params, dict(self.headers), body)
                backend.requests.append(req)
                route = backend.routes.get(parts.path)
                if route is None:
                    status, ctype, data = 404, "text/plain", b"not found"
                elif callable(route):
                    status, ctype, data = route(req)
                else:
                    status, ctype, data = route
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = _answer
            do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeBackend:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def json_reply(data: bytes | str, status: int = 200) -> Reply:
    """A JSON reply from bytes or text."""
    raw = data.encode() if isinstance(data, str) else data
    return status, "application/json", raw


def fixture_reply(relative: str, status: int = 200) -> Reply:
    """A reply with a recorded fixture's bytes (JSON, or plain text for ``.txt``)."""
    path = FIXTURES / relative
    ctype = "text/plain" if path.suffix == ".txt" else "application/json"
    return status, ctype, path.read_bytes()
