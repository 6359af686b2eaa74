"""One rack in depth: its servers and GPUs, PDU feeds, jobs, recent events and history.

Every figure is plain text (tenant, job and user names come from outside); colour
marks only what is abnormal. Esc or the Back button emits ``backRequested``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.gpu_health import STATUS_WORDS, clock_event_words, clock_events_abnormal, xid_info
from console.model import RackDetailSnapshot
from widgets.rackmap_overlays import ADVISORY, ALARM, BACKGROUND, FLOOR, TEXT, TEXT_DIM, WARNING
from widgets.view import format_age

_Index = QModelIndex | QPersistentModelIndex
STATUS_COLOUR = {"degraded": ADVISORY, "failed": WARNING, "off_bus": ALARM}
DARK_TEXT = QColor("#1e2126")
HISTORY_TITLES = {
    "power_kw": ("Rack power", "kW"),
    "inlet_c": ("Inlet", "°C"),
    "gpu_temp_max_c": ("Hottest GPU", "°C"),
    "gpu_util_mean": ("Mean GPU util", "%"),
}


def _f(value: Any, fmt: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return "n/a"
    return f"{value:{fmt}}"


class RowsModel(QAbstractTableModel):
    """A read-only table of plain strings with an optional background colour per cell."""

    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = tuple(headers)
        self.rows: list[tuple[str, ...]] = []
        self.colours: list[dict[int, QColor]] = []

    def set_rows(self, rows: list[tuple[str, ...]], colours: list[dict[int, QColor]]) -> None:
        """Replace every row (plain strings) and the abnormal-cell colours.

        The same rows again change nothing (no reset, no repaint)."""
        if rows == self.rows and colours == self.colours:
            return
        self.beginResetModel()
        self.rows, self.colours = rows, colours
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.rows[r][c]
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.colours[r].get(c)
        if role == Qt.ItemDataRole.ForegroundRole and c in self.colours[r]:
            return DARK_TEXT
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


def gpu_rows(nodes: Sequence[Mapping[str, Any]]) -> tuple[list[tuple[str, ...]],
                                                          list[dict[int, QColor]]]:
    """Rows of the GPU grid (one per GPU) and the colours of their abnormal cells."""
    rows: list[tuple[str, ...]] = []
    colours: list[dict[int, QColor]] = []
    for node in nodes:
        for g in node.get("gpus", ()):
            xid = g.get("xid")
            info = xid_info(xid) if isinstance(xid, int) and not isinstance(xid, bool) else None
            mask = g.get("clock_event_reasons")
            mask = int(mask) if isinstance(mask, int) and not isinstance(mask, bool) else None
            used, total = g.get("mem_used_mib"), g.get("mem_total_mib")
            mem = (f"{used / 1024:.0f} / {total / 1024:.0f}"
                   if isinstance(used, int | float) and isinstance(total, int | float) else "n/a")
            status = str(g.get("status", "healthy"))
            rows.append((
                str(node.get("host", node.get("id", ""))), str(g.get("index", "")),
                STATUS_WORDS.get(status, status), _f(g.get("temp_c"), ".0f"),
                _f(g.get("power_w"), ".0f"), _f(g.get("util_pct"), ".0f"), mem,
                _f(g.get("ecc_sbe"), "d"), _f(g.get("ecc_dbe"), "d"),
                f"{info.xid}: {info.words}" if info else "—", clock_event_words(mask),
            ))
            cell: dict[int, QColor] = {}
            if status in STATUS_COLOUR:
                cell[2] = STATUS_COLOUR[status]
            temp = g.get("temp_c")
            if isinstance(temp, int | float) and math.isfinite(temp) and temp > 80:
                cell[3] = ALARM if temp > 88 else WARNING if temp > 85 else ADVISORY
            if isinstance(g.get("ecc_dbe"), int) and g["ecc_dbe"] > 0:
                cell[8] = WARNING
            if info is not None and info.severity in ("high", "critical"):
                cell[9] = ALARM if info.severity == "critical" else WARNING
            if clock_events_abnormal(mask):
                cell[10] = WARNING
            colours.append(cell)
    return rows, colours


class PduBars(QWidget):
    """Load of each PDU feed against its breaker rating, as horizontal bars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdus: tuple[Mapping[str, Any], ...] = ()
        self.setMinimumHeight(70)

    def set_pdus(self, pdus: Sequence[Mapping[str, Any]]) -> None:
        """Show these PDU readings (id, feed, load_kw, rating_kw, tripped)."""
        self.pdus = tuple(pdus)
        self.setMinimumHeight(max(40, 30 * len(self.pdus) + 8))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), BACKGROUND)
        if not self.pdus:
            p.setPen(TEXT_DIM)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no PDU readings")
            return
        fm = p.fontMetrics()
        label_w = fm.horizontalAdvance("Feed B ") + 8
        for i, pdu in enumerate(self.pdus):
            y = 4 + i * 30
            load, rating = pdu.get("load_kw"), pdu.get("rating_kw")
            ok = isinstance(load, int | float) and isinstance(rating, int | float) and rating > 0
            frac = load / rating if ok else math.nan
            tripped = bool(pdu.get("tripped"))
            colour = (ALARM if tripped or frac > 0.95 else WARNING if frac > 0.9
                      else ADVISORY if frac > 0.8 else FLOOR)
            bar = QRectF(label_w, y, max(10, self.width() - label_w - 170), 20)
            p.setPen(TEXT)
            p.drawText(QPointF(4, y + 15), f"Feed {pdu.get('feed', '?')}")
            p.fillRect(bar, QColor("#2a2e34"))
            if ok:
                p.fillRect(QRectF(bar.left(), y, bar.width() * min(frac, 1.0), 20), colour)
                p.setPen(QPen(TEXT, 1, Qt.PenStyle.DashLine))
                x80 = bar.left() + bar.width() * 0.8
                p.drawLine(QPointF(x80, y - 2), QPointF(x80, y + 22))
            p.setPen(ALARM if tripped else TEXT)
            words = ("TRIPPED" if tripped else
                     f"{load:.1f} / {rating:.0f} kW ({frac * 100:.0f} %)" if ok else "no data")
            p.drawText(QPointF(bar.right() + 8, y + 15), words)


