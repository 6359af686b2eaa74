"""The console's sessions, Qt-free: what a window's feed does, apart from threads and signals.

A :class:`LiveSession` owns a live source and its cache: it creates and starts both (a
cache that cannot be opened now is opened later, :class:`~console.cache.store.PendingCache`;
the cache's health reaches the listener whatever write failed), hands the cached power
history over, says which kinds are due when (:class:`Schedule`), polls through
:class:`~console.poller.Poller`, feeds the alarm service, keeps the cache up and closes it
all. It writes the shift log too (:meth:`LiveSession.add_log_entry`,
:meth:`LiveSession.clear_log_entry`: kept in the outbox in the cache file, sent before
each poll of the log until the hub confirms them). A :class:`ReviewSession` reads a cache
file: its time range, recording gaps, incidents and alarm journal, and the site, alarms,
maintenance list, alarm KPIs and shift log at a time.

Both tell what happens through a listener (:class:`SessionListener`: one method per event,
each a no-op by default). They run on one thread of the caller's choosing (the windows use a
QThread, :mod:`widgets.live` and :mod:`widgets.review`); only :meth:`LiveSession.stop` and
:attr:`LiveSession.busy` may be used from another.

The windows never import :mod:`console.sources`: what they need of it is here
(:class:`Source`, :class:`SourceError`) or in :mod:`console.urls`.
"""

from __future__ import annotations

import functools
import gc
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from console.alarms.kpis import AlarmKpis, shift_kpis
from console.alarms.replay import update_at
from console.alarms.service import AlarmService
from console.alarms.site_rules import NO_RULE_KINDS
from console.alarms.state import AlarmUpdate
from console.cache.files import PageCheck
from console.cache.logbook import LogNotRecorded
from console.cache.store import Cache, CacheHealth, PendingCache
from console.maintenance import MaintenanceList
from console.model import PowerSeries, RackDetailSnapshot
from console.poller import (
    DEFAULT_INTERVALS,
    NEEDS_TOPOLOGY,
    Fetched,
    Poller,
    PollResult,
    next_power_start,
)
from console.protocols import LiveCache, SessionSource
from console.shiftlog.model import LogEntry, LogError, NewEntry
from console.shiftlog.writer import LogWriter, LogWriteReport, refusal
from console.sources.base import DECODE_GATE, Source, SourceError
from console.sources.replay import CacheReplaySource
from console.urls import hide_userinfo

__all__ = [
    "BURST_SLACK_S",
    "CACHE_HEAL_S",
    "CACHE_MAINTAIN_S",
    "DEFAULT_INTERVALS",
    "HISTORY_FIELDS",
    "HISTORY_S",
    "LANE_JOIN_S",
    "REVIEW_KINDS",
    "Lanes",
    "LiveSession",
    "ReviewError",
    "ReviewSession",
    "Schedule",
    "SeekResult",
    "SessionListener",
    "Source",
    "SourceError",
    "hide_userinfo",
]

log = logging.getLogger(__name__)

CACHE_MAINTAIN_S = 300.0
"""How often the cache is kept up (rollups, retention, size)."""
CACHE_HEAL_S = 0.25
"""How often a failed cache is asked whether a retry is due (the cache's own backoff
decides; asking costs nothing), so it heals even while no poll writes."""
BURST_SLACK_S = 0.05
"""Kinds due within this much of each other are polled in the same burst."""
HISTORY_S = 7 * 86_400.0
"""How much cached power history the chart gets at start-up."""
HISTORY_FIELDS = ("power_kw", "inlet_c", "gpu_temp_max_c", "gpu_util_mean")
"""Per-rack figures whose last hour the rack detail draws as sparklines."""
REVIEW_KINDS = ("site", "racks", "gpus", "power", "jobs", "events", "forecast")
"""The kinds a review reads at each position."""
LANE_JOIN_S = 5.0
"""How long closing waits for each lane (its request is ended at once: this is a bound)."""
RACK_LANE = "rack"
"""The lane that fetches racks in depth."""
LOG_KIND = "log"
"""The shift log's kind: its writes are sent on its lane, before each poll of it."""
NO_LOG = ("this data source keeps no shift log (a site read from Prometheus and Slurm names "
          "the hub that keeps it in the config file: [log] url)")
"""Why nothing is written to the log of a source that delivers none."""
NO_LOG_AT_HUB = ("the hub keeps no shift log: it answered 404 for /api/v1/log (a hub that "
                 "keeps one is needed to write it)")
"""Why nothing is written to the log of a hub that answered it keeps none."""
THREAD_PREFIX = "hub-poller"
"""Lane threads are named ``hub-poller-<kind>``."""


