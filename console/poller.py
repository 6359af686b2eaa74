"""The Qt-free poll step: fetch -> validate/decode -> cache -> result.

``Poller.poll(kind)`` is a plain function of the source and the poll state, run
on a worker thread by the GUI's bridge (widgets/live.py) or directly by headless
commands. It never raises: every failure becomes a :class:`PollResult` with an
``error`` line an operator can read.

A live source's time is checked, not trusted: a snapshot stamped more than
``FUTURE_TOLERANCE_S`` ahead of this workstation's clock (or before ``EARLIEST_TIME``)
is refused, and such power samples are dropped, so one wrong clock never makes later
data look old. Hub event ids count within one lifetime of the hub: the poller tells a
restart (a new ``instance``, or the hub's newest id below the cursor) and reads the new
lifetime from its first kept event.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from console.cache.schema import CacheError
from console.model import (
    EventBatch,
    PowerSeries,
    SiteTopology,
    Snapshot,
    _frozen_map,
    frozen,
)
from console.sources.base import FetchContext, SourceError

if TYPE_CHECKING:  # the protocols import the alarm journal's, incidents' and maintenance
    # list's modules: not needed to build a poll step (the settings read before the window)
    from console.protocols import PollCache, SessionSource

log = logging.getLogger(__name__)

DEFAULT_INTERVALS: dict[str, float] = {
    "site": 300.0,
    "racks": 2.0,
    "gpus": 5.0,
    "power": 10.0,
    "jobs": 10.0,
    "events": 2.0,
    "log": 10.0,
    "forecast": 900.0,
}
"""Seconds between polls of each kind (configurable in ``[poll]``); a kind is polled when
the source delivers it (``log``: a hub API, or the hub of ``[log] url``; ``forecast``: a hub
API that serves one, or Prometheus with a ``[forecast]`` section; issued hourly, read every
15 minutes)."""

NEEDS_TOPOLOGY = frozenset({"racks"})
"""Kinds whose answers are read against the site's topology (fetched first when missing)."""

FUTURE_TOLERANCE_S = 300.0
"""How far ahead of this workstation's clock a live source's time may be (clocks a few
seconds or minutes apart are normal). Anything later is refused: stored, a sample a year
ahead would make every later one look older than it (rack frames skipped as not newer,
power asked for from the future)."""
EARLIEST_TIME = 946_684_800.0
"""2000-01-01 UTC: a live source's time before it is a clock that lost its setting."""
RECENT_EVENTS_KEPT = 32
"""How many of the newest events' ``{id: time}`` the poller keeps to recognise a hub
lifetime (``FetchContext.recent_events``)."""
_TIME_NAMES = {"site": "site", "racks": "rack", "gpus": "GPU health", "jobs": "job queue",
               "events": "events", "power": "power", "log": "shift log",
               "forecast": "forecast"}  # fmt: skip


class RefusedTime(SourceError):
    """A live source's snapshot stamped too far ahead of this workstation's clock, or
    before ``EARLIEST_TIME``: refused whole, so it is neither shown nor stored."""


def _utc(t: float) -> str:
    try:
        return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return f"{t:.0f} (epoch seconds)"


def _span(seconds: float) -> str:
    if seconds >= 2 * 86_400:
        return f"{seconds / 86_400:.0f} d"
    if seconds >= 2 * 3_600:
        return f"{seconds / 3_600:.1f} h"
    if seconds >= 120:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


def same_lifetime(recent: Mapping[int, float], events: Sequence[Mapping[str, Any]]) -> bool | None:
    """Whether ``events`` come from the hub lifetime whose newest events were ``recent``
    (``{id: time}``): True when every event with one of those ids has the same time, False
    when one differs, None when none of the ids is there (nothing to compare)."""
    matched: bool | None = None
    for event in events:
        try:
            seen = recent.get(int(event["id"]))
            if seen is None:
                continue
            if abs(float(event["time"]) - seen) > 1e-3:
                return False
        except (KeyError, TypeError, ValueError):
            return False
        matched = True
    return matched


def _within(t: Any, earliest: float, latest: float) -> bool:
    return isinstance(t, int | float) and not isinstance(t, bool) and earliest <= t <= latest


def _after(batch: EventBatch, cursor: int) -> EventBatch:
    """``batch`` without the events up to ``cursor`` (asked again to compare)."""
    kept = []
    for event in batch.events:
        try:
            if int(event["id"]) <= cursor:
                continue
        except (KeyError, TypeError, ValueError):
            continue
        kept.append(event)
    return dataclasses.replace(batch, events=tuple(kept), last_id=max(cursor, batch.last_id))


