"""Forecast band on the 7 d power chart.

``forecast_draw_ms`` (target <= 5) is the median time from a new 72 h forecast (issued an
hour after or before the one shown) to its band on screen: the snapshot applied, the band, its median
and the note set (:meth:`PowerBalanceChart._draw_forecast` through ``flush``) and the event
loop run once, which paints what the scene marked changed (the view repaints the changed
region only, as in the console), on a chart holding 7 days of site power at 10 s (60,480
points a curve). ``forecast_draw_full_ms`` is the same with the whole chart repainted
(what a new forecast costs when everything else is drawn again too). The forecast is the
simulated hub's own (tetouan scale's supply, 288 points). ``forecast_repaint_ms`` is a
repaint of the whole chart alone with the band shown, ``forecast_off_repaint_ms`` the same
with the toggle off (what the 7 d chart costs without any forecast),
``forecast_setdata_ms`` the band's update to another forecast without any repaint,
``forecast_repoll_ms`` the same forecast polled again and the whole chart repainted
(nothing is drawn again but the chart);
``_cpu`` figures are the GUI thread's CPU time.
"""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

from bench.power_jobs import _Clock, synthetic_power


def run(quick: bool = False) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from console.forecast import decode_forecast
    from console.hub.sim.forecast import forecast
    from console.hub.sim.power import Supply
    from console.hub.sim.weather import Weather
    from widgets.power_chart import PowerBalanceChart

    app = QApplication.instance() or QApplication([])
    history = synthetic_power(7 * 8640)
    end = float(history.t[-1])
    issued = end - end % 3600
    weather, supply = Weather(7), Supply.scaled(1.0)
    made = forecast(weather, supply, 7, issued, 50.0, 300.0)
    snap = decode_forecast(made, now=end)
    repeats = 15 if quick else 40
    # the hour's forecast and the one before it, made beforehand: each draw replaces the
    # one shown by the other, as a hub's next hourly issue replaces the last (the band
    # moves by an hour; both start at most two hours before the newest power sample)
    before = decode_forecast(forecast(weather, supply, 7, issued - 3600.0, 50.0, 300.0),
                             now=end)
    pair = (snap, before)
    chart = PowerBalanceChart()
    chart.resize(1600, 900)
    chart.show()
    chart.set_history(history)
    chart.set_span(7 * 86400.0)
    chart.apply(snap)
    chart.flush()
    app.processEvents()
    viewport = chart.graphics.viewport()
    draw, full = _Clock(), _Clock()
    setdata, repaint, repoll = _Clock(), _Clock(), _Clock()
    k = 0  # which of the pair is shown
    for i in range(repeats):
        k = 1 - k
        with draw:
            chart.apply(pair[k])
            chart.flush()
            app.processEvents()
        k = 1 - k
        with full:
            chart.apply(pair[k])
            chart.flush()
            viewport.repaint()
        with repaint:
            viewport.repaint()
        with repoll:  # the same forecast polled again (hourly issues, polled every 15 min)
            chart.apply(dataclasses.replace(pair[k], received=pair[k].received + i + 1.0))
            chart.flush()
            viewport.repaint()
        k = 1 - k
        with setdata:
            chart.apply(pair[k])
            chart.flush()
        app.processEvents()
    shown = chart.forecast_band.isVisible()
    chart.forecast_box.setChecked(False)  # the same chart without the band
    bare = _Clock()
    for _ in range(repeats):
        with bare:
            viewport.repaint()
    chart.stop()
    chart.close()
    out: dict[str, Any] = {"forecast_points": len(snap), "forecast_band_shown": shown}
    out |= draw.figures("forecast_draw_ms") | full.figures("forecast_draw_full_ms")
    out |= repaint.figures("forecast_repaint_ms")
    out |= setdata.figures("forecast_setdata_ms") | bare.figures("forecast_off_repaint_ms")
    out |= repoll.figures("forecast_repoll_ms")
    return out


if __name__ == "__main__":
    print(json.dumps(run()))
