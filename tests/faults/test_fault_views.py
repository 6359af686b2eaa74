"""Fault suite: the views over hostile values the decoders may let through.

Every snapshot here is built directly (no decoder in between) with what a broken or
hostile hub could send: markup (``<img src=file:///etc/hosts>``, ``<b>``), 100,000-character
ids, a right-to-left override (U+202E), NaN, inf and -1e308, lists where text belongs,
floats where counts belong, records that are no records and records without keys. They are
fed the way the main window feeds its views (``MainWindow.apply``, ``on_alarms``,
``on_rack_detail``), then every view is drawn. Nothing may raise (pytest-qt fails a test on
an exception in a Qt callback; a view that catches its own failure counts it in
``redraw_errors``), no model may be left half reset, every tooltip is escaped, every column
stays within a bound in font metrics, and outside text is cut. The handover PDF keeps a
site name carrying U+202E isolated.
"""

from __future__ import annotations

import dataclasses
import html
import logging
import math
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6 import QtGui
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QTableView,
    QTreeView,
    QWidget,
)

from console.alarms import Alarm
from console.alarms.plans import PlannedShelf
from console.alarms.state import AlarmUpdate
from console.contract import POWER_FIELDS, RACK_FIELDS
from console.maintenance import MaintenanceItem, make_list
from console.model import (
    JobsSnapshot,
    PowerSeries,
    RackDetailSnapshot,
    RackTelemetry,
    SiteTopology,
    UnhealthyGpus,
)
from tests.console.test_jobs import NOW, job
from widgets.main_window import MainWindow
from widgets.text import CELL_CHARS, COLUMN_CHARS, FSI, PDI, TIP_CHARS

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

IMG = "<img src=file:///etc/hosts>"
BOLD = "<b>bold</b>"
LONG = "R" * 100_000
RLO = "\u202eevil"
T = 1_780_000_000.0
might_be_rich = QtGui.Qt.mightBeRichText
"""Qt's guess that a string is rich text (what QLabel and QToolTip act on)."""


# -- hostile snapshots -----------------------------------------------------------------------
def topology() -> SiteTopology:
    """Three racks: one with a 100,000-character id, one placed at NaN, one at 1e308."""
    racks = tuple(
        {"id": rid, "hall": "A", "row": "A-01", "gpu_model": gm, "capacity_kw": 132.0,
         "gpus": 72}
        for rid, gm in (("A-01-01", "GB200"), (LONG, IMG), ("A-01-03", RLO)))
    return SiteTopology(
        time=T, received=T, name=RLO + " hub", timezone="Africa/Casablanca",
        capacity_mw=math.inf,
        halls=({"id": "A", "name": RLO + LONG, "gpu_model": IMG, "x": 10.0, "y": 10.0,
                "w": 8.6, "h": 7.2},
               {"id": BOLD, "name": "Hall B", "x": "west", "y": math.nan, "w": 1, "h": 1}),
        rows=({"id": LONG, "hall": "A", "x": 14.0, "y": 13.0, "h": 1.2},
              {"id": "A-02", "x": [1], "y": 1.0, "h": 1.0}),
        racks=racks,
        rack_index={r["id"]: i for i, r in enumerate(racks)},
        geometry=np.array([[14, 13, 0.6, 1.2], [math.nan, 13, 0.6, 1.2],
                           [1e308, 13, 0.6, 1.2]], float),
        capacity_kw=np.array([132.0, math.nan, 1e308]),
        gpus=np.array([72, 72, 72], np.int32),
        hall_index=np.zeros(3, np.int16),
        row_index=np.zeros(3, np.int32),
    )


def telemetry() -> RackTelemetry:
    fields = {f: np.array([1e308, math.nan, -math.inf]) for f in RACK_FIELDS}
    return RackTelemetry(time=math.nan, received=T, fields=fields,
                         missing=np.array([False, False, True]), unknown_ids=(LONG,))