def derived_lifetime(batch: EventBatch) -> str:
    """A name for a hub lifetime the hub does not name (no ``instance``): the hub's time
    when the console first read it."""
    return f"~{batch.time:.3f}"


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
    refused: int = 0
    """Samples refused for a time too far ahead of this workstation's clock or before
    2000: a whole snapshot counts one (the poll then fails), power samples one each (the
    rest of the series is kept)."""

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(slots=True)
class Fetched:
    """One kind fetched and checked by :meth:`Poller.fetch`, not yet taken by
    :meth:`Poller.commit`: a snapshot, or the error line that stands for it."""

    kind: str
    started: float
    t0: float
    snapshot: Snapshot | None = None
    error: str | None = None
    auth_failed: bool = False
    refused: int = 0
    site: Fetched | None = None
    """The site fetched first, for a kind that needs the topology before there is one."""


@dataclass
class Poller:
    """Polls one source; holds what later polls need to know (topology, cursors).

    ``cache`` (:class:`console.protocols.PollCache`: the SQLite cache) records each
    snapshot; its failures never fail the poll, they are reported in
    ``PollResult.cache_error``.
    """

    source: SessionSource
    cache: PollCache | None = None
    context: FetchContext = field(default_factory=FetchContext)
    on_topology: Callable[[SiteTopology], None] | None = None
    future_tolerance_s: float = FUTURE_TOLERANCE_S
    """Times of a live source later than this workstation's clock plus this are refused."""
    earliest_time: float = EARLIEST_TIME
    """Times of a live source before this are refused."""
    clock: Callable[[], float] = time.time
    """This workstation's clock (epoch seconds)."""
    _hub_counts_events: bool = field(default=True, repr=False)
    """The hub's last events answer named its lifetime or its newest id."""

    @property
    def _live(self) -> bool:
        return self.source.live

    def poll(self, kind: str) -> PollResult:
        """Fetch one kind and take it (:meth:`fetch`, then :meth:`commit`)."""
        return self.commit(self.fetch(kind))

    def fetch(self, kind: str) -> Fetched:
        """Fetch and check one kind, taking nothing yet (the context and the cache are left
        as they are until :meth:`commit`).

        Safe to call for different kinds on different threads at once while another thread
        commits, as long as each kind is committed before it is fetched again: a fetch only
        reads what the commits of its own kind write (and the topology, replaced whole).
        A kind that needs the topology before there is one fetches the site first.
        """
        started = time.time()
        t0 = time.perf_counter()
        context = self.context
        site: Fetched | None = None
        if kind in NEEDS_TOPOLOGY and context.topology is None:
            site = self.fetch("site")
            if site.error is not None or not isinstance(site.snapshot, SiteTopology):
                return Fetched(kind, started, t0, error=site.error, auth_failed=site.auth_failed,
                               refused=site.refused, site=site)
            context = dataclasses.replace(context, topology=site.snapshot)
        live = self._live
        if live and kind == "power":
            self._sane_power_since()
        overlap = live and kind == "events" and self._overlap_events()
        if overlap:
            context = dataclasses.replace(context, last_event_id=min(context.recent_events) - 1)
        refused = 0
        try:
            with gc_paused():
                snapshot = self.source.fetch(kind, context)
                if live:
                    snapshot, refused = self._checked_time(snapshot)
                    if isinstance(snapshot, EventBatch):
                        snapshot = self._with_lifetime(snapshot, overlap)
        except SourceError as exc:
            refused += isinstance(exc, RefusedTime)
            return Fetched(kind, started, t0, error=str(exc), auth_failed=exc.auth,
                           refused=refused, site=site)
        except Exception as exc:  # a bug in a decoder must not take the console down
            log.exception("unexpected error polling %s", kind)
            reason = f"{self.source.backend}: unexpected error ({exc.__class__.__name__})"
            return Fetched(kind, started, t0, error=reason, site=site)
        return Fetched(kind, started, t0, snapshot=snapshot, refused=refused, site=site)

    def commit(self, fetched: Fetched) -> PollResult:
        """Take what :meth:`fetch` got: the poll state moves on and the cache records it
        (on the thread that owns the cache)."""
        if fetched.site is not None and fetched.site.snapshot is not None:
            self.commit(fetched.site)
        snapshot = fetched.snapshot
        if fetched.error is not None or snapshot is None:
            return PollResult(fetched.kind, None, fetched.error or "no data", fetched.started,
                              time.perf_counter() - fetched.t0, fetched.auth_failed,
                              refused=fetched.refused)
        if isinstance(snapshot, EventBatch) and self._live and not snapshot.lifetime:
            snapshot = dataclasses.replace(snapshot, lifetime=self._recovered_lifetime(snapshot))
        self._advance(snapshot)
        cache_error = self._write_cache(snapshot)
        return PollResult(fetched.kind, snapshot, None, fetched.started,
                          time.perf_counter() - fetched.t0, cache_error=cache_error,
                          refused=fetched.refused)

    # -- time: a live source's clock is checked, not trusted --------------------------------
    def _sane_power_since(self) -> None:
        """Power asked for from beyond the tolerance (a start taken from samples stored
        before they were checked) would never come: ask for the default window again."""
        ctx = self.context
        if ctx.power_since is not None and ctx.power_since > self.clock() + self.future_tolerance_s:
            log.warning("power was to be fetched from %s, ahead of this workstation's clock; "
                        "fetching the default window instead", _utc(ctx.power_since))
            ctx.power_since = None

    def _checked_time(self, snapshot: Snapshot) -> tuple[Snapshot, int]:
        """``(snapshot, samples refused)``: power samples out of range dropped; any other
        snapshot out of range refused whole (SourceError, one line, ``refused`` = 1)."""
        now = self.clock()
        latest = now + self.future_tolerance_s
        if isinstance(snapshot, PowerSeries):
            if not len(snapshot):
                return snapshot, 0
            times = snapshot.t
            keep = (times <= latest) & (times >= self.earliest_time)
            dropped = int(len(times) - keep.sum())
            if not dropped:
                return snapshot, 0
            log.info("%s: %d power sample(s) refused (time ahead of this workstation's "
                     "clock or before %s)", self.source.backend, dropped,
                     _utc(self.earliest_time))
            kept_t = times[keep]
            snapshot = dataclasses.replace(
                snapshot,
                time=float(kept_t[-1]) if len(kept_t) else min(snapshot.time, now),
                t=frozen(kept_t),
                fields=_frozen_map({k: v[keep] for k, v in snapshot.fields.items()}),
            )
            return snapshot, dropped
        t = snapshot.time
        if isinstance(snapshot, EventBatch) and snapshot.events and self.earliest_time <= t <= latest:
            kept = tuple(e for e in snapshot.events if _within(e.get("time"), self.earliest_time,
                                                               latest))
            dropped = len(snapshot.events) - len(kept)
            if dropped:  # the cursor still moves past them (last_id): never asked again
                log.info("%s: %d event(s) refused (time ahead of this workstation's clock or "
                         "before %s)", self.source.backend, dropped, _utc(self.earliest_time))
                return dataclasses.replace(snapshot, events=kept), dropped
            return snapshot, 0
        name = _TIME_NAMES.get(snapshot.kind, snapshot.kind)
        if t > latest:
            reason = (f"{name} time {_utc(t)} is {_span(t - now)} ahead of this workstation's "
                      "clock; refused")
        elif t < self.earliest_time:
            reason = f"{name} time {_utc(t)} is before {_utc(self.earliest_time)}; refused"
        else:
            return snapshot, 0
        raise RefusedTime(self.source.backend, reason)

    # -- events: ids count within one lifetime of the hub -----------------------------------
    def _overlap_events(self) -> bool:
        """Whether to ask the hub for events again from the oldest of the newest kept:
        a hub that names neither its lifetime (``instance``) nor its newest id
        (``last_id``) can only be told restarted by those events' times."""
        ctx = self.context
        return (ctx.event_lifetime is not None and ctx.event_instance is None
                and not self._hub_counts_events and bool(ctx.recent_events))

    def _with_lifetime(self, batch: EventBatch, overlap: bool = False) -> EventBatch:
        """The batch with the hub lifetime it belongs to; when the hub restarted (a new
        ``instance``; with ``overlap``, events asked again whose times changed) or disowned
        the cursor (its newest id below it), the lifetime read again from its first kept
        event, ``restarted`` set. The events asked again are left out otherwise. The
        context is not changed here (``_advance`` does, once the batch is taken)."""
        ctx = self.context
        if ctx.event_lifetime is None:  # the first answer this poller reads
            if batch.instance is not None:
                return dataclasses.replace(batch, lifetime=batch.instance)
            return batch  # no name: told at commit, from the events stored (a cache read)
        moved = batch.instance != ctx.event_instance
        disowned = batch.hub_last_id is not None and batch.hub_last_id < ctx.last_event_id
        changed = overlap and same_lifetime(ctx.recent_events, batch.events) is False
        if not moved and not disowned and not changed:
            if overlap:
                batch = _after(batch, ctx.last_event_id)
            return dataclasses.replace(batch, lifetime=ctx.event_lifetime)
        again = self.source.fetch("events", dataclasses.replace(ctx, last_event_id=0))
        if not isinstance(again, EventBatch):
            raise SourceError(self.source.backend, "events: the hub's answer changed kind")
        again, _ = self._checked_time(again)
        assert isinstance(again, EventBatch)
        if again.instance is not None:
            lifetime = again.instance
        elif not moved and same_lifetime(ctx.recent_events, again.events):
            lifetime = ctx.event_lifetime  # the cursor went wrong, not the hub
        else:
            lifetime = derived_lifetime(again)
        log.info(
            "%s: events %s (newest id %s, ids seen up to %d); reading lifetime %r from its "
            "first kept event", self.source.backend,
            "of a new hub lifetime" if lifetime != ctx.event_lifetime else "cursor disowned",
            again.hub_last_id, ctx.last_event_id, lifetime,
        )
        return dataclasses.replace(again, lifetime=lifetime, restarted=True)

    def _recovered_lifetime(self, batch: EventBatch) -> str:
        """The lifetime of a hub that names none, at a poller's first answer: the one of
        the events stored last, when the hub still holds them (a restarted console), else
        a new one (the hub restarted meanwhile, or nothing is stored)."""
        reader = getattr(self.cache, "event_tail", None)
        tail = None
        if callable(reader):
            try:
                tail = reader(RECENT_EVENTS_KEPT)
            except Exception as exc:  # no stored events to go by: a new lifetime
                log.info("stored events not readable: %s", exc)
        if not tail:
            return derived_lifetime(batch)
        lifetime, recent = tail
        same = same_lifetime(recent, batch.events)
        if same is None:  # none of them in the answer: gone from the hub's log, or restarted
            hub_newest = batch.hub_last_id if batch.hub_last_id is not None else batch.last_id
            same = bool(recent) and hub_newest >= max(recent)
        return lifetime if same else derived_lifetime(batch)

    def _advance(self, snapshot: Snapshot) -> None:
        ctx = self.context
        if isinstance(snapshot, SiteTopology):
            changed = ctx.topology is None or ctx.topology.rack_ids != snapshot.rack_ids
            ctx.topology = snapshot
            if changed and self.on_topology is not None:
                self.on_topology(snapshot)
        elif isinstance(snapshot, EventBatch):
            if self._live:
                self._advance_events(snapshot)
            else:
                ctx.last_event_id = max(ctx.last_event_id, snapshot.last_id)
        elif isinstance(snapshot, PowerSeries) and len(snapshot):
            ctx.power_since = next_power_start(snapshot)
            if self._live:
                ctx.power_since = min(ctx.power_since, self.clock() + self.future_tolerance_s)

    def _advance_events(self, batch: EventBatch) -> None:
        ctx = self.context
        self._hub_counts_events = batch.instance is not None or batch.hub_last_id is not None
        recent = {} if batch.restarted else ctx.recent_events
        if batch.restarted:
            ctx.last_event_id = 0
        ctx.event_lifetime, ctx.event_instance = batch.lifetime, batch.instance
        ctx.last_event_id = max(ctx.last_event_id, batch.last_id)
        for event in batch.events[-RECENT_EVENTS_KEPT:] if batch.events else ():
            try:
                recent[int(event["id"])] = float(event["time"])
            except (KeyError, TypeError, ValueError):
                continue
        if len(recent) > RECENT_EVENTS_KEPT:
            recent = dict(sorted(recent.items())[-RECENT_EVENTS_KEPT:])
        ctx.recent_events = recent

    def _write_cache(self, snapshot: Snapshot) -> str | None:
        if self.cache is None:
            return None
        try:
            # Writing the job queue builds a row per job (once a minute, ~7,000 at full
            # scale): no collection part-way through it either (see gc_paused).
            with gc_paused():
                self.cache.write_poll([snapshot], topology=self.context.topology)
        except CacheError as exc:  # the cache logged it once; the banner shows it
            return str(exc) or exc.__class__.__name__
        except Exception as exc:  # the cache is a cache: live view goes on
            log.warning("cache write failed: %s", exc)
            return str(exc) or exc.__class__.__name__
        return None
