"""The operator's path, counted: from an alarm naming a GPU to that GPU selected in its
rack's detail (with its job and tenant), then to the job selected in the job queue with
its tenant shown, in at most three actions, on a live simulated hub."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QWidget

from console.alarms import UNACK, Alarm, AlarmUpdate
from console.sources.hub import HubApiSource
from widgets.jobs_model import COLUMN_KEYS
from widgets.live import LiveFeed
from widgets.main_window import MainWindow
from widgets.rack_detail_model import JOB_COL
from widgets.text import isolate

FAST = {"site": 30.0, "racks": 1.0, "gpus": 2.0, "power": 5.0, "jobs": 1.0, "events": 2.0}
RACK = "A-07-04"


@pytest.fixture
def window(qtbot: Any, hub_server: Any, tmp_path: Any) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    feed = LiveFeed(lambda: HubApiSource(hub_server.url, timeout=(0.5, 2.0), retries=0), None, FAST)
    win = MainWindow(hub_server.url, feed=feed, intervals=FAST, settings=settings)
    qtbot.addWidget(win)
    win.resize(1600, 960)
    win.show()
    qtbot.waitExposed(win)
    feed.start()
    qtbot.waitUntil(lambda: "jobs" in win.latest and win.topology is not None, timeout=30_000)
    yield win
    win.close()


def gpu_with_job(hub_server: Any, window: MainWindow) -> tuple[str, int, dict[str, Any]]:
    """A GPU of RACK running a job the console's job queue already holds."""
    detail = requests.get(f"{hub_server.url}/api/v1/racks/{RACK}", timeout=5).json()
    jobs = {j["id"]: j for j in detail["jobs"]}
    queue = set(window.latest["jobs"].columns["id"].tolist())
    for node in reversed(detail["nodes"]):  # the last server: not the first row by chance
        for gpu in reversed(node["gpus"]):
            if gpu.get("job_id") in queue and gpu["job_id"] in jobs:
                return gpu["uuid"], gpu["job_id"], jobs[gpu["job_id"]]
    pytest.skip(f"no job of {RACK} in the job queue yet")


def raise_alarm(window: MainWindow, uuid: str) -> Alarm:
    """An alarm naming the GPU, as the engine hands it over (feed.alarmsUpdated)."""
    now = window.latest["racks"].time
    alarm = Alarm(
        id=f"gpu_cluster:{RACK}", rule="gpu_cluster", priority="high", state=UNACK,
        active=True, message=f"3 GPUs failing in rack {RACK}", time=now, changed=now,
        value=3.0, rack=RACK, row="A-07", hall="A", area=RACK, racks=(RACK,),
        gpus=(uuid, "GPU-other-1", "GPU-other-2"),
    )
    window.on_alarms(AlarmUpdate(time=now, alarms=(alarm,)))
    return alarm


def shown_in(view: QAbstractItemView, index: Any) -> bool:
    """The index's cell lies inside the view's visible area."""
    return view.viewport().rect().intersects(view.visualRect(index))


