"""Drawing helpers of the rack map: hall and row labels, the legend, the stale banner."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QPainter,
    QPen,
    QTransform,
)

from widgets.rackmap_overlays import (
    BACKGROUND,
    HIGHLIGHT,
    SCREEN,
    WARNING,
    Overlay,
    Palette,
    tr_overlay,
)
from widgets.text import cell
from widgets.view import format_age

HALL_LABEL_PAD = 8
"""Pixels between a hall's name and its outline, and below the name's top."""


def hall_label_forms(hall: Mapping[str, object]) -> tuple[str, str, str]:
    """A hall's label, longest first: "Hall A · GB200", "A · GB200", "A" (no model: the
    name alone). The map draws every hall in the same form: the longest that fits them all.
    A name the hub gives is shown as written, except the hub's default "Hall <id>", which is
    said in the chosen language."""
    hid = cell(hall.get("id", ""), 20)
    given = hall.get("name")
    if hid and (not given or given == f"Hall {hid}"):  # the hub's default name: our word
        given = QCoreApplication.translate("RackMapView", "Hall {0}").format(hid)
    name = cell(given or "", 40)
    model = cell(hall.get("gpu_model", ""), 30)
    short = hid or name
    if not model:
        return name, short, short
    return f"{name} · {model}", f"{short} · {model}", short


def uniform_hall_labels(fm: QFontMetricsF | QFontMetrics, halls: list[tuple[QRectF, tuple[str, ...]]],
                        tr: QTransform) -> list[tuple[QRectF, str]]:
    """Each hall's drawn rectangle and label, every label in the same form: the longest form
    whose text fits the width of every hall (the shortest when none does)."""
    drawn = [(tr.mapRect(rect), forms) for rect, forms in halls]
    if not drawn:
        return []
    levels = max(len(forms) for _, forms in drawn)
    for level in range(levels):
        if all(fm.horizontalAdvance(forms[min(level, len(forms) - 1)]) <= r.width() + 4
               for r, forms in drawn):
            break
    return [(r, forms[min(level, len(forms) - 1)]) for r, forms in drawn]


def paint_labels(p: QPainter, tr: QTransform, halls: list[tuple[QRectF, tuple[str, ...]]],
                 rows: list[tuple[QPointF, str]], font: QFont, with_rows: bool,
                 palette: Palette = SCREEN) -> None:
    """Hall names above each hall, all in one form (see :func:`uniform_hall_labels`); row
    ids left of each row when ``with_rows`` (zoomed in far enough to read them)."""
    p.setFont(_bold(font))
    p.setPen(palette.text)
    fm = p.fontMetrics()
    for r, label in uniform_hall_labels(fm, halls, tr):
        p.drawText(QPointF(r.left() + 2, r.top() - HALL_LABEL_PAD / 2 - fm.descent()), label)
    if not with_rows:
        return
    p.setFont(font)
    p.setPen(palette.text_dim)
    fm = p.fontMetrics()
    for pt, label in rows:
        q = tr.map(pt)
        p.drawText(QPointF(q.x() - fm.horizontalAdvance(label) - 4, q.y() + fm.ascent() / 2 - 1),
                   label)


def paint_racks(p: QPainter, overlay: Overlay, buckets: list[list[QRectF]],
                no_data: list[QRectF], highlight: list[QRectF], halls: list[QRectF],
                stale: bool, palette: Palette = SCREEN) -> None:
    """Hall outlines and every rack, in metres (the painter holds the zoom transform):
    one ``drawRects`` per colour bucket, a halo round the worst bucket, hatched "no
    data", outlines of highlighted racks; all dimmed when the data is stale."""
    p.setPen(QPen(palette.hall_outline, 0))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRects(halls)
    p.setPen(Qt.PenStyle.NoPen)
    if stale:
        p.setOpacity(0.35)
    for colour, rects in zip(overlay.colours, buckets, strict=True):
        if rects:
            p.setBrush(palette.ink(colour))
            p.drawRects(rects)
    top = buckets[-1] if buckets else []
    if top and len(overlay.colours) - 1 >= overlay.abnormal_from:
        halo = QPen(palette.ink(overlay.colours[-1]), 3)  # the worst racks stand out when small
        halo.setCosmetic(True)
        p.setPen(halo)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRects(top)
        p.setPen(Qt.PenStyle.NoPen)
    if no_data:
        p.setBrush(palette.no_data_fill)
        p.drawRects(no_data)
        outline = QPen(palette.no_data_hatch, 0)  # cosmetic: visible even when a rack is 3 px
        p.setPen(outline)
        p.setBrush(QBrush(palette.no_data_hatch, Qt.BrushStyle.BDiagPattern))
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


def _tr(text: str) -> str:
    return QCoreApplication.translate("RackMapView", text)


@dataclass(frozen=True)
class LegendItem:
    """One entry of the legend: a swatch (a colour, the "no data" hatch, or none) and text;
    or, with ``slot``, room for a widget of that size (the overlay selector)."""

    text: str
    colour: QColor | None = None
    no_data: bool = False
    dim: bool = False
    slot: QSizeF | None = None

    @property
    def swatch(self) -> bool:
        return self.colour is not None or self.no_data


def legend_items(overlay: Overlay, no_data: int, age: float | None,
                 note: str = "") -> list[LegendItem]:
    """The legend's entries: one swatch per step, no data (with a note such as "not
    collected on this site"), the data age."""
    items = [LegendItem(tr_overlay(label), colour) for colour, label in
             zip(overlay.colours, overlay.labels, strict=True)]
    items.append(LegendItem(QCoreApplication.translate("RackMapView", "no data: {0} racks").format(no_data), no_data=True))
    if note:
        items.append(LegendItem(note, dim=True))
    if age is not None:
        items.append(LegendItem(QCoreApplication.translate("RackMapView", "data age {0}").format(format_age(age)), dim=True))
    return items


