"""The energy-steering advisor: what deferrable work could move, and where it helps.

It reads the forecast, the job queue, the racks' power and the site power (for the PUE) as
they come, and says in one sentence what moving the running deferrable work would do
(:mod:`console.steering`); under it, the deferrable load now (running and queued) and the
jobs counted. It only advises: nothing is changed on the site. Grey throughout (ISA-101):
advice is no alarm. Tenant and job names come from outside: plain text in bidi isolates.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.carbon import GRID_CARBON_G_PER_KWH
from console.model import PowerSeries, Snapshot
from console.steering import (
    Advice,
    DeferrableLoad,
    SteeringPolicy,
    advice_text,
    advise,
    deferrable_load,
)
from widgets.text import bound_columns, figure, isolate, plain_tooltip, set_column_widths
from widgets.view import LiveView

MAX_ROWS = 500
"""Most jobs listed (the largest first); the rest are counted under the table."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("SteeringView", text)


COLUMNS = (
    QCoreApplication.translate("SteeringView", "Job"),
    QCoreApplication.translate("SteeringView", "Partition"),
    QCoreApplication.translate("SteeringView", "State"),
    QCoreApplication.translate("SteeringView", "GPUs"),
    QCoreApplication.translate("SteeringView", "MW (IT)"),
    QCoreApplication.translate("SteeringView", "Tenant"),
)


_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_ALIGN = (_RIGHT, _LEFT, _LEFT, _RIGHT, _RIGHT, _LEFT)


class JobsModel(QAbstractTableModel):
    """The jobs counted, one row a job, each cell's text made when the view asks for it
    (the rows on screen), not an item a cell for every job at every update."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.jobs: tuple[Any, ...] = ()
        self._states = {"RUNNING": QCoreApplication.translate("SteeringView", "running"),
                        "PENDING": QCoreApplication.translate("SteeringView", "pending")}

    def set_jobs(self, jobs: tuple[Any, ...]) -> None:
        if jobs == self.jobs:
            return
        self.beginResetModel()
        self.jobs = jobs
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | None = None) -> int:  # noqa: N802 - Qt name
        return 0 if parent is not None and parent.isValid() else len(self.jobs)

    def columnCount(self, parent: QModelIndex | None = None) -> int:  # noqa: N802 - Qt name
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt name
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return _tr(COLUMNS[section])
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.jobs):
            return None
        col = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN[col]
        job = self.jobs[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and col == len(COLUMNS) - 1:
            return plain_tooltip(job.tenant)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if col == 0:
            return str(job.id)
        if col == 1:
            return isolate(job.partition)
        if col == 2:
            return self._states.get(job.state, job.state)
        if col == 3:
            return figure(job.gpus, ",d")
        if col == 4:
            return figure(job.it_mw, ",.2f")
        return isolate(job.tenant)


class SteeringView(LiveView):
    """The advisor panel (a dock of the main window)."""

    kinds = ("forecast", "jobs", "racks", "power")
    title = "Energy steering"
    redraw_hz = 1.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.policy = SteeringPolicy()
        self.grid_g_per_kwh = GRID_CARBON_G_PER_KWH
        self.latest: dict[str, Snapshot] = {}
        self.advice: Advice = Advice(False, "no forecast")
        self.load = DeferrableLoad(why_not="no job queue")
        self.clock_now: Any = None
        """Seconds since the epoch 'now' for the advice (None: the forecast's issue time or
        the newest data's time); set by review to the time under review."""
        root = QVBoxLayout(self)
        self.headline = self._label(bold=True)
        self.figures = self._label()
        self.basis = self._label()
        self.basis.setEnabled(False)  # the secondary line, greyed by the style
        for label in (self.headline, self.figures, self.basis):
            root.addWidget(label)
        self.model = JobsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        bound_columns(self.table)
        set_column_widths(self.table, ("999999999", 14, 12, "99,999", "9,999.99"))
        root.addWidget(self.table, 1)
        self.more = self._label()
        root.addWidget(self.more)

    @staticmethod
    def _label(bold: bool = False) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if bold:
            font = label.font()
            font.setBold(True)
            label.setFont(font)
        return label

    # -- data in ------------------------------------------------------------------------
    def set_policy(self, policy: SteeringPolicy, grid_g_per_kwh: float | None = None) -> None:
        """What the site lets move (``[steering]``), and the grid's carbon intensity to use
        when the forecast has none."""
        self.policy = policy
        if grid_g_per_kwh is not None and math.isfinite(grid_g_per_kwh):
            self.grid_g_per_kwh = float(grid_g_per_kwh)
        self.mark_dirty()

    def on_snapshot(self, snapshot: Snapshot) -> None:
        self.latest[snapshot.kind] = snapshot

    def _pue(self) -> float | None:
        power = self.latest.get("power")
        if not isinstance(power, PowerSeries) or not len(power):
            return None
        pue = power.latest().get("pue", math.nan)
        return pue if math.isfinite(pue) and pue >= 1.0 else None

    def _now(self) -> float:
        if self.clock_now is not None:
            return float(self.clock_now)
        times = [s.time for s in self.latest.values() if math.isfinite(s.time)]
        return max(times) if times else 0.0

    def pack_advice(self) -> dict[str, Any]:
        """The advice as the handover pack carries it (figures and sentence), now."""
        advice = self.compute()
        return advice.to_json() | {"text": advice_text(advice, self.site_clock.name, self._now())}

    def compute(self) -> Advice:
        """The advice from the data held now (also what the handover pack takes)."""
        forecast = self.latest.get("forecast")
        self.load = deferrable_load(self.latest.get("jobs"),  # type: ignore[arg-type]
                                    self.latest.get("racks"),  # type: ignore[arg-type]
                                    self.topology, self.policy)
        self.advice = advise(forecast, self.load, self._now(), self.policy,
                             grid_g_per_kwh=self.grid_g_per_kwh, pue=self._pue())
        return self.advice

    # -- drawing ------------------------------------------------------------------------
    def redraw(self) -> None:
        advice = self.compute()
        load = self.load
        now = self._now()
        self.headline.setText(advice_text(advice, self.site_clock.name, now))
        parts = []
        if not load.why_not:
            parts.append(QCoreApplication.translate("SteeringView", "Deferrable now: {0} running ({1} jobs), {2} queued ({3} jobs)")
                         .format(figure(load.running_mw, ",.1f", " MW"),
                                 figure(load.running_jobs, ",d"),
                                 figure(load.queued_mw, ",.1f", " MW"),
                                 figure(load.queued_jobs, ",d")))
        forecast = self.latest.get("forecast")
        if forecast is not None:
            issued = self.site_clock.clock(getattr(forecast, "issued", math.nan), "%H:%M")
            source = isolate(str(getattr(forecast, "source", "")))
            parts.append(QCoreApplication.translate("SteeringView", "forecast issued {0} by {1}").format(issued, source))
        self.figures.setText(" \u00b7 ".join(parts))
        self.basis.setText(QCoreApplication.translate("SteeringView", "It only advises; nothing is changed on the site. Basis: "
                               "forecast P50, battery dispatch as forecast, surplus "
                               "renewables curtailed, moved work draws the same power later.")
                           if advice.ok else "")
        self._fill(load)

    def _fill(self, load: DeferrableLoad) -> None:
        jobs = tuple(load.jobs[:MAX_ROWS])
        self.model.set_jobs(jobs)
        left = len(load.jobs) - len(jobs)
        self.more.setText(QCoreApplication.translate("SteeringView", "and {0} more jobs").format(figure(left, ",d")) if left > 0 else "")
