"""Screenshot of the energy-steering advisor over the full simulated site."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def shoot_steering(out_dir: str | Path) -> list[Path]:
    """Save steering_advice.png: the advice, the deferrable load and the jobs it counts, from
    the site, racks, jobs, power and the 24 h forecast of the simulated Tétouan hub at 15:00
    site time, when the evening's deficit is ahead; return the path."""
    from PySide6.QtWidgets import QApplication

    from console.decode import decode_jobs, decode_power, decode_racks, decode_site
    from console.forecast import decode_forecast
    from console.hub.sim import SimulatedHub
    from docs.shots_power_jobs import _dark
    from widgets.steering import SteeringView

    app = QApplication.instance() or QApplication([])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    hub = SimulatedHub("tetouan", seed=7, start=1_764_424_800.0)  # Sat 29 Nov 2025 14:00 UTC
    hub.step(hub.now + 300.0)
    topology = decode_site(hub.site())
    view = SteeringView()
    _dark(view)
    view.resize(1400, 560)
    view.show()
    app.processEvents()
    view.set_topology(topology)
    for snapshot in (decode_racks(hub.racks(), topology), decode_jobs(hub.jobs()),
                     decode_power(hub.power(hub.now - 3600, hub.now, 10)),
                     decode_forecast(hub.forecast(24), now=hub.now)):
        view.apply(snapshot)
    view.flush()
    app.processEvents()
    path = out / "steering_advice.png"
    view.grab().save(str(path))
    print(view.headline.text())
    view.stop()
    view.close()
    return [path]


if __name__ == "__main__":
    print("\n".join(str(p) for p in shoot_steering(sys.argv[1] if len(sys.argv) > 1
                                                    else "docs/screenshots")))