SWATCH_W = 22
ITEM_GAP = 14
LEGEND_PAD = 8


def _all_items(overlay: Overlay, items: list[LegendItem], title: bool,
               head: QSizeF | None) -> list[LegendItem]:
    """What the legend's box holds, in order: the selector's room, the title, the unit, the
    entries."""
    out = [LegendItem("", slot=QSizeF(head))] if head is not None else []
    if title:
        out.append(LegendItem(tr_overlay(overlay.title)))
    return [*out, LegendItem(tr_overlay(overlay.unit), dim=True), *items]


def _flow(fm: QFontMetrics | QFontMetricsF, items: list[LegendItem], width: float,
          vertical: bool, title: bool) -> tuple[list[QPointF], float, float]:
    """Top-left of each item (inside the legend's padding), the height of all lines and the
    widest line: one item a line when ``vertical``, else items side by side, wrapped at
    ``width``; the title (when ``title``) always on a line of its own."""
    lh = fm.height() + 4
    at: list[QPointF] = []
    x = y = widest = line_h = 0.0
    for k, item in enumerate(items):
        is_title = _was_title(items, k, title)
        if item.slot is not None:
            w, h = item.slot.width(), item.slot.height() + 4
        else:
            w = (SWATCH_W + 8 if item.swatch else 0) + fm.horizontalAdvance(item.text) * (
                1.15 if is_title else 1.0)
            h = lh
        if at and (vertical or is_title or _was_title(items, k - 1, title) or x + w > width):
            x, y, line_h = 0.0, y + line_h, 0.0
        at.append(QPointF(x, y))
        x += w + ITEM_GAP
        line_h = max(line_h, h)
        widest = max(widest, x - ITEM_GAP)
    return at, y + line_h, widest


def _was_title(items: list[LegendItem], k: int, title: bool) -> bool:
    """Whether item ``k`` is the overlay's title (the first text item when ``title``)."""
    item = items[k]
    return title and item.slot is None and not item.dim and not item.swatch and (
        k == 0 or items[k - 1].slot is not None)


def legend_size(fm: QFontMetrics | QFontMetricsF, overlay: Overlay, items: list[LegendItem],
                width: float | None = None, title: bool = True,
                head: QSizeF | None = None) -> QSizeF:
    """Size of the legend box: one entry a line (``width`` None), or its entries flowed
    across ``width`` pixels (the box then that wide); ``head`` is room kept first for a
    widget (the overlay selector)."""
    every = _all_items(overlay, items, title, head)
    inner = None if width is None else max(1.0, width - 2 * LEGEND_PAD)
    _, height, widest = _flow(fm, every, inner or 0.0, inner is None, title)
    w = width if width is not None else widest + 2 * LEGEND_PAD
    return QSizeF(math.ceil(w), math.ceil(2 * LEGEND_PAD + height))


def paint_legend(p: QPainter, overlay: Overlay, box: QRectF, items: list[LegendItem],
                 vertical: bool = True, title: bool = True, palette: Palette = SCREEN,
                 head: QSizeF | None = None) -> QRectF:
    """Draw the legend in ``box`` (see :func:`legend_size`): room for the overlay selector
    (``head``), the overlay's title (when ``title``), its unit, then the entries, one a line
    or flowed across the box."""
    base = QFont(p.font())
    fm = p.fontMetrics()
    lh = fm.height() + 4
    p.setPen(QPen(palette.hall_outline, 1))
    p.setBrush(palette.legend_fill)  # opaque: blending a translucent box costs ~0.7 ms
    p.drawRect(box)
    every = _all_items(overlay, items, title, head)
    at, _, _ = _flow(fm, every, box.width() - 2 * LEGEND_PAD, vertical, title)
    x0, y0 = box.left() + LEGEND_PAD, box.top() + LEGEND_PAD
    for k, (item, pos) in enumerate(zip(every, at, strict=True)):
        if item.slot is not None:
            continue
        ix, iy = x0 + pos.x(), y0 + pos.y()
        if item.swatch:
            swatch = QRectF(ix, iy + 2, SWATCH_W, lh - 8)
            if item.no_data:
                p.fillRect(swatch, palette.no_data_fill)
                p.fillRect(swatch, QBrush(palette.no_data_hatch, Qt.BrushStyle.BDiagPattern))
            elif item.colour is not None:
                p.fillRect(swatch, palette.ink(item.colour))
            p.setPen(QPen(palette.hall_outline, 1))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(swatch)
            ix += SWATCH_W + 8
        bold = _was_title(every, k, title)
        p.setFont(_bold(base) if bold else base)
        p.setPen(palette.text_dim if item.dim else palette.text)
        p.drawText(QPointF(ix, iy + fm.ascent() + 1), item.text)
        p.setFont(base)
    return box


def paint_stale(p: QPainter, area: QRectF, age: float | None) -> None:
    """Draw the 'STALE — figures N old' banner in the bottom-left corner of the map's area."""
    p.setFont(_bold(p.font(), 1.3))
    fm = p.fontMetrics()
    text = QCoreApplication.translate("RackMapView", "STALE — figures {0} old").format(format_age(age))
    r = QRectF(area.left(), area.bottom() - fm.height() - 10, fm.horizontalAdvance(text) + 20,
               fm.height() + 10)
    p.fillRect(r, WARNING)
    p.setPen(BACKGROUND)
    p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
