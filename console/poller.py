"""The Qt-free poll step: fetch -> validate/decode -> cache -> result.

``Poller.poll(kind)`` is a plain function of the source and the poll state, run
on a worker thread by the GUI's bridge (widgets/live.py) or directly by headless
commands. It never raises: every failure becomes a :class:`PollResult` with an
``error`` line an operator can read.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from console.model import EventBatch, PowerSeries, SiteTopology, Snapshot
from console.sources.base import FetchContext, Source, SourceError

log = logging.getLogger(__name__)

DEFAULT_INTERVALS: dict[str, float] = {
    "site": 300.0,
    "racks": 2.0,
    "gpus": 5.0,
    "power": 10.0,
    "jobs": 10.0,
    "events": 2.0,
}
"""Seconds between polls of each kind (configurable in ``[poll]``)."""


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a payload is fetched and decoded.

    Parsing a full-site payload (the job queue: 2.4 MB, 7,000 job objects) allocates tens
    of thousands of containers that die as soon as the snapshot is built. With the
    collector on, they trigger collections part-way, survive them, get promoted and soon
    force a full collection that walks every object in the process while holding the
    interpreter lock (40-80 ms measured at full scale, the GUI thread frozen meanwhile).
    Reference counting frees them either way. Nesting and concurrent pollers are safe: the
    collector comes back on when the last pause ends, if it was on before the first.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def next_power_start(series: PowerSeries) -> float:
    """Where the next incremental power query starts: one step after the last sample.

    Hubs resample on ``start + i * step``; a start just after the last sample would get
    that sample back, re-stamped a millisecond later, at every poll (a point per poll,
    not per step, in the chart and the cache). From one step on, each sample comes once
    and a poll between two samples returns nothing.
    """
    step = series.step if series.step and series.step > 0 else 1e-3
    return float(series.t[-1]) + step


@dataclass(frozen=True, slots=True)
class PollResult:
    """The outcome of one poll of one kind."""

    kind: str
    snapshot: Snapshot | None
    error: str | None
    started: float
    duration_s: float
    auth_failed: bool = False
    cache_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Poller:
    """Polls one source; holds what later polls need to know (topology, cursors).

    ``cache`` is any object with ``write_poll(snapshots, topology=...)`` (the SQLite
    cache); its failures never fail the poll, they are reported in
    ``PollResult.cache_error``.
    """

    source: Source
    cache: Any = None
    context: FetchContext = field(default_factory=FetchContext)
    on_topology: Callable[[SiteTopology], None] | None = None

    def poll(self, kind: str) -> PollResult:
        started = time.time()
        t0 = time.perf_counter()
        if kind != "site" and self.context.topology is None and kind in ("racks",):
            site = self.poll("site")
            if not site.ok:
                return PollResult(kind, None, site.error, started, time.perf_counter() - t0,
                                  site.auth_failed)
        try:
            with gc_paused():
                snapshot = self.source.fetch(kind, self.context)
        except SourceError as exc:
            return PollResult(kind, None, str(exc), started, time.perf_counter() - t0, exc.auth)
        except Exception as exc:  # a bug in a decoder must not take the console down
            log.exception("unexpected error polling %s", kind)
            reason = f"{self.source.backend}: unexpected error ({exc.__class__.__name__})"
            return PollResult(kind, None, reason, started, time.perf_counter() - t0)
        self._advance(snapshot)
        cache_error = self._write_cache(snapshot)
        return PollResult(kind, snapshot, None, started, time.perf_counter() - t0,
                          cache_error=cache_error)

    def _advance(self, snapshot: Snapshot) -> None:
        ctx = self.context
        if isinstance(snapshot, SiteTopology):
            changed = ctx.topology is None or ctx.topology.rack_ids != snapshot.rack_ids
            ctx.topology = snapshot
            if changed and self.on_topology is not None:
                self.on_topology(snapshot)
        elif isinstance(snapshot, EventBatch):
            ctx.last_event_id = max(ctx.last_event_id, snapshot.last_id)
        elif isinstance(snapshot, PowerSeries) and len(snapshot):
            ctx.power_since = next_power_start(snapshot)

    def _write_cache(self, snapshot: Snapshot) -> str | None:
        if self.cache is None:
            return None
        try:
            self.cache.write_poll([snapshot], topology=self.context.topology)
        except Exception as exc:  # the cache is a cache: live view goes on
            log.warning("cache write failed: %s", exc)
            return str(exc) or exc.__class__.__name__
        return None
