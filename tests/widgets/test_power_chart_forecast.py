"""The power chart continues past now with the forecast: the renewable supply's P50 dashed
and its P10-P90 band; a flagged forecast is not drawn and the note says why."""

from __future__ import annotations

import numpy as np
import pytest

from console.contract import FORECAST_FIELDS
from console.forecast import FORECAST_LATE_S, WHOLE, ForecastSnapshot, decode_forecast
from tests.console.test_power import make_series
from widgets.power_chart import PowerBalanceChart

T0 = 1_780_000_000.0
N = 360  # an hour of 10 s samples
NOW = T0 + 10.0 * (N - 1)
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def forecast(issued: float = NOW - 600.0, hours: int = 12, disorder: bool = False,
             now: float = NOW) -> ForecastSnapshot:
    n = hours * 4
    t = [issued + 900.0 * (i + 1) for i in range(n)]
    series = {name: {"p10": [50.0] * n, "p50": [60.0] * n, "p90": [75.0] * n}
              for name in FORECAST_FIELDS if name != "battery_soc_pct"}
    if disorder:
        series["wind_mw"]["p90"][3] = 1.0
    body = {"issued": issued, "step": 900.0, "t": t, "source": "simulated", "series": series}
    return decode_forecast(body, now=now)


@pytest.fixture
def chart(qtbot: object) -> PowerBalanceChart:
    w = PowerBalanceChart()
    qtbot.addWidget(w)  # type: ignore[attr-defined]
    w.resize(1400, 900)
    w.show()
    qtbot.waitUntil(lambda: w.top.getViewBox().width() > 1000)  # type: ignore[attr-defined]
    w.set_span(3600.0)
    w.set_history(make_series(T0, N))
    yield w
    w.stop()


def test_the_band_and_median_are_drawn_past_now(chart: PowerBalanceChart) -> None:
    assert chart.forecast_box.isChecked()  # on by default
    note = chart.forecast_note
    assert note.isVisibleTo(chart) and note.text().startswith("forecast absent")
    fc = forecast()
    chart.apply(fc)
    chart.flush()
    assert chart.forecast_band.isVisible()
    band = chart.forecast_band.band()
    assert not band.isEmpty()  # the band is filled, not only shown
    x, y = chart.forecast_band.getData()
    np.testing.assert_array_equal(x, fc.t)
    np.testing.assert_allclose(y, 120.0)  # solar + wind P50
    np.testing.assert_allclose(chart.forecast_band.p10, 100.0)
    np.testing.assert_allclose(chart.forecast_band.p90, 150.0)
    box = band.boundingRect()  # from the first to the last step, P10 to P90
    assert (box.left(), box.right()) == pytest.approx((fc.t[0], fc.t[-1]))
    assert (box.top(), box.bottom()) == pytest.approx((100.0, 150.0))
    lo, hi = chart.x_range()  # past now, by up to the span again
    assert hi == pytest.approx(NOW + 3600.0) and lo == pytest.approx(NOW - 3600.0)
    label = chart.legend.getLabel(chart.forecast_band)
    assert label.isVisible() and label.text == "renewable forecast"
    assert chart.forecast_band.label.startswith("issued ")  # drawn at the band's start
    assert not note.isVisibleTo(chart)
    text = chart.show_cursor(NOW + 1800.0)
    assert "renewable forecast (issued" in text and "120" in text


def test_the_toggle_hides_the_forecast(chart: PowerBalanceChart) -> None:
    chart.apply(forecast())
    chart.flush()
    chart.forecast_box.setChecked(False)
    assert not chart.forecast_band.isVisible()
    assert chart.x_range()[1] < NOW + 60.0
    chart.forecast_box.setChecked(True)
    assert chart.forecast_band.isVisible()


@pytest.mark.parametrize("snap, words", [
    (forecast(disorder=True), "forecast flagged: bands out of order"),
    (forecast(issued=NOW - FORECAST_LATE_S - 3600.0), "forecast flagged: late"),
    (ForecastSnapshot(time=NOW, flags={WHOLE: "this hub serves no forecast"}),
     "forecast absent: this hub serves no forecast"),
])
def test_a_flagged_or_absent_forecast_is_not_drawn(chart: PowerBalanceChart,
                                                   snap: ForecastSnapshot, words: str) -> None:
    chart.apply(forecast())
    chart.flush()
    chart.apply(snap)
    chart.flush()
    assert not chart.forecast_band.isVisible()
    assert chart.forecast_note.isVisibleTo(chart) and chart.forecast_note.text().startswith(words)
    assert chart.x_range()[1] < NOW + 60.0