GPU_RECORDS: tuple[Any, ...] = (
    {"uuid": IMG, "rack": LONG, "hall": "A", "node": BOLD, "slot": 0, "status": "failed",
     "xid": 79, "since": -1e308, "clock_event_reasons": math.nan, "temp_c": math.nan,
     "ecc_dbe": 2.0, "model": RLO},
    {"uuid": "GPU-2", "rack": "A-01-01", "status": ["degraded"], "xid": [48],
     "since": math.nan, "clock_event_reasons": math.inf, "temp_c": math.inf, "ecc_dbe": 1e308,
     "slot": "x", "row_remap_failure": "yes"},
    {},
    "not a record",
    {"uuid": "GPU-4", "rack": "A-01-03", "status": "degraded", "since": 1e308,
     "clock_event_reasons": 0x40 | 2**70, "temp_c": 1e308, "row_remap_failure": True},
)


def unhealthy() -> UnhealthyGpus:
    return UnhealthyGpus(time=-1e308, received=T, gpus=GPU_RECORDS,
                         counts={"failed": math.nan, "off_bus": [1], "degraded": 2.5},
                         not_collected={"ecc_dbe": IMG, LONG: BOLD})


def _objects(*values: Any) -> np.ndarray:
    out = np.empty(len(values), object)
    out[:] = list(values)
    return out


def hostile_jobs(invalid: Any = 0) -> JobsSnapshot:
    """Three jobs with a list for a state, a dict for a partition, NaN and text for GPU
    counts, times of ±1e308 (``invalid``: the count of records the source dropped)."""
    nan = math.nan
    columns = {
        "id": np.array([1, 2, 3], np.int64),
        "name": _objects(IMG, LONG, RLO),
        "tenant": _objects(BOLD, RLO + "Tenant", None),
        "tenant_kind": _objects("research", ["startup"], None),
        "tenant_country": _objects("MA", 5, None),
        "user": _objects(IMG, "u", 7),
        "partition": _objects("gpu", {"p": 1}, LONG),
        "state": _objects(["RUNNING"], "PENDING", "FAILED"),  # a list for a job state
        "reason": _objects("Resources", None, 3),
        "gpus": _objects(nan, "8", 1e308),
        "nodes": np.array([1, 1, 1], np.int64),
        "racks": _objects(("A-01-01",), "A-01-03", [LONG]),
        "submit_time": np.array([-1e308, nan, 1e308]),
        "start_time": np.array([nan, math.inf, -math.inf]),
        "end_time": np.full(3, nan),
        "time_limit_s": np.full(3, nan),
        "state_flags": _objects(None, [1], "COMPLETING"),
        "state_description": _objects(None, IMG, LONG),
        "array_tasks": _objects(0, nan, 2**62),
        "begin_time": np.full(3, nan),
    }
    return JobsSnapshot(time=T, received=T, columns=columns, invalid=invalid,
                        partition_gpus={"gpu": [1, 2]})  # type: ignore[dict-item]


def good_jobs() -> JobsSnapshot:
    from console.decode import jobs_from_records

    return jobs_from_records([job(id=10), job(id=11, state="RUNNING")], NOW, received=NOW)


def power() -> PowerSeries:
    t = np.array([T, math.nan, -1e308, T + 20, T + 10, 1e308])
    fields = {f: np.full(6, 1e308) for f in POWER_FIELDS if f not in ("pue", "solar_mw")}
    fields["facility_mw"] = np.array([300.0, 1, 2, 310.0, math.nan, 5])
    fields["wind_mw"] = np.array([1.0, 2.0])  # of another length
    return PowerSeries(time=math.nan, received=T, t=t, fields=fields, step=-1.0,
                       missing={"solar_mw": IMG + LONG, "pue": [1]})  # type: ignore[dict-item]