def double_click(qtbot: Any, view: QAbstractItemView, index: Any) -> None:
    """One double-click, as a mouse sends it (press, release, then the double-click)."""
    pos = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_from_alarm_to_gpu_job_and_tenant_in_two_actions(
    qtbot: Any, window: MainWindow, hub_server: Any
) -> None:
    uuid, job_id, job = gpu_with_job(hub_server, window)
    alarm = raise_alarm(window, uuid)
    alarms = window.views["alarms"]
    window.docks["alarms"].raise_()
    alarms.flush()
    assert window.alarm_banner.first is not None and window.alarm_banner.first.id == alarm.id
    row = next(r for r in range(alarms.proxy.rowCount())
               if alarms.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 2) == alarm.id)
    actions = 0

    # Action 1: double-click the alarm -> its rack in depth, the alarm's GPU selected.
    actions += 1
    double_click(qtbot, alarms.table, alarms.proxy.index(row, 0))
    rackmap = window.views["rackmap"]
    qtbot.waitUntil(lambda: rackmap.detail is not None and rackmap.detail.isVisible()
                    and rackmap.detail.rack_id == RACK, timeout=20_000)
    detail = rackmap.detail
    assert detail is not None
    assert detail.selected_gpu() == uuid
    current = detail.gpu_table.currentIndex()
    assert detail.gpu_table.selectionModel().isRowSelected(current.row(), current.parent())
    assert shown_in(detail.gpu_table, current)
    assert detail.gpu_table.hasFocus()
    job_cell = detail.gpu_proxy.index(current.row(), JOB_COL).data()
    assert job_cell == f"{job_id} · {isolate(job['tenant'])}"  # the job and its tenant
    assert job["tenant"] in detail.gpu_info.text() and str(job_id) in detail.gpu_info.text()
    assert detail.selected_job() == job_id  # its job is picked out in the jobs table
    job_index = detail.job_table.currentIndex()
    assert "GPU" in detail.job_model.index(job_index.row(), 6).data()  # where it sits here

    # Action 2: double-click the job -> the job queue comes forward with it selected.
    actions += 1
    double_click(qtbot, detail.job_table, job_index)
    jobs = window.views["jobs"]
    qtbot.waitUntil(lambda: jobs.isVisible() and jobs.selected_job_id() == job_id,
                    timeout=10_000)
    index = jobs.table.currentIndex()
    assert shown_in(jobs.table, index)
    tenant_cell = jobs.proxy.index(index.row(), COLUMN_KEYS.index("tenant")).data()
    assert tenant_cell.startswith(isolate(job["tenant"]))
    assert shown_in(jobs.table, jobs.proxy.index(index.row(), COLUMN_KEYS.index("tenant")))
    assert isolate(job["tenant"]) in jobs.detail.text() and jobs.detail.isVisible()

    # Action 3 is reading the screen.
    assert actions <= 3


def test_keyboard_path_enter_twice(qtbot: Any, window: MainWindow, hub_server: Any) -> None:
    uuid, job_id, _job = gpu_with_job(hub_server, window)
    alarm = raise_alarm(window, uuid)
    alarms = window.views["alarms"]
    window.docks["alarms"].raise_()
    alarms.flush()
    assert alarms.select_alarm(alarm.id)
    alarms.table.setFocus()
    qtbot.keyClick(alarms.table, Qt.Key.Key_Return)
    rackmap = window.views["rackmap"]
    qtbot.waitUntil(lambda: rackmap.detail is not None and rackmap.detail.isVisible()
                    and rackmap.detail.selected_gpu() == uuid, timeout=20_000)
    assert rackmap.detail is not None
    focused = window.focusWidget()
    assert isinstance(focused, QWidget) and focused is rackmap.detail.gpu_table
    qtbot.keyClick(rackmap.detail.gpu_table, Qt.Key.Key_Return)  # the GPU's job
    jobs = window.views["jobs"]
    qtbot.waitUntil(lambda: jobs.selected_job_id() == job_id, timeout=10_000)
    assert rackmap.detail.isVisible()  # Enter did not re-open the rack behind it


def test_the_job_queue_finds_jobs_by_rack(qtbot: Any, window: MainWindow) -> None:
    jobs = window.views["jobs"]
    window.docks["jobs"].raise_()
    jobs.flush()
    on_rack = [int(i) for i, racks in zip(jobs.model.jobs.columns["id"].tolist(),
                                           jobs.model.jobs.columns["racks"].tolist(), strict=True)
               if racks and RACK in racks]
    assert on_rack
    jobs.text_edit.setText(RACK)
    shown = {int(jobs.proxy.index(r, 0).data()) for r in range(jobs.proxy.rowCount())}
    assert set(on_rack) <= shown
    assert all(RACK in (jobs.model.racks_at(r)) for r in range(jobs.proxy.rowCount()))