class Sparkline(QWidget):
    """A small history line with its title, unit and latest value."""

    def __init__(self, title: str, unit: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title, self.unit = title, unit
        self.t = np.zeros(0)
        self.values = np.zeros(0)
        self.setMinimumSize(160, 56)

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
        last = f"{self.values[finite][-1]:.1f} {self.unit}" if finite.any() else "no history"
        p.drawText(QPointF(4, fm.ascent() + 2), f"{self.title}: {last}")
        label_w = fm.horizontalAdvance("max 0000") + 8
        area = QRectF(4, fm.height() + 6, self.width() - 12 - label_w,
                      self.height() - fm.height() - 10)
        if finite.sum() < 2:
            return
        t, v = self.t[finite], self.values[finite]
        t0, t1 = float(t.min()), float(t.max())
        v0, v1 = float(v.min()), float(v.max())
        if v1 - v0 < 1e-9:
            v0, v1 = v0 - 1, v1 + 1
        xs = area.left() + (t - t0) / max(t1 - t0, 1e-9) * area.width()
        ys = area.bottom() - (v - v0) / (v1 - v0) * area.height()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(TEXT, 1.5))
        p.drawPolyline(QPolygonF([QPointF(x, y) for x, y in zip(xs.tolist(), ys.tolist(),
                                                                 strict=True)]))
        p.setPen(TEXT_DIM)
        for text, y in ((f"max {v1:.0f}", area.top() + fm.ascent() - 2),
                        (f"min {v0:.0f}", area.bottom())):
            p.drawText(QPointF(area.right() + 8, y), text)


def _table(model: QAbstractTableModel, stretch: int) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(False)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
    return view


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet("font-weight: bold;")
    return label


