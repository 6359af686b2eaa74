"""The floor of the whole site at once: every rack coloured by one overlay.

Rack rectangles are kept in metres (from the site plan) and drawn through one
world transform (zoom and pan), grouped by colour bucket with ``drawRects``, so a
repaint of 3,520 racks costs about a millisecond. Normal racks stay grey; colour
means act. Racks without figures are hatched "no data" and counted.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QComboBox, QToolTip, QWidget

from console.model import RackDetailSnapshot, RackTelemetry, SiteTopology, Snapshot
from widgets.rack_detail import RackDetail
from widgets.rackmap_overlays import (
    BACKGROUND,
    OVERLAYS,
    SELECTION,
    TEXT,
    HitGrid,
    Overlay,
    nearest_in_direction,
    rack_tooltip,
)
from widgets.rackmap_paint import paint_labels, paint_legend, paint_racks, paint_stale
from widgets.text import cell
from widgets.view import DATA_ERRORS, LiveView, format_age

LEGEND_W = 230
RACK_INSET_M = 0.05
ROW_LABEL_MIN_SCALE = 14.0  # px per metre from which row labels are drawn
FLOOR_LIMIT_M = 100_000.0
"""A rack or hall placed farther than this from the plan's origin (100 km) has no place on
the floor: drawn nowhere rather than shrinking the whole site to a dot."""


def floor_geometry(geometry: object, n: int) -> np.ndarray:
    """(n, 4) x, y, w, h in metres as the map can draw them: rows missing or of the wrong
    shape, non-finite or far-off values become an empty rectangle at the origin."""
    try:
        g = np.asarray(geometry, np.float64).reshape(-1, 4)
    except DATA_ERRORS:
        g = np.zeros((0, 4))
    g = np.concatenate([g[:n], np.zeros((max(0, n - len(g)), 4))])
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(g) & (np.abs(g) <= FLOOR_LIMIT_M)).all(axis=1) | (g[:, 2:] < 0).any(
            axis=1)
    g[bad] = 0.0
    return g


def _plan_number(value: object) -> float | None:
    """A coordinate of the site plan in metres; None for what is none."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and abs(value) <= FLOOR_LIMIT_M else None
_DIRECTIONS = {
    Qt.Key.Key_Left: (-1.0, 0.0),
    Qt.Key.Key_Right: (1.0, 0.0),
    Qt.Key.Key_Up: (0.0, -1.0),
    Qt.Key.Key_Down: (0.0, 1.0),
}


