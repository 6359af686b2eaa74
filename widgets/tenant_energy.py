"""Energy and carbon per tenant: a table over a chosen period of the history cache.

One row per tenant (or kind of tenant, or country): GPU-hours, energy (kWh), carbon
(kg CO2eq) and share of the energy listed, then the lines *unallocated* (rack energy no
job held) and *facility overhead* (cooling and losses), from
:mod:`console.energy.report`. The period is one of the spans ending at the newest data the
cache holds, or a custom range: from and to in the site's time zone, bounded to what the
cache holds once a report says it; a period the cache holds none of is refused naming what
it holds, one it holds part of is said. The report is read from the cache file on a worker
thread (never on the GUI thread); the window says which file
(:meth:`TenantEnergyView.set_history_path`). **Save CSV…** writes the report shown as
``main.py report tenants`` does (:func:`console.energy.report.write_csv`).
Tenant names come from outside: plain text in bidi isolates, never rich text.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDateTime, QObject, Qt, QTimer, QTimeZone, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.model import SiteTopology
from widgets.text import bound_columns, cell, figure, isolate
from widgets.view import LiveView

PERIODS: tuple[tuple[str, float], ...] = (
    (QT_TRANSLATE_NOOP("TenantEnergyView", "Last 24 hours"), 86_400.0),
    (QT_TRANSLATE_NOOP("TenantEnergyView", "Last 7 days"), 7 * 86_400.0),
    (QT_TRANSLATE_NOOP("TenantEnergyView", "Last 30 days"), 30 * 86_400.0),
    (QT_TRANSLATE_NOOP("TenantEnergyView", "Whole cache"), math.inf),
)
"""Period choices: a name and a length ending at the newest data in the cache."""
CUSTOM = QT_TRANSLATE_NOOP("TenantEnergyView", "Custom range")
"""The period choice after :data:`PERIODS`: from and to, chosen in the site's time zone."""
GROUPS: tuple[tuple[str, str], ...] = (
    ("tenant", QT_TRANSLATE_NOOP("TenantEnergyView", "By tenant")),
    ("kind", QT_TRANSLATE_NOOP("TenantEnergyView", "By kind")),
    ("country", QT_TRANSLATE_NOOP("TenantEnergyView", "By country")),
)


class NumberItem(QTableWidgetItem):
    """A table cell showing formatted text and sorting by its number."""

    def __init__(self, text: str, value: float) -> None:
        super().__init__(text)
        self.value = value
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, NumberItem):
            return self.value < other.value
        return super().__lt__(other)


class CacheTask(QObject):
    """Runs one read of the history cache at a time on a worker thread; ``done(result)``
    or ``failed(message)`` on the GUI thread. A request while one runs is kept (the
    newest only) and runs next."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._next: Callable[[], Any] | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def submit(self, work: Callable[[], Any]) -> None:
        with self._lock:
            if self.running:
                self._next = work
                return
            self._start(work)

    def _start(self, work: Callable[[], Any]) -> None:
        self._thread = threading.Thread(target=self._run, args=(work,), daemon=True,
                                        name="cache-report")
        self._thread.start()

    def _run(self, work: Callable[[], Any]) -> None:
        while True:
            try:
                result = work()
            except Exception as exc:  # a damaged file, a period it does not hold: said
                self.failed.emit(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            else:
                self.done.emit(result)
            with self._lock:
                work, self._next = self._next, None  # type: ignore[assignment]
                if work is None:
                    self._thread = None
                    return

    def wait(self, timeout: float = 30.0) -> bool:
        """Wait for the read in progress (tests, closing); True when none is left."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.running


def read_report(path: str, span: float, by: str, grid_g_per_kwh: float,
                start: float | None = None, end: float | None = None) -> Any:
    """The report over the last ``span`` seconds of the cache at ``path``, or over
    ``[start, end]`` when both are given (as ``main.py report tenants`` reads it; a period
    the cache holds none of raises :class:`~console.energy.history.PeriodError` naming what
    it holds). Runs on the worker thread."""
    from console.cache import Cache
    from console.energy import report
    from console.energy.history import PeriodError, attribute_period

    with Cache.open(path, readonly=True) as cache:
        if start is None or end is None:
            held = cache.time_range()
            if held is None:
                raise PeriodError("the cache holds no rack telemetry yet")
            first, end = float(held[0]), float(held[1])
            start = first if math.isinf(span) else max(first, end - span)
        return report.build(attribute_period(cache, start, end, grid_g_per_kwh), by,
                            grid_g_per_kwh)