def rack_detail() -> RackDetailSnapshot:
    gpus = [
        {"index": 0, "uuid": IMG, "status": "failed", "job_id": 42, "temp_c": math.nan,
         "power_w": 1e308, "util_pct": "x", "mem_used_mib": math.nan, "mem_total_mib": 1e308,
         "ecc_sbe": 3.0, "ecc_dbe": 1.5, "xid": [79], "clock_event_reasons": math.nan},
        {"index": "1", "uuid": "GPU-b", "status": ["x"], "job_id": "42", "ecc_sbe": 2**80,
         "ecc_dbe": -math.inf},
        "junk",
    ]
    return RackDetailSnapshot(
        time=math.nan, received=T,
        rack={"id": LONG, "hall": RLO, "row": IMG, "gpu_model": BOLD, "cooling": ["air"]},
        nodes=({"host": "n1", "state": ["drain"], "gpus": gpus}, "junk",
               {"host": IMG, "gpus": 5}),
        pdus=({"feed": LONG, "load_kw": math.nan, "rating_kw": 0},
              {"feed": "B", "load_kw": 1e308, "rating_kw": 1e-308, "tripped": "no"}, 3),
        jobs=({"id": 42, "name": IMG, "tenant": RLO + "Tenant", "user": BOLD,
               "state": ["RUNNING"], "gpus": math.nan}, "junk"),
        events=({"time": -1e308, "severity": ["high"], "message": LONG},
                {"time": "noon", "severity": "critical", "message": IMG}),
    )


def _alarm(**kw: Any) -> Alarm:
    base: dict[str, Any] = {"id": "a1", "rule": "inlet_high", "priority": "high",
                            "state": "UNACK", "active": True, "message": "", "time": T,
                            "changed": T}
    return Alarm(**(base | kw))


def alarms_update() -> AlarmUpdate:
    item = MaintenanceItem(
        device="GPU-" + LONG, slot=["0"], node=BOLD, host=IMG, rack=LONG, row="A-01", hall="A",
        model=RLO, status="failed", xid=79, cause=IMG, group="rma", job_id=42,
        job_name=IMG, tenant=RLO + "Tenant", first_seen=-1e308, last_seen=math.nan,
        count=math.inf, node_state=["drain"])  # type: ignore[arg-type]
    return AlarmUpdate(
        time=T,
        alarms=(
            _alarm(message=f"Inlet above 32 °C on {LONG}", area=LONG, rack=LONG, racks=(LONG,),
                   operator=RLO, comment=IMG, value=33.0),
            _alarm(id="a2", rule=["x"], priority=["critical"], state=["UNACK"], message=IMG,
                   time=math.nan, changed="x", value="abc", area=BOLD, detail=(LONG, 5)),
            _alarm(id="a3", rule="gpu_cluster", priority="critical", state="SHELVED",
                   message=BOLD, time=-1e308, changed=-1e308, value=1e308,
                   shelved_until=math.nan, gpus=(IMG,), area="row A-01"),
        ),
        plans=(PlannedShelf(id="p1", scope=LONG, start="x", end=math.nan,  # type: ignore[arg-type]
                            operator=RLO, reason=IMG),),
        maintenance=make_list(T, [item]),
    )


# -- fixtures and checks -----------------------------------------------------------------------
@pytest.fixture
def window(qtbot: Any) -> Iterator[MainWindow]:
    w = MainWindow("sim://faults", feed=None)
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    w.show()
    yield w
    w.stop()


def _views(window: MainWindow) -> list[Any]:
    return [window.summary, *window.views.values()]


def draw(window: MainWindow) -> None:
    """Redraw every view now and paint the whole window (exceptions in paint events fail
    the test through pytest-qt)."""
    window.refresh_ages()
    for view in _views(window):
        view.mark_dirty()
        view.flush()
    window.grab()


def assert_drawn(window: MainWindow, caplog: pytest.LogCaptureFixture) -> None:
    """No view failed a redraw, nothing was logged as an error."""
    assert {type(v).__name__: v.redraw_errors for v in _views(window)} == {
        type(v).__name__: 0 for v in _views(window)}
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


