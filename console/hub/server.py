"""Serve a :class:`SimulatedHub` over HTTP on the loopback interface.

The server speaks the hub API described by :mod:`console.hub.openapi`, plus
``/metrics`` (dcgm-exporter text format) and ``/healthz``. A ticker thread
advances the simulation every ``tick_s`` seconds of wall time.
"""

from __future__ import annotations

import gzip
import hmac
import json
import logging
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from console.hub.jobfeed import JobFeed
from console.hub.openapi import openapi_document
from console.hub.sim import SimulatedHub

log = logging.getLogger(__name__)

GZIP_MIN_BYTES = 32_768
MAX_BODY_BYTES = 65_536


def encode_json(payload: Any) -> bytes:
    """Compact JSON bytes; NaN is refused (the contract has no NaN)."""
    return json.dumps(payload, allow_nan=False, separators=(",", ":")).encode()


WARMED_ENDPOINTS = ("racks", "gpus")
"""Whole-site documents encoded on the clock's thread right after each tick (the job queue,
~2.4 MB at full scale, is encoded at most once per tick, when a client asks for it)."""


class _Error(Exception):
    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _number(query: dict[str, list[str]], name: str, kind: type = float) -> Any:
    values = query.get(name)
    if not values or values[0] == "":
        return None
    try:
        return kind(values[0])
    except ValueError:
        raise _Error(HTTPStatus.BAD_REQUEST, f"query parameter {name!r} must be a number") from None


