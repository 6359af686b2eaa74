"""The handover pack's view pages drawn for paper: light, whole, no buttons or hints."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from console.decode import decode_jobs, decode_power, decode_racks, decode_site, decode_unhealthy
from widgets.print_pages import TablesPage, print_page

SCREEN_WORDS = ("Jump to rack", "Move the mouse", "Follow live", "Show range", "Acknowledge",
                "Filter:", "Shelve")


@pytest.fixture
def window(qtbot: Any) -> Any:
    from console.hub.sim import SimulatedHub
    from widgets.main_window import MainWindow

    hub = SimulatedHub(scale="tetouan", seed=3)
    win = MainWindow("sim://tetouan", feed=None)
    qtbot.addWidget(win)
    topo = decode_site(hub.site())
    win.apply(topo)
    hub.step(hub.now + 30.0)
    win.apply(decode_racks(hub.racks(), topo))
    win.apply(decode_unhealthy(hub.unhealthy_gpus()))
    win.apply(decode_jobs(hub.jobs()))
    win.apply(decode_power(hub.power(hub.now - 3 * 3600, hub.now, 10)))
    for view in win.views.values():
        view.flush()
    yield win
    win.stop()


def _image(page: Any, size: tuple[int, int] = (1600, 1000)) -> QImage:
    img = QImage(*size, QImage.Format.Format_RGB32)
    img.fill(QColor("#7f7f7f"))
    p = QPainter(img)
    p.setFont(QFont("DejaVu Sans", 9))
    page(p, QRectF(0, 0, *size))
    p.end()
    return img


def test_rack_map_page_is_the_whole_site_on_white_with_its_legend(window: Any) -> None:
    view = window.views["rackmap"]
    img = QImage(1600, 1000, QImage.Format.Format_RGB32)
    p = QPainter(img)
    p.setFont(QFont("DejaVu Sans", 9))
    panel = view.render_print(p, QRectF(0, 0, 1600, 1000))
    p.end()
    assert img.pixelColor(2, 2) == QColor("#ffffff")  # paper, not the dark floor
    assert not panel.legend.intersects(panel.area)
    # every rack drawn, inside the map's area: the racks' grey appears in every hall's box
    grey = np.frombuffer(img.constBits(), np.uint8).reshape(1000, 1600, 4)
    assert (grey[..., :3].mean() > 200)  # light: little ink
    light = sum(1 for y in range(0, 1000, 7) for x in range(0, 1600, 7)
                if img.pixelColor(x, y) == QColor("#c9cdd3"))
    assert light > 200


def test_table_pages_hold_the_tables_not_the_controls(window: Any) -> None:
    page = print_page("gpus", window.views["gpus"])
    assert isinstance(page, TablesPage) and len(page.tables) == 2  # roll-up, then the list
    rollup, listing = page.tables
    assert rollup.headers[0] == "Hall" and [r[0] for r in rollup.rows][:2] == ["A", "B"]
    assert listing.total == len(listing.rows) > 0
    img = _image(page)
    assert img.pixelColor(1599, 999) == QColor("#ffffff")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_packs_view_pages_are_drawn_for_paper(qtbot: Any, window: Any,
                                                   tmp_path: Path) -> None:
    from widgets.export_dialog import ExportDialog

    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(tmp_path / "pack"))
    assert dialog.export_now(), dialog.error
    out = tmp_path / "pack"
    pdf = out / "handover.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    pages = text.split("\f")
    views = [pg for pg in pages if "as shown at" in pg]
    assert len(views) == 5
    for page in views:
        for words in SCREEN_WORDS:
            assert words not in page, (words, page[:300])
    rack_map = next(pg for pg in views if "Rack map" in pg)
    for hall in "ABCD":
        assert f"Hall {hall} · GB200" in rack_map
    assert "Hall E · H200" in rack_map and "no data: 0 racks" in rack_map
    power = next(pg for pg in views if "Power balance" in pg)
    assert "MW" in power and "site time" in power and "facility load" in power
    if shutil.which("pdftoppm"):
        first = next(i for i, pg in enumerate(pages) if "as shown at" in pg) + 1
        stem = tmp_path / "page"
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", str(first), "-l", str(first),
                        "-singlefile", str(pdf), str(stem)], check=True, timeout=60)
        img = QImage(str(stem.with_suffix(".png")))
        mean = np.mean([img.pixelColor(x, y).value() for y in range(0, img.height(), 5)
                        for x in range(0, img.width(), 5)])
        assert mean > 200  # a light page, not a dark screen on A4


def test_a_long_table_is_read_only_as_far_as_its_page_uses_it(qapp: Any) -> None:
    """A table of a thousand rows is read for its page (cell by cell, through the view's
    model) only as far as the page uses it: the rows it can show and those that set the
    columns' widths (200); the rows past them change nothing drawn."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from widgets.print_pages import Table, table_of

    class Counted(QStandardItemModel):
        reads = 0

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role == Qt.ItemDataRole.DisplayRole:
                Counted.reads += 1
            return super().data(index, role)

    model = Counted(0, 3)
    model.setHorizontalHeaderLabels(["Job", "User", "State"])
    for r in range(1000):
        wide = "x" * (80 if r >= 200 else 1)  # a wider cell past the rows that set widths
        model.appendRow([QStandardItem(f"job {r}"), QStandardItem(wide), QStandardItem("RUN")])
    view = QTableView()
    view.setModel(model)
    Counted.reads = 0
    table = table_of(view)
    assert Counted.reads <= 200 * 3 and table.total == 1000
    every = Table(table.headers, tuple(
        (f"job {r}", "x" * (80 if r >= 200 else 1), "RUN") for r in range(1000)), 1000)
    assert _image(TablesPage((table,))) == _image(TablesPage((every,)))