class SessionListener:
    """What a session tells (every method a no-op here; override those wanted).

    Called on the session's thread, except the cache's health (on the thread of the write
    concerned)."""

    def on_started(self, display_url: str) -> None:
        """The source started (its URL without credentials)."""

    def on_start_failed(self, message: str) -> None:
        """The source could not start (why); the session does nothing more."""

    def on_cache_failed(self, message: str) -> None:
        """The cache does not record (why)."""

    def on_cache_recovered(self, health: CacheHealth) -> None:
        """The cache records again (what the outage cost)."""

    def on_history(self, series: PowerSeries) -> None:
        """The cached power history (a PowerSeries), before live polls append."""

    def on_polled(self, result: PollResult) -> None:
        """One poll's result, good or bad."""

    def on_alarms(self, update: AlarmUpdate) -> None:
        """An alarm update (after a poll, an operator action, or at a review position)."""

    def on_alarm_action_failed(self, message: str) -> None:
        """An operator action was refused (why)."""

    def on_alarm_evaluation(self, failing: dict[str, str]) -> None:
        """The kinds whose last alarm evaluation failed, with why (empty: all evaluate
        again). Said when the set changes; the alarms shown meanwhile may be out of date."""

    def on_rack_detail(self, detail: RackDetailSnapshot) -> None:
        """One rack in depth."""

    def on_rack_history(self, rack_id: str, history: dict[str, Any]) -> None:
        """The last hour of a rack's figures (:data:`HISTORY_FIELDS`)."""

    def on_rack_failed(self, rack_id: str, message: str) -> None:
        """A rack's detail could not be read (why)."""

    def on_log_written(self, report: LogWriteReport) -> None:
        """What became of shift-log writes (:class:`console.shiftlog.writer.LogWriteReport`):
        the write just asked for (sent, queued while the hub does not answer, or refused
        with the reason), and writes kept before that the hub took or refused since."""


# -- the heap ----------------------------------------------------------------------------------

_heap_lock = threading.Lock()
_heap_holders = 0


def settle_heap() -> None:
    """Take what exists when polling starts out of the cyclic collector's sight.

    Modules, Qt wrappers, views and the site layout live as long as the console. Full
    collections still happen now and then (poll data accumulates between them); each one
    walks every object in the process while holding the interpreter lock, and the GUI
    thread freezes meanwhile (about 50 ms measured at full scale). Frozen objects are
    still freed by reference counting; only the walk skips them. :func:`release_heap`
    gives them back to the collector when the last session stops.
    """
    global _heap_holders
    with _heap_lock:
        _heap_holders += 1
        if _heap_holders == 1:
            if threading.current_thread() is threading.main_thread():
                gc.collect()
            # Elsewhere (a session's worker thread) no collection: garbage that holds Qt
            # objects would be destroyed on that thread, not the GUI's (a crash). What
            # garbage there is now is frozen with the rest, and collected after release.
            gc.freeze()


def release_heap() -> None:
    global _heap_holders
    with _heap_lock:
        _heap_holders -= 1
        if _heap_holders == 0:
            gc.unfreeze()


# -- scheduling --------------------------------------------------------------------------------


FIRST_KINDS = ("site", "racks")
"""Fetched alone (in this order: the racks are placed on the site's layout) when a live session starts (on lanes): the site's layout and the racks
draw the floor, the window's first view of the site; every other kind is asked as soon as
the first rack answer is taken, ok or not (a start on 2 cores: about 0.4 s sooner than with
every kind's answer encoded, sent and decoded at once). A rack answer that has not come
within :data:`FIRST_HOLD_S` holds nothing back any longer."""
FIRST_HOLD_S = 1.0


class Schedule:
    """Which kinds are due when: each kind every ``intervals[kind]`` seconds, on the
    monotonic clock, never catching up a backlog in a storm."""

    def __init__(self, intervals: dict[str, float], kinds: Iterable[str], now: float) -> None:
        self.intervals = dict(intervals)
        # site first so racks can be placed
        ordered = sorted((k for k in self.intervals if k in set(kinds)),
                         key=lambda k: (k != "site", k != "racks"))
        self.due_at: dict[str, float] = dict.fromkeys(ordered, now)

    def __bool__(self) -> bool:
        return bool(self.due_at)

    def take_due(self, now: float, slack: float = BURST_SLACK_S) -> list[str]:
        """The kinds due by ``now`` (give or take ``slack``), each moved to its next time."""
        due = [k for k, t in self.due_at.items() if t <= now + slack]
        for kind in due:
            step = self.intervals[kind]
            later = self.due_at[kind] + step
            self.due_at[kind] = later if later > now else now + step  # no catch-up storm
        return due

    def asked(self, kind: str, now: float) -> None:
        """``kind`` was asked at ``now`` outside the schedule: next due a whole interval
        later (not asked again at once)."""
        if kind in self.due_at:
            self.due_at[kind] = now + self.intervals[kind]

    def wait(self, now: float) -> float | None:
        """Seconds until the next kind is due (0 when one is), None with no kinds."""
        if not self.due_at:
            return None
        return max(0.0, min(self.due_at.values()) - now)



# -- lanes -------------------------------------------------------------------------------------


class _Lane:
    """One thread that runs the jobs given to it in turn."""

    def __init__(self, name: str, done: Callable[[str, Any], None]) -> None:
        self.name = name
        self._jobs: queue.SimpleQueue[Callable[[], Any] | None] = queue.SimpleQueue()
        self._done = done
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, job: Callable[[], Any]) -> None:
        self._jobs.put(job)

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                result = job()
            except Exception as exc:  # jobs say their failures; this one is a bug
                log.exception("%s: unexpected error", self.name)
                result = exc
            self._done(self.name, result)

    def stop(self) -> None:
        self._jobs.put(None)

    def join(self, timeout: float) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()


