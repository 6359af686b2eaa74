"""GPU health view (offscreen): roll-up, unhealthy-GPU table, filters, selection."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from console.decode import decode_site, decode_unhealthy
from console.gpu_health import XID_CATALOGUE
from console.model import SiteTopology, UnhealthyGpus
from widgets.gpu_health import COLUMNS, GpuHealthView
from widgets.rackmap import RackMapView

T0 = 1_780_000_000.0
COL = {name: i for i, name in enumerate(COLUMNS)}


def _site() -> SiteTopology:
    halls = [{"id": "A", "name": "Hall A", "gpu_model": "GB200", "x": 0, "y": 0, "w": 20, "h": 20},
             {"id": "E", "name": "Hall E", "gpu_model": "H200", "x": 30, "y": 0, "w": 20, "h": 20}]
    racks = []
    for hall, gpus, hx in (("A", 72, 2.0), ("E", 32, 32.0)):
        for r in range(1, 3):
            for p in range(1, 4):
                racks.append({"id": f"{hall}-{r:02d}-{p:02d}", "hall": hall,
                              "row": f"{hall}-{r:02d}", "x": hx + 0.6 * p, "y": 3.0 * r,
                              "w": 0.6, "h": 1.2, "capacity_kw": 100.0, "gpus": gpus})
    return decode_site({"time": T0, "halls": halls, "racks": racks}, received=T0)


def _gpu(uuid: str, rack: str, status: str, xid: int | None = None, **kw: Any) -> dict[str, Any]:
    hall = rack[0]
    return {"uuid": uuid, "model": "GB200" if hall == "A" else "H200", "hall": hall,
            "row": rack[:4], "rack": rack, "node": f"{rack}-n02", "host": f"{rack.lower()}-n02",
            "slot": 2, "status": status, "xid": xid, "ecc_dbe": kw.get("ecc_dbe", 0),
            "row_remap_failure": kw.get("row_remap_failure", False),
            "clock_event_reasons": kw.get("mask", 0), "temp_c": kw.get("temp_c", 60.0),
            "power_w": 500.0, "since": T0 - kw.get("ago", 600.0)}


def _unhealthy() -> UnhealthyGpus:
    gpus = [
        _gpu("GPU-aaaa-0079", "A-01-02", "off_bus", 79, ago=7500),
        _gpu("GPU-bbbb-0048", "A-02-03", "failed", 48, ecc_dbe=1),
        _gpu("GPU-cccc-0063", "E-01-01", "degraded", 63),
        _gpu("GPU-dddd-hot0", "E-02-03", "degraded", None, mask=0x44, temp_c=90.0),
        _gpu("GPU-eeee-0013", "A-01-01", "degraded", 13, ago=60),
    ]
    return decode_unhealthy({"time": T0, "gpus": gpus,
                             "counts": {"degraded": 3, "failed": 1, "off_bus": 1}},
                            received=T0)


@pytest.fixture
def view(qtbot: Any) -> GpuHealthView:
    w = GpuHealthView()
    qtbot.addWidget(w)
    w.resize(1500, 700)  # not shown: the offscreen platform warns when a layout sizes a window
    w.set_topology(_site())
    w.apply(_unhealthy())
    w.flush()
    yield w
    w.stop()


def _shown(qtbot: Any, width: int, height: int) -> GpuHealthView:
    """A GPU health view of ``width`` x ``height``, shown and exposed."""
    w = GpuHealthView()
    qtbot.addWidget(w)
    w.resize(width, height)
    w.show()
    qtbot.waitExposed(w)
    return w


def _row_of(view: GpuHealthView, uuid: str) -> list[str]:
    p = view.proxy
    for r in range(p.rowCount()):
        if p.data(p.index(r, COL["UUID"])) == uuid:
            return [p.data(p.index(r, c)) for c in range(p.columnCount())]
    raise AssertionError(f"{uuid} not listed")


def test_xid79_gpu_listed_with_cause_and_action(view: GpuHealthView) -> None:
    row = _row_of(view, "GPU-aaaa-0079")
    assert row[COL["Rack"]] == "A-01-02" and row[COL["Hall"]] == "A"
    assert row[COL["Node"]] == "A-01-02-n02" and row[COL["Slot"]] == "2"
    assert row[COL["Status"]] == "off the bus"
    assert row[COL["Cause"]].startswith("XID 79") and "off the bus" in row[COL["Cause"]]
    assert row[COL["Recommended action"]] == XID_CATALOGUE[79].action
    assert "(2 h 05 min ago)" in row[COL["Since"]]
    hot = _row_of(view, "GPU-dddd-hot0")
    assert hot[COL["Cause"]] == "Throttled: HW thermal slowdown at 90 °C"


def test_default_order_is_most_severe_first(view: GpuHealthView) -> None:
    p = view.proxy
    statuses = [p.data(p.index(r, COL["Status"])) for r in range(p.rowCount())]
    assert statuses[0] == "off the bus" and statuses[1] == "failed"
    view.table.sortByColumn(COL["Rack"], Qt.SortOrder.AscendingOrder)
    racks = [p.data(p.index(r, COL["Rack"])) for r in range(p.rowCount())]
    assert racks == sorted(racks)


def test_status_colour_only_on_abnormal_cells(view: GpuHealthView) -> None:
    p = view.proxy
    assert p.data(p.index(0, COL["Status"]), Qt.ItemDataRole.BackgroundRole) is not None
    assert p.data(p.index(0, COL["Cause"]), Qt.ItemDataRole.BackgroundRole) is None


def test_rollup_healthy_is_total_minus_unhealthy(view: GpuHealthView) -> None:
    by = {r.hall: r for r in view.rollup}
    assert by["A"].total == 6 * 72 and by["A"].healthy == 6 * 72 - 3
    assert (by["A"].degraded, by["A"].failed, by["A"].off_bus) == (1, 1, 1)
    assert by["E"].total == 6 * 32 and by["E"].degraded == 2
    m = view.rollup_model
    assert m.rowCount() == 3  # A, E, site
    assert m.data(m.index(2, 0)) == "site" and m.data(m.index(2, 2)) == f"{6 * 104:,}"


def test_rollup_before_any_gpu_list_says_the_counts_are_not_known(qtbot: Any) -> None:
    """The site layout alone (e.g. the floor as last recorded, at start-up): the GPUs
    installed, and no health counts, rather than every GPU called healthy."""
    view = GpuHealthView()
    qtbot.addWidget(view)
    view.set_topology(_site())
    m = view.rollup_model
    assert m.data(m.index(2, 2)) == f"{6 * 104:,}"
    assert [m.data(m.index(2, c)) for c in range(3, 7)] == ["—"] * 4
    assert not any(m.colours)
    view.apply(_unhealthy())
    view.flush()
    assert m.data(m.index(0, 4)).startswith("1 (")


def test_filters_text_status_hall(view: GpuHealthView) -> None:
    assert view.visible_rows() == 5
    view.set_filter("xid 79")
    assert view.visible_rows() == 1
    view.set_filter("A-0")
    assert view.visible_rows() == 3
    view.set_filter("thermal")
    assert view.visible_rows() == 1
    view.set_filter("", status="degraded")
    assert view.visible_rows() == 3
    view.set_filter("", status="degraded", hall="E")
    assert view.visible_rows() == 2
    view.status_box.setCurrentIndex(0)
    assert view.visible_rows() == 2  # hall E only
    view.hall_box.setCurrentIndex(0)
    view.filter_edit.setText("gpu-bbbb")
    assert view.visible_rows() == 1
    assert "1 of 5 unhealthy GPUs" in view.count_label.text()
    view.set_data_age(200.0, True)
    view.flush()
    assert "3 min 20 s old" in view.count_label.text() and "STALE" in view.count_label.text()


def test_selecting_a_row_emits_gpu_selected_and_shows_it_on_the_map(
        qtbot: Any, view: GpuHealthView) -> None:
    rackmap = RackMapView()
    qtbot.addWidget(rackmap)
    rackmap.resize(800, 600)
    rackmap.set_topology(_site())
    view.gpuSelected.connect(lambda rack, uuid: rackmap.select_rack(rack))
    view.set_filter("xid 79")
    with qtbot.waitSignal(view.gpuSelected) as blocker:
        view.table.selectRow(0)
    assert blocker.args == ["A-01-02", "GPU-aaaa-0079"]
    assert rackmap.selected_rack() == "A-01-02"
    rackmap.stop()


def test_new_snapshot_keeps_selection_and_survives_garbage(qtbot: Any,
                                                           view: GpuHealthView) -> None:
    assert view.select_gpu("GPU-cccc-0063", emit=False)
    view.apply(_unhealthy())
    view.flush()  # the table follows on redraw
    assert view.selected_gpu() == ("E-01-01", "GPU-cccc-0063")
    odd = decode_unhealthy({"time": T0, "gpus": [
        {"uuid": "GPU-x", "rack": "Q-01-01", "status": "failed"},  # hall unknown to topology
        {"uuid": "GPU-<b>y</b>", "rack": "A-01-01", "status": "degraded", "xid": 9999},
    ]}, received=T0)
    view.apply(odd)
    view.flush()
    assert view.visible_rows() == 2
    row = _row_of(view, "GPU-<b>y</b>")
    assert "9999" in row[COL["Cause"]]
    assert any(r.hall == "?" and r.failed == 1 for r in view.rollup)


def test_simulated_xid79_is_listed_with_its_action(qtbot: Any) -> None:
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub("hall", seed=4, start=T0, faults=False)
    topo = decode_site(hub.site())
    event = hub.inject("xid", "A-05-07", xid=79)
    w = GpuHealthView()
    qtbot.addWidget(w)
    w.set_topology(topo)
    w.apply(decode_unhealthy(hub.unhealthy_gpus()))
    w.flush()
    w.set_filter("A-05-07 xid 79")
    assert w.visible_rows() >= 1
    p = w.proxy
    row = [p.data(p.index(0, c)) for c in range(p.columnCount())]
    assert row[COL["Rack"]] == "A-05-07" and row[COL["Status"]] == "off the bus"
    assert row[COL["Recommended action"]] == XID_CATALOGUE[79].action
    if event.get("gpu_uuid"):
        assert row[COL["UUID"]] == event["gpu_uuid"]
    a = next(r for r in w.rollup if r.hall == "A")
    assert a.total == topo.total_gpus and a.off_bus >= 1
    assert a.healthy == a.total - a.unhealthy
    w.stop()


def test_a_poll_that_only_ages_since_updates_those_cells_in_place(
    qtbot: Any, view: GpuHealthView
) -> None:
    """The same GPUs a minute later: only the "Since" words change, no reset, the sort and
    selection stay; a new GPU or a changed cause rebuilds the rows."""
    view.apply(_unhealthy())
    view.flush()
    assert view.select_gpu("GPU-bbbb-0048", emit=False)
    shown = [view.proxy.index(r, COL["UUID"]).data() for r in range(view.proxy.rowCount())]
    resets: list[int] = []
    changed: list[tuple[int, int]] = []
    view.model.modelReset.connect(lambda: resets.append(1))
    view.model.dataChanged.connect(lambda a, b, roles=(): changed.extend(
        (r, c) for r in range(a.row(), b.row() + 1) for c in range(a.column(), b.column() + 1)))
    later = decode_unhealthy({"time": T0 + 60, "gpus": [dict(g) for g in _unhealthy().gpus],
                              "counts": {"degraded": 3, "failed": 1, "off_bus": 1}},
                             received=T0 + 60)
    view.apply(later)
    view.flush()
    assert resets == [] and changed and {c for _, c in changed} == {COL["Since"]}
    assert [view.proxy.index(r, COL["UUID"]).data() for r in range(view.proxy.rowCount())] == shown
    assert len(changed) == len(later.gpus)  # each of them a minute older
    for row, _ in changed:
        assert view.model.cells[row][COL["Since"]].endswith("min ago)")
        assert view.model.records[row]["uuid"] == view.model.cells[row][COL["UUID"]]
    assert view.selected_gpu() == ("A-02-03", "GPU-bbbb-0048")
    gpus = [dict(g) for g in later.gpus]
    gpus[1]["xid"] = 79  # the cause changes: rows rebuilt
    view.apply(decode_unhealthy({"time": T0 + 62, "gpus": gpus}, received=T0 + 62))
    view.flush()
    assert resets == [1]
    assert view.selected_gpu() == ("A-02-03", "GPU-bbbb-0048")


def test_hub_text_in_tooltips_is_plain(qtbot: Any) -> None:
    """A GPU uuid or cause carrying markup shows as typed, never loads an image."""
    from PySide6.QtCore import Qt

    from widgets.gpu_health import GpuHealthView

    view = GpuHealthView()
    qtbot.addWidget(view)
    hostile = "<img src=file:///etc/hosts width=2000>"
    gpus = decode_unhealthy(
        {"time": 1.78e9, "gpus": [{"uuid": hostile, "rack": "A-01-01", "status": "failed",
                                "xid": 48, "since": 1.78e9}]},
        received=1.78e9,
    )
    view.apply(gpus)
    view.flush()
    model = view.table.model()
    tips = [str(model.index(0, c).data(Qt.ItemDataRole.ToolTipRole) or "")
            for c in range(model.columnCount())]
    assert any("&lt;img" in t for t in tips) and not any("<img" in t for t in tips)


def test_not_collected_signals_are_said_in_grey(view: GpuHealthView) -> None:
    """ECC off in dcgm-exporter's default counters: a grey plain-text line says what is not
    checked and what to enable; it goes when the signal is collected again."""
    from dataclasses import replace

    from widgets.gpu_health import INFO_GREY

    label = view.not_collected_label
    assert label.isHidden() and label.text() == ""
    snap = replace(_unhealthy(), not_collected={
        "ecc_dbe": "ECC not collected: DCGM_FI_DEV_ECC_DBE_VOL_TOTAL is off",
        "fan_speed": "fan speed not collected: DCGM_FI_DEV_FAN_SPEED is not published",
    })
    view.apply(snap)
    view.flush()
    assert not label.isHidden()
    assert label.textFormat() == Qt.TextFormat.PlainText
    text = label.text()
    assert ("ECC not collected: enable DCGM_FI_DEV_ECC_DBE_VOL_TOTAL in dcgm-exporter's "
            "counters file") in text
    assert "fan speed not collected: DCGM_FI_DEV_FAN_SPEED is not published" in text
    assert INFO_GREY.lower() in label.styleSheet().lower()
    assert "font-weight" not in label.styleSheet()  # informational, not an alert
    assert view.visible_rows() == 5  # the table is unchanged

    view.apply(replace(_unhealthy(), time=T0 + 5, not_collected={}))
    view.flush()
    assert label.isHidden() and label.text() == ""


def test_rollup_shares_never_round_a_count_to_zero() -> None:
    from widgets.gpu_health import percent

    assert percent(1, 34_560) == "<0.01 %"
    assert percent(34_559, 34_560) == ">99.99 %"
    assert percent(0, 34_560) == "0.00 %" and percent(5, 34_560) == "0.01 %"


def _model_rows(model: Any) -> list[tuple[tuple[str, ...], str]]:
    """(cells, search text) of each row, in the order of the snapshot."""
    out = [None] * model.rowCount()
    for row, src in enumerate(model._order):
        out[src] = (model.cells[row], model.search[row])
    return out  # type: ignore[return-value]


def _places(types: int) -> UnhealthyGpus:
    """GPUs whose place is given as text, as numbers, as floats or as booleans (types 0-3),
    with hostile text among them."""
    rlo = "\u202e"
    ids: list[Any] = [["A", "A-01", "A-01-02", "A-01-02-n02", "h", "GPU-1", "NVIDIA H200", 2],
                      [1, 1, 1, 1, 1, 1, 1, 1], ["E", f"{rlo}evil", "<b>x</b>", "R" * 5000,
                                                 "h", "GPU-2", "Σ", None]]
    if types == 1:
        ids[1] = [1.0] * 7 + [1.0]
    elif types == 2:
        ids[1] = [True] * 7 + [True]
    elif types == 3:
        ids[1] = [[1]] * 7 + [[1]]
    gpus = [dict(zip(("hall", "row", "rack", "node", "host", "uuid", "model", "slot"), place,
                     strict=True), status="degraded", temp_c=60.0, since=T0 - 60)
            for place in ids]
    return UnhealthyGpus(time=T0, received=T0, gpus=gpus, counts={})


def test_rows_kept_from_the_last_list_read_as_a_fresh_model_reads_them() -> None:
    """A GPU's cells are kept from one list to the next while its place reads the same; a
    place of other types (1, 1.0, True, a list) reads as a model that never saw the last."""
    from console.gpu_health import search_text
    from widgets.gpu_health import UnhealthyGpuModel, describe
    from widgets.text import cell

    kept = UnhealthyGpuModel()
    for types in (0, 1, 2, 3, 0, 2, 1):
        snap = _places(types)
        kept.set_snapshot(snap)
        fresh = UnhealthyGpuModel()
        fresh.set_snapshot(snap)
        assert _model_rows(kept) == _model_rows(fresh)
        for (cells, search), g in zip(_model_rows(kept), snap.gpus, strict=True):
            assert search == search_text(g, *describe(g))
            slot = g.get("slot")
            assert cells[:7] == (*(cell(g.get(k, "")) for k in ("hall", "row", "rack", "node")),
                                 "" if slot is None else cell(slot), cell(g.get("uuid", "")),
                                 cell(g.get("model", "")).removeprefix("NVIDIA "))
            assert all(len(c) <= 300 and "\u202e" not in c for c in cells)
    assert _model_rows(kept)[1][0][:7] == ("1.0",) * 7


def test_gpus_alike_but_for_their_heat_or_flag_types_are_described_apart() -> None:
    """Described once per cause, but 84.6 °C (not hot) and 85.2 °C (hot) both round to 85,
    and a row remap flag of 1 is not True: each GPU reads its own cause."""
    from widgets.gpu_health import UnhealthyGpuModel

    gpus = [{"uuid": "GPU-cool", "status": "degraded", "temp_c": 84.6},
            {"uuid": "GPU-hot", "status": "degraded", "temp_c": 85.2},
            {"uuid": "GPU-flag", "status": "failed", "row_remap_failure": True},
            {"uuid": "GPU-one", "status": "failed", "row_remap_failure": 1}]
    model = UnhealthyGpuModel()
    model.set_snapshot(UnhealthyGpus(time=T0, received=T0, gpus=gpus, counts={}))
    cause = {c[COL["UUID"]]: c[COL["Cause"]] for c, _ in _model_rows(model)}
    assert cause["GPU-cool"] == "GPU degraded (no cause reported)"
    assert cause["GPU-hot"] == "Hot: 85 °C (no throttling reported)"
    assert cause["GPU-flag"] == "ECC row remapping failed"
    assert cause["GPU-one"] == "GPU failed (no cause reported)"


@pytest.fixture
def workstation_in_utc() -> Any:
    """The workstation's clock set to UTC, so a time said in it differs from the site's."""
    import os
    import time

    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.usefixtures("workstation_in_utc")
def test_since_and_list_times_are_the_sites(qtbot: Any) -> None:
    """The rest of the console says times in the site's zone: so do "Since" and the list's
    time, and a new site zone says the list shown again in it."""
    from dataclasses import replace

    view = GpuHealthView()
    qtbot.addWidget(view)
    view.set_topology(replace(_site(), timezone="Asia/Kolkata"))
    view.apply(_unhealthy())
    view.flush()
    # T0 is 20:26:40 UTC, 01:56:40 on the next day in Kolkata, 16:26:40 in New York
    assert _row_of(view, "GPU-aaaa-0079")[COL["Since"]] == "28 May 23:51 (2 h 05 min ago)"
    assert _row_of(view, "GPU-eeee-0013")[COL["Since"]] == "01:55 (1 min ago)"
    assert "(01:56:40)" in view.count_label.text()
    view.set_topology(replace(_site(), timezone="America/New_York"))
    view.flush()
    assert _row_of(view, "GPU-aaaa-0079")[COL["Since"]] == "14:21 (2 h 05 min ago)"
    assert "(16:26:40)" in view.count_label.text()
    view.set_topology(replace(_site(), timezone="Nowhere/Unknown"))  # kept: New York
    view.flush()
    assert "(16:26:40)" in view.count_label.text()
    view.stop()


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_the_rollup_names_each_halls_model_on_a_narrow_dock(qtbot: Any) -> None:
    """At 1280 x 800 the GPU health dock is about 560 pixels wide: every roll-up column but
    the healthy one (a count and a share near 100 %) keeps its header and figures whole;
    on a wide screen the columns stay side by side."""
    w = GpuHealthView()
    qtbot.addWidget(w)
    w.set_topology(_site())
    w.apply(_unhealthy())
    w.flush()
    w.resize(560, 380)
    w.show()
    qtbot.waitExposed(w)
    header = w.rollup_table.horizontalHeader()

    def need(col: int) -> int:
        return max(header.sectionSizeHint(col), w.rollup_table.sizeHintForColumn(col))

    for col in range(header.count()):
        if col == 3:
            continue
        assert header.sectionSize(col) >= need(col), header.model().headerData(
            col, Qt.Orientation.Horizontal)
    # on a wide screen every column, the healthy one too, is as wide as its figures, side
    # by side: no column stretched across the screen between a hall and its failures
    w.resize(1600, 380)
    qtbot.waitUntil(lambda: w.rollup_table.viewport().width() > 1000)
    assert [header.sectionSize(c) for c in range(header.count())] == [
        need(c) for c in range(header.count())]
    w.stop()


def test_gpus_that_read_the_same_again_only_have_their_since_words_said_anew(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A GPU that reads the same in the next list (new objects, equal values of the same
    types; its power or a fifth of a degree moved) is not read again: the cells equal a
    fresh model's, "Since" moved on with the time; a GPU that changed, or the same values
    of other types, is read again."""
    import copy

    import widgets.gpu_health as gpu_health
    from widgets.gpu_health import UnhealthyGpuModel

    model = UnhealthyGpuModel()
    reads = []
    real = UnhealthyGpuModel._read_row
    monkeypatch.setattr(UnhealthyGpuModel, "_read_row",
                        lambda self, *a: (reads.append(self is model), real(self, *a))[1])
    first = _unhealthy()
    model.set_snapshot(first)
    assert reads.count(True) == 5
    moved = [{**g, "power_w": 480.0, "temp_c": g["temp_c"] + 0.2} for g in first.gpus]
    for later, gpus in ((3600.0, copy.deepcopy(list(first.gpus))), (3660.0, moved),
                        (7200.0, [{**g, "slot": 2.0} for g in first.gpus]),
                        (7260.0, [{**g, "slot": 2.0} for g in first.gpus]),
                        (7300.0, [*first.gpus[:-1], {**first.gpus[-1], "status": "failed"}]),
                        (7360.0, [*first.gpus[:-1], {**first.gpus[-1], "status": "failed"}]),
                        (7400.0, first.gpus)):
        snap = UnhealthyGpus(time=T0 + later, received=T0 + later, gpus=tuple(gpus),
                             counts=first.counts)
        model.set_snapshot(snap)
        fresh = UnhealthyGpuModel()
        fresh.set_snapshot(snap)
        assert _model_rows(model) == _model_rows(fresh)
    # The first list, its slots read as 2.0, as 2 again (one status changed too), and the
    # GPU whose status changed back.
    assert reads.count(True) == 5 + 5 + 5 + 1
    assert gpu_health.SINCE_COL == COL["Since"]


