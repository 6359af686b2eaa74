"""Serve a :class:`SimulatedHub` over HTTP on the loopback interface.

The server speaks the hub API described by :mod:`console.hub.openapi`, plus
``/metrics`` (dcgm-exporter text format) and ``/healthz``. A ticker thread
advances the simulation every ``tick_s`` seconds of wall time.

The shift log (``/api/v1/log``) lives in its own SQLite file (``log_db``; opened by the
warm-up that follows the server's first answer, or at the first log request if sooner).
Without a simulated hub (``hub=None``) the server keeps only the shift log: ``main.py hub
--log-only``, for sites whose telemetry comes from Prometheus and Slurm.
"""

from __future__ import annotations

import contextlib
import copy
import gzip
import hmac
import ipaddress
import json
import logging
import math
import re
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Container, Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

import msgspec

from console.contract import FORECAST_DEFAULT_HOURS, FORECAST_MAX_HOURS, LOG_MAX_BODY_BYTES
from console.hub.jobfeed import JobFeed
from console.hub.openapi import openapi_document
from console.hub.params import EVENTS_KEEP
from console.hub.sim import SimulatedHub
from console.hub.sim.power import default_window
from console.shiftlog.files import LogStoreError, default_sim_log_path

if TYPE_CHECKING:
    from console.shiftlog.store import LogStore

log = logging.getLogger(__name__)

GZIP_MIN_BYTES = 32_768
MAX_BODY_BYTES = LOG_MAX_BODY_BYTES
_LOG_CLEAR = re.compile(r"/api/v1/log/([^/]+)/clear")


def encode_json(payload: Any) -> bytes:
    """Compact UTF-8 JSON bytes (msgspec: the 172 kB rack document in about a quarter of
    json.dumps' time). The contract has no NaN: a value that is not finite goes out as
    null, what the contract says of a missing value."""
    return msgspec.json.encode(payload)


def on_this_machine(host: str) -> bool:
    """Whether a client's address is a loopback one (IPv4, IPv6, or IPv4 mapped in IPv6)."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool((mapped or address).is_loopback)


WARM_UP_AFTER_S = 0.5
"""How long a started server's warm-up waits for its first request to be answered before
it begins anyway."""
_SITE_MARK = -1.2345678901234567e-300
"""A ``time`` no site document has: where the time goes in the encoded layout."""

GIVE_WAY_QUIET_S = 0.1
"""The clock's step waits until the server has answered nothing for this long (a client's
poll is over) ..."""
GIVE_WAY_MAX_S = 0.5
"""... for at most this long (and a quarter of the tick), so that clients that never stop
asking do not stop the clock. The simulated hub computes a tick under one interpreter
lock with its answers (15 ms of step and ~25 ms of documents at full scale, four times
that at four times the site): a poll that met it would wait that long, where a real hub
answers while it collects. The tick's documents carry its own time."""

TICK_SWITCH_INTERVAL_S = 0.0005
"""The interpreter's switch interval while the clock computes a tick (normally 5 ms): a
request that meets the tick is answered from the last one, and needs the interpreter lock
a few times to be read and answered; each time it waits for the clock's thread to let go
of the lock at most this long."""
_switch_lock = threading.Lock()
_switch_users = 0
_switch_before = 0.005


@contextlib.contextmanager
def _short_switch_interval() -> Iterator[None]:
    """:data:`TICK_SWITCH_INTERVAL_S` as the interpreter's switch interval meanwhile (the
    one before put back when the last clock of this process is done)."""
    global _switch_users, _switch_before
    with _switch_lock:
        if _switch_users == 0:
            _switch_before = sys.getswitchinterval()
            sys.setswitchinterval(min(TICK_SWITCH_INTERVAL_S, _switch_before))
        _switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_before)


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