class _Handler(BaseHTTPRequestHandler):
    server: HubHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "TetouanHub/1.0"
    # Headers and body go out in separate writes: without this, Nagle's algorithm and the
    # client's delayed ACK add ~40 ms to every response on keep-alive connections.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s %s", self.address_string(), format % args)

    # -- plumbing -----------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str) -> None:
        if len(body) >= GZIP_MIN_BYTES and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=1)
            encoding = "gzip"
        else:
            encoding = None
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, encode_json(payload), "application/json")

    def _cached_json(self, endpoint: str, build: Any) -> None:
        """Send a whole-site document, encoded once per simulation tick for every client."""
        self._send(HTTPStatus.OK, self.server.encoded(endpoint, build), "application/json")

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._json(status, {"error": message, "status": int(status)})

    def _authorised(self) -> bool:
        token = self.server.token
        if not token:
            return True
        given = self.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise _Error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large")
        raw = self.rfile.read(length) if length else b"{}"
        try:
            return json.loads(raw)
        except ValueError:
            raise _Error(HTTPStatus.BAD_REQUEST, "request body is not valid JSON") from None

    # -- routing ------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._dispatch(self._get)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        self._dispatch(self._get)

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        self._dispatch(self._post)

    def _dispatch(self, route: Any) -> None:
        try:
            route()
        except _Error as exc:
            self._error(exc.status, exc.message)
        except ValueError as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc))
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception:  # a bug in the simulation must not kill the server thread
            log.exception("error serving %s", self.path)
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error")

    def _get(self) -> None:
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        query = parse_qs(url.query)
        hub = self.server.hub
        if path == "/healthz":
            status = "outage" if hub.outage else "ok"
            code = HTTPStatus.SERVICE_UNAVAILABLE if hub.outage else HTTPStatus.OK
            self._json(code, {"status": status, "time": hub.now, "scale": hub.scale})
            return
        if path == "/openapi.json":
            self._json(HTTPStatus.OK, self.server.openapi)
            return
        if path == "/metrics":
            detail = (query.get("detail") or ["gpu"])[0]
            if detail not in ("gpu", "rack"):
                raise _Error(HTTPStatus.BAD_REQUEST, "detail must be 'gpu' or 'rack'")
            text = hub.metrics_text(detail)
            self._send(HTTPStatus.OK, text.encode(), "text/plain; version=0.0.4; charset=utf-8")
            return
        if not path.startswith("/api/v1/"):
            raise _Error(HTTPStatus.NOT_FOUND, f"no such endpoint: {path}")
        if not self._authorised():
            raise _Error(HTTPStatus.UNAUTHORIZED, "missing or wrong bearer token")
        if hub.outage:
            raise _Error(HTTPStatus.SERVICE_UNAVAILABLE, "hub API unavailable (outage)")
        if path == "/api/v1/site":
            self._json(HTTPStatus.OK, hub.site())
        elif path == "/api/v1/racks":
            self._cached_json("racks", hub.racks)
        elif path.startswith("/api/v1/racks/"):
            rack_id = unquote(path.removeprefix("/api/v1/racks/"))
            rack = hub.rack(rack_id)
            if rack is None:
                raise _Error(HTTPStatus.NOT_FOUND, f"no such rack: {rack_id}")
            self._json(HTTPStatus.OK, rack)
        elif path == "/api/v1/gpus/unhealthy":
            self._cached_json("gpus", hub.unhealthy_gpus)
        elif path == "/api/v1/power":
            start, end, step = (_number(query, n) for n in ("start", "end", "step"))
            self._json(HTTPStatus.OK, hub.power(start, end, step))
        elif path == "/api/v1/jobs":
            feed = self.server.follow_jobs()
            since = (query.get("since") or [""])[0]
            changes = feed.changes(since) if since else None
            if changes is not None:
                self._json(HTTPStatus.OK, changes)
            else:
                self._cached_json("jobs", feed.full)
        elif path == "/api/v1/events":
            after = _number(query, "since", int) or 0
            self._json(HTTPStatus.OK, hub.events(after))
        else:
            raise _Error(HTTPStatus.NOT_FOUND, f"no such endpoint: {path}")

    def _post(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        hub = self.server.hub
        if not path.startswith("/api/v1/"):
            raise _Error(HTTPStatus.NOT_FOUND, f"no such endpoint: {path}")
        if not self._authorised():
            raise _Error(HTTPStatus.UNAUTHORIZED, "missing or wrong bearer token")
        body = self._body()
        self.server.forget_encoded()  # a fault changes the site before the next tick
        if not isinstance(body, dict):
            raise _Error(HTTPStatus.BAD_REQUEST, "request body must be a JSON object")
        if path == "/api/v1/sim/faults":
            kind = body.get("kind")
            params = body.get("params") or {}
            if not isinstance(kind, str) or not isinstance(params, dict):
                raise _Error(HTTPStatus.BAD_REQUEST, "expected {kind, target?, params?}")
            if body.get("clear"):
                hub.clear_fault(kind, body.get("target"))
                self._json(HTTPStatus.OK, {"cleared": kind, "target": body.get("target")})
            else:
                self._json(HTTPStatus.OK, hub.inject(kind, body.get("target"), **params))
        elif path == "/api/v1/sim/outage":
            hub.set_outage(bool(body.get("on")))
            self._json(HTTPStatus.OK, {"on": hub.outage})
        else:
            raise _Error(HTTPStatus.NOT_FOUND, f"no such endpoint: {path}")


class HubHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one :class:`SimulatedHub`."""

    daemon_threads = True
    allow_reuse_address = True
    """A stopped hub's port binds again at once, even while a client still holds a
    connection to it or the old connections linger in TIME_WAIT (a restarted hub)."""

    def __init__(self, hub: SimulatedHub, host: str, port: int, token: str | None) -> None:
        self.hub = hub
        self.token = token
        self.openapi = openapi_document()
        self._encoded: dict[str, tuple[Any, bytes]] = {}
        self._encode_lock = threading.Lock()
        self._generation = 0  # bumped when a fault changes the site between ticks
        self.jobs = JobFeed()
        super().__init__((host, port), _Handler)

    def _state(self) -> Any:
        tick = getattr(self.hub, "_tick", None)
        return None if tick is None else (tick, self._generation)

    def follow_jobs(self) -> JobFeed:
        """The job feed, following the hub's queue as of its current tick."""
        self.jobs.follow(self._state(), self.hub.jobs)
        return self.jobs

    def encoded(self, endpoint: str, build: Any) -> bytes:
        """The JSON of ``build()`` for the hub's current tick, encoded at most once."""
        tick = self._state()
        with self._encode_lock:
            cached = self._encoded.get(endpoint)
            if cached is not None and tick is not None and cached[0] == tick:
                return cached[1]
        body = encode_json(build())
        with self._encode_lock:
            self._encoded[endpoint] = (tick if tick is not None else -1, body)
        return body

    def forget_encoded(self) -> None:
        with self._encode_lock:
            self._encoded.clear()
            self._generation += 1

    def warm(self) -> None:
        """Encode the rack and GPU documents ahead of the clients (on the clock's thread).

        The job queue is not: clients that follow it ask for changes only, and the
        whole queue (2.4 MB, one long encoding) is built when someone asks for it."""
        hub = self.hub
        builds = {"racks": hub.racks, "gpus": hub.unhealthy_gpus}
        for endpoint in WARMED_ENDPOINTS:
            self.encoded(endpoint, builds[endpoint])


class HubServer:
    """Run the simulated hub's HTTP API and its clock in background threads.

    ``HubServer(hub).start()`` binds ``127.0.0.1`` on ``port`` (0 picks a free one),
    serves until :meth:`stop`. Raises :class:`OSError` if the port is taken.
    """

    def __init__(
        self,
        hub: SimulatedHub,
        host: str = "127.0.0.1",
        port: int = 0,
        tick_s: float = 2.0,
        token: str | None = None,
    ) -> None:
        self.hub = hub
        self.tick_s = tick_s
        self._httpd = HubHTTPServer(hub, host, port, token)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = self._httpd.server_address[0]
        if not isinstance(host, str):  # socketserver's type allows bytes; an IP socket gives str
            host = host.decode()
        return f"http://{host}:{self.port}"

    def start(self) -> HubServer:
        serve = threading.Thread(target=self._httpd.serve_forever, name="hub-http", daemon=True)
        tick = threading.Thread(target=self._tick, name="hub-clock", daemon=True)
        self._threads = [serve, tick]
        for thread in self._threads:
            thread.start()
        return self

    def _tick(self) -> None:
        while not self._stop.wait(self.tick_s):
            try:
                self.hub.step(time.time())
                self._httpd.warm()
            except Exception:
                log.exception("simulation step failed")

    def stop(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
