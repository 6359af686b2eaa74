"""PowerBalanceChart: plotted data equals the series (gaps included), absurd values flagged."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from console.model import PowerSeries
from tests.console.test_power import make_series
from widgets import power_chart
from widgets.power_chart import PowerBalanceChart

T0 = 1_780_000_000.0
# the offscreen platform warns when a window is shown; showing lays the plots out for real
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def chart(qtbot: object) -> PowerBalanceChart:
    w = PowerBalanceChart()
    qtbot.addWidget(w)  # type: ignore[attr-defined]
    w.resize(1400, 900)
    w.show()
    qtbot.waitUntil(lambda: w.top.getViewBox().width() > 1000)  # type: ignore[attr-defined]
    w.set_span(3600.0)  # the test series fit in an hour: one point per sample on screen
    yield w
    w.stop()


def y(chart: PowerBalanceChart, key: str) -> np.ndarray:
    x, values = chart.curves[key].getData()
    assert x is not None
    return values


def test_plotted_data_equals_series_with_gaps(chart: PowerBalanceChart) -> None:
    s = make_series(T0, 300)
    fields = {k: np.array(v) for k, v in s.fields.items()}
    for v in fields.values():
        v[100:110] = np.nan  # ten missed polls on the hub's regular grid
    s = PowerSeries(time=s.time, t=s.t, fields=fields, step=10.0)
    chart.set_history(s)
    x, _ = chart.curves["facility"].getData()
    np.testing.assert_array_equal(x, s.t)
    for key, name in (
        ("facility", "facility_mw"),
        ("it", "it_mw"),
        ("share", "renewable_share_pct"),
        ("pue", "pue"),
        ("carbon", "carbon_g_per_kwh"),
    ):
        np.testing.assert_array_equal(y(chart, key), s[name])
    # stacked areas: each top is the running sum of the sources below it
    stack = np.zeros(len(s))
    for key, name in (
        ("solar", "solar_mw"),
        ("wind", "wind_mw"),
        ("battery_discharge", "battery_discharge_mw"),
        ("grid", "grid_mw"),
    ):
        stack = stack + s[name]
        np.testing.assert_allclose(y(chart, key), stack)
        assert np.isnan(y(chart, key)[100:110]).all()
    np.testing.assert_array_equal(y(chart, "battery_charge"), -s["battery_charge_mw"])
    assert chart.curves["facility"].opts["connect"] == "finite"


def test_missing_polls_become_nan_points_not_lines(chart: PowerBalanceChart) -> None:
    s = make_series(T0, 60)
    t = np.array(s.t)
    t[30:] += 600.0  # an hour-long outage would be a straight line if interpolated
    chart.set_history(PowerSeries(time=float(t[-1]), t=t, fields=dict(s.fields), step=10.0))
    x, values = chart.curves["facility"].getData()
    assert len(x) == 61 and np.isnan(values[30]) and x[30] == t[29] + 10


def test_kpis_share_pue_carbon_match_series(chart: PowerBalanceChart) -> None:
    s = make_series(T0, 360)
    chart.set_history(s)
    last = s.latest()
    assert chart.tile_labels[("now", "facility_mw")].text() == f"{last['facility_mw']:,.1f} MW"
    assert chart.tile_labels[("now", "renewable_share_pct")].text() == (
        f"{last['renewable_share_pct']:,.0f} %"
    )
    assert chart.tile_labels[("now", "pue")].text() == f"{last['pue']:,.2f}"
    assert chart.tile_labels[("now", "carbon_g_per_kwh")].text() == (
        f"{last['carbon_g_per_kwh']:,.0f} g/kWh"
    )
    text = chart.show_cursor(float(s.t[200]))
    assert f"PUE {s['pue'][200]:.2f}" in text
    assert f"renewable {s['renewable_share_pct'][200]:.1f} %" in text
    assert f"carbon {s['carbon_g_per_kwh'][200]:,.0f} gCO2/kWh" in text
    assert f"facility {s['facility_mw'][200]:,.1f} MW" in text


def test_absurd_values_flagged_not_plotted(chart: PowerBalanceChart) -> None:
    s = make_series(T0, 100)
    fac = np.array(s["facility_mw"])
    fac[40] = -50.0
    p = np.array(s["pue"])
    p[41] = 9.0
    chart.set_history(make_series(T0, 100, facility_mw=fac, pue=p))
    assert np.isnan(y(chart, "facility")[40]) and np.isnan(y(chart, "pue")[41])
    assert np.nanmin(y(chart, "facility")) > 0
    status = chart.status_label.text()
    assert "2 absurd value(s) rejected" in status and "facility_mw" in status and "pue" in status
    assert "-50" not in chart.show_cursor(float(s.t[40]))


def test_live_power_is_checked_when_read_and_drawn_with_its_rejections(
        chart: PowerBalanceChart) -> None:
    chart.set_history(make_series(T0, 360))
    fac = np.array(make_series(T0 + 3600, 30)["facility_mw"])
    fac[5] = -50.0
    chart.apply(make_series(T0 + 3600, 30, facility_mw=fac))
    one = make_series(T0 + 3900, 1)
    chart.apply(PowerSeries(time=one.time, t=one.t[:0], step=10.0,  # a poll between two samples
                            fields={k: v[:0] for k, v in one.fields.items()}))
    assert len(chart._incoming) == 2  # not yet checked: the redraw does it
    assert len(chart.history) == 390 and chart.flagged == {"facility_mw": 1}
    chart.flush()
    assert np.isnan(chart.history["facility_mw"][365]) and not chart._incoming
    assert "1 absurd value(s) rejected" in chart.status_label.text()
    chart.apply(make_series(T0 + 3900, 30))
    chart.set_history(make_series(T0, 100))  # a history replaces what waited, as before
    assert len(chart.history) == 100 and chart.flagged == {}


def test_live_power_waits_only_so_long_for_a_chart_not_drawn(
        chart: PowerBalanceChart) -> None:
    chart.set_history(make_series(T0, 10))
    for i in range(power_chart.INCOMING_MAX + 3):
        chart.apply(make_series(T0 + 100 + 10 * i, 1))
    assert len(chart._incoming) == 3  # the first INCOMING_MAX appended when they filled up
    assert len(chart.history) == 10 + power_chart.INCOMING_MAX + 3


def test_live_append_follow_and_pan(chart: PowerBalanceChart, qtbot: object) -> None:
    chart.set_history(make_series(T0, 360))
    chart.set_span(3600.0)
    new = make_series(T0 + 3600, 30)
    chart.apply(new)
    chart.flush()
    assert len(chart.history) == 390
    assert chart.x_range()[1] >= new.t[-1]
    with qtbot.waitSignal(chart.followChanged) as blocker:  # type: ignore[attr-defined]
        chart.top.getViewBox().translateBy(x=-600.0)
        chart.top.getViewBox().sigRangeChangedManually.emit([True, False])
    assert blocker.args == [False] and not chart.follow_button.isChecked()
    chart.apply(make_series(T0 + 3900, 30))
    chart.flush()
    assert chart.x_range()[1] < T0 + 4190  # stayed where the operator panned
    chart.follow_button.click()
    assert chart.follow and chart.x_range()[1] >= T0 + 4190


def test_time_axis_site_time_and_utc(chart: PowerBalanceChart) -> None:
    chart.set_history(make_series(T0, 10))
    t = 1_780_000_200.0  # 2026-05-28 20:30 UTC
    axis = chart.axes[0]
    site = axis.tickStrings([t], 1.0, 3600.0)[0]
    chart.utc_box.setChecked(True)
    assert chart.tz == "UTC"
    assert axis.tickStrings([t], 1.0, 3600.0)[0] == "20:30" and site == "21:30"
    ticks = axis.tickValues(T0, T0 + 86400, 1200)[0][1]
    assert all(v % 3600 == 0 for v in ticks)
    assert "UTC" in chart.show_cursor(T0)


def test_custom_range_stops_follow(chart: PowerBalanceChart) -> None:
    chart.set_history(make_series(T0, 720))
    chart.start_edit.setDateTime(chart.start_edit.dateTime().fromSecsSinceEpoch(int(T0 + 600)))
    chart.end_edit.setDateTime(chart.end_edit.dateTime().fromSecsSinceEpoch(int(T0 + 1800)))
    chart.custom_button.click()
    lo, hi = chart.x_range()
    assert not chart.follow and abs(lo - (T0 + 600)) < 1 and abs(hi - (T0 + 1800)) < 1


def test_the_range_edits_say_the_range_shown_in_the_zone_shown(chart: PowerBalanceChart) -> None:
    """The start and end edits follow the range shown (each set again only when it says
    another), in the zone the chart shows: the site's, or UTC once chosen."""
    chart.set_history(make_series(T0, 720))
    chart.set_range(T0 + 600, T0 + 1800)
    edits = (chart.start_edit, chart.end_edit)
    assert [e.dateTime().toSecsSinceEpoch() for e in edits] == [int(T0 + 600), int(T0 + 1800)]
    assert edits[0].timeZone().id().data().decode() == chart.site_tz
    chart.set_timezone("UTC")
    assert all(e.timeZone().id().data().decode() == "UTC" for e in edits)
    assert [e.dateTime().toSecsSinceEpoch() for e in edits] == [int(T0 + 600), int(T0 + 1800)]
    chart.set_range(T0 + 900, T0 + 1800)  # the end unchanged
    assert [e.dateTime().toSecsSinceEpoch() for e in edits] == [int(T0 + 900), int(T0 + 1800)]