def _hours(query: dict[str, list[str]]) -> int:
    """``hours`` of ``/api/v1/forecast``: a whole number from 1 to FORECAST_MAX_HOURS."""
    values = query.get("hours")
    if not values:
        return FORECAST_DEFAULT_HOURS
    raw = values[0].strip()
    if not (len(raw) <= 3 and raw.isascii() and raw.isdigit() and 1 <= int(raw) <= FORECAST_MAX_HOURS):
        raise _Error(HTTPStatus.BAD_REQUEST,
                     f"query parameter 'hours' must be a whole number from 1 to {FORECAST_MAX_HOURS}")
    return int(raw)


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
        # A big answer is compressed for a client that takes gzip, except for one on this
        # machine: over loopback, compressing and inflating cost more than the bytes saved.
        if (len(body) >= GZIP_MIN_BYTES and "gzip" in self.headers.get("Accept-Encoding", "")
                and not on_this_machine(str(self.client_address[0]))):
            body = gzip.compress(body, compresslevel=1)
            encoding = "gzip"
        else:
            encoding = None
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if self.close_connection:  # e.g. a body left unread: the client must not reuse it
            self.send_header("Connection", "close")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, encode_json(payload), "application/json")

    def _cached_json(self, endpoint: str, build: Any, version: Any = None) -> None:
        """Send a whole-site document, encoded once per simulation tick (or ``version()``)
        for every client."""
        self._send(HTTPStatus.OK, self.server.encoded(endpoint, build, version),
                   "application/json")

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
        if length < 0:
            self.close_connection = True  # where this request ends is unknown
            raise _Error(HTTPStatus.BAD_REQUEST, "Content-Length must not be negative")
        if length > MAX_BODY_BYTES:
            self.close_connection = True  # the body is not read: the connection cannot go on
            raise _Error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                         f"request body too large (at most {MAX_BODY_BYTES} bytes)")
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
        if self.server.stopped:  # a request on a connection kept from before the stop
            self.close_connection = True
            return
        with self.server._busy_changed:
            self.server._busy += 1
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
        finally:
            with self.server._busy_changed:
                self.server._busy -= 1
                self.server.last_answer = time.monotonic()
                self.server._busy_changed.notify_all()
        self.server.answered.set()

    def _get(self) -> None:
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        query = parse_qs(url.query)
        hub = self.server.hub
        if path == "/healthz":
            if hub is None:
                self._json(HTTPStatus.OK,
                           {"status": "ok", "time": time.time(), "scale": "log-only"})
                return
            status = "outage" if hub.outage else "ok"
            code = HTTPStatus.SERVICE_UNAVAILABLE if hub.outage else HTTPStatus.OK
            self._json(code, {"status": status, "time": hub.now, "scale": hub.scale})
            return
        if path == "/openapi.json":
            self._json(HTTPStatus.OK, self.server.openapi)
            return
        if path == "/metrics" and hub is not None:
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
        if hub is not None and hub.outage:
            raise _Error(HTTPStatus.SERVICE_UNAVAILABLE, "hub API unavailable (outage)")
        if path == "/api/v1/log":
            self._log_list(query)
        elif hub is None:
            raise _Error(HTTPStatus.NOT_FOUND,
                         f"no such endpoint: {path} (this hub keeps only the shift log)")
        elif path == "/api/v1/site":
            self._send(HTTPStatus.OK, self.server.site_json(), "application/json")
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
            self._json(HTTPStatus.OK, self.server.power(start, end, step))
        elif path == "/api/v1/forecast":
            self._json(HTTPStatus.OK, hub.forecast(_hours(query)))
        elif path == "/api/v1/jobs":
            feed = self.server.follow_jobs()
            since = (query.get("since") or [""])[0]
            changes = feed.changes(since) if since else None
            if changes is not None:
                self._json(HTTPStatus.OK, changes)
            else:
                self._cached_json("jobs", feed.full, feed.version)
        elif path == "/api/v1/events":
            after = _number(query, "since", int) or 0
            self._json(HTTPStatus.OK, self.server.events(after))
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
        if not isinstance(body, dict):
            raise _Error(HTTPStatus.BAD_REQUEST, "request body must be a JSON object")
        if path == "/api/v1/log" or path.startswith("/api/v1/log/"):
            if hub is not None and hub.outage:
                raise _Error(HTTPStatus.SERVICE_UNAVAILABLE, "hub API unavailable (outage)")
            self._log_post(path, body)
            return
        if hub is None:
            raise _Error(HTTPStatus.NOT_FOUND,
                         f"no such endpoint: {path} (this hub keeps only the shift log)")
        self.server.forget_encoded()  # a fault changes the site before the next tick
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

    # -- the shift log ----------------------------------------------------------------------
    def _log_list(self, query: dict[str, list[str]]) -> None:
        since = _number(query, "since_rev", int)
        if since is not None and since < 0:
            raise _Error(HTTPStatus.BAD_REQUEST, "query parameter 'since_rev' must be 0 or more")
        only_open = (query.get("open") or ["0"])[0].lower()
        if only_open not in ("0", "1", "true", "false", ""):
            raise _Error(HTTPStatus.BAD_REQUEST, "query parameter 'open' must be 1 or 0")
        start, end = _number(query, "start"), _number(query, "end")
        for name, value in (("start", start), ("end", end)):
            if value is not None and not math.isfinite(value):
                raise _Error(HTTPStatus.BAD_REQUEST, f"query parameter {name!r} must be finite")
        entries, rev, more = self.server.log().changes(
            since or 0, open_only=only_open in ("1", "true"), start=start, end=end)
        self._json(HTTPStatus.OK, {"time": time.time(), "rev": rev, "more": more,
                                   "entries": [e.to_dict() for e in entries]})

    def _log_post(self, path: str, body: dict[str, Any]) -> None:
        from console.shiftlog.model import (
            LogConflict,
            LogError,
            LogNotFound,
            validate_new,
            validate_uid,
        )

        store = self.server.log()
        try:
            if path == "/api/v1/log":
                missing = [k for k in ("uid", "author", "category", "text") if k not in body]
                if missing:
                    raise LogError(f"missing field(s) {', '.join(missing)}")
                uid = validate_uid(body["uid"])
                entry = validate_new(body["text"], body["category"], body.get("links"),
                                     body["author"], body.get("open", False),
                                     racks=self.server.rack_ids())
                kept, created = store.add(entry, uid)
                self._json(HTTPStatus.CREATED if created else HTTPStatus.OK, kept.to_dict())
                return
            match = _LOG_CLEAR.fullmatch(path)
            if match is None:
                raise _Error(HTTPStatus.NOT_FOUND, f"no such endpoint: {path}")
            if "who" not in body:
                raise LogError("missing field who")
            self._json(HTTPStatus.OK, store.clear(unquote(match.group(1)), body["who"]).to_dict())
        except LogNotFound as exc:
            raise _Error(HTTPStatus.NOT_FOUND, str(exc)) from None
        except LogConflict as exc:
            self._json(HTTPStatus.CONFLICT, {"error": str(exc), "status": int(HTTPStatus.CONFLICT),
                                             "cleared_by": exc.cleared_by,
                                             "cleared_at": exc.cleared_at})
        except LogError as exc:
            raise _Error(HTTPStatus.BAD_REQUEST, str(exc)) from None


