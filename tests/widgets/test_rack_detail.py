"""Rack detail: the GPU grid sorted unhealthy first with the job and tenant on each GPU,
select_gpu before and after the detail arrives, where each job sits, job activation."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from console.decode import decode_rack_detail
from widgets.rack_detail import RackDetail
from widgets.rack_detail_model import JOB_COL, STATUS_COL, placement_text
from widgets.text import FSI, PDI, isolate

T0 = 1_780_000_000.0
TENANT = "<img src=x>شركة الأطلس"


def payload(rack: str = "E-01-02") -> dict[str, Any]:
    nodes = []
    for slot in (1, 2):
        gpus = [{"index": i, "uuid": f"GPU-{rack}-{slot}-{i}", "model": "H200",
                 "temp_c": 58.0, "power_w": 690.0, "util_pct": 99.0, "mem_used_mib": 80_000,
                 "mem_total_mib": 143_771, "ecc_sbe": 0, "ecc_dbe": 0, "xid": None,
                 "clock_event_reasons": 0, "status": "healthy",
                 "job_id": 41 if slot == 1 else (42 if i < 4 else None)} for i in range(8)]
        nodes.append({"id": f"{rack}-n0{slot}", "host": f"h{slot}", "slot": slot, "gpus": gpus,
                      "state": "up" if slot == 1 else "maint"})
    nodes[1]["gpus"][6].update(status="off_bus", xid=79)
    nodes[0]["gpus"][2].update(status="degraded")
    return {
        "time": T0, "rack": {"id": rack, "hall": "E", "row": "E-01"}, "nodes": nodes,
        "jobs": [{"id": 41, "name": "<b>train</b>", "tenant": TENANT, "user": "o'brien",
                  "state": "RUNNING", "gpus": 8},
                 {"id": 42, "name": "eval", "tenant": "UM6P", "user": "amina",
                  "state": "RUNNING", "gpus": 4}],
    }


def shown_uuids(d: RackDetail) -> list[str]:
    return [d.gpu_proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1)
            for r in range(d.gpu_proxy.rowCount())]


def test_gpu_grid_unhealthy_first_sortable_with_jobs(qtbot: Any) -> None:
    d = RackDetail()
    qtbot.addWidget(d)
    d.show_detail(decode_rack_detail(payload(), received=T0))
    order = shown_uuids(d)
    assert order[:2] == ["GPU-E-01-02-2-6", "GPU-E-01-02-1-2"]  # off the bus, then degraded
    assert order[2] == "GPU-E-01-02-1-0"  # then healthy GPUs in rack order
    assert d.gpu_proxy.headerData(STATUS_COL, Qt.Orientation.Horizontal) == "Status"
    m = d.gpu_model
    assert m.data(m.index(0, JOB_COL)) == f"41 · {FSI}{TENANT}{PDI}"
    assert m.data(m.index(15, JOB_COL)) == "—"  # an idle GPU
    assert m.data(m.index(8, 0)) == "h2 (maint)"
    tip = m.data(m.index(0, JOB_COL), Qt.ItemDataRole.ToolTipRole)
    assert "&lt;img src=x&gt;" in tip and "<img" not in tip
    d.gpu_table.sortByColumn(JOB_COL, Qt.SortOrder.DescendingOrder)
    assert shown_uuids(d)[:4] == [f"GPU-E-01-02-2-{i}" for i in (7, 6, 5, 4)]  # idle ones
    d.gpu_table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # GPU index, numerically
    assert [d.gpu_proxy.index(r, 1).data() for r in range(4)] == ["0", "0", "1", "1"]
    # where each job sits on this rack
    jobs = d.job_model
    assert jobs.data(jobs.index(0, 6)) == "h1: GPU 0–7"
    assert jobs.data(jobs.index(1, 6)) == "h2: GPU 0–3"
    assert placement_text([("h1", [0, 1]), ("h2", [2])])[0] == "3 GPUs on 2 servers: h1, h2"
    assert jobs.data(jobs.index(0, 1)) == "<b>train</b>"  # plain text, never rendered


def test_select_gpu_waits_for_its_rack(qtbot: Any) -> None:
    d = RackDetail()
    qtbot.addWidget(d)
    d.show()
    assert not d.select_gpu("GPU-E-01-03-2-1", "E-01-03")  # its detail is on the way
    d.show_detail(decode_rack_detail(payload("E-01-02"), received=T0))  # an older request
    assert d.selected_gpu() == "" and d.wanted_gpu == ("E-01-03", "GPU-E-01-03-2-1")
    d.show_detail(decode_rack_detail(payload("E-01-03"), received=T0))
    assert d.selected_gpu() == "GPU-E-01-03-2-1" and d.wanted_gpu is None
    assert d.arrived_with_gpu and d.focusWidget() is d.gpu_table
    current = d.gpu_table.currentIndex()
    assert d.gpu_table.selectionModel().isRowSelected(current.row(), current.parent())
    assert d.selected_job() == 42  # its job is picked out in the jobs table
    assert f"job 42 “{isolate('eval')}” of {isolate('UM6P')}" in d.gpu_info.text()
    # the same rack again (a refresh) keeps the selection
    d.show_detail(decode_rack_detail(payload("E-01-03"), received=T0 + 5))
    assert d.selected_gpu() == "GPU-E-01-03-2-1" and not d.arrived_with_gpu
    # a GPU the rack does not hold: waited for, and its rack's detail ends the wait
    assert not d.select_gpu("GPU-gone", "E-01-03")
    d.show_detail(decode_rack_detail(payload("E-01-03"), received=T0 + 10))
    assert d.wanted_gpu is None
    assert d.select_gpu("GPU-E-01-03-1-5")  # shown now: selected at once


def test_activating_a_job_or_a_gpu_names_the_job(qtbot: Any) -> None:
    d = RackDetail()
    qtbot.addWidget(d)
    d.show()
    d.show_detail(decode_rack_detail(payload(), received=T0))
    d.job_table.selectRow(1)
    with qtbot.waitSignal(d.jobActivated) as blocker:
        qtbot.keyClick(d.job_table, Qt.Key.Key_Return)
    assert blocker.args == [42]
    assert d.select_gpu("GPU-E-01-02-1-3")
    with qtbot.waitSignal(d.jobActivated) as blocker:
        qtbot.keyClick(d.gpu_table, Qt.Key.Key_Enter)
    assert blocker.args == [41]
    assert d.select_gpu("GPU-E-01-02-2-7")  # idle: nothing to show
    with qtbot.assertNotEmitted(d.jobActivated):
        qtbot.keyClick(d.gpu_table, Qt.Key.Key_Return)
    with qtbot.waitSignal(d.backRequested):
        qtbot.keyClick(d.gpu_table, Qt.Key.Key_Escape)


def test_a_flat_sparkline_draws_a_flat_line_through_the_middle(qtbot: Any) -> None:
    """Before: values that differ only in their last digits filled the whole height, up and
    down (a square wave) under labels reading the same min and max."""
    import numpy as np

    from widgets.rack_detail import Sparkline, sparkline_range

    assert sparkline_range(35.0, 35.0) == (34.65, 35.35)
    assert sparkline_range(0.0, 0.0) == (-0.25, 0.25)
    assert sparkline_range(20.0, 40.0) == (20.0, 40.0)
    spark = Sparkline("Inlet", "°C")
    qtbot.addWidget(spark)
    spark.resize(240, 80)
    t = np.arange(60.0)
    spark.set_series(t, 35.0 + np.where(np.arange(60) % 2 == 0, 1e-6, -1e-6))
    image = spark.grab().toImage()
    top = spark.fontMetrics().height() + 6  # the plot, below the title
    rows = set()
    background = image.pixelColor(1, image.height() - 2)
    for y in range(top, image.height()):
        for x in range(image.width() // 4, image.width() // 2):
            if abs(image.pixelColor(x, y).lightness() - background.lightness()) > 60:
                rows.add(y)
    # the line's rows (antialiased: a few) sit around the middle of the plot, not top to bottom
    assert rows and max(rows) - min(rows) <= 4, sorted(rows)
    middle = (top + image.height()) / 2
    assert abs((max(rows) + min(rows)) / 2 - middle) < 0.2 * image.height(), sorted(rows)


T_NOV = 1_795_908_600.0
"""Sat 28 Nov 2026 23:30 UTC: Sun 29 Nov 00:30 at the site (Africa/Casablanca, UTC+1)."""


@pytest.fixture
def workstation_in_utc(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The workstation's clock set to UTC, so a time said in it differs from the site's."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("workstation_in_utc")
def test_times_are_the_sites(qtbot: Any) -> None:
    """The detail's read time and its events' times are the site's wall time (its map's
    site layout), the zone named once; an event of another day says its date."""
    from console.model import SiteTopology
    from widgets.rackmap import RackMapView

    site = RackMapView()
    qtbot.addWidget(site)
    site.set_topology(SiteTopology(time=T_NOV, received=T_NOV, timezone="Africa/Casablanca"))
    detail = payload() | {"time": T_NOV, "events": [
        {"id": 1, "time": T_NOV - 60, "severity": "critical", "message": "XID 79"},
        {"id": 2, "time": T_NOV - 7200, "severity": "high", "message": "hot"}]}
    site.show_detail(decode_rack_detail(detail, received=T_NOV))
    d = site.detail
    assert d is not None
    assert "read 00:30:00 UTC+01 (" in d.summary.text()  # not 23:30:00, the workstation's
    events = d.event_model
    assert [events.data(events.index(r, 0)) for r in range(2)] == ["00:29:00", "28 Nov 22:30"]
    assert d.events_heading.text() == "Recent events (site time, UTC+01)"
    site.stop()
