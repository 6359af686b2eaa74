"""Forecast band on the 7 d power chart.

``forecast_draw_ms`` (target <= 5) is the median time to take a new 72 h forecast (issued an
hour after the one shown) and draw it: the snapshot applied, the band, its median and its legend set (:meth:`PowerBalanceChart.
_draw_forecast` through ``flush``) and the chart repainted once, on a chart holding 7 days
of site power at 10 s (60,480 points a curve). The forecast is the simulated hub's own
(tetouan scale's supply, 288 points). ``forecast_repaint_ms`` is the repaint alone with the
band shown, ``forecast_off_repaint_ms`` the repaint with the toggle off (what the 7 d chart
costs without any forecast), ``forecast_setdata_ms`` the band's update to another forecast without the repaint,
``forecast_repoll_ms`` the same forecast polled again and the chart repainted (nothing is drawn
again but the chart);
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
    repeats = 5 if quick else 25
    # a new forecast each time (issued an hour apart, as a hub issues them), made beforehand
    hours = [issued - 3600.0 * (i + 1) for i in range(repeats)]
    fresh_ones = [decode_forecast(forecast(weather, supply, 7, h, 50.0, 300.0), now=h)
                  for h in hours]
    chart = PowerBalanceChart()
    chart.resize(1600, 900)
    chart.show()
    chart.set_history(history)
    chart.set_span(7 * 86400.0)
    chart.apply(snap)
    chart.flush()
    app.processEvents()
    viewport = chart.graphics.viewport()
    draw, setdata, repaint, repoll = _Clock(), _Clock(), _Clock(), _Clock()
    for i in range(repeats):
        fresh = fresh_ones[i]
        with draw:
            chart.apply(fresh)
            chart.flush()
            viewport.repaint()
        with repaint:
            viewport.repaint()
        with repoll:  # the same forecast polled again (hourly issues, polled every 15 min)
            chart.apply(dataclasses.replace(fresh, received=fresh.received + 0.5))
            chart.flush()
            viewport.repaint()
        with setdata:
            chart.apply(snap if i % 2 == 0 else fresh_ones[i - 1])
            chart.flush()
    shown = chart.forecast_p50.isVisible()
    chart.forecast_box.setChecked(False)  # the same chart without the band
    bare = _Clock()
    for _ in range(repeats):
        with bare:
            viewport.repaint()
    chart.stop()
    chart.close()
    out: dict[str, Any] = {"forecast_points": len(snap), "forecast_band_shown": shown}
    out |= draw.figures("forecast_draw_ms") | repaint.figures("forecast_repaint_ms")
    out |= setdata.figures("forecast_setdata_ms") | bare.figures("forecast_off_repaint_ms")
    out |= repoll.figures("forecast_repoll_ms")
    return out


if __name__ == "__main__":
    print(json.dumps(run()))
