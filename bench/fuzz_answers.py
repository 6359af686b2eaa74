"""Hostile hub answers for the fault fuzz: recorded real answers, seeded mutations, a server.

:func:`record_answers` records what the simulated hub answers over HTTP at a small scale;
:func:`mutate` spoils one answer the way a broken or hostile hub would (a value replaced by
None, NaN, an infinity, a huge integer, a 100,000-character string, markup, bidirectional
control text, a list, a dict or a bool; a key dropped; a record duplicated; times a year
ahead; the JSON cut short; the wrong top-level type); :class:`AnswerServer` serves the
answers on 127.0.0.1 to a real :class:`console.sources.hub.HubApiSource`.
"""

from __future__ import annotations

import json
import math
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

RECORD_START = 1_780_000_000.0
"""The simulated hub's clock when the answers are recorded (shifted to now when served)."""
YEAR_S = 365 * 86_400.0
JOBS_KEPT = 80
"""Jobs kept of the recorded queue, evenly spread over it (every state is kept; the hall's
1,300 make each case slower, not harder)."""

ENDPOINTS: dict[str, str] = {
    "site": "/api/v1/site",
    "racks": "/api/v1/racks",
    "gpus": "/api/v1/gpus/unhealthy",
    "power": "/api/v1/power",
    "jobs": "/api/v1/jobs",
    "jobs_changes": "/api/v1/jobs?since",
    "events": "/api/v1/events",
    "rack": "/api/v1/racks/",
}
"""Answer name -> the path it is served at (``jobs?since``: to a request carrying ``since``;
``racks/``: the one rack in depth, completed with its id)."""

TIME_KEYS = frozenset(
    {"time", "t", "start", "end", "since", "submit_time", "start_time", "end_time",
     "begin_time", "first_seen", "last_seen"}
)
"""Keys whose numbers are epoch seconds (shifted to the serving time, or a year ahead)."""

LONG_TEXT = "A" * 100_000
BAD_VALUES: tuple[Any, ...] = (
    None, math.nan, math.inf, -math.inf, 2**63, 2**53, -1e308, LONG_TEXT,
    "<img src=file:///etc/hosts>", "\u202eevil\u202c text", [1, "two", None], {"k": [1]},
    True, False,
)
WRONG_TOP: tuple[Any, ...] = ([], [{"time": 1}], "not an object", 42, None, True, {})


def _describe(value: Any) -> str:
    if isinstance(value, str) and len(value) > 40:
        return f"str[{len(value)}]"
    return repr(value)


# -- recording ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Recorded:
    """The hub's answers, by :data:`ENDPOINTS` name, and the rack the ``rack`` answer is of."""

    answers: dict[str, bytes]
    rack_id: str


def record_answers(scale: str = "hall", seed: int = 11) -> Recorded:
    """Record the simulated hub's answers over HTTP (faults injected so every list has
    entries): site, racks, unhealthy GPUs, power, the job queue and its changes after a
    tick, events, and one rack in depth."""
    import requests

    from console.hub.server import HubServer
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale=scale, seed=seed, start=RECORD_START)
    answers: dict[str, bytes] = {}
    with HubServer(hub, port=0, tick_s=3600.0) as server, requests.Session() as http:
        hub.inject("xid", "A-01-02", count=2)
        hub.inject("thermal", "A-01-03", count=1)
        hub.step(RECORD_START + 2.0)

        def get(path: str) -> Any:
            response = http.get(server.url + path, timeout=30)
            response.raise_for_status()
            return response.json()

        site = get(ENDPOINTS["site"])
        for name in ("site", "racks", "gpus", "power", "events"):
            answers[name] = _encode(site if name == "site" else get(ENDPOINTS[name]))
        jobs = get(ENDPOINTS["jobs"])
        hub.step(RECORD_START + 4.0)
        changes = get(f"{ENDPOINTS['jobs']}?since={jobs['version']}")
        jobs, changes = _trim_jobs(jobs, changes)
        answers["jobs"], answers["jobs_changes"] = _encode(jobs), _encode(changes)
        unhealthy = json.loads(answers["gpus"])["gpus"]
        rack_id = unhealthy[0]["rack"] if unhealthy else site["racks"][0]["id"]
        answers["rack"] = _encode(get(ENDPOINTS["rack"] + rack_id))
    return Recorded(answers, rack_id)


def _trim_jobs(jobs: dict[str, Any], changes: dict[str, Any]) -> tuple[dict, dict]:
    """Keep :data:`JOBS_KEPT` jobs, and make the changes' total add up to what is kept."""
    every = max(1, len(jobs["jobs"]) // JOBS_KEPT)
    kept = jobs["jobs"][::every][:JOBS_KEPT]
    ids = {j["id"] for j in kept}
    removed = [i for i in changes.get("removed", []) if i in ids]
    changed = {j["id"] for j in changes["jobs"]}
    total = len(ids - set(removed)) + len(changed - ids)
    return {**jobs, "jobs": kept}, {**changes, "removed": removed, "total": total}


def _encode(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), allow_nan=True).encode()


