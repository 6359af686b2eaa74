"""The Qt bridge of the data path: polls a source on a worker thread.

A :class:`LiveFeed` owns one QThread. Inside it a worker creates the source and
the cache (so slow starts never block the GUI), runs one QTimer per data kind and
calls the Qt-free :class:`console.poller.Poller`. Results cross to the GUI thread
as queued signals. All kinds share the one thread, so at most one request is in
flight per source. After :meth:`LiveFeed.stop`, late results are dropped.

The cache heals itself (:mod:`console.cache.store`): whatever path a cache failure comes
from (a poll, the alarm journal, an incident, the maintenance list, upkeep, opening), the
feed says ``cacheFailed`` with the reason, and ``cacheRecovered`` once it records again. A
cache that cannot be opened at start is opened later (:class:`PendingCache`).
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from console.cache.store import CacheHealth, PendingCache
from console.poller import DEFAULT_INTERVALS, Poller, PollResult, next_power_start
from console.sources.base import Source

log = logging.getLogger(__name__)

CACHE_MAINTAIN_S = 300.0
CACHE_HEAL_S = 0.25
"""How often the worker asks a failed cache whether a retry is due (the cache's own backoff
decides; asking costs nothing), so it heals even while no poll writes."""
BURST_SLACK_S = 0.05
"""Kinds due within this much of each other are polled in the same burst."""
GIL_SWITCH_S = 0.001
HISTORY_S = 7 * 86_400.0
"""How much cached power history the chart gets at start-up."""
HISTORY_FIELDS = ("power_kw", "inlet_c", "gpu_temp_max_c", "gpu_util_mean")
"""Per-rack figures whose last hour the rack detail draws as sparklines."""


_heap_lock = threading.Lock()
_heap_holders = 0


def _settle_heap() -> None:
    """Take what exists when polling starts out of the cyclic collector's sight.

    Modules, Qt wrappers, views and the site layout live as long as the console. Full
    collections still happen now and then (poll data accumulates between them); each one
    walks every object in the process while holding the interpreter lock, and the GUI
    thread freezes meanwhile (about 50 ms measured at full scale). Frozen objects are
    still freed by reference counting; only the walk skips them. :func:`_release_heap`
    gives them back to the collector when the last feed stops.
    """
    global _heap_holders
    with _heap_lock:
        _heap_holders += 1
        if _heap_holders == 1:
            gc.collect()
            gc.freeze()


def _release_heap() -> None:
    global _heap_holders
    with _heap_lock:
        _heap_holders -= 1
        if _heap_holders == 0:
            gc.unfreeze()


def _engine_call(service: Any, name: str, *args: Any) -> Any:
    """Call the alarm engine's ``name`` (planned work); NotImplementedError, in words,
    when this engine has no such method."""
    method = getattr(getattr(service, "engine", None), name, None)
    if method is None:
        raise NotImplementedError(f"this console's alarm engine cannot do {name.replace('_', ' ')}")
    return method(*args)


class _PollWorker(QObject):
    """Lives in the feed's thread; everything here runs off the GUI thread."""

    polled = Signal(object)
    rackDetail = Signal(object)
    rackHistory = Signal(str, object)
    rackDetailFailed = Signal(str, str)
    started = Signal(str)
    startFailed = Signal(str)
    cacheFailed = Signal(str)
    cacheRecovered = Signal(object)
    alarms = Signal(object)
    alarmActionFailed = Signal(str)
    history = Signal(object)

    def __init__(
        self,
        source_factory: Callable[[], Source],
        cache_factory: Callable[[], Any] | None,
        intervals: dict[str, float],
        alarm_factory: Callable[[Any], Any] | None = None,
    ) -> None:
        super().__init__()
        self._alarm_factory = alarm_factory
        self.alarm_service: Any = None
        self._source_factory = source_factory
        self._cache_factory = cache_factory
        self._intervals = intervals
        self._timers: list[QTimer] = []
        self._due: dict[str, float] = {}
        self.busy = threading.Event()
        """Set while a burst of polls (or cache upkeep) runs; the GUI draws in between."""
        self._stopping = False
        self._settled = False
        self.poller: Poller | None = None
        self.source: Source | None = None
        self.cache: Any = None

    @Slot()
    def begin(self) -> None:
        try:
            self.source = self._source_factory()
            self.source.start()
        except Exception as exc:  # a bad URL or a port in use: say so, do not crash
            log.warning("source failed to start: %s", exc)
            self.startFailed.emit(str(exc) or exc.__class__.__name__)
            return
        if self._cache_factory is not None:
            self._open_cache(self._cache_factory)
        self.poller = Poller(self.source, self.cache)
        self._load_history()
        if self._alarm_factory is not None:
            self.alarm_service = self._alarm_factory(self.cache)
        self.started.emit(self.source.display_url)
        _settle_heap()
        self._settled = True
        kinds = sorted(
            (k for k in self._intervals if k in self.source.kinds),
            key=lambda k: (k != "site", k != "racks"),  # site first so racks can be placed
        )
        if self.cache is not None and hasattr(self.cache, "maintain"):
            timer = QTimer(self)
            timer.setInterval(int(CACHE_MAINTAIN_S * 1000))
            timer.timeout.connect(self._maintain)
            timer.start()
            self._timers.append(timer)
        if self.cache is not None and hasattr(self.cache, "heal"):
            timer = QTimer(self)
            timer.setInterval(int(CACHE_HEAL_S * 1000))
            timer.timeout.connect(self._heal)
            timer.start()
            self._timers.append(timer)
        # One driver polls every kind that is due in one burst (all of them at once here),
        # so the GUI can tell when the worker is busy and draw in between bursts.
        self._due = dict.fromkeys(kinds, time.monotonic())
        self._driver = QTimer(self)
        self._driver.setSingleShot(True)
        self._driver.timeout.connect(self._run_due)
        self._timers.append(self._driver)
        self._run_due()

    def _open_cache(self, factory: Callable[[], Any]) -> None:
        """Open the cache; one that cannot be opened now is opened later (and says so)."""
        try:
            self.cache = factory()
        except Exception as exc:
            reason = str(exc) or exc.__class__.__name__
            log.warning("cache unavailable (retrying): %s", reason)
            self.cacheFailed.emit(reason)
            self.cache = PendingCache(factory, reason)
        if hasattr(self.cache, "on_health"):
            self.cache.on_health = self._on_cache_health
        failed = getattr(self.cache, "failed", None)
        if isinstance(failed, str) and not isinstance(self.cache, PendingCache):
            self.cacheFailed.emit(failed)  # opened, but takes no writes now

    def _on_cache_health(self, health: CacheHealth) -> None:
        """From the cache (on the thread of the write concerned): it failed (why) or records
        again."""
        if self._stopping:
            return
        if health.failed is not None:
            self.cacheFailed.emit(health.failed)
        else:
            self.cacheRecovered.emit(health)

    def _heal(self) -> None:
        if self._stopping or getattr(self.cache, "failed", None) is None:
            return
        self.busy.set()
        try:
            self.cache.heal()
        except Exception:  # the cache is a cache: the live view goes on
            log.exception("cache retry failed")
        finally:
            self.busy.clear()

    def _run_due(self) -> None:
        self.busy.set()
        try:
            while not self._stopping and self._due:
                now = time.monotonic()
                due = [k for k, t in self._due.items() if t <= now + BURST_SLACK_S]
                if not due:
                    break
                for kind in due:
                    step = self._intervals[kind]
                    later = self._due[kind] + step
                    self._due[kind] = later if later > now else now + step  # no catch-up storm
                    self.poll(kind)
                    if self._stopping:
                        return
        finally:
            self.busy.clear()
        if not self._stopping and self._due:
            wait = min(self._due.values()) - time.monotonic()
            self._driver.start(max(0, int(wait * 1000)))

    def _load_history(self) -> None:
        """Hand the views the cached power history, then poll only what is newer."""
        if self.cache is None or not hasattr(self.cache, "power") or self.poller is None:
            return
        now = time.time()
        try:
            series = self.cache.power(now - HISTORY_S, now)
        except Exception as exc:  # an unreadable history is no reason to stop
            log.info("no cached power history: %s", exc)
            return
        if len(series):
            self.history.emit(series)
            last = float(series.t[-1])
            if now - last < self.poller.context.power_window_s:
                self.poller.context.power_since = next_power_start(series)

    @Slot(str)
    def poll(self, kind: str) -> None:
        if self._stopping or self.poller is None:
            return
        result = self.poller.poll(kind)
        if self._stopping:
            return
        self.polled.emit(result)
        if self.alarm_service is not None:
            try:
                update = self.alarm_service.on_poll(kind, result.snapshot, result.ok, time.time())
            except Exception:  # alarming must never stop the data path
                log.exception("alarm evaluation failed")
                return
            self.alarms.emit(update)

    @Slot(str, str, str)
    def acknowledge(self, alarm_id: str, operator: str, comment: str) -> None:
        self._alarm_action(lambda s: s.acknowledge(alarm_id, operator, comment))

    @Slot(str, float, str, str)
    def shelve(self, alarm_id: str, until: float, operator: str, comment: str) -> None:
        self._alarm_action(lambda s: s.shelve(alarm_id, until, operator, comment))

    @Slot(str, float, float, str, str)
    def plan_shelf(self, scope: str, start: float, end: float, operator: str, reason: str) -> None:
        self._alarm_action(
            lambda s: _engine_call(s, "plan_shelf", scope, start, end, operator, reason)
        )

    @Slot(str, str, str)
    def cancel_plan(self, plan_id: str, operator: str, comment: str) -> None:
        self._alarm_action(lambda s: _engine_call(s, "cancel_plan", plan_id, operator, comment))

    def _alarm_action(self, action: Callable[[Any], Any]) -> None:
        if self.alarm_service is None or self._stopping:
            return
        try:
            update = action(self.alarm_service)
        except (KeyError, ValueError, NotImplementedError) as exc:
            self.alarmActionFailed.emit(str(exc).strip("'\""))
            return
        self.alarms.emit(update)

    @Slot(str)
    def fetch_rack(self, rack_id: str) -> None:
        if self._stopping or self.source is None:
            return
        try:
            detail = self.source.fetch_rack(rack_id)
        except Exception as exc:
            self.rackDetailFailed.emit(rack_id, str(exc))
            return
        if self._stopping:
            return
        self.rackDetail.emit(detail)
        if self.cache is not None and hasattr(self.cache, "rack_history"):
            end = time.time()
            history: dict[str, Any] = {}
            for field in HISTORY_FIELDS:
                try:
                    history[field] = self.cache.rack_history(rack_id, field, end - 3600, end)
                except Exception as exc:  # no history is no reason to fail the detail
                    log.info("no %s history for %s: %s", field, rack_id, exc)
            if not self._stopping:
                self.rackHistory.emit(rack_id, history)

    def _maintain(self) -> None:
        self.busy.set()
        try:
            self.cache.maintain()  # on the hub's clock: the newest poll
        except Exception as exc:
            self.cacheFailed.emit(str(exc))
        finally:
            self.busy.clear()

    @Slot()
    def finish(self) -> None:
        self._stopping = True
        for timer in self._timers:
            timer.stop()
        self._timers.clear()
        if self._settled:
            self._settled = False
            _release_heap()
        for closer in (self.source, self.cache):
            if closer is not None and hasattr(closer, "close"):
                try:
                    closer.close()
                except Exception:
                    log.exception("error while closing %r", closer)
        thread = self.thread()
        thread.quit()


