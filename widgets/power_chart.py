"""Site power against renewable supply, on one time axis in site local time.

Top plot: supply stacked by source (solar, wind, battery discharge, grid import)
as filled areas, facility and IT load as lines, battery charge and curtailment
below zero, the 386 MW envelope as a dashed line. Below, on the same x axis:
renewable share (%), PUE, carbon intensity (gCO2/kWh). KPI tiles give now, shift
average and shift peak. Missing polls are NaN and drawn as gaps; absurd values
are rejected (NaN), counted and announced, never drawn.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QDateTime,
    QEvent,
    QObject,
    QPointF,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPen, QPixmapCache, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QDateTimeEdit,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QGraphicsWidget,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.contract import DEFAULT_CAPACITY_MW, DEFAULT_SITE_TZ, POWER_FIELDS
from console.forecast import RENEWABLE, ForecastSnapshot
from console.i18n import strftime
from console.model import PowerSeries, SiteTopology, Snapshot, frozen
from console.power import (
    append_series,
    flag_absurd,
    shift_kpis,
    shift_name,
    with_gaps,
)
from widgets.forecast_band import ForecastBand
from widgets.text import cell, figure, plain_tooltip
from widgets.time_axis import SiteTimeAxis
from widgets.view import DATA_ERRORS, LineBox, LiveView, SiteClock, follow_lines, format_age

log = logging.getLogger(__name__)

HOUR, DAY = 3600.0, 86400.0
HISTORY_KEEP_S = 8 * DAY
INCOMING_MAX = 16
"""Live power answers held before they are appended, when the chart is not drawn."""
BG, FG, GRID_FG, GRID_LINE = "#1e2126", "#d0d4da", "#8a9099", "#33383f"
# Okabe-Ito, colour-blind safe; the grid share is the grey floor.
STACK = (  # (curve key, field, label, colour)
    ("solar", "solar_mw", QT_TRANSLATE_NOOP("PowerBalanceChart", "solar"), "#E6C300"),
    ("wind", "wind_mw", QT_TRANSLATE_NOOP("PowerBalanceChart", "wind"), "#56B4E9"),
    ("battery_discharge", "battery_discharge_mw", QT_TRANSLATE_NOOP("PowerBalanceChart", "battery out"), "#009E73"),
    ("grid", "grid_mw", QT_TRANSLATE_NOOP("PowerBalanceChart", "grid import"), "#6b717a"),
)
BELOW = (  # drawn under zero
    ("battery_charge", "battery_charge_mw", QT_TRANSLATE_NOOP("PowerBalanceChart", "battery in"), "#0072B2"),
    ("curtailment", "curtailment_mw", QT_TRANSLATE_NOOP("PowerBalanceChart", "curtailed"), "#CC79A7"),
)
LOWER = (  # (key, field, axis label, colour)
    ("share", "renewable_share_pct", QT_TRANSLATE_NOOP("PowerBalanceChart", "renew. %"), "#56B4E9"),
    ("pue", "pue", "PUE", FG),
    ("carbon", "carbon_g_per_kwh", "gCO2/kWh", "#E69F00"),
)
ALERT = "#E69F00"
INFO_GREY = "#9aa2ad"  # informational (ISA-101): a fact of the site, nothing to act on
FORECAST_PEN = "#9aa2ad"  # the forecast: muted grey, dashed, never a colour of the flows
FORECAST_BRUSH = (154, 162, 173, 56)  # its P10-P90 band: the same grey, faint


def over(rgba: tuple[int, int, int, int], background: str = BG) -> QColor:
    """The opaque colour that ``rgba`` makes over ``background``: what a translucent fill
    looks like there, filled without blending (about three times faster to draw)."""
    bg, a = QColor(background), rgba[3] / 255.0
    return QColor(*(round(c * a + b * (1.0 - a))
                    for c, b in zip(rgba[:3], (bg.red(), bg.green(), bg.blue()), strict=True)))


FLOW_WORDS = {"facility_mw": QT_TRANSLATE_NOOP("PowerBalanceChart", "facility load"), "it_mw": QT_TRANSLATE_NOOP("PowerBalanceChart", "IT load")} | {
    field: label for _k, field, label, _c in (*STACK, *BELOW)} | {
    "battery_soc_pct": QT_TRANSLATE_NOOP("PowerBalanceChart", "battery charge level"),
    "renewable_share_pct": QT_TRANSLATE_NOOP("PowerBalanceChart", "renewable share"),
    "pue": "PUE", "carbon_g_per_kwh": QT_TRANSLATE_NOOP("PowerBalanceChart", "carbon intensity"),
}
"""Power fields in the words of the chart's legend and tiles (English: :func:`_tr` says them
in the chosen language)."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("PowerBalanceChart", text)


def flow_words(field: str) -> str:
    """A power field in the words of the legend, in the chosen language."""
    return _tr(FLOW_WORDS[field]) if field in FLOW_WORDS else field


T_LIMIT_S = 1e11
"""Sample times beyond this many seconds from 1970 (the year 5138) are no times: dropped."""
CAPACITY_LIMIT_MW = 1e6
"""A site envelope above this is no envelope (a hub's 1e308): not drawn."""


def usable_series(series: PowerSeries) -> PowerSeries:
    """``series`` as the chart can draw it: samples at finite, plausible times in time order
    (others dropped and counted as invalid), every power field a float array of the times'
    length (NaN where missing), a positive step, the reasons for missing flows as text.
    ``series`` itself when it is all that already (the usual case)."""
    try:
        t = np.asarray(series.t, np.float64).reshape(-1)
    except DATA_ERRORS:
        t = np.zeros(0)
    n = len(t)
    given = series.fields if isinstance(series.fields, Mapping) else {}
    fields: dict[str, np.ndarray] = {}
    same = given is series.fields and len(t) == len(series.t)
    for name in POWER_FIELDS:
        try:
            values = np.asarray(given[name], np.float64).reshape(-1)
            if len(values) != n:
                raise ValueError(name)
        except (*DATA_ERRORS, KeyError):
            values, same = np.full(n, np.nan), False
        fields[name] = values
    with np.errstate(invalid="ignore"):
        keep = np.isfinite(t) & (np.abs(t) < T_LIMIT_S)
    dropped = int(n - keep.sum())
    ordered = bool(np.all(np.diff(t[keep]) >= 0))
    step = series.step if isinstance(series.step, int | float) else math.nan
    missing = series.missing if isinstance(series.missing, Mapping) else {}
    text_missing = all(isinstance(k, str) and isinstance(v, str) and len(v) <= 300
                       for k, v in missing.items())
    if same and not dropped and ordered and step > 0 and math.isfinite(step) and text_missing:
        return series
    order = np.flatnonzero(keep)
    order = order[np.argsort(t[order], kind="stable")]
    invalid = series.invalid_values if isinstance(series.invalid_values, int) else 0
    time_ = series.time if isinstance(series.time, int | float) else math.nan
    return PowerSeries(
        time=float(time_) if math.isfinite(time_) else (float(t[order[-1]]) if len(order)
                                                        else 0.0),
        received=series.received,
        t=frozen(t[order]),
        fields={k: frozen(v[order]) for k, v in fields.items()},
        step=float(step) if step > 0 and math.isfinite(step) else 10.0,
        invalid_values=max(0, invalid) + dropped,
        missing={cell(k): cell(v) for k, v in missing.items()},
    )


PIXMAP_CACHE_KB = 64 * 1024
"""Room for the curves' drawings (QPixmapCache, all the application's): a curve is drawn
once into a pixmap of the view's size and moved on a pan; Qt's default 10 MB holds
fewer curves than the chart has, so they would be drawn again at every frame."""