def assert_plain_tip(tip: Any) -> None:
    """A tooltip shows as typed: plain, or rich text whose markup is all ours (escaped)."""
    if not tip:
        return
    assert isinstance(tip, str)
    if not might_be_rich(tip):
        return
    doc = QTextDocument()
    doc.setHtml(tip)
    shown = doc.toPlainText()
    assert "\ufffc" not in shown  # no object (an image) in it
    assert "<img" not in tip.lower() and "<b>bold" not in tip  # outside markup escaped
    assert len(shown) <= TIP_CHARS + 200


def walk(model: QAbstractItemModel, parent: QModelIndex | None = None) -> Iterator[QModelIndex]:
    parent = parent or QModelIndex()
    for r in range(model.rowCount(parent)):
        for c in range(model.columnCount(parent)):
            index = model.index(r, c, parent)
            yield index
            if c == 0 and model.rowCount(index) > 0:
                yield from walk(model, index)


def assert_cells_plain(view: QTableView | QTreeView) -> int:
    """Every cell of ``view``: plain text cut to a bound, escaped tooltip, a stock delegate
    (which never reads markup). Returns the number of cells."""
    assert type(view.itemDelegate()) is QStyledItemDelegate
    n = 0
    for index in walk(view.model()):
        text = index.data(Qt.ItemDataRole.DisplayRole)
        assert text is None or isinstance(text, str | int | float)
        if isinstance(text, str):
            assert len(text) <= CELL_CHARS, (index.row(), index.column(), len(text))
            assert "\u202e" not in text  # an override in a name would show it backwards
        assert_plain_tip(index.data(Qt.ItemDataRole.ToolTipRole))
        n += 1
    return n


def assert_columns_bounded(view: QTableView | QTreeView) -> None:
    """After sizing to contents, no column is wider than the bound in font metrics (columns
    that stretch to fill the view excepted: the view bounds them)."""
    header = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
    cap = COLUMN_CHARS * view.fontMetrics().averageCharWidth()
    if isinstance(view, QTableView):
        view.resizeColumnsToContents()
    else:
        for col in range(header.count()):
            view.resizeColumnToContents(col)
    last = header.count() - 1
    for col in range(header.count()):
        stretch = header.sectionResizeMode(col) == QHeaderView.ResizeMode.Stretch or (
            header.stretchLastSection() and col == last)
        if not stretch:
            assert header.sectionSize(col) <= cap, (type(view.model()).__name__, col)


def assert_widgets_plain(root: QWidget) -> None:
    """Labels show outside text as plain text; widget tooltips are escaped; combo box items
    and label texts are bounded."""
    for label in root.findChildren(QLabel):
        text = label.text()
        assert label.textFormat() == Qt.TextFormat.PlainText or not might_be_rich(text)
        assert len(text) <= 5_000, (label.objectName(), len(text))
    for widget in [root, *root.findChildren(QWidget)]:
        assert_plain_tip(widget.toolTip())
    for box in root.findChildren(QComboBox):
        assert all(len(box.itemText(i)) <= 100 for i in range(box.count()))


def item_views(root: QWidget) -> list[QTableView | QTreeView]:
    return [v for v in root.findChildren(QTableView) + root.findChildren(QTreeView)
            if v.model() is not None]


class ResetCounter:
    """Counts a model's reset begins and ends (equal: never left half reset)."""

    def __init__(self, model: QAbstractItemModel) -> None:
        self.begun = self.ended = 0
        model.modelAboutToBeReset.connect(self._begin)
        model.modelReset.connect(self._end)

    def _begin(self) -> None:
        self.begun += 1

    def _end(self) -> None:
        self.ended += 1


