"""The idle-GPU check over a recorded full site, and its screenshot.

``python -m docs.shots_idle OUT_DIR [HOURS]`` records HOURS (default 3) of the simulated
Tétouan site into a cache at one poll a minute (racks and job queue, as the live console
stores them), finds the idle allocated GPUs at the end (:func:`console.energy.idle.idle_at`),
prints how many of the jobs the hub made idle (jobgen's IDLE_JOB_SHARE, running at least the
idle time) it found, and saves idle_gpus.png: the rack map's Idle allocated GPUs overlay
over the idle list. The cache is written to $IDLE_CACHE (default: a temporary folder, removed after).
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


def record(path: Path, hours: float, step: float = 60.0) -> tuple[Any, Any, float]:
    """Record ``hours`` of the full simulated site into a new cache at ``path``; returns
    ``(hub, topology, end)``."""
    from console.cache import Cache
    from console.decode import decode_jobs, decode_racks, decode_site
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub("tetouan", seed=7, start=START)
    topology = decode_site(hub.site())
    with Cache.open(path) as cache:
        t = START
        while t < START + hours * 3600.0:
            t += step
            hub.step(t)
            cache.write_poll([decode_racks(hub.racks(), topology), decode_jobs(hub.jobs())],
                             topology=topology)
    return hub, topology, t


def check(path: Path, hub: Any, end: float) -> tuple[Any, int, int]:
    """``(report, idle jobs the hub made that ran the idle time, of them found)``."""
    from console.cache import Cache
    from console.energy.idle import IdleRule, idle_at

    rule = IdleRule()
    with Cache.open(path, readonly=True) as cache:
        report = idle_at(cache, end, rule)
    made = {i for i, j in hub.book.running.items()
            if j.util < rule.util_pct and j.start is not None
            and end - j.start >= rule.duration_s}
    found = {j.id for j in report.jobs}
    return report, len(made), len(made & found)


def shoot(out_dir: Path, path: Path, hub: Any, topology: Any, end: float) -> Path:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QSplitter

    from console.decode import decode_racks
    from console.model import JobsSnapshot
    from docs.shots_power_jobs import _dark
    from widgets.idle_gpus import IdleGpuView
    from widgets.rackmap import RackMapView
    from widgets.rackmap_overlays import IDLE_OVERLAY

    app = QApplication.instance() or QApplication([])
    view = IdleGpuView()
    rack_map = RackMapView()
    box = QSplitter(Qt.Orientation.Vertical)
    box.addWidget(rack_map)
    box.addWidget(view)
    _dark(box)
    box.resize(1600, 1000)
    box.show()
    rack_map.set_topology(topology)
    rack_map.set_overlay(IDLE_OVERLAY)
    rack_map.apply(decode_racks(hub.racks(), topology))
    view.set_topology(topology)
    view.set_history_path(lambda: str(path))
    view.apply(JobsSnapshot(time=end, received=end))
    deadline = time.monotonic() + 120.0
    while view.result is None and view.error is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.05)
    view.flush()
    rack_map.apply(decode_racks(hub.racks(), topology))  # coloured again with the figure
    rack_map.flush()
    app.processEvents()
    out = out_dir / "idle_gpus.png"
    box.grab().save(str(out))
    view.stop()
    return out


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1] if len(argv) > 1 else "docs/screenshots")
    hours = float(argv[2]) if len(argv) > 2 else 3.0
    out_dir.mkdir(parents=True, exist_ok=True)
    keep = os.environ.get("IDLE_CACHE")
    folder = None if keep else tempfile.TemporaryDirectory()  # nothing left in the tree
    path = Path(keep) if keep else Path(folder.name) / "idle_record.db"
    path.unlink(missing_ok=True)
    t0 = time.monotonic()
    hub, topology, end = record(path, hours)
    t1 = time.monotonic()
    report, made, found = check(path, hub, end)
    t2 = time.monotonic()
    own = sum(j.own for j in report.jobs)
    print(f"recorded {hours:g} h in {t1 - t0:.0f} s; idle_at {t2 - t1:.1f} s; "
          f"{len(report.jobs)} idle job(s) found ({own} by their own figure); "
          f"{found} of the {made} idle jobs the hub made")
    print(shoot(out_dir, path, hub, topology, end))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
