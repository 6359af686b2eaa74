"""Offline review: the same views over a cache file, with a timeline scrubber.

A :class:`ReviewFeed` drives a :class:`console.session.ReviewSession` on a worker thread
(SQLite never runs on the GUI thread); :meth:`ReviewFeed.seek` moves the review to a time
and re-reads every kind, so every view shows the site as it was then. The file is opened
read-only and never written. :class:`ReviewMode` is what a main window in review adds: the
:class:`TimelineScrubber` and what follows a seek.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from console.contract import DEFAULT_SITE_TZ
from console.session import REVIEW_KINDS, ReviewError, ReviewSession
from widgets.feed import Feed
from widgets.main_window import MainWindow, OfflineMode
from widgets.view import SiteClock

__all__ = ["REVIEW_KINDS", "ReviewFeed", "ReviewMode", "TimelineScrubber", "open_review_window"]

SPEEDS = (1, 10, 60, 300, 900)


class _ReviewWorker(QObject):
    """Lives in the feed's thread: drives the session there, its results as signals.

    A seek's results are handed over together once every kind is read: the window then
    draws them while this thread is idle. Handed over one by one, the window's drawing and
    this thread's reading took turns at the interpreter lock at every Qt call, and both
    took longer (jumps in a 24 h full-site cache, two runs of 14: slowest 358-368 ms
    against 412-471, medians 163-187 against 180-187).

    They go in one signal (:attr:`sought`: every kind's result, then the rest of the
    :class:`console.session.SeekResult`), which the feed hands on in one go: sent as
    a signal each, the window took the first results while this thread still sent the
    others, and between two of them painted what it had (the views' timers and Qt's
    repaint ran with half a jump applied), then painted it all again."""

    polled = Signal(object)
    sought = Signal(object, object)
    opened = Signal(float, float, object)
    sourceFailed = Signal(str)
    gapsFound = Signal(object)

    def __init__(self, url: str) -> None:
        super().__init__()
        self.session = ReviewSession(url)

    @Slot()
    def begin(self) -> None:
        try:
            first, last, incidents = self.session.open()
        except ReviewError as exc:
            self.sourceFailed.emit(str(exc))
            return
        self.opened.emit(first, last, incidents)
        self.gapsFound.emit(self.session.gaps())
        self.seek(last)

    @Slot(float)
    def seek(self, t: float) -> None:
        read: list[Any] = []
        found = self.session.seek(t, read.append)
        self.sought.emit(read, found)  # handed over once all are read (see the class's note)

    @Slot()
    def finish(self) -> None:
        self.session.close()
        self.thread().quit()


class ReviewFeed(Feed):
    """Feeds the main window from a cache file at a chosen time."""

    _requestSeek = Signal(float)
    _requestFinish = Signal()

    def __init__(self, url: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.url = url
        self._thread = QThread()
        self._thread.setObjectName("cache-review")
        self._worker = _ReviewWorker(url)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.begin)
        for name in ("polled", "opened", "sourceFailed", "gapsFound"):
            getattr(self._worker, name).connect(self.relay(getattr(self, name)))
        self._worker.sought.connect(self._on_sought)
        self._requestSeek.connect(self._worker.seek)
        self._requestFinish.connect(self._worker.finish)

    @Slot(object, object)
    def _on_sought(self, read: list[Any], found: Any) -> None:
        """A jump's results, handed on in one go (no paint or timer between two of them):
        every kind's result, then the alarms, the shift log and the KPIs that stood there;
        ``found`` None when the session closed meanwhile (the results read are still
        handed on, as each was read)."""
        for result in read:
            if self._closed:
                return
            self.polled.emit(result)
        if found is None or self._closed:
            return
        self.alarmsUpdated.emit(found.alarms)
        if found.log is not None or not found.log_recorded:  # None: not recorded in the file
            self.shiftLogAt.emit(found.position, found.log)
        self.seeked.emit(found.position, found.elapsed_ms)
        if not self._closed:
            self.alarmKpisReady.emit(found.kpis)

    def start(self) -> None:
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread.isRunning() and not self._closed

    def seek(self, t: float) -> None:
        if not self._closed:
            self._requestSeek.emit(float(t))

    def request_rack(self, rack_id: str) -> None:
        self.rackDetailFailed.emit(rack_id, self.tr("rack detail is not kept in the cache"))

    def _refuse_log(self) -> None:
        if not self._closed:
            self.logWriteRefused.emit(self.tr(
                "a review shows the shift log as it stood; write it in the live console"))

    def stop(self, timeout_ms: int = 10_000) -> None:
        if self._closed:
            return
        self._closed = True
        if self._thread.isRunning():
            self._requestFinish.emit()
            self._thread.wait(timeout_ms)


def _stamp(t: float, tz: tzinfo) -> str:
    local = datetime.fromtimestamp(t, tz)
    utc = datetime.fromtimestamp(t, UTC)
    return (QCoreApplication.translate("TimelineScrubber", "%1 site time (%2 UTC)")
            .replace("%1", f"{local:%a %d %b %Y %H:%M:%S}").replace("%2", f"{utc:%H:%M:%S}"))


class TimelineScrubber(QWidget):
    """Slider over the cache's time range, play/pause at a chosen speed, incident jumps."""

    seekRequested = Signal(float)

    def __init__(self, timezone: str = DEFAULT_SITE_TZ, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.site_clock = SiteClock(timezone)
        """The recorded site's zone: every time the scrubber says is its wall time."""
        self.first = 0.0
        self.last = 0.0
        self.position = 0.0
        self._incidents: list[dict[str, Any]] = []
        self._gaps: list[tuple[float, float, str, int]] = []
        self.busy = False
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 3, 6, 3)
        self.mode_label = QLabel(self.tr("REVIEW"))
        self.mode_label.setStyleSheet("font-weight: 700; color: #56b4e9;")
        self.play_button = QPushButton(self.tr("▶ Play"))
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._on_play)
        self.speed = QComboBox()
        for s in SPEEDS:
            self.speed.addItem(f"{s}×", s)
        self.speed.setCurrentIndex(2)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # time runs left to right
        self.slider.setTracking(False)
        self.slider.valueChanged.connect(self._on_slider)
        self.slider.sliderMoved.connect(self._preview)
        self.time_label = QLabel("—")
        self.time_label.setTextFormat(Qt.TextFormat.PlainText)
        self.gap_label = QLabel()
        self.gap_label.setTextFormat(Qt.TextFormat.PlainText)
        self.gap_label.setStyleSheet("font-weight: 600; color: #e69f00;")
        self.gap_label.hide()
        self.incident_box = QComboBox()
        self.incident_box.addItem(self.tr("Jump to incident…"), None)
        self.incident_box.activated.connect(self._on_incident)
        for widget in (self.mode_label, self.play_button, self.speed):
            row.addWidget(widget)
        row.addWidget(self.slider, 1)
        row.addWidget(self.time_label)
        row.addWidget(self.gap_label)
        row.addWidget(self.incident_box)
        self._timer = QTimer(self)
        self._timer.setInterval(500)
        self._timer.timeout.connect(self._advance)

    def set_range(self, first: float, last: float, incidents: list[dict[str, Any]]) -> None:
        self.first, self.last = float(first), float(last)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(1, int(self.last - self.first)))
        self.slider.setValue(self.slider.maximum())
        self.slider.blockSignals(False)
        self._incidents = sorted(incidents, key=lambda i: i.get("start") or 0)
        self._fill_incidents()

    @property
    def tz(self) -> tzinfo:
        """The recorded site's zone."""
        return self.site_clock.zone

    def set_site_clock(self, site: SiteClock) -> None:
        """The recorded site's zone (its layout's, read from the file): every time shown is
        said again in it."""
        if site == self.site_clock:
            return
        self.site_clock = site
        current = self.incident_box.currentIndex()
        self._fill_incidents()
        self.incident_box.setCurrentIndex(max(0, current))
        if self.position:
            self.time_label.setText(_stamp(self.position, self.tz))
        self._show_gap(self.position)

    def _fill_incidents(self) -> None:
        self.incident_box.clear()
        self.incident_box.addItem(
            self.tr("Jump to incident… ({0})").format(len(self._incidents)) if self._incidents
            else self.tr("No incidents"),
            None,
        )
        for incident in self._incidents:
            start = float(incident.get("start") or 0)
            title = str(incident.get("title") or f"incident {incident.get('id')}")
            local = datetime.fromtimestamp(start, self.tz)
            self.incident_box.addItem(f"{local:%d %b %H:%M} — {title}", start)

    def set_gaps(self, gaps: list[dict[str, Any]]) -> None:
        """Spans the live console could not record: a position inside one says "not
        recorded" (with the reason), so an empty view there is never read as a quiet site."""
        kept: list[tuple[float, float, str, int]] = []
        for gap in gaps:
            try:
                start, end = float(gap["start"]), float(gap["end"])
            except (KeyError, TypeError, ValueError):
                continue
            if math.isfinite(start) and math.isfinite(end) and end >= start:
                reason = " ".join(str(gap.get("reason") or "").split())[:200]
                polls = gap.get("polls")
                kept.append((start, end, reason, int(polls) if isinstance(polls, int) else 0))
        self._gaps = sorted(kept)
        self.slider.setToolTip(
            self.tr("{0} span(s) in this file were not recorded (cache failures)")
            .format(len(self._gaps)) if self._gaps else ""
        )
        self._show_gap(self.position)

    def gap_at(self, t: float) -> tuple[float, float, str, int] | None:
        """The unrecorded span holding ``t`` (strictly between its bounds), or None."""
        for gap in self._gaps:
            if gap[0] < t < gap[1]:
                return gap
        return None

    def _show_gap(self, t: float) -> None:
        gap = self.gap_at(t)
        if gap is None:
            self.gap_label.hide()
            self.gap_label.clear()
            return
        start, end, reason, polls = gap
        span = f"{datetime.fromtimestamp(start, self.tz):%H:%M:%S}–" \
               f"{datetime.fromtimestamp(end, self.tz):%H:%M:%S}"
        text = self.tr("Not recorded {0} ({1} polls): {2}").format(span, polls, reason) \
            if reason else self.tr("Not recorded {0} ({1} polls)").format(span, polls)
        self.gap_label.setText(text)
        self.gap_label.setToolTip(text)
        self.gap_label.show()

    def show_position(self, t: float) -> None:
        """Reflect the position the feed reached (without asking to seek again)."""
        self.busy = False
        self.position = t
        self.slider.blockSignals(True)
        self.slider.setValue(int(t - self.first))
        self.slider.blockSignals(False)
        self.time_label.setText(_stamp(t, self.tz))
        self._show_gap(t)

    def seek(self, t: float) -> None:
        t = min(max(float(t), self.first), self.last)
        self.busy = True
        self.position = t
        self.time_label.setText(_stamp(t, self.tz))
        self.seekRequested.emit(t)

    def _preview(self, value: int) -> None:
        self.time_label.setText(_stamp(self.first + value, self.tz))

    def _on_slider(self, value: int) -> None:
        self.seek(self.first + value)

    def jump_to_incident(self, incident_id: str) -> bool:
        """Move to the start of the incident ``incident_id`` (a shift-log link); False when
        the file holds no such incident."""
        for incident in self._incidents:
            start = incident.get("start")
            if str(incident.get("id")) == str(incident_id) and start is not None:
                self.play_button.setChecked(False)
                self.seek(float(start))
                return True
        return False

    def _on_incident(self, index: int) -> None:
        start = self.incident_box.itemData(index)
        if start is not None:
            self.play_button.setChecked(False)
            self.seek(float(start))

    def _on_play(self, playing: bool) -> None:
        self.play_button.setText(self.tr("❚❚ Pause") if playing else self.tr("▶ Play"))
        if playing:
            if self.position >= self.last:
                self.position = self.first
            self._timer.start()
        else:
            self._timer.stop()

    def _advance(self) -> None:
        if self.busy:  # the previous position is still being read: do not queue seeks
            return
        step = float(self.speed.currentData()) * self._timer.interval() / 1000
        if self.position + step >= self.last:
            self.play_button.setChecked(False)
            self.seek(self.last)
            return
        self.seek(self.position + step)

    def stop(self) -> None:
        self._timer.stop()