# -- the tests ----------------------------------------------------------------------------------
def test_site_views_over_hostile_snapshots(window: MainWindow,
                                           caplog: pytest.LogCaptureFixture) -> None:
    """Site layout, rack telemetry, unhealthy GPUs, jobs and power, all hostile, through
    ``MainWindow.apply``: every view draws, shows what it can, bounds its columns."""
    gpus_view, jobs_view = window.views["gpus"], window.views["jobs"]
    resets = [ResetCounter(gpus_view.model), ResetCounter(jobs_view.model)]
    for snap in (topology(), telemetry(), unhealthy(), hostile_jobs(), power()):
        window.apply(snap)
    draw(window)
    assert_drawn(window, caplog)
    assert all(r.begun == r.ended >= 1 for r in resets)
    # every record that is a record is listed; the one that is not is left out
    assert gpus_view.model.rowCount() == sum(isinstance(g, dict) for g in GPU_RECORDS) == 4
    assert jobs_view.model.rowCount() == 3 and jobs_view.proxy.rowCount() == 3
    cells = {i.data() for i in walk(gpus_view.model)}
    assert "—" in cells or "unknown" in cells  # a since of -1e308 or NaN: no clock shows it
    # the model is live, not stuck in a reset: a good snapshot replaces the hostile one
    window.apply(good_jobs())
    draw(window)
    assert jobs_view.model.rowCount() == 2 and resets[1].begun == resets[1].ended
    window.apply(hostile_jobs())
    draw(window)
    for view in item_views(window):
        assert_cells_plain(view)
        assert_columns_bounded(view)
    assert_widgets_plain(window)
    # the tenant with an override: dropped, and the name isolated from "(kind, country)"
    tenants = [i.data() for i in walk(jobs_view.model) if i.column() == 2]
    assert any(t.startswith(f"{FSI}evilTenant{PDI} (") for t in tenants), tenants
    # sorting and filtering hostile columns neither raise nor lose rows
    for col in range(jobs_view.model.columnCount()):
        jobs_view.proxy.sort(col, Qt.SortOrder.DescendingOrder)
        gpus_view.proxy.sort(min(col, 10), Qt.SortOrder.AscendingOrder)
    jobs_view.text_edit.setText("evil")  # in a name and a tenant behind an override
    assert jobs_view.proxy.rowCount() == 2
    jobs_view.user_edit.setText("7")  # a user given as a number
    assert jobs_view.proxy.rowCount() == 1
    jobs_view.table.setCurrentIndex(jobs_view.proxy.index(0, 0))
    assert jobs_view.detail.textFormat() == Qt.TextFormat.PlainText
    assert len(jobs_view.detail.text()) < 2_000
    gpus_view.set_filter("xid79")
    gpus_view.table.selectRow(0)
    assert_drawn(window, caplog)


def test_rack_map_with_a_huge_id_and_no_place_on_the_floor(
        window: MainWindow, caplog: pytest.LogCaptureFixture) -> None:
    rackmap = window.views["rackmap"]
    window.apply(topology())
    window.apply(telemetry())
    draw(window)
    assert math.isfinite(rackmap.scale) and rackmap.scale > 0
    tip = rackmap.tooltip_text(LONG)
    assert 0 < len(tip) < 2_000 and html.escape(IMG) in tip and "<img" not in tip
    assert rackmap.tooltip_text("A-01-03")  # placed at 1e308: still described
    for overlay in rackmap.overlays():
        rackmap.set_overlay(overlay)
        rackmap.grab()
    rackmap.select_rack(LONG)
    rackmap.highlight_racks([LONG, "nowhere"])
    rackmap.grab()
    assert_drawn(window, caplog)


