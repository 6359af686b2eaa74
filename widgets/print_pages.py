"""The handover pack's view pages drawn for paper, not grabbed from the screen.

Each view's page is what the view shows, taken when the pack is made and drawn with QPainter
in a print style: white ground, dark text, no buttons, selectors or hints. The rack map is the
whole site with its legend (:meth:`widgets.rackmap.RackMapView.render_print`), the power
balance a chart with its axes (MW, site time) and legend, the other views their tables.

:func:`print_page` takes what a view shows into a :data:`PrintPage`, a callable that draws
it into a rectangle of any painter (the PDF's page, an image).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from PySide6.QtCore import QCoreApplication, QModelIndex, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from widgets.text import cell

PrintPage = Callable[[QPainter, QRectF], None]
"""Draws one view's page into a rectangle of a painter."""

INK = QColor("#111111")
DIM = QColor("#555a61")
RULE = QColor("#b8bcc2")
HEAD_FILL = QColor("#eceef1")
MAX_ROWS = 200
"""Rows of a table taken for its page: more than a page holds (about 50 at 8 pt on A4), all
of them setting the columns' widths; the page says how many it could not show. The rows
are read cell by cell through the view's model: each one more costs the export."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("PrintPages", text)


def print_page(key: str, view: QWidget) -> PrintPage:
    """What ``view`` (the main window's view ``key``) shows now, as a page for paper."""
    if key == "rackmap" and hasattr(view, "render_print"):
        return _RackMapPage(view)
    if key == "power" and hasattr(view, "history"):
        return PowerPage.of(view)
    return TablesPage.of(view)


class _RackMapPage:
    """The rack map drawn from its view at print time (its figures are the view's at the
    moment the pack is made: the export renders while the window stands still)."""

    def __init__(self, view: Any) -> None:
        self.view = view

    def __call__(self, p: QPainter, rect: QRectF) -> None:
        self.view.render_print(p, rect)


# -- tables ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Table:
    """A table's text as shown: its column headers, rows, and the rows it held in all."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: int


def table_of(view: QAbstractItemView, limit: int = MAX_ROWS) -> Table:
    """The header and first ``limit`` rows of a table view as shown (hidden columns left
    out; each cell's text as displayed, hub text cut and isolated)."""
    model = view.model()
    if model is None:
        return Table((), (), 0)
    header = view.horizontalHeader() if isinstance(view, QTableView) else None
    columns = [c for c in range(model.columnCount())
               if header is None or not header.isSectionHidden(c)]
    if header is not None:  # in the order shown (a moved column stays where it was put)
        columns.sort(key=header.visualIndex)
    heads = tuple(cell(model.headerData(c, Qt.Orientation.Horizontal,
                                        Qt.ItemDataRole.DisplayRole) or "", 60) for c in columns)
    n = model.rowCount(QModelIndex())
    # A model that gives its rows' texts itself (the job queue's) is read in one call: the
    # same texts as cell by cell through Qt, at a fraction of the cost.
    read = getattr(model, "display_rows", None)
    texts = (read(min(n, limit), columns) if callable(read) else
             [[model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole) for c in columns]
              for r in range(min(n, limit))])
    rows = tuple(tuple(cell(text or "", 120) for text in row) for row in texts)
    return Table(heads, rows, n)


def draw_table(p: QPainter, rect: QRectF, table: Table, caption: str = "") -> float:
    """Draw ``table`` from the top of ``rect`` (columns as wide as their text allows, cut
    with an ellipsis); returns the height used. Rows that do not fit are counted below it."""
    fm = QFontMetricsF(p.font())
    lh = fm.height() * 1.35
    y = rect.top()
    if caption:
        p.setPen(INK)
        bold = QFont(p.font())
        bold.setBold(True)
        p.save()
        p.setFont(bold)
        p.drawText(QPointF(rect.left(), y + fm.ascent()), caption)
        p.restore()
        y += lh
    if not table.headers:
        p.setPen(DIM)
        p.drawText(QPointF(rect.left(), y + fm.ascent()), QCoreApplication.translate("PrintPages", "Nothing to show."))
        return y + lh - rect.top()
    pad = fm.averageCharWidth()
    bold = QFont(p.font())
    bold.setBold(True)
    bfm = QFontMetricsF(bold)
    # Each column's distinct texts measured once (a state, a partition, a user: the same
    # text on many of the 200 rows).
    natural = [max([bfm.horizontalAdvance(h),
                    *map(fm.horizontalAdvance, {r[c] for r in table.rows[:MAX_ROWS]})]) + 2 * pad
               for c, h in enumerate(table.headers)]
    widths = _water_fill(natural, rect.width())
    fits = max(0, int((rect.bottom() - y - lh) // lh))
    if fits < len(table.rows):
        fits = max(0, fits - 1)  # a line to say how many are left out
    shown = table.rows[:fits]
    p.fillRect(QRectF(rect.left(), y, sum(widths), lh), HEAD_FILL)
    for row_no, row in enumerate([table.headers, *shown]):
        x = rect.left()
        p.save()
        if row_no == 0:
            p.setFont(bold)
        p.setPen(INK)
        metrics = QFontMetricsF(p.font())  # the row's font: one measure for its cells
        for text, w in zip(row, widths, strict=True):
            shown_text = metrics.elidedText(text, Qt.TextElideMode.ElideRight,
                                            max(w - 2 * pad, 1.0))
            p.drawText(QPointF(x + pad, y + (lh + fm.ascent() - fm.descent()) / 2), shown_text)
            x += w
        p.restore()
        y += lh
        p.setPen(QPen(RULE, 0))
        p.drawLine(QPointF(rect.left(), y), QPointF(rect.left() + sum(widths), y))
    left = table.total - len(shown)
    if left > 0:
        p.setPen(DIM)
        p.drawText(QPointF(rect.left(), y + fm.ascent() + 2),
                   QCoreApplication.translate("PrintPages", "… and {0} more rows not shown on this page").format(left))
        y += lh
    return y - rect.top()


def _water_fill(natural: list[float], width: float) -> list[float]:
    """Column widths within ``width``: columns narrower than a common cap keep their own
    width, the others are cut to the cap."""
    if sum(natural) <= width:
        return natural
    room, cap = width, width / max(len(natural), 1)
    ordered = sorted(natural)
    for k, w in enumerate(ordered):
        share = room / (len(ordered) - k)
        if w > share:
            cap = share
            break
        room -= w
    return [min(w, cap) for w in natural]


@dataclass(frozen=True)
class TablesPage:
    """A view's tables (those shown, top to bottom) on paper."""

    tables: tuple[Table, ...]

    @classmethod
    def of(cls, view: QWidget) -> TablesPage:
        found = [v for v in view.findChildren(QAbstractItemView)
                 if isinstance(v, QTableView) and v.model() is not None and not v.isHidden()]
        found.sort(key=lambda v: v.mapTo(view, v.rect().topLeft()).y())
        return cls(tuple(table_of(v) for v in found))

    def __call__(self, p: QPainter, rect: QRectF) -> None:
        p.save()
        p.fillRect(rect, QColor("#ffffff"))
        top = rect.top()
        for k, table in enumerate(self.tables):
            # the first tables (a roll-up) only as tall as they are; the last takes the rest
            room = QRectF(rect.left(), top, rect.width(), rect.bottom() - top)
            used = draw_table(p, room, table)
            top += used + QFontMetricsF(p.font()).height() * (1.0 if k < len(self.tables) else 0)
            if top >= rect.bottom():
                break
        if not self.tables:
            p.setPen(DIM)
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, QCoreApplication.translate("PrintPages", "Nothing to show."))
        p.restore()


# -- the power balance -----------------------------------------------------------------------
@dataclass(frozen=True)
class Curve:
    key: str
    label: str
    colour: str
    values: np.ndarray


@dataclass(frozen=True)
class PowerPage:
    """The power balance on paper: supply stacked by source, facility and IT load, the
    envelope, axes in MW and site time, the legend, the shift's figures."""

    t: np.ndarray
    stacked: tuple[Curve, ...]
    below: tuple[Curve, ...]
    lines: tuple[Curve, ...]
    start: float
    end: float
    tz: str
    envelope: float | None
    figures: Table
    note: str

    @classmethod
    def of(cls, chart: Any) -> PowerPage:
        from widgets.power_chart import BELOW, STACK

        h = chart.history
        tz = str(getattr(chart, "tz", "UTC") or "UTC")
        envelope = getattr(chart, "envelope_mw", None)
        figures = _kpi_table(chart)
        note = cell(getattr(getattr(chart, "shift_label", None), "text", lambda: "")(), 300)
        if h is None or not len(h.t):
            return cls(np.zeros(0), (), (), (), 0.0, 0.0, tz, envelope, figures, note)
        t = np.asarray(h.t, np.float64)
        try:
            start, end = chart.x_range()
        except (AttributeError, TypeError, ValueError):
            start, end = float(t[0]), float(t[-1])
        if not (math.isfinite(start) and math.isfinite(end) and end > start):
            start, end = float(t[0]), float(t[-1])
        keep = (t >= start) & (t <= end)
        stride = max(1, int(keep.sum()) // 4000)  # paper holds ~4,000 points across a page
        keep &= (np.arange(len(t)) % stride) == 0
        t = t[keep]

        def field(name: str) -> np.ndarray:
            v = h.fields.get(name)
            return np.asarray(v, np.float64)[keep] if v is not None else np.full(len(t), np.nan)

        stacked, base = [], np.zeros(len(t))
        for key, name, label, colour in STACK:
            v = field(name)
            top = base + np.nan_to_num(v)
            stacked.append(Curve(key, label, colour, np.where(np.isfinite(v), top, np.nan)))
            base = np.where(np.isfinite(v), top, base)
        below, low = [], np.zeros(len(t))
        for key, name, label, colour in BELOW:
            v = field(name)
            bottom = low - np.nan_to_num(v)
            below.append(Curve(key, label, colour, np.where(np.isfinite(v), bottom, np.nan)))
            low = np.where(np.isfinite(v), bottom, low)
        lines = (Curve("facility", "facility load", "#111111", field("facility_mw")),
                 Curve("it", "IT load", "#555a61", field("it_mw")))
        return cls(t, tuple(stacked), tuple(below), lines, start, end, tz, envelope, figures,
                   note)

    def _range(self) -> tuple[float, float]:
        every = [c.values for c in (*self.stacked, *self.below, *self.lines)]
        finite = [v[np.isfinite(v)] for v in every]
        hi = max([float(v.max()) for v in finite if len(v)] + [self.envelope or 0.0, 1.0])
        lo = min([float(v.min()) for v in finite if len(v)] + [0.0])
        return lo - 0.04 * hi, hi * 1.1

    def __call__(self, p: QPainter, rect: QRectF) -> None:
        p.save()
        p.fillRect(rect, QColor("#ffffff"))
        fm = QFontMetricsF(p.font())
        lh = fm.height()
        figures_h = lh * 1.35 * (len(self.figures.rows) + 2) + (lh * 1.4 if self.note else 0)
        legend_h = lh * 1.6
        axis_w = fm.horizontalAdvance("0000 MW") + lh * 0.6
        plot = QRectF(rect.left() + axis_w, rect.top() + lh * 0.5,
                      rect.width() - axis_w - lh, rect.height() - lh * 0.5 - 2.6 * lh
                      - legend_h - figures_h)
        if len(self.t) and plot.height() > 4 * lh:
            self._plot(p, plot, fm)
        else:
            p.setPen(DIM)
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter, QCoreApplication.translate("PrintPages", "No power figures for this time."))
        y = plot.bottom() + 2.4 * lh
        self._legend(p, QRectF(plot.left(), y, plot.width(), legend_h), fm)
        y += legend_h
        if self.note:
            p.setPen(INK)
            p.drawText(QPointF(rect.left(), y + fm.ascent()), " · ".join(self.note.splitlines()))
            y += lh * 1.4
        if self.figures.rows:
            draw_table(p, QRectF(rect.left(), y, rect.width(), rect.bottom() - y), self.figures)
        p.restore()

    def _plot(self, p: QPainter, plot: QRectF, fm: QFontMetricsF) -> None:
        lo, hi = self._range()
        t0, t1 = self.start, self.end

        def px(t: np.ndarray) -> np.ndarray:
            return plot.left() + (t - t0) / (t1 - t0) * plot.width()

        def py(v: np.ndarray) -> np.ndarray:
            return plot.bottom() - (v - lo) / (hi - lo) * plot.height()

        x = px(self.t)
        # grid and the MW axis
        p.setPen(QPen(RULE, 0))
        for v in _ticks(lo, hi, max(3, int(plot.height() // (fm.height() * 3)))):
            yy = float(py(np.asarray(v)))
            p.setPen(QPen(RULE, 0))
            p.drawLine(QPointF(plot.left(), yy), QPointF(plot.right(), yy))
            p.setPen(INK)
            label = f"{v:,.0f}" if abs(hi - lo) >= 10 else f"{v:,.1f}"
            p.drawText(QRectF(plot.left() - 200, yy - fm.height() / 2, 200 - fm.height() * 0.3,
                              fm.height()), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       label)
        p.save()
        p.translate(plot.left() - fm.horizontalAdvance("0000 MW") - fm.height() * 0.2,
                    plot.center().y())
        p.rotate(-90)
        p.drawText(QRectF(-100, -fm.height(), 200, fm.height()), Qt.AlignmentFlag.AlignCenter,
                   "MW")
        p.restore()
        # the time axis, in site time
        zone = _zone(self.tz)
        for t, label in _time_ticks(t0, t1, zone, max(3, int(plot.width() //
                                                            (fm.horizontalAdvance("00:00") * 3)))):
            xx = float(px(np.asarray(t)))
            p.setPen(QPen(RULE, 0))
            p.drawLine(QPointF(xx, plot.top()), QPointF(xx, plot.bottom() + fm.height() * 0.3))
            p.setPen(INK)
            for k, part in enumerate(label.split("\n")):
                p.drawText(QRectF(xx - 150, plot.bottom() + fm.height() * (0.35 + k), 300,
                                  fm.height()), Qt.AlignmentFlag.AlignCenter, part)
        p.setClipRect(plot)
        base = np.full(len(x), float(py(np.asarray(0.0))))
        for c in self.stacked:  # each source from the one below it up
            y = py(c.values)
            _fill_between(p, x, y, base, QColor(c.colour))
            base = np.where(np.isfinite(y), y, base)
        base = np.full(len(x), float(py(np.asarray(0.0))))
        for c in self.below:
            y = py(c.values)
            _fill_between(p, x, y, base, QColor(c.colour))
            base = np.where(np.isfinite(y), y, base)
        for c in self.lines:
            pen = QPen(QColor(c.colour), max(1.0, fm.height() * 0.12))
            if c.key == "it":
                pen.setStyle(Qt.PenStyle.DashLine)
            _polyline(p, x, py(c.values), pen)
        if self.envelope is not None:
            pen = QPen(QColor("#d55e00"), max(1.0, fm.height() * 0.1), Qt.PenStyle.DashLine)
            p.setPen(pen)
            yy = float(py(np.asarray(self.envelope)))
            p.drawLine(QPointF(plot.left(), yy), QPointF(plot.right(), yy))
            p.drawText(QPointF(plot.left() + fm.height() * 0.3, yy - fm.descent() - 2),
                       QCoreApplication.translate("PrintPages", "{0:,.0f} MW envelope").format(self.envelope))
        p.setClipping(False)
        p.setPen(QPen(INK, 0))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(plot)
        p.setPen(DIM)
        p.drawText(QRectF(plot.left(), plot.bottom() + fm.height() * 1.4, plot.width(),
                          fm.height() * 1.1), Qt.AlignmentFlag.AlignCenter,
                   QCoreApplication.translate("PrintPages", "site time ({0})").format(self.tz))

    def _legend(self, p: QPainter, box: QRectF, fm: QFontMetricsF) -> None:
        x = box.left()
        sw = fm.height() * 1.4
        for c in (*self.stacked, *self.below, *self.lines):
            if c.key in ("facility", "it"):
                pen = QPen(QColor(c.colour), max(1.0, fm.height() * 0.12))
                if c.key == "it":
                    pen.setStyle(Qt.PenStyle.DashLine)
                p.setPen(pen)
                p.drawLine(QPointF(x, box.center().y()), QPointF(x + sw, box.center().y()))
            else:
                p.fillRect(QRectF(x, box.center().y() - fm.height() * 0.35, sw,
                                  fm.height() * 0.7), QColor(c.colour))
            p.setPen(INK)
            p.drawText(QPointF(x + sw + fm.height() * 0.3, box.center().y() + fm.ascent() / 2 - 1),
                       c.label)
            x += sw + fm.height() * 1.3 + fm.horizontalAdvance(c.label)


def _kpi_table(chart: Any) -> Table:
    """The chart's shift figures (now, shift average, shift peak) as a table."""
    labels = getattr(chart, "tile_labels", None)
    if not isinstance(labels, dict) or not labels:
        return Table((), (), 0)
    names = list(dict.fromkeys(name for _, name in labels))
    words = {"facility_mw": "facility load", "it_mw": "IT load",
             "renewable_share_pct": "renewable share", "pue": "PUE",
             "carbon_g_per_kwh": "carbon intensity"}
    rows = []
    for key, head in (("now", "now"), ("mean", "shift average"), ("peak", "shift peak")):
        rows.append((head, *(cell(labels[(key, n)].text(), 30) if (key, n) in labels else ""
                             for n in names)))
    return Table(("", *(words.get(n, n) for n in names)), tuple(rows), len(rows))


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return ZoneInfo("UTC")


def _ticks(lo: float, hi: float, most: int) -> list[float]:
    """Round values between ``lo`` and ``hi``, at most about ``most`` of them."""
    span = max(hi - lo, 1e-9)
    raw = span / max(most, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [first + k * step for k in range(int((hi - first) // step) + 1)]


STEPS_MIN = (5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440, 2880, 5760)


def _time_ticks(t0: float, t1: float, zone: ZoneInfo, most: int) -> list[tuple[float, str]]:
    """Whole hours (or days) of site time between ``t0`` and ``t1``: (epoch, label), the
    date under the hour where the day changes."""
    span_min = (t1 - t0) / 60.0
    step = next((s for s in STEPS_MIN if span_min / s <= most), STEPS_MIN[-1])
    at = datetime.fromtimestamp(t0, zone).replace(second=0, microsecond=0)
    if step >= 1440:
        at = at.replace(hour=0, minute=0)
    elif step >= 60:
        at = at.replace(hour=at.hour - at.hour % (step // 60), minute=0)
    else:
        at = at.replace(minute=at.minute - at.minute % step)
    out, day = [], None
    for _ in range(400):
        ts = at.timestamp()
        if ts > t1:
            break
        if ts >= t0:
            label = at.strftime("%H:%M")
            if at.date() != day:
                label += "\n" + at.strftime("%d %b")
                day = at.date()
            out.append((ts, label))
        at = datetime.fromtimestamp(ts + step * 60, zone).replace(second=0, microsecond=0)
        if 60 <= step < 1440 and (at.hour % (step // 60) or at.minute):  # a clock change
            at = (at + timedelta(hours=step // 60 - at.hour % (step // 60))).replace(minute=0)
    return out


def _runs(ok: np.ndarray) -> Sequence[tuple[int, int]]:
    """(start, stop) of each run of True in ``ok``."""
    edges = np.flatnonzero(np.diff(np.r_[0, ok.astype(np.int8), 0]))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True))


def _fill_between(p: QPainter, x: np.ndarray, y: np.ndarray, base: np.ndarray,
                  colour: QColor) -> None:
    from pyqtgraph.functions import arrayToQPolygonF  # loaded with the power view

    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    for a, b in _runs(np.isfinite(y)):
        if b - a < 2:
            continue
        # the run along the curve, then back along its base: its points written straight
        # into the polygon's memory (a QPointF a point took ~10 ms a curve)
        p.drawPolygon(arrayToQPolygonF(np.concatenate((x[a:b], x[a:b][::-1])),
                                       np.concatenate((y[a:b], base[a:b][::-1]))))


def _polyline(p: QPainter, x: np.ndarray, y: np.ndarray, pen: QPen) -> None:
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    for a, b in _runs(np.isfinite(y)):
        path = QPainterPath(QPointF(float(x[a]), float(y[a])))
        for u, v in zip(x[a + 1:b].tolist(), y[a + 1:b].tolist(), strict=True):
            path.lineTo(u, v)
        p.drawPath(path)