class ReviewMode(OfflineMode):
    """A main window over a cache file: the scrubber above the banners, the views at its
    position, the handover of the shift around it."""

    saves_layout = True  # kept apart from the live console's (layout_mode "review")

    def __init__(self, timezone: str = DEFAULT_SITE_TZ) -> None:
        super().__init__()
        self.timezone = timezone
        self.window: MainWindow | None = None

    def install(self, window: MainWindow, column: QVBoxLayout) -> None:
        self.window = window
        self.scrubber = TimelineScrubber(self.timezone, parent=window)
        column.addWidget(self.scrubber)

    def connect(self, window: MainWindow, feed: Feed) -> None:
        feed.opened.connect(self.scrubber.set_range)
        feed.gapsFound.connect(self.scrubber.set_gaps)
        self.scrubber.seekRequested.connect(feed.seek)
        feed.seeked.connect(self.on_seeked)

    def set_site_clock(self, window: MainWindow, site: SiteClock) -> None:
        """The recorded site's zone (its layout in the file): the timeline and the status
        bar's "as at" say its wall time, wherever the file is read."""
        self.timezone = site.name
        if self.scrubber is not None:
            self.scrubber.set_site_clock(site)
        window.refresh_ages()

    def on_seeked(self, t: float, elapsed_ms: float) -> None:
        """The feed reached ``t`` (the reads took ``elapsed_ms``)."""
        window = self.window
        if window is not None:
            window.last_seek_ms = elapsed_ms
        if self.scrubber is not None:
            self.scrubber.show_position(t)
        if window is not None:
            window.refresh_ages()

    def as_at(self) -> str | None:
        return self.scrubber.time_label.text() if self.scrubber is not None else None

    def export_collect(self, window: MainWindow) -> tuple[Callable[[Any, str], Any] | None, bool]:
        """The shift around the scrubber's position, from the file under review."""
        from console.handover.collect import collect_from_cache

        path = window.source_label
        at = self.scrubber.position

        def collect(shift: Any, notes: str) -> Any:
            return collect_from_cache(path, shift, at=at, notes=notes)[1]

        return collect, False

    def stop(self) -> None:
        if self.scrubber is not None:
            self.scrubber.stop()


def open_review_window(path: str, settings: Any = None, start: bool = True) -> Any:
    """Open a review window on a cache file (the caller shows it and keeps a reference).

    With ``start=False`` the caller starts reading with ``window.feed.start()``.
    """
    from pathlib import Path

    from widgets.export_dialog import open_export_dialog

    url = path if path.startswith("cache://") else f"cache://{Path(path).resolve()}"
    feed = ReviewFeed(url)
    window = MainWindow(url.removeprefix("cache://"), feed=feed, settings=settings,
                        mode=ReviewMode(), export_dialog=open_export_dialog,
                        review_opener=open_review_window)
    if start:
        feed.start()
    return window
