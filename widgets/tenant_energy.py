"""Energy and carbon per tenant: a table over a chosen period of the history cache.

One row per tenant (or kind of tenant, or country): GPU-hours, energy (kWh), carbon
(kg CO2eq) and share of the energy listed, then the lines *unallocated* (rack energy no
job held) and *facility overhead* (cooling and losses), from
:mod:`console.energy.report`. The period is chosen among spans ending at the newest data
the cache holds. The report is read from the cache file on a worker thread (never on the
GUI thread); the window says which file (:meth:`TenantEnergyView.set_history_path`).
Tenant names come from outside: plain text in bidi isolates, never rich text.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from widgets.text import bound_columns, cell, figure, isolate
from widgets.view import LiveView

PERIODS: tuple[tuple[str, float], ...] = (
    (QT_TRANSLATE_NOOP("TenantEnergyView", "Last 24 hours"), 86_400.0),
    (QT_TRANSLATE_NOOP("TenantEnergyView", "Last 7 days"), 7 * 86_400.0),
    (QT_TRANSLATE_NOOP("TenantEnergyView", "Last 30 days"), 30 * 86_400.0),
    (QT_TRANSLATE_NOOP("TenantEnergyView", "Whole cache"), math.inf),
)
"""Period choices: a name and a length ending at the newest data in the cache."""
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


def read_report(path: str, span: float, by: str, grid_g_per_kwh: float) -> Any:
    """The report over the last ``span`` seconds of the cache at ``path`` (worker thread)."""
    from console.cache import Cache
    from console.energy import report
    from console.energy.history import PeriodError, attribute_period

    with Cache.open(path, readonly=True) as cache:
        held = cache.time_range()
        if held is None:
            raise PeriodError("the cache holds no rack telemetry yet")
        first, last = float(held[0]), float(held[1])
        start = first if math.isinf(span) else max(first, last - span)
        return report.build(attribute_period(cache, start, last, grid_g_per_kwh), by,
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
        self.task = CacheTask(self)
        self.task.done.connect(self._on_report)
        self.task.failed.connect(self._on_failed)
        self.period_box = QComboBox()
        for name, _span in PERIODS:
            self.period_box.addItem(self.tr(name))
        self.period_box.setCurrentIndex(1)
        self.group_box = QComboBox()
        for _key, name in GROUPS:
            self.group_box.addItem(self.tr(name))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.period_box.currentIndexChanged.connect(lambda _i: self.refresh())
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
        bound_columns(self.table)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        bar = QHBoxLayout()
        bar.addWidget(self.period_box)
        bar.addWidget(self.group_box)
        bar.addWidget(self.refresh_button)
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

    @property
    def span_s(self) -> float:
        return PERIODS[max(0, self.period_box.currentIndex())][1]

    @property
    def group(self) -> str:
        return GROUPS[max(0, self.group_box.currentIndex())][0]

    def refresh(self) -> None:
        """Read the report for the chosen period and grouping (on the worker)."""
        from console.carbon import GRID_CARBON_G_PER_KWH

        path = self.history_path()
        self._asked = True
        if not path:
            self.error = self.tr("No history cache: the report needs one (--cache).")
            self.mark_dirty()
            return
        grid = self.grid_g_per_kwh if math.isfinite(self.grid_g_per_kwh) else (
            GRID_CARBON_G_PER_KWH)
        span, by = self.span_s, self.group
        self.summary.setText(self.tr("Reading the history cache…"))
        self.task.submit(lambda: read_report(path, span, by, grid))

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        if not self._asked and self.history_path():
            self.refresh()

    def _on_report(self, report: Any) -> None:
        self.report, self.error = report, None
        self._has_data = True
        self.mark_dirty()
        self.flush()

    def _on_failed(self, message: str) -> None:
        self.error = message
        self.mark_dirty()
        self.flush()

    # -- drawing --------------------------------------------------------------------------
    def redraw(self) -> None:
        if self.error:
            self.summary.setText(self.tr("No report: {0}").format(cell(self.error)))
            return
        rep = self.report
        if rep is None:
            return
        clock = self.site_clock
        site = rep.site_it_kwh
        check = (f"{100.0 * (rep.metered_it_kwh - site) / site:+.2f} %" if site > 0 else "—")
        self.summary.setText(self.tr(
            "{start} to {end} ({zone}): {energy} kWh of IT energy metered by the racks "
            "(site IT meter {check}); grid imports at {grid} gCO2eq/kWh, wind, sun and "
            "battery at none"
        ).format(start=clock.clock(rep.start, "%Y-%m-%d %H:%M"),
                 end=clock.clock(rep.end, "%Y-%m-%d %H:%M"), zone=clock.abbrev(rep.end),
                 energy=figure(rep.metered_it_kwh, ",.0f"), check=check,
                 grid=figure(rep.grid_g_per_kwh, ",.0f")))
        names = {"unallocated": self.tr("Unallocated (no job)"),
                 "overhead": self.tr("Facility overhead (cooling, losses)")}
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rep.lines))
        for row, line in enumerate(rep.lines):
            name = isolate(line.name) if line.role == "group" else names[line.role]
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
        self.table.resizeColumnsToContents()

    def stop(self) -> None:
        super().stop()
        self.task.wait(5.0)