BIN_PIXELS = 1 / 0.35
"""Width of one min/max bin on screen, in pixels (the density the chart has always drawn)."""


def bin_size(span_s: float, step_s: float, width_px: float, n: int) -> int:
    """Samples per min/max bin when ``span_s`` seconds of samples ``step_s`` apart fill
    ``width_px`` pixels: 1 (every sample drawn) while they fit, at most ``n``."""
    if not all(math.isfinite(v) and v > 0 for v in (span_s, step_s, width_px)):
        return 1
    return int(min(max(1.0, span_s / step_s / (width_px / BIN_PIXELS)), max(n, 1)))


def peak_bins(t: np.ndarray, values: np.ndarray, start: int, stop: int, ds: int,
              phase: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Samples ``start:stop`` of ``values`` (one row a series, one column a time of ``t``)
    reduced to bins of ``ds`` samples, bins starting at the indices equal to ``phase``
    modulo ``ds`` (so a pan reduces the same samples together): each bin gives its maximum
    then its minimum at the time of its middle sample, so no peak or dip is lost; a bin
    holding a missing sample (NaN) is a gap. The first and last bins may be short.
    Every sample itself when ``ds`` is 1."""
    if ds <= 1 or stop <= start:
        return t[start:stop], values[:, start:stop]
    first = start + (phase - start) % ds
    edges = np.arange(first, stop, ds)
    if first > start:
        edges = np.concatenate(([start], edges))
    ends = np.append(edges[1:], stop)
    rows = values[:, start:stop]
    y = np.empty((len(values), 2 * len(edges)))
    y[:, 0::2] = np.maximum.reduceat(rows, edges - start, axis=1)
    y[:, 1::2] = np.minimum.reduceat(rows, edges - start, axis=1)
    return np.repeat(t[np.minimum(edges + ds // 2, ends - 1)], 2), y


def _unfollow_view(view: pg.ViewBox, item: pg.GraphicsObject) -> None:
    """``item`` no longer told of each change of ``view``'s range and scale (a call of each
    item at every frame of a pan)."""
    for signal, slot in ((view.sigRangeChanged, item.viewRangeChanged),
                         (view.sigTransformChanged, item.viewTransformChanged)):
        try:
            signal.disconnect(slot)
        except (RuntimeError, TypeError):  # not connected
            log.debug("power chart: %s did not follow its view", type(item).__name__)


class CurveStack(pg.GraphicsObject):
    """Curves of one plot drawn by one item, in the order the scene drew them (bottom
    first): the stack's fills, their edges and the lines over them are one pixmap moved on a
    pan, not one pixmap a curve, each composed over the others at every frame.

    The curves stay in the plot (its range, the legend, their data) with no contents of
    their own; each draws itself here, as it did in the scene.
    """

    def __init__(self, view: pg.ViewBox, items: list[pg.PlotDataItem]) -> None:
        super().__init__()
        self.view, self.items = view, items
        self._bounds: QRectF | None = None
        self._scale = (math.nan, math.nan)
        for item in items:
            curve = item.curve
            curve.setCacheMode(QGraphicsItem.CacheMode.NoCache)
            curve.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
            curve.sigPlotChanged.connect(self.changed)
            item.visibleChanged.connect(self.changed)
            # its bounds are made new by the stack's (below), not by a call of its own from
            # the view at every frame
            _unfollow_view(view, curve)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def changed(self, *_: object) -> None:
        """A curve's data or visibility changed: bounds and pixmap made again."""
        self._bounds = None
        self.prepareGeometryChange()
        self.update()

    def viewTransformChanged(self) -> None:  # noqa: N802 - pyqtgraph name
        # The curves' margins (their pens' width) are in pixels: new bounds at a new scale;
        # a pan, which keeps the scale, keeps them.
        to_box = self.view.childGroup.transform()
        scale = (to_box.m11(), to_box.m22())
        if scale == self._scale:
            return
        self._scale = scale
        for item in self.items:
            item.curve._boundingRect = None
        self._bounds = None
        self.prepareGeometryChange()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt name
        if self._bounds is None:
            bounds = QRectF()
            for item in self.items:
                if item.isVisible():
                    rect = item.curve.boundingRect()
                    if rect.isValid():
                        bounds = bounds.united(rect) if bounds.isValid() else QRectF(rect)
            self._bounds = bounds
        return self._bounds

    def paint(self, p: Any, opt: Any, widget: Any) -> None:
        for item in self.items:
            if item.isVisible():
                p.save()
                item.curve.paint(p, opt, widget)
                p.restore()


class LevelLines(pg.GraphicsObject):
    """Horizontal lines at fixed values of a view box (a few grid lines), drawn in the
    box's own pixels under everything it shows: a pan, which moves only time, leaves them
    as they are (an infinite line each works out its ends and bounds again at every frame).
    """

    def __init__(self, view: pg.ViewBox, levels: tuple[float, ...], pen: Any) -> None:
        super().__init__(view)
        self.view, self.levels = view, levels
        self.pen = QPen(pen)
        self.pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)  # as an infinite line draws
        self.setZValue(view.childGroup.zValue() - 1)  # under the plotted items
        view.sigYRangeChanged.connect(self._moved)
        view.sigResized.connect(self._moved)

    def _moved(self, *_: object) -> None:
        self.prepareGeometryChange()  # its box (the view box's) may have changed too
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt name
        return self.view.rect()

    def paint(self, p: Any, opt: Any, widget: Any) -> None:
        box = self.view.rect()
        to_box = self.view.childGroup.transform()
        p.setPen(self.pen)
        for level in self.levels:
            y = to_box.map(QPointF(0.0, level)).y()
            if box.top() <= y <= box.bottom():
                p.drawLine(QPointF(box.left(), y), QPointF(box.right(), y))


