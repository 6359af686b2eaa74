"""The maintenance list view: grouped by action, filtered, linked to the rack detail."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from console.maintenance import GROUPS, MaintenanceList, MaintenanceTracker
from console.model import UnhealthyGpus
from tests.console.test_maintenance import T0, gpu, jobs_snapshot
from widgets.maintenance import COLUMNS, MaintenanceView
from widgets.text import FSI, PDI

HOSTILE = "<b>Evil</b> \u202eCorp<img src=x>"


def make_list() -> MaintenanceList:
    gpus = UnhealthyGpus(time=T0, received=T0, gpus=(
        gpu("GPU-off-1", rack="E-01-02", status="off_bus", xid=79, slot=3),
        gpu("GPU-ecc-1", rack="A-02-21", xid=48, dbe=1, job_id=7, slot=2),
        gpu("GPU-ecc-2", rack="A-02-22", xid=95, dbe=1, node_state="drain"),
        gpu("GPU-app-1", rack="B-07-01", xid=13, status="degraded", job_id=8),
        gpu("GPU-rem-1", rack="C-01-01", xid=63, status="degraded"),
    ))
    jobs = jobs_snapshot([(7, "llama <i>ft</i>", HOSTILE), (8, "bert", "Atlas AI")])
    return MaintenanceTracker().update(gpus, jobs)


@pytest.fixture
def view(qtbot: Any) -> MaintenanceView:
    w = MaintenanceView()
    qtbot.addWidget(w)
    w.resize(1200, 600)
    w.set_maintenance(make_list())
    w.flush()
    return w


def _rows(view: MaintenanceView) -> list[tuple[str, list[str]]]:
    """(group header text, devices under it) as the tree shows them."""
    model = view.model
    out = []
    for r in range(model.rowCount()):
        g = model.index(r, 0)
        devices = [model.item_at(model.index(c, 0, g)).device for c in range(model.rowCount(g))]
        out.append((model.data(g), devices))
    return out


def test_items_shown_grouped_by_action_most_urgent_first(view: MaintenanceView) -> None:
    rows = _rows(view)
    assert [h.split(" — ")[0] for h, _ in rows] == [
        GROUPS["power_cycle"].words, GROUPS["drain_reset"].words,
        GROUPS["reset_next_drain"].words, GROUPS["restart_app"].words]
    assert rows[1] == (f"{GROUPS['drain_reset'].words} — 2 devices", ["GPU-ecc-1", "GPU-ecc-2"])
    assert view.tree.isFirstColumnSpanned(0, QModelIndex())
    assert all(view.tree.isExpanded(view.model.index(r, 0)) for r in range(len(rows)))
    # Colour only on the urgent groups' headers; device rows stay grey.
    model = view.model
    urgent = model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole)
    calm = model.data(model.index(3, 0), Qt.ItemDataRole.BackgroundRole)
    assert urgent.color() != calm.color()
    item = model.index(0, 0, model.index(0, 0))
    assert model.data(item, Qt.ItemDataRole.BackgroundRole) is None
    assert "5 devices to service" in view.count_label.text()
    assert "3 urgent" in view.count_label.text()


def test_columns_show_node_state_job_and_count(view: MaintenanceView) -> None:
    model = view.model
    ecc = model.index_of("GPU-ecc-2")
    cells = {COLUMNS[c]: model.data(ecc.siblingAtColumn(c)) for c in range(len(COLUMNS))}
    assert cells["Node"].endswith("· drained") and cells["Rack"] == "A-02-22"
    assert cells["Count"] == "1" and cells["Job"] == "—"
    assert "XID 95" in cells["Cause"]


def test_filter_narrows_every_group(view: MaintenanceView) -> None:
    view.set_filter("xid 48")
    assert _rows(view) == [(f"{GROUPS['drain_reset'].words} — 1 of 2 devices", ["GPU-ecc-1"])]
    assert "1 of 5 devices" in view.count_label.text()
    view.set_filter("atlas")
    assert [d for _, ds in _rows(view) for d in ds] == ["GPU-app-1"]
    view.set_filter("EVIL corp")  # case-blind; accents folded likewise ('sao' finds 'São')
    assert [d for _, ds in _rows(view) for d in ds] == ["GPU-ecc-1"]
    view.set_filter("")
    assert view.visible_items() == 5


def test_activation_emits_rack_and_uuid(qtbot: Any, view: MaintenanceView) -> None:
    index = view.model.index_of("GPU-off-1")
    with qtbot.waitSignal(view.gpuActivated) as blocker:
        view.tree.activated.emit(index)
    assert blocker.args == ["E-01-02", "GPU-off-1"]
    # Enter on a selected row does the same.
    assert view.select_device("GPU-app-1")
    view.tree.setFocus()
    with qtbot.waitSignal(view.gpuActivated) as blocker:
        qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    assert blocker.args == ["B-07-01", "GPU-app-1"]


def test_select_device_clears_a_filter_hiding_it(view: MaintenanceView) -> None:
    view.set_filter("xid13")
    assert view.select_device("GPU-rem-1")
    assert view.selected_device() == "GPU-rem-1" and view.filter_edit.text() == ""
    assert not view.select_device("GPU-not-listed")


def test_tenant_text_stays_plain_text(view: MaintenanceView) -> None:
    model = view.model
    ecc = model.index_of("GPU-ecc-1")
    tenant = model.data(ecc.siblingAtColumn(COLUMNS.index("Tenant")))
    job = model.data(ecc.siblingAtColumn(COLUMNS.index("Job")))
    assert tenant.startswith(FSI) and tenant.endswith(PDI) and "\u202e" not in tenant
    assert "<b>Evil</b>" in tenant  # shown as typed, never interpreted
    assert job == f"7 {FSI}llama <i>ft</i>{PDI}"
    tip = model.data(ecc.siblingAtColumn(COLUMNS.index("Tenant")), Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;Evil" in tip and "<img" not in tip


def test_new_list_keeps_selection_and_collapsed_groups(view: MaintenanceView) -> None:
    view.select_device("GPU-ecc-2")
    view.tree.collapse(view.model.index(3, 0))  # restart the application
    view.set_maintenance(make_list())
    view.flush()
    assert view.selected_device() == "GPU-ecc-2"
    assert not view.tree.isExpanded(view.model.index(3, 0))
    assert view.tree.isExpanded(view.model.index(0, 0))
    view.set_maintenance(None)  # review: no list recorded at that time
    view.flush()
    assert view.visible_items() == 0
    assert "no maintenance list recorded" in view.count_label.text()


def test_main_window_routes_the_list_and_links_both_ways(qtbot: Any, tmp_path: Any) -> None:
    from types import SimpleNamespace

    from PySide6.QtCore import QSettings

    from widgets.main_window import MainWindow

    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    win = MainWindow("sim://test", settings=settings)
    qtbot.addWidget(win)
    win.show()
    view = win.views["maintenance"]
    assert win.dock_host.tabifiedDockWidgets(win.docks["gpus"]).count(win.docks["maintenance"])
    win.on_alarms(SimpleNamespace(alarms=(), time=T0, transitions=(), maintenance=make_list()))
    view.flush()
    assert view.visible_items() == 5
    win.on_alarms(SimpleNamespace(alarms=(), time=T0 + 5, transitions=(), maintenance=None))
    view.flush()
    assert view.visible_items() == 5  # None: the list did not change
    # GPU health and rack detail -> the list.
    win.views["gpus"].maintenanceRequested.emit("GPU-ecc-2")
    assert view.selected_device() == "GPU-ecc-2"
    win.views["rackmap"].maintenanceRequested.emit("GPU-app-1")
    assert view.selected_device() == "GPU-app-1"
    assert not win.show_in_maintenance("GPU-healthy")
    # The list -> the rack detail, with the GPU to select when the rack arrives.
    view.gpuActivated.emit("E-01-02", "GPU-off-1")
    detail = win.views["rackmap"].detail
    assert detail is not None and detail.wanted_gpu == ("E-01-02", "GPU-off-1")


def test_gpu_health_and_rack_detail_offer_show_in_maintenance_list(
    qtbot: Any, hall_hub: Any
) -> None:
    from console.decode import decode_rack_detail, decode_unhealthy
    from widgets.gpu_health import GpuHealthView
    from widgets.rack_detail import RackDetail

    health = GpuHealthView()
    qtbot.addWidget(health)
    gpus = decode_unhealthy(hall_hub.unhealthy_gpus())
    health.apply(gpus)
    health.flush()
    uuid, rack = str(gpus.gpus[0]["uuid"]), str(gpus.gpus[0]["rack"])
    assert health.select_gpu(uuid, emit=False)
    assert health.action_maintenance in health.table.actions()
    with qtbot.waitSignal(health.maintenanceRequested) as blocker:
        health.action_maintenance.trigger()
    assert blocker.args == [uuid]

    detail = RackDetail()
    qtbot.addWidget(detail)
    detail.show_detail(decode_rack_detail(hall_hub.rack(rack)))
    assert detail.select_gpu(uuid)
    with qtbot.waitSignal(detail.maintenanceRequested) as blocker:
        detail.action_maintenance.trigger()
    assert blocker.args == [uuid]


def test_review_shows_the_list_as_it_stood(qtbot: Any, tmp_path: Any) -> None:
    from console.cache import Cache
    from console.decode import decode_racks, decode_site, decode_unhealthy
    from console.hub.sim import SimulatedHub
    from widgets.review import open_review_window

    hub = SimulatedHub("hall", seed=3, start=T0)
    path = tmp_path / "shift.db"
    times = []
    with Cache.open(path) as cache:
        topo = decode_site(hub.site())
        cache.write_poll([topo], topology=topo)
        tracker = MaintenanceTracker(store=cache)
        for i in range(6):
            hub.step(hub.now + 60)
            gpus = decode_unhealthy(hub.unhealthy_gpus())
            if i < 3:  # a GPU of the first polls is repaired later
                extra = gpu("GPU-repaired", rack=topo.rack_ids[0], xid=48, dbe=1, since=T0)
                gpus = UnhealthyGpus(time=gpus.time, received=gpus.time,
                                     gpus=(*gpus.gpus, extra), counts=gpus.counts)
            cache.write_poll([decode_racks(hub.racks(), topo), gpus], topology=topo)
            tracker.update(gpus, None, topo)
            times.append(hub.now)
    window = open_review_window(str(path), start=False)
    qtbot.addWidget(window)
    window.show()
    view = window.views["maintenance"]
    with qtbot.waitSignal(window.feed.seeked, timeout=20_000):
        window.feed.start()
    qtbot.waitUntil(lambda: view.flush() or (
        view.mlist is not None and view.mlist.time == times[-1]), timeout=10_000)
    assert view.mlist.find("GPU-repaired") is None and len(view.mlist) > 0
    with qtbot.waitSignal(window.feed.seeked, timeout=20_000):
        window.scrubber.seek(times[1])
    qtbot.waitUntil(lambda: view.flush() or view.mlist.time == times[1], timeout=10_000)
    assert view.select_device("GPU-repaired")
    window.close()
    # A time the cache holds no list for (an older file) reads as unknown, not as empty.
    view = MaintenanceView()
    qtbot.addWidget(view)
    view.set_maintenance(MaintenanceList(time=T0, recorded=False))
    view.flush()
    assert "no maintenance list recorded" in view.count_label.text()


T_NOV = 1_795_908_600.0
"""Sat 28 Nov 2026 23:30 UTC: Sun 29 Nov 00:30 at a site in Africa/Casablanca (UTC+1)."""


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
def test_times_are_the_sites_not_the_workstations(qtbot: Any) -> None:
    """First seen, its tooltip and the list's time are the site's wall time (a day ahead of
    the workstation's here), the zone named once; a new site zone says them again."""
    from console.model import SiteTopology

    w = MaintenanceView()
    qtbot.addWidget(w)
    w.set_topology(SiteTopology(time=T_NOV, received=T_NOV, timezone="Africa/Casablanca"))
    gpus = UnhealthyGpus(time=T_NOV, received=T_NOV, gpus=(
        gpu("GPU-ecc-1", xid=48, dbe=1, since=T_NOV - 600),))
    w.set_maintenance(MaintenanceTracker().update(gpus, None))
    w.set_data_age(4.0, False)
    w.flush()
    first = w.model.index_of("GPU-ecc-1").siblingAtColumn(COLUMNS.index("First seen"))
    assert w.model.data(first) == "00:20 (10 min ago)"  # not 23:20, the workstation's
    tip = w.model.data(first, Qt.ItemDataRole.ToolTipRole)
    assert "00:20" in tip and "23:20" not in tip
    assert "list 4 s old (00:30:00 UTC+01)" in w.count_label.text()
    header = w.model.headerData(COLUMNS.index("First seen"), Qt.Orientation.Horizontal,
                                Qt.ItemDataRole.ToolTipRole)
    assert "Africa/Casablanca" in header
    w.set_topology(SiteTopology(time=T_NOV, received=T_NOV, timezone="America/New_York"))
    w.flush()
    assert w.model.data(first) == "18:20 (10 min ago)"
    assert "(18:30:00 EST)" in w.count_label.text()