# -- shaping and spoiling answers -----------------------------------------------------------
def shift_times(doc: Any, delta: float) -> None:
    """Add ``delta`` to every epoch-seconds number under a :data:`TIME_KEYS` key, in place."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in TIME_KEYS:
                    if _epoch(value):
                        node[key] = round(value + delta, 3)
                    elif isinstance(value, list):
                        node[key] = [round(v + delta, 3) if _epoch(v) else v for v in value]
                    else:
                        stack.append(value)
                elif isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))


def time_paths(doc: Any) -> list[tuple]:
    """Where :func:`shift_times` changes ``doc``: paths to epoch numbers and lists of them."""
    return [
        path for path, value in _nodes(doc)
        if path and path[-1] in TIME_KEYS and (
            _epoch(value) or (isinstance(value, list) and any(map(_epoch, value))))
    ]


def shift_at(doc: Any, paths: list[tuple], delta: float) -> None:
    """:func:`shift_times` of a document shaped as the one ``paths`` came from (faster)."""
    for path in paths:
        value = _at(doc, path)
        if isinstance(value, list):
            _set(doc, path, [round(v + delta, 3) if _epoch(v) else v for v in value])
        else:
            _set(doc, path, round(value + delta, 3))


def _epoch(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 1e9 < value < 3e9


def _nodes(doc: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every (path, value) of the document, containers and leaves, depth first."""
    yield path, doc
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from _nodes(value, (*path, i))


def _walk(doc: Any, rng: random.Random, want: type | None = None) -> tuple[tuple, Any]:
    """A random path down the document: at each container a random child, stopping at a
    leaf, or now and then at a container; ``want`` ends the path at a container of that
    type (the last one met)."""
    path: tuple = ()
    node = doc
    found: tuple[tuple, Any] | None = None
    if want is not None and isinstance(doc, want):
        found = ((), doc)
    while isinstance(node, dict | list) and node:
        key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
        path, node = (*path, key), node[key]
        if want is not None and isinstance(node, want) and node:
            found = (path, node)
        if want is None and isinstance(node, dict | list) and rng.random() < 0.1:
            break
    if want is not None:
        return found if found is not None else ((), doc)
    return path, node


def _at(doc: Any, path: tuple) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def _set(doc: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    _at(doc, path[:-1])[path[-1]] = value
    return doc


def _name(path: tuple) -> str:
    return "/".join(str(k) for k in path) or "<top>"


MUTATIONS = ("value", "value", "value", "value", "drop_key", "duplicate", "time_ahead",
             "truncate", "wrong_top")


def mutate(doc: Any, rng: random.Random) -> tuple[bytes, str]:
    """Spoil ``doc`` (a parsed answer, changed in place) one way; the JSON bytes to serve
    and a short description of what was done."""
    how = rng.choice(MUTATIONS)
    if how == "value":
        path, _ = _walk(doc, rng)
        value = rng.choice(BAD_VALUES)
        doc = _set(doc, path, value)
        return _encode(doc), f"{_name(path)} = {_describe(value)}"
    if how == "drop_key":
        path, node = _walk(doc, rng, dict)
        if isinstance(node, dict) and node:
            key = rng.choice(list(node))
            del node[key]
            return _encode(doc), f"drop {_name((*path, key))}"
    if how == "duplicate":
        path, node = _walk(doc, rng, list)
        if isinstance(node, list) and node:
            i = rng.randrange(len(node))
            node.insert(rng.randrange(len(node) + 1), json.loads(json.dumps(node[i])))
            return _encode(doc), f"duplicate {_name((*path, i))}"
    if how == "time_ahead":
        if rng.random() < 0.5:
            shift_times(doc, YEAR_S)
            return _encode(doc), "every time a year ahead"
        times = [p for p, v in _nodes(doc) if p and p[-1] in TIME_KEYS and _epoch(v)]
        if times:
            path = rng.choice(times)
            doc = _set(doc, path, _at(doc, path) + YEAR_S)
            return _encode(doc), f"{_name(path)} a year ahead"
    if how == "truncate":
        body = _encode(doc)
        cut = rng.randrange(len(body))
        return body[:cut], f"JSON cut at byte {cut} of {len(body)}"
    if how == "wrong_top":
        value = rng.choice(WRONG_TOP)
        return _encode(value), f"top level is {_describe(value)}"
    value = rng.choice(BAD_VALUES)  # nothing to drop or duplicate: spoil the whole answer
    return _encode(value), f"<top> = {_describe(value)}"


# -- serving -------------------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, no delayed ACK

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        url = urlsplit(self.path)
        path = url.path
        if path == ENDPOINTS["jobs"] and "since" in parse_qs(url.query):
            body = self.server.bodies.get(ENDPOINTS["jobs_changes"])
        else:
            body = None
        if body is None:
            body = self.server.bodies.get(path)
        if body is None:
            self.send_response(404)
            body = b'{"status":404,"error":"no such endpoint"}'
        else:
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    bodies: dict[str, bytes]


class AnswerServer:
    """Serves ``bodies`` (path -> JSON bytes, changed between requests) on 127.0.0.1."""

    def __init__(self) -> None:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.bodies = {}
        self.bodies = self._httpd.bodies
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="fuzz-answers", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> AnswerServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
