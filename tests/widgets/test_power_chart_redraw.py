"""Power chart redraw while panning: the shortcuts draw exactly what pyqtgraph drew."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QPainter, QPicture

from bench.power_jobs import synthetic_power
from console.i18n import set_date_names
from widgets.power_chart import PowerBalanceChart

T0 = 1_780_000_000.0
DAY = 86400.0
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def chart(qtbot: Any) -> PowerBalanceChart:
    w = PowerBalanceChart()
    qtbot.addWidget(w)
    w.resize(1600, 900)
    w.show()
    qtbot.waitUntil(lambda: w.top.getViewBox().width() > 1000)
    w.set_history(synthetic_power(7 * 8640, t0=T0))
    w.set_span(7 * DAY)
    yield w
    w.stop()


def _specs(draw: Any) -> tuple | None:
    """Draw specs of an axis as plain values (pens by colour and width)."""
    picture = QPicture()
    painter = QPainter(picture)
    try:
        specs = draw(painter)
    finally:
        painter.end()
    if specs is None:
        return None
    (pen, a, b), ticks, texts = specs
    return ((pen.color().rgba(), a.x(), a.y(), b.x(), b.y()),
            [(pen.color().rgba(), pen.widthF(), p.x(), p.y(), q.x(), q.y())
             for pen, p, q in ticks],
            [(r.x(), r.y(), r.width(), r.height(), int(flags), text)
             for r, flags, text in texts])


RANGES = [
    (T0, T0 + 7 * DAY),  # the bench's week
    (T0 + 1234.5, T0 + DAY + 1234.5),  # a day, midnight inside, ticks off the edges
    (T0, T0 + 3600.0),
    (T0 + 7.0, T0 + 67.0),  # seconds
    (T0, T0 + 40 * DAY),
    (T0, T0),  # no span
    (-1e308, 1e308),  # no clock shows it
]


@pytest.mark.parametrize("zone", ["Africa/Casablanca", "UTC"])
def test_time_axis_specs_equal_pyqtgraphs(chart: PowerBalanceChart, zone: str) -> None:
    axis = chart.top.getAxis("bottom")
    axis.set_tz(zone)
    for lo, hi in RANGES:
        axis.setRange(lo, hi)
        ours = _specs(axis.generateDrawSpecs)
        assert ours == _specs(lambda p: pg.AxisItem.generateDrawSpecs(axis, p)), (lo, hi)
        assert ours == _specs(axis.generateDrawSpecs), (lo, hi)  # from its kept labels
    axis.setRange(T0, T0 + 7 * DAY)
    assert [text for *_r, text in _specs(axis.generateDrawSpecs)[2]][:2] == (
        ["Sat 30 May", "Sun 31 May"] if zone != "UTC" else ["Fri 29 May", "Sat 30 May"])


def test_time_axis_labels_kept_per_zone_and_language(chart: PowerBalanceChart) -> None:
    axis = chart.top.getAxis("bottom")
    axis.setRange(T0, T0 + 7 * DAY)
    english = [text for *_r, text in _specs(axis.generateDrawSpecs)[2]]
    assert english[0] == "Sat 30 May"
    names = {"a": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
             "b": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                   "oct.", "nov.", "déc.")}
    set_date_names(names)
    try:
        french = [text for *_r, text in _specs(axis.generateDrawSpecs)[2]]
    finally:
        set_date_names(None)
    assert french[0] == "sam. 30 mai" and len(french) == len(english)
    assert [text for *_r, text in _specs(axis.generateDrawSpecs)[2]] == english
    axis.set_tz("UTC")
    assert [text for *_r, text in _specs(axis.generateDrawSpecs)[2]][0] == "Fri 29 May"


def _pixels(chart: PowerBalanceChart, colour: str) -> int:
    """Pixels of exactly ``colour`` in the power balance plot as the window shows it."""
    import numpy as np
    from PySide6.QtGui import QColor, QImage

    view = chart.graphics
    box = view.mapFromScene(chart.top.getViewBox().sceneBoundingRect()).boundingRect()
    image = view.grab(box).toImage().convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), -1)
    return int((rows[:, :image.width()] == QColor(colour).rgb()).sum())


def test_curve_stack_draws_the_plots_curves_in_the_scenes_order(
        chart: PowerBalanceChart) -> None:
    from PySide6.QtWidgets import QGraphicsItem

    stack = chart.stack
    order = ["grid", "battery_discharge", "wind", "curtailment", "solar", "battery_charge",
             "facility", "it"]
    assert stack.items == [chart.curves[k] for k in order]
    for item in stack.items:  # drawn by the stack only
        assert item.curve.flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
    # over the curves' stand-ins, under the envelope drawn after them
    assert stack.parentItem() is chart.envelope.parentItem()
    assert stack.zValue() == chart.envelope.zValue() == 0
    siblings = stack.parentItem().childItems()
    assert siblings.index(chart.curves["it"]) < siblings.index(stack) < siblings.index(
        chart.envelope)


def test_curve_stack_follows_visibility_and_data(chart: PowerBalanceChart, qtbot: Any) -> None:
    wind, solar = "#56B4E9", "#E6C300"
    assert _pixels(chart, wind) > 10_000 and _pixels(chart, solar) > 10_000
    chart.curves["wind"].setVisible(False)  # as a click on its legend swatch does
    assert _pixels(chart, wind) == 0 and _pixels(chart, solar) > 10_000
    chart.curves["wind"].setVisible(True)
    assert _pixels(chart, wind) > 10_000
    series = synthetic_power(7 * 8640, t0=T0)
    series.fields["solar_mw"][:] = 0.0  # a week without sun: no solar area
    chart.set_history(series)
    assert _pixels(chart, solar) == 0 and _pixels(chart, wind) > 10_000


def _grid_rows(chart: PowerBalanceChart) -> list[int]:
    """Rows of the plot's middle column drawn in the grid lines' colour."""
    from PySide6.QtGui import QColor

    from widgets.power_chart import GRID_LINE

    view = chart.graphics
    box = view.mapFromScene(chart.top.getViewBox().sceneBoundingRect()).boundingRect()
    image = view.grab(box).toImage()
    x = image.width() // 2
    return [y + box.top() for y in range(image.height())
            if QColor(image.pixel(x, y)).name() == QColor(GRID_LINE).name()]


def _level_rows(chart: PowerBalanceChart) -> list[int]:
    from PySide6.QtCore import QPointF

    vb = chart.top.getViewBox()
    return [int(chart.graphics.mapFromScene(vb.mapViewToScene(QPointF(0.0, mw))).y())
            for mw in (300.0, 200.0, 100.0)]


def test_grid_lines_at_their_levels_after_a_pan_and_a_new_scale(
        chart: PowerBalanceChart) -> None:
    for item in chart.stack.items:  # the fills hide the grid lines
        item.setVisible(False)
    rows = _grid_rows(chart)
    assert len(rows) == 3
    assert all(abs(a - b) <= 1 for a, b in zip(rows, _level_rows(chart), strict=True))
    chart.top.getViewBox().translateBy(x=-5000.0)
    assert _grid_rows(chart) == rows
    series = synthetic_power(7 * 8640, t0=T0)
    series.fields["grid_mw"][:] += 400.0  # a higher peak: a new power scale
    chart.set_history(series)
    moved = _grid_rows(chart)
    assert moved != rows and len(moved) == 3
    assert all(abs(a - b) <= 1 for a, b in zip(moved, _level_rows(chart), strict=True))


def test_curve_stack_bounds_kept_at_a_pan_made_again_at_a_zoom(chart: PowerBalanceChart) -> None:
    from PySide6.QtCore import QRectF

    vb, viewport, stack = chart.top.getViewBox(), chart.graphics.viewport(), chart.stack

    def fresh() -> QRectF:  # the members' bounds worked out now, joined
        out = QRectF()
        for item in stack.items:
            item.curve._boundingRect = None
            rect = item.curve.boundingRect()
            out = out.united(rect) if out.isValid() else QRectF(rect)
        return out

    viewport.repaint()
    before = stack.boundingRect()
    kept = [item.curve._boundingRect for item in stack.items]
    vb.translateBy(x=-3600.0)
    viewport.repaint()
    assert [item.curve._boundingRect for item in stack.items] == kept  # not worked out again
    assert stack.boundingRect() == before == fresh()
    vb.scaleBy(x=0.5)  # a zoom: the pens' margins in data units shrink
    viewport.repaint()
    zoomed = stack.boundingRect()
    assert zoomed != before and zoomed == fresh()


def test_strips_follow_the_time_range_and_lead_it_when_panned(chart: PowerBalanceChart) -> None:
    top = chart.top.getViewBox()
    strips = [plot.getViewBox() for plot in chart.lower.values()]

    def ranges() -> list[list[float]]:
        return [view.viewRange()[0] for view in (top, *strips)]

    start = ranges()[0][0]
    top.translateBy(x=-3600.0)
    assert ranges()[0][0] == pytest.approx(start - 3600.0, abs=1e-3)
    assert all(r == ranges()[0] for r in ranges())
    strips[1].translateBy(x=-7200.0)  # a strip panned by hand leads the others
    moved = ranges()
    assert moved[0][0] == pytest.approx(start - 3600.0 - 7200.0, abs=1e-3)
    assert all(r == moved[0] for r in moved)
    assert not any(view.autoRangeEnabled()[0] for view in strips)
    chart.set_history(synthetic_power(7 * 8640, t0=T0 + 86400.0))  # new data: no own range
    assert all(r == ranges()[0] for r in ranges())
    # on screen, the strips' time lines up with the power balance's
    for strip in strips:
        a = top.mapViewToScene(pg.Point(T0 + 3 * DAY, 0.0)).x()
        assert strip.mapViewToScene(pg.Point(T0 + 3 * DAY, 0.0)).x() == pytest.approx(a, abs=0.5)


def test_a_new_history_is_laid_out_at_its_redraw(qtbot: Any) -> None:
    """A new history's words (tiles, status, legend) are laid out when the chart redraws:
    left to Qt's posted layout request, they moved the plots after the window's next paint,
    which then drew the whole chart a second time."""
    from PySide6.QtCore import QCoreApplication, QEvent

    w = PowerBalanceChart()
    qtbot.addWidget(w)
    w.resize(1200, 700)
    w.show()
    qtbot.waitUntil(lambda: w.top.getViewBox().width() > 600)
    vb = w.top.getViewBox()
    moved = []
    for n, t0, error in ((8640, T0, None), (400, T0 + 2.4 * DAY, "none recorded by then"),
                         (2000, T0 + 5 * DAY, None), (8640, T0 + 0.5 * DAY, "x " * 90)):
        w.set_forecast_error(error)
        w.set_history(synthetic_power(n, t0=t0))
        w.flush()
        before = vb.sceneBoundingRect()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        moved.append(vb.sceneBoundingRect() != before)
    assert moved == [False] * 4
    w.stop()


def test_a_new_history_gives_each_curve_its_samples_once_in_one_range_change(
        chart: PowerBalanceChart) -> None:
    """A new history (a review's jump) moves the power balance's time and power range in
    one change and gives each curve its samples once: a new power scale made every curve
    take its old samples again (pyqtgraph's range limit on the values drawn), then the time
    range told every item again, before the curves took the new samples."""
    from unittest.mock import patch

    vb = chart.top.getViewBox()
    changes = []
    vb.sigRangeChanged.connect(lambda *args: changes.append(args))
    given: dict[str, int] = {}
    keys = {id(item.curve): key for key, item in chart.curves.items()}
    real = pg.PlotCurveItem.setData

    def counted(curve: pg.PlotCurveItem, *args: Any, **kwargs: Any) -> None:
        key = keys.get(id(curve))
        if key is not None:
            given[key] = given.get(key, 0) + 1
        real(curve, *args, **kwargs)

    for n, t0, scale in ((8640, T0 + 3 * DAY, 1.0), (2000, T0 + 5 * DAY, 1.6)):
        series = synthetic_power(n, t0=t0)
        series = type(series)(time=series.time, received=series.received, t=series.t,
                              fields={k: v * scale for k, v in series.fields.items()},
                              step=series.step, missing=series.missing)
        changes.clear()
        given.clear()
        with patch.object(pg.PlotCurveItem, "setData", counted):
            chart.set_history(series)
        assert len(changes) == 1
        assert given and set(given.values()) == {1}, given
        lo, hi = vb.viewRange()[0]
        assert hi >= float(series.t[-1]) and lo < float(series.t[-1])


def test_a_paint_right_after_a_new_history_draws_it(qtbot: Any) -> None:
    """A chart painted at once after a new history (a review's jump drawn before the event
    loop runs, a grab for the handover pack) shows that history: the scene took the curves'
    changes in a queued call, and a paint before it drew the previous history's curves
    from their pixmaps (the event loop then painted the chart again)."""
    from PySide6.QtWidgets import QApplication

    w = PowerBalanceChart()
    qtbot.addWidget(w)
    w.resize(900, 600)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.top.getViewBox().width() > 300)
    def shown() -> Any:  # the screen asked each time: a wrapper kept may be stale
        return w.screen().grabWindow(w.winId()).toImage()

    qtbot.waitUntil(lambda: not shown().isNull())

    for n, t0, scale in ((8640, T0, 1.0), (2000, T0 + 2 * DAY, 1.5), (8640, T0 + 5 * DAY, 0.7)):
        series = synthetic_power(n, t0=t0)
        w.set_history(type(series)(time=series.time, received=series.received, t=series.t,
                                   fields={k: v * scale for k, v in series.fields.items()},
                                   step=series.step, missing=series.missing))
        w.repaint()
        at_once = shown()
        QApplication.processEvents()
        QApplication.processEvents()
        assert at_once == shown()
    w.stop()
