"""The renewable forecast on the power chart: its P10–P90 band filled, its P50 dashed.

One graphics item for the three series and a label saying when the forecast was issued,
painted straight in screen pixels (below 1 ms for a 72 h forecast on the 7 d chart). It is
not cached in a pixmap: the chart moves by less than a pixel at each live sample, which
redraws a cache anyway, and a new forecast then paid for the pixmap as well as the band.
pyqtgraph's ``FillBetweenItem`` between two curves rebuilt its polygon from the curves'
paths point by point in Python each time either curve changed, and three curves asked for
their bounds at every paint; an issue time in the legend laid the whole chart out again
each hour.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
)

PAD_PX = 2.0
"""Room around the data for the pens, in screen pixels."""


def _runs(ok: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of True in ``ok``."""
    edges = np.diff(np.concatenate([[0], ok.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(),
                    strict=True))


def band_path(t: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> QPainterPath:
    """The closed outline between ``lo`` and ``hi`` over ``t``: one polygon for each run of
    points where all three are finite (a gap in the forecast is a gap in the band)."""
    path = QPainterPath()
    for xs, ys in band_outlines(t, lo, hi):
        run = pg.arrayToQPath(xs, ys, connect="all")
        run.closeSubpath()
        path.addPath(run)
    return path


def band_outlines(t: np.ndarray, lo: np.ndarray,
                  hi: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each finite run's outline as (x, y) arrays: ``lo`` forward, then ``hi`` back."""
    ok = np.isfinite(t) & np.isfinite(lo) & np.isfinite(hi)
    runs = [(0, len(t))] if ok.all() else _runs(ok)
    return [(np.concatenate([t[a:b], t[a:b][::-1]]), np.concatenate([lo[a:b], hi[a:b][::-1]]))
            for a, b in runs if b > a]


class ForecastBand(pg.GraphicsObject):
    """P10–P90 band and P50 line of a forecast, in the coordinates of a plot's view box,
    with a short label (when it was issued) at the top of its start.

    ``opts`` holds what a legend's swatch draws (the median's pen over the band's brush).
    The item is painted in screen pixels: the outlines are mapped to the device by numpy
    (one multiply-add an axis) and filled and stroked with no transform, which Qt's raster
    engine does several times faster than a path in data units (times in seconds since 1970
    at a scale of a thousandth of a pixel).
    """

    def __init__(self, brush: QBrush, edge: QPen, median: QPen,
                 text_colour: QColor | None = None) -> None:
        super().__init__()
        self._brush, self._edge, self._median_pen = brush, edge, median
        self._text_pen = QPen(text_colour if text_colour is not None else median.color())
        self.opts: dict[str, Any] = {"pen": median, "fillLevel": 0.0, "fillBrush": brush,
                                     "antialias": False}
        empty = np.zeros(0)
        self.t, self.p10, self.p50, self.p90 = empty, empty, empty, empty
        self._outlines: list[tuple[np.ndarray, np.ndarray]] = []
        self._data_rect = QRectF()
        self._bounds: QRectF | None = None
        self.label = ""
        """Words drawn at the top left of the band's part still to come (empty: none)."""
        self.label_after = -math.inf
        """The newest measured time (the chart's): the label starts no earlier, where the
        history does not hide the band."""
        self._label_size = (0.0, 0.0)

    # -- data ---------------------------------------------------------------------------
    def setData(self, t: np.ndarray, p10: np.ndarray, p50: np.ndarray,  # noqa: N802 - pg name
                p90: np.ndarray, label: str = "") -> None:
        """Draw this forecast (arrays of one length: times, then the three quantiles), with
        ``label`` at the top left of the band."""
        t, p10, p50, p90 = (np.asarray(a, np.float64) for a in (t, p10, p50, p90))
        if not (len(t) == len(p10) == len(p50) == len(p90)):
            raise ValueError("forecast arrays of different lengths")
        self.prepareGeometryChange()
        self.t, self.p10, self.p50, self.p90 = t, p10, p50, p90
        self._outlines = band_outlines(t, p10, p90)
        finite = np.isfinite(t)
        xs = [x for x, _y in self._outlines] + [t[finite & np.isfinite(p50)]]
        ys = [y for _x, y in self._outlines] + [p50[finite & np.isfinite(p50)]]
        x, y = np.concatenate(xs), np.concatenate(ys)
        self._data_rect = (QRectF(float(x.min()), float(y.min()), float(np.ptp(x)),
                                  float(np.ptp(y))) if len(x) else QRectF())
        self.label = label
        metrics = QFontMetricsF(QFont())  # the application's font, which the scene draws in
        self._label_size = ((metrics.horizontalAdvance(label) + 2 * PAD_PX, metrics.height())
                            if label else (0.0, 0.0))
        self._bounds = None
        self.informViewBoundsChanged()
        self.update()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 - pyqtgraph's name
        """The median's times and values (as a curve's ``getData``)."""
        return self.t, self.p50

    def band(self) -> QPainterPath:
        """The P10–P90 outline as filled."""
        return band_path(self.t, self.p10, self.p90)

    def dataBounds(self, ax: int, frac: float = 1.0,  # noqa: N802 - pyqtgraph's name
                   orthoRange: tuple[float, float] | None = None) -> tuple[float, float] | None:  # noqa: N803
        """The data's extent on axis ``ax`` (for a view box's auto range)."""
        r = self._data_rect
        if r.isNull() or not r.isValid():
            return None
        return (r.left(), r.right()) if ax == 0 else (r.top(), r.bottom())

    # -- drawing ------------------------------------------------------------------------
    def viewTransformChanged(self) -> None:  # noqa: N802 - pyqtgraph's name
        """The pens' and the label's room, in data units, change with the scale."""
        self._bounds = None
        self.prepareGeometryChange()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt name
        if self._bounds is None:
            r = QRectF(self._data_rect)
            if not r.isNull():
                px, py = abs(self.pixelWidth() or 0.0), abs(self.pixelHeight() or 0.0)
                dx, dy = PAD_PX * px, PAD_PX * py
                w, h = self._label_size
                r.adjust(-dx, -dy, dx, dy)
                # the label above the band's top, from its start (y grows up in the view)
                r.setBottom(r.bottom() + h * py)
                r.setRight(max(r.right(), r.left() + w * px))
            self._bounds = r
        return QRectF(self._bounds)

    def paint(self, p: QPainter, *_args: object) -> None:
        if not self._outlines and not len(self.t):
            return
        tr = p.transform()  # a view box scales and moves, never turns: x * sx + dx
        sx, sy, dx, dy = tr.m11(), tr.m22(), tr.dx(), tr.dy()
        p.resetTransform()
        try:
            p.setPen(self._edge)
            p.setBrush(self._brush)
            for xs, ys in self._outlines:
                p.drawPolygon(pg.functions.arrayToQPolygonF(xs * sx + dx, ys * sy + dy))
            p.setPen(self._median_pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(pg.arrayToQPath(self.t * sx + dx, self.p50 * sy + dy, connect="finite"))
            place = self.label_place(sx, sy, dx, dy)
            if place is not None:
                p.setPen(self._text_pen)
                p.drawText(place, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
                           self.label)
        finally:
            p.setTransform(tr)

    def label_place(self, sx: float, sy: float, dx: float,
                    dy: float) -> QRectF | None:
        """Where the label goes in screen pixels (``x * sx + dx``, ``y * sy + dy``): from
        the band's first point still to come, just above the band there and inside the
        plot; None when there is no label, or the band to come leaves no room for it in
        the range shown (a range ending now: the envelope's label sits there)."""
        if not self.label or not self._outlines or not len(self.t):
            return None
        w, h = self._label_size
        xs = self.t * sx + dx
        left = max(float(xs[0]), self.label_after * sx + dx)
        right = float(xs[-1])
        view = self.getViewBox()
        if view is not None:
            shown = view.viewRect()
            right = min(right, shown.right() * sx + dx)
            ceiling = min(shown.top() * sy, shown.bottom() * sy) + dy
        else:
            ceiling = -math.inf
        if left + w + PAD_PX > right:
            return None
        under = (xs >= left - 1.0) & (xs <= left + w + 1.0) & np.isfinite(self.p90)
        tops = self.p90[under] * sy + dy
        r = self._data_rect  # the band's top under the words, else its top anywhere
        top = float(tops.min()) if len(tops) else min(r.top() * sy, r.bottom() * sy) + dy
        top = max(top, ceiling + h + 2 * PAD_PX)  # never above the plot's top
        return QRectF(left + PAD_PX, top - h - PAD_PX, w, h)