def test_the_first_figures_do_not_lay_the_plots_out_again(qtbot: Any) -> None:
    """The tiles' figure columns are as wide as usual figures from the start: the first
    history shown ("—" becoming "318.1 MW") leaves the plots' place and size as they were
    (laying them out again cost the first draw ~10 ms)."""
    from PySide6.QtCore import QCoreApplication

    w = PowerBalanceChart()
    qtbot.addWidget(w)
    w.resize(1000, 450)
    w.show()
    qtbot.waitExposed(w)
    for _ in range(4):
        QCoreApplication.processEvents()
    before = w.graphics.geometry()
    w.set_history(make_series(T0, 720))
    w.flush()
    w.layout().activate()
    assert w.tile_labels[("now", "it_mw")].text().endswith("MW")
    assert w.graphics.geometry() == before
    w.stop()


def test_figures_match_the_hubs_balance(chart: PowerBalanceChart, hall_hub: object) -> None:
    from console.decode import decode_power
    from console.power import pue, renewable_share

    hub = hall_hub
    s = decode_power(hub.power(hub.now - 3000, hub.now, 10))  # type: ignore[attr-defined]
    chart.set_history(s)
    f = s.fields
    supply = f["solar_mw"] + f["wind_mw"] + f["battery_discharge_mw"] + f["grid_mw"]
    np.testing.assert_allclose(
        supply - f["battery_charge_mw"] - f["curtailment_mw"], f["facility_mw"], atol=1e-6
    )
    np.testing.assert_allclose(y(chart, "grid"), supply)  # the stack tops out at total supply
    np.testing.assert_allclose(renewable_share(f), f["renewable_share_pct"], atol=0.01)
    np.testing.assert_allclose(pue(f), f["pue"], atol=1e-4)
    for key, name in (
        ("share", "renewable_share_pct"),
        ("pue", "pue"),
        ("carbon", "carbon_g_per_kwh"),
    ):
        np.testing.assert_array_equal(y(chart, key), f[name])
    last = s.latest()
    assert chart.tile_labels[("now", "pue")].text() == f"{last['pue']:.2f}"


