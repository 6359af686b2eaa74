"""One rack in depth: its servers and GPUs, PDU feeds, jobs, recent events and history.

Every figure is plain text (tenant, job and user names come from outside); colour
marks only what is abnormal. Esc or the Back button emits ``backRequested``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.model import RackDetailSnapshot
from widgets.flow_layout import FlowLayout
from widgets.rack_detail_model import (
    GPU_COLUMNS,
    JOB_COL,
    JOB_COLUMNS,
    STATUS_COL,
    STATUS_COLOUR,
    RowsModel,
    RowsProxy,
    gpu_table,
    job_table,
    mappings,
    placement,
    placement_text,
)
from widgets.rackmap_overlays import ADVISORY, ALARM, BACKGROUND, FLOOR, TEXT, TEXT_DIM, WARNING
from widgets.text import bound_columns, cell, isolate, missing
from widgets.view import format_age, site_clock_of

GPU_HIDE_ORDER = tuple(GPU_COLUMNS.index(name) for name in (
    "Clock-event reasons", "DBE", "SBE", "Mem GiB", "W", "Last XID", "Util %", "°C"))
"""The GPU grid's columns hidden first when it is narrow (server, GPU, status and job
stay)."""

HISTORY_TITLES = {
    "power_kw": (QT_TRANSLATE_NOOP("RackDetail", "Rack power"), "kW"),
    "inlet_c": (QT_TRANSLATE_NOOP("RackDetail", "Inlet"), "°C"),
    "gpu_temp_max_c": (QT_TRANSLATE_NOOP("RackDetail", "Hottest GPU"), "°C"),
    "gpu_util_mean": (QT_TRANSLATE_NOOP("RackDetail", "Mean GPU util"), "%"),
}
__all__ = ["STATUS_COLOUR", "PduBars", "RackDetail", "RowsModel", "Sparkline"]


def _finite(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _event_time(event: Mapping[str, Any]) -> float:
    """An event's time for sorting and showing (0 when it has none that is a number)."""
    t = event.get("time")
    return float(t) if _finite(t) else 0.0


