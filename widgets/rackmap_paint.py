"""Drawing helpers of the rack map: hall and row labels, the legend, the stale banner."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QTransform

from widgets.rackmap_overlays import (
    BACKGROUND,
    HALL_OUTLINE,
    HIGHLIGHT,
    NO_DATA_FILL,
    NO_DATA_HATCH,
    TEXT,
    TEXT_DIM,
    WARNING,
    Overlay,
)
from widgets.view import format_age


def paint_labels(p: QPainter, tr: QTransform, halls: list[tuple[QRectF, str]],
                 rows: list[tuple[QPointF, str]], font: QFont, with_rows: bool) -> None:
    """Hall names above each hall (just the letter when the hall is narrow); row ids left
    of each row when ``with_rows`` (zoomed in far enough to read them)."""
    p.setFont(_bold(font))
    p.setPen(TEXT)
    fm = p.fontMetrics()
    for rect, label in halls:
        r = tr.mapRect(rect)
        if fm.horizontalAdvance(label) > r.width() + 8:
            label = label.removeprefix("Hall ")  # "A · GB200"
        if fm.horizontalAdvance(label) > r.width() + 8:
            label = label.split(" · ")[0]
        p.drawText(QPointF(r.left() + 4, r.top() - 4), label)
    if not with_rows:
        return
    p.setFont(font)
    p.setPen(TEXT_DIM)
    fm = p.fontMetrics()
    for pt, label in rows:
        q = tr.map(pt)
        p.drawText(QPointF(q.x() - fm.horizontalAdvance(label) - 4, q.y() + fm.ascent() / 2 - 1),
                   label)


def paint_racks(p: QPainter, overlay: Overlay, buckets: list[list[QRectF]],
                no_data: list[QRectF], highlight: list[QRectF], halls: list[QRectF],
                stale: bool) -> None:
    """Hall outlines and every rack, in metres (the painter holds the zoom transform):
    one ``drawRects`` per colour bucket, a halo round the worst bucket, hatched "no
    data", outlines of highlighted racks; all dimmed when the data is stale."""
    p.setPen(QPen(HALL_OUTLINE, 0))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRects(halls)
    p.setPen(Qt.PenStyle.NoPen)
    if stale:
        p.setOpacity(0.35)
    for colour, rects in zip(overlay.colours, buckets, strict=True):
        if rects:
            p.setBrush(colour)
            p.drawRects(rects)
    top = buckets[-1] if buckets else []
    if top and len(overlay.colours) - 1 >= overlay.abnormal_from:
        halo = QPen(overlay.colours[-1], 3)  # the worst racks stand out when small
        halo.setCosmetic(True)
        p.setPen(halo)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRects(top)
        p.setPen(Qt.PenStyle.NoPen)
    if no_data:
        p.setBrush(NO_DATA_FILL)
        p.drawRects(no_data)
        outline = QPen(NO_DATA_HATCH, 0)  # cosmetic: visible even when a rack is 3 px
        p.setPen(outline)
        p.setBrush(QBrush(NO_DATA_HATCH, Qt.BrushStyle.BDiagPattern))
        p.drawRects(no_data)
        p.setPen(Qt.PenStyle.NoPen)
    p.setOpacity(1.0)
    if highlight:
        pen = QPen(HIGHLIGHT, 2)
        pen.setCosmetic(True)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRects(highlight)


def _bold(font: QFont, scale: float = 1.0) -> QFont:
    out = QFont(font)
    out.setBold(True)
    if scale != 1.0:
        out.setPointSizeF(out.pointSizeF() * scale)
    return out


def paint_legend(p: QPainter, overlay: Overlay, at: QRectF, no_data: int,
                 age: float | None, note: str = "") -> QRectF:
    """Draw the legend box (title, unit, one swatch per step, no data, a note on the no
    data such as "not collected on this site", age); returns it."""
    base = QFont(p.font())
    fm = p.fontMetrics()
    lh = fm.height() + 4
    rows = len(overlay.colours) + 1 + (1 if age is not None else 0) + (1 if note else 0)
    x, y = at.left(), at.top()
    box = QRectF(x, y, at.width(), lh * (rows + 2) + 10)
    p.setPen(QPen(HALL_OUTLINE, 1))
    p.setBrush(QColor("#23272d"))  # opaque: blending a translucent box costs ~0.7 ms
    p.drawRect(box)
    p.setPen(TEXT)
    p.setFont(_bold(base))
    p.drawText(QPointF(x + 8, y + lh), overlay.title)
    p.setFont(base)
    p.setPen(TEXT_DIM)
    p.drawText(QPointF(x + 8, y + 2 * lh), overlay.unit)
    yy = y + 2 * lh + 6
    for colour, label in zip(overlay.colours, overlay.labels, strict=True):
        p.fillRect(QRectF(x + 8, yy, 22, lh - 6), colour)
        p.setPen(TEXT)
        p.drawText(QPointF(x + 38, yy + lh - 8), label)
        yy += lh
    swatch = QRectF(x + 8, yy, 22, lh - 6)
    p.fillRect(swatch, NO_DATA_FILL)
    p.fillRect(swatch, QBrush(NO_DATA_HATCH, Qt.BrushStyle.BDiagPattern))
    p.setPen(TEXT)
    p.drawText(QPointF(x + 38, yy + lh - 8), f"no data: {no_data} racks")
    if note:
        yy += lh
        p.setPen(TEXT_DIM)
        p.drawText(QPointF(x + 38, yy + lh - 8), note)
    if age is not None:
        p.setPen(TEXT_DIM)
        p.drawText(QPointF(x + 8, yy + 2 * lh - 8), f"data age {format_age(age)}")
    return box


def paint_stale(p: QPainter, height: int, age: float | None) -> None:
    """Draw the 'STALE — figures N old' banner in the bottom-left corner."""
    p.setFont(_bold(p.font(), 1.3))
    fm = p.fontMetrics()
    text = f"STALE — figures {format_age(age)} old"
    r = QRectF(8, height - fm.height() - 18, fm.horizontalAdvance(text) + 20, fm.height() + 10)
    p.fillRect(r, WARNING)
    p.setPen(BACKGROUND)
    p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
