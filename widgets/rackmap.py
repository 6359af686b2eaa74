"""The floor of the whole site at once: every rack coloured by one overlay.

Rack rectangles are kept in metres (from the site plan) and drawn through one
world transform (zoom and pan), grouped by colour bucket with ``drawRects``, so a
repaint of 3,520 racks costs about a millisecond. Normal racks stay grey; colour
means act. Racks without figures are hatched "no data" and counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QCoreApplication, QPoint, QPointF, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
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
    OVERLAYS,
    PRINT,
    SCREEN,
    SELECTION,
    HitGrid,
    Overlay,
    Palette,
    nearest_in_direction,
    rack_tooltip,
    tr_overlay,
)
from widgets.rackmap_paint import (
    HALL_LABEL_PAD,
    LEGEND_PAD,
    LegendItem,
    hall_label_forms,
    legend_items,
    legend_size,
    paint_labels,
    paint_legend,
    paint_racks,
    paint_stale,
)
from widgets.text import cell
from widgets.view import DATA_ERRORS, LiveView, format_age

RACK_INSET_M = 0.05
ROW_LABEL_MIN_SCALE = 14.0  # px per metre from which row labels are drawn
MAX_SCALE = 300.0
"""Closest zoom, in pixels per metre (a 0.6 m rack 180 px wide), unless the whole site fits
larger."""
ZOOM_OUT_MARGIN = 0.8
"""Farthest zoom: the whole site at this fraction of the size that fits the map's area."""
HALL_GAP_PX = 16.0
"""Pixels between neighbouring halls when the map lays them out for its area."""
MARGIN = 8.0
MIN_MAP_W = 120.0
"""Narrowest map beside the legend; a narrower one has the legend under it."""
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


@dataclass(frozen=True, eq=False)
class HallArrangement:
    """Halls placed in a grid of ``cols`` columns for an area: each hall's move from its
    place on the site plan (metres) and the pixels per metre at which the grid fills it."""

    cols: int
    rows: int
    shifts: np.ndarray
    """(n_halls, 2): metres added to each hall's x and y."""
    scale: float


