"""The Qt bridge of the live data path: a :class:`console.session.LiveSession` on a QThread.

A :class:`LiveFeed` owns one QThread. Inside it a worker drives the Qt-free session (which
creates the source and the cache, so slow starts never block the GUI, and polls through
:class:`console.poller.Poller`): one single-shot timer runs the kinds the session says are
due, two more keep the cache up and let it heal. Each kind is fetched on a lane of its own
(a thread per kind, and one for rack details, when the source allows it): a hub that takes
up to its deadline to answer one kind holds back no other; what the lanes fetch is taken
back on the worker's thread, where the cache, the alarm service and the session's
callbacks live. The callbacks cross to the GUI thread as queued signals. After
:meth:`LiveFeed.stop`, late results are dropped.

The cache heals itself (:mod:`console.cache.store`): whatever path a cache failure comes
from (a poll, the alarm journal, an incident, the maintenance list, upkeep, opening), the
feed says ``cacheFailed`` with the reason, and ``cacheRecovered`` once it records again. A
cache that cannot be opened at start is opened later (:class:`PendingCache`).
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from console.poller import DEFAULT_INTERVALS
from widgets.feed import Feed

if TYPE_CHECKING:
    from console.session import LiveSession, Source

log = logging.getLogger(__name__)

GIL_SWITCH_S = 0.001

_FROM_SESSION = ("BURST_SLACK_S", "CACHE_HEAL_S", "CACHE_MAINTAIN_S", "HISTORY_FIELDS",
                 "HISTORY_S")
"""Names of :mod:`console.session` this module passes on, imported at their first use."""


def __getattr__(name: str) -> Any:
    """:data:`_FROM_SESSION` names, from :mod:`console.session` when first asked (PEP 562):
    the live window's first frame is drawn before the session's modules are imported (the
    feed's thread imports them as it starts)."""
    if name in _FROM_SESSION:
        import console.session

        value = getattr(console.session, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_IDLE = threading.Event()
"""What :attr:`_PollWorker.busy` is before the session is made: never set."""


class _PollWorker(QObject):
    """Lives in the feed's thread: drives the session there and turns its callbacks into
    signals (the feed's own names)."""

    polled = Signal(object)
    rackDetailReady = Signal(object)
    rackHistoryReady = Signal(str, object)
    rackDetailFailed = Signal(str, str)
    sourceStarted = Signal(str)
    sourceFailed = Signal(str)
    cacheFailed = Signal(str)
    cacheRecovered = Signal(object)
    alarmsUpdated = Signal(object)
    alarmActionFailed = Signal(str)
    alarmEvaluation = Signal(object)
    powerHistory = Signal(object)
    logWritten = Signal(object)
    _fetched = Signal()
    """From a lane (any thread): something was fetched; taken on this worker's thread."""

    def __init__(
        self,
        source_factory: Callable[[], Source],
        cache_factory: Callable[[], Any] | None,
        intervals: dict[str, float],
        alarm_factory: Callable[[Any], Any] | None = None,
    ) -> None:
        super().__init__()
        self._made = (source_factory, cache_factory, intervals, alarm_factory)
        self._session: LiveSession | None = None
        self._making = threading.Lock()
        self._fetched.connect(self._run_due, Qt.ConnectionType.QueuedConnection)
        self._timers: list[QTimer] = []
        self._driver: QTimer | None = None

    @property
    def session(self) -> LiveSession:
        """The Qt-free session, made (and :mod:`console.session` imported) at its first
        use: as the feed's thread begins, so the GUI thread neither imports nor builds it
        before the window's first frame."""
        session = self._session
        if session is None:
            with self._making:
                session = self._session
                if session is None:
                    session = self._session = self._make_session()
        return session

    def _make_session(self) -> LiveSession:
        from console.session import LiveSession, SessionListener

        source_factory, cache_factory, intervals, alarm_factory = self._made
        listener = SessionListener()
        listener.on_started = self.sourceStarted.emit  # type: ignore[method-assign]
        listener.on_start_failed = self.sourceFailed.emit  # type: ignore[method-assign]
        listener.on_cache_failed = self.cacheFailed.emit  # type: ignore[method-assign]
        listener.on_cache_recovered = self.cacheRecovered.emit  # type: ignore[method-assign]
        listener.on_history = self.powerHistory.emit  # type: ignore[method-assign]
        listener.on_polled = self.polled.emit  # type: ignore[method-assign]
        listener.on_alarms = self.alarmsUpdated.emit  # type: ignore[method-assign]
        listener.on_alarm_action_failed = self.alarmActionFailed.emit  # type: ignore[method-assign]
        listener.on_alarm_evaluation = self.alarmEvaluation.emit  # type: ignore[method-assign]
        listener.on_rack_detail = self.rackDetailReady.emit  # type: ignore[method-assign]
        listener.on_rack_history = self.rackHistoryReady.emit  # type: ignore[method-assign]
        listener.on_rack_failed = self.rackDetailFailed.emit  # type: ignore[method-assign]
        listener.on_log_written = self.logWritten.emit  # type: ignore[method-assign]
        return LiveSession(
            source_factory, cache_factory, intervals, alarm_factory, listener,
            wake=self._fetched.emit,
        )

    # The session's state, for those who look (tests, the feed): as before it is made,
    # none of it (asking does not make it).
    @property
    def busy(self) -> threading.Event:
        session = self._session
        return _IDLE if session is None else session.busy

    @property
    def cache(self) -> Any:
        session = self._session
        return None if session is None else session.cache

    @property
    def source(self) -> Source | None:
        session = self._session
        return None if session is None else session.source

    @property
    def alarm_service(self) -> Any:
        session = self._session
        return None if session is None else session.alarm_service

    @alarm_service.setter
    def alarm_service(self, service: Any) -> None:
        self.session.alarm_service = service

    @Slot()
    def begin(self) -> None:
        from console.session import CACHE_HEAL_S, CACHE_MAINTAIN_S

        session = self.session
        if not session.begin():
            return
        for wanted, every_s, slot in (
            (session.maintains, CACHE_MAINTAIN_S, session.maintain),
            (session.heals, CACHE_HEAL_S, session.heal),
        ):
            if wanted:
                timer = QTimer(self)
                timer.setInterval(int(every_s * 1000))
                timer.timeout.connect(slot)
                timer.start()
                self._timers.append(timer)
        # One driver asks for every kind that is due (each fetched on its own lane when the
        # source allows it) and takes what the lanes fetched (woken by _fetched).
        self._driver = QTimer(self)
        self._driver.setSingleShot(True)
        self._driver.timeout.connect(self._run_due)
        self._timers.append(self._driver)
        self._run_due()

    @Slot()
    def _run_due(self) -> None:
        wait = self.session.run_due()
        if wait is not None and self._driver is not None:
            self._driver.start(max(0, int(wait * 1000)))

    @Slot(str)
    def poll(self, kind: str) -> None:
        self.session.request(kind)

    @Slot(str, str, str)
    def acknowledge(self, alarm_id: str, operator: str, comment: str) -> None:
        self.session.acknowledge(alarm_id, operator, comment)

    @Slot(str, float, str, str)
    def shelve(self, alarm_id: str, until: float, operator: str, comment: str) -> None:
        self.session.shelve(alarm_id, until, operator, comment)

    @Slot(str, float, float, str, str)
    def plan_shelf(self, scope: str, start: float, end: float, operator: str, reason: str) -> None:
        self.session.plan_shelf(scope, start, end, operator, reason)

    @Slot(str, str, str)
    def cancel_plan(self, plan_id: str, operator: str, comment: str) -> None:
        self.session.cancel_plan(plan_id, operator, comment)

    @Slot(str)
    def fetch_rack(self, rack_id: str) -> None:
        self.session.fetch_rack(rack_id)

    @Slot(object)
    def record_handover(self, record: Any) -> None:
        self.session.record_handover(record)

    @Slot(object)
    def add_log_entry(self, entry: Any) -> None:
        self.session.add_log_entry(entry)

    @Slot(str, str)
    def clear_log_entry(self, uid: str, who: str) -> None:
        self.session.clear_log_entry(uid, who)

    @Slot()
    def finish(self) -> None:
        session = self._session  # none made: nothing began, nothing to close
        if session is not None:
            session.stop()
        for timer in self._timers:
            timer.stop()
        self._timers.clear()
        if session is not None:
            session.close()
        self.thread().quit()


_RELAYED = (
    "polled", "rackDetailReady", "rackHistoryReady", "rackDetailFailed", "sourceStarted",
    "sourceFailed", "cacheFailed", "cacheRecovered", "alarmsUpdated", "alarmActionFailed",
    "alarmEvaluation", "powerHistory", "logWritten",
)
"""The worker's signals the feed passes on under the same name."""


class LiveFeed(Feed):
    """Polls a source in the background and hands results to the GUI thread."""

    journals = True

    reports_busy = True
    _requestRack = Signal(str)
    _requestAck = Signal(str, str, str)
    _requestShelve = Signal(str, float, str, str)
    _requestPlan = Signal(str, float, float, str, str)
    _requestCancelPlan = Signal(str, str, str)
    _requestPoll = Signal(str)
    _requestHandover = Signal(object)
    _requestLogAdd = Signal(object)
    _requestLogClear = Signal(str, str)
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
        self._thread = QThread()
        self._thread.setObjectName("hub-poller")
        self._worker = _PollWorker(
            source_factory, cache_factory, dict(intervals or DEFAULT_INTERVALS), alarm_factory
        )
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.begin)
        for name in _RELAYED:
            getattr(self._worker, name).connect(self.relay(getattr(self, name)))
        self._requestAck.connect(self._worker.acknowledge)
        self._requestShelve.connect(self._worker.shelve)
        self._requestPlan.connect(self._worker.plan_shelf)
        self._requestCancelPlan.connect(self._worker.cancel_plan)
        self._requestRack.connect(self._worker.fetch_rack)
        self._requestPoll.connect(self._worker.poll)
        self._requestHandover.connect(self._worker.record_handover)
        self._requestLogAdd.connect(self._worker.add_log_entry)
        self._requestLogClear.connect(self._worker.clear_log_entry)
        self._requestFinish.connect(self._worker.finish)

    @property
    def session(self) -> Any:
        """The :class:`console.session.LiveSession` the worker drives (on its thread)."""
        return self._worker.session

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

    def poll_now(self, kind: str) -> None:
        if not self._closed:
            self._requestPoll.emit(kind)

    def record_handover(self, record: Any) -> None:
        """Journal a shift handover in the alarm journal (on the worker, where the alarm
        service and the cache live); a refusal comes back as ``alarmActionFailed``."""
        if not self._closed:
            self._requestHandover.emit(record)

    def add_log_entry(self, entry: Any) -> None:
        """Write a shift-log entry (on the worker: kept in the outbox, then sent);
        ``logWritten`` says whether the hub took it, refused it, or it waits for the hub."""
        if not self._closed:
            self._requestLogAdd.emit(entry)

    def clear_log_entry(self, uid: str, who: str) -> None:
        """Clear an open item of the shift log (told as :meth:`add_log_entry`)."""
        if not self._closed:
            self._requestLogClear.emit(uid, who)

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
