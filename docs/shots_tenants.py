"""Energy by tenant over a recorded full site, and its screenshot.

``python -m docs.shots_tenants OUT_DIR [HOURS]`` records HOURS (default 3) of the simulated
Tétouan site into a cache as the live console stores it (racks and site power every minute,
the job queue every five, rolled up), opens the Energy by tenant view on it with a custom
range (the last two hours, by tenant), checks that the view shows the figures of
``main.py report tenants`` over the same range (the same CSV), and saves tenant_energy.png.
The cache is written to $TENANT_CACHE (default: a temporary folder, removed after).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

START = 1_764_424_800.0  # Sat 29 Nov 2025 14:00 UTC
RANGE_S = 2 * 3600.0
"""The custom range shown: the last two hours recorded."""


def record(path: Path, hours: float, step: float = 60.0) -> tuple[Any, float]:
    """Record ``hours`` of the full simulated site into a new cache at ``path``; returns
    ``(topology, end)``."""
    from console.cache import Cache
    from console.decode import decode_jobs, decode_power, decode_racks, decode_site
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub("tetouan", seed=7, start=START)
    topology = decode_site(hub.site())
    with Cache.open(path) as cache:
        cache.write_poll([topology], topology=topology)
        last_power = hub.now - 600.0
        for i in range(int(hours * 3600.0 / step)):
            hub.step(hub.now + step)
            snaps = [decode_racks(hub.racks(), topology),
                     decode_power(hub.power(last_power, hub.now, 10))]
            last_power = hub.now + 1.0
            if i % 5 == 0:
                snaps.append(decode_jobs(hub.jobs()))
            cache.write_poll(snaps, topology=topology)
        for _ in range(20):
            cache.maintain(now=hub.now)
    return topology, hub.now


def shoot(out_dir: Path, path: Path, topology: Any, end: float) -> tuple[Path, bool]:
    """The view over ``[end - RANGE_S, end]``; ``(png, same CSV as report tenants)``."""
    from PySide6.QtWidgets import QApplication

    from console.energy.cli import tenant_report
    from console.energy.report import csv_text
    from docs.shots_power_jobs import _dark
    from widgets.tenant_energy import PERIODS, TenantEnergyView

    app = QApplication.instance() or QApplication([])
    view = TenantEnergyView()
    _dark(view)
    view.resize(1200, 640)
    view.set_topology(topology)
    view.set_history_path(lambda: str(path))
    view.show()
    view.period_box.setCurrentIndex(len(PERIODS))  # Custom range
    start = end - RANGE_S
    view.set_range(start, end)
    view.show_button.click()
    deadline = time.monotonic() + 300.0
    while (view.report is None and view.error is None or view.task.running) \
            and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.05)
    view.flush()
    app.processEvents()
    if view.report is None:
        raise SystemExit(f"no report: {view.error}")
    same = csv_text(view.report) == csv_text(
        tenant_report(path, start, end, "tenant", view.report.grid_g_per_kwh))
    out = out_dir / "tenant_energy.png"
    view.grab().save(str(out))
    view.stop()
    return out, same


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1] if len(argv) > 1 else "docs/screenshots")
    hours = float(argv[2]) if len(argv) > 2 else 3.0
    out_dir.mkdir(parents=True, exist_ok=True)
    keep = os.environ.get("TENANT_CACHE")
    folder = None if keep else tempfile.TemporaryDirectory()  # nothing left in the tree
    path = Path(keep) if keep else Path(folder.name) / "tenant_record.db"
    path.unlink(missing_ok=True)
    t0 = time.monotonic()
    topology, end = record(path, hours)
    t1 = time.monotonic()
    out, same = shoot(out_dir, path, topology, end)
    t2 = time.monotonic()
    print(f"recorded {hours:g} h in {t1 - t0:.0f} s; view read and drawn in {t2 - t1:.1f} s; "
          f"same CSV as report tenants: {same}; {out}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
