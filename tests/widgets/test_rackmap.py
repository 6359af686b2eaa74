"""Rack map and rack detail widgets (offscreen): colours sampled from grab(), mouse, keys."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QWheelEvent

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
    assert view.overlays() == ("power", "inlet", "gpu_temp", "gpu_util", "unhealthy", "alarm",
                               "idle_gpus")
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


def test_a_new_layout_is_laid_out_and_bucketed_once(view: RackMapView, topo: SiteTopology,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """set_topology arranges the halls for the map's area and lays the racks out once (the
    start shows the recorded floor through it): not first as planned, then as arranged."""
    view.apply(decode_racks(racks_payload(topo), topo))
    calls = {"lay_out": 0, "rebucket": 0}
    for name in calls:
        original = getattr(view, f"_{name}")

        def counted(*args: Any, _name: str = name, _original: Any = original) -> Any:
            calls[_name] += 1
            return _original(*args)

        monkeypatch.setattr(view, f"_{name}", counted)
    bigger = decode_site(site_payload(rows=5, racks=6), received=T0)
    view.set_topology(bigger)
    assert calls == {"lay_out": 1, "rebucket": 1}
    assert view.fitted and view.hall_grid != (0, 0)
    laid = (view.hall_grid, view.rack_rect("A-05-01"), view.rack_rect("E-02-04"))
    view.fit()  # as arranged for its area: fitting again moves nothing
    assert (view.hall_grid, view.rack_rect("A-05-01"), view.rack_rect("E-02-04")) == laid


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


# -- the map in its dock: halls laid out for its shape, fit, zoom bounds, legend, hall names --
def halls_payload(n: int = 6) -> dict[str, Any]:
    """``n`` tall halls (6 rows of 8 racks, 6 m x 22 m) three to a row on the plan, 20 m apart,
    as the site's are; the last two of H200, the others of GB200."""
    halls, rows, racks = [], [], []
    for k in range(n):
        hid = "ABCDEFGH"[k]
        model = "H200" if k >= n - 2 else "GB200"
        hx, hy = 10.0 + 26.0 * (k % 3), 10.0 + 42.0 * (k // 3)
        halls.append({"id": hid, "name": f"Hall {hid}", "gpu_model": model, "x": hx, "y": hy,
                      "w": 6.0, "h": 22.0})
        for r in range(1, 7):
            rid = f"{hid}-{r:02d}"
            y = hy + 1.0 + 3.4 * (r - 1)
            rows.append({"id": rid, "hall": hid, "x": hx + 0.6, "y": y, "w": 4.8, "h": 1.2})
            for q in range(1, 9):
                racks.append({"id": f"{rid}-{q:02d}", "hall": hid, "row": rid,
                              "x": hx + 0.6 + 0.6 * (q - 1), "y": y, "w": 0.6, "h": 1.2,
                              "gpu_model": model, "capacity_kw": 132.0, "gpus": 72})
    return {"time": T0, "halls": halls, "rows": rows, "racks": racks}


@pytest.fixture
def six(qtbot: Any) -> RackMapView:
    w = RackMapView()
    qtbot.addWidget(w)
    w.resize(1000, 700)
    w.show()
    qtbot.waitExposed(w)
    topo = decode_site(halls_payload(), received=T0)
    w.set_topology(topo)
    w.apply(decode_racks(racks_payload(topo), topo))
    w.flush()
    yield w
    w.stop()


def resize_to(qtbot: Any, w: RackMapView, width: int, height: int) -> None:
    w.resize(width, height)
    qtbot.waitUntil(lambda: w.width() == width and w.height() == height)


def drawn(w: RackMapView) -> list[Any]:
    return [r for r in w.drawn_rack_rects() if not r.isEmpty()]


def assert_whole_site_shown(w: RackMapView) -> None:
    area = w.map_area()
    rects = [w._transform().mapRect(r) for r in w._rects_m]
    assert all(area.contains(r) for r in rects)
    assert all(not r.intersects(w.legend_rect()) for r in rects)


def test_halls_are_laid_out_for_the_shape_of_the_dock(qtbot: Any, six: RackMapView) -> None:
    """A wide dock gets the halls side by side, a tall one stacked, and each layout draws the
    racks larger than the site plan's three-by-two would."""
    sizes = {}
    for width, height in ((1500, 420), (360, 1800), (900, 900)):
        resize_to(qtbot, six, width, height)
        cols, rows = six.hall_grid
        assert cols * rows >= 6
        assert_whole_site_shown(six)
        rects = drawn(six)
        assert len(rects) == 6 * 48
        # halls never overlap: no rack of one hall meets a rack of another
        by_hall: dict[str, Any] = {}
        for rid, r in zip(six.topology.rack_ids, rects, strict=True):
            box = by_hall.setdefault(rid[0], r)
            by_hall[rid[0]] = box.united(r)
        boxes = list(by_hall.values())
        assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
        sizes[(width, height)] = (cols, rows, six.scale)
    assert sizes[(1500, 420)][:2] == (6, 1)
    assert sizes[(360, 1800)][0] <= 2 and sizes[(360, 1800)][1] >= 3
    # the plan as drawn before (3 x 2 at its own spacing) in the wide dock: racks smaller
    plan = decode_site(halls_payload(), received=T0)
    xs = plan.geometry[:, 0]
    ys = plan.geometry[:, 1]
    plan_w, plan_h = xs.max() + 0.6 - xs.min(), ys.max() + 1.2 - ys.min()
    assert sizes[(1500, 420)][2] > 1.5 * min(1500 / plan_w, 420 / plan_h)


def test_the_map_fits_on_resize_unless_zoomed_and_home_fits(qtbot: Any, six: RackMapView) -> None:
    resize_to(qtbot, six, 800, 600)
    small = six.scale
    assert six.fitted
    resize_to(qtbot, six, 1400, 1000)
    assert six.scale > small and six.fitted
    assert_whole_site_shown(six)
    six.zoom(2.0)
    zoomed, offset = six.scale, six._offset
    resize_to(qtbot, six, 1000, 800)
    assert not six.fitted
    assert six.scale == zoomed and six._offset == offset  # the user's view kept
    six.setFocus()
    qtbot.keyClick(six, Qt.Key.Key_Home)
    assert six.fitted and six.scale < zoomed
    assert_whole_site_shown(six)


def test_zoom_is_bounded(six: RackMapView) -> None:
    from widgets.rackmap import MAX_SCALE, ZOOM_OUT_MARGIN

    fit = six.scale
    six.zoom(1e-6)
    assert six.scale == pytest.approx(fit * ZOOM_OUT_MARGIN)
    for _ in range(40):
        six.zoom(0.5)
    assert six.scale == pytest.approx(fit * ZOOM_OUT_MARGIN)
    six.zoom(1e9)
    assert six.scale == pytest.approx(MAX_SCALE)
    assert six.select_rack("B-03-04")  # centring zooms in to read the rows, within bounds
    assert six.scale <= MAX_SCALE


@pytest.mark.parametrize("size", [(320, 240), (360, 620), (640, 360), (1000, 700), (1600, 1000)])
def test_the_legend_never_covers_a_rack(qtbot: Any, six: RackMapView,
                                        size: tuple[int, int]) -> None:
    """The legend has its own band beside or under the map (whichever draws the racks
    larger); the overlay selector sits in its head; a rack panned towards it is cut at the
    band's edge."""
    from widgets.rackmap_overlays import LEGEND_FILL

    resize_to(qtbot, six, *size)
    six.fit()
    legend = six.legend_rect()
    assert QRectFContains(six.rect(), legend)
    assert QRectFContains(legend, six.overlay_box.geometry())
    assert not legend.intersects(six.map_area())
    assert all(not r.intersects(legend) for r in drawn(six))
    assert_whole_site_shown(six)
    # pan every rack towards the legend: none is drawn over it
    target = legend.bottomRight() - QPointF(3, 3)
    corner = six.rack_rect("F-06-08")
    six._offset += target - corner.center()
    six._fitted = False
    six.update()
    assert all(not r.intersects(legend) for r in drawn(six))
    assert pixel(six, target) == LEGEND_FILL


def QRectFContains(outer: Any, inner: Any) -> bool:  # noqa: N802
    from PySide6.QtCore import QRectF

    return QRectF(outer).adjusted(-0.5, -0.5, 0.5, 0.5).contains(QRectF(inner))


def test_hall_names_have_one_form(qtbot: Any, six: RackMapView) -> None:
    """Every hall is named in the same form: 'Hall A · GB200' where each fits, else 'A ·
    GB200' for every hall, else the letters (never one hall in one form, one in another)."""
    forms = set()
    for width in (1800, 700, 330):
        resize_to(qtbot, six, width, 900)
        labels = six.hall_labels()
        assert len(labels) == 6
        if labels[0].startswith("Hall "):
            assert labels == [f"Hall {h} · {'H200' if h in 'EF' else 'GB200'}" for h in "ABCDEF"]
        elif " · " in labels[0]:
            assert labels == [f"{h} · {'H200' if h in 'EF' else 'GB200'}" for h in "ABCDEF"]
        else:
            assert labels == list("ABCDEF")
        forms.add(labels[0])
    assert "Hall A · GB200" in forms


def _image(w: RackMapView) -> Any:
    return w.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def test_a_frame_in_the_same_colours_redraws_no_rack_and_a_new_colour_is_drawn(
        qtbot: Any, view: RackMapView, topo: SiteTopology,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import widgets.rackmap as rackmap

    drawn_racks = []
    real = rackmap.paint_racks
    monkeypatch.setattr(rackmap, "paint_racks",
                        lambda *a, **k: (drawn_racks.append(1), real(*a, **k)))
    view.set_overlay("inlet")
    view.apply(decode_racks(racks_payload(topo), topo))
    view.flush()
    first = _image(view)
    assert drawn_racks
    drawn_racks.clear()
    # Another frame, every rack still in its colour band: the floor is not drawn again.
    warmer = {r: 22.5 for r in ("A-01-01", "A-02-02", "A-03-03")}
    view.apply(decode_racks(racks_payload(topo, inlet_c=warmer), topo))
    view.flush()
    assert _image(view) == first
    assert not drawn_racks
    # A rack that changes colour is drawn in its new colour, the map as a new view draws it.
    hot = decode_racks(racks_payload(topo, inlet_c={"A-02-03": 35.5}), topo)
    view.apply(hot)
    view.flush()
    assert pixel(view, view.rack_rect("A-02-03").center()) == ALARM
    fresh = RackMapView()
    qtbot.addWidget(fresh)
    fresh.resize(view.size())
    fresh.show()
    qtbot.waitExposed(fresh)
    fresh.set_topology(topo)
    fresh.set_overlay("inlet")
    fresh.apply(hot)
    fresh.flush()
    assert _image(fresh) == _image(view)
    fresh.stop()


def test_the_floor_is_drawn_again_when_stale_highlighted_or_zoomed(
        view: RackMapView, topo: SiteTopology) -> None:
    view.set_overlay("inlet")
    view.apply(decode_racks(racks_payload(topo), topo))
    view.set_data_age(1.0, False)
    view.flush()
    before = _image(view)
    view.highlight_racks(["A-02-03"])
    outlined = _image(view)
    assert outlined != before
    view.highlight_racks([])
    assert _image(view) == before
    view.set_data_age(30.0, True)
    view.flush()
    assert _image(view) != before  # dimmed, with the banner
    view.set_data_age(1.0, False)
    view.flush()
    view.zoom(1.5)
    assert view.rack_rect("A-02-03").width() > 0
    assert _image(view) != before
    view.fit()
    assert _image(view) == before
