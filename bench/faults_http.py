"""Hostile HTTP servers on 127.0.0.1, and what the console's bounded requests make of them.

:class:`HostileServer` answers every request (or each path its own way) with one of the
behaviours below: a trickle (one byte every half second, without end, in the body or
already in the status line), a gzip bomb (a small gzip stream that inflates to a
gigabyte), an endless body, a ``Content-Length`` far over the cap, or an ordinary reply.
The fault tests (tests/faults/test_fault_http.py) and the fault bench use it.

Figures for the fault bench:
- :func:`measure_trickle`: seconds a hub poll took against a trickling hub with the
  given deadline (bounded by deadline + 1 s).
- :func:`measure_bomb_peak_mb`: peak RSS growth (MB, ``VmHWM`` of a fresh process) while
  the hub source refuses a 1 GB gzip bomb with its default size cap.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from console.poller import PollResult

Behaviour = Callable[[BaseHTTPRequestHandler, threading.Event], None]
"""Writes one answer on the handler's socket; returns when done or when the event is set."""

GB = 1 << 30
MEMBER_ZEROS = 16 << 20
"""Zeros in one gzip member of a bomb: compressed once (about 16 kB) and sent again and
again, so a bomb of any size costs the server nothing to make."""
ROOT = Path(__file__).resolve().parent.parent


@functools.lru_cache(maxsize=1)
def gzip_member() -> bytes:
    """One gzip member holding ``MEMBER_ZEROS`` zero bytes, compressed piece by piece."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    out = [packer.compress(block) for _ in range(MEMBER_ZEROS >> 20)]
    out.append(packer.flush())
    return b"".join(out)


def _headers(handler: BaseHTTPRequestHandler, status: int, headers: Mapping[str, str]) -> None:
    handler.send_response(status)
    for key, value in headers.items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.flush()


def reply(status: int, body: bytes, content_type: str = "application/json") -> Behaviour:
    """An ordinary answer."""

    def answer(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        _headers(handler, status, {"Content-Type": content_type,
                                   "Content-Length": str(len(body))})
        handler.wfile.write(body)

    return answer


def trickle(interval_s: float = 0.5, head: bool = False) -> Behaviour:
    """One byte every ``interval_s``, without end: of the body after the headers, or
    (``head``) of the status line itself."""

    def answer(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        if head:
            data = b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 1_000_000
        else:
            _headers(handler, 200, {"Content-Type": "application/json"})
            data = b'{"padding": "' + b"a" * 1_000_000
        for i in range(len(data)):
            handler.wfile.write(data[i : i + 1])
            handler.wfile.flush()
            if stop.wait(interval_s):
                return

    return answer


def gzip_bomb(total: int = GB, content_type: str = "application/json") -> Behaviour:
    """``Content-Encoding: gzip``: ``total`` bytes of zeros once inflated (about 1/1000 of
    it on the wire), sent without a Content-Length."""

    def answer(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        _headers(handler, 200, {"Content-Type": content_type, "Content-Encoding": "gzip"})
        member = gzip_member()
        for _ in range(max(1, total // MEMBER_ZEROS)):
            if stop.is_set():
                return
            handler.wfile.write(member)

    return answer


def endless(content_type: str = "application/json") -> Behaviour:
    """A body without end, as fast as the client reads it (no Content-Length)."""

    def answer(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        _headers(handler, 200, {"Content-Type": content_type})
        handler.wfile.write(b'{"padding": "')
        block = b"a" * (1 << 16)
        while not stop.is_set():
            handler.wfile.write(block)

    return answer


def declared_oversize(length: int = 200 << 20) -> Behaviour:
    """A ``Content-Length`` of ``length`` bytes, then the body slowly (it should not be read)."""

    def answer(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        _headers(handler, 200, {"Content-Type": "application/json",
                                "Content-Length": str(length)})
        while not stop.wait(0.2):
            handler.wfile.write(b" " * 1024)

    return answer


class HostileServer:
    """Serve ``routes`` (path -> behaviour; ``default`` for any other path) on 127.0.0.1.

    Use as a context manager; on leaving, every answer still being written stops."""

    def __init__(self, default: Behaviour, routes: Mapping[str, Behaviour] | None = None) -> None:
        self.stop = threading.Event()
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        # (time.monotonic(), path) of each request as it arrived
        self.arrived: list[tuple[float, str]] = []
        server = self
        table = dict(routes or {})

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # a body runs to the end of the connection

            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                path = urlsplit(self.path).path
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                server.arrived.append((time.monotonic(), self.path))
                server.requests.append((self.command, self.path, dict(self.headers)))
                try:
                    table.get(path, default)(self, server.stop)
                except OSError:  # the client went away: what a refused answer looks like
                    pass

            do_POST = do_GET

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> HostileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


SITE_PATH = "/api/v1/site"


def poll_trickling_hub(deadline_s: float, head: bool = False) -> tuple[PollResult, float]:
    """One hub poll against a hub that trickles its answer (its body, or with ``head`` its
    status line) a byte every 0.5 s without end: the result and the seconds it took."""
    from console.poller import Poller
    from console.sources.hub import HubApiSource

    with HostileServer(trickle(0.5, head=head)) as server:
        source = HubApiSource(server.url, deadline_s=deadline_s)
        try:
            t0 = time.monotonic()
            result = Poller(source).poll("site")
            return result, time.monotonic() - t0
        finally:
            source.close()


def measure_trickle(deadline_s: float = 2.0) -> float:
    """Seconds one hub poll took against a hub that trickles its answer, a byte every
    0.5 s without end, with the hub source's deadline at ``deadline_s``."""
    result, took = poll_trickling_hub(deadline_s)
    if result.ok or "deadline" not in str(result.error):
        raise AssertionError(f"the trickle was not refused by its deadline: {result.error}")
    return took


def _vm_hwm_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise OSError("no VmHWM in /proc/self/status")


def _bomb_child() -> None:
    """In a fresh process: the hub source refusing a 1 GB gzip bomb; prints the figures."""
    from console.sources.base import SourceError
    from console.sources.hub import HubApiSource

    gzip_member()
    with HostileServer(gzip_bomb(GB)) as server:
        source = HubApiSource(server.url)  # asks for identity: the bomb comes all the same
        before = _vm_hwm_kb()
        t0 = time.monotonic()
        try:
            source.get_json(SITE_PATH)
            error = ""
        except SourceError as exc:
            error = str(exc)
        took = time.monotonic() - t0
        after = _vm_hwm_kb()
        source.close()
    print(json.dumps({"peak_mb": (after - before) / 1024, "error": error, "s": took}))


def measure_bomb_peak_mb() -> float:
    """Peak RSS growth (MB) of a fresh process while the hub source (default limits)
    refuses a gzip bomb of 1 GB of zeros: ``VmHWM`` after less ``VmHWM`` before."""
    code = "from bench.faults_http import _bomb_child; _bomb_child()"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if "after decompression" not in figures["error"]:
        raise AssertionError(f"the bomb was not refused at the size cap: {figures['error']}")
    return float(figures["peak_mb"])


def run(quick: bool = False) -> dict[str, float]:
    """Figures: ``fault_trickle_poll_s`` (deadline 2 s) and ``fault_bomb_peak_mb``."""
    return {"fault_trickle_poll_s": round(measure_trickle(2.0), 2),
            "fault_bomb_peak_mb": round(measure_bomb_peak_mb(), 1)}
