"""Base class of every live view: data arrival is separate from drawing.

A view receives immutable snapshots through :meth:`LiveView.apply` (on the GUI
thread, from a queued signal), stores them and marks itself dirty; a timer
redraws dirty, visible views at most ``redraw_hz`` times a second, waiting (up to
``MAX_DEFER_S``) while the live feed's worker is in a burst of polls. The main window
tells each view how old its data is through :meth:`LiveView.set_data_age`; a view
whose data is stale greys itself and shows the age.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, QSize, QTimer, QTimeZone, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QWidget

from console.contract import DEFAULT_SITE_TZ
from console.i18n import has_names, strftime
from console.model import SiteTopology, Snapshot

log = logging.getLogger(__name__)
MAX_DEFER_S = 0.4
"""Longest a redraw waits for the data worker to finish a burst of polls."""
FIRST_DEFER_S = 0.15
"""Longest a view's first data waits for the data worker (the start's first answers come
in one burst: drawn while they are decoded, both wait on the interpreter lock)."""
DEFER_RETRY_MS = 15
PHASE_STEP_MS = 47
FLUSH_SPACING_S = 0.02
"""Live views redraw at least this far apart, so each gets its own paint."""
"""Offset between the redraw timers of successive views."""


def _never() -> bool:
    return False


def set_style(widget: QWidget, sheet: str) -> None:
    """Set ``widget``'s style sheet only when it differs: each call re-polishes the
    widget and repaints it, which adds up when done on every poll."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


DATA_ERRORS: tuple[type[Exception], ...] = (
    TypeError, ValueError, ArithmeticError, LookupError, AttributeError, OSError)
"""What a value from outside can make formatting code raise (a list where text belongs,
NaN to an int, a time out of the platform's range): views catch these and show '—'."""
MAX_AGE_S = 10 * 365 * 86400.0
"""An age beyond this (ten years) is a broken clock, not an age: shown as '—'."""


def format_age(seconds: float | None) -> str:
    """Operator wording of a data age: '4 s', '3 min 10 s', '2 h 05 min', 'no data';
    '—' for what is not an age (NaN, infinite, absurdly long, not a number)."""
    if seconds is None:
        return "no data"
    try:
        value = float(seconds)
    except (TypeError, ValueError, OverflowError):
        return "—"
    if not math.isfinite(value) or value > MAX_AGE_S:
        return "—"
    s = int(max(0.0, value))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    if s < 86400:
        return f"{s // 3600} h {(s % 3600) // 60:02d} min"
    return f"{s // 86400} d {(s % 86400) // 3600} h"


class SiteClock:
    """Times said in the site's time zone (the site layout's ``timezone``), whatever the
    workstation's own is: operators may sit elsewhere, and a review is read anywhere.

    Every view holds one (:attr:`LiveView.site_clock`), made when the site layout arrives
    (:meth:`LiveView.set_topology`); a widget inside a view, or a dialog it opens, reads its
    view's with :func:`site_clock_of`. A zone the workstation does not know reads as UTC
    (as the decoder reads it), never as the workstation's local time."""

    __slots__ = ("name", "zone")

    def __init__(self, name: object = DEFAULT_SITE_TZ) -> None:
        zone = _zone(name)
        self.zone: tzinfo = zone
        """The zone, for ``datetime.fromtimestamp(t, zone)``."""
        self.name: str = name if zone is not UTC and isinstance(name, str) else "UTC"
        """Its IANA name ('Africa/Casablanca'; 'UTC' when unknown)."""

    @classmethod
    def of(cls, topology: object) -> SiteClock:
        """The clock of a site layout (its ``timezone``; UTC when it has none)."""
        name = getattr(topology, "timezone", None)
        return _site_clock(name if isinstance(name, str) else "UTC")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SiteClock) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"SiteClock({self.name!r})"

    def at(self, t: object) -> datetime | None:
        """Epoch time ``t`` as the site's wall time; None for what is no time (NaN,
        infinite, out of the platform's range, not a number)."""
        try:
            return datetime.fromtimestamp(float(t), self.zone)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError, OSError):
            return None

    def clock(self, t: object, fmt: str = "%H:%M:%S") -> str:
        """Epoch time ``t`` as the site's wall time in ``fmt`` (no %Z: see :meth:`abbrev`);
        '—' for a time that is none."""
        when = self.at(t)
        if when is None:
            return "—"
        try:  # time.strftime: datetime's imports the time module on every call
            if has_names() and ("%a" in fmt or "%b" in fmt or "%A" in fmt or "%B" in fmt):
                return strftime(when, fmt)  # day and month names in the chosen language
            return time.strftime(fmt, when.timetuple())
        except (ValueError, OverflowError):
            return "—"

    def day_clock(self, t: object, now: object, today: str = "%H:%M:%S",
                  other_day: str = "%d %b %H:%M") -> str:
        """``t`` in ``today``'s format when it falls on the site's day of ``now`` (the
        workstation's clock when ``now`` is no time), else in ``other_day``'s; '—' for a
        time that is none."""
        when = self.at(t)
        if when is None:
            return "—"
        day = self.at(now) or datetime.now(self.zone)
        return self.clock(t, today if when.date() == day.date() else other_day)

    def qt_zone(self, at: float) -> QTimeZone:
        """This zone as Qt knows it (made once per zone: one of the time-zone database costs
        a millisecond to make, and range edits follow every poll); when Qt's zone database
        lacks it, its offset from UTC at ``at``."""
        zone = _qt_zone(self.name)
        if zone.isValid():
            return zone
        when = self.at(at)
        offset = when.utcoffset() if when is not None else None
        return QTimeZone.fromSecondsAheadOfUtc(int(offset.total_seconds()) if offset else 0)

    def abbrev(self, t: object = None) -> str:
        """The zone's short name at ``t`` (now when none): 'CET', 'UTC+01' for a zone with
        no letters ('+01'), 'UTC'."""
        when = self.at(t) if t is not None else None
        name = (when or datetime.now(self.zone)).tzname() or self.name
        return f"UTC{name}" if name[:1] in "+-" else name

    def label(self, t: object = None) -> str:
        """'Africa/Casablanca, UTC+01': the zone named once where times are listed (a
        header's tooltip, a status line)."""
        short = self.abbrev(t)
        return self.name if short == self.name else f"{self.name}, {short}"


