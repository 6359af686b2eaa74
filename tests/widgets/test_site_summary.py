"""KPI strip: grey when normal (ISA-101); a few failed GPUs at fleet scale are normal wear."""

from __future__ import annotations

from typing import Any

from console.decode import decode_site, decode_unhealthy
from console.hub.topology import Topology
from widgets.site_summary import ABNORMAL, SiteSummary

T0 = 1_780_000_000.0


def _gpus(n: int) -> Any:
    gpus = [{"uuid": f"GPU-{k}", "rack": "A-01-01", "status": "failed", "xid": 48,
             "since": T0} for k in range(n)]
    return decode_unhealthy(
        {"time": T0, "gpus": gpus, "counts": {"failed": n, "off_bus": 0, "degraded": 0}},
        received=T0,
    )


def test_unhealthy_gpu_tile_is_grey_at_normal_wear_and_orange_above(qtbot: Any) -> None:
    topo = Topology("hall", 3)  # 34,560 GPUs
    site = decode_site({"time": T0, "halls": topo.halls, "rows": topo.rows, "racks": topo.racks},
                       received=T0)
    summary = SiteSummary()
    qtbot.addWidget(summary)
    summary.set_topology(site)
    summary.apply(_gpus(17))  # 0.05 % of the fleet: maintenance work
    summary.flush()
    assert summary.tiles["gpus"].value.text() == "17"
    assert ABNORMAL not in summary.tiles["gpus"].value.styleSheet()
    summary.apply(_gpus(120))  # 0.35 %: well above normal wear
    summary.flush()
    assert ABNORMAL in summary.tiles["gpus"].value.styleSheet()


def test_a_small_stock_site_reads_in_its_own_scale_and_says_what_is_not_metered(
        qtbot: Any) -> None:
    """A site layout without capacity_mw has no envelope (not Tétouan's 386 MW); power
    below 1 MW keeps its kW; solar and wind not metered say so, not "n/a"; pending job
    arrays count their tasks, as squeue -r lists them."""
    import numpy as np

    from console.contract import POWER_FIELDS
    from console.model import JobsSnapshot, PowerSeries

    site = decode_site({"time": T0, "halls": [{"id": "A"}], "racks": [
        {"id": "A-01-01", "hall": "A", "row": "A-01", "x": 0, "y": 0, "w": 1, "h": 1,
         "gpus": 8}]}, received=T0)
    t = np.arange(3.0) * 10 + T0
    fields = {f: np.full(3, np.nan) for f in POWER_FIELDS}
    fields |= {"facility_mw": np.full(3, 0.2196), "it_mw": np.full(3, 0.1664),
               "grid_mw": np.full(3, 0.121), "pue": np.full(3, 1.32),
               "renewable_share_pct": np.full(3, 45.0)}
    missing = {"solar_mw": "not metered: no solar meter configured ([site.power] solar)",
               "wind_mw": "not metered: no wind meter configured ([site.power] wind)"}
    jobs = JobsSnapshot(time=T0, columns={
        "id": np.array([1, 2, 3]), "state": np.array(["RUNNING", "PENDING", "PENDING"], object),
        "array_tasks": np.array([0, 10, 0])})
    summary = SiteSummary()
    qtbot.addWidget(summary)
    summary.set_topology(site)
    summary.apply(PowerSeries(time=T0, t=t, fields=fields, missing=missing))
    summary.apply(jobs)
    summary.flush()
    tiles = summary.tiles
    assert tiles["facility"].value.text() == "0.220 MW"
    assert tiles["facility"].detail.text() == "no envelope in the site layout (capacity_mw)"
    assert ABNORMAL not in tiles["facility"].value.styleSheet()
    assert tiles["it"].value.text() == "0.166 MW"
    assert tiles["renewable"].detail.text() == "solar, wind not metered"
    assert tiles["jobs"].value.text() == "1 running" and tiles["jobs"].detail.text() == "11 pending"


def test_a_tile_without_figures_says_stale_only_while_the_data_is(qtbot: Any) -> None:
    """The recorded floor at start-up, or a comm loss before a kind's first answer: the
    tiles say STALE; once the link is back, a tile that never had figures shows a plain
    dash, not a 'STALE' left over."""
    topo = Topology("hall", 3)
    site = decode_site({"time": T0, "halls": topo.halls, "rows": topo.rows, "racks": topo.racks},
                       received=T0)
    summary = SiteSummary()
    qtbot.addWidget(summary)
    summary.set_topology(site)
    summary.apply(_gpus(3))
    summary.set_data_age(300.0, True)
    summary.flush()
    assert summary.tiles["jobs"].detail.text().startswith("STALE")
    summary.set_data_age(1.0, False)
    summary.flush()
    assert summary.tiles["jobs"].value.text() == "—" and summary.tiles["jobs"].detail.text() == ""
    assert summary.tiles["gpus"].value.text() == "3"