class Lanes:
    """A thread per lane (a kind of data, the rack detail): each runs its own work in
    turn, so a request held up to its deadline holds back only its own lane.

    What a lane's job returns is queued, and ``wake`` is called (on the lane's thread) so
    the owner's thread takes it (:meth:`take`) in the order it came. ``busy`` is set while
    any job runs.
    """

    def __init__(self, prefix: str, wake: Callable[[], None], busy: Callable[[int], None]) -> None:
        self._prefix = prefix
        self._wake = wake
        self._busy = busy
        self._lanes: dict[str, _Lane] = {}
        self._done: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._stopped = False

    def submit(self, lane: str, job: Callable[[], Any]) -> None:
        """Run ``job`` on ``lane`` (its thread started at the first job) after the jobs
        given to it before."""
        if self._stopped:
            return
        worker = self._lanes.get(lane)
        if worker is None:
            worker = self._lanes[lane] = _Lane(f"{self._prefix}-{lane}", self._finished)

        def run() -> Any:
            self._busy(+1)
            try:
                return job()
            finally:
                self._busy(-1)

        worker.put(run)

    def _finished(self, name: str, result: Any) -> None:
        self._done.put((name.removeprefix(f"{self._prefix}-"), result))
        if not self._stopped:
            self._wake()

    def take(self) -> list[tuple[str, Any]]:
        """What the lanes finished since the last call: ``(lane, result)`` in order."""
        taken = []
        while True:
            try:
                taken.append(self._done.get_nowait())
            except queue.Empty:
                return taken

    def stop(self) -> None:
        """No more jobs; each lane ends after the job it runs."""
        self._stopped = True
        for worker in self._lanes.values():
            worker.stop()

    def join(self, timeout_s: float = LANE_JOIN_S) -> list[str]:
        """Wait for the lanes to end (after :meth:`stop`); the names of those still running."""
        deadline = time.monotonic() + timeout_s
        left = [w.name for w in self._lanes.values()
                if not w.join(max(0.0, deadline - time.monotonic()))]
        if left:
            log.warning("lanes still busy after %.0f s: %s", timeout_s, ", ".join(left))
        return left


@dataclass(slots=True)
class _LogFetched:
    """What the log's lane did: the outbox flushed (``report``), then the log polled
    (``fetched``; None for a flush alone, asked while a poll was on its way)."""

    report: LogWriteReport | None
    fetched: Fetched | None


def _flush_and_fetch(
    writer: LogWriter, poller: Poller | None, requested: tuple[tuple[str, str], ...]
) -> _LogFetched:
    """On the log's lane: send what waits in the outbox, then read the log (so what was
    just written comes back with the poll)."""
    try:
        report: LogWriteReport | None = writer.flush(requested)
    except Exception:  # a bug; the poll goes on, the writes stay kept
        log.exception("shift-log flush failed")
        report = None
    return _LogFetched(report, poller.fetch(LOG_KIND) if poller is not None else None)


def _engine_call(service: AlarmService, name: str, *args: Any) -> AlarmUpdate:
    """Call the alarm engine's ``name`` (planned work); NotImplementedError, in words,
    when this engine has no such method."""
    method = getattr(getattr(service, "engine", None), name, None)
    if method is None:
        raise NotImplementedError(f"this console's alarm engine cannot do {name.replace('_', ' ')}")
    return method(*args)


# -- live --------------------------------------------------------------------------------------


