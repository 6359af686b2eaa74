"""Rack map and rack detail widgets (offscreen): colours sampled from grab(), mouse, keys."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent

from console.contract import RACK_FIELDS
from console.decode import decode_rack_detail, decode_racks, decode_site
from console.model import RackTelemetry, SiteTopology
from widgets.rack_detail import RackDetail
from widgets.rackmap import RackMapView
from widgets.rackmap_overlays import (
    ALARM,
    FLOOR,
    HIGHLIGHT,
    NO_DATA_FILL,
    NO_DATA_HATCH,
    OVERLAYS,
)

T0 = 1_780_000_000.0


def site_payload(rows: int = 4, racks: int = 6, extra_id: str | None = None) -> dict[str, Any]:
    """A small site: hall A (GB200, rows x racks) and hall E (H200, 2 x 4)."""
    halls, row_list, rack_list = [], [], []
    for hall, model, nrows, nracks, cap, gpus, hx in (("A", "GB200", rows, racks, 132.0, 72, 10.0),
                                                      ("E", "H200", 2, 4, 48.0, 32, 40.0)):
        halls.append({"id": hall, "name": f"Hall {hall}", "gpu_model": model, "x": hx,
                      "y": 10.0, "w": 24.0, "h": 4.0 + 3.0 * nrows})
        for r in range(1, nrows + 1):
            rid = f"{hall}-{r:02d}"
            y = 12.0 + 3.0 * (r - 1)
            row_list.append({"id": rid, "hall": hall, "x": hx + 4, "y": y, "w": 0.6 * nracks,
                             "h": 1.2})
            for p in range(1, nracks + 1):
                rack_list.append({"id": f"{rid}-{p:02d}", "hall": hall, "row": rid,
                                  "x": hx + 4 + 0.6 * (p - 1), "y": y, "w": 0.6, "h": 1.2,
                                  "gpu_model": model, "capacity_kw": cap, "gpus": gpus})
    if extra_id:
        rack_list.append({"id": extra_id, "hall": "E", "row": "E-02", "x": 60.0, "y": 30.0,
                          "w": 0.6, "h": 1.2, "capacity_kw": 48.0, "gpus": 32})
    return {"time": T0, "halls": halls, "rows": row_list, "racks": rack_list}


def racks_payload(topo: SiteTopology, **overrides: dict[str, float | None]) -> dict[str, Any]:
    """Normal figures for every rack; ``overrides[field][rack_id] = value``."""
    n = topo.n_racks
    base = {"power_kw": topo.capacity_kw * 0.7, "inlet_c": np.full(n, 24.0),
            "outlet_c": np.full(n, 36.0), "gpu_temp_max_c": np.full(n, 60.0),
            "gpu_util_mean": np.full(n, 90.0), "gpus_unhealthy": np.zeros(n),
            "pdu_a_kw": topo.capacity_kw * 0.35, "pdu_b_kw": topo.capacity_kw * 0.35,
            "alarm": np.zeros(n)}
    out: dict[str, Any] = {"time": T0, "rack_ids": list(topo.rack_ids)}
    for f in RACK_FIELDS:
        values: list[float | None] = [float(v) for v in base[f]]
        for rack_id, value in overrides.get(f, {}).items():
            values[topo.rack_index[rack_id]] = value
        out[f] = values
    return out


@pytest.fixture
def topo() -> SiteTopology:
    return decode_site(site_payload(), received=T0)


@pytest.fixture
def view(qtbot: Any, topo: SiteTopology) -> RackMapView:
    w = RackMapView()
    qtbot.addWidget(w)
    w.resize(1000, 700)
    w.show()
    qtbot.waitExposed(w)
    w.set_topology(topo)
    yield w
    w.stop()


def pixel(w: RackMapView, point: QPointF) -> QColor:
    return w.grab().toImage().pixelColor(point.toPoint())


def test_overheated_rack_is_coloured_normal_rack_stays_grey(view: RackMapView,
                                                            topo: SiteTopology) -> None:
    view.set_overlay("inlet")
    view.apply(decode_racks(racks_payload(topo, inlet_c={"A-02-03": 35.5}), topo))
    view.flush()
    hot, normal = view.rack_rect("A-02-03").center(), view.rack_rect("A-02-04").center()
    assert pixel(view, hot) == ALARM
    assert pixel(view, normal) == FLOOR
    assert view.value_of("A-02-03") == pytest.approx(35.5)
    assert view.no_data_count == 0


def test_each_overlay_grey_when_normal_coloured_when_abnormal(view: RackMapView,
                                                              topo: SiteTopology) -> None:
    assert view.overlays() == ("power", "inlet", "gpu_temp", "gpu_util", "unhealthy", "alarm")
    payload = racks_payload(topo, power_kw={"A-01-01": 150.0}, gpu_temp_max_c={"A-01-01": 91.0},
                            gpus_unhealthy={"A-01-01": 5.0}, alarm={"A-01-01": 4.0},
                            inlet_c={"A-01-01": 33.0})
    view.apply(decode_racks(payload, topo))
    for name in ("power", "inlet", "gpu_temp", "unhealthy", "alarm"):
        view.set_overlay(name)
        assert view.overlay == name
        assert pixel(view, view.rack_rect("A-01-01").center()) == ALARM, name
        normal = pixel(view, view.rack_rect("A-01-02").center())
        assert normal == FLOOR or name == "power", name
        assert max(normal.red(), normal.green(), normal.blue()) - min(
            normal.red(), normal.green(), normal.blue()) < 24, name  # a grey, not a colour
    view.set_overlay("gpu_util")  # utilisation is never abnormal: greys only
    c = pixel(view, view.rack_rect("A-01-02").center())
    assert c.red() == c.green() or abs(c.red() - c.blue()) < 20
    with pytest.raises(ValueError):
        view.set_overlay("nonsense")


def test_legend_states_units_and_thresholds(view: RackMapView, topo: SiteTopology) -> None:
    assert "°C" in OVERLAYS["inlet"].unit and "> 32" in OVERLAYS["inlet"].labels[-1]
    assert "> 27" in OVERLAYS["inlet"].labels[1]
    for o in OVERLAYS.values():
        assert len(o.labels) == len(o.colours) == len(o.edges) + 1


def test_click_emits_rack_activated_with_id(qtbot: Any, view: RackMapView) -> None:
    centre = view.rack_rect("A-03-05").center().toPoint()
    with qtbot.waitSignal(view.rackActivated) as blocker:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=centre)
    assert blocker.args == ["A-03-05"]
    assert view.selected_rack() == "A-03-05"
    assert view.rack_at(centre) == "A-03-05"
    assert view.rack_at(QPoint(2, 690)) == ""


def test_keyboard_arrows_enter_escape(qtbot: Any, view: RackMapView) -> None:
    assert view.select_rack("A-02-03")
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.selected_rack() == "A-02-04"
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.selected_rack() == "A-03-04"
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.selected_rack() == "A-02-03"
    with qtbot.waitSignal(view.rackActivated) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert blocker.args == ["A-02-03"]
    with qtbot.waitSignal(view.rackSelected) as cleared:
        qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert cleared.args == [""] and view.selected_rack() == ""
    qtbot.keyClick(view, Qt.Key.Key_Right)  # no selection: picks the rack nearest the centre
    assert view.selected_rack() != ""
    qtbot.keyClick(view, Qt.Key.Key_5)
    assert view.overlay == "unhealthy"


def test_missing_telemetry_is_hatched_and_counted(qtbot: Any, view: RackMapView,
                                                  topo: SiteTopology) -> None:
    payload = racks_payload(topo)
    gone = {"A-04-01", "A-04-02", "E-01-01"}
    keep = [i for i, r in enumerate(payload["rack_ids"]) if r not in gone]
    for key in ("rack_ids", *RACK_FIELDS):
        payload[key] = [payload[key][i] for i in keep]
    payload["inlet_c"][0] = None  # a single missing figure too
    payload["rack_ids"].append("Z-99-99")  # a rack the topology does not know
    for f in RACK_FIELDS:
        payload[f].append(20.0)
    view.set_overlay("inlet")
    with qtbot.waitSignal(view.noDataChanged) as blocker:
        view.apply(decode_racks(payload, topo))
    assert blocker.args == [4]
    assert view.no_data_count == 4
    assert view.unknown_rack_ids == ("Z-99-99",)
    img = view.grab().toImage()
    colours = set()
    r = view.rack_rect("A-04-01")
    for dx in range(2, int(r.width()) - 2):
        for dy in range(2, int(r.height()) - 2):
            colours.add(img.pixelColor(int(r.left()) + dx, int(r.top()) + dy).name())
    assert colours <= {NO_DATA_FILL.name(), NO_DATA_HATCH.name()}
    assert NO_DATA_HATCH.name() in colours  # hatched, not a flat zero-grey
    assert "no data for this rack" in view.tooltip_text("A-04-01")
    assert "no data" in view.tooltip_text(topo.rack_ids[0])


def test_topology_change_mid_shift(view: RackMapView, topo: SiteTopology) -> None:
    view.apply(decode_racks(racks_payload(topo), topo))
    bigger = decode_site(site_payload(rows=5, racks=6), received=T0)
    view.set_topology(bigger)
    assert view.no_data_count == bigger.n_racks  # old figures do not fit the new layout
    view.apply(decode_racks(racks_payload(topo), bigger))  # old-layout telemetry
    assert view.no_data_count == 6  # the new row has no data; the rest is aligned
    assert view.rack_rect("A-05-01").isValid()


def test_tooltip_has_figures_age_and_escapes_ids(qtbot: Any) -> None:
    topo = decode_site(site_payload(extra_id="E-<b>x</b>"), received=T0)
    w = RackMapView()
    qtbot.addWidget(w)
    w.resize(900, 600)
    w.set_topology(topo)
    w.apply(decode_racks(racks_payload(topo, inlet_c={"A-01-01": 29.0}), topo))
    text = w.tooltip_text("A-01-01")
    assert "Inlet 29.0 °C" in text and "92.4 kW" in text and "70 %" in text
    assert "figures" in text and "old" in text
    evil = w.tooltip_text("E-<b>x</b>")
    assert "&lt;b&gt;x&lt;/b&gt;" in evil and "<b>x</b>" not in evil
    shown = w.hover_at(w.rack_rect("A-01-01").center())
    assert shown == text == w.last_tooltip
    assert w.hover_at(QPointF(1, 1)) == ""
    w.stop()


def test_highlight_select_zoom_and_fit(qtbot: Any, view: RackMapView, topo: SiteTopology) -> None:
    view.apply(decode_racks(racks_payload(topo), topo))
    view.highlight_racks(["A-01-02", "unknown"])
    r = view.rack_rect("A-01-02")
    img = view.grab().toImage()
    edge = {img.pixelColor(int(r.left()) + dx, int(r.center().y())).name() for dx in (-1, 0, 1)}
    assert HIGHLIGHT.name() in edge
    fitted = view.scale
    event = QWheelEvent(QPointF(500, 350), view.mapToGlobal(QPointF(500, 350)), QPoint(0, 0),
                        QPoint(0, 240), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    view.wheelEvent(event)
    assert view.scale == pytest.approx(fitted * 1.5625)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.scale == pytest.approx(fitted)
    assert view.select_rack("E-02-04") and not view.select_rack("nope")
    rr = view.rack_rect("E-02-04")
    assert abs(rr.center().x() - view._map_area().center().x()) < 2


def test_stale_map_is_greyed_with_age(view: RackMapView, topo: SiteTopology) -> None:
    view.apply(decode_racks(racks_payload(topo, inlet_c={"A-01-01": 35.0}), topo))
    view.set_overlay("inlet")
    view.set_data_age(190.0, True)
    view.flush()
    c = pixel(view, view.rack_rect("A-01-01").center())
    assert c != ALARM and c.value() < ALARM.value()  # dimmed, not live colour
    assert "STALE" in view.tooltip_text("A-01-01")


def test_empty_map_does_not_crash(qtbot: Any) -> None:
    w = RackMapView()
    qtbot.addWidget(w)
    w.resize(400, 300)
    w.apply(RackTelemetry(time=T0))
    assert w.grab().width() == 400 and w.rack_at(QPointF(10, 10)) == ""
    w.stop()


def detail_payload() -> dict[str, Any]:
    gpus = [{"index": i, "uuid": f"GPU-{i}", "model": "H200", "temp_c": 58.0 + i,
             "power_w": 690.0, "power_limit_w": 700.0, "util_pct": 99.0,
             "mem_used_mib": 80_000, "mem_total_mib": 143_771, "ecc_sbe": 0, "ecc_dbe": 0,
             "row_remap_failure": False, "xid": None, "xid_time": None,
             "clock_event_reasons": 0x4, "status": "healthy"} for i in range(8)]
    gpus[3].update(xid=79, status="off_bus", temp_c=None, power_w=None, util_pct=None)
    gpus[5].update(clock_event_reasons=0x44, temp_c=90.0, status="degraded")
    return {
        "time": T0, "rack": {"id": "E-01-02", "hall": "E", "row": "E-01", "gpu_model": "H200",
                             "rack_type": "hgx", "cooling": "air"},
        "nodes": [{"id": "E-01-02-n01", "host": "e01-02-n01", "slot": 1, "gpus": gpus}],
        "pdus": [{"id": "p-a", "feed": "A", "load_kw": 20.0, "rating_kw": 30.0, "tripped": False},
                 {"id": "p-b", "feed": "B", "load_kw": 0.0, "rating_kw": 30.0, "tripped": True}],
        "jobs": [{"id": 4180001, "name": "<b>train</b>", "tenant": "Atlas <i>AI</i>",
                  "user": "o'brien", "state": "RUNNING", "gpus": 8}],
        "events": [{"id": 1, "time": T0 - 60, "kind": "xid", "severity": "critical",
                    "message": "XID 79 on GPU-3"}],
    }


def test_rack_detail_grid_pdus_jobs_events(qtbot: Any) -> None:
    d = RackDetail()
    qtbot.addWidget(d)
    d.resize(1400, 800)
    d.show_detail(decode_rack_detail(detail_payload(), received=T0))
    m = d.gpu_model
    assert m.rowCount() == 8
    row3 = [m.data(m.index(3, c)) for c in range(m.columnCount())]
    assert row3[10].startswith("79: ") and "off the bus" in row3[10]
    assert row3[2] == "off the bus" and row3[4] == "n/a" and row3[0] == "e01-02-n01"
    assert row3[3] == "—"  # no job on it
    assert m.data(m.index(0, 11)) == "SW power cap"
    assert m.data(m.index(0, 2), Qt.ItemDataRole.BackgroundRole) is None  # healthy: no colour
    assert m.data(m.index(3, 2), Qt.ItemDataRole.BackgroundRole) is not None
    assert m.data(m.index(5, 11)) == "SW power cap, HW thermal slowdown"
    assert m.data(m.index(5, 11), Qt.ItemDataRole.BackgroundRole) is not None
    jobs = d.job_model
    assert jobs.data(jobs.index(0, 1)) == "<b>train</b>"  # plain text, never rendered
    assert jobs.data(jobs.index(0, 2)) == "Atlas <i>AI</i>"
    assert d.event_model.data(d.event_model.index(0, 2)) == "XID 79 on GPU-3"
    assert d.title.textFormat() == Qt.TextFormat.PlainText
    assert d.rack_id == "E-01-02"
    d.set_history({})
    t = np.arange(10.0) + T0
    d.set_history({"power_kw": (t, np.linspace(30, 40, 10)), "inlet_c": (t, np.full(10, np.nan))})
    assert len(d.sparklines["power_kw"].values) == 10
    assert d.grab().width() == 1400
    with qtbot.waitSignal(d.backRequested):
        qtbot.keyClick(d, Qt.Key.Key_Escape)


def test_map_hosts_detail_and_returns_on_escape(qtbot: Any, view: RackMapView) -> None:
    view.show_detail(decode_rack_detail(detail_payload(), received=T0))
    assert view.detail is not None and view.detail.isVisible()
    t = np.arange(5.0) + T0
    view.set_detail_history({"inlet_c": (t, np.full(5, 25.0))})
    assert len(view.detail.sparklines["inlet_c"].values) == 5
    assert view.selected_rack() == "E-01-02"
    qtbot.keyClick(view.detail, Qt.Key.Key_Escape)
    assert not view.detail.isVisible()


def test_simulated_cooling_loss_shows_on_the_map(qtbot: Any) -> None:
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub("hall", seed=3, start=T0, faults=False)
    topo = decode_site(hub.site())
    hub.inject("cooling_loss", "A-03")
    hub.step(hub.now + 900)
    w = RackMapView()
    qtbot.addWidget(w)
    w.resize(1000, 800)
    w.show()
    qtbot.waitExposed(w)
    w.set_topology(topo)
    w.set_overlay("inlet")
    w.apply(decode_racks(hub.racks(), topo))
    assert w.value_of("A-03-05") > 32.0 and w.value_of("A-10-05") < 27.0
    abnormal = {c.name() for c in OVERLAYS["inlet"].colours[1:]}
    assert pixel(w, w.rack_rect("A-03-05").center()).name() in abnormal
    assert pixel(w, w.rack_rect("A-10-05").center()) == FLOOR
    assert w.no_data_count == 0
    w.set_overlay("alarm")
    assert pixel(w, w.rack_rect("A-03-05").center()) != FLOOR
    with qtbot.waitSignal(w.rackActivated) as blocker:
        qtbot.mouseClick(w, Qt.MouseButton.LeftButton,
                         pos=w.rack_rect("A-03-05").center().toPoint())
    assert blocker.args == ["A-03-05"]
    w.show_detail(decode_rack_detail(hub.rack("A-03-05")))
    assert w.detail is not None and w.detail.rack_id == "A-03-05"
    assert w.detail.gpu_model.rowCount() == 72
    w.stop()


def test_an_overlay_the_site_does_not_collect_is_said_and_left_at_first(
        qtbot: Any, topo: SiteTopology) -> None:
    """A stock site has no per-rack inlet sensors: the first telemetry moves the map from
    the default inlet overlay to the first overlay with figures; an overlay chosen later
    that no rack reports says "not collected on this site"."""
    w = RackMapView()
    qtbot.addWidget(w)
    w.resize(1000, 700)
    w.set_topology(topo)
    none = {r: None for r in topo.rack_ids}
    payload = racks_payload(topo, inlet_c=none, outlet_c=none, pdu_a_kw=none, pdu_b_kw=none,
                            alarm=none)
    assert w.overlay == "inlet"
    w.apply(decode_racks(payload, topo))
    assert w.overlay == list(OVERLAYS)[0] == "power" and w.no_data_count == 0
    assert not w.overlay_not_collected
    w.set_overlay("inlet")  # the operator's choice stays
    w.apply(decode_racks(payload, topo))
    assert w.overlay == "inlet" and w.overlay_not_collected
    assert w.no_data_count == topo.n_racks
    w.stop()


def test_a_chosen_overlay_is_never_switched(qtbot: Any, topo: SiteTopology) -> None:
    w = RackMapView()
    qtbot.addWidget(w)
    w.set_topology(topo)
    w.set_overlay("inlet")
    none = {r: None for r in topo.rack_ids}
    w.apply(decode_racks(racks_payload(topo, inlet_c=none), topo))
    assert w.overlay == "inlet" and w.overlay_not_collected
    w.stop()