def test_the_job_queue_page_reads_its_rows_in_one_call_as_shown(window: Any) -> None:
    """The job queue's table is read through its model's rows at once (not cell by cell
    through Qt), with the texts the table shows: every cell as its display role gives it,
    in the columns shown, hidden ones left out, sorted as the table is."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableView

    from console.text import cell
    from widgets.print_pages import MAX_ROWS, table_of

    view = window.views["jobs"]
    table = next(v for v in view.findChildren(QTableView) if v.model() is view.proxy)
    table.horizontalHeader().setSectionHidden(2, True)
    view.proxy.sort(3, Qt.SortOrder.DescendingOrder)
    model = table.model()
    source = model.sourceModel()
    calls: list[int] = []
    read = source.display_rows
    source.display_rows = lambda count, columns: calls.append(count) or read(count, columns)

    got = table_of(table)

    assert calls == [min(model.rowCount(), MAX_ROWS)]
    header = table.horizontalHeader()
    columns = sorted((c for c in range(model.columnCount()) if not header.isSectionHidden(c)),
                     key=header.visualIndex)
    assert 2 not in columns and len(got.headers) == len(columns)
    n = model.rowCount()
    assert got.total == n > 0 and len(got.rows) == min(n, MAX_ROWS)
    assert got.rows == tuple(
        tuple(cell(model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole) or "", 120)
              for c in columns) for r in range(min(n, MAX_ROWS)))


def test_a_tables_columns_are_measured_once_per_distinct_text(
        qapp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A column's width comes from its widest text: each distinct text is measured once
    (a state or a partition repeats on many rows), the widths and the page the same."""
    from PySide6.QtGui import QFontMetricsF

    import widgets.print_pages as pages
    from widgets.print_pages import Table, TablesPage

    measured: list[str] = []

    class Counting(QFontMetricsF):
        def horizontalAdvance(self, text: str, *args: Any) -> float:  # noqa: N802 - Qt name
            measured.append(text)
            return super().horizontalAdvance(text, *args)

    rows = tuple((f"job {r % 3}", "RUNNING" if r % 2 else "PENDING", "gpu") for r in range(100))
    table = Table(("Job", "State", "Partition"), rows, 100)
    plain = _image(TablesPage((table,)))
    monkeypatch.setattr(pages, "QFontMetricsF", Counting)
    counted = _image(TablesPage((table,)))
    assert counted == plain
    assert sorted(measured) == sorted(["Job", "State", "Partition", "job 0", "job 1", "job 2",
                                       "RUNNING", "PENDING", "gpu"])
    empty = _image(TablesPage((Table(("Job", "State"), (), 0),)))  # headers alone
    assert empty.pixelColor(1599, 999) == QColor("#ffffff")