class TenantEnergyView(LiveView):
    """Energy and carbon per tenant, kind or country over a period of the cache."""

    kinds = ()
    title = "Energy by tenant"
    COLUMNS = (
        QT_TRANSLATE_NOOP("TenantEnergyView", "Tenant"),
        QT_TRANSLATE_NOOP("TenantEnergyView", "Kind"),
        QT_TRANSLATE_NOOP("TenantEnergyView", "Country"),
        QT_TRANSLATE_NOOP("TenantEnergyView", "GPU-hours"),
        QT_TRANSLATE_NOOP("TenantEnergyView", "Energy kWh"),
        QT_TRANSLATE_NOOP("TenantEnergyView", "Carbon kg"),
        QT_TRANSLATE_NOOP("TenantEnergyView", "Share %"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history_path: Callable[[], str | None] = lambda: None
        self.grid_g_per_kwh = math.nan
        self.report: Any = None
        self.error: str | None = None
        self.notice: str | None = None
        """A line said above the report (a period refused, a CSV saved or not)."""
        self.held: tuple[float, float] | None = None
        """What the cache held at the last report (the custom range's bounds)."""
        self._drawn: Any = None
        self.task = CacheTask(self)
        self.task.done.connect(self._on_report)
        self.task.failed.connect(self._on_failed)
        self.period_box = QComboBox()
        for name, _span in PERIODS:
            self.period_box.addItem(self.tr(name))
        self.period_box.addItem(self.tr(CUSTOM))
        self.period_box.setCurrentIndex(1)
        self.start_edit, self.end_edit = QDateTimeEdit(), QDateTimeEdit()
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
            edit.setTimeZone(self._qzone())
        now = time.time() // 60 * 60
        self.set_range(now - 86_400.0, now)
        self.show_button = QPushButton(self.tr("Show range"))
        self.show_button.clicked.connect(self.refresh)
        self.range_bar = QWidget()
        row = QHBoxLayout(self.range_bar)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (QLabel(self.tr("from")), self.start_edit, QLabel(self.tr("to")),
                  self.end_edit, self.show_button):
            row.addWidget(w)
        self.range_bar.hide()
        self.group_box = QComboBox()
        for _key, name in GROUPS:
            self.group_box.addItem(self.tr(name))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.save_button = QPushButton(self.tr("Save CSV…"))
        self.save_button.setToolTip(self.tr("Write the report shown as CSV, as main.py report "
                                            "tenants does"))
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_csv)
        self.period_box.currentIndexChanged.connect(self._period_chosen)
        self.group_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.summary = QLabel(self.tr("Choose a period: the report is read from the history "
                                      "cache."))
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        # The name column stretches over the width left: a header caps every section, a
        # stretching one too, so the cap is the view's; the names, kinds and countries are
        # cut in characters where they are set (isolate), the figures are short.
        bound_columns(self.table, chars=1000)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        bar = QHBoxLayout()
        bar.addWidget(self.period_box)
        bar.addWidget(self.range_bar)
        bar.addWidget(self.group_box)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.save_button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self._asked = False

    # -- data in --------------------------------------------------------------------------
    def set_history_path(self, path: Callable[[], str | None]) -> None:
        """Where the cache file is (asked each time: the live window learns it late)."""
        self.history_path = path

    def set_grid_intensity(self, g_per_kwh: float) -> None:
        """The grid's carbon intensity the config gives (NaN: the default)."""
        self.grid_g_per_kwh = g_per_kwh

    def set_topology(self, topology: SiteTopology) -> None:
        """The site layout: its time zone is the custom range's."""
        start, end = self.edit_period()
        super().set_topology(topology)
        zone = self._qzone()
        for edit in (self.start_edit, self.end_edit):
            edit.setTimeZone(zone)
        self._bound_edits()
        self.set_range(start, end)

    @property
    def custom(self) -> bool:
        """True when the period is the custom range (from, to)."""
        return self.period_box.currentIndex() >= len(PERIODS)

    @property
    def span_s(self) -> float:
        return PERIODS[min(max(0, self.period_box.currentIndex()), len(PERIODS) - 1)][1]

    @property
    def group(self) -> str:
        return GROUPS[max(0, self.group_box.currentIndex())][0]

    # -- the custom range ----------------------------------------------------------------
    def _qzone(self) -> QTimeZone:
        return self.site_clock.qt_zone(time.time())

    def edit_period(self) -> tuple[float, float]:
        """The custom range's from and to (epoch seconds)."""
        return (float(self.start_edit.dateTime().toSecsSinceEpoch()),
                float(self.end_edit.dateTime().toSecsSinceEpoch()))

    def set_range(self, start: float, end: float) -> None:
        """Put ``[start, end]`` in the from and to fields (within what the cache holds, once
        a report has said it). Reads nothing."""
        zone = self._qzone()
        for edit, t in ((self.start_edit, start), (self.end_edit, end)):
            edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(t), zone))

    def _bound_edits(self) -> None:
        if self.held is None:  # what the cache holds is unknown: any period may be asked
            for edit in (self.start_edit, self.end_edit):
                edit.clearMinimumDateTime()
                edit.clearMaximumDateTime()
            return
        zone = self._qzone()
        lo = math.ceil(self.held[0])
        hi = max(lo, math.floor(self.held[1]))
        for edit in (self.start_edit, self.end_edit):
            edit.setDateTimeRange(QDateTime.fromSecsSinceEpoch(lo, zone),
                                  QDateTime.fromSecsSinceEpoch(hi, zone))

    def _period_chosen(self, _index: int) -> None:
        self.range_bar.setVisible(self.custom)
        if not self.custom:  # the custom range waits for Show range
            self.refresh()

    # -- reading --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the report for the chosen period and grouping (on the worker)."""
        from console.carbon import GRID_CARBON_G_PER_KWH

        path = self.history_path()
        self._asked = True
        self.notice = None
        if not path:
            self.error, self.report = (
                self.tr("No history cache: the report needs one (--cache)."), None)
            self.mark_dirty()
            return
        grid = self.grid_g_per_kwh if math.isfinite(self.grid_g_per_kwh) else (
            GRID_CARBON_G_PER_KWH)
        span, by = self.span_s, self.group
        if self.custom:
            start, end = self.edit_period()
            if end <= start:  # nothing read: the report shown stays
                clock = self.site_clock
                self.notice = self.tr(
                    "Not read: the period must end after it starts ({0} is not before {1})."
                ).format(clock.clock(start, "%Y-%m-%d %H:%M"), clock.clock(end, "%Y-%m-%d %H:%M"))
                self.mark_dirty()
                self.flush()
                return
            self.summary.setText(self.tr("Reading the history cache…"))
            self.task.submit(lambda: read_report(path, span, by, grid, start=start, end=end))
            return
        self.summary.setText(self.tr("Reading the history cache…"))
        self.task.submit(lambda: read_report(path, span, by, grid))

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        self._read_when_shown()
        if not self._asked:  # laid out once the show's events are done
            QTimer.singleShot(0, self._read_when_shown)

    def _on_dock_visibility(self, visible: bool) -> None:
        super()._on_dock_visibility(visible)
        if visible and not self._asked:  # its tab brought to the front: laid out after
            QTimer.singleShot(0, self._read_when_shown)

    def _read_when_shown(self) -> None:
        """The first report read when the view is first on screen: a view behind another
        dock's tab is "visible" to Qt from the window's start, and its read (on the cache's
        thread, its table filled when done) would compete with what is on screen."""
        if not self._asked and self.is_shown() and self.history_path():
            self.refresh()

    def _on_report(self, report: Any) -> None:
        self.report, self.error = report, None
        self.held = report.held
        self._bound_edits()
        if not self.custom:  # the fields follow the period shown until the range is chosen
            self.set_range(report.start, report.end)
        self._has_data = True
        self.mark_dirty()
        self.flush()

    def _on_failed(self, message: str) -> None:
        # The cache may no longer hold what the fields were bounded to (another file, data
        # expired): they take any period again, and the message says what the cache holds.
        self.error, self.report, self.held = message, None, None
        self._bound_edits()
        self.mark_dirty()
        self.flush()

    # -- saving ---------------------------------------------------------------------------
    def csv_name(self) -> str:
        """A file name for the report shown: its grouping and period in the site's time."""
        rep = self.report
        if rep is None:
            return "tenants.csv"
        clock = self.site_clock
        return (f"tenants-by-{rep.by}_{clock.clock(rep.start, '%Y%m%d-%H%M')}_"
                f"{clock.clock(rep.end, '%Y%m%d-%H%M')}.csv")

    def choose_csv_path(self, name: str) -> str | None:
        """Ask where to write the CSV (a file dialog offering ``name``); None: cancelled."""
        path, _chosen = QFileDialog.getSaveFileName(
            self, self.tr("Save the report as CSV"), name, self.tr("CSV files (*.csv)"))
        return path or None

    def save_csv(self) -> bool:
        """Write the report shown as the CSV of ``main.py report tenants``, where the
        operator chooses; a file that cannot be written is said (the table stays). True
        when written."""
        from console.energy.report import write_csv

        rep = self.report
        if rep is None or self.error:
            return False
        path = self.choose_csv_path(self.csv_name())
        if not path:
            return False
        try:
            write_csv(rep, path)
        except OSError as exc:
            self.notice = self.tr("Not saved: cannot write {0}: {1}").format(
                cell(path), cell(exc.strerror or exc))
            saved = False
        else:
            self.notice = self.tr("Saved {0}").format(cell(path))
            saved = True
        self.mark_dirty()
        self.flush()
        return saved

    # -- drawing --------------------------------------------------------------------------
    def redraw(self) -> None:
        rep = None if self.error else self.report
        self.save_button.setEnabled(rep is not None)
        lines = [self.notice] if self.notice else []
        if self.error:
            lines.append(self.tr("No report: {0}").format(cell(self.error)))
        elif rep is not None:
            lines += self._said(rep)
        if lines:
            self.summary.setText("\n".join(lines))
        if rep is not self._drawn:
            self._drawn = rep
            self._fill(rep)

    def _said(self, rep: Any) -> list[str]:
        clock = self.site_clock
        site = rep.site_it_kwh
        gap = 100.0 * (rep.metered_it_kwh - site) / site if site > 0 else math.nan
        check = "—" if not math.isfinite(gap) else f"{0.0 if abs(gap) < 0.005 else gap:+.2f} %"
        said = [self.tr(
            "{start} to {end} ({zone}): {energy} kWh of IT energy metered by the racks "
            "(site IT meter {check}); grid imports at {grid} gCO2eq/kWh, wind, sun and "
            "battery at zero"
        ).format(start=clock.clock(rep.start, "%Y-%m-%d %H:%M"),
                 end=clock.clock(rep.end, "%Y-%m-%d %H:%M"), zone=clock.abbrev(rep.end),
                 energy=figure(rep.metered_it_kwh, ",.0f"), check=check,
                 grid=figure(rep.grid_g_per_kwh, ",.0f"))]
        first, last = rep.held
        if rep.start < first or rep.end > last:  # never clipped unsaid
            said.append(self.tr(
                "The cache holds {0} to {1}, part of the period asked: the figures cover "
                "that part only."
            ).format(clock.clock(first, "%Y-%m-%d %H:%M"), clock.clock(last, "%Y-%m-%d %H:%M")))
        return said

    def _fill(self, rep: Any) -> None:
        if rep is None:
            self.table.setRowCount(0)
            return
        names = {"unallocated": self.tr("Unallocated (no job)"),
                 "overhead": self.tr("Facility overhead (cooling, losses)")}
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rep.lines))
        for row, line in enumerate(rep.lines):
            name = isolate(line.name, 120) if line.role == "group" else names[line.role]
            texts = [name, isolate(line.kind, 40), isolate(line.country, 40)]
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip("")
                self.table.setItem(row, col, item)
            numbers = ((line.gpu_hours, ",.1f"), (line.energy_kwh, ",.0f"),
                       (line.carbon_kg, ",.0f"), (line.share_pct, ".1f"))
            for col, (value, spec) in enumerate(numbers, start=3):
                shown = figure(value, spec) if line.role == "group" or col > 3 else ""
                self.table.setItem(row, col, NumberItem(shown, value))
        # the figures to their contents; not the name column, which stretches (sized to
        # its contents it stayed that narrow until the view was resized)
        for col in range(1, len(self.COLUMNS)):
            self.table.resizeColumnToContents(col)

    def stop(self) -> None:
        super().stop()
        self.task.wait(5.0)
