"""The idle-GPU view: its list as plain text, and the rack map overlay it feeds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import widgets.idle_gpus as idle_gpus
from console.energy.idle import IdleJob, IdleReport, IdleRule
from console.model import JobsSnapshot
from console.text import FSI, PDI
from widgets.idle_gpus import IdleGpuView
from widgets.rackmap_overlays import IDLE_OVERLAY, OVERLAYS, rack_figure

T = 1_780_000_000.0


def _topology(hall_hub: Any) -> Any:
    from console.decode import decode_site

    return decode_site(hall_hub.site())


def _result(topo: Any, at: float, rule: IdleRule) -> IdleReport:
    job = IdleJob(id=4180001, name="nb-<i>idle</i>", tenant="Casa \u202eAI", kind="startup",
                  country="MA", partition="gpu-gb200",
                  racks=tuple(topo.rack_ids[:5]), gpus=360, idle_since=at - 3000.0,
                  idle_s=3000.0, util_pct=1.2, gpu_hours=300.0, energy_kwh=75.5)
    small = IdleJob(id=4180002, name="wait-data", tenant="Rif Labs", kind="research",
                    country="MA", partition="gpu-h200", racks=(topo.rack_ids[7],), gpus=8,
                    idle_since=at - 2400.0, idle_s=2400.0, util_pct=0.8, gpu_hours=5.3,
                    energy_kwh=4.0, own=True)
    per_rack = np.zeros(topo.n_racks)
    per_rack[:5] = 72
    per_rack[7] = 8
    return IdleReport(at, rule, (job, small), topo.rack_ids, per_rack, checked=120)


@pytest.fixture
def view(qtbot: Any, hall_hub: Any, monkeypatch: pytest.MonkeyPatch) -> IdleGpuView:
    topo = _topology(hall_hub)
    asked: list[tuple[str, float | None, IdleRule]] = []

    def fake(path: str, at: float | None, rule: IdleRule) -> IdleReport:
        asked.append((path, at, rule))
        return _result(topo, at if at is not None else T, rule)

    monkeypatch.setattr(idle_gpus, "read_idle", fake)
    w = IdleGpuView()
    w.asked = asked  # type: ignore[attr-defined]
    qtbot.addWidget(w)
    w.set_topology(topo)
    w.set_history_path(lambda: "/data/cache.db")
    w.show()
    qtbot.waitExposed(w)
    return w


def test_jobs_listed_as_plain_text_and_overlay_fed(view: IdleGpuView, qtbot: Any) -> None:
    with qtbot.waitSignal(view.task.done, timeout=10_000):
        view.apply(JobsSnapshot(time=T, received=T))
    view.task.wait()
    assert view.table.rowCount() == 2
    rows = {view.table.item(r, 0).text(): r for r in range(2)}
    # what each job was judged by: the racks' bound, or the job's own utilisation
    assert view.table.item(rows["4180001"], 9).text() == "≤ 1.2 % (racks' bound)"
    assert view.table.item(rows["4180002"], 9).text() == "0.8 % (job's own)"
    view.table.sortItems(0)
    assert view.table.item(0, 0).text() == "4180001"
    assert "1 judged by the job's own utilisation, 1 by the bound of its racks' means" in (
        view.summary.text())
    assert view.table.item(0, 1).text() == FSI + "nb-<i>idle</i>" + PDI
    assert view.table.item(0, 2).text() == FSI + "Casa AI" + PDI
    assert view.table.item(0, 3).text().endswith("+2")
    assert view.table.item(0, 8).text() == "75.5"
    assert "2 job(s) holding 368 GPU(s) under 5 % utilisation for at least 30 min" in (
        view.summary.text())
    topo = view.topology
    values = rack_figure(IDLE_OVERLAY, topo)
    assert values[:5].tolist() == [72.0] * 5 and values[5:].sum() == 8
    overlay = OVERLAYS[IDLE_OVERLAY]
    shown = overlay.values(_telemetry(topo), topo)
    assert overlay.buckets(shown)[:6].tolist() == [3, 3, 3, 3, 3, 0]


def _telemetry(topo: Any) -> Any:
    from console.model import RackTelemetry

    return RackTelemetry(time=T, received=T, fields={}, missing=np.zeros(topo.n_racks, bool))


def test_read_again_only_when_the_data_moves_a_minute(view: IdleGpuView, qtbot: Any) -> None:
    with qtbot.waitSignal(view.task.done, timeout=10_000):
        view.apply(JobsSnapshot(time=T, received=T))
    view.task.wait()
    view.apply(JobsSnapshot(time=T + 10, received=T + 10))  # too soon: no reading
    view.task.wait()
    with qtbot.waitSignal(view.task.done, timeout=10_000):
        view.apply(JobsSnapshot(time=T - 3600, received=T))  # a review went back
    view.task.wait()
    with qtbot.waitSignal(view.task.done, timeout=10_000):
        view.set_rule(IdleRule(2.0, 45.0))
    view.task.wait()
    times = [at for _, at, _ in view.asked]  # type: ignore[attr-defined]
    assert times == [T, T - 3600, T - 3600]
    assert view.asked[-1][2] == IdleRule(2.0, 45.0)  # type: ignore[attr-defined]


def test_no_read_while_nobody_looks(view: IdleGpuView, qtbot: Any) -> None:
    """Hidden (a tab behind another, the overlay not chosen) the view reads nothing; shown
    again, it reads the newest data's time once."""
    view.hide()
    view.apply(JobsSnapshot(time=T, received=T))
    view.apply(JobsSnapshot(time=T + 120, received=T + 120))
    view.task.wait()
    assert view.asked == []  # type: ignore[attr-defined]
    with qtbot.waitSignal(view.task.done, timeout=10_000):
        view.show()
    view.task.wait()
    assert [at for _, at, _ in view.asked] == [T + 120]  # type: ignore[attr-defined]


def test_the_rack_maps_idle_overlay_asks_for_the_read(qtbot: Any, hall_hub: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """In the window the idle list sits in a tab behind the GPU list: choosing the map's
    idle overlay reads the idle jobs, and the map colours by them once read."""
    from widgets.main_window import MainWindow

    topo = _topology(hall_hub)
    asked: list[float | None] = []

    def fake(path: str, at: float | None, rule: IdleRule) -> IdleReport:
        asked.append(at)
        return _result(topo, at if at is not None else T, rule)

    monkeypatch.setattr(idle_gpus, "read_idle", fake)
    window = MainWindow("test")
    qtbot.addWidget(window)
    window.cache_path = "/data/cache.db"
    window.show()
    qtbot.waitExposed(window)
    idle, rackmap = window.views["idle"], window.views["rackmap"]
    assert not idle.is_shown()
    window.apply(topo)
    window.apply(_telemetry(topo))
    window.apply(JobsSnapshot(time=T, received=T))
    idle.task.wait()
    assert asked == []
    with qtbot.waitSignal(idle.task.done, timeout=10_000):
        rackmap.set_overlay(IDLE_OVERLAY)
    qtbot.waitUntil(lambda: rackmap.no_data_count == 0, timeout=10_000)
    assert asked == [T]