def _zone(name: object) -> tzinfo:
    if isinstance(name, tzinfo):
        return name
    if not isinstance(name, str) or not name or name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return UTC


@functools.lru_cache(maxsize=16)
def _qt_zone(name: str) -> QTimeZone:
    return QTimeZone.utc() if name == "UTC" else QTimeZone(name.encode())


@functools.lru_cache(maxsize=16)
def _site_clock(name: str) -> SiteClock:
    return SiteClock(name)


def site_clock_of(widget: QObject | None) -> SiteClock:
    """The site clock of the view ``widget`` is in (or of ``widget`` itself): the first of
    it and its parents with a ``site_clock``; the default site's when none has one."""
    while widget is not None:
        clock = getattr(widget, "site_clock", None)
        if isinstance(clock, SiteClock):
            return clock
        widget = widget.parent()
    return _site_clock(DEFAULT_SITE_TZ)


class LineBox(QWidget):
    """Holds a one-line label (a count line whose words change at every poll) so that its
    new words lay out the window again only when they need other room.

    A label given new text asks its parent's layout to be redone, and each layout done
    tells its own parent the same (``QLayout::activate``), so a count line's new figures
    laid out every layout up to the window's, twice (~2 ms of the GUI thread a poll).
    Here the label sits in a box without a layout: the box keeps the label's size hints
    as its own and passes a change up only when the hints changed (other words of the
    same width, the usual poll, stop here). The label fills the box; it is not hidden
    on its own (hide the box), nor word-wrapped; its least and greatest size are the
    box's (set them before it is boxed)."""

    def __init__(self, label: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        label.setParent(self)
        self.setSizePolicy(label.sizePolicy())
        self.setMinimumSize(label.minimumSize())  # a least width set on the label holds
        self.setMaximumSize(label.maximumSize())
        self._hints = self._read_hints()

    def _read_hints(self) -> tuple[QSize, QSize]:
        return self.label.sizeHint(), self.label.minimumSizeHint()

    def follow(self) -> bool:
        """Take the label's size hints now; pass them up when they changed (and say so)."""
        hints = self._read_hints()
        if hints == self._hints:
            return False
        self._hints = hints
        self.updateGeometry()
        return True

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt name
        return self.label.sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt name
        return self.label.minimumSizeHint()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # posted by the label's new hints
            self.follow()
        return super().event(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        self.follow()  # hints changed while hidden were not posted

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt name
        super().resizeEvent(event)
        self.label.setGeometry(self.rect())


def follow_lines(widget: QWidget) -> bool:
    """The line boxes in ``widget`` take their labels' new size hints now (a view that
    lays itself out at once, before it is painted), not when their request is handled.
    True when any box's hints changed."""
    changed = False
    for box in widget.findChildren(LineBox):
        changed = box.follow() or changed
    return changed


class LiveView(QWidget):
    """A view fed by snapshots of the kinds in :attr:`kinds`.

    Subclasses override :meth:`on_snapshot` (store data, cheap) and :meth:`redraw`
    (draw from stored data). ``set_topology`` is called whenever the site layout
    changes, before any telemetry for the new layout arrives.
    """

    kinds: tuple[str, ...] = ()
    title = "View"
    redraw_hz = 4.0
    _created = 0
    _last_flush = 0.0

    staleChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.topology: SiteTopology | None = None
        self.site_clock = site_clock_of(None)
        """Says times in the site's time zone (the default site's until a layout comes)."""
        self.stale = False
        self.data_age: float | None = None
        self._dirty = False
        self.busy_probe: Callable[[], bool] = _never
        """Says when the data worker is busy; redraws wait for it (see ``_maybe_redraw``)."""
        self._deferred_since = 0.0
        self._retry_pending = False
        self._has_data = False
        self._data_drawn = False
        self._watched_dock: QDockWidget | None = None
        self._redraw_timer = QTimer(self)
        period = int(1000 / self.redraw_hz)
        self._redraw_timer.setInterval(period)
        self._redraw_timer.timeout.connect(self._maybe_redraw)
        # Views redraw at staggered moments: Qt paints everything dirty in a window in one
        # go, so views redrawing together would make one long paint instead of short ones.
        LiveView._created += 1
        self._phase_ms = (LiveView._created * PHASE_STEP_MS) % max(1, period)
        self._stopped = False
        self.redraw_errors = 0
        """Redraws that failed (logged; the view keeps what it showed and draws the next
        data). Stays 0: views are total over what the decoders let through."""
        QTimer.singleShot(self._phase_ms, self._start_timer)

    # -- data in ------------------------------------------------------------------------
    def set_topology(self, topology: SiteTopology) -> None:
        """Take the site layout, and its time zone for every time the view says."""
        self.topology = topology
        self.site_clock = SiteClock.of(topology)
        self.mark_dirty()

    def apply(self, snapshot: Snapshot) -> None:
        """Take a snapshot of one of :attr:`kinds` and schedule a redraw."""
        if snapshot.kind not in self.kinds:
            return
        self.on_snapshot(snapshot)
        self._has_data = True
        self.mark_dirty()

    def on_snapshot(self, snapshot: Snapshot) -> None:
        """Store what the snapshot carries; called on the GUI thread. Keep it cheap."""

    def set_data_age(self, age: float | None, stale: bool) -> None:
        """Tell the view how old its data is and whether to show it as stale."""
        self.data_age = age
        if stale != self.stale:
            self.stale = stale
            self.staleChanged.emit(stale)
            self.mark_dirty()

    # -- drawing ------------------------------------------------------------------------
    def mark_dirty(self) -> None:
        self._dirty = True

    def flush(self) -> None:
        """Redraw now if dirty (tests and exports call this instead of waiting)."""
        if self._dirty:
            self._dirty = False
            try:
                self.redraw()
            except Exception:  # never out of a timer or an export: log, keep the last drawing
                self.redraw_errors += 1
                log.exception("%s could not draw its data", type(self).__name__)

    def is_shown(self) -> bool:
        """True when some of the view is on screen (not hidden, not a tab behind another)."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def _maybe_redraw(self) -> None:
        if not (self._dirty and self.is_shown()):
            return
        now = time.monotonic()
        live = self.busy_probe is not _never
        first = self._has_data and not self._data_drawn  # the first data is shown soon
        if live and (
            self.busy_probe() or (not first and now - LiveView._last_flush < FLUSH_SPACING_S)
        ):
            # Polls are being decoded (drawing now would make both wait on the interpreter
            # lock), or another view has just redrawn (Qt would paint both in one go): try
            # again shortly, but never hold a redraw back for long (a first draw, hardly).
            self._deferred_since = self._deferred_since or now
            if now - self._deferred_since < (FIRST_DEFER_S if first else MAX_DEFER_S):
                if not self._retry_pending:
                    self._retry_pending = True
                    QTimer.singleShot(DEFER_RETRY_MS + self._phase_ms % 40, self._retry)
                return
        self._deferred_since = 0.0
        LiveView._last_flush = now
        self._data_drawn = self._has_data
        self.flush()

    def _retry(self) -> None:
        self._retry_pending = False
        self._maybe_redraw()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt name
        """Redraw at once when the dock tab holding this view is brought to the front."""
        super().showEvent(event)
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QDockWidget):
            parent = parent.parentWidget()
        if parent is not None and parent is not self._watched_dock:
            self._watched_dock = parent
            parent.visibilityChanged.connect(self._on_dock_visibility)

    def _on_dock_visibility(self, visible: bool) -> None:
        if visible and self._dirty:
            QTimer.singleShot(0, self._maybe_redraw)

    def redraw(self) -> None:
        """Draw the stored data. Subclasses override."""
        self.update()

    def _start_timer(self) -> None:
        if not self._stopped:
            self._redraw_timer.start()

    def stop(self) -> None:
        """Stop timers (the window calls this on close)."""
        self._stopped = True
        self._redraw_timer.stop()