class RackDetail(QWidget):
    """One rack: GPU grid, PDU feeds, jobs, recent events, history sparklines.

    ``show_detail(RackDetailSnapshot)`` fills it; ``set_history({field: (t, values)})``
    draws the sparklines (empty dict is fine). Emits ``backRequested()`` on Esc/Back.
    """

    backRequested = Signal()

    GPU_HEADERS = ("Server", "GPU", "Status", "°C", "W", "Util %", "Mem GiB", "SBE", "DBE",
                   "Last XID", "Clock-event reasons")
    JOB_HEADERS = ("Job", "Name", "Tenant", "User", "State", "GPUs")
    EVENT_HEADERS = ("Time", "Severity", "Event")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.snapshot: RackDetailSnapshot | None = None
        self.back = QPushButton("← Map (Esc)")
        self.back.clicked.connect(self.backRequested)
        self.title = QLabel("No rack selected")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setStyleSheet("font-weight: bold; font-size: 14pt;")
        self.summary = QLabel("")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        head = QHBoxLayout()
        head.addWidget(self.back)
        head.addWidget(self.title)
        head.addWidget(self.summary, 1)
        self.gpu_model = RowsModel(self.GPU_HEADERS, self)
        self.job_model = RowsModel(self.JOB_HEADERS, self)
        self.event_model = RowsModel(self.EVENT_HEADERS, self)
        self.gpu_table = _table(self.gpu_model, len(self.GPU_HEADERS) - 1)
        self.job_table = _table(self.job_model, 1)
        self.event_table = _table(self.event_model, 2)
        self.pdu_bars = PduBars()
        self.sparklines = {k: Sparkline(t, u) for k, (t, u) in HISTORY_TITLES.items()}
        spark_box = QWidget()
        grid = QGridLayout(spark_box)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, s in enumerate(self.sparklines.values()):
            grid.addWidget(s, i // 2, i % 2)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(_heading("Servers and GPUs"))
        lv.addWidget(self.gpu_table)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        for heading, widget, stretch in (("PDU feeds: load against breaker rating (dashed: 80 %)",
                                          self.pdu_bars, 0),
                                         ("History", spark_box, 0),
                                         ("Jobs on this rack", self.job_table, 2),
                                         ("Recent events", self.event_table, 2)):
            rv.addWidget(_heading(heading))
            rv.addWidget(widget, stretch)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([900, 600])
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.splitter, 1)

    @property
    def rack_id(self) -> str:
        """Id of the rack shown ('' when none)."""
        return str(self.snapshot.rack.get("id", "")) if self.snapshot is not None else ""

    def show_detail(self, detail: RackDetailSnapshot) -> None:
        """Fill every part from one rack-detail snapshot."""
        self.snapshot = detail
        rack = detail.rack
        self.title.setText(str(rack.get("id", "?")))
        gpus = sum(len(n.get("gpus", ())) for n in detail.nodes)
        bad = sum(1 for n in detail.nodes for g in n.get("gpus", ())
                  if g.get("status", "healthy") != "healthy")
        clock = time.strftime("%H:%M:%S", time.localtime(detail.time))
        self.summary.setText(
            f"  hall {rack.get('hall', '?')} · row {rack.get('row', '?')} · "
            f"{rack.get('gpu_model', '')} {rack.get('rack_type', '')} · "
            f"{rack.get('cooling', '')} cooled · {len(detail.nodes)} servers · {gpus} GPUs, "
            f"{bad} unhealthy · read {clock} ({format_age(detail.age())} ago)")
        self.gpu_model.set_rows(*gpu_rows(detail.nodes))
        self.pdu_bars.set_pdus(detail.pdus)
        self.job_model.set_rows(
            [(str(j.get("id", "")), str(j.get("name", "")), str(j.get("tenant", "")),
              str(j.get("user", "")), str(j.get("state", "")), str(j.get("gpus", "")))
             for j in detail.jobs], [{} for _ in detail.jobs])
        events = sorted(detail.events, key=lambda e: -float(e.get("time") or 0))
        sev = {"critical": ALARM, "high": WARNING, "medium": ADVISORY}
        self.event_model.set_rows(
            [(time.strftime("%H:%M:%S", time.localtime(float(e.get("time") or 0))),
              str(e.get("severity", "")), str(e.get("message", ""))) for e in events],
            [{1: sev[str(e.get("severity"))]} if e.get("severity") in sev else {}
             for e in events])

    def set_history(self, history: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> None:
        """Draw the sparklines from cached history: ``{field: (t, values)}``; may be empty."""
        for key, spark in self.sparklines.items():
            t, v = history.get(key, (np.zeros(0), np.zeros(0)))
            spark.set_series(t, v)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.backRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)