def arrange_halls(boxes: np.ndarray, width: float, height: float, label_px: float,
                  gap_px: float = HALL_GAP_PX) -> HallArrangement:
    """The grid of halls (columns x rows, halls in site order, row by row) whose racks are
    drawn largest in an area of ``width`` x ``height`` pixels, with ``label_px`` above each
    row of halls for their names and ``gap_px`` between halls.

    ``boxes`` is (n, 4) x, y, w, h of each hall in metres. A wide area gets the halls side by
    side, a tall one stacked, a square one a grid near the square root."""
    b = np.asarray(boxes, np.float64).reshape(-1, 4)
    n = len(b)
    if not n:
        return HallArrangement(0, 0, np.zeros((0, 2)), 1.0)
    best: HallArrangement | None = None
    for cols in range(n, 0, -1):
        rows = -(-n // cols)
        col_of, row_of = np.arange(n) % cols, np.arange(n) // cols
        col_w = np.array([b[col_of == c, 2].max() for c in range(cols)])
        row_h = np.array([b[row_of == r, 3].max() for r in range(rows)])
        room_w = width - (cols - 1) * gap_px
        room_h = height - rows * label_px - (rows - 1) * gap_px
        if room_w <= 0 or room_h <= 0:
            continue
        s = min(room_w / max(col_w.sum(), 1e-6), room_h / max(row_h.sum(), 1e-6))
        if best is not None and s <= best.scale * 1.001:
            continue
        gap_m, label_m = gap_px / s, label_px / s
        x = np.concatenate([[0.0], np.cumsum(col_w + gap_m)])[col_of]
        y = np.concatenate([[0.0], np.cumsum(row_h + gap_m + label_m)])[row_of]
        best = HallArrangement(cols, rows, np.column_stack((x - b[:, 0], y - b[:, 1])), s)
    if best is None:  # an area too small for any grid: the halls in one row, as small as need be
        return arrange_halls(b, max(width, n * (gap_px + 1)), max(height, label_px + 1),
                             label_px, gap_px)
    return best


@dataclass(frozen=True)
class MapPanel:
    """Where the map's parts go in its widget: the floor's area, the legend's box (with the
    overlay selector in its head on screen) and whether the legend is one entry a line (beside
    the map) or its entries flowed across (under the map)."""

    area: QRectF
    legend: QRectF
    vertical: bool
_DIRECTIONS = {
    Qt.Key.Key_Left: (-1.0, 0.0),
    Qt.Key.Key_Right: (1.0, 0.0),
    Qt.Key.Key_Up: (0.0, -1.0),
    Qt.Key.Key_Down: (0.0, 1.0),
}


def _rack_rects(g: np.ndarray) -> list[QRectF]:
    """Racks' rectangles (metres), each inset a little so neighbours stay apart."""
    inset = np.minimum(RACK_INSET_M, g[:, 2:] * 0.1)
    return [QRectF(x + ix, y + iy, w - 2 * ix, h - 2 * iy)
            for (x, y, w, h), (ix, iy) in zip(g.tolist(), inset.tolist(), strict=True)]


def _fit_transform(geom: np.ndarray, halls: list[tuple[QRectF, tuple[str, ...]]], area: QRectF,
                   label_px: float) -> tuple[float, QPointF]:
    """Pixels per metre and offset that centre every rack and hall in ``area``, with
    ``label_px`` left above the top for the halls' names."""
    x0, y0 = geom[:, 0].min(), geom[:, 1].min()
    x1 = (geom[:, 0] + geom[:, 2]).max()
    y1 = (geom[:, 1] + geom[:, 3]).max()
    for rect, _ in halls:
        x0, y0 = min(x0, rect.left()), min(y0, rect.top())
        x1, y1 = max(x1, rect.right()), max(y1, rect.bottom())
    room = area.adjusted(1, label_px, -2, -2)  # the outlines' pixels inside the area too
    s = max(min(room.width() / max(x1 - x0, 1e-6), room.height() / max(y1 - y0, 1e-6)), 1e-3)
    return s, QPointF(room.center().x() - (x0 + x1) / 2 * s, room.center().y() - (y0 + y1) / 2 * s)


def _bold(font: QFont) -> QFont:
    out = QFont(font)
    out.setBold(True)
    return out


def _tr(text: str) -> str:
    return QCoreApplication.translate("RackMapView", text)


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
        # The floor plan is geometry: never mirrored in a right-to-left (Arabic) layout.
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.telemetry: RackTelemetry | None = None
        self._overlay: Overlay = OVERLAYS["inlet"]
        self._auto_overlay = True
        """Until an overlay is chosen, the first telemetry may switch from an overlay the site
        does not collect (a stock site has no inlet sensors) to the first one it does."""
        self._not_collected = False
        self._plan = np.zeros((0, 4))
        """Racks' x, y, w, h on the site plan (metres)."""
        self._hall_boxes = np.zeros((0, 4))
        """x, y, w, h of each hall the plan places (metres)."""
        self._hall_forms: list[tuple[str, ...]] = []
        self._rack_hall = np.zeros(0, np.int64)
        """Each rack's index into ``_hall_boxes``."""
        self._row_plan: list[tuple[float, float, int, str]] = []
        """Row labels: x, y on the plan, index into ``_hall_boxes`` (-1: none), id."""
        self._arrangeable = False
        """Every rack stands in a hall the plan places: the halls can be laid out anew."""
        self._shifts = np.zeros((0, 2))
        self._geom = np.zeros((0, 4))
        """Racks' x, y, w, h as drawn: the plan with each hall moved to its place in the grid."""
        self._hits: HitGrid | None = None  # made at the first hit test of a layout
        self._centres = np.zeros((0, 2))
        self._rects_cache: list[QRectF] | None = []
        self._hall_rects: list[tuple[QRectF, tuple[str, ...]]] = []
        self._row_labels: list[tuple[QPointF, str]] = []
        self._arrangement: HallArrangement | None = None
        self._fit_scale = 1.0
        self._panel = MapPanel(QRectF(), QRectF(), True)
        self._panel_key: tuple[object, ...] | None = None
        self._values = np.zeros(0, np.float32)
        self._bucket_rects: list[list[QRectF]] = []
        self._nodata_rects: list[QRectF] = []
        self._bucketed: tuple[object, list[QRectF], np.ndarray] | None = None
        """(overlay, rack rectangles, buckets) the bucket lists were last made from."""
        self._layer: QImage | None = None
        """The floor (ground, halls, racks) as last drawn: repainted only when its inputs
        change (a new frame whose racks fall in the same colours draws this image)."""
        self._layer_key: tuple[object, ...] = ()
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
        self._shows_tooltips: bool | None = None
        """Whether tooltips are shown (not on the offscreen platform), asked at the first."""
        self.last_tooltip = ""
        self.detail: RackDetail | None = None
        self.overlay_box = QComboBox(self)
        for o in OVERLAYS.values():
            self.overlay_box.addItem(f"{o.key}  {tr_overlay(o.title)}", o.name)
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

    def external_figure_changed(self, name: str) -> None:
        """An overlay computed elsewhere (:data:`EXTERNAL_OVERLAYS`) has a new figure:
        colour by it now when it is the one shown."""
        if name == self._overlay.name:
            self._rebucket()
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
        if self._shows_tooltips is None:  # no screen to show it on offscreen
            self._shows_tooltips = QGuiApplication.platformName() != "offscreen"
        if self._shows_tooltips:
            QToolTip.showText(self.mapToGlobal(QPointF(pos).toPoint()), text, self)
        return text

    def fit(self) -> None:
        """Lay the halls out for the map's area and zoom and pan so the whole site fits."""
        if self.topology is None or not len(self._geom):
            return
        area = self._map_area()
        label_px = self._label_px(self.fontMetrics())
        if self._arrangeable:
            arrangement = arrange_halls(self._hall_boxes, area.width(), area.height(), label_px)
            old, self._arrangement = self._arrangement, arrangement
            if old is None or old.shifts.shape != arrangement.shifts.shape or not np.allclose(
                    old.shifts, arrangement.shifts, rtol=0.0, atol=1e-3):
                self._lay_out(arrangement.shifts)
        s, offset = _fit_transform(self._geom, self._hall_rects, area, label_px)
        self._scale = self._fit_scale = s
        self._offset = offset
        self._fitted = True
        self.update()

    def zoom(self, factor: float, around: QPointF | None = None) -> None:
        """Zoom by ``factor`` keeping the point ``around`` (widget pixels) still, no farther
        out than the whole site with a margin (:data:`ZOOM_OUT_MARGIN`), no closer than
        :data:`MAX_SCALE`."""
        around = self._map_area().center() if around is None else around
        mx = (around.x() - self._offset.x()) / self._scale
        my = (around.y() - self._offset.y()) / self._scale
        lo, hi = self.zoom_bounds()
        self._scale = min(max(self._scale * factor, lo), hi)
        self._offset = QPointF(around.x() - mx * self._scale, around.y() - my * self._scale)
        self._fitted = False
        self.update()

    def zoom_bounds(self) -> tuple[float, float]:
        """Farthest and closest zoom in pixels per metre: the whole site at
        :data:`ZOOM_OUT_MARGIN` of its fitted size, and :data:`MAX_SCALE` (or the fitted size
        when a small site fits larger)."""
        fit = self._fit_scale
        return fit * ZOOM_OUT_MARGIN, max(MAX_SCALE, fit)

    @property
    def fitted(self) -> bool:
        """Whether the map shows the whole site as laid out for its area (no zoom or pan
        since): a resize then fits again."""
        return self._fitted

    @property
    def hall_grid(self) -> tuple[int, int]:
        """Columns and rows of halls the map lays out ((0, 0) when it draws the plan as is:
        a rack outside every hall the plan places)."""
        a = self._arrangement
        return (a.cols, a.rows) if a is not None and self._arrangeable else (0, 0)

    def hall_labels(self) -> list[str]:
        """The hall names as drawn now (one form for every hall)."""
        from widgets.rackmap_paint import uniform_hall_labels

        fm = QFontMetricsF(_bold(self.font()))
        return [label for _, label in uniform_hall_labels(fm, self._hall_rects,
                                                         self._transform())]

    def map_area(self) -> QRectF:
        """The widget's part the floor is drawn in (the legend beside or under it)."""
        return QRectF(self._map_area())

    def legend_rect(self) -> QRectF:
        """The legend's box in widget pixels (the overlay selector in its head)."""
        return QRectF(self._panel.legend)

    def drawn_rack_rects(self) -> list[QRectF]:
        """Each rack's rectangle as drawn now, in widget pixels, cut to the map's area
        (empty: not drawn)."""
        tr, area = self._transform(), self._map_area()
        return [tr.mapRect(r).intersected(area) for r in self._rects_m]

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
    @property
    def _rects_m(self) -> list[QRectF]:
        """The racks' rectangles in metres for the current layout."""
        if self._rects_cache is None:
            self._rects_cache = _rack_rects(self._geom)
        return self._rects_cache

    def set_topology(self, topology: SiteTopology) -> None:
        """Take a (new) site layout; telemetry of the old layout is dropped."""
        selected = self.selected_rack()
        self.topology = topology
        self._plan = floor_geometry(topology.geometry, topology.n_racks)
        self._read_halls(topology)
        if self.telemetry is not None and self._telemetry_len() != topology.n_racks:
            self.telemetry = None
        self._selected = topology.rack_index.get(selected, -1) if selected else -1
        # Laid out once, as arranged for the map's area (highlights and buckets with it):
        # fit() then finds the arrangement unchanged and only zooms and pans.
        self._arrangement = None
        shifts = np.zeros((len(self._hall_boxes), 2))
        if self._arrangeable:
            area = self._map_area()
            self._arrangement = arrange_halls(self._hall_boxes, area.width(), area.height(),
                                              self._label_px(self.fontMetrics()))
            shifts = self._arrangement.shifts
        self._lay_out(shifts)
        self.fit()
        super().set_topology(topology)

    def _read_halls(self, topology: SiteTopology) -> None:
        """The halls the plan places (boxes, label forms), each rack's and row's hall."""
        boxes, forms, slot_of = [], [], {}
        for k, h in enumerate(topology.halls):
            box = [_plan_number(h.get(key)) for key in ("x", "y", "w", "h")]
            if all(v is not None for v in box) and box[2] >= 0 and box[3] >= 0:  # type: ignore[operator]
                slot_of[k] = len(boxes)
                boxes.append(box)
                forms.append(hall_label_forms(h))
        self._hall_boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
        self._hall_forms = forms
        n = topology.n_racks
        lookup = np.full(len(topology.halls) + 1, -1, np.int64)  # the last: any other index
        for k, slot in slot_of.items():
            lookup[k] = slot
        try:
            index = np.asarray(topology.hall_index, np.int64).reshape(-1)
            ok = len(index) == n
        except DATA_ERRORS:
            index, ok = np.zeros(0, np.int64), False
        if ok:
            index = np.where((index >= 0) & (index < len(topology.halls)), index, -1)
            self._rack_hall = lookup[index]
        else:
            self._rack_hall = np.full(n, -1, np.int64)
        self._arrangeable = bool(len(boxes)) and bool((self._rack_hall >= 0).all())
        hall_ids = {cell(h.get("id", "")): slot_of.get(k, -1)
                    for k, h in enumerate(topology.halls)}
        self._row_plan = []
        for r in topology.rows:
            x, y, hh = (_plan_number(r.get(k)) for k in ("x", "y", "h"))
            if x is not None and y is not None and hh is not None and "id" in r:
                slot = hall_ids.get(cell(r.get("hall", "")), -1)
                self._row_plan.append((x, y + hh / 2, slot, cell(r["id"], 20)))

    def _arranged(self, shifts: np.ndarray) -> tuple[
            np.ndarray, list[tuple[QRectF, tuple[str, ...]]], list[tuple[QPointF, str]]]:
        """Racks' geometry, halls' rectangles and labels, and row labels with each hall
        moved by its shift (metres)."""
        g = self._plan.copy()
        if self._arrangeable and len(g):
            g[:, :2] += shifts[self._rack_hall]
        halls = [(QRectF(x + dx, y + dy, w, h), forms) for (x, y, w, h), (dx, dy), forms in
                 zip(self._hall_boxes.tolist(), shifts.tolist(), self._hall_forms, strict=True)]
        rows = []
        for x, y, slot, label in self._row_plan:
            dx, dy = shifts[slot] if self._arrangeable and slot >= 0 else (0.0, 0.0)
            if self._arrangeable and slot < 0:
                continue  # a row of no hall the plan places: nowhere to put its name
            rows.append((QPointF(x + dx, y + dy), label))
        return g, halls, rows

    def _lay_out(self, shifts: np.ndarray) -> None:
        """Place the racks, halls and row labels with each hall moved by ``shifts``."""
        self._shifts = shifts
        g, self._hall_rects, self._row_labels = self._arranged(shifts)
        self._geom = g
        self._hits = None
        self._centres = np.column_stack((g[:, 0] + g[:, 2] / 2, g[:, 1] + g[:, 3] / 2))
        self._rects_cache = None  # made when first drawn (a new layout is laid out twice)
        if self.topology is not None:
            self.highlight_racks(self._highlight_ids)
            self._rebucket()

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
        last = self._bucketed
        if (last is not None and last[0] is self._overlay and last[1] is rects
                and np.array_equal(last[2], buckets)):
            self._note_no_data()  # every rack in the colour it had: the lists stand
            return
        self._bucketed = (self._overlay, rects, buckets)
        order = np.argsort(buckets, kind="stable")
        sorted_b = buckets[order]
        bounds = np.searchsorted(sorted_b, np.arange(-1, len(self._overlay.colours) + 1))
        idx = order.tolist()
        self._nodata_rects = [rects[i] for i in idx[bounds[0]:bounds[1]]]
        self._bucket_rects = [
            [rects[i] for i in idx[bounds[b + 1]:bounds[b + 2]]]
            for b in range(len(self._overlay.colours))
        ]
        self._note_no_data()

    def _note_no_data(self) -> None:
        no_data = len(self._nodata_rects)
        self._not_collected = bool(
            self._reporting() and len(self._values) and not np.isfinite(self._values).any())
        if no_data != self._no_data:
            self._no_data = no_data
            self.noDataChanged.emit(no_data)

    def _map_area(self) -> QRectF:
        key = (self.width(), self.height(), self._overlay.name, self.font().key())
        if key != self._panel_key:
            self._panel_key = key
            hint = self.overlay_box.sizeHint()
            head = QSizeF(max(40, min(hint.width(), self.width() - 4 * MARGIN)), hint.height())
            self._panel = self.panel_for(QRectF(self.rect()), QFontMetricsF(self.font()), head)
            legend = self._panel.legend
            self.overlay_box.setGeometry(int(legend.left() + LEGEND_PAD),
                                         int(legend.top() + LEGEND_PAD),
                                         int(head.width()), int(head.height()))
        return self._panel.area

    def panel_for(self, rect: QRectF, fm: QFontMetricsF, head: QSizeF | None = None,
                  title: bool = False) -> MapPanel:
        """The floor's area and the legend's box in ``rect``: the legend beside the map (one
        entry a line) or under it (entries side by side), whichever draws the racks larger;
        ``head`` is room in the legend for the overlay selector."""
        items = self._reserved_items()
        m = MARGIN
        side = legend_size(fm, self._overlay, items, None, title, head)
        side_box = QRectF(rect.right() + 1 - m - side.width(), rect.top() + m, side.width(),
                          side.height())
        side_area = QRectF(rect.left() + m, rect.top() + m,
                           side_box.left() - m - rect.left() - m, rect.height() - 2 * m)
        width = rect.width() - 2 * m
        under = legend_size(fm, self._overlay, items, width, title, head)
        under_box = QRectF(rect.left() + m, rect.bottom() + 1 - m - under.height(), width,
                           under.height())
        under_area = QRectF(rect.left() + m, rect.top() + m, width,
                            under_box.top() - m - rect.top() - m)
        label_px = self._label_px(fm)
        candidates = [(self._fit_score(under_area, label_px), 0,
                       MapPanel(under_area, under_box, False))]
        if side_area.width() >= MIN_MAP_W:
            candidates.append((self._fit_score(side_area, label_px), 1,
                               MapPanel(side_area, side_box, True)))
        panel = max(candidates, key=lambda c: (c[0], c[1]))[2]
        if panel.area.height() < 10 or panel.area.width() < 10:
            area = QRectF(panel.area.topLeft(), QSizeF(max(10.0, panel.area.width()),
                                                       max(10.0, panel.area.height())))
            panel = MapPanel(area, panel.legend, panel.vertical)
        return panel

    def _reserved_items(self) -> list[LegendItem]:
        """The legend's entries at their widest (the largest count, an age, the note), so
        the legend's box keeps its size as figures come and go."""
        return legend_items(self._overlay, 88_888, 3599.0, QCoreApplication.translate("RackMapView", "not collected on this site"))

    @staticmethod
    def _label_px(fm: QFontMetricsF | object) -> float:
        """Pixels above a row of halls for their names."""
        return float(fm.height()) + HALL_LABEL_PAD  # type: ignore[attr-defined]

    def _fit_score(self, area: QRectF, label_px: float) -> float:
        """Pixels per metre at which the site fits ``area`` (its halls laid out for it)."""
        if area.width() <= 0 or area.height() <= label_px:
            return 0.0
        if self._arrangeable:
            return arrange_halls(self._hall_boxes, area.width(), area.height(), label_px).scale
        if not len(self._geom):
            return area.width() * area.height()
        return _fit_transform(self._geom, self._hall_rects, area, label_px)[0]

    def _transform(self) -> QTransform:
        return QTransform(self._scale, 0, 0, self._scale, self._offset.x(), self._offset.y())

    def _hit(self, pos: QPointF) -> int:
        mx = (pos.x() - self._offset.x()) / self._scale
        my = (pos.y() - self._offset.y()) / self._scale
        if self._hits is None:
            self._hits = HitGrid(self._geom)
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
            self._scale = min(min_scale, self.zoom_bounds()[1])
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
        area = self._map_area()  # places the legend and the overlay selector
        if self._fitted:
            self.fit()
        elif self.topology is not None and len(self._geom):  # the user's view kept; bounds anew
            self._fit_scale = _fit_transform(self._geom, self._hall_rects, area,
                                             self._label_px(self.fontMetrics()))[0]
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
        p.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # labels read left to right
        p.fillRect(self.rect(), SCREEN.background)
        if self.topology is None:
            p.setPen(SCREEN.text)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                       QCoreApplication.translate("RackMapView", "Waiting for the site layout…"))
            p.end()
            return
        area = self._map_area()
        tr = self._transform()
        p.drawImage(0, 0, self._floor_layer(area, tr))
        p.setClipRect(area)  # the floor never runs under the legend
        paint_labels(p, tr, self._hall_rects, self._row_labels,
                     self.font(), self._scale >= ROW_LABEL_MIN_SCALE)
        if self._selected >= 0:
            r = tr.mapRect(self._rects_m[self._selected]).adjusted(-3, -3, 3, 3)
            p.setPen(QPen(SELECTION, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(r)
        p.setClipping(False)
        p.setFont(self.font())
        self._paint_legend(p, self._panel, SCREEN, QSizeF(self.overlay_box.size()), title=False)
        if self.stale:
            paint_stale(p, area, self.data_age)
        p.end()

    def _floor_layer(self, area: QRectF, tr: QTransform) -> QImage:
        """The ground and the floor (halls, racks in their colours, highlights) as drawn on
        the widget, from the last paint when nothing it shows changed."""
        dpr = self.devicePixelRatioF()
        key = (self._bucket_rects, self._nodata_rects, self._highlight, self._hall_rects,
               self._overlay, self.stale, tr, area, self.size(), dpr)
        if self._layer is not None and len(key) == len(self._layer_key) and all(
                a is b or (not isinstance(a, list) and a == b)
                for a, b in zip(key, self._layer_key, strict=True)):
            return self._layer
        size = self.size()
        layer = QImage(max(1, round(size.width() * dpr)), max(1, round(size.height() * dpr)),
                       QImage.Format.Format_ARGB32_Premultiplied)
        layer.setDevicePixelRatio(dpr)
        p = QPainter(layer)
        p.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        p.fillRect(self.rect(), SCREEN.background)
        p.setClipRect(area)  # the floor never runs under the legend
        p.setTransform(tr)
        paint_racks(p, self._overlay, self._bucket_rects, self._nodata_rects, self._highlight,
                    [r for r, _ in self._hall_rects], self.stale)
        p.end()
        self._layer, self._layer_key = layer, key
        return layer

    def _paint_legend(self, p: QPainter, panel: MapPanel, palette: Palette,
                      head: QSizeF | None, title: bool) -> None:
        age = self.data_age
        if age is None and self.telemetry is not None:
            age = self.telemetry.age()
        items = legend_items(self._overlay, self._no_data, age,
                             QCoreApplication.translate("RackMapView", "not collected on this site") if self._not_collected else "")
        paint_legend(p, self._overlay, panel.legend, items, panel.vertical, title, palette,
                     head)

    def render_print(self, p: QPainter, rect: QRectF, font: QFont | None = None) -> MapPanel:
        """Draw the whole site on paper in ``rect`` of the painter ``p``: white ground, the
        halls laid out for the rect, the legend (with the overlay's title) beside or under
        the map; no selector, selection or hover. Returns where the parts went."""
        p.save()
        if font is not None:
            p.setFont(font)
        fm = QFontMetricsF(p.font())
        p.fillRect(rect, PRINT.background)
        panel = self.panel_for(rect, fm, None, title=True)
        if self.topology is None or not len(self._plan):
            p.setPen(PRINT.text)
            p.drawText(panel.area, Qt.AlignmentFlag.AlignCenter, QCoreApplication.translate("RackMapView", "No site layout"))
            p.restore()
            return panel
        label_px = self._label_px(fm)
        shifts = (arrange_halls(self._hall_boxes, panel.area.width(), panel.area.height(),
                                label_px).shifts if self._arrangeable else self._shifts)
        geom, halls, rows = self._arranged(shifts)
        scale, offset = _fit_transform(geom, halls, panel.area, label_px)
        rects = _rack_rects(geom)
        buckets = self._overlay.buckets(self._values)
        nodata = [rects[i] for i in np.flatnonzero(buckets < 0).tolist()]
        by_bucket = [[rects[i] for i in np.flatnonzero(buckets == b).tolist()]
                     for b in range(len(self._overlay.colours))]
        tr = QTransform(scale, 0, 0, scale, offset.x(), offset.y())
        base = QFont(p.font())
        p.setClipRect(panel.area)
        p.save()
        p.setTransform(tr, True)
        paint_racks(p, self._overlay, by_bucket, nodata, [], [r for r, _ in halls], self.stale,
                    PRINT)
        p.restore()
        paint_labels(p, tr, halls, rows, base, scale >= ROW_LABEL_MIN_SCALE, PRINT)
        p.setClipping(False)
        p.setFont(base)
        self._paint_legend(p, panel, PRINT, None, title=True)
        if self.stale:
            paint_stale(p, panel.area, self.data_age)
        p.restore()
        return panel