def test_rack_detail_with_hostile_gpus_jobs_pdus_and_events(
        window: MainWindow, caplog: pytest.LogCaptureFixture) -> None:
    rackmap = window.views["rackmap"]
    window.apply(topology())
    window.on_rack_detail(rack_detail())
    detail = rackmap.detail
    assert detail is not None and detail.isVisible()
    resets = ResetCounter(detail.gpu_model)
    window.on_rack_detail(rack_detail())
    assert resets.begun == resets.ended
    assert detail.gpu_model.rowCount() == 2  # two GPU records, one "junk"
    assert detail.job_model.rowCount() == 1 and detail.event_model.rowCount() == 2
    assert len(detail.title.text()) <= 40 and detail.title.textFormat() == Qt.TextFormat.PlainText
    cells = [i.data() for i in walk(detail.gpu_model)]
    assert "3" in cells  # an SBE count given as 3.0 reads as the count
    assert "1.5" in cells  # a fractional one as it is, not an exception
    assert detail.select_gpu(IMG)
    info = detail.gpu_info.text()
    assert detail.gpu_info.textFormat() == Qt.TextFormat.PlainText
    assert f"{FSI}{IMG}{PDI}" in info and "\u202e" not in info and len(info) < 1_000
    rackmap.grab()
    for view in item_views(detail):
        assert_cells_plain(view)
        assert_columns_bounded(view)
    assert_widgets_plain(detail)
    assert_drawn(window, caplog)


def test_alarm_list_stays_bounded_with_a_huge_rack_id(
        window: MainWindow, caplog: pytest.LogCaptureFixture) -> None:
    """The alarm that quotes a 100,000-character rack id: its area and message are cut, and
    the message column starts within a few bounded columns (before, 764,000 px away)."""
    from widgets.alarm_model import COLUMNS

    alarms = window.views["alarms"]
    resets = ResetCounter(alarms.model)
    window.apply(topology())
    window.on_alarms(alarms_update())
    draw(window)
    assert resets.begun == resets.ended >= 1
    assert alarms.model.rowCount() == 3
    alarms.set_filters(state="All states")
    header = alarms.table.horizontalHeader()
    cap = COLUMN_CHARS * alarms.table.fontMetrics().averageCharWidth()
    message = COLUMNS.index("Message")
    assert header.sectionSize(COLUMNS.index("Area")) <= cap
    assert header.sectionPosition(message) <= message * cap
    alarms.table.resizeColumnsToContents()
    assert header.sectionPosition(message) <= message * cap
    for view in item_views(alarms):
        assert_cells_plain(view)
        assert_columns_bounded(view)
    for row in range(alarms.proxy.rowCount()):
        alarms.table.selectRow(row)
        assert len(alarms.detail.toPlainText()) < 5_000
    banner = window.alarm_banner
    assert banner.first is not None and len(banner.first_label.text()) < 400
    assert_widgets_plain(window)
    maintenance = window.views["maintenance"]
    maintenance.flush()
    assert maintenance.visible_items() == 1
    for view in item_views(maintenance):
        assert_cells_plain(view)
        assert_columns_bounded(view)
    assert_drawn(window, caplog)


def test_handover_pdf_keeps_a_site_name_with_an_override_isolated(
        qapp: Any, tmp_path: Path) -> None:
    """U+202E in the site's name once reversed the PDF's page header ('… revodnah tfihs —');
    the name is isolated and its override dropped, in the header and in the report."""
    from console.handover import HandoverData, ShiftWindow
    from console.handover.report import report_html
    from widgets.export import write_pdf

    data = HandoverData(shift=ShiftWindow(T, T + 8 * 3600), site_name="Tetouan \u202eNorth hub",
                        source="sim://faults")
    page = report_html(data)
    assert f"{FSI}Tetouan North hub{PDI}" in page and "\u202e" not in page
    bad = dataclasses.replace(data, site_name=LONG + IMG, source=IMG,
                              warnings=(RLO + LONG,), missing={"power": IMG})
    page = report_html(bad)
    assert "<img" not in page and len(page) < 20_000  # cut and escaped
    path = tmp_path / "handover.pdf"
    write_pdf(path, data, {})
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, timeout=60, check=True).stdout
    head = text.splitlines()[0]
    assert head.startswith("Tetouan North hub — shift handover — "), head
    assert "revodnah" not in text and "buh htroN" not in text


