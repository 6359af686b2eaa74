"""Screenshot of the power chart continuing past now with its forecast band (hall scale)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def shoot_forecast(out_dir: str | Path) -> list[Path]:
    """Save power_forecast.png: the last 24 h and the next 24 h forecast; return the path."""
    from PySide6.QtWidgets import QApplication

    from console.decode import decode_power, decode_site
    from console.forecast import decode_forecast
    from console.hub.sim import SimulatedHub
    from docs.shots_power_jobs import _dark
    from widgets.power_chart import PowerBalanceChart

    app = QApplication.instance() or QApplication([])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    hub = SimulatedHub("hall", seed=7, start=1_764_500_400.0, faults=False)
    power = decode_power(hub.power(hub.now - 86400, hub.now, 10))
    forecast = decode_forecast(hub.forecast(72), now=hub.now)
    chart = PowerBalanceChart()
    _dark(chart)
    chart.resize(1600, 950)
    chart.show()
    app.processEvents()
    chart.set_topology(decode_site(hub.site()))
    chart.set_span(86400.0)
    chart.set_history(power)
    chart.apply(forecast)
    chart.flush()
    chart.show_cursor(float(power.t[-1]) + 14 * 3600)
    app.processEvents()
    path = out / "power_forecast.png"
    chart.grab().save(str(path))
    chart.stop()
    chart.close()
    return [path]


if __name__ == "__main__":
    print("\n".join(str(p) for p in shoot_forecast(sys.argv[1] if len(sys.argv) > 1
                                                    else "docs/screenshots")))
