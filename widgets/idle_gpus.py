"""Idle allocated GPUs: running jobs whose GPUs have sat idle for too long.

A table (job, name, tenant, racks, GPUs, idle since, GPU-hours and energy wasted, the
utilisation it was judged by: the job's own or its racks' bound) from
:func:`console.energy.idle.idle_at`, read from the history cache on a worker thread at
the time of the data shown (live: the newest; review: the scrubber's), again at most
once a minute as job queues arrive. The GPUs it finds idle per rack go to the rack map's
"Idle allocated GPUs" overlay (:func:`widgets.rackmap_overlays.set_rack_figure`).
Tenant and job names are plain text in bidi isolates.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.energy.idle import IdleRule
from console.model import Snapshot
from widgets.rackmap_overlays import IDLE_OVERLAY, set_rack_figure
from widgets.tenant_energy import CacheTask, NumberItem
from widgets.text import bound_columns, cell, figure, isolate
from widgets.view import LiveView

REFRESH_S = 60.0
"""Data time between two readings while the data moves forward."""


def read_idle(path: str, at: float | None, rule: IdleRule) -> Any:
    """Idle jobs at ``at`` (None: the newest data) in the cache at ``path`` (worker)."""
    from console.cache import Cache
    from console.energy.idle import idle_at

    with Cache.open(path, readonly=True) as cache:
        held = cache.time_range()
        if held is None:
            raise ValueError("the cache holds no rack telemetry yet")
        when = float(held[1]) if at is None else min(float(at), float(held[1]))
        return idle_at(cache, when, rule)


class IdleGpuView(LiveView):
    """Running jobs whose GPUs sit under the idle threshold for at least the idle time."""

    kinds = ("jobs",)
    title = "Idle allocated GPUs"
    figureChanged = Signal()
    """A new per-rack figure for the rack map's idle overlay was set."""
    COLUMNS = (
        QT_TRANSLATE_NOOP("IdleGpuView", "Job"),
        QT_TRANSLATE_NOOP("IdleGpuView", "Name"),
        QT_TRANSLATE_NOOP("IdleGpuView", "Tenant"),
        QT_TRANSLATE_NOOP("IdleGpuView", "Racks"),
        QT_TRANSLATE_NOOP("IdleGpuView", "GPUs"),
        QT_TRANSLATE_NOOP("IdleGpuView", "Idle since"),
        QT_TRANSLATE_NOOP("IdleGpuView", "Idle for"),
        QT_TRANSLATE_NOOP("IdleGpuView", "GPU-h wasted"),
        QT_TRANSLATE_NOOP("IdleGpuView", "kWh wasted"),
        QT_TRANSLATE_NOOP("IdleGpuView", "GPU utilisation"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history_path: Callable[[], str | None] = lambda: None
        self.rule = IdleRule()
        self.result: Any = None
        self.error: str | None = None
        self._at: float | None = None
        self._read_at = -math.inf
        self._unread = False
        """Data moved on while nobody looked: read when the view or its overlay is shown."""
        self.wanted: Callable[[], bool] = self.is_shown
        """Whether anyone looks at the result now (the window adds the rack map's overlay)."""
        self.task = CacheTask(self)
        self.task.done.connect(self._on_result)
        self.task.failed.connect(self._on_failed)
        self.summary = QLabel(self.tr("Idle allocated GPUs are read from the history cache."))
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        bound_columns(self.table)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    # -- data in --------------------------------------------------------------------------
    def set_history_path(self, path: Callable[[], str | None]) -> None:
        """Where the cache file is (asked each time: the live window learns it late)."""
        self.history_path = path

    def set_rule(self, rule: IdleRule) -> None:
        """The idle rule of the config (``[energy]``)."""
        self.rule = rule
        self.refresh()

    def on_snapshot(self, snapshot: Snapshot) -> None:
        """A job queue came: read again when the data moved a minute on, or back (review)."""
        t = float(snapshot.time)
        moved = self._at is None or t < self._read_at or t - self._read_at >= REFRESH_S
        self._at = t
        if moved:
            self.refresh()

    def refresh(self) -> None:
        """Read the idle jobs at the data's time, on the worker; while neither this view nor
        the rack map's idle overlay is on screen the read waits for one of them (a read
        takes a minute of history: up to a second of a core, which would slow every poll or
        review seek for a list nobody sees)."""
        path = self.history_path()
        if not path:
            return
        if not self.wanted():
            self._unread = True
            self.mark_dirty()  # its redraw once shown (LiveView) makes the read
            return
        self._unread = False
        at, rule = self._at, self.rule
        self._read_at = at if at is not None else self._read_at
        self.task.submit(lambda: read_idle(path, at, rule))

    def on_demand(self) -> None:
        """Someone looks now (the view shown, the idle overlay chosen): read what waited."""
        if self._unread and self.wanted():
            self.refresh()

    def _on_result(self, result: Any) -> None:
        self.result, self.error = result, None
        self._has_data = True
        if self.topology is not None and len(result.rack_ids) == self.topology.n_racks:
            set_rack_figure(IDLE_OVERLAY, self.topology, np.asarray(result.rack_idle_gpus))
        self.mark_dirty()
        if self.is_shown():
            self.flush()
        self.figureChanged.emit()

    def _on_failed(self, message: str) -> None:
        self.error = message
        self.mark_dirty()
        if self.is_shown():
            self.flush()

    # -- drawing --------------------------------------------------------------------------
    def redraw(self) -> None:
        self.on_demand()  # brought to the front: the read that waited, drawn when it lands
        rule = self.rule
        if self.error:
            self.summary.setText(self.tr("Idle GPUs not read: {0}").format(cell(self.error)))
            return
        r = self.result
        if r is None:
            return
        clock = self.site_clock
        wasted = sum(j.energy_kwh for j in r.jobs)
        self.summary.setText(self.tr(
            "{jobs} job(s) holding {gpus} GPU(s) under {pct} % utilisation for at least {mins} "
            "min, at {time} ({checked} running jobs looked at); {kwh} kWh drawn while idle"
        ).format(jobs=len(r.jobs), gpus=r.gpus, pct=figure(rule.util_pct, "g"),
                 mins=figure(rule.minutes, "g"), time=clock.clock(r.at, "%Y-%m-%d %H:%M"),
                 checked=r.checked, kwh=figure(wasted, ",.0f"))
            + "; " + self.tr("{own} judged by the job's own utilisation, {bound} by the bound "
                            "of its racks' means").format(
                own=sum(j.own for j in r.jobs), bound=sum(not j.own for j in r.jobs)))
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(r.jobs))
        for row, job in enumerate(r.jobs):
            racks = ", ".join(job.racks[:3]) + (f" +{len(job.racks) - 3}" if len(job.racks) > 3
                                                else "")
            since = clock.clock(job.idle_since, "%m-%d %H:%M")
            texts = [str(job.id), isolate(job.name), isolate(job.tenant), cell(racks)]
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                self.table.setItem(row, col, item)
            self.table.setItem(row, 4, NumberItem(figure(job.gpus, ",.0f"), job.gpus))
            self.table.setItem(row, 5, QTableWidgetItem(("≥ " if job.since_window else "")
                                                        + since))
            self.table.setItem(row, 6, NumberItem(
                self.tr("{0} min").format(figure(job.idle_s / 60.0, ",.0f")), job.idle_s))
            self.table.setItem(row, 7, NumberItem(figure(job.gpu_hours, ",.1f"), job.gpu_hours))
            self.table.setItem(row, 8, NumberItem(figure(job.energy_kwh, ",.1f"),
                                                  job.energy_kwh))
            util = (self.tr("{0} % (job's own)") if job.own
                    else self.tr("≤ {0} % (racks' bound)")).format(figure(job.util_pct, ",.1f"))
            self.table.setItem(row, 9, NumberItem(util, job.util_pct))
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()

    def stop(self) -> None:
        super().stop()
        self.task.wait(5.0)