def test_text_helpers_bound_and_isolate_any_value() -> None:
    from widgets.text import clip, figure, isolate, plain_tooltip
    from widgets.view import SiteClock, format_age

    assert isolate(RLO) == f"{FSI}evil{PDI}" and isolate(None) == "" and isolate([1]) == (
        f"{FSI}[1]{PDI}")
    assert len(isolate(LONG)) <= 302 and clip(LONG, 10) == "R" * 9 + "…"
    assert clip("GPU-" + "a" * 50 + "-end", 20, middle=True).endswith("-end")
    tip = plain_tooltip(IMG + LONG)
    assert "<img" not in tip and len(tip) < TIP_CHARS + 200
    assert max(map(len, QTextDocumentLines(tip))) <= 100  # long lines broken
    assert (figure(1e308, ".0f"), figure(3.0, "d"), figure(1.5, "d"), figure("7")) == (
        "1e+308", "3", "1.5", "n/a")
    assert format_age(math.inf) == format_age(math.nan) == format_age(1e308) == "—"
    assert format_age("x") == "—" and format_age(61) == "1 min 01 s"  # type: ignore[arg-type]
    site = SiteClock("Africa/Casablanca")
    assert site.clock(-1e308) == site.clock(math.nan) == site.clock([1]) == "—"
    assert site.day_clock(math.inf, 0.0) == "—" and site.at("x") is None


def QTextDocumentLines(tip: str) -> list[str]:  # noqa: N802 - reads as what it does
    doc = QTextDocument()
    doc.setHtml(tip)
    return doc.toPlainText().splitlines()


def test_time_axis_over_times_no_clock_shows(qapp: Any) -> None:
    from widgets.time_axis import SiteTimeAxis

    axis = SiteTimeAxis()
    assert axis.tickValues(-1e308, 1e308, 800) == []
    assert axis.tickValues(math.nan, T, 800) == []
    assert axis.tickStrings([math.nan, 1e308, T], 1.0, 3600.0)[:2] == ["", ""]
    assert axis.tickValues(T, T + 86400, 800)[0][1]  # a real day still has its ticks


def test_job_sort_and_search_never_size_text_arrays_by_the_longest_name(qapp: Any) -> None:
    """Sorting by name and searching once built numpy text arrays as wide as the longest
    name for every row: 200 names of 100,000 characters took 80 MB. Now Python strings."""
    import tracemalloc

    from widgets.jobs_model import COLUMN_KEYS, JobsTableModel

    jobs = good_jobs()
    n = 200
    columns = {k: np.repeat(v, n // 2) for k, v in jobs.columns.items()}
    names = np.empty(n, object)
    names[:] = [f"{i:03d}" + LONG for i in range(n)]
    columns["name"] = names
    columns["id"] = np.arange(n, dtype=np.int64)
    model = JobsTableModel()
    model.set_snapshot(dataclasses.replace(jobs, columns=columns))
    tracemalloc.start()
    try:
        model.sort(COLUMN_KEYS.index("name"), Qt.SortOrder.DescendingOrder)
        model.set_filters(text="199", user="nobody")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20e6, peak
    model.set_filters()
    assert model.index(0, COLUMN_KEYS.index("name")).data().startswith("199")


def test_alarm_performance_panel_over_times_no_clock_shows(
        qapp: Any, caplog: pytest.LogCaptureFixture) -> None:
    from console.alarms.kpis import AlarmCount, AlarmKpis
    from widgets.alarm_kpis import AlarmKpiPanel

    panel = AlarmKpiPanel()
    top = AlarmCount(alarm_id=LONG, rule="inlet_high", priority=IMG, count=3)
    kpis = AlarmKpis(start=math.nan, end=-1e308, raised=1, top_alarms=(top,),
                     chattering=(top,), ack_times_s=(math.inf, 1e308))
    panel.set_kpis(kpis, (math.nan, -1e308), since=1e308)
    assert "—" in panel.title.text()
    assert len(panel.top.text()) < 1_000 and panel.top.textFormat() == Qt.TextFormat.PlainText
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    panel.deleteLater()
