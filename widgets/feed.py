"""The one contract between a window and what feeds it.

:class:`Feed` declares every signal a feed may send, each once and under one name from the
session to the window, and every request a window may make, each with a default that does
nothing or refuses in words. :class:`widgets.live.LiveFeed` (a live source) and
:class:`widgets.review.ReviewFeed` (a cache file) subclass it; the main window connects to
these and nothing else, whichever feed it has.

After :meth:`Feed.stop` a feed sends nothing more (:meth:`Feed.relay` drops late results).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance


class Feed(QObject):
    """What feeds a window: signals out, requests in (defaults: nothing, or a refusal)."""

    polled = Signal(object)
    """Every :class:`console.poller.PollResult`, good or bad."""
    rackDetailReady = Signal(object)
    """One rack in depth (a RackDetailSnapshot), after :meth:`request_rack`."""
    rackDetailFailed = Signal(str, str)
    """(rack id, why) when the rack's detail cannot be had."""
    rackHistoryReady = Signal(str, object)
    """(rack id, {field: series}): the last hour of the rack's figures."""
    powerHistory = Signal(object)
    """Cached power history (a PowerSeries) read at start-up, before live polls append."""
    sourceStarted = Signal(str)
    """The source started (its URL without credentials)."""
    sourceFailed = Signal(str)
    """The source (or the file under review) cannot be read (why)."""
    cacheFailed = Signal(str)
    """The history cache does not record (why): at start, or any write since."""
    cacheRecovered = Signal(object)
    """The history cache records again: a :class:`console.cache.store.CacheHealth` (polls
    not recorded, records kept meanwhile and written, records dropped)."""
    alarmsUpdated = Signal(object)
    """An :class:`console.alarms.state.AlarmUpdate` after each poll or operator action (in
    review: the alarm list at the position, with the maintenance list then)."""
    alarmActionFailed = Signal(str)
    """An operator action was refused (why)."""
    alarmEvaluation = Signal(object)
    """The kinds whose alarm evaluation fails, ``{kind: why}`` (empty: every kind evaluates
    again); said when that set changes. Meanwhile the alarms shown may be out of date."""
    alarmKpisReady = Signal(object)
    """(AlarmKpis, (shift start, shift end)): the alarm performance of the shift (review)."""
    opened = Signal(float, float, object)
    """first, last (epoch seconds) and the incidents in the file (review)."""
    seeked = Signal(float, float)
    """Position reached and milliseconds the reads took (review)."""
    gapsFound = Signal(object)
    """The spans the live console polled but could not record (a list of dicts with start,
    end, reason, polls), read once when the file opens (review)."""
    logWritten = Signal(object)
    """What became of shift-log writes (a :class:`console.shiftlog.writer.LogWriteReport`):
    the one just asked for (sent; queued while the hub does not answer, sent when it does;
    or refused, with the reason) and writes kept before that the hub took or refused."""
    logWriteRefused = Signal(str)
    """A shift-log write this feed cannot make at all (why, in words): a review, no feed."""
    shiftLogAt = Signal(float, object)
    """(position, entries): the shift log as it stood at a review's position (a tuple of
    :class:`console.shiftlog.model.LogEntry`, oldest first)."""

    journals = False
    """True when :meth:`record_handover` journals (a live session); False: it refuses (a
    review, a window with no session)."""

    reports_busy = False
    """True when :meth:`is_busy` tells when the worker polls (views then wait a little
    before drawing); False: views draw as data comes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._closed = False

    # -- the feed's life ---------------------------------------------------------------------
    def start(self) -> None:
        """Begin reading (the first results follow as signals)."""

    def stop(self, timeout_ms: int = 10_000) -> None:
        """Stop reading; nothing is sent afterwards. Idempotent."""
        self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def running(self) -> bool:
        return False

    def is_busy(self) -> bool:
        """True while the worker reads (see :attr:`reports_busy`)."""
        return False

    def relay(self, signal: SignalInstance) -> Callable[..., None]:
        """A slot that sends ``signal`` with what it gets, unless the feed has stopped."""

        def send(*args: Any) -> None:
            if not self._closed:
                signal.emit(*args)

        return send

    # -- requests ----------------------------------------------------------------------------
    def request_rack(self, rack_id: str) -> None:
        """Ask for one rack in depth: rackDetailReady, or rackDetailFailed."""
        self.rackDetailFailed.emit(rack_id, self.tr("rack detail is not available from this feed"))

    def poll_now(self, kind: str) -> None:
        """Poll ``kind`` now (a live feed; others ignore it)."""

    def seek(self, t: float) -> None:
        """Show the site at ``t`` (a review; others ignore it)."""

    def acknowledge(self, alarm_id: str, operator: str, comment: str) -> None:
        self._refuse()

    def shelve(self, alarm_id: str, until: float, operator: str, comment: str) -> None:
        self._refuse()

    def plan_shelf(self, scope: str, start: float, end: float, operator: str, reason: str) -> None:
        self._refuse()

    def cancel_plan(self, plan_id: str, operator: str, comment: str = "") -> None:
        self._refuse()

    def record_handover(self, record: Any) -> None:
        """Journal a shift handover (a :class:`console.handover.record.HandoverRecord`) in
        the alarm journal; ``alarmActionFailed`` says why when it cannot be."""
        if not self._closed:
            self.alarmActionFailed.emit(
                self.tr("a handover cannot be journaled from this window"))

    def _refuse(self) -> None:
        if not self._closed:
            self.alarmActionFailed.emit(self.tr("alarms cannot be changed from this window"))

    def add_log_entry(self, entry: Any) -> None:
        """Write a checked shift-log entry (a :class:`console.shiftlog.model.NewEntry`):
        ``logWritten`` says what became of it, ``logWriteRefused`` why it cannot be."""
        self._refuse_log()

    def clear_log_entry(self, uid: str, who: str) -> None:
        """Clear the open item ``uid`` in ``who``'s name (told as :meth:`add_log_entry`)."""
        self._refuse_log()

    def _refuse_log(self) -> None:
        if not self._closed:
            self.logWriteRefused.emit(
                self.tr("the shift log cannot be written from this window"))