class PduBars(QWidget):
    """Load of each PDU feed against its breaker rating, as horizontal bars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdus: tuple[Mapping[str, Any], ...] = ()
        self.setMinimumHeight(70)

    def set_pdus(self, pdus: Sequence[Mapping[str, Any]]) -> None:
        """Show these PDU readings (id, feed, load_kw, rating_kw, tripped)."""
        self.pdus = tuple(mappings(pdus))
        self.setMinimumHeight(max(40, 30 * len(self.pdus) + 8))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), BACKGROUND)
        if not self.pdus:
            p.setPen(TEXT_DIM)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("no PDU readings"))
            return
        fm = p.fontMetrics()
        label_w = fm.horizontalAdvance(self.tr("Feed {0} ").format("B")) + 8
        for i, pdu in enumerate(self.pdus):
            y = 4 + i * 30
            load, rating = pdu.get("load_kw"), pdu.get("rating_kw")
            ok = (_finite(load) and _finite(rating) and rating > 0  # type: ignore[operator]
                  and math.isfinite(load / rating))  # type: ignore[operator]
            frac = load / rating if ok else math.nan  # type: ignore[operator]
            tripped = pdu.get("tripped") is True  # "no" from a broken hub is no trip
            colour = (ALARM if tripped or frac > 0.95 else WARNING if frac > 0.9
                      else ADVISORY if frac > 0.8 else FLOOR)
            bar = QRectF(label_w, y, max(10, self.width() - label_w - 170), 20)
            p.setPen(TEXT)
            p.drawText(QPointF(4, y + 15),
                       self.tr("Feed {0}").format(cell(pdu.get("feed", "?"), 8)))
            p.fillRect(bar, QColor("#2a2e34"))
            if ok:
                p.fillRect(QRectF(bar.left(), y, bar.width() * min(frac, 1.0), 20), colour)
                p.setPen(QPen(TEXT, 1, Qt.PenStyle.DashLine))
                x80 = bar.left() + bar.width() * 0.8
                p.drawLine(QPointF(x80, y - 2), QPointF(x80, y + 22))
            p.setPen(ALARM if tripped else TEXT)
            words = (self.tr("TRIPPED") if tripped else
                     f"{load:.1f} / {rating:.0f} kW ({frac * 100:.0f} %)" if ok
                     else self.tr("no data"))
            p.drawText(QPointF(bar.right() + 8, y + 15), words)


SPARKLINE_MIN_SPAN = 0.02
"""The least span a sparkline's height stands for, as a share of its values' size: a series
that barely moves (a flat one, or one that differs in its last digits) draws as a line
through the middle, not as a full-height square wave."""


def sparkline_range(low: float, high: float) -> tuple[float, float]:
    """The values the bottom and the top of a sparkline stand for, given its data's lowest
    and highest."""
    least = max(SPARKLINE_MIN_SPAN * max(abs(low), abs(high)), 0.5)
    if high - low >= least:
        return low, high
    middle = (low + high) / 2
    return middle - least / 2, middle + least / 2


class Sparkline(QWidget):
    """A small history line with its title, unit and latest value."""

    def __init__(self, title: str, unit: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title, self.unit = title, unit
        self.t = np.zeros(0)
        self.values = np.zeros(0)
        self.setMinimumSize(160, 56)
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # time runs left to right

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt name
        """Room for 'Hottest GPU: 100.0 °C' and the max / min labels beside the line."""
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance("Mean GPU util: 100.0 %") + fm.horizontalAdvance(
            "max 0000") + 24, 4 * fm.height())

    def set_series(self, t: np.ndarray, values: np.ndarray) -> None:
        """Show ``values`` against ``t`` (epoch seconds); NaN is a gap."""
        self.t = np.asarray(t, np.float64)
        self.values = np.asarray(values, np.float64)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), BACKGROUND)
        p.setPen(TEXT_DIM)
        fm = p.fontMetrics()
        finite = np.isfinite(self.values)
        last = (f"{self.values[finite][-1]:.1f} {self.unit}" if finite.any()
                else self.tr("no history"))
        p.drawText(QPointF(4, fm.ascent() + 2), f"{self.title}: {last}")
        label_w = fm.horizontalAdvance("max 0000") + 8
        area = QRectF(4, fm.height() + 6, self.width() - 12 - label_w,
                      self.height() - fm.height() - 10)
        if finite.sum() < 2:
            return
        t, v = self.t[finite], self.values[finite]
        t0, t1 = float(t.min()), float(t.max())
        low, high = float(v.min()), float(v.max())
        v0, v1 = sparkline_range(low, high)
        xs = area.left() + (t - t0) / max(t1 - t0, 1e-9) * area.width()
        ys = area.bottom() - (v - v0) / (v1 - v0) * area.height()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(TEXT, 1.5))
        p.drawPolyline(QPolygonF([QPointF(x, y) for x, y in zip(xs.tolist(), ys.tolist(),
                                                                 strict=True)]))
        p.setPen(TEXT_DIM)
        for text, y in ((self.tr("max %1").replace("%1", f"{high:.0f}"),
                         area.top() + fm.ascent() - 2),
                        (self.tr("min %1").replace("%1", f"{low:.0f}"), area.bottom())):
            p.drawText(QPointF(area.right() + 8, y), text)


def _table(model: QAbstractItemModel, stretch: int) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(False)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    bound_columns(view)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
    return view


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet("font-weight: bold;")
    label.setWordWrap(True)  # a narrow dock wraps it rather than squeezing the GPU grid
    return label


class RackDetail(QWidget):
    """One rack: GPU grid, PDU feeds, jobs, recent events, history sparklines.

    ``show_detail(RackDetailSnapshot)`` fills it; ``set_history({field: (t, values)})``
    draws the sparklines (empty dict is fine); ``select_gpu(uuid)`` selects a GPU, now or
    when the detail of its rack arrives. The GPU grid sorts by any column (unhealthy GPUs
    first by default) and shows the job on each GPU with its tenant; the jobs table shows
    where each job sits on this rack.

    Signals: ``backRequested()`` on Esc/Back; ``jobActivated(int)`` with a job's id when
    a job row, or the row of a GPU running a job, is activated (double-click or Enter);
    ``maintenanceRequested(str)`` with a GPU's uuid from its "Show in maintenance list" action.
    """

    backRequested = Signal()
    jobActivated = Signal(int)
    maintenanceRequested = Signal(str)
    """A GPU's uuid, from its row's "Show in maintenance list" action."""

    GPU_HEADERS = GPU_COLUMNS
    JOB_HEADERS = JOB_COLUMNS
    EVENT_HEADERS = ("Time", "Severity", "Event")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # hides the map
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.snapshot: RackDetailSnapshot | None = None
        self.wanted_gpu: tuple[str, str] | None = None
        """(rack id or '', uuid) of a GPU to select when its rack's detail arrives."""
        self.arrived_with_gpu = False
        """The last detail shown selected the GPU asked for by :meth:`select_gpu`."""
        self._jobs: dict[int, Mapping[str, Any]] = {}
        self._gpu_jobs: list[int | None] = []
        self.back = QPushButton(self.tr("← Map (Esc)"))
        self.back.clicked.connect(self.backRequested)
        self.title = QLabel(self.tr("No rack selected"))
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setStyleSheet("font-weight: bold; font-size: 14pt;")
        self.summary = QLabel("")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)  # a narrow dock wraps it rather than cutting it
        head = QHBoxLayout()
        head.addWidget(self.back)
        head.addWidget(self.title)
        head.addWidget(self.summary, 1)
        self.gpu_model = RowsModel(self.GPU_HEADERS, self)
        self.gpu_proxy = RowsProxy(self)
        self.gpu_proxy.setSourceModel(self.gpu_model)
        self.job_model = RowsModel(self.JOB_HEADERS, self)
        self.event_model = RowsModel(self.EVENT_HEADERS, self)
        self.gpu_table = _table(self.gpu_proxy, JOB_COL)  # the job (elided) takes what is left
        self.gpu_table.setSortingEnabled(True)
        self._column_widths: dict[int, int] = {}
        self.gpu_table.installEventFilter(self)
        self.gpu_table.sortByColumn(STATUS_COL, Qt.SortOrder.AscendingOrder)  # unhealthy first
        self.gpu_table.selectionModel().currentRowChanged.connect(self._gpu_changed)
        self.gpu_table.activated.connect(self._gpu_activated)
        self.action_maintenance = QAction(self.tr("Show in maintenance list"), self.gpu_table)
        self.action_maintenance.triggered.connect(self._show_in_maintenance)
        self.gpu_table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.gpu_table.addAction(self.action_maintenance)
        self.job_table = _table(self.job_model, 1)
        self.job_table.activated.connect(self._job_activated)
        self.job_table.setToolTip(self.tr("Enter or double-click shows the job in the job "
                                          "queue"))
        self.event_table = _table(self.event_model, 2)
        self.gpu_info = QLabel("")
        self.gpu_info.setTextFormat(Qt.TextFormat.PlainText)
        self.gpu_info.setWordWrap(True)
        self.gpu_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pdu_bars = PduBars()
        self.sparklines = {k: Sparkline(self.tr(t), u) for k, (t, u) in HISTORY_TITLES.items()}
        spark_box = QWidget()
        grid = FlowLayout(spark_box)  # two a row when there is room, else one
        for s in self.sparklines.values():
            grid.addWidget(s)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(_heading(self.tr("Servers and GPUs, unhealthy first")))
        self.gpu_table.setToolTip(self.tr("Click a heading to sort; Enter or double-click on "
                                          "a GPU shows its job in the job queue"))
        lv.addWidget(self.gpu_table, 1)
        lv.addWidget(self.gpu_info)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rows = self.fontMetrics().height() + 6
        for table in (self.job_table, self.event_table):  # a header and three rows at least
            table.setMinimumHeight(4 * rows + 8)
        for heading, widget, stretch in (
            (self.tr("PDU feeds: load against breaker rating (dashed: 80 %)"), self.pdu_bars, 0),
            (self.tr("History"), spark_box, 0),
            (self.tr("Jobs on this rack"), self.job_table, 2),
            (self.tr("Recent events"), self.event_table, 2),
        ):
            label = _heading(heading)
            rv.addWidget(label)
            rv.addWidget(widget, stretch)
        self.events_heading = label
        """Says the zone of the events' times (the site's) once a rack is shown."""
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        # A low dock scrolls this column rather than crushing its tables to their headers.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(right)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        em = self.fontMetrics().averageCharWidth()
        self.splitter.setSizes([110 * em, 75 * em])
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.splitter, 1)

    @property
    def rack_id(self) -> str:
        """Id of the rack shown ('' when none)."""
        rack = self.snapshot.rack if self.snapshot is not None else None
        return cell(rack.get("id", "")) if isinstance(rack, Mapping) else ""

    def show_detail(self, detail: RackDetailSnapshot) -> None:
        """Fill every part from one rack-detail snapshot.

        A GPU selected before keeps its selection when the same rack is shown again;
        a GPU asked for with :meth:`select_gpu` is selected when its rack arrives."""
        rack = detail.rack if isinstance(detail.rack, Mapping) else {}
        keep = self.selected_gpu() if self.rack_id == cell(rack.get("id", "")) else ""
        self.snapshot = detail
        nodes = mappings(detail.nodes)
        self.title.setText(cell(rack.get("id", "?"), 40))
        gpus = [g for n in nodes for g in mappings(n.get("gpus", ()))]
        bad = sum(1 for g in gpus if g.get("status", "healthy") != "healthy")
        site = site_clock_of(self)  # the site's wall time, wherever the console runs
        self.summary.setText(self.tr(
            "  hall {hall} · row {row} · {model} {type} · {cooling} cooled · {servers} servers"
            " · {gpus} GPUs, {bad} unhealthy · read {clock} ({age} ago)").format(
                hall=isolate(rack.get("hall", "?"), 40), row=isolate(rack.get("row", "?"), 40),
                model=isolate(rack.get("gpu_model", ""), 40),
                type=isolate(rack.get("rack_type", ""), 40),
                cooling=isolate(rack.get("cooling", ""), 40), servers=len(nodes),
                gpus=len(gpus), bad=bad,
                clock=f"{site.clock(detail.time)} {site.abbrev(detail.time)}",
                age=format_age(detail.age())))
        self._jobs = {}
        for j in mappings(detail.jobs):
            job_id = j.get("id")
            if isinstance(job_id, int) and not isinstance(job_id, bool):
                self._jobs[job_id] = j
        table = gpu_table(nodes, self._jobs)
        self._gpu_jobs = table.job_ids
        self.gpu_model.set_rows(table.rows, table.colours, table.keys, table.uuids)
        self.pdu_bars.set_pdus(detail.pdus)
        self.fit_gpu_columns()
        rows, ids, tips = job_table(detail.jobs, nodes)
        self.job_model.set_rows(rows, [{} for _ in rows], None, ids, tips)
        events = sorted(mappings(detail.events), key=lambda e: -_event_time(e))
        sev = {"critical": ALARM, "high": WARNING, "medium": ADVISORY}
        self.events_heading.setText(self.tr("Recent events (site time, {0})").format(
            site.abbrev(detail.time)))
        self.event_model.set_rows(
            [(site.day_clock(e["time"], detail.time) if _finite(e.get("time")) else missing(),
              cell(e.get("severity", "")), cell(e.get("message", "")))
             for e in events],
            [{1: sev[s]} if (s := cell(e.get("severity"))) in sev else {} for e in events])
        wanted = self.wanted_gpu
        self.arrived_with_gpu = wanted is not None and self.gpu_model.row_of(wanted[1]) >= 0
        if wanted is not None and self.arrived_with_gpu:
            self.wanted_gpu = None
            self._select_row(wanted[1])
        elif wanted is not None and wanted[0] == self.rack_id:
            self.wanted_gpu = None  # its rack came without it: nothing to wait for
        elif keep:
            self._select_row(keep, focus=False)
        self._gpu_changed()

    def select_gpu(self, uuid: str, rack_id: str = "") -> bool:
        """Select and show the GPU ``uuid`` (and its job) in the grid, giving it focus.

        When the rack shown does not hold it (its detail is still on the way), it is
        remembered and selected when a detail holding it arrives (``rack_id`` names the
        rack it is expected on; that rack's detail without it ends the wait). True when
        it was selected now."""
        if self.gpu_model.row_of(uuid) >= 0:
            self.wanted_gpu = None
            return self._select_row(uuid)
        self.wanted_gpu = (rack_id, uuid) if uuid else None
        return False

    def selected_gpu(self) -> str:
        """Uuid of the selected GPU ('' when none)."""
        index = self.gpu_table.currentIndex()
        if not index.isValid() or not self.gpu_table.selectionModel().isSelected(index):
            return ""
        row = self.gpu_proxy.mapToSource(index).row()
        return self.gpu_model.ids[row] if 0 <= row < len(self.gpu_model.ids) else ""

    def selected_job(self) -> int | None:
        """Id of the job selected in the jobs table (None when none)."""
        index = self.job_table.currentIndex()
        if not index.isValid():
            return None
        text = self.job_model.ids[index.row()] if index.row() < len(self.job_model.ids) else ""
        return int(text) if text.isdigit() else None

    def _select_row(self, uuid: str, focus: bool = True) -> bool:
        row = self.gpu_model.row_of(uuid)
        if row < 0:
            return False
        index = self.gpu_proxy.mapFromSource(self.gpu_model.index(row, 0))
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)
        self.gpu_table.selectionModel().setCurrentIndex(index, flags)
        self.gpu_table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        if focus:
            self.gpu_table.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _gpu_changed(self, *args: object) -> None:
        """Describe the selected GPU and select its job in the jobs table."""
        uuid = self.selected_gpu()
        if not uuid or self.snapshot is None:
            self.gpu_info.setText(self.tr("Select a GPU to see its job and tenant; "
                                          "Enter opens the job in the job queue."))
            return
        row = self.gpu_model.row_of(uuid)
        cells = self.gpu_model.rows[row]
        job_id = self._gpu_jobs[row]
        text = self.tr("Selected: {server} GPU {index} ({uuid}) · {status}").format(
            server=isolate(cells[0], 80), index=isolate(cells[1], 20), uuid=isolate(uuid, 80),
            status=isolate(cells[STATUS_COL], 40))
        if job_id is None:
            text += self.tr(" · no job")
        else:
            job = self._jobs.get(job_id, {})
            where = dict(placement(self.snapshot.nodes)).get(job_id, [])
            text += self.tr(" · job {id} “{name}” of {tenant}, user {user} · "
                            "on this rack: {where}").format(
                id=job_id, name=isolate(job.get("name", "?"), 80),
                tenant=isolate(job.get("tenant", "?"), 80),
                user=isolate(job.get("user", "?"), 80), where=cell(placement_text(where)[0], 120))
            job_row = self.job_model.row_of(str(job_id))
            if job_row >= 0:
                self.job_table.selectRow(job_row)
                self.job_table.scrollTo(self.job_model.index(job_row, 0))
        self.gpu_info.setText(text)

    def _gpu_activated(self, index: QModelIndex) -> None:
        row = self.gpu_proxy.mapToSource(index).row()
        job_id = self._gpu_jobs[row] if 0 <= row < len(self._gpu_jobs) else None
        if job_id is not None:
            self.jobActivated.emit(job_id)

    def _show_in_maintenance(self) -> None:
        uuid = self.selected_gpu()
        if uuid:
            self.maintenanceRequested.emit(uuid)

    def _job_activated(self, index: QModelIndex) -> None:
        text = self.job_model.ids[index.row()] if index.row() < len(self.job_model.ids) else ""
        if text.isdigit():
            self.jobActivated.emit(int(text))

    def set_history(self, history: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> None:
        """Draw the sparklines from cached history: ``{field: (t, values)}``; may be empty."""
        for key, spark in self.sparklines.items():
            t, v = history.get(key, (np.zeros(0), np.zeros(0)))
            spark.set_series(t, v)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if watched is self.gpu_table and isinstance(event, QResizeEvent):
            self.fit_gpu_columns(event.size().width())
        return super().eventFilter(watched, event)

    def fit_gpu_columns(self, width: int | None = None) -> list[int]:
        """Hide the GPU grid's less telling columns (clock-event reasons, ECC counts,
        memory, power...) while the grid is too narrow for them, so that the server, GPU,
        status and job always show; they come back as it widens. The columns hidden."""
        table = self.gpu_table
        header = table.horizontalHeader()
        char = max(1, table.fontMetrics().averageCharWidth())
        room = (table.width() if width is None else width) - 3 * char  # frame, scroll bar
        for col in range(header.count()):
            if not header.isSectionHidden(col):
                self._column_widths[col] = header.sectionSize(col)
        need = {col: max(header.sectionSizeHint(col), self._column_widths.get(col, 0), 4 * char)
                for col in range(header.count())}
        need[JOB_COL] = 16 * char  # elided below its full width
        hidden: list[int] = []
        shown = set(range(header.count()))
        for col in GPU_HIDE_ORDER:
            if sum(need[c] for c in shown) <= room:
                break
            shown.discard(col)
            hidden.append(col)
        for col in range(header.count()):
            header.setSectionHidden(col, col in hidden)
        return hidden

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.backRequested.emit()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # a table's activation: not the map's "open this rack" again
            return
        super().keyPressEvent(event)
