"""A pyqtgraph time axis for epoch seconds, labelled in the site's time zone (or UTC).

Ticks fall on whole local minutes, hours and days (zoneinfo, so the Ramadan change
of offset in Africa/Casablanca is honoured); midnight ticks show the date.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from console.contract import DEFAULT_SITE_TZ
from console.i18n import strftime

HOUR, DAY = 3600.0, 86400.0
TICK_STEPS = (
    10,
    30,
    60,
    300,
    600,
    900,
    1800,
    HOUR,
    2 * HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    2 * DAY,
    7 * DAY,
)


MAX_TICKS = 1000
"""More ticks than this on an axis means a range no clock shows: none are drawn."""

CACHE_LIMIT = 4096
"""Tick labels and their sizes kept (a pan meets the same ticks again); cleared past this."""

_TEXT_FLAGS = (Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
               | Qt.TextFlag.TextDontClip)
_REFERENCE_DAY = datetime(2001, 1, 1)  # a Monday in January: its names tell the language


class SiteTimeAxis(pg.AxisItem):
    """Bottom axis for epoch seconds, labelled in a zoneinfo time zone (site or UTC)."""

    def __init__(self, tz: str = DEFAULT_SITE_TZ, **kwargs: object) -> None:
        super().__init__(orientation="bottom", **kwargs)
        self.tz = tz

        self._labels: dict[tuple, str] = {}
        """Tick labels by (zone, language, spacing, time): a pan labels the ticks it drew."""
        self._sizes: dict[tuple[str, str], QRectF] = {}
        """Each label's box as the axis measures it, by (text, font)."""

    def set_tz(self, tz: str) -> None:
        """Relabel in ``tz``."""
        self.tz = tz
        self.picture = None
        self.update()

    def paint(self, p: QPainter, opt: object, widget: object) -> None:
        """Drawn straight into the item's pixmap (its cache mode): the picture pyqtgraph
        records first would be played back once, since a pan draws the axis anew."""
        if self.cacheMode() == QGraphicsItem.CacheMode.NoCache:
            super().paint(p, opt, widget)
            return
        self.picture = None
        if self.style["tickFont"] is not None:
            p.setFont(self.style["tickFont"])
        specs = self.generateDrawSpecs(p)
        if specs is not None:
            self.drawPicture(p, *specs)

    def generateDrawSpecs(self, p: QPainter) -> tuple | None:  # noqa: N802 - pyqtgraph name
        """pyqtgraph's ticks, labels and their places for this bottom axis, the same, worked
        out without its general cases (other sides, grids, tick levels set by hand) and with
        each label and its size kept: a pan draws the axis again at every frame."""
        style = self.style
        if (self.orientation != "bottom" or self.grid is not False
                or self._tickLevels is not None or not style["showValues"]
                or any(style["stopAxisAtTick"]) or style["maxTextLevel"] < 0
                or style["tickAlpha"] is not None):
            return super().generateDrawSpecs(p)
        if style["tickFont"] is not None:
            p.setFont(style["tickFont"])
        bounds = self.mapRectFromParent(self.geometry())
        top = bounds.top()
        span = (pg.Point(bounds.left() - 1.0, top + 1.0),
                pg.Point(bounds.right() + 1.0, top + 1.0))
        points = [self.mapToDevice(point) for point in span]
        if None in points:
            return None
        length = pg.Point(points[1] - points[0]).length()
        if length == 0:
            return None
        lo, hi = self.range
        levels = self.tickValues(lo, hi, length)
        dif = hi - lo
        scale = 1 if dif == 0 else bounds.width() / dif
        offset = 0 if dif == 0 else lo * scale
        ends = (lo * scale - offset, hi * scale - offset)
        x_min, x_max = min(ends), max(ends)
        tick_length = style["tickLength"]
        pen = self.tickPen()
        if pen.brush().style() == Qt.BrushStyle.SolidPattern:
            pen = QPen(pen)
            colour = QColor(pen.color())
            colour.setAlpha(255)
            pen.setColor(colour)
        tick_specs = []
        text_specs: list[tuple[QRectF, Qt.AlignmentFlag, str]] = []
        text_height = 0.0
        if levels:
            spacing, values = levels[0]
            shown = [(v, x) for v in values
                     if x_min <= (x := v * scale - offset) <= x_max]
            end = top + tick_length
            tick_specs = [(pen, pg.Point(x, top), pg.Point(x, end)) for _v, x in shown]
            strings = self._labels_for([v for v, _x in shown], spacing)
            font = p.font().key()
            sizes = self._sizes
            if len(sizes) > CACHE_LIMIT:
                sizes.clear()
            rects = []
            for text in strings:
                size = sizes.get((text, font))
                if size is None:
                    size = p.boundingRect(QRectF(0, 0, 100, 100), Qt.AlignmentFlag.AlignCenter,
                                          text)
                    size.setHeight(size.height() * 0.8)  # as pyqtgraph: a little too high
                    sizes[(text, font)] = size
                rects.append(size)
            if rects:
                text_height = np.max([r.height() for r in rects])
            y = top + max(0, tick_length) + style["tickTextOffset"][1]
            box = self.boundingRect()
            for (_v, x), text, size in zip(shown, strings, rects, strict=True):
                width, height = size.width(), size.height()
                rect = QRectF(x - width / 2.0, y, width, height)
                if box & rect == rect:
                    text_specs.append((rect, _TEXT_FLAGS, text))
        self._updateMaxTextSize(text_height)
        return (self.pen(), span[0], span[1]), tick_specs, text_specs

    def _labels_for(self, values: list[float], spacing: float) -> list[str]:
        """:meth:`tickStrings` of ``values``, each worked out once for the zone and language."""
        labels = self._labels
        if len(labels) > CACHE_LIMIT:
            labels.clear()
        language = strftime(_REFERENCE_DAY, "%a %b")
        keys = [(self.tz, language, spacing, v) for v in values]
        missing = [v for v, key in zip(values, keys, strict=True) if key not in labels]
        if missing:
            for v, text in zip(missing, self.tickStrings(missing, 1.0, spacing), strict=True):
                labels[(self.tz, language, spacing, v)] = text
        return [labels[key] for key in keys]

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802
        with np.errstate(all="ignore"):
            span = maxVal - minVal
        if not np.isfinite(span) or span <= 0:
            return []
        want = max(2.0, size / 110.0)
        step = next((s for s in TICK_STEPS if span / s <= want), TICK_STEPS[-1])
        if span / step > MAX_TICKS:  # a range no clock shows (a time of -1e308): no ticks
            return []
        try:
            offset = datetime.fromtimestamp(minVal, ZoneInfo(self.tz)).utcoffset()
        except (ValueError, OverflowError, OSError):
            return []
        off = offset.total_seconds() if offset else 0.0
        first = np.ceil((minVal + off) / step) * step - off
        ticks = np.arange(first, maxVal, step)
        return [(step, ticks.tolist())]

    def tickStrings(self, values: list, scale: float, spacing: float) -> list[str]:  # noqa: N802
        zone = ZoneInfo(self.tz)
        fmt = "%a %d %b" if spacing >= DAY else "%H:%M:%S" if spacing < 60 else "%H:%M"
        out = []
        for v in values:
            try:
                d = datetime.fromtimestamp(v, zone)
            except (TypeError, ValueError, OverflowError, OSError):
                out.append("")
                continue
            text = strftime(d, fmt)  # day and month names in the chosen language
            if spacing < DAY and d.hour == 0 and d.minute == 0 and d.second == 0:
                text = strftime(d, "%d %b")
            out.append(text)
        return out