class LiveSession:
    """A live source, its cache and alarm service, driven from the caller's thread.

    The caller calls :meth:`begin` once, then :meth:`run_due` whenever :meth:`run_due` last
    said (seconds), :meth:`heal` every :data:`CACHE_HEAL_S` when :attr:`heals`,
    :meth:`maintain` every :data:`CACHE_MAINTAIN_S` when :attr:`maintains`, and
    :meth:`close` at the end (after :meth:`stop`, which any thread may call).

    Given ``wake``, and a source that lets its kinds be fetched at once
    (``concurrent_kinds``), each kind is fetched on a lane of its own (:class:`Lanes`), the
    rack detail on another: an answer that takes up to its deadline holds back only its
    own kind. ``wake`` is then called from a lane when something was fetched; the caller
    calls :meth:`run_due` on its thread soon after, which takes what was fetched (the
    cache, the alarm service and the listener are only ever used on the caller's thread,
    in the order the answers came). A kind still being fetched when it is due again is
    not asked twice; a kind that needs the site's topology waits for the site. Without
    ``wake`` every poll runs on the caller's thread, one after the other.
    """

    def __init__(
        self,
        source_factory: Callable[[], SessionSource],
        cache_factory: Callable[[], Cache] | None = None,
        intervals: dict[str, float] | None = None,
        alarm_factory: Callable[[LiveCache | None], AlarmService] | None = None,
        listener: SessionListener | None = None,
        settle: bool = True,
        wake: Callable[[], None] | None = None,
    ) -> None:
        self.listener = listener or SessionListener()
        self._wake = wake
        self._source_factory = source_factory
        self._cache_factory = cache_factory
        self._alarm_factory = alarm_factory
        self.intervals = dict(DEFAULT_INTERVALS if intervals is None else intervals)
        self.settle = settle
        """Freeze the heap while polling (:func:`settle_heap`)."""
        self.busy = threading.Event()
        """Set while polls are fetched or taken (or the cache kept up); a GUI draws in
        between."""
        self._busy_count = 0
        self._busy_lock = threading.Lock()
        self.lanes: Lanes | None = None
        """The lanes kinds are fetched on; None: all on the caller's thread."""
        self._in_flight: set[str] = set()
        self._waiting: set[str] = set()
        self._held: set[str] | None = None
        """Kinds held back until the first rack answer is taken (None: none held)."""
        self._held_until = 0.0
        """When held kinds are asked anyway (a rack answer slow to come holds none back)."""
        self.stopping = False
        self._settled = False
        self.poller: Poller | None = None
        self.source: SessionSource | None = None
        self.cache: LiveCache | None = None
        self.alarm_service: AlarmService | None = None
        self.alarm_failing: dict[str, str] = {}
        """Kinds whose last alarm evaluation raised, with why (the alarms shown may be out
        of date until each evaluates again)."""
        self.schedule: Schedule | None = None
        self.log_writer: LogWriter | None = None
        """Writes the shift log (None: the source keeps none, or the log is not polled)."""
        self._no_writer: str | None = None
        """Why a source that delivers the log has no writer."""
        self._log_offered = False
        """The source offered the log when it started (it leaves the source's kinds
        when the hub answers that it keeps none)."""
        self._page_check: (
            tuple[Cache, PageCheck, threading.Thread, list[str | None]] | None) = None
        """The whole-file check of a cache opened with a glance, on a thread of its own."""

    # -- start -------------------------------------------------------------------------------
    def begin(self) -> bool:
        """Create and start the source, then the cache, the history and the alarms; False
        (and ``on_start_failed``) when the source cannot start."""
        try:
            self.source = self._source_factory()
            self.source.start()
        except Exception as exc:  # a bad URL or a port in use: say so, do not crash
            log.warning("source failed to start: %s", exc)
            self.listener.on_start_failed(str(exc) or exc.__class__.__name__)
            return False
        if self._cache_factory is not None:
            self._open_cache(self._cache_factory)
        self.poller = Poller(self.source, self.cache)
        self.schedule = Schedule(self.intervals, self.source.kinds, time.monotonic())
        if self._wake is not None and getattr(self.source, "concurrent_kinds", False):
            self.lanes = Lanes(THREAD_PREFIX, self._wake, self._count_busy)
            if set(FIRST_KINDS) <= set(self.source.kinds):
                self._held = set()
                self._held_until = time.monotonic() + FIRST_HOLD_S
                # The floor's first answer is fetched on its lanes while the history and
                # the alarms load here (taken after them, at the first run_due); the kinds
                # the history concerns (power) are held back until it is taken.
                for kind in FIRST_KINDS:
                    self.request(kind)
                    # on its way: not asked again at the schedule's first turn (the site's
                    # layout read and decoded twice, the window comparing the two)
                    self.schedule.asked(kind, time.monotonic())
        self._load_history()
        if self._alarm_factory is not None:
            self.alarm_service = self._alarm_factory(self.cache)
        self._open_log_writer()
        self.listener.on_started(self.source.display_url)
        if self.settle:
            settle_heap()
            self._settled = True
        self._check_pages_soon()
        return True

    def _check_pages_soon(self) -> None:
        """A live cache file opened with a glance at its header (its pages unchecked: the
        check takes seconds for a full file, and would hold back the first poll) has every
        page read now, on a read-only connection and a thread of its own; what it finds
        is taken on the caller's thread (:meth:`_take_page_check`): a damaged file fails
        the cache as a failed write does (the banner says why) and is never written
        again."""
        cache = self.cache
        opened = cache.cache if isinstance(cache, PendingCache) else cache
        if self._page_check is not None or self.stopping or not isinstance(opened, Cache) \
                or opened.pages_checked:
            return
        check = PageCheck(opened.path, opened.busy_timeout_s)
        found: list[str | None] = []

        def run() -> None:
            found.append(check.run())
            if self._wake is not None and not self.stopping:
                self._wake()  # taken at the next run_due

        thread = threading.Thread(target=run, name=f"{THREAD_PREFIX}-pages", daemon=True)
        self._page_check = (opened, check, thread, found)
        thread.start()

    def _take_page_check(self) -> None:
        """What the whole-file check found, once it is done (on the caller's thread)."""
        running = self._page_check
        if running is None or running[2].is_alive():
            return
        self._page_check = None
        opened, _check, thread, found = running
        thread.join()
        reason = found[0] if found else None
        if reason is None:
            opened.pages_checked = True
        elif not self.stopping:
            log.warning("cache file damaged, not written again: %s", reason)
            opened.damaged(reason)

    def _count_busy(self, step: int) -> None:
        """One more (+1) or one less (-1) piece of work running: :attr:`busy` follows."""
        with self._busy_lock:
            self._busy_count += step
            if self._busy_count > 0:
                self.busy.set()
            else:
                self.busy.clear()

    @property
    def maintains(self) -> bool:
        """The cache wants upkeep (:meth:`maintain`)."""
        return self.cache is not None

    @property
    def heals(self) -> bool:
        """The cache can retry after a failure (:meth:`heal`)."""
        return self.cache is not None

    def _open_cache(self, factory: Callable[[], Cache]) -> None:
        """Open the cache; one that cannot be opened now is opened later (and says so)."""
        cache: LiveCache
        try:
            cache = factory()
        except Exception as exc:
            reason = str(exc) or exc.__class__.__name__
            log.warning("cache unavailable (retrying): %s", reason)
            self.listener.on_cache_failed(reason)
            cache = PendingCache(factory, reason)
        self.cache = cache
        cache.on_health = self._on_cache_health
        failed = cache.failed
        if failed is not None and not isinstance(cache, PendingCache):
            self.listener.on_cache_failed(failed)  # opened, but takes no writes now

    def _open_log_writer(self) -> None:
        """The shift log's writer, when the source delivers the log and it is polled: its
        outbox in the cache file (in memory while there is none)."""
        source = self.source
        make = getattr(source, "log_client", None)
        if source is None or make is None or LOG_KIND not in source.kinds:
            return
        self._log_offered = True
        if LOG_KIND not in self.intervals:
            self._no_writer = "the shift log is not polled here (set [poll] log)"
            return
        try:
            self.log_writer = LogWriter(make(), self._cache_file())
        except Exception as exc:  # the log is read all the same; writes are refused in words
            log.warning("shift-log writes unavailable: %s", exc)
            self._no_writer = f"shift-log writes unavailable: {exc}"

    def _cache_file(self) -> Path | None:
        """The cache's file (where the outbox is kept); None while there is none open."""
        try:
            path = getattr(self.cache, "path", None)  # a PendingCache has none until open
        except Exception:
            return None
        return Path(path) if isinstance(path, str | Path) else None

    def _outbox_in_cache(self) -> None:
        """Move writes kept in memory (no cache yet) into the cache file once it is open."""
        writer = self.log_writer
        if writer is not None and writer.path is None:
            path = self._cache_file()
            if path is not None:
                try:
                    writer.use_file(path)
                except Exception as exc:  # kept in memory meanwhile, and sent from there
                    log.warning("shift-log outbox not moved to %s: %s", path, exc)

    def _on_cache_health(self, health: CacheHealth) -> None:
        """From the cache (on the thread of the write concerned): it failed (why) or records
        again."""
        if self.stopping:
            return
        if health.failed is not None:
            self.listener.on_cache_failed(health.failed)
        else:
            self.listener.on_cache_recovered(health)

    def _load_history(self) -> None:
        """Hand the listener the cached power history, then poll only what is newer."""
        read_power = getattr(self.cache, "power", None)  # a read: a PendingCache has none yet
        if read_power is None or self.poller is None:
            return
        now = time.time()
        try:
            series: PowerSeries = read_power(now - HISTORY_S, now)
        except Exception as exc:  # an unreadable history is no reason to stop
            log.info("no cached power history: %s", exc)
            return
        if len(series):
            self.listener.on_history(series)
            last = float(series.t[-1])
            if now - last < self.poller.context.power_window_s:
                self.poller.context.power_since = next_power_start(series)

    # -- polling -----------------------------------------------------------------------------
    def run_due(self) -> float | None:
        """Take what the lanes fetched, then poll every kind that is due (on its lane, or
        here one after the other); the seconds until the next is due (None: nothing more
        to poll, stopped or never started)."""
        self._count_busy(+1)
        try:
            self._take_fetched()
            self._take_page_check()
            self._check_pages_soon()  # a cache opened later, after a failure
            if self._held is not None and time.monotonic() >= self._held_until:
                self._release_held()
            while not self.stopping and self.schedule:
                due = self.schedule.take_due(time.monotonic())
                if not due:
                    break
                for kind in due:
                    self.request(kind)
                    if self.stopping:
                        return None
        finally:
            self._count_busy(-1)
        if self.stopping or self.schedule is None:
            return None
        now = time.monotonic()
        wait = self.schedule.wait(now)
        if self._held is not None and wait is not None:
            wait = min(wait, max(0.0, self._held_until - now))
        return wait

    def _release_held(self) -> None:
        """Ask the kinds held back for the floor's first answer."""
        held, self._held = self._held or set(), None
        for kind in sorted(held):
            self.request(kind)

    def request(self, kind: str) -> None:
        """Poll one kind now: on its lane (unless it is being fetched already, or waits
        for the site's topology), else here."""
        if self.stopping or self.poller is None:
            return
        if self.lanes is None:
            self.poll(kind)
            return
        if kind in self._in_flight:
            return  # still on its way: asked again when it is due after it came
        if self._held is not None and kind not in FIRST_KINDS:
            self._held.add(kind)  # asked once the floor's first answer is taken
            return
        if kind in NEEDS_TOPOLOGY and self.poller.context.topology is None:
            if "site" in self._in_flight:
                self._waiting.add(kind)  # asked as soon as the site is taken
                return
        self._in_flight.add(kind)
        if kind == LOG_KIND and self.log_writer is not None:
            self._outbox_in_cache()
            self.lanes.submit(kind, functools.partial(
                _flush_and_fetch, self.log_writer, self.poller, ()))
            return
        self.lanes.submit(kind, functools.partial(self.poller.fetch, kind))

    def _take_fetched(self) -> None:
        """Take, in the order they came, the polls and rack details the lanes fetched."""
        if self.lanes is None or self.poller is None:
            return
        for lane, result in self.lanes.take():
            if self.stopping:
                return
            with DECODE_GATE:  # one thread at a time does the console's Python work
                self._take_one(lane, result)

    def _take_one(self, lane: str, result: Any) -> None:
        """Take what one lane finished (on the session's thread)."""
        if self.poller is None:
            return
        if lane == RACK_LANE:
            if isinstance(result, tuple):
                self._rack_fetched(*result)
            return
        if isinstance(result, _LogFetched):
            if result.report is not None:
                self._log_flushed(result.report)
            if result.fetched is None:
                return  # a flush alone: the log's poll is still on its way
            result = result.fetched
        self._in_flight.discard(lane)
        if isinstance(result, Fetched):
            self._deliver(self.poller.commit(result))
        else:  # the fetch itself failed (a bug): said once, the kind goes on
            self._deliver(PollResult(lane, None, f"unexpected error ({result!r:.80})",
                                     time.time(), 0.0))
        if lane == "site" and self._waiting:
            waiting, self._waiting = self._waiting, set()
            for kind in sorted(waiting):
                self.request(kind)
        if lane == "racks" and self._held is not None:
            self._release_held()

    def poll(self, kind: str) -> None:
        """Poll one kind now, on this thread: the result to the listener, then to the alarm
        service."""
        if self.stopping or self.poller is None:
            return
        if kind == LOG_KIND and self.log_writer is not None:
            self._outbox_in_cache()
            self._log_flushed(self.log_writer.flush())
        self._deliver(self.poller.poll(kind))

    def _deliver(self, result: PollResult) -> None:
        kind = result.kind
        if self.stopping:
            return
        self.listener.on_polled(result)
        # the log and the forecast raise no alarm: no rule reads them
        if self.alarm_service is not None and kind not in NO_RULE_KINDS:
            try:
                update = self.alarm_service.on_poll(kind, result.snapshot, result.ok, time.time())
            except Exception as exc:  # alarming must never stop the data path
                log.exception("alarm evaluation failed")
                why = str(exc) or exc.__class__.__name__
                if self.alarm_failing.get(kind) != why:
                    self.alarm_failing[kind] = why
                    self.listener.on_alarm_evaluation(dict(self.alarm_failing))
                return
            if kind in self.alarm_failing:
                del self.alarm_failing[kind]
                self.listener.on_alarm_evaluation(dict(self.alarm_failing))
            self.listener.on_alarms(update)

    def fetch_rack(self, rack_id: str) -> None:
        """One rack in depth (on the rack-detail lane, or here), then its last hour from
        the cache."""
        if self.stopping or self.source is None:
            return
        source = self.source

        def fetch() -> tuple[str, RackDetailSnapshot | None, str | None]:
            try:
                return rack_id, source.fetch_rack(rack_id), None
            except Exception as exc:
                return rack_id, None, str(exc) or exc.__class__.__name__

        if self.lanes is not None:
            self.lanes.submit(RACK_LANE, fetch)
        else:
            self._rack_fetched(*fetch())

    def _rack_fetched(
        self, rack_id: str, detail: RackDetailSnapshot | None, error: str | None
    ) -> None:
        if self.stopping:
            return
        if detail is None:
            self.listener.on_rack_failed(rack_id, error or "no answer")
            return
        self.listener.on_rack_detail(detail)
        read_history = getattr(self.cache, "rack_history", None)  # a read, as power above
        if read_history is not None:
            end = time.time()
            history: dict[str, Any] = {}
            for field in HISTORY_FIELDS:
                try:
                    history[field] = read_history(rack_id, field, end - 3600, end)
                except Exception as exc:  # no history is no reason to fail the detail
                    log.info("no %s history for %s: %s", field, rack_id, exc)
            if not self.stopping:
                self.listener.on_rack_history(rack_id, history)

    # -- alarms ------------------------------------------------------------------------------
    def acknowledge(self, alarm_id: str, operator: str, comment: str) -> None:
        self._alarm_action(lambda s: s.acknowledge(alarm_id, operator, comment))

    def shelve(self, alarm_id: str, until: float, operator: str, comment: str) -> None:
        self._alarm_action(lambda s: s.shelve(alarm_id, until, operator, comment))

    def plan_shelf(self, scope: str, start: float, end: float, operator: str, reason: str) -> None:
        self._alarm_action(
            lambda s: _engine_call(s, "plan_shelf", scope, start, end, operator, reason)
        )

    def cancel_plan(self, plan_id: str, operator: str, comment: str) -> None:
        self._alarm_action(lambda s: _engine_call(s, "cancel_plan", plan_id, operator, comment))

    def _alarm_action(self, action: Callable[[AlarmService], AlarmUpdate]) -> None:
        if self.alarm_service is None or self.stopping:
            return
        try:
            update = action(self.alarm_service)
        except (KeyError, ValueError, NotImplementedError) as exc:
            self.listener.on_alarm_action_failed(str(exc).strip("'\""))
            return
        self.listener.on_alarms(update)

    def record_handover(self, record: Any) -> None:
        """Journal a shift handover (a :class:`console.handover.record.HandoverRecord`) in
        the alarm journal, as acknowledgements are: through the alarm service's journal
        (written on to the cache, which keeps it while it cannot write), else straight into
        the cache. ``on_alarm_action_failed`` says why when there is no journal, or the row
        is refused."""
        if self.stopping:
            return
        journal: Any = (self.alarm_service.recent if self.alarm_service is not None
                        else self.cache)
        if journal is None:
            self.listener.on_alarm_action_failed(
                "the handover is not journaled: this console keeps no alarm journal")
            return
        try:
            journal.append_journal([record.journal_entry()])
        except Exception as exc:  # a refused row or a read-only file: said, the rest goes on
            log.warning("handover not journaled: %s", exc)
            self.listener.on_alarm_action_failed(f"the handover is not journaled: {exc}")

    # -- the shift log -----------------------------------------------------------------------
    def add_log_entry(self, entry: NewEntry) -> None:
        """Write a checked entry to the shift log (:func:`console.shiftlog.model.validate_new`):
        kept in the outbox, then sent with what waits before it (on the log's lane, or
        here); ``on_log_written`` says whether the hub took it, refused it, or it waits."""
        if self.stopping:
            return
        writer = self._log_writer_for("add", "", entry)
        if writer is None:
            return
        self._outbox_in_cache()
        uid = writer.add(entry)
        self._send_log(writer, ("add", uid))

    def clear_log_entry(self, uid: str, who: str) -> None:
        """Clear the open item ``uid`` in ``who``'s name, as :meth:`add_log_entry` writes.
        A clear the hub refuses because the entry was cleared already names who cleared
        it and when (``LogWrite.cleared_by``, ``cleared_at``)."""
        if self.stopping:
            return
        writer = self._log_writer_for("clear", uid, who=who)
        if writer is None:
            return
        self._outbox_in_cache()
        try:
            uid = writer.clear(uid, who)
        except LogError as exc:
            self.listener.on_log_written(refusal("clear", uid, str(exc), who=who))
            return
        self._send_log(writer, ("clear", uid))

    def _log_writer_for(self, action: str, uid: str, entry: NewEntry | None = None,
                        who: str = "") -> LogWriter | None:
        """The writer, or None after telling the listener why nothing can be written."""
        source = self.source
        if self.log_writer is not None and source is not None and LOG_KIND in source.kinds:
            return self.log_writer
        reason = NO_LOG_AT_HUB if self._log_offered else NO_LOG
        if source is not None and LOG_KIND in source.kinds and self._no_writer:
            reason = self._no_writer
        self.listener.on_log_written(refusal(action, uid, reason, entry, who))
        return None

    def _send_log(self, writer: LogWriter, write: tuple[str, str]) -> None:
        """Send a write just kept: on the log's lane (before its next poll, or alone after
        the poll on its way), or here, then poll the log."""
        if self.lanes is None or self.poller is None:
            self._log_flushed(writer.flush((write,)))
            if self.poller is not None:
                self._deliver(self.poller.poll(LOG_KIND))
            return
        if LOG_KIND in self._in_flight:
            self.lanes.submit(LOG_KIND, functools.partial(_flush_and_fetch, writer, None,
                                                          (write,)))
            return
        self._in_flight.add(LOG_KIND)
        self.lanes.submit(LOG_KIND, functools.partial(_flush_and_fetch, writer, self.poller,
                                                      (write,)))

    def _log_flushed(self, report: LogWriteReport) -> None:
        if report.writes and not self.stopping:
            self.listener.on_log_written(report)

    # -- the cache ---------------------------------------------------------------------------
    def heal(self) -> None:
        """Let a failed cache retry (when its backoff says so)."""
        if self.stopping or self.cache is None or self.cache.failed is None:
            return
        self._count_busy(+1)
        try:
            self.cache.heal()
        except Exception:  # the cache is a cache: the live view goes on
            log.exception("cache retry failed")
        finally:
            self._count_busy(-1)

    def maintain(self) -> None:
        """Cache upkeep (on the hub's clock: the newest poll)."""
        if self.cache is None:
            return
        self._count_busy(+1)
        try:
            self.cache.maintain()
        except Exception as exc:
            self.listener.on_cache_failed(str(exc))
        finally:
            self._count_busy(-1)

    # -- the end -----------------------------------------------------------------------------
    def stop(self) -> None:
        """From any thread: no more polls, results or cache news after the one running."""
        self.stopping = True

    def close(self) -> None:
        """Stop, give the heap back, close the source (which ends its requests under way),
        wait for the lanes, close the cache (idempotent)."""
        self.stopping = True
        if self._settled:
            self._settled = False
            release_heap()
        lanes, self.lanes = self.lanes, None
        if lanes is not None:
            lanes.stop()
        page_check, self._page_check = self._page_check, None
        if page_check is not None:
            page_check[1].cancel()
            page_check[2].join()
        if self.source is not None:
            try:
                self.source.close()
            except Exception:
                log.exception("error while closing %r", self.source)
        if self.log_writer is not None:
            self.log_writer.abort()  # a flush under way ends; its writes stay kept
        if lanes is not None:
            lanes.join()
        writer, self.log_writer = self.log_writer, None
        for closer in (writer, self.cache):
            if closer is not None:
                try:
                    closer.close()
                except Exception:
                    log.exception("error while closing %r", closer)