def missing_words(missing: Mapping[str, str]) -> str:
    """Why flows have no values, short: the flows not metered in one line (the site profile
    leaves them out), any other reason (no data, an error, n/a) one line each."""
    order = {k: i for i, k in enumerate(FLOW_WORDS)}
    items = sorted(missing.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    unmetered = [flow_words(k) for k, v in items if str(v).startswith("not metered")]
    lines = [QCoreApplication.translate("PowerBalanceChart", "Not metered (not in the site profile, [site.power]): {0}").format(
        ", ".join(unmetered))] if unmetered else []
    lines += [f"{flow_words(k)}: {v}" for k, v in items
              if not str(v).startswith("not metered")]
    return "\n".join(lines)


def _digits(mw: float) -> int:
    """Decimals for power on a site of this size in MW: 1 from 1 MW, else 3 (kW)."""
    return 1 if mw >= 1 else 3


def _envelope_text(mw: float) -> str:
    return figure(mw, f",.{0 if mw >= 100 else _digits(mw)}f", " MW")


def _fmt(value: float, unit: str, digits: int = 1) -> str:
    return figure(value, f",.{digits}f", f" {unit}", none="—").rstrip()


def _known_zone(name: str) -> bool:
    """True when zoneinfo knows ``name`` (a site layout's time zone is outside text)."""
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return True


class PowerBalanceChart(LiveView):
    """Power balance of the site: load against supply by source, with KPIs and a crosshair.

    Feed it ``power`` snapshots (:meth:`apply`), or a long range with
    :meth:`set_history`. ``followChanged(bool)`` tells when live follow turns on or off
    (it turns off when the operator pans or zooms).
    """

    kinds = ("power", "forecast")
    title = "Power balance"
    followChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._history: PowerSeries | None = None
        self._incoming: list[PowerSeries] = []
        """Live power taken but not yet checked and appended (see :attr:`history`)."""
        self._drawn: PowerSeries | None = None
        """The history the curves show (redraw skips the curves while it is unchanged)."""
        self._full_t = np.zeros(0)
        self._full_y = np.zeros((0, 0))
        """Every curve's values at full resolution (one row a curve of ``_full_keys``)."""
        self._full_keys: list[str] = []
        self._phase = 0
        self._fit: tuple[int, int, int] | None = None
        """(samples per bin, first sample, end) of what the curves hold now."""
        self.span = DAY
        self.follow = True
        self.site_tz = DEFAULT_SITE_TZ
        """The site's time zone (the site layout's ``timezone``): shifts and the local clock."""
        self.tz = self.site_tz
        self._flagged: dict[str, int] = {}
        self.forecast: ForecastSnapshot | None = None
        """The latest forecast (its renewable supply is drawn past "now")."""
        self.forecast_error: str | None = None
        """Why the last forecast poll failed (None: it did not)."""
        self._forecast_drawn: tuple[object, ...] | None = None
        self._setting_range = False
        if QPixmapCache.cacheLimit() < PIXMAP_CACHE_KB:
            QPixmapCache.setCacheLimit(PIXMAP_CACHE_KB)
        self._build()
        # Time runs left to right in every language: the plots' own layouts (axes, legend)
        # too, which take the application's direction, not their view's.
        for item in self.graphics.scene().items():
            if isinstance(item, QGraphicsWidget):
                item.setLayoutDirection(Qt.LayoutDirection.LeftToRight)

    # -- construction -------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        self.range_buttons: dict[float, QPushButton] = {}
        for label, span in (("1 h", HOUR), ("24 h", DAY), ("7 d", 7 * DAY)):
            b = QPushButton(label)
            b.setMaximumWidth(64)
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, s=span: self.set_span(s))
            self.range_buttons[span] = b
            bar.addWidget(b)
        self.start_edit, self.end_edit = QDateTimeEdit(), QDateTimeEdit()
        for e in (self.start_edit, self.end_edit):
            e.setDisplayFormat("dd MMM HH:mm")
            e.setCalendarPopup(True)
        self.custom_button = QPushButton(self.tr("Show range"))
        self.custom_button.clicked.connect(self._apply_custom)
        for w in (QLabel(self.tr("from")), self.start_edit, QLabel(self.tr("to")), self.end_edit, self.custom_button):
            bar.addWidget(w)
        bar.addStretch(1)
        self.follow_button = QPushButton(self.tr("Follow live"))
        self.follow_button.setCheckable(True)
        self.follow_button.setChecked(True)
        self.follow_button.toggled.connect(self.set_follow)
        self.utc_box = QCheckBox("UTC")
        self.utc_box.toggled.connect(lambda on: self.set_timezone("UTC" if on else self.site_tz))
        self.forecast_box = QCheckBox(self.tr("Forecast"))
        self.forecast_box.setChecked(True)
        self.forecast_box.setToolTip(self.tr("Draw the renewable supply forecast past now "
                                             "(median dashed, P10–P90 band)"))
        self.forecast_box.toggled.connect(self._forecast_toggled)
        for w in (self.follow_button, self.utc_box, self.forecast_box):
            bar.addWidget(w)
        root.addLayout(bar)

        self.tiles = QGridLayout()
        self.tiles.setHorizontalSpacing(14)
        self.tiles.setVerticalSpacing(0)
        self.tile_labels: dict[tuple[str, str], QLabel] = {}
        heads = ("", self.tr("facility load"), self.tr("IT load"), self.tr("renewable"), "PUE",
                 self.tr("carbon"))
        for col, head in enumerate(heads):
            self.tiles.addWidget(self._label(head, bold=True), 0, col)
        # Each figure's column as wide as a usual figure from the start: the first figures
        # shown do not lay the chart out again (its plots resized, ~10 ms at the first data).
        usual = {"facility_mw": _fmt(888.8, "MW"), "it_mw": _fmt(888.8, "MW"),
                 "renewable_share_pct": _fmt(100.0, "%", 0), "pue": _fmt(8.88, "", 2),
                 "carbon_g_per_kwh": _fmt(888.0, "g/kWh", 0)}
        for row, (key, text) in enumerate(
            (("now", self.tr("now")), ("mean", self.tr("shift avg")),
             ("peak", self.tr("shift peak"))), 1
        ):
            self.tiles.addWidget(self._label(text, bold=True), row, 0)
            for col, name in enumerate(
                ("facility_mw", "it_mw", "renewable_share_pct", "pue", "carbon_g_per_kwh"), 1
            ):
                lab = self._label(usual[name])
                lab.setMinimumWidth(lab.sizeHint().width())
                lab.setText("—")
                self.tile_labels[(key, name)] = lab
                self.tiles.addWidget(LineBox(lab), row, col)  # new figures: no window layout
        self.shift_label = self._label("")
        self.shift_label.setWordWrap(True)
        self.status_label = self._label("")
        self.status_label.setWordWrap(True)
        self.missing_label = self._label("")  # grey: what the site does not meter
        self.missing_label.setWordWrap(True)
        self.missing_label.setStyleSheet(f"color: {INFO_GREY};")
        self.missing_label.hide()
        side = QVBoxLayout()
        side.addWidget(self.shift_label)
        side.addWidget(self.status_label)
        side.addWidget(self.missing_label)
        self.forecast_note = self._label("")  # grey: the forecast absent or flagged
        self.forecast_note.setWordWrap(True)
        self.forecast_note.setStyleSheet(f"color: {INFO_GREY};")
        self.forecast_note.hide()
        side.addWidget(self.forecast_note)
        side.addStretch(1)
        # Figures above the chart, or beside it in a wide and low dock (see _arrange).
        self.head = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.head.addLayout(self.tiles)
        self.head.addSpacing(16)
        self.head.addLayout(side, 1)
        info = QVBoxLayout()
        info.addLayout(self.head)

        self.readout = self._label(self.tr("Move the mouse over the chart to read values."))
        self.readout.setWordWrap(True)
        info.addWidget(self.readout)
        info.addStretch(1)
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.body.addLayout(info)
        root.addLayout(self.body, 1)

        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(BG)
        # A plain colour is filled faster than a cached copy of it is drawn (the whole view
        # at every frame of a pan), and a pan moves every plotted item: no index of where
        # each is to keep up to date (a hundred items are searched in no time).
        self.graphics.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        # That colour covers the view: the viewport need not be filled with its palette first.
        self.graphics.viewport().setAutoFillBackground(False)
        self.graphics.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.graphics.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        # Time runs left to right in every language (the layout is mirrored in Arabic).
        self.graphics.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.body.addWidget(self.graphics, 1)
        self.axes: list[SiteTimeAxis] = []
        # The legend has its own row above the plots, so it never hides data.
        self.legend = pg.LegendItem(colCount=self.LEGEND_MAX_COLUMNS, labelTextColor=FG)
        self.graphics.addItem(self.legend, row=0, col=0)
        self.top = self._plot(1, "MW")
        self.top.setMinimumHeight(170)
        self.curves: dict[str, pg.PlotDataItem] = {}
        for z, (key, _field, label, colour) in reversed(list(enumerate(STACK))):
            self._curve(self.top, key, _tr(label), colour, fill=True, z=-10 - z)
        for z, (key, _field, label, colour) in enumerate(BELOW):
            self._curve(self.top, key, _tr(label), colour, fill=True, z=-10 - z)
        self._curve(self.top, "facility", self.tr("facility load"), FG, width=2)
        self._curve(self.top, "it", self.tr("IT load"), FG, width=1, style=Qt.PenStyle.DashLine)
        # All of them drawn by one item, in the scene's order (by height, then as added),
        # under the envelope and cursor added next.
        self.stack = CurveStack(self.top.getViewBox(),
                                sorted(self.curves.values(), key=lambda item: item.zValue()))
        self.top.addItem(self.stack, ignoreBounds=True)
        labels = [(k, _tr(label)) for k, _f, label, _c in (*STACK, *BELOW)]
        for key, label in [*labels, ("facility", self.tr("facility load")),
                           ("it", self.tr("IT load"))]:
            self.legend.addItem(self.curves[key], label)
        # The forecast of renewable supply: P50 dashed, P10-P90 a faint band; one item.
        self.forecast_band = ForecastBand(
            brush=pg.mkBrush(over(FORECAST_BRUSH)), text_colour=QColor(FORECAST_PEN),
            edge=pg.mkPen(over((*FORECAST_BRUSH[:3], 110)), width=1),
            # one pixel wide: a cosmetic dash of one pixel is drawn by the fast line
            # rasteriser, a wider one is stroked as a path (three times the cost)
            median=pg.mkPen(FORECAST_PEN, width=1, style=Qt.PenStyle.DashLine))
        # Opaque, under the grid lines and the history: where the forecast starts before the
        # newest sample (issued on the hour), what was measured is drawn over it.
        self.forecast_band.setZValue(-150)
        self.forecast_band.setVisible(False)
        self.top.addItem(self.forecast_band)
        # the words stay the same from forecast to forecast (when it was issued is drawn on
        # the band): a legend label set again lays the whole chart out again
        self.legend.addItem(self.forecast_band, self.tr("renewable forecast"))
        # its swatch and words shown only while a forecast is drawn; a click on the swatch
        # is the Forecast toggle
        self._forecast_legend = [item for pair in self.legend.items
                                 if pair[0].item is self.forecast_band for item in pair]
        self._forecast_legend[0].sigClicked.connect(
            lambda item: self.forecast_box.setChecked(item.isVisible()))
        for item in self._forecast_legend:
            item.setVisible(False)
        for sample, text in self.legend.items:  # still at a pan: each drawn once
            sample.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            # its words too (drawn again only when they change)
            for item in (text, getattr(text, "item", None)):
                if item is not None:
                    item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            text.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.envelope_mw: float | None = DEFAULT_CAPACITY_MW
        """The facility envelope (the site layout's ``capacity_mw``); None: not given."""
        self.envelope = pg.InfiniteLine(
            DEFAULT_CAPACITY_MW,
            angle=0,
            movable=False,
            pen=pg.mkPen("#D55E00", width=1, style=Qt.PenStyle.DashLine),
            label=self.tr("{0} envelope").format(_envelope_text(DEFAULT_CAPACITY_MW)),
            labelOpts={"position": 0.99, "color": "#D55E00", "anchors": [(1, 1), (1, 1)]},
        )
        self.top.addItem(self.envelope)
        # still on screen at a pan (the line spans the view, its words stay at its right end):
        # drawn once into pixmaps, not in Python at every frame
        for item in (self.envelope, self.envelope.label, self.envelope.label.textItem):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # a few grid lines (a full grid costs ~30 ms a frame), under the forecast and the
        # history, still at a pan
        self.grid_lines = LevelLines(self.top.getViewBox(), (100.0, 200.0, 300.0),
                                     pg.mkPen(GRID_LINE))
        self.lower: dict[str, pg.PlotItem] = {}
        for row, (key, _field, title, colour) in enumerate(LOWER, 2):
            plot = self._plot(row, title)
            # on the power balance's time range (_follow_x), never its own data's
            plot.getViewBox().enableAutoRange(x=False)
            # the strips share the power balance's time axis, just above them: no axis of
            # their own (each axis works out and draws its ticks again at every pan)
            plot.hideAxis("bottom")
            ticks = {"share": (0, 50, 100), "pue": (1.0, 1.2, 1.4), "carbon": (0, 300, 600)}[key]
            plot.getAxis("left").setTicks([[(v, f"{v:g}") for v in ticks]])
            plot.setMinimumHeight(45)  # the power balance keeps most of the height
            plot.setPreferredHeight(70)
            plot.setMaximumHeight(110)
            self.lower[key] = plot
            self._curve(plot, key, title, colour, width=1)
        # Hidden axes (the top ones, the strips' time axes) need not follow the range:
        # each followed every pan through a signal of its view box.
        for plot in (self.top, *self.lower.values()):
            for name in ("top", "right", "bottom"):
                axis = plot.getAxis(name)
                if not axis.isVisible():
                    axis.unlinkFromView()
        self.graphics.ci.layout.setRowStretchFactor(1, 5)
        for row in (2, 3, 4):
            self.graphics.ci.layout.setRowStretchFactor(row, 1)
        self.cursor_lines = []
        for plot in (self.top, *self.lower.values()):
            line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(GRID_FG, width=1))
            line.setVisible(False)
            plot.addItem(line, ignoreBounds=True)
            self.cursor_lines.append(line)
        self.top.getViewBox().sigRangeChangedManually.connect(self._user_moved)
        self.top.getViewBox().sigXRangeChanged.connect(lambda *_: self._fit_curves())
        self._linking = False
        for view in self._views():
            view.sigXRangeChanged.connect(self._follow_x)
        self.top.getViewBox().sigResized.connect(lambda *_: self._fit_curves())
        for plot in self.lower.values():
            plot.getViewBox().sigRangeChangedManually.connect(self._user_moved)
        self._mouse = pg.SignalProxy(
            self.graphics.scene().sigMouseMoved, rateLimit=30, slot=self._mouse_moved
        )
        self._mark_span_button()
        self.graphics.installEventFilter(self)
        self.strips_shown = True
        """The share, PUE and carbon strips are drawn (:meth:`_fit_strips`)."""

    def _views(self) -> list[pg.ViewBox]:
        return [self.top.getViewBox(), *(plot.getViewBox() for plot in self.lower.values())]

    def _follow_x(self, source: pg.ViewBox, x_range: tuple[float, float]) -> None:
        """All plots show the time range of the one that moved (the power balance, or a strip
        panned by hand). The plots share their column, so the same range lines them up;
        pyqtgraph's own link worked that out from their places on screen, for each strip at
        every frame of a pan."""
        if self._linking:
            return
        self._linking = True
        try:
            for view in self._views() if self.strips_shown else [self.top.getViewBox()]:
                if view is not source:  # hidden strips follow when shown (_strips_follow)
                    view.setRange(xRange=x_range, padding=0, disableAutoRange=False)
        finally:
            self._linking = False

    # -- arrangement by size --------------------------------------------------------------
    WIDE_RATIO = 2.2
    """A dock this many times wider than high shows the figures beside the chart."""
    STRIPS_MIN_EM = 22
    """The least chart height, in lines of text, that also shows the three strips."""

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt name
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        """A wide and low dock (the default layout at 1280 × 800): the figures beside the
        chart, which keeps its height; else above it."""
        em = self.fontMetrics().height()
        wide = self.width() >= self.WIDE_RATIO * self.height() and self.width() >= 50 * em
        body = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.body.direction() != body:
            self.body.setDirection(body)
            self.head.setDirection(QBoxLayout.Direction.TopToBottom if wide
                                   else QBoxLayout.Direction.LeftToRight)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if watched is self.graphics and isinstance(event, QResizeEvent):
            self._fit_strips(event.size().height())
            self._fit_legend(event.size().width())
        return super().eventFilter(watched, event)

    LEGEND_MAX_COLUMNS = 9
    """The legend's entries in one row when the chart is wide enough."""

    def _fit_legend(self, width: int) -> None:
        """As many legend columns as fit the chart's width (more rows when narrow): a legend
        wider than the chart widened the plots past its edge, cutting the time axis."""
        widths = [20.0 + label.item.boundingRect().width() + 12.0  # the words, not their cell
                  for _s, label in self.legend.items]
        room = width - 40.0  # the layout's and the legend's margins
        columns = 1
        for n in range(min(self.LEGEND_MAX_COLUMNS, len(widths)), 0, -1):
            need = sum(max(widths[j::n]) for j in range(n))
            if need <= room:
                columns = n
                break
        if columns != self.legend.columnCount:
            self.legend.setColumnCount(columns)

    def _fit_strips(self, height: int) -> None:
        """The share, PUE and carbon strips only when the chart has room for them beside
        the power balance (their figures stay in the tiles); the balance keeps its time
        axis either way."""
        show = height >= self.STRIPS_MIN_EM * self.fontMetrics().height()
        if show == self.strips_shown:
            return
        self.strips_shown = show
        for plot in self.lower.values():
            plot.setVisible(show)
            plot.setMinimumHeight(45 if show else 0)
            plot.setMaximumHeight(110 if show else 0)
        self.top.setMinimumHeight(170 if show else 80)
        # lay the plots out now: a strip shown again kept axes of no size (no scale, a cut
        # title) until the event loop ran, which a grab for the handover pack does not wait for
        self.graphics.ci.layout.activate()
        if show:  # hidden, the strips were given neither data nor ranges: given them now
            self._strips_follow()

    def _strips_follow(self) -> None:
        """The strips shown again: the power balance's time range, their scales and the
        samples of the history drawn."""
        x_range = self.top.getViewBox().viewRange()[0]
        self._linking = True
        try:
            for plot in self.lower.values():
                plot.getViewBox().setRange(xRange=x_range, padding=0, disableAutoRange=False)
        finally:
            self._linking = False
        if self.history is not None and len(self.history.t) and len(self._full_t):
            self._lower_ranges()
            self._fit = None
            self._fit_curves()

    def _label(self, text: str, bold: bool = False) -> QLabel:
        lab = QLabel(text)
        lab.setTextFormat(Qt.TextFormat.PlainText)
        if bold:
            f = lab.font()
            f.setBold(True)
            lab.setFont(f)
        return lab

    def _plot(self, row: int, title: str) -> pg.PlotItem:
        axis = SiteTimeAxis(self.tz)
        self.axes.append(axis)
        plot = self.graphics.addPlot(row=row, col=0, axisItems={"bottom": axis})
        plot.getAxis("left").setLabel(title, color=FG)
        plot.showGrid(x=False, y=False)
        plot.getViewBox().setMouseEnabled(x=True, y=False)
        plot.getViewBox().disableAutoRange(axis="y")
        plot.getAxis("left").setWidth(62)
        for name in ("left", "bottom"):
            plot.getAxis(name).setTextPen(FG)
            plot.getAxis(name).setPen(GRID_FG)
        # Times take no SI prefix: without this each time axis (the hidden top one too)
        # sets its label's HTML again at every pan.
        for name in ("bottom", "top"):
            plot.getAxis(name).enableAutoSIPrefix(False)
        # The value axis and its title move only with the power range: drawn once. The time
        # axis is drawn again when the range moves, and blitted at every other repaint (a
        # forecast, the cursor, a curve's update).
        for item in (plot.getAxis("left"), plot.getAxis("left").label, axis):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        return plot

    def _curve(
        self,
        plot: pg.PlotItem,
        key: str,
        label: str,
        colour: str,
        fill: bool = False,
        z: int = 0,
        width: int = 1,
        style: Qt.PenStyle = Qt.PenStyle.SolidLine,
    ) -> None:
        kwargs: dict = {"connect": "finite", "name": label}
        if fill:
            c = QColor(colour)
            kwargs |= {"fillLevel": 0.0, "brush": pg.mkBrush(c)}
            kwargs["pen"] = pg.mkPen(colour, width=1)
        else:
            kwargs["pen"] = pg.mkPen(colour, width=width, style=style)
        item = pg.PlotDataItem([], [], **kwargs)
        curve = item.curve

        def view_moved(curve: pg.PlotCurveItem = curve) -> None:
            # pyqtgraph forgets the data's bounds too at every pan, and finds them again
            # with nanmin and nanmax for every curve: only the pen's margin in pixels moves.
            curve._boundingRect = None
            curve.prepareGeometryChange()

        curve.viewTransformChanged = view_moved  # before the view connects to it
        plot.addItem(item)
        # The chart draws no symbols: the item's empty scatter plot need not follow the view.
        _unfollow_view(plot.getViewBox(), item.scatter)
        # The chart gives each curve its samples already reduced to the view's width
        # (_fit_curves): pyqtgraph's own clipping and downsampling would redo the work,
        # and rebuild every path, at each pan.
        item.setDownsampling(ds=1, auto=False)
        item.setClipToView(False)
        # Nor its limit on the values drawn (for values far outside the view: the chart's
        # scales hold every value it is given, absurd ones are rejected first): with it,
        # every new power scale gave each curve its samples again, before _fit_curves gave
        # them the new ones (a jump of a review: each curve's data set twice).
        item.setDynamicRangeLimit(None)
        # Drawn once into a pixmap in screen pixels, moved on a pan, drawn again when its
        # data or the scale change.
        curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        item.setZValue(z)
        self.curves[key] = item

    # -- data in ------------------------------------------------------------------------
    def on_snapshot(self, snapshot: Snapshot) -> None:
        """Append a live power snapshot to the history; keep a forecast."""
        if isinstance(snapshot, ForecastSnapshot):
            before = self._forecast_reach()
            self.forecast = snapshot
            self.forecast_error = None
            if self.follow and self._forecast_reach() != before:  # the range reaches it
                self._apply_follow_range()
            return
        if isinstance(snapshot, PowerSeries):
            # Checked and appended when next read (the redraw, which waits while the feed
            # decodes: these numpy passes, made meanwhile, each waited on the interpreter
            # lock); at once when many wait, with the chart behind another tab.
            self._incoming.append(snapshot)
            if len(self._incoming) >= INCOMING_MAX:
                self._take_incoming()

    @property
    def history(self) -> PowerSeries | None:
        """The power history the chart holds (live power taken so far appended)."""
        if self._incoming:
            self._take_incoming()
        return self._history

    @history.setter
    def history(self, series: PowerSeries | None) -> None:
        self._incoming.clear()  # replaced whole, as if appended and then replaced
        self._history = series

    @property
    def flagged(self) -> dict[str, int]:
        """Absurd values rejected so far, by field."""
        if self._incoming:
            self._take_incoming()
        return self._flagged

    def _take_incoming(self) -> None:
        incoming, self._incoming = self._incoming, []
        for snapshot in incoming:
            series = usable_series(snapshot)
            if not len(series.t) and self._history is not None:
                continue  # a poll between two samples: nothing to draw again
            clean, flags = flag_absurd(series)
            self._note_flags(flags, reset=False)
            self._history = append_series(self._history, clean, keep_s=HISTORY_KEEP_S)

    def set_forecast_error(self, error: str | None) -> None:
        """Why the last forecast poll failed (None: it did not); the chart's note says it."""
        self.forecast_error = error
        self._forecast_drawn = None
        self.mark_dirty()

    def _forecast_toggled(self, _on: bool) -> None:
        self._forecast_drawn = None
        if self.follow:
            self._apply_follow_range()
        self.mark_dirty()
        self.flush()

    def _forecast_reach(self) -> float | None:
        """How far past the newest data the followed range reaches for the forecast: its
        horizon (from its issue to its last point), so each new hourly forecast lands in the
        same range (None: no forecast shown)."""
        fc = self.forecast
        if fc is None or not self.forecast_shown():
            return None
        return max(0.0, fc.end - fc.issued)

    def forecast_shown(self) -> bool:
        """The renewable forecast is drawn (the toggle is on and a trusted band is there)."""
        return (self.forecast_box.isChecked() and self.forecast is not None
                and self.forecast.renewable() is not None)

    def _draw_forecast(self) -> None:
        """The forecast's band, its legend entry and the note that says why none is drawn."""
        fc = self.forecast
        band = fc.renewable() if fc is not None else None
        # A forecast polled again unchanged (issued hourly, polled every 15 min) is not
        # drawn again: the key is what is drawn, not the snapshot.
        drawn = None if fc is None else (
            fc.issued, fc.source, tuple(sorted(fc.flags.items())), fc.t.tobytes(),
            None if band is None else (band.p10.tobytes(), band.p50.tobytes(),
                                       band.p90.tobytes()))
        state = (drawn, self.forecast_box.isChecked(), self.forecast_error, self.tz)
        if state == self._forecast_drawn:
            return
        self._forecast_drawn = state
        show = self.forecast_box.isChecked() and band is not None
        if show:
            assert fc is not None and band is not None
            self.forecast_band.setData(
                fc.t, band.p10, band.p50, band.p90,
                label=self.tr("issued {0}").format(self._hhmm(fc.issued)))
        self.forecast_band.setVisible(show)
        for item in self._forecast_legend:
            item.setVisible(show)
        note = ""
        if not self.forecast_box.isChecked():
            note = ""
        elif fc is None or (not len(fc) and fc.flag(RENEWABLE) is None):
            note = self.tr("forecast absent: {0}").format(
                self.forecast_error or self.tr("none received yet"))
        elif not len(fc):
            note = self.tr("forecast absent: {0}").format(fc.why_absent(RENEWABLE))
        elif band is None:
            why = fc.why_absent(RENEWABLE)
            note = (self.tr("forecast absent: {0}").format(why) if why == "not forecast"
                    else self.tr("forecast flagged: {0}").format(why))
        elif self.forecast_error:
            note = self.tr("forecast not updated: {0}").format(self.forecast_error)
        self.forecast_note.setText(cell(note, 600))
        self.forecast_note.setVisible(bool(note))

    def _hhmm(self, t: float) -> str:
        return datetime.fromtimestamp(t, ZoneInfo(self.tz)).strftime("%H:%M")

    def set_history(self, series: PowerSeries) -> None:
        """Replace the history (a long range from the cache or the hub) and redraw."""
        clean, flags = flag_absurd(usable_series(series))
        self._note_flags(flags, reset=True)
        self.history = with_gaps(clean)
        self._drawn = None  # a history of its own: drawn whole, however near its end
        self.mark_dirty()
        self.flush()

    def _note_flags(self, flags: dict[str, np.ndarray], reset: bool) -> None:
        if reset:
            self._flagged = {}
        for name, mask in flags.items():
            n = int(mask.sum())
            if n:
                self._flagged[name] = self._flagged.get(name, 0) + n

    # -- range and time zone --------------------------------------------------------------
    def set_span(self, seconds: float) -> None:
        """Show the last ``seconds`` and follow live data."""
        self.span = float(seconds)
        self._mark_span_button()
        self.set_follow(True)
        self._apply_follow_range()

    def set_follow(self, on: bool) -> None:
        """Turn live follow (auto-scroll to the newest data) on or off."""
        if on == self.follow and self.follow_button.isChecked() == on:
            return
        self.follow = on
        self.follow_button.blockSignals(True)
        self.follow_button.setChecked(on)
        self.follow_button.blockSignals(False)
        if on:
            self._apply_follow_range()
        self.followChanged.emit(on)

    def set_range(self, start: float, end: float) -> None:
        """Show [start, end] (epoch seconds); stops live follow."""
        self.set_follow(False)
        self._set_x(start, end)
        for b in self.range_buttons.values():
            b.setChecked(False)

    def set_timezone(self, tz: str) -> None:
        """Label the time axis and readout in ``tz`` (site zone or 'UTC')."""
        self.tz = tz
        for axis in self.axes:
            axis.set_tz(tz)
        self.utc_box.blockSignals(True)
        self.utc_box.setChecked(tz == "UTC")
        self.utc_box.blockSignals(False)
        self._sync_edits()
        self._drawn = None
        self.mark_dirty()

    def x_range(self) -> tuple[float, float]:
        """The visible time range in epoch seconds."""
        lo, hi = self.top.getViewBox().viewRange()[0]
        return float(lo), float(hi)

    def _sync_edits(self) -> None:
        """The range edits say the range shown (each set only where it says another)."""
        lo, hi = self.x_range()
        zone = SiteClock(self.tz).qt_zone(lo)
        for edit, value in ((self.start_edit, lo), (self.end_edit, hi)):
            if edit.timeZone() != zone:
                edit.setTimeZone(zone)
            if edit.dateTime().toSecsSinceEpoch() != int(value):
                edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(value), zone))

    def _apply_custom(self) -> None:
        start = self.start_edit.dateTime().toSecsSinceEpoch()
        end = self.end_edit.dateTime().toSecsSinceEpoch()
        if end > start:
            self.set_range(float(start), float(end))

    def _mark_span_button(self) -> None:
        for span, b in self.range_buttons.items():
            b.setChecked(span == self.span)

    def _set_x(self, start: float, end: float,
               y_range: tuple[float, float] | None = None) -> None:
        """Show ``[start, end]`` (and the power range ``y_range`` with it, when given)."""
        self._setting_range = True
        try:
            if y_range is None:
                self.top.setXRange(start, end, padding=0)
            else:
                self.top.getViewBox().setRange(xRange=(start, end), yRange=y_range, padding=0)
        finally:
            self._setting_range = False
        self._sync_edits()

    def _follow_range(self) -> tuple[float, float] | None:
        """The time range followed: the span up to the newest sample (and the forecast's
        horizon ahead); None without a history."""
        if self.history is None or not len(self.history.t):
            return None
        end = float(self.history.t[-1])
        right = end + self.history.step
        reach = self._forecast_reach()
        if reach is not None:  # the forecast's horizon ahead, up to the span again
            right = max(right, end + min(reach, self.span))
        return end - self.span, right

    def _apply_follow_range(self) -> None:
        x_range = self._follow_range()
        if x_range is not None:
            self._set_x(*x_range)

    def _user_moved(self, *_: object) -> None:
        if not self._setting_range and self.follow:
            self.set_follow(False)
            for b in self.range_buttons.values():
                b.setChecked(False)

    def set_topology(self, topology: SiteTopology) -> None:
        """The envelope is the site layout's ``capacity_mw``; without one, no line."""
        super().set_topology(topology)
        zone = getattr(topology, "timezone", None)
        if isinstance(zone, str) and zone and zone != self.site_tz and _known_zone(zone):
            self.site_tz = zone
            if not self.utc_box.isChecked():
                self.set_timezone(zone)
        capacity = getattr(topology, "capacity_mw", 0.0)
        ok = (isinstance(capacity, int | float) and not isinstance(capacity, bool)
              and 0 < capacity <= CAPACITY_LIMIT_MW)
        self.envelope_mw = float(capacity) if ok else None
        if self.envelope_mw is None:
            self.envelope.hide()
        else:
            self.envelope.setValue(self.envelope_mw)
            self.envelope.label.setFormat(
                self.tr("{0} envelope").format(_envelope_text(self.envelope_mw)))
            self.envelope.show()

    # -- drawing ------------------------------------------------------------------------
    def flush(self) -> None:
        """Redraw now if dirty, and have the scene take what changed before any paint.

        The scene takes its items' changes (and drops the pixmaps of the changed ones) in a
        queued call: a paint before it (a review's jump drawn at once, a grab for the
        handover pack) drew the pixmaps of the history drawn before, the previous jump's
        curves, and the event loop then painted the chart again. The ranges are applied
        first (a forecast moves the time range after the history's redraw): applied by
        the paint, they moved the items then, and the chart was painted twice."""
        super().flush()
        for plot in (self.top, *self.lower.values()) if self.strips_shown else (self.top,):
            plot.getViewBox().prepareForPaint()
        QCoreApplication.sendPostedEvents(self.graphics.scene(), QEvent.Type.MetaCall)

    def redraw(self) -> None:
        """Push the history into the curves, update tiles, status and range."""
        self._draw_forecast()
        h = self.history
        if h is None or not len(h.t):
            return
        if h is self._drawn:  # same samples as on screen: only the status can change
            self._update_status()
            return
        if self._within_a_pixel(h):
            # New samples that would not reach the next pixel column: the curves, their
            # range and their pixmaps stay (a whole chart repainted at every 2 s poll is
            # the longest the window froze); the tiles say the newest figures at once.
            self._update_tiles()
            self._update_status()
            return
        self._drawn = h
        t = h.t
        self.forecast_band.label_after = float(t[-1])  # its words where no history hides it
        data: dict[str, np.ndarray] = {}
        base = np.zeros(len(t))
        for key, name, _label, _colour in STACK:
            v = h.fields[name]
            data[key] = top = base + v
            base = np.where(np.isfinite(v), top, base)
        below = np.zeros(len(t))
        for key, name, _label, _colour in BELOW:
            v = h.fields[name]
            data[key] = low = below - v
            below = np.where(np.isfinite(v), low, below)
        data["facility"], data["it"] = h.fields["facility_mw"], h.fields["it_mw"]
        for key, name, *_ in LOWER:
            data[key] = h.fields[name]
        self._full_t, self._full_keys = t, list(data)
        self._full_y = np.array(list(data.values()), np.float64)
        step = float(t[-1] - t[0]) / (len(t) - 1) if len(t) > 1 else 0.0
        self._phase = -round(float(t[0]) / step) if step > 0 else 0
        self._fit = None
        lo = np.nanmin(below, initial=0.0)
        peak = np.nanmax(np.concatenate([base, h.fields["facility_mw"], h.fields["it_mw"]]),
                         initial=0.0)
        if self.forecast_shown():
            assert self.forecast is not None
            ahead = self.forecast.renewable()
            if ahead is not None and np.isfinite(ahead.p90).any():
                peak = max(float(peak), float(np.nanmax(ahead.p90)))
        hi = max(self.envelope_mw or 0.0, float(peak)) or 1.0
        y_range = (lo - 0.04 * hi, hi * 1.14)
        if self.strips_shown:  # hidden strips are given their scales when shown
            self._lower_ranges()
        x_range = self._follow_range() if self.follow else None
        if x_range is not None:
            # One change of the power balance's range, not one for time and one for power:
            # each told every item of the plot, its axes and the strips.
            self._set_x(*x_range, y_range=y_range)
        else:
            self.top.setYRange(*y_range, padding=0)
        self._fit_curves()  # when the range stayed
        # Apply the new ranges now: left to the paint, the view boxes move their contents
        # during it, which makes the scene paint the whole chart a second time.
        for plot in (self.top, *self.lower.values()) if self.strips_shown else (self.top,):
            plot.getViewBox().prepareForPaint()
        self._update_legend(h.missing)
        self._update_tiles()
        self._update_status()
        # The chart's words laid out now: left to Qt's posted layout request, they moved
        # the plots after the window's next paint, which then drew the chart again.
        follow_lines(self)
        self.layout().activate()

    def _within_a_pixel(self, h: PowerSeries) -> bool:
        """Whether ``h`` only adds samples to the history drawn (following the newest data)
        that end less than one pixel column of the time axis after its newest sample."""
        drawn = self._drawn
        if drawn is None or not self.follow or not len(drawn.t) or len(h.t) < len(drawn.t):
            return False
        if h.missing != drawn.missing or h.fields.keys() != drawn.fields.keys():
            return False
        vb = self.top.getViewBox()
        lo, hi = vb.viewRange()[0]
        width = vb.width()
        if not (width > 0 and math.isfinite(lo) and math.isfinite(hi) and hi > lo):
            return False
        return 0.0 <= float(h.t[-1]) - float(drawn.t[-1]) < (hi - lo) / width

    def _fit_curves(self) -> None:
        """Give the curves the samples around the visible range (half its span each side),
        reduced to min/max bins of about three pixels; nothing while the range they hold
        covers the view at the view's bin size (a pan draws the paths already made)."""
        t = self._full_t
        n = len(t)
        if not n:
            return
        vb = self.top.getViewBox()
        lo, hi = vb.viewRange()[0]
        step = float(t[-1] - t[0]) / (n - 1) if n > 1 else 0.0
        if vb.autoRangeEnabled()[0] or not (math.isfinite(lo) and math.isfinite(hi)):
            a, b, ds = 0, n, bin_size(float(t[-1] - t[0]), step, vb.width(), n)
        else:
            a, b = int(np.searchsorted(t, lo)), int(np.searchsorted(t, hi, side="right"))
            ds = bin_size(hi - lo, step, vb.width(), n)
        fit = self._fit
        if fit and fit[0] == ds and fit[1] <= max(0, a - ds) and fit[2] >= min(n, b + ds):
            return
        margin = max((b - a) // 2, ds)
        start, stop = max(0, a - margin), min(n, b + margin)
        start -= min(start, (start - self._phase) % ds)  # a bin's first sample, or 0
        if stop < n:
            stop = min(n, stop + (self._phase - stop) % ds)
        self._fit = (ds, start, stop)
        x, y = peak_bins(t, self._full_y, start, stop, ds, self._phase)
        strips = {key for key, *_ in LOWER}
        for key, values in zip(self._full_keys, y, strict=True):
            # hidden strips are given their samples when shown (_strips_follow): three
            # curves less at each jump of a review in the default layout
            if self.strips_shown or key not in strips:
                self.curves[key].setData(x, values)

    def _update_legend(self, missing: Mapping[str, str]) -> None:
        """Legend labels say which flows are not metered (the reason is in the status)."""
        if set(missing) == getattr(self, "_legend_missing", set()):
            return
        self._legend_missing = set(missing)
        names = {key: (name, label) for key, name, label, _c in (*STACK, *BELOW, *LOWER)}
        names |= {"facility": ("facility_mw", "facility load"), "it": ("it_mw", "IT load")}
        for key, (name, label) in names.items():
            item = self.legend.getLabel(self.curves[key]) if key in self.curves else None
            if item is not None:
                label = _tr(label)
                item.setText(self.tr("{0} (not metered)").format(label) if name in missing
                             else label)

    def _lower_ranges(self) -> None:
        """Share on 0–100 %, PUE from 1, carbon from 0: honest scales, not magnified wiggles."""
        assert self.history is not None
        f = self.history.fields
        self.lower["share"].setYRange(0.0, 100.0, padding=0.02)
        pue_max = np.nanmax(f["pue"], initial=1.0) if np.isfinite(f["pue"]).any() else 1.5
        self.lower["pue"].setYRange(1.0, max(1.5, float(pue_max) * 1.05), padding=0)
        c = f["carbon_g_per_kwh"]
        c_max = float(np.nanmax(c)) if np.isfinite(c).any() else 700.0
        self.lower["carbon"].setYRange(0.0, max(100.0, c_max * 1.1), padding=0)

    def _update_tiles(self) -> None:
        assert self.history is not None
        try:
            (start, _end), kpis = shift_kpis(self.history, tz=self.site_tz)
            shift = shift_name(start, self.site_tz)
        except DATA_ERRORS:  # times no shift holds: the tiles say nothing rather than raise
            log.exception("power chart: shift figures not computed")
            for lab in self.tile_labels.values():
                lab.setText("—")
            self.shift_label.setText("")
            return
        fac_now = kpis["facility_mw"].shift_peak if "facility_mw" in kpis else float("nan")
        size = self.envelope_mw or (float(fac_now) if np.isfinite(fac_now) else 1.0)
        units = {
            "facility_mw": ("MW", _digits(size)),
            "it_mw": ("MW", _digits(size)),
            "renewable_share_pct": ("%", 0),
            "pue": ("", 2),
            "carbon_g_per_kwh": ("g/kWh", 0),
        }
        for name, kpi in kpis.items():
            unit, digits = units[name]
            values = (kpi.now, kpi.shift_mean, kpi.shift_peak)
            for key, value in zip(("now", "mean", "peak"), values, strict=True):
                lab = self.tile_labels[(key, name)]
                text = _fmt(value, unit, digits)
                if lab.text() != text:
                    lab.setText(text)
                over = (name == "facility_mw" and self.envelope_mw is not None
                        and np.isfinite(value) and value > self.envelope_mw)
                # set only when it changes: a style sheet set again polishes the label again
                style = f"color: {ALERT}; font-weight: bold;" if over else ""
                if lab.styleSheet() != style:
                    lab.setStyleSheet(style)
        fac = kpis.get("facility_mw")
        envelope = self.envelope_mw
        if envelope is None:
            words = self.tr("Envelope not given (the site layout has no capacity_mw)")
        else:
            head = envelope - fac.now if fac else float("nan")
            words = self.tr("Envelope {0}, headroom now {1}").format(
                _envelope_text(envelope), _fmt(head, "MW", _digits(envelope)))
        self.shift_label.setText(self.tr("Shift {0} (site time)").format(shift) + "\n" + words)

    def _update_status(self) -> None:
        parts = []
        rejected = sum(self.flagged.values())
        if self.history is not None:
            rejected = max(rejected, self.history.invalid_values)
        if rejected:
            names = ", ".join(f"{k} ×{v}" for k, v in sorted(self.flagged.items()))
            parts.append(
                self.tr("⚠ {0} absurd value(s) rejected, not plotted").format(rejected)
                + (f": {names}" if names else "")
            )
        if self.stale:
            parts.append(self.tr("⚠ STALE: power data {0} old").format(format_age(self.data_age)))
        self.status_label.setText("\n".join(parts))
        # set only when it changes: a style sheet set again polishes the label again, a
        # tool tip set again sends it an event (this runs at every flush)
        style = f"color: {ALERT}; font-weight: bold;" if parts else ""
        if self.status_label.styleSheet() != style:
            self.status_label.setStyleSheet(style)
        self.status_label.setVisible(bool(parts))
        # What the site does not meter is a fact of the site, no alert: grey, apart.
        missing = self.history.missing if self.history is not None else {}
        self.missing_label.setText(cell(missing_words(missing), 600))
        tip = plain_tooltip("\n".join(f"{flow_words(k)}: {v}" for k, v in sorted(missing.items())))
        if self.missing_label.toolTip() != tip:
            self.missing_label.setToolTip(tip)
        self.missing_label.setVisible(bool(missing))

    # -- crosshair ----------------------------------------------------------------------
    def _forecast_cursor(self, x: float) -> str:
        """The readout past now: the renewable forecast's P50 and its P10-P90 band."""
        fc = self.forecast
        band = fc.renewable() if fc is not None else None
        if fc is None or band is None or not len(fc):
            return ""
        i = int(np.clip(np.searchsorted(fc.t, x), 0, len(fc) - 1))
        if i > 0 and abs(fc.t[i - 1] - x) < abs(fc.t[i] - x):
            i -= 1
        for line in self.cursor_lines:
            line.setPos(float(fc.t[i]))
            line.setVisible(True)
        when = datetime.fromtimestamp(float(fc.t[i]), ZoneInfo(self.tz))
        zone = "UTC" if self.tz == "UTC" else self.tr("site time")
        text = f"{strftime(when, '%a %d %b %H:%M')} {zone}" + self.tr(
            " · renewable forecast (issued {0}) {1}, P10–P90 {2} to {3}").format(
            self._hhmm(fc.issued), _fmt(float(band.p50[i]), "MW"), _fmt(float(band.p10[i]), "MW"),
            _fmt(float(band.p90[i]), "MW"))
        self.readout.setText(text)
        return text

    def _mouse_moved(self, event: tuple) -> None:
        pos = event[0]
        for plot in (self.top, *self.lower.values()):
            if plot.sceneBoundingRect().contains(pos):
                x = plot.getViewBox().mapSceneToView(pos).x()
                self.show_cursor(x)
                return

    def show_cursor(self, x: float) -> str:
        """Put the crosshair at time ``x`` and return the readout text shown."""
        h = self.history
        if h is None or not len(h.t):
            return ""
        if x > float(h.t[-1]) + h.step and self.forecast_shown():
            return self._forecast_cursor(x)
        i = int(np.clip(np.searchsorted(h.t, x), 0, len(h.t) - 1))
        if i > 0 and abs(h.t[i - 1] - x) < abs(h.t[i] - x):
            i -= 1
        for line in self.cursor_lines:
            line.setPos(float(h.t[i]))
            line.setVisible(True)
        f = {k: float(v[i]) for k, v in h.fields.items()}
        when = datetime.fromtimestamp(float(h.t[i]), ZoneInfo(self.tz))
        zone = "UTC" if self.tz == "UTC" else self.tr("site time")
        stamp = f"{strftime(when, '%a %d %b %H:%M:%S')} {zone}"
        text = stamp + self.tr(
            " · facility {0} · IT {1} · solar {2} · wind {3} · battery out {4} · "
            "battery in {5} (SoC {6}) · grid {7} · curtailed {8} · renewable {9} · PUE {10} · "
            "carbon {11}").format(
            _fmt(f["facility_mw"], "MW"), _fmt(f["it_mw"], "MW"), _fmt(f["solar_mw"], "MW"),
            _fmt(f["wind_mw"], "MW"), _fmt(f["battery_discharge_mw"], "MW"),
            _fmt(f["battery_charge_mw"], "MW"), _fmt(f["battery_soc_pct"], "%", 0),
            _fmt(f["grid_mw"], "MW"), _fmt(f["curtailment_mw"], "MW"),
            _fmt(f["renewable_share_pct"], "%"), _fmt(f["pue"], "", 2),
            _fmt(f["carbon_g_per_kwh"], "gCO2/kWh", 0))
        if all(not np.isfinite(v) for v in f.values()):
            text = stamp + self.tr(" · no data (missed poll)")
        self.readout.setText(text)
        return text