def test_the_rollup_is_counted_again_only_when_a_gpu_status_or_the_site_changes(
        view: GpuHealthView, monkeypatch: pytest.MonkeyPatch) -> None:
    import copy

    import widgets.gpu_health as gpu_health

    counted = []
    real = gpu_health.fleet_rollup
    monkeypatch.setattr(gpu_health, "fleet_rollup",
                        lambda *a: (counted.append(1), real(*a))[1])
    site = _site()
    view.set_topology(site)
    first = _unhealthy()
    view.apply(first)
    view.flush()
    n = len(counted)
    warmer = tuple({**g, "temp_c": g["temp_c"] + 3.0, "power_w": 700.0}
                   for g in copy.deepcopy(first.gpus))
    again = UnhealthyGpus(time=T0 + 2, received=T0 + 2, gpus=warmer, counts=first.counts)
    view.apply(again)
    view.flush()
    assert len(counted) == n
    worse = UnhealthyGpus(time=T0 + 4, received=T0 + 4, gpus=first.gpus[:-1],
                          counts=first.counts)
    view.apply(worse)
    view.flush()
    assert len(counted) == n + 1
    assert view.rollup == real(worse, site)
    view.set_topology(_site())
    assert len(counted) == n + 2


def test_the_rollup_columns_are_fitted_only_for_texts_of_new_widths(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Qt's column size hints read every cell: a column's is asked only when its texts take
    room they never took before; the fit stays right, at any width of the table."""
    from console.gpu_health import RollupRow
    from widgets.gpu_health import rollup_rows

    w = _shown(qtbot, 560, 380)
    table = w.rollup_table
    asked = []
    real = table.sizeHintForColumn
    monkeypatch.setattr(table, "sizeHintForColumn", lambda c: (asked.append(c), real(c))[1])
    w.rollup_model.set_rows(*rollup_rows([RollupRow("A", "GB200", 34560, degraded=5)]))
    assert asked
    asked.clear()
    w.rollup_model.set_rows(*rollup_rows([RollupRow("A", "GB200", 34560, degraded=6)]))
    assert w.rollup_model.rows[0][4].startswith("6")
    assert not asked  # "6 (0.02 %)" takes the room "5 (0.01 %)" took
    w.rollup_model.set_rows(*rollup_rows([RollupRow("A", "GB200", 34560, degraded=1234)]))
    assert 4 in asked and not {0, 1, 2} & set(asked)  # only the columns whose texts grew
    asked.clear()
    w.rollup_model.set_rows(*rollup_rows([RollupRow("A", "GB200", 34560, degraded=6)]))
    assert not asked  # widths seen before are kept
    w.resize(1600, 380)
    qtbot.waitUntil(lambda: table.viewport().width() > 1000)
    header = table.horizontalHeader()
    assert [header.sectionSize(c) for c in range(header.count())] == [
        max(header.sectionSizeHint(c), real(c)) for c in range(header.count())]
    w.stop()


def test_a_changed_list_comes_sorted_and_filtered_in_one_reset(qtbot: Any) -> None:
    """New rows are sorted on the column shown and filtered as the proxy maps them, in one
    reset (no layout change and refilter after it): what shows equals a new view's."""
    def shown(w: GpuHealthView) -> list[tuple[str, ...]]:
        return [tuple(w.proxy.index(r, c).data() for c in range(len(COLUMNS)))
                for r in range(w.proxy.rowCount())]

    views = []
    for _ in range(2):
        w = GpuHealthView()
        qtbot.addWidget(w)
        w.set_topology(_site())
        w.table.sortByColumn(COL["Rack"], Qt.SortOrder.DescendingOrder)
        w.set_filter(hall="A")
        views.append(w)
    old, new = views
    old.apply(_unhealthy())
    old.flush()
    layouts: list[int] = []
    old.model.layoutChanged.connect(lambda *a: layouts.append(1))
    old.proxy.layoutChanged.connect(lambda *a: layouts.append(2))
    gpus = [dict(g) for g in _unhealthy().gpus]
    gpus.append(_gpu("GPU-ffff-0094", "A-02-01", "failed", 94))
    del gpus[0]
    changed = decode_unhealthy({"time": T0 + 2, "gpus": gpus}, received=T0 + 2)
    old.apply(changed)
    old.flush()
    new.apply(changed)
    new.flush()
    assert layouts == []
    assert shown(old) == shown(new)
    racks = [row[COL["Rack"]] for row in shown(old)]
    assert racks == sorted(racks, reverse=True) and {r[0] for r in racks} == {"A"}
    assert "GPU-ffff-0094" in {row[COL["UUID"]] for row in shown(old)}
    assert old.visible_rows() == 3
    for w in views:
        w.stop()


def test_a_rollup_figure_change_is_no_new_fit_nor_reset(qtbot: Any) -> None:
    """Other figures of the same halls repaint their rows: no reset, and Qt fits no column
    to its contents (which asks the model for every cell, then again after the paint); the
    columns keep the widths fitted to their texts."""
    from PySide6.QtCore import QCoreApplication

    from console.gpu_health import RollupRow
    from widgets.gpu_health import rollup_rows

    w = _shown(qtbot, 1600, 380)
    model, table = w.rollup_model, w.rollup_table
    header = table.horizontalHeader()
    model.set_rows(*rollup_rows([RollupRow("A", "GB200", 34560, degraded=5)]))
    QCoreApplication.processEvents()
    widths = [header.sectionSize(c) for c in range(header.count())]
    resets, asked = [], []
    model.modelReset.connect(lambda: resets.append(1))
    real = type(model).data
    model.data = lambda *a: (asked.append(a[1:]), real(model, *a))[1]  # type: ignore
    table.viewport().setUpdatesEnabled(False)  # what the paint asks aside
    model.set_rows(*rollup_rows([RollupRow("A", "GB200", 34560, degraded=6)]))
    QCoreApplication.sendPostedEvents()
    table.viewport().setUpdatesEnabled(True)
    assert not resets and not asked
    assert [header.sectionSize(c) for c in range(header.count())] == widths
    assert model.rows[0][4].startswith("6")
    w.stop()


def test_a_changed_list_is_laid_out_at_its_redraw(qtbot: Any) -> None:
    """The list's rows are laid out when it is redrawn (its scroll range says them), not by
    the table's timer after the window's next paint, which painted the table twice."""
    w = _shown(qtbot, 900, 420)
    w.set_topology(_site())
    w.apply(_unhealthy())
    w.flush()
    qtbot.waitUntil(lambda: w.table.verticalScrollBar().maximum() == 0)
    many = [_gpu(f"GPU-{i:04d}", "A-01-02", "degraded", 63) for i in range(80)]
    w.apply(decode_unhealthy({"time": T0 + 60, "gpus": many,
                              "counts": {"degraded": 80, "failed": 0, "off_bus": 0}},
                             received=T0 + 60))
    w.flush()
    assert w.table.verticalScrollBar().maximum() > 0  # before any event is handled
    w.stop()


def test_the_list_answers_each_role_as_before(view: GpuHealthView) -> None:
    """The list's cells answer their text, tooltip and the status cell's colours; every
    other role (asked for each cell at each paint) is answered None."""
    from widgets.gpu_health import DARK_TEXT, STATUS_COLOUR
    from widgets.text import plain_tooltip

    model = view.model
    status = COL["Status"]
    for r in range(model.rowCount()):
        record = model.records[r]
        for c in range(model.columnCount()):
            index = model.index(r, c)
            assert index.data() == model.cells[r][c]
            assert index.data(Qt.ItemDataRole.ToolTipRole) == plain_tooltip(model.cells[r][c])
            for role in (Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole,
                         Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.CheckStateRole,
                         Qt.ItemDataRole.UserRole):
                assert index.data(role) is None
            assert index.data(Qt.ItemDataRole.BackgroundRole) == (
                STATUS_COLOUR.get(record["status"]) if c == status else None)
            assert index.data(Qt.ItemDataRole.ForegroundRole) == (
                DARK_TEXT if c == status else None)
    assert model.data(model.index(-1, -1)) is None


def test_the_rollup_is_painted_once_when_its_columns_change_width(qtbot: Any) -> None:
    """New figures of other widths fit the columns at once: the window's paint shows them,
    and the table paints nothing again after it (its own column timer did)."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    from console.gpu_health import RollupRow
    from widgets.gpu_health import rollup_rows

    w = _shown(qtbot, 1200, 500)
    viewport = w.rollup_table.viewport()
    header = w.rollup_table.horizontalHeader()
    paints = []

    class Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if watched is viewport and event.type() == QEvent.Type.Paint:
                paints.append(1)
            return False

    w.rollup_model.set_rows(*rollup_rows([RollupRow("A", "GB200", 345600, degraded=5)]))
    for _ in range(3):  # the reset's layout done (a timer of no delay)
        QCoreApplication.processEvents()
    counter = Paints()
    viewport.installEventFilter(counter)
    for degraded in (1234, 7, 123456, 8):
        w.rollup_model.set_rows(*rollup_rows([RollupRow("A", "GB200", 345600,
                                                        degraded=degraded)]))
        w.repaint()
        paints.clear()
        for _ in range(3):
            QCoreApplication.processEvents()
        assert not paints, degraded
        assert [header.sectionSize(c) for c in range(header.count())] == [
            max(header.sectionSizeHint(c), w.rollup_table.sizeHintForColumn(c))
            for c in range(header.count())]
    viewport.removeEventFilter(counter)
    w.stop()


def test_new_count_figures_lay_out_no_more_than_the_count_line(qtbot: Any) -> None:
    """The count line's new words at each poll (its age, its clock) do not lay the view
    out again, nor the window above it: the line's room is the same. Before, each new
    text laid out every layout up to the window's (twice, ~2 ms a poll)."""
    from tests.layout_requests import LayoutRequests, send_layout_requests, settle

    w = _shown(qtbot, 900, 420)
    w.set_topology(_site())
    w.apply(_unhealthy())
    w.set_data_age(12.0, False)
    w.flush()
    settle()
    spy = LayoutRequests(w, w.splitter)
    before = w.count_label.text()
    hint = w.count_label.sizeHint()
    w.set_data_age(21.0, False)  # "12 s" -> "21 s": the same digits, the same room
    w.flush()
    send_layout_requests()
    assert w.count_label.text() != before and "21 s old" in w.count_label.text()
    assert w.count_label.sizeHint() == hint
    assert spy.asked == []
    assert w.count_label.geometry() == w.count_label.parentWidget().rect()  # it fills its box
    # Words that need more room lay the view out: the line is as wide as its words.
    w.set_filter("gpu-bbbb")
    w.count_label.setText(w.count_label.text() + " — " + "wider " * 12)
    send_layout_requests()
    assert spy.asked
    assert w.count_label.width() >= w.count_label.sizeHint().width()
