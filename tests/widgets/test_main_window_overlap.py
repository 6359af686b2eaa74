"""The main window at 1280 x 800, fed the full simulated site: no view's header or legend
overlaps another widget or a rack (live and review)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QDockWidget, QTableView, QWidget

from console.decode import decode_jobs, decode_power, decode_racks, decode_site, decode_unhealthy

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

SIZE = (1280, 800)


def _fed_window(qtbot: Any, tmp_path: Any, review: bool) -> Any:
    from PySide6.QtCore import QSettings

    from console.hub.sim import SimulatedHub
    from widgets.main_window import MainWindow

    settings = QSettings(str(tmp_path / f"ui-{review}.ini"), QSettings.Format.IniFormat)
    hub = SimulatedHub(scale="tetouan", seed=5)
    win = MainWindow("sim://tetouan", feed=None, settings=settings, review=review)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.showNormal()
    win.resize(*SIZE)
    qtbot.waitUntil(lambda: (win.width(), win.height()) == SIZE)
    topo = decode_site(hub.site())
    win.apply(topo)
    hub.step(hub.now + 30.0)
    win.apply(decode_racks(hub.racks(), topo))
    win.apply(decode_unhealthy(hub.unhealthy_gpus()))
    win.apply(decode_jobs(hub.jobs()))
    win.apply(decode_power(hub.power(hub.now - 3 * 3600, hub.now, 10)))
    for view in win.views.values():
        view.flush()
    qtbot.wait(50)  # the docks' layout settles in the event loop
    win.views["rackmap"].fit()
    return win


def _rect_in(win: QWidget, w: QWidget, rect: QRect | None = None) -> QRect:
    r = rect if rect is not None else w.rect()
    return QRect(w.mapTo(win, r.topLeft()), r.size())


def _owned_by(found: QWidget | None, owner: QWidget) -> bool:
    return found is not None and (found is owner or owner.isAncestorOf(found))


def _points(r: QRect, step: int = 6) -> list[QPoint]:
    inner = r.adjusted(2, 2, -2, -2)
    return [QPoint(x, y) for y in range(inner.top(), inner.bottom() + 1, step)
            for x in range(inner.left(), inner.right() + 1, step)]


def _shown(w: QWidget) -> bool:
    return w.isVisible() and not w.visibleRegion().isEmpty()


def _check(win: Any) -> list[str]:
    problems = []
    docks = [d for d in win.findChildren(QDockWidget) if _shown(d) and d.widget() is not None]
    assert docks
    # dock title bars: every point of each title strip belongs to its dock
    for dock in docks:
        content = dock.widget().geometry()
        title = QRect(0, 0, dock.width(), max(0, content.top()))
        if title.height() < 4:
            continue
        for pt in _points(_rect_in(win, dock, title), 4):
            found = win.childAt(pt)
            if not _owned_by(found, dock):
                problems.append(f"{dock.windowTitle()!r} title bar under {found!r} at {pt}")
                break
    # docks shown side by side never overlap
    rects = [(d.windowTitle(), _rect_in(win, d)) for d in docks]
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1:]:
            if ra.intersects(rb):
                problems.append(f"docks {a!r} and {b!r} overlap: {ra} {rb}")
    # table headers: each header's strip belongs to its table
    for table in win.findChildren(QTableView):
        header = table.horizontalHeader()
        if not (_shown(table) and _shown(header)):
            continue
        strip = _rect_in(win, header, header.visibleRegion().boundingRect())
        for pt in _points(strip, 8):
            found = win.childAt(pt)
            if not _owned_by(found, table):
                problems.append(f"header of {table.objectName() or table!r} under {found!r}")
                break
    # the rack map: legend clear of every rack; the overlay selector in the legend's head,
    # clear of its entries; nothing else over the legend
    rackmap = win.views["rackmap"]
    if _shown(rackmap):
        legend = rackmap.legend_rect()
        racks = [r for r in rackmap.drawn_rack_rects() if not r.isEmpty()]
        if not racks:
            problems.append("the rack map draws no rack")
        covered = [r for r in racks if r.intersects(legend)]
        if covered:
            problems.append(f"{len(covered)} racks under the rack map's legend")
        box = rackmap.overlay_box.geometry()
        if not legend.toRect().adjusted(-1, -1, 1, 1).contains(box):
            problems.append(f"overlay selector {box} outside the legend {legend}")
        visible = rackmap.visibleRegion().boundingRect()
        for pt in _points(legend.toRect().intersected(visible), 5):
            found = win.childAt(rackmap.mapTo(win, pt))
            if not (found is rackmap or _owned_by(found, rackmap.overlay_box)):
                problems.append(f"the rack map's legend under {found!r} at {pt}")
                break
    return problems


@pytest.mark.parametrize("review", [False, True], ids=["live", "review"])
def test_nothing_overlaps_at_1280x800(qtbot: Any, tmp_path: Any, review: bool) -> None:
    win = _fed_window(qtbot, tmp_path, review)
    try:
        assert _check(win) == []
        # every tabbed dock in turn: its headers and legend too
        for key, dock in win.docks.items():
            if dock.isHidden():
                continue
            dock.raise_()
            qtbot.wait(20)
            if key == "rackmap":
                win.views["rackmap"].fit()
            assert _check(win) == [], key
    finally:
        win.stop()
        win.close()


def test_the_check_finds_a_legend_over_racks(qtbot: Any, tmp_path: Any) -> None:
    """The check itself: a widget laid over the map's legend, or racks panned under it, are
    found."""
    win = _fed_window(qtbot, tmp_path, False)
    try:
        rackmap = win.views["rackmap"]
        cover = QWidget(rackmap)
        cover.setGeometry(rackmap.legend_rect().toRect().adjusted(20, 40, -20, -4))
        cover.show()
        qtbot.wait(10)
        assert any("legend under" in p for p in _check(win))
        cover.deleteLater()
        qtbot.wait(10)
        clipped = rackmap.drawn_rack_rects
        rackmap.drawn_rack_rects = lambda: [rackmap.legend_rect()]  # as the old map drew
        assert any("racks under" in p for p in _check(win))
        rackmap.drawn_rack_rects = clipped
    finally:
        win.stop()
        win.close()


def test_power_axes_and_rack_detail_columns_show_at_1280x800(qtbot: Any, tmp_path: Any) -> None:
    """At 1280 x 800 the power chart's time and MW axes are drawn inside the chart, with their
    values; an open rack's GPU grid shows its server, GPU, status and job columns whole."""
    from console.decode import decode_rack_detail
    from console.hub.sim import SimulatedHub
    from widgets.rack_detail_model import GPU_COLUMNS, JOB_COL, STATUS_COL

    win = _fed_window(qtbot, tmp_path, False)
    try:
        win.docks["power"].raise_()
        qtbot.wait(20)
        chart = win.views["power"]
        view = chart.graphics.viewport().rect()
        for name in ("bottom", "left"):
            axis = chart.top.getAxis(name)
            assert axis.isVisible() and axis.style["showValues"], name
            box = chart.graphics.mapFromScene(axis.sceneBoundingRect()).boundingRect()
            assert not box.isEmpty() and view.contains(box), (name, box, view)
        assert chart.top.getAxis("bottom").height() >= chart.fontMetrics().height()
        # a rack opened in depth: the columns that name a GPU and its work are whole
        rackmap = win.views["rackmap"]
        hub = SimulatedHub(scale="tetouan", seed=5)
        rack = win.topology.rack_ids[0]
        rackmap.show_detail(decode_rack_detail(hub.rack(rack)))
        detail = rackmap.detail
        qtbot.waitUntil(lambda: detail is not None and _shown(detail.gpu_table))
        table = detail.gpu_table
        header = table.horizontalHeader()
        width = table.viewport().width()
        for col in (GPU_COLUMNS.index("Server"), GPU_COLUMNS.index("GPU"), STATUS_COL, JOB_COL):
            assert not header.isSectionHidden(col), GPU_COLUMNS[col]
            left = header.sectionViewportPosition(col)
            right = left + (header.sectionSize(col) if col != JOB_COL else 1)
            assert 0 <= left and right <= width, (GPU_COLUMNS[col], left, right, width)
    finally:
        win.stop()
        win.close()