class _EventsCopy:
    """The hub's events as of its last tick (the last ``EVENTS_KEEP``, as the hub keeps
    them): what ``hub.events(since)`` answered then, answered while the next tick is
    computed."""

    def __init__(self) -> None:
        self._events: deque[dict[str, Any]] = deque(maxlen=EVENTS_KEEP)
        self._head: dict[str, Any] | None = None
        self._lock = threading.Lock()

    @property
    def empty(self) -> bool:
        return self._head is None

    def take(self, hub: Any) -> None:
        """Add the hub's events since the last taken (the caller holds the hub's lock)."""
        with self._lock:
            after = self._head["last_id"] if self._head is not None else 0
            answer = hub.events(after)
            self._events.extend(answer["events"])
            self._head = {k: v for k, v in answer.items() if k != "events"}

    def since(self, since: int) -> dict[str, Any]:
        """What the hub answered for ``since`` at the last :meth:`take`."""
        with self._lock:
            assert self._head is not None
            last, events = self._head["last_id"], self._events
            if not events or since >= last:
                picked: list[dict[str, Any]] = []
            else:
                picked = list(islice(events, max(0, since - events[0]["id"] + 1), None))
            return {**self._head, "events": picked}


class HubHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one :class:`SimulatedHub`."""

    daemon_threads = True
    allow_reuse_address = True
    """A stopped hub's port binds again at once, even while a client still holds a
    connection to it or the old connections linger in TIME_WAIT (a restarted hub)."""

    def __init__(self, hub: SimulatedHub | None, host: str, port: int, token: str | None,
                 log_db: str | Path | None = None) -> None:
        self.hub = hub
        self.token = token
        self.openapi = openapi_document(log_only=hub is None)
        self.log_db = Path(log_db) if log_db is not None else default_sim_log_path()
        self._log: LogStore | None = None
        self._log_lock = threading.Lock()
        self.stopped = False
        """Set by :meth:`close_connections`: nothing is answered any more."""
        self._open: set[Any] = set()
        self._open_lock = threading.Lock()
        self._encoded: dict[str, tuple[Any, bytes]] = {}
        self._encode_lock = threading.Lock()
        self._encoding: dict[str, threading.Lock] = {}
        """One per document: held while it is encoded (by the clock or a request)."""
        self._events = _EventsCopy()
        self._history: tuple[Any, Any, float] | None = None
        """(tick, copy of the hub's power history, the hub's time) as of the last tick."""
        self._generation = 0  # bumped when a fault changes the site between ticks
        self._site_parts: tuple[Any, bytes, bytes] | None = None
        self.jobs = JobFeed()
        self.answered = threading.Event()
        """Set once a request was answered (and at stop): :meth:`HubServer.start`'s warm-up
        waits for it, so the first client's first answer does not wait on the warm-up."""
        self._busy = 0
        self._busy_changed = threading.Condition()
        self.last_answer = -math.inf
        """``time.monotonic()`` when the last answer was sent."""
        self.ticking = False
        """Set by the clock while it computes a tick and makes its documents ready
        (:meth:`HubServer._tick`): requests are answered from the last tick meanwhile."""
        super().__init__((host, port), _Handler)

    def log(self, report: bool = True) -> LogStore:
        """The shift log, opened at its first use (or by the warm-up); 503 when its file
        cannot be used (said in the log unless ``report`` is false)."""
        with self._log_lock:
            if self.stopped:
                raise _Error(HTTPStatus.SERVICE_UNAVAILABLE, "the hub is stopping")
            if self._log is None:
                # loaded here: the log's model and store (sqlite-utils) are a tenth of a
                # second of a hub's start, and most hubs serve long before a log entry
                from console.shiftlog.store import LogStore

                try:
                    self._log = LogStore(self.log_db)
                except LogStoreError as exc:
                    if report:
                        log.error("%s", exc)
                    raise _Error(HTTPStatus.SERVICE_UNAVAILABLE,
                                 "the hub's shift log cannot be opened") from None
            return self._log

    def rack_ids(self) -> Container[str] | None:
        """The racks a log entry may link to (None: any; a hub that keeps only the log)."""
        topo = getattr(self.hub, "topo", None)
        return getattr(topo, "rack_index", None)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """A stopped hub answers no more: its open (kept-alive) connections are shut, so
        a client sees the hub gone, as it would see a stopped hub process."""
        self.stopped = True
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close_log(self) -> None:
        with self._log_lock:
            if self._log is not None:
                self._log.close()
                self._log = None

    def _state(self) -> Any:
        tick = getattr(self.hub, "_tick", None)
        return None if tick is None else (tick, self._generation)

    @contextlib.contextmanager
    def _hub_held(self, wait: bool = True) -> Iterator[bool]:
        """Hold the simulated hub's lock (True); without ``wait``, False at once while the
        clock computes the next tick and makes its documents ready (:attr:`ticking`: at
        full scale ~15 ms of step, ~25 ms of documents; four times that at four times the
        site) or another thread holds the lock.

        A real hub answers while it collects; so does this one: what a request would wait
        for is answered from the last tick's documents (:meth:`encoded`,
        :meth:`follow_jobs`, :meth:`events`, :meth:`power`), each with its own time."""
        lock = getattr(self.hub, "lock", None)
        if lock is None:
            got = True
        elif wait or not self.ticking:
            got = lock.acquire(blocking=wait)
        else:
            got = False
        try:
            yield got
        finally:
            if got and lock is not None:
                lock.release()

    def follow_jobs(self, wait: bool = False) -> JobFeed:
        """The job feed, following the hub's queue as of its current tick (as of the last
        tick while the hub computes the next, unless ``wait``)."""
        assert self.hub is not None
        with self._hub_held(wait=wait or not self.jobs.followed) as held:
            if held:
                self.jobs.follow(self._state(), self.hub.jobs)
        return self.jobs

    def encoded(self, endpoint: str, build: Any, version: Any = None, wait: bool = False) -> bytes:
        """The JSON of ``build()`` for the hub's current tick (or ``version()``, when
        given), encoded at most once; while the hub computes its next tick, or another
        thread encodes this one, the last tick's (when there is one, unless ``wait``)."""
        state = self._state if version is None else version
        with self._encode_lock:
            cached = self._encoded.get(endpoint)
            busy = self._encoding.setdefault(endpoint, threading.Lock())
        tick = state()
        if cached is not None and tick is not None and cached[0] == tick:
            return cached[1]
        wait = wait or cached is None
        if not busy.acquire(blocking=wait):
            return cached[1]  # type: ignore[index] # another thread encodes this tick's
        try:
            with self._hub_held(wait) as held:
                if not held:
                    return cached[1]  # type: ignore[index] # the hub computes the next tick
                tick = state()
                with self._encode_lock:
                    done = self._encoded.get(endpoint)
                if done is not None and tick is not None and done[0] == tick:
                    return done[1]  # encoded while this thread waited
                body = encode_json(build())
                with self._encode_lock:
                    self._encoded[endpoint] = (tick if tick is not None else -1, body)
                return body
        finally:
            busy.release()

    def events(self, since: int) -> dict[str, Any]:
        """``hub.events(since)``; while the hub computes its next tick, the events of the
        last one (the copy :meth:`warm` keeps), so the answer does not wait for the step."""
        assert self.hub is not None
        with self._hub_held(wait=self._events.empty) as held:
            if held:
                answer = self.hub.events(since)
                self._events.take(self.hub)
                return answer
        return self._events.since(since)

    def power(self, start: float | None, end: float | None, step: float | None) -> dict[str, Any]:
        """``hub.power(start, end, step)``; while the hub computes its next tick, the same
        query of the power history as of the last tick (:meth:`warm`'s copy)."""
        hub = self.hub
        assert hub is not None
        kept = self._history
        with self._hub_held(wait=kept is None or kept[0] != self._generation) as held:
            if held:
                return hub.power(start, end, step)
        assert kept is not None
        _, history, now = kept
        s, e, st = default_window(start, end, step, now)
        return history.query(s, e, st, now)

    def _keep_history(self) -> None:
        """Copy the hub's power history (its points, ~1 MB: well under a millisecond) for
        :meth:`power` to answer from while the next tick is computed."""
        hub = self.hub
        history = getattr(hub, "history", None)
        if hub is None or history is None:
            return
        with self._hub_held():
            n = int(history.n)
            kept = copy.copy(history)
            kept.t = history.t[:n].copy()
            kept.data = {name: column[:n].copy() for name, column in history.data.items()}
            generation = self._generation
            self._history = (generation, kept, float(hub.now))

    def site_json(self) -> bytes:
        """``hub.site()`` as JSON: the layout (1.1 MB at full scale) encoded once (by the
        warm-up, or at the second answer), its ``time`` put in at each answer."""
        hub = self.hub
        assert hub is not None
        doc = hub.site()
        parts = self._site_parts
        if parts is None or parts[0] is not hub.layout:
            if not self.answered.is_set():  # the first answer: as soon as it can be
                return encode_json(doc)
            parts = self._site_layout()
            if parts is None:
                return encode_json(doc)
        return parts[1] + encode_json(doc["time"]) + parts[2]

    def _site_layout(self) -> tuple[Any, bytes, bytes] | None:
        """The site document's JSON before and after its time (None: it cannot be split)."""
        assert self.hub is not None
        layout = self.hub.layout
        parts = self._site_parts
        if parts is None or parts[0] is not layout:
            body = encode_json({**layout, "time": _SITE_MARK})
            key, value = b'"time":', encode_json(_SITE_MARK)
            at = body.find(key + value)
            if at < 0 or body.find(key + value, at + 1) >= 0:  # not once: no splicing
                return None
            at += len(key)
            parts = self._site_parts = (layout, body[:at], body[at + len(value):])
        return parts

    def _idle(self, stop: threading.Event) -> bool:
        """Wait until no request is being answered (the warm-up's work would hold it up:
        one interpreter lock); False once the server stops."""
        with self._busy_changed:
            self._busy_changed.wait_for(lambda: self._busy == 0 or stop.is_set())
        return not stop.is_set()

    def give_way(self, stop: threading.Event, quiet_s: float, limit_s: float) -> None:
        """Wait until no request has been answered for ``quiet_s`` and none is being
        answered (a client's poll done: its requests come one after another, its own
        decoding in between), at most ``limit_s``, or until the server stops."""
        deadline = time.monotonic() + limit_s
        with self._busy_changed:
            while not stop.is_set():
                now = time.monotonic()
                wait = deadline - now
                if wait <= 0:
                    return
                if self._busy == 0:
                    quiet = self.last_answer + quiet_s - now
                    if quiet <= 0:
                        return
                    wait = min(wait, quiet)
                self._busy_changed.wait(wait)

    def warm_up(self, stop: threading.Event) -> None:
        """What the first client asks for after the site, made ready while it reads the
        site document, a piece at a time between answers: the rack and GPU documents, the
        job queue (its jobs' dicts: 0.1 s at full scale) and the shift log (its store
        opened: a tenth of a second more)."""
        self.answered.wait(WARM_UP_AFTER_S)
        hub = self.hub
        if hub is not None:
            if not self._idle(stop):
                return
            self._site_layout()
            for endpoint, build in (("racks", hub.racks), ("gpus", hub.unhealthy_gpus)):
                if not self._idle(stop):
                    return
                self.encoded(endpoint, build)
            hub.jobs_ahead(lambda: self._idle(stop))
        if not self._idle(stop):
            return
        try:
            self.log(report=False)
        except _Error:  # said when a client asks for the log
            pass

    def forget_encoded(self) -> None:
        with self._encode_lock:
            self._encoded.clear()
            self._generation += 1
            self._history = None  # a fault changes the balance: answered live until a tick

    def warm(self) -> None:
        """Encode the rack and GPU documents ahead of the clients (on the clock's thread),
        and, once a client follows the job queue, take the tick's queue into the job feed
        (the queue built and compared with the last: about 20 ms at full scale that a
        client's request no longer waits for).

        The whole queue is not encoded ahead: clients that follow it ask for changes only,
        and the whole queue (2.4 MB, one long encoding) is built when someone asks for it."""
        hub = self.hub
        if hub is None:
            return
        builds = {"racks": hub.racks, "gpus": hub.unhealthy_gpus}
        for endpoint in WARMED_ENDPOINTS:
            self.encoded(endpoint, builds[endpoint], wait=True)
        if self.jobs.followed:
            self.follow_jobs(wait=True)
        with self._hub_held():
            self._events.take(hub)
        self._keep_history()