def test_a_failed_poll_is_said_in_the_note(chart: PowerBalanceChart) -> None:
    chart.set_forecast_error("hub API: HTTP 500 on /api/v1/forecast")
    chart.flush()
    assert chart.forecast_note.text() == "forecast absent: hub API: HTTP 500 on /api/v1/forecast"


def test_a_forecast_polled_again_is_not_drawn_again_and_the_next_hour_keeps_the_range(
        chart: PowerBalanceChart, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    chart.apply(forecast(issued=NOW - 600.0))
    chart.flush()
    before = chart.x_range()
    drawn: list[int] = []
    set_data = chart.forecast_band.setData
    monkeypatch.setattr(chart.forecast_band, "setData",
                        lambda *a, **k: (drawn.append(1), set_data(*a, **k)))
    # the same forecast polled again (a hub issues hourly, the console polls every 15 min)
    again = forecast(issued=NOW - 600.0)
    chart.apply(dataclasses.replace(again, received=again.received + 900.0))
    chart.flush()
    assert drawn == [] and chart.forecast_band.isVisible()
    # the next hour's forecast is drawn, in the same followed range (its horizon is the same)
    chart.apply(forecast(issued=NOW - 600.0 + 3600.0, now=NOW + 3600.0))
    chart.flush()
    assert drawn == [1]
    assert chart.x_range() == pytest.approx(before)


def test_the_forecast_legend_entry_is_shown_only_with_a_forecast(chart: PowerBalanceChart) -> None:
    sample, label = next(p for p in chart.legend.items if p[0].item is chart.forecast_band)
    assert not sample.isVisible() and not label.isVisible()  # no empty swatch in the legend
    chart.apply(forecast())
    chart.flush()
    assert sample.isVisible() and label.isVisible()
    chart.forecast_box.setChecked(False)
    assert not sample.isVisible() and not label.isVisible()


def test_a_click_on_the_legend_swatch_is_the_forecast_toggle(chart: PowerBalanceChart) -> None:
    chart.apply(forecast())
    chart.flush()
    sample = next(p[0] for p in chart.legend.items if p[0].item is chart.forecast_band)
    sample.item.setVisible(False)  # what a click on the swatch does, then it says so
    sample.sigClicked.emit(sample.item)
    assert not chart.forecast_box.isChecked() and not chart.forecast_band.isVisible()


def test_the_band_is_painted_opaque_under_the_history(chart: PowerBalanceChart) -> None:
    from PySide6.QtCore import QPointF

    from widgets.power_chart import FORECAST_BRUSH, over

    fc = forecast()
    chart.apply(fc)
    chart.flush()
    # under the grid lines and every history curve: what was measured is drawn over it
    assert chart.forecast_band.zValue() < min(c.zValue() for c in chart.curves.values())
    image = chart.graphics.grab().toImage()
    mid = (float(fc.t[0]) + chart.x_range()[1]) / 2.0  # past now, in the range shown
    inside = chart.top.getViewBox().mapViewToScene(QPointF(mid, 110.0))  # P10 100, P50 120
    point = chart.graphics.mapFromScene(inside)
    assert image.pixelColor(point).name() == over(FORECAST_BRUSH).name()


def test_over_is_the_colour_a_translucent_fill_makes() -> None:
    from widgets.power_chart import BG, over

    assert over((255, 255, 255, 255)).name() == "#ffffff"
    assert over((255, 255, 255, 0)).name() == BG
    assert over((0, 0, 0, 128), "#ffffff").name() == "#7f7f7f"


def test_the_issue_label_sits_on_the_band_still_to_come(chart: PowerBalanceChart) -> None:
    """The 'issued' words start at the newest sample, just above the band, inside the plot;
    a range that ends now shows none of the band to come, and no words (they sat on the
    envelope's label in the handover pack)."""
    band = chart.forecast_band
    chart.apply(forecast())
    chart.flush()
    tr = band.deviceTransform(chart.graphics.viewportTransform())
    args = (tr.m11(), tr.m22(), tr.dx(), tr.dy())
    place = band.label_place(*args)
    assert place is not None and band.label.startswith("issued ")
    assert place.left() >= NOW * args[0] + args[2]  # not over the history
    assert place.bottom() <= 150.0 * args[1] + args[3]  # above the band's P90 there
    top = chart.top.getViewBox().viewRect().bottom() * args[1] + args[3]
    assert place.top() >= top  # inside the plot
    chart.set_range(NOW - 3600.0, NOW)
    chart.flush()
    tr = band.deviceTransform(chart.graphics.viewportTransform())
    assert band.label_place(tr.m11(), tr.m22(), tr.dx(), tr.dy()) is None