def test_stale_data_is_announced(chart: PowerBalanceChart) -> None:
    chart.set_history(make_series(T0, 30))
    chart.set_data_age(130.0, True)
    chart.flush()
    assert "STALE: power data 2 min 10 s old" in chart.status_label.text()
    chart.set_data_age(2.0, False)
    chart.flush()
    assert "STALE" not in chart.status_label.text()


def test_not_metered_reaches_legend_and_kpi_strip(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Issue 13: a flow a stock site does not meter says so; PUE says why it is n/a."""
    import time as _time

    import numpy as _np

    from console.contract import POWER_FIELDS
    from console.model import PowerSeries
    from widgets.power_chart import PowerBalanceChart as PowerChart
    from widgets.site_summary import SiteSummary

    t = _np.arange(5.0) * 10 + _time.time() - 60
    fields = {f: _np.full(5, _np.nan) for f in POWER_FIELDS}
    fields["facility_mw"] = _np.full(5, 0.027)
    missing = {"solar_mw": "not metered: no solar meter configured ([site.power] solar)",
               "pue": "n/a: no IT load meter configured",
               "it_mw": "not metered: no IT load meter configured ([site.power] it)"}
    series = PowerSeries(time=t[-1], t=t, fields=fields, missing=missing)
    chart = PowerChart()
    qtbot.addWidget(chart)
    chart.on_snapshot(series)
    chart.redraw()
    assert chart.legend.getLabel(chart.curves["solar"]).text == "solar (not metered)"
    assert chart.legend.getLabel(chart.curves["wind"]).text == "wind"
    assert "no solar meter configured" not in chart.status_label.text()  # no alert
    assert not chart.missing_label.isHidden()
    assert chart.missing_label.text().startswith(
        "Not metered (not in the site profile, [site.power]): IT load, solar\n")
    assert "IT load" in chart.missing_label.text()
    assert "no solar meter configured" in chart.missing_label.toolTip()
    summary = SiteSummary()
    qtbot.addWidget(summary)
    summary.on_snapshot(series)
    summary.redraw()
    assert summary.tiles["pue"].value.text() == "n/a"
    assert summary.tiles["pue"].detail.text() == "n/a: no IT load meter configured"


def test_the_site_layouts_time_zone_and_capacity_replace_the_defaults(
        chart: PowerBalanceChart) -> None:
    """The chart's clock, shift figures and envelope follow the topology, not the defaults:
    a site in Tokyo labels 20:30 UTC as 05:30 and takes its shift from Tokyo's clock."""
    from console.decode import decode_site

    site = decode_site({"time": T0, "name": "Far", "timezone": "Asia/Tokyo", "capacity_mw": 20,
                        "halls": [{"id": "A"}],
                        "racks": [{"id": "A-01-01", "hall": "A", "row": "A-01", "x": 0, "y": 0,
                                   "w": 1, "h": 1, "gpus": 8}]}, received=T0)
    chart.set_topology(site)
    chart.set_history(make_series(T0, 10))
    chart.flush()
    t = 1_780_000_200.0  # 2026-05-28 20:30 UTC
    assert chart.site_tz == "Asia/Tokyo" and chart.tz == "Asia/Tokyo"
    assert chart.axes[0].tickStrings([t], 1.0, 3600.0)[0] == "05:30"
    assert chart.envelope_mw == 20.0
    chart.utc_box.setChecked(True)
    chart.utc_box.setChecked(False)
    assert chart.tz == "Asia/Tokyo"


def test_shift_line_names_the_shift_not_a_field(chart: PowerBalanceChart) -> None:
    from console.power import shift_bounds, shift_name

    s = make_series(T0, 60)
    chart.set_history(s)
    chart.redraw()
    start, _ = shift_bounds(float(s.t[-1]), chart.site_tz)
    first = chart.shift_label.text().splitlines()[0]
    assert first == f"Shift {shift_name(start, chart.site_tz)} (site time)"


def test_peak_bins_keep_every_peak_dip_and_gap() -> None:
    from widgets.power_chart import peak_bins

    t = np.arange(10.0) * 10
    values = np.array([[5, 1, 9, 2, 2, 7, 0, 3, 8, 4], [1, 2, 3, 4, np.nan, 6, 7, 8, 9, 10]],
                      np.float64)
    x, y = peak_bins(t, values, 0, 10, 3, phase=1)  # bins [0], [1:4], [4:7], [7:10]
    np.testing.assert_array_equal(x, np.repeat([0.0, 20.0, 50.0, 80.0], 2))
    np.testing.assert_array_equal(y[0], [5, 5, 9, 1, 7, 0, 8, 3])
    np.testing.assert_array_equal(y[1][:4], [1, 1, 4, 2])
    assert np.isnan(y[1][4:6]).all()  # the bin with the missed poll is a gap
    np.testing.assert_array_equal(y[1][6:], [10, 8])
    x, y = peak_bins(t, values, 2, 9, 1)  # one sample a bin: the samples themselves
    np.testing.assert_array_equal(x, t[2:9])
    np.testing.assert_array_equal(y, values[:, 2:9])


def week_chart(chart: PowerBalanceChart) -> PowerSeries:
    from bench.power_jobs import synthetic_power

    week = synthetic_power(7 * 8640)
    chart.set_history(week)
    chart.set_span(7 * 86400.0)
    chart.graphics.viewport().repaint()
    return week


def test_a_week_is_drawn_at_the_views_width_with_every_peak(chart: PowerBalanceChart) -> None:
    """7 days at 10 s: each curve holds a maximum and a minimum per bin of about three
    pixels, not 60,480 points; the extremes of every series are still drawn, and the
    read-out reads the samples themselves."""
    from widgets.power_chart import BIN_PIXELS

    week = week_chart(chart)
    width = chart.top.getViewBox().width()
    for key, name in (("facility", "facility_mw"), ("it", "it_mw"), ("pue", "pue"),
                      ("battery_charge", "battery_charge_mw")):
        x, values = chart.curves[key].getData()
        assert len(x) <= 2 * (1.1 * width / BIN_PIXELS + 2)  # bins of whole samples
        sign = -1.0 if key == "battery_charge" else 1.0
        assert np.nanmax(values) == np.nanmax(sign * week[name])
        assert np.nanmin(values) == np.nanmin(sign * week[name])
    supply = week["solar_mw"] + week["wind_mw"] + week["battery_discharge_mw"] + week["grid_mw"]
    assert np.nanmax(y(chart, "grid")) == pytest.approx(np.nanmax(supply))
    i = 12_345  # no bin's peak: the read-out gives the sample, not a drawn point
    assert f"IT {week['it_mw'][i]:,.1f} MW" in chart.show_cursor(float(week.t[i]))


def test_a_pan_reuses_the_reduced_curves_and_their_drawing(
        chart: PowerBalanceChart, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pan inside what the curves hold neither reduces them again nor draws more of them
    than the strip it brings into view (Qt moves their cached drawing), nor looks for their
    data's bounds again; one past it reduces the samples in the same bins as before."""
    import pyqtgraph as pg

    week_chart(chart)
    vb, viewport = chart.top.getViewBox(), chart.graphics.viewport()
    chart.set_range(*(chart.x_range()[0] + d for d in (2 * 86400.0, 4 * 86400.0)))
    viewport.repaint()
    x0, y0 = chart.curves["facility"].getData()
    # The power balance's curves are drawn by the chart's stack, whose calls a patch of the
    # class sees (Qt's own calls of an item's paint did not go through it).
    painted: list[int] = []  # width of what each drawing of a curve fills, in pixels
    paint = pg.PlotCurveItem.paint
    monkeypatch.setattr(pg.PlotCurveItem, "paint", lambda self, p, *a: (
        painted.append(p.device().width()), paint(self, p, *a))[1])
    bounds: list[object] = []  # the data's bounds: found once, not again at each pan
    nanmin = np.nanmin
    monkeypatch.setattr(np, "nanmin", lambda *a, **k: (bounds.append(a), nanmin(*a, **k))[1])
    per_hour = vb.width() / (2 * 86400.0) * 3600.0  # pixels an hour
    for dx in (3600.0, -7200.0, 3600.0):
        vb.translateBy(x=dx)
        viewport.repaint()
    assert chart.curves["facility"].getData()[1] is y0
    assert 0 < len(painted) <= 3 * len(chart.stack.items)
    assert max(painted) <= 2 * per_hour + 3  # the strips brought into view, not the plot
    assert bounds == []
    vb.translateBy(x=-1.5 * 86400.0)  # past the half span held on each side
    x1, y1 = chart.curves["facility"].getData()
    assert x1[0] < x0[0]
    both = (x1 >= x0[0]) & (x1 <= x0[-1])
    assert both.sum() > 100
    np.testing.assert_array_equal(x1[both], x0[(x0 >= x1[both][0]) & (x0 <= x1[both][-1])])


def test_zoomed_in_on_a_week_the_samples_themselves(chart: PowerBalanceChart) -> None:
    week = week_chart(chart)
    start = float(week.t[30_000])
    chart.set_range(start, start + 3600.0)
    x, values = chart.curves["it"].getData()
    assert x[0] <= start - 1800.0 and x[-1] >= start + 5400.0 and len(x) < 1000
    np.testing.assert_array_equal(values, week["it_mw"][np.searchsorted(week.t, x)])


def test_strips_shown_again_are_laid_out_at_once(qtbot: Any) -> None:
    """A chart grown from too low for its strips (a docked chart grabbed for the handover
    pack) draws their scales in the same grab: their axes have a size without the event loop."""
    from tests.console.test_power import make_series

    chart = PowerBalanceChart()
    qtbot.addWidget(chart)
    chart.resize(1200, 260)
    chart.show()
    chart.set_history(make_series(1_780_000_000.0, 360))
    qtbot.waitUntil(lambda: not chart.strips_shown)
    chart._fit_strips(1000)  # as the resize to the pack's size does, before any event is run
    assert chart.strips_shown
    for plot in chart.lower.values():
        assert plot.getAxis("left").height() > 20  # laid out, not 0 until the next event loop


def test_strips_hidden_take_the_history_when_shown_again(qtbot: Any) -> None:
    """Hidden strips are given no samples nor ranges (a review's jump sets a new history
    into a chart too low for them); shown again, they hold the history drawn, on the power
    balance's time range and their own scales, as if they had been shown all along."""
    from bench.power_jobs import synthetic_power

    chart = PowerBalanceChart()
    qtbot.addWidget(chart)
    chart.resize(1200, 260)
    chart.show()
    chart.set_history(synthetic_power(8640, t0=1_780_000_000.0))
    qtbot.waitUntil(lambda: not chart.strips_shown)
    later = synthetic_power(8640, t0=1_780_000_000.0 + 86400.0, seed=5)
    later.fields["pue"][:] = 1.9  # a scale of its own: the strip's range must follow
    chart.set_history(later)  # hidden: the strips keep what they had
    chart._fit_strips(1000)
    assert chart.strips_shown
    top = chart.top.getViewBox().viewRange()[0]
    x_it, _ = chart.curves["it"].getData()
    for key, field, *_ in power_chart.LOWER:
        x, values = chart.curves[key].getData()
        np.testing.assert_array_equal(x, x_it)  # the samples drawn, reduced as the others
        np.testing.assert_array_equal(values[::2] >= values[1::2], True)
        assert x[-1] == pytest.approx(float(later.t[-1]), abs=600.0)
        assert chart.lower[key].getViewBox().viewRange()[0] == pytest.approx(top)
        assert np.nanmax(values) <= np.nanmax(later.fields[field])
    assert chart.lower["pue"].getViewBox().viewRange()[1][1] >= 1.9


def test_the_legend_wraps_to_fit_a_narrow_chart(chart: PowerBalanceChart, qtbot: object) -> None:
    """The legend takes as many columns as fit: one row when wide, more rows when narrow,
    never wider than the chart (a wider legend pushed the plots and the time axis past its
    right edge)."""
    chart.resize(1800, 700)
    qtbot.waitUntil(lambda: chart.legend.columnCount == len(chart.legend.items))  # type: ignore[attr-defined]
    for width in (700, 420):
        chart.resize(width, 700)
        qtbot.waitUntil(lambda: chart.legend.columnCount < len(chart.legend.items))  # type: ignore[attr-defined]
        qtbot.waitUntil(  # type: ignore[attr-defined]
            lambda: chart.legend.geometry().width() <= chart.graphics.viewport().width())
        axis = chart.top.getAxis("bottom").sceneBoundingRect()
        assert axis.right() <= chart.graphics.viewport().width() + 0.5


def test_a_sample_within_a_pixel_keeps_the_curves_and_updates_the_tiles(
    chart: PowerBalanceChart,
) -> None:
    """At 24 h over about 1,300 pixels a pixel column is a minute: a 10 s sample is no
    new column, so the curves (and their drawings) stay while the tiles take it; samples
    that reach the next column are drawn."""
    chart.set_span(86400.0)
    chart.set_history(make_series(T0, 8640))
    x_before, _ = chart.curves["facility"].getData()
    drawn = chart._drawn
    bigger = make_series(T0 + 86400.0, 1, it_mw=np.array([900.0]), facility_mw=np.array([999.0]))
    calls: list[int] = []
    update = chart._update_tiles
    chart._update_tiles = lambda: (calls.append(1), update())[1]  # type: ignore[method-assign]
    chart.apply(bigger)
    chart.flush()
    assert chart._drawn is drawn and calls == [1]
    x_after, _ = chart.curves["facility"].getData()
    assert x_after is x_before
    chart.apply(make_series(T0 + 86410.0, 12))  # two minutes on: the next column
    chart.flush()
    assert chart._drawn is chart.history
    x_new, _ = chart.curves["facility"].getData()
    assert x_new is not x_before and x_new[-1] > x_before[-1]
    # following no longer (the operator looks elsewhere): every sample is drawn at once
    chart.set_follow(False)
    chart.apply(make_series(T0 + 86530.0, 1))
    chart.flush()
    assert chart._drawn is chart.history


def test_new_tile_figures_of_the_same_width_lay_out_nothing_above_them(qtbot: Any) -> None:
    """The shift tiles' figures change at every poll: figures of the same width ask no
    layout of the chart (before, each laid out the chart's, the dock's and the window's
    layouts); the chart lays out at once those needing more room (follow_lines)."""
    from tests.layout_requests import LayoutRequests, send_layout_requests, settle
    from widgets.view import follow_lines

    w = PowerBalanceChart()
    qtbot.addWidget(w)
    w.resize(900, 600)
    w.show()
    qtbot.waitExposed(w)
    lab = w.tile_labels[("now", "facility_mw")]
    lab.setText("312.4 MW")
    settle()
    spy = LayoutRequests(w)
    hint = lab.sizeHint()
    lab.setText("321.4 MW")
    send_layout_requests()
    assert lab.sizeHint() == hint and spy.asked == []
    lab.setText("1,321,312.4 MW")
    follow_lines(w)
    w.layout().activate()
    assert lab.width() >= lab.sizeHint().width()
    w.stop()