class RackMapView(LiveView):
    """Every rack of the site on its floor plan, coloured by the chosen overlay.

    Signals: ``rackActivated(str)`` on click or Enter, ``rackSelected(str)`` when the
    keyboard/mouse selection moves ('' when cleared), ``noDataChanged(int)`` with the
    number of racks shown as "no data", ``overlayChanged(str)``, ``jobActivated(int)``
    when a job is activated in the rack detail (see :class:`RackDetail`),
    ``maintenanceRequested(str)`` with a GPU's uuid from the rack detail.
    """

    kinds = ("racks", "gpus")
    title = "Rack map"

    rackActivated = Signal(str)
    rackSelected = Signal(str)
    maintenanceRequested = Signal(str)
    noDataChanged = Signal(int)
    overlayChanged = Signal(str)
    jobActivated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumSize(320, 240)
        self.setAutoFillBackground(False)
        self.telemetry: RackTelemetry | None = None
        self._overlay: Overlay = OVERLAYS["inlet"]
        self._auto_overlay = True
        """Until an overlay is chosen, the first telemetry may switch from an overlay the site
        does not collect (a stock site has no inlet sensors) to the first one it does."""
        self._not_collected = False
        self._geom = np.zeros((0, 4))
        self._hits = HitGrid(self._geom)
        self._centres = np.zeros((0, 2))
        self._rects_m: list[QRectF] = []
        self._hall_rects: list[tuple[QRectF, str]] = []
        self._row_labels: list[tuple[QPointF, str]] = []
        self._values = np.zeros(0, np.float32)
        self._bucket_rects: list[list[QRectF]] = []
        self._nodata_rects: list[QRectF] = []
        self._no_data = 0
        self._highlight: list[QRectF] = []
        self._highlight_ids: tuple[str, ...] = ()
        self._selected = -1
        self._scale = 1.0
        self._offset = QPointF(0.0, 0.0)
        self._fitted = True
        self._press: QPointF | None = None
        self._dragged = False
        self._hover = -1
        self.last_tooltip = ""
        self.detail: RackDetail | None = None
        self.overlay_box = QComboBox(self)
        for o in OVERLAYS.values():
            self.overlay_box.addItem(f"{o.key}  {o.title}", o.name)
        self.overlay_box.setCurrentIndex(list(OVERLAYS).index(self._overlay.name))
        self.overlay_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.overlay_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.overlay_box.currentIndexChanged.connect(
            lambda i: self.set_overlay(self.overlay_box.itemData(i)))
        self.overlay_box.move(8, 8)

    # -- public API ----------------------------------------------------------------------
    @staticmethod
    def overlays() -> tuple[str, ...]:
        """Names of the overlays, in menu order."""
        return tuple(OVERLAYS)

    @property
    def overlay(self) -> str:
        """Name of the overlay shown."""
        return self._overlay.name

    def set_overlay(self, name: str) -> None:
        """Colour the racks by overlay ``name`` (one of :meth:`overlays`)."""
        if name not in OVERLAYS:
            raise ValueError(f"unknown overlay {name!r}; choose one of {', '.join(OVERLAYS)}")
        self._auto_overlay = False
        self._switch_overlay(name)

    def _switch_overlay(self, name: str) -> None:
        if name == self._overlay.name:
            return
        self._overlay = OVERLAYS[name]
        self.overlay_box.blockSignals(True)
        self.overlay_box.setCurrentIndex(list(OVERLAYS).index(name))
        self.overlay_box.blockSignals(False)
        self._rebucket()
        self.overlayChanged.emit(name)
        self.update()

    @property
    def no_data_count(self) -> int:
        """Racks shown as "no data" under the current overlay."""
        return self._no_data

    @property
    def unknown_rack_ids(self) -> tuple[str, ...]:
        """Racks the telemetry named that the topology does not know."""
        return self.telemetry.unknown_ids if self.telemetry is not None else ()

    def selected_rack(self) -> str:
        """Id of the selected rack, '' when none."""
        return self._rack_id(self._selected)

    def select_rack(self, rack_id: str, centre: bool = True) -> bool:
        """Select ``rack_id`` and centre it (zooming in if the map is zoomed out)."""
        i = self.topology.rack_index.get(rack_id, -1) if self.topology is not None else -1
        if i < 0:
            return False
        self._set_selected(i)
        if centre:
            self._centre_on(i, min_scale=ROW_LABEL_MIN_SCALE)
        return True

    def clear_selection(self) -> None:
        """Clear the selected rack and the highlighted racks."""
        self._set_selected(-1)
        self.highlight_racks(())

    def highlight_racks(self, rack_ids: tuple[str, ...] | list[str]) -> None:
        """Outline these racks (e.g. those of the selected job); unknown ids are ignored."""
        self._highlight_ids = tuple(rack_ids)
        index = self.topology.rack_index if self.topology is not None else {}
        self._highlight = [self._rects_m[index[r]] for r in self._highlight_ids if r in index]
        self.update()

    def rack_rect(self, rack_id: str) -> QRectF:
        """The rack's rectangle in widget pixels (empty when unknown)."""
        i = self.topology.rack_index.get(rack_id, -1) if self.topology is not None else -1
        return self._transform().mapRect(self._rects_m[i]) if i >= 0 else QRectF()

    def rack_at(self, pos: QPointF | QPoint) -> str:
        """Id of the rack under widget position ``pos``; '' when none."""
        return self._rack_id(self._hit(QPointF(pos)))

    def value_of(self, rack_id: str) -> float:
        """The current overlay's figure for a rack (NaN = no data)."""
        i = self.topology.rack_index.get(rack_id, -1) if self.topology is not None else -1
        return float(self._values[i]) if 0 <= i < len(self._values) else math.nan

    def tooltip_text(self, rack_id: str) -> str:
        """Rich-text tooltip of a rack: its figures and their age (ids HTML-escaped)."""
        i = self.topology.rack_index.get(rack_id, -1) if self.topology is not None else -1
        return self._tooltip(i) if i >= 0 else ""

    def hover_at(self, pos: QPointF | QPoint) -> str:
        """Hit test ``pos`` and show (or hide) the tooltip; returns the tooltip text."""
        i = self._hit(QPointF(pos))
        self._hover = i
        if i < 0:
            self.last_tooltip = ""
            QToolTip.hideText()
            return ""
        text = self._tooltip(i)
        self.last_tooltip = text
        if QGuiApplication.platformName() != "offscreen":  # no screen to show it on
            QToolTip.showText(self.mapToGlobal(QPointF(pos).toPoint()), text, self)
        return text

    def fit(self) -> None:
        """Zoom and pan so the whole site fits."""
        if self.topology is None or not len(self._geom):
            return
        x0, y0 = self._geom[:, 0].min(), self._geom[:, 1].min()
        x1 = (self._geom[:, 0] + self._geom[:, 2]).max()
        y1 = (self._geom[:, 1] + self._geom[:, 3]).max()
        for rect, _ in self._hall_rects:
            x0, y0 = min(x0, rect.left()), min(y0, rect.top())
            x1, y1 = max(x1, rect.right()), max(y1, rect.bottom())
        # Leave room above the top halls for their names.
        area = self._map_area().adjusted(0, self.fontMetrics().height() + 8, 0, 0)
        s = min(area.width() / max(x1 - x0, 1e-6), area.height() / max(y1 - y0, 1e-6))
        self._scale = max(s, 1e-3)
        self._offset = QPointF(area.center().x() - (x0 + x1) / 2 * s,
                               area.center().y() - (y0 + y1) / 2 * s)
        self._fitted = True
        self.update()

    def zoom(self, factor: float, around: QPointF | None = None) -> None:
        """Zoom by ``factor`` keeping the point ``around`` (widget pixels) still."""
        around = QPointF(self.width() / 2, self.height() / 2) if around is None else around
        mx = (around.x() - self._offset.x()) / self._scale
        my = (around.y() - self._offset.y()) / self._scale
        self._scale = min(max(self._scale * factor, 0.5), 400.0)
        self._offset = QPointF(around.x() - mx * self._scale, around.y() - my * self._scale)
        self._fitted = False
        self.update()

    @property
    def scale(self) -> float:
        """Pixels per metre."""
        return self._scale

    def _rack_detail(self) -> RackDetail:
        if self.detail is None:
            self.detail = RackDetail(self)
            self.detail.hide()
            self.detail.backRequested.connect(self.hide_detail)
            self.detail.jobActivated.connect(self.jobActivated)
            self.detail.maintenanceRequested.connect(self.maintenanceRequested)
        return self.detail

    def select_gpu(self, uuid: str, rack_id: str = "") -> bool:
        """Select a GPU in the rack detail, now or when ``rack_id``'s detail arrives."""
        return self._rack_detail().select_gpu(uuid, rack_id)

    def show_detail(self, detail: RackDetailSnapshot) -> None:
        """Show one rack in depth over the map (Esc or Back returns to the map)."""
        self.detail = self._rack_detail()
        self.detail.show_detail(detail)
        self.detail.setGeometry(self.rect())
        self.detail.show()
        self.detail.raise_()
        if self.detail.arrived_with_gpu:  # asked for from an alarm: keys act on the GPU
            self.detail.gpu_table.setFocus(Qt.FocusReason.OtherFocusReason)
        elif not self.detail.isAncestorOf(QApplication.focusWidget()):
            self.detail.setFocus()
        rid = self.detail.rack_id
        if self.topology is not None and rid in self.topology.rack_index:
            self._set_selected(self.topology.rack_index[rid])

    def hide_detail(self) -> None:
        """Return from the rack detail to the map."""
        if self.detail is not None:
            self.detail.hide()
        self.setFocus()

    # -- data in -------------------------------------------------------------------------
    def set_topology(self, topology: SiteTopology) -> None:
        """Take a (new) site layout; telemetry of the old layout is dropped."""
        selected = self.selected_rack()
        self.topology = topology
        g = floor_geometry(topology.geometry, topology.n_racks)
        self._geom = g
        self._hits = HitGrid(g)
        self._centres = np.column_stack((g[:, 0] + g[:, 2] / 2, g[:, 1] + g[:, 3] / 2))
        inset = np.minimum(RACK_INSET_M, g[:, 2:] * 0.1)
        self._rects_m = [
            QRectF(x + ix, y + iy, w - 2 * ix, h - 2 * iy)
            for (x, y, w, h), (ix, iy) in zip(g.tolist(), inset.tolist(), strict=True)
        ]
        self._hall_rects = []
        for h in topology.halls:
            box = [_plan_number(h.get(k)) for k in ("x", "y", "w", "h")]
            if all(v is not None for v in box):
                x, y, w, hh = box  # type: ignore[misc]
                name = cell(h.get("name", h.get("id", "")), 40)
                self._hall_rects.append(
                    (QRectF(x, y, w, hh), f"{name} · {cell(h.get('gpu_model', ''), 30)}"))
        self._row_labels = []
        for r in topology.rows:
            x, y, hh = (_plan_number(r.get(k)) for k in ("x", "y", "h"))
            if x is not None and y is not None and hh is not None and "id" in r:
                self._row_labels.append((QPointF(x, y + hh / 2), cell(r["id"], 20)))
        if self.telemetry is not None and self._telemetry_len() != topology.n_racks:
            self.telemetry = None
        self._selected = topology.rack_index.get(selected, -1) if selected else -1
        self.highlight_racks(self._highlight_ids)
        self._rebucket()
        self.fit()
        super().set_topology(topology)

    def set_data_age(self, age: float | None, stale: bool) -> None:
        """Take the data age; repaint when the age shown in the legend changes."""
        shown = format_age(self.data_age)
        super().set_data_age(age, stale)
        if format_age(age) != shown:
            self.mark_dirty()

    def set_detail_history(self, history: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
        """Pass cached history ``{field: (t, values)}`` to the rack detail's sparklines."""
        if self.detail is not None:
            self.detail.set_history(history)

    def on_snapshot(self, snapshot: Snapshot) -> None:
        """Keep the rack telemetry; bucket it for the current overlay."""
        if isinstance(snapshot, RackTelemetry):
            self.telemetry = snapshot
            self._rebucket()
            if self._auto_overlay and self._not_collected:
                self._auto_overlay = False
                for name, overlay in OVERLAYS.items():
                    values = overlay.values(self.telemetry, self.topology)
                    if len(values) and np.isfinite(values).any():
                        self._switch_overlay(name)
                        break
            elif self._auto_overlay and self._reporting():
                self._auto_overlay = False

    def _reporting(self) -> bool:
        """Whether the telemetry in use covers any rack at all."""
        t = self.telemetry
        try:
            return (t is not None and self.topology is not None
                    and self._telemetry_len() == self.topology.n_racks
                    and t.n_missing < self.topology.n_racks)
        except DATA_ERRORS:  # a missing mask it cannot count
            return False

    @property
    def overlay_not_collected(self) -> bool:
        """True when racks report but none has the current overlay's figure (the site
        does not collect it: no per-rack inlet sensors on a stock site)."""
        return self._not_collected

    def redraw(self) -> None:
        """Repaint from the stored buckets."""
        self.update()

    # -- internals -----------------------------------------------------------------------
    def _telemetry_len(self) -> int:
        t = self.telemetry
        try:
            return len(t.missing) if t is not None else 0
        except TypeError:  # no mask at all: telemetry of no use
            return -1

    def _rack_id(self, i: int) -> str:
        if self.topology is None or not 0 <= i < self.topology.n_racks:
            return ""
        return cell(self.topology.racks[i].get("id", ""))

    def _rebucket(self) -> None:
        if self.topology is None:
            return
        telemetry = self.telemetry
        if telemetry is not None and self._telemetry_len() != self.topology.n_racks:
            telemetry = None
        self._values = self._overlay.values(telemetry, self.topology)
        buckets = self._overlay.buckets(self._values)
        rects = self._rects_m
        order = np.argsort(buckets, kind="stable")
        sorted_b = buckets[order]
        bounds = np.searchsorted(sorted_b, np.arange(-1, len(self._overlay.colours) + 1))
        idx = order.tolist()
        self._nodata_rects = [rects[i] for i in idx[bounds[0]:bounds[1]]]
        self._bucket_rects = [
            [rects[i] for i in idx[bounds[b + 1]:bounds[b + 2]]]
            for b in range(len(self._overlay.colours))
        ]
        no_data = len(self._nodata_rects)
        self._not_collected = bool(
            self._reporting() and len(self._values) and not np.isfinite(self._values).any())
        if no_data != self._no_data:
            self._no_data = no_data
            self.noDataChanged.emit(no_data)

    def _map_area(self) -> QRectF:
        legend = LEGEND_W + 16 if self.width() > 3 * LEGEND_W else 0
        top = self.overlay_box.height() + 16
        return QRectF(8, top, max(10, self.width() - legend - 16), max(10, self.height() - top - 8))

    def _transform(self) -> QTransform:
        return QTransform(self._scale, 0, 0, self._scale, self._offset.x(), self._offset.y())

    def _hit(self, pos: QPointF) -> int:
        mx = (pos.x() - self._offset.x()) / self._scale
        my = (pos.y() - self._offset.y()) / self._scale
        return self._hits.hit(mx, my)

    def _tooltip(self, i: int) -> str:
        assert self.topology is not None
        t = self.telemetry if self._telemetry_len() == self.topology.n_racks else None
        age = self.data_age
        if age is None and self.telemetry is not None:
            age = self.telemetry.age()
        return rack_tooltip(self.topology, t, i, age, self.stale)

    def _set_selected(self, i: int) -> None:
        if i != self._selected:
            self._selected = i
            self.rackSelected.emit(self._rack_id(i))
            self.update()

    def _centre_on(self, i: int, min_scale: float = 0.0) -> None:
        if min_scale and self._scale < min_scale:
            self._scale = min_scale
        cx, cy = self._centres[i]
        area = self._map_area()
        self._offset = QPointF(area.center().x() - cx * self._scale,
                               area.center().y() - cy * self._scale)
        self._fitted = False
        self.update()

    def _ensure_visible(self, i: int) -> None:
        r = self._transform().mapRect(self._rects_m[i])
        if not self._map_area().contains(r):
            self._centre_on(i)

    def _move_selection(self, dx: float, dy: float) -> None:
        if not len(self._centres):
            return
        if self._selected < 0:
            area = self._map_area().center()
            here = np.array([(area.x() - self._offset.x()) / self._scale,
                             (area.y() - self._offset.y()) / self._scale])
            self._set_selected(int(np.argmin(((self._centres - here) ** 2).sum(axis=1))))
            return
        i = nearest_in_direction(self._centres, self._selected, dx, dy)
        if i < 0:
            return
        self._set_selected(i)
        self._ensure_visible(i)

    # -- events --------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.overlay_box.resize(self.overlay_box.sizeHint())
        if self._fitted:
            self.fit()
        if self.detail is not None:
            self.detail.setGeometry(self.rect())

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom(1.25 ** steps, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
            self._dragged = False
        self.setFocus()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            delta = event.position() - self._press
            if self._dragged or abs(delta.x()) + abs(delta.y()) > 4:
                self._dragged = True
                self._offset += delta
                self._press = event.position()
                self._fitted = False
                self.update()
            return
        i = self._hit(event.position())
        if i != self._hover:
            self.hover_at(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self._press is not None:
            if not self._dragged:
                i = self._hit(event.position())
                if i >= 0:
                    self._set_selected(i)
                    self.rackActivated.emit(self._rack_id(i))
            self._press = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._hit(event.position()) < 0:
            self.fit()

    def leaveEvent(self, event: object) -> None:  # noqa: N802
        self._hover = -1
        QToolTip.hideText()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in _DIRECTIONS:
            self._move_selection(*_DIRECTIONS[Qt.Key(key)])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._selected >= 0:
                self.rackActivated.emit(self._rack_id(self._selected))
        elif key == Qt.Key.Key_Escape:
            self.clear_selection()
        elif key == Qt.Key.Key_Home:
            self.fit()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom(0.8)
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_6:
            self.set_overlay(self.overlays()[key - Qt.Key.Key_1])
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), BACKGROUND)
        if self.topology is None:
            p.setPen(TEXT)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Waiting for the site layout…")
            p.end()
            return
        p.setTransform(self._transform())
        paint_racks(p, self._overlay, self._bucket_rects, self._nodata_rects, self._highlight,
                    [r for r, _ in self._hall_rects], self.stale)
        p.resetTransform()
        paint_labels(p, self._transform(), self._hall_rects, self._row_labels,
                     self.font(), self._scale >= ROW_LABEL_MIN_SCALE)
        if self._selected >= 0:
            r = self._transform().mapRect(self._rects_m[self._selected]).adjusted(-3, -3, 3, 3)
            p.setPen(QPen(SELECTION, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(r)
        age = self.data_age
        if age is None and self.telemetry is not None:
            age = self.telemetry.age()
        p.setFont(self.font())
        paint_legend(p, self._overlay, QRectF(self.width() - LEGEND_W - 8, 8, LEGEND_W, 0),
                     self._no_data, age,
                     note="not collected on this site" if self._not_collected else "")
        if self.stale:
            paint_stale(p, self.height(), self.data_age)
        p.end()