class LiveFeed(QObject):
    """Polls a source in the background and hands results to the GUI thread."""

    polled = Signal(object)
    """Every :class:`PollResult`, good or bad."""
    rackDetailReady = Signal(object)
    rackHistoryReady = Signal(str, object)
    rackDetailFailed = Signal(str, str)
    powerHistory = Signal(object)
    """Cached power history (a PowerSeries) read at start-up, before live polls append."""
    sourceStarted = Signal(str)
    sourceFailed = Signal(str)
    cacheFailed = Signal(str)
    """The history cache does not record (why): at start, or any write since."""
    cacheRecovered = Signal(object)
    """The history cache records again: a :class:`console.cache.store.CacheHealth` (polls
    not recorded, records kept meanwhile and written, records dropped)."""
    alarmsUpdated = Signal(object)
    """An :class:`console.alarms.state.AlarmUpdate` after each poll or operator action."""
    alarmActionFailed = Signal(str)
    _requestRack = Signal(str)
    _requestAck = Signal(str, str, str)
    _requestShelve = Signal(str, float, str, str)
    _requestPlan = Signal(str, float, float, str, str)
    _requestCancelPlan = Signal(str, str, str)
    _requestPoll = Signal(str)
    _requestFinish = Signal()

    def __init__(
        self,
        source_factory: Callable[[], Source],
        cache_factory: Callable[[], Any] | None = None,
        intervals: dict[str, float] | None = None,
        parent: QObject | None = None,
        alarm_factory: Callable[[Any], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self._closed = False
        self._thread = QThread()
        self._thread.setObjectName("hub-poller")
        self._worker = _PollWorker(
            source_factory, cache_factory, dict(intervals or DEFAULT_INTERVALS), alarm_factory
        )
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.begin)
        self._worker.polled.connect(self._on_polled)
        self._worker.rackDetail.connect(self._on_rack)
        self._worker.rackDetailFailed.connect(self._on_rack_failed)
        self._worker.rackHistory.connect(
            lambda rack, history: None if self._closed else self.rackHistoryReady.emit(rack, history)
        )
        self._worker.started.connect(self._relay(self.sourceStarted))
        self._worker.startFailed.connect(self._relay(self.sourceFailed))
        self._worker.cacheFailed.connect(self._relay(self.cacheFailed))
        self._worker.cacheRecovered.connect(
            lambda health: None if self._closed else self.cacheRecovered.emit(health)
        )
        self._worker.alarmActionFailed.connect(self._relay(self.alarmActionFailed))
        self._worker.alarms.connect(self._on_alarms)
        self._worker.history.connect(
            lambda series: None if self._closed else self.powerHistory.emit(series)
        )
        self._requestAck.connect(self._worker.acknowledge)
        self._requestShelve.connect(self._worker.shelve)
        self._requestPlan.connect(self._worker.plan_shelf)
        self._requestCancelPlan.connect(self._worker.cancel_plan)
        self._requestRack.connect(self._worker.fetch_rack)
        self._requestPoll.connect(self._worker.poll)
        self._requestFinish.connect(self._worker.finish)

    def _relay(self, signal: Any) -> Callable[[str], None]:
        def relay(text: str) -> None:
            if not self._closed:
                signal.emit(text)

        return relay

    def start(self) -> None:
        # The worker decodes in Python while the GUI paints: hand the interpreter lock
        # back every 1 ms (default 5 ms) so the GUI thread never waits long for it.
        sys.setswitchinterval(min(sys.getswitchinterval(), GIL_SWITCH_S))
        self._thread.start()

    def is_busy(self) -> bool:
        """True while the worker polls (views then wait a little before drawing, so the
        GUI thread does not compete with it for the interpreter)."""
        return self._worker.busy.is_set()

    def request_rack(self, rack_id: str) -> None:
        """Ask for one rack in depth; the answer comes as rackDetailReady."""
        if not self._closed:
            self._requestRack.emit(rack_id)

    def acknowledge(self, alarm_id: str, operator: str, comment: str) -> None:
        """Acknowledge an alarm (on the worker, where the alarm engine lives)."""
        if not self._closed:
            self._requestAck.emit(alarm_id, operator, comment)

    def shelve(self, alarm_id: str, until: float, operator: str, comment: str) -> None:
        if not self._closed:
            self._requestShelve.emit(alarm_id, until, operator, comment)

    def plan_shelf(self, scope: str, start: float, end: float, operator: str, reason: str) -> None:
        """Announce planned work (alarms of ``scope`` raised from ``start`` to ``end`` are
        shelved at once); refusals come back as ``alarmActionFailed``."""
        if not self._closed:
            self._requestPlan.emit(scope, start, end, operator, reason)

    def cancel_plan(self, plan_id: str, operator: str, comment: str = "") -> None:
        """End planned work early; refusals come back as ``alarmActionFailed``."""
        if not self._closed:
            self._requestCancelPlan.emit(plan_id, operator, comment)

    def _on_alarms(self, update: object) -> None:
        if not self._closed:
            self.alarmsUpdated.emit(update)

    def poll_now(self, kind: str) -> None:
        if not self._closed:
            self._requestPoll.emit(kind)

    @property
    def running(self) -> bool:
        return self._thread.isRunning() and not self._closed

    def stop(self, timeout_ms: int = 10_000) -> None:
        """Stop polling, close source and cache, join the thread. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._thread.isRunning():
            self._requestFinish.emit()
            if not self._thread.wait(timeout_ms):
                log.warning("poller thread did not stop in time")

    def _on_polled(self, result: PollResult) -> None:
        if not self._closed:
            self.polled.emit(result)

    def _on_rack(self, detail: object) -> None:
        if not self._closed:
            self.rackDetailReady.emit(detail)

    def _on_rack_failed(self, rack_id: str, message: str) -> None:
        if not self._closed:
            self.rackDetailFailed.emit(rack_id, message)