def test_job_states_are_counted_once_per_queue_not_per_poll(qtbot: Any, monkeypatch: Any) -> None:
    """A poll that found no job changed brings a new snapshot with the same (read-only)
    columns: its running and pending are not counted again; a queue whose states changed
    is, and a snapshot with writable columns is counted for itself."""
    import numpy as np

    from console.model import JobsSnapshot, frozen
    from widgets import site_summary

    calls: list[int] = []
    real = site_summary._running_pending
    monkeypatch.setattr(site_summary, "_running_pending",
                        lambda jobs: (calls.append(1), real(jobs))[1])
    columns = {"id": frozen(np.array([1, 2, 3])),
               "state": frozen(np.array(["RUNNING", "PENDING", "PENDING"], object)),
               "array_tasks": frozen(np.array([0, 4, 0]))}
    summary = SiteSummary()
    qtbot.addWidget(summary)
    for k in range(3):  # three polls of an unchanged queue
        summary.apply(JobsSnapshot(time=T0 + 2 * k, columns=dict(columns)))
        summary.flush()
    assert len(calls) == 1
    assert summary.tiles["jobs"].value.text() == "1 running"
    assert summary.tiles["jobs"].detail.text() == "5 pending"
    changed = dict(columns, state=frozen(np.array(["RUNNING", "RUNNING", "PENDING"], object)))
    summary.apply(JobsSnapshot(time=T0 + 6, columns=changed))
    summary.flush()
    assert len(calls) == 2
    assert summary.tiles["jobs"].value.text() == "5 running"
    assert summary.tiles["jobs"].detail.text() == "1 pending"
    writable = {"id": np.array([1, 2]), "state": np.array(["PENDING", "PENDING"], object)}
    for k in range(2):
        summary.apply(JobsSnapshot(time=T0 + 8 + k, columns=writable))
        summary.flush()
    assert len(calls) == 4
    assert summary.tiles["jobs"].detail.text() == "2 pending"


def test_long_figures_never_widen_the_strip_beyond_its_least_width(qtbot: Any) -> None:
    """A tile's words (a reason up to 120 characters, counts in the thousands) never raise
    the strip's least width: a window narrower than that grew under the operator at a new
    figure, and every view was laid out again. The whole line stays in the tool tip."""
    summary = SiteSummary()
    qtbot.addWidget(summary)
    before = summary.minimumSizeHint().width()
    reason = "not metered: " + "no facility meter configured in the site layout " * 3
    for tile in summary.tiles.values():
        tile.set("—", reason)
    summary.layout().activate()
    assert summary.minimumSizeHint().width() <= before
    assert summary.minimumSizeHint().width() < summary.sizeHint().width()
    tile = summary.tiles["it"]
    assert reason in tile.toolTip() and tile.detail.text() == reason


def test_a_figure_is_whole_at_its_first_paint(qtbot: Any) -> None:
    """A redraw gives a wider figure its room at once: the first frame (the recorded floor,
    painted before the event loop runs again) showed '3,520 / 3,52'."""
    import numpy as np
    from PySide6.QtWidgets import QApplication

    from console.model import JobsSnapshot
    from resources import theme_qss

    summary = SiteSummary()
    qtbot.addWidget(summary)
    summary.setStyleSheet(theme_qss())  # the console's figures: 15 pt
    summary.resize(1280, 80)
    summary.show()
    qtbot.waitExposed(summary)
    for _ in range(3):
        QApplication.processEvents()
    n = 12_345
    summary.apply(JobsSnapshot(time=T0, columns={
        "id": np.arange(n), "state": np.array(["RUNNING"] * n, object)}))
    summary.flush()  # no event loop turn between the figures and the paint
    value = summary.tiles["jobs"].value
    assert value.text().startswith("12,345")
    assert value.width() >= value.sizeHint().width()


def test_a_figure_is_never_cut_short(qtbot: Any) -> None:
    """The value keeps its whole width (a figure cut short reads as another: "3,520 /
    3,52" at the first frame at 1280 x 800), the long detail line is what gives way."""
    from PySide6.QtWidgets import QApplication

    summary = SiteSummary()
    qtbot.addWidget(summary)
    summary.resize(1280, 80)
    summary.show()
    qtbot.waitExposed(summary)
    reason = "not metered: " + "no facility meter configured in the site layout " * 3
    figures = {"racks": "3,520 / 3,520", "jobs": "2,437 running", "facility": "317.7 MW"}
    for key, tile in summary.tiles.items():
        tile.set(figures.get(key, "12,345"), reason)
    for _ in range(5):  # the size hints pass up a layout at a time
        QApplication.processEvents()
    summary.layout().activate()
    for key, tile in summary.tiles.items():
        assert tile.value.width() >= tile.value.sizeHint().width(), key
    assert summary.minimumSizeHint().width() <= 1280


def test_new_figures_of_the_same_width_lay_out_no_tile(qtbot: Any) -> None:
    """A tile's value and detail lines change at every poll: figures of the same width
    ask no layout of the tile nor of the summary (before, each new figure laid out the
    tile, the strip and the window's layouts); figures needing more room do."""
    from tests.layout_requests import LayoutRequests, send_layout_requests, settle

    summary = SiteSummary()
    qtbot.addWidget(summary)
    summary.resize(1200, 80)
    summary.show()
    qtbot.waitExposed(summary)
    tile = summary.tiles["facility"]
    tile.set("312.4 MW", "81.2 % of 386 MW")
    settle()
    spy = LayoutRequests(summary, tile)
    hints = tile.value.sizeHint(), tile.detail.sizeHint()
    tile.set("321.4 MW", "82.1 % of 386 MW")  # the same digits moved: the same room
    send_layout_requests()
    assert (tile.value.sizeHint(), tile.detail.sizeHint()) == hints
    assert tile.value.text() == "321.4 MW" and spy.asked == []
    tile.set("1,321.4 MW", "a detail line that needs a good deal more room than before")
    send_layout_requests()
    assert spy.asked
    # the detail's least width of 1 holds in its box; the value's box takes the figure's width
    assert tile.detail.minimumSizeHint().width() > 1 and tile.detail.parentWidget().minimumWidth() == 1
    assert tile.value.parentWidget().minimumSizeHint() == tile.value.minimumSizeHint()