class HubServer:
    """Run the simulated hub's HTTP API and its clock in background threads.

    ``HubServer(hub).start()`` binds ``127.0.0.1`` on ``port`` (0 picks a free one),
    serves until :meth:`stop`. Raises :class:`OSError` if the port is taken. ``log_db``:
    the shift log's SQLite file (default: ``shiftlog-sim.sqlite`` in the user's data
    folder). ``hub=None`` serves the shift log alone (no clock thread).
    """

    def __init__(
        self,
        hub: SimulatedHub | None,
        host: str = "127.0.0.1",
        port: int = 0,
        tick_s: float = 2.0,
        token: str | None = None,
        log_db: str | Path | None = None,
    ) -> None:
        self.hub = hub
        self.tick_s = tick_s
        self._httpd = HubHTTPServer(hub, host, port, token, log_db)
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
        # serve_forever looks for a shutdown between polls: every 0.05 s, not its 0.5 s, so
        # stop() (a console closing, an export done, a test) never waits half a second.
        serve = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="hub-http",
                                 daemon=True)
        tick = threading.Thread(target=self._tick, name="hub-clock", daemon=True)
        warm = threading.Thread(target=self._httpd.warm_up, args=(self._stop,),
                                name="hub-warm-up", daemon=True)
        self._threads = [serve, tick, warm] if self.hub is not None else [serve, warm]
        for thread in self._threads:
            thread.start()
        return self

    def _tick(self) -> None:
        assert self.hub is not None
        while not self._stop.wait(self.tick_s):
            self._httpd.give_way(self._stop, GIVE_WAY_QUIET_S, min(GIVE_WAY_MAX_S, self.tick_s / 4))
            if self._stop.is_set():
                break
            self._httpd.ticking = True
            try:
                with _short_switch_interval():
                    self.hub.step(time.time())
                    self._httpd.warm()
            except Exception:
                log.exception("simulation step failed")
            finally:
                self._httpd.ticking = False

    def stop(self) -> None:
        self._stop.set()
        self._httpd.answered.set()
        with self._httpd._busy_changed:
            self._httpd._busy_changed.notify_all()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._httpd.close_connections()
        for thread in self._threads:
            thread.join(timeout=5)
        self._httpd.close_log()

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