# -- review ------------------------------------------------------------------------------------


class ReviewError(Exception):
    """A cache file that cannot be reviewed (one line: why)."""


@dataclass(frozen=True)
class SeekResult:
    """What a review shows at a position (besides the poll results)."""

    position: float
    elapsed_ms: float
    """How long the reads took."""
    alarms: AlarmUpdate
    """The alarm list as the journal says it stood (an AlarmUpdate whose ``maintenance``
    is the maintenance list then)."""
    kpis: tuple[AlarmKpis, tuple[float, float]]
    """(AlarmKpis, (shift start, shift end)): the shift around the position, up to it."""
    log: tuple[LogEntry, ...] | None = None
    """The shift log as it stood at the position (None: the file keeps none readable)."""
    log_recorded: bool = True
    """False: the file was recorded before the console kept a shift log (schema 9), so
    the log was not recorded in it (``log`` is None), which is no empty log."""


class ReviewSession:
    """A cache file read at chosen times (read-only: the file is never written)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.source: CacheReplaySource | None = None
        self.poller: Poller | None = None
        self.journal: list[dict[str, Any]] = []
        self.incidents: list[dict[str, Any]] = []
        self.first = 0.0
        self.last = 0.0
        self.stopping = False

    def open(self) -> tuple[float, float, list[dict[str, Any]]]:
        """Open the file: (first, last, incidents). ReviewError when it cannot be read or
        holds no telemetry."""
        try:
            self.source = CacheReplaySource(self.url)
            self.source.start()
            span = self.source.time_range()
        except (SourceError, ValueError, OSError) as exc:
            raise ReviewError(str(exc)) from None
        if span is None:
            raise ReviewError(f"cache replay: {self.source.path} holds no telemetry yet")
        self.first, self.last = span
        self.poller = Poller(self.source)
        try:
            self.incidents = list(self.source.cache.incidents())
        except Exception as exc:  # an old file without incidents still reviews
            log.info("no incidents in %s: %s", self.url, exc)
        try:
            self.journal = list(self.source.cache.journal())
        except Exception as exc:
            log.info("no alarm journal in %s: %s", self.url, exc)
        return self.first, self.last, self.incidents

    def gaps(self) -> list[dict[str, Any]]:
        """The spans the live console polled but could not record ([] when unknown)."""
        if self.source is None:
            return []
        try:
            return list(self.source.cache.gaps(self.first, self.last))
        except Exception as exc:  # a file from before gaps were recorded, or a damaged table
            log.info("no recording gaps in %s: %s", self.url, exc)
            return []

    def seek(
        self, t: float, on_result: Callable[[PollResult], None] | None = None
    ) -> SeekResult | None:
        """The site at ``t``: each kind's result to ``on_result`` as read, then what else
        stood there; None when closed (or stopped meanwhile)."""
        if self.stopping or self.source is None or self.poller is None:
            return None
        t0 = time.perf_counter()
        self.source.seek(t)
        # Each seek shows the state at t, not a continuation of the previous position.
        self.poller.context.last_event_id = 0
        self.poller.context.power_since = None
        for kind in REVIEW_KINDS:
            result = self.poller.poll(kind)
            if self.stopping:
                return None
            if on_result is not None:
                on_result(result)
        position = self.source.position
        update = replace(update_at(self.journal, position), maintenance=self.maintenance_at(position))
        try:
            shift_log, recorded = self.log_at(position), True
        except LogNotRecorded:
            shift_log, recorded = None, False
        elapsed = (time.perf_counter() - t0) * 1000
        return SeekResult(position, elapsed, update, self.kpis_at(position),
                          None if shift_log is None else tuple(shift_log), recorded)

    def alarms_at(self, t: float) -> AlarmUpdate:
        """The alarm list the journal says stood at ``t``."""
        return update_at(self.journal, t)

    def kpis_at(self, t: float) -> tuple[AlarmKpis, tuple[float, float]]:
        """The alarm KPIs of the recorded site's shift holding ``t`` (its zone's shifts)."""
        topology = self.poller.context.topology if self.poller is not None else None
        return shift_kpis(self.journal, t, (topology.timezone if topology else None) or None)

    def maintenance_at(self, t: float) -> MaintenanceList:
        """The maintenance list the cache says stood at ``t`` (``recorded`` False when it
        holds none then: a file from before schema 5, or a time before its first record)."""
        found = None
        if self.source is not None:
            try:
                found = self.source.cache.maintenance_at(t)
            except Exception as exc:  # a damaged table: the rest of the review goes on
                log.info("no maintenance list in %s: %s", self.url, exc)
        return found if found is not None else MaintenanceList(time=t, recorded=False)

    def log_at(self, t: float) -> list[LogEntry] | None:
        """The shift log as it stood at ``t``: the entries written by then, each open or
        cleared as of ``t`` (None when unreadable). A file from before schema 9 recorded
        none: :class:`console.cache.logbook.LogNotRecorded`."""
        if self.source is None:
            return None
        try:
            return list(self.source.cache.log_at(t))
        except LogNotRecorded:
            raise
        except Exception as exc:  # a damaged table: the rest of the review goes on
            log.info("no shift log in %s: %s", self.url, exc)
            return None

    def close(self) -> None:
        self.stopping = True
        if self.source is not None:
            self.source.close()
