"""Rack map and GPU health figures: repaint, hover, and filtering 5,000 unhealthy GPUs.

``python -m bench.rackmap`` prints one JSON object. Figures are medians in milliseconds:
``rackmap_repaint_ms`` (full-site map, one overlay, new snapshot applied then painted),
``rackmap_hover_ms`` (hit test and tooltip of a rack under the cursor),
``gpu_table_filter_ms`` (free-text filter over 5,000 unhealthy GPUs) and
``gpu_set_snapshot_ms`` (the GPU health view's model taking a new list of unhealthy GPUs as
the simulated hub of the full site sends it, poll after poll).
"""

from __future__ import annotations

import json
import os
import statistics
import time
from typing import Any

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QEvent, QObject  # noqa: E402

XIDS = (13, 31, 43, 45, 48, 61, 62, 63, 64, 74, 79, 92, 94, 95, 119, 120)
STATUS_OF = {79: "off_bus", 48: "failed", 64: "failed", 94: "failed", 95: "failed",
             119: "failed", 120: "failed"}


def _site(scale: str = "tetouan") -> tuple[Any, Any]:
    """(hub, SiteTopology) of the simulated site."""
    from console.decode import decode_site
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale, seed=7)
    return hub, decode_site(hub.site())


def synthetic_unhealthy(topology: Any, n: int = 5000, seed: int = 3, t: float = 1.78e9) -> Any:
    """An UnhealthyGpus snapshot of ``n`` GPUs spread over the site (varied causes)."""
    from console.decode import decode_unhealthy

    rng = np.random.default_rng(seed)
    racks = topology.racks
    picks = rng.integers(0, len(racks), n)
    gpus = []
    for k, i in enumerate(picks.tolist()):
        rack = racks[i]
        xid = int(rng.choice(XIDS)) if rng.random() < 0.8 else None
        mask = int(rng.choice([0, 0x4, 0x40, 0x44, 0x80, 0x8, 0x1]))
        status = STATUS_OF.get(xid, "degraded") if xid else "degraded"
        nodes = int(rack.get("nodes", 4))
        slot = int(rng.integers(1, nodes + 1))
        gpus.append({
            "uuid": f"GPU-{k:08x}-0000-4000-8000-{i:012x}", "model": rack.get("gpu_model", ""),
            "hall": rack["hall"], "row": rack["row"], "rack": rack["id"],
            "node": f"{rack['id']}-n{slot:02d}", "host": f"{rack['id'].lower()}-n{slot:02d}",
            "slot": slot, "status": status, "xid": xid,
            "ecc_dbe": 1 if xid in (48, 94, 95) else 0, "row_remap_failure": xid == 64,
            "clock_event_reasons": mask, "temp_c": float(rng.uniform(55, 92)),
            "power_w": float(rng.uniform(80, 1200)), "since": t - float(rng.uniform(60, 86400)),
        })
    counts = {s: sum(1 for g in gpus if g["status"] == s) for s in ("degraded", "failed",
                                                                     "off_bus")}
    return decode_unhealthy({"time": t, "gpus": gpus, "counts": {"healthy": 0, **counts}})


class _PaintCounter(QObject):
    """Counts paint events, so the benchmark proves every repaint really painted."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000.0, 3)


def _map_view(app: Any, topo: Any) -> Any:
    """A 1600 x 1000 rack map of the site, inlet overlay, shown and exposed."""
    from widgets.rackmap import RackMapView

    view = RackMapView()
    view.resize(1600, 1000)
    view.show()
    view.set_topology(topo)
    view.set_overlay("inlet")
    for _ in range(5):  # until the window is exposed and has a backing store
        app.processEvents()
    return view


def _repaints(view: Any, hub: Any, topo: Any, n: int) -> list[float]:
    """Seconds of ``n`` repaints of the map, each after a new rack snapshot is applied."""
    from console.decode import decode_racks

    painted = _PaintCounter()
    view.installEventFilter(painted)
    snaps = []
    for k in range(4):
        hub.step(hub.now + 10.0 * (k + 1))
        snaps.append(decode_racks(hub.racks(), topo))
    repaint = []
    for k in range(n):
        t0 = time.perf_counter()
        view.apply(snaps[k % len(snaps)])
        view.flush()
        view.repaint()
        repaint.append(time.perf_counter() - t0)
    view.removeEventFilter(painted)
    if painted.count < n:
        raise RuntimeError(f"the map painted {painted.count} times for {n} repaints")
    return repaint


def rackmap_repaint_ms(scale: str = "tetouan", n: int = 40) -> float:
    """``rackmap_repaint_ms`` of a scale preset of the simulator: median ms of applying a new
    rack snapshot to the map (inlet overlay, 1600 x 1000) and painting it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    hub, topo = _site(scale)
    view = _map_view(app, topo)
    try:
        return _median_ms(_repaints(view, hub, topo, n))
    finally:
        view.stop()
        view.close()
        app.processEvents()


def _health_view(app: Any, topo: Any) -> Any:
    """A 1600 x 900 GPU health view of the site, shown."""
    from widgets.gpu_health import GpuHealthView

    health = GpuHealthView()
    health.resize(1600, 900)
    health.show()
    health.set_topology(topo)
    app.processEvents()
    return health


def _set_snapshots(health: Any, hub: Any, n: int) -> list[float]:
    """Seconds of ``n`` calls of the view's ``model.set_snapshot`` (as the view makes on
    each poll: its sort column), each with the hub's next list of unhealthy GPUs (the hub
    stepped 10 s between lists, the same GPUs listed with their times moving on)."""
    from console.decode import decode_unhealthy

    snaps = []
    for _ in range(4):
        hub.step(hub.now + 10.0)
        snaps.append(decode_unhealthy(hub.unhealthy_gpus(), received=hub.now))
    if not snaps[0].gpus:
        raise RuntimeError("the simulated hub lists no unhealthy GPU")
    health.apply(snaps[-1])  # the list shown before the first measured one
    health.flush()
    column = health.table.horizontalHeader().sortIndicatorSection()
    out = []
    for k in range(n):
        t0 = time.perf_counter()
        health.model.set_snapshot(snaps[k % len(snaps)], column)
        out.append(time.perf_counter() - t0)
    return out


def gpu_set_snapshot_ms(scale: str = "tetouan", n: int = 40) -> float:
    """``gpu_set_snapshot_ms`` of a scale preset of the simulator: median ms of the GPU
    health view's model taking the hub's next list of unhealthy GPUs."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    hub, topo = _site(scale)
    health = _health_view(app, topo)
    try:
        return _median_ms(_set_snapshots(health, hub, n))
    finally:
        health.stop()
        health.close()
        app.processEvents()


def run(quick: bool = False) -> dict[str, float]:
    """Measure the four figures; ``quick`` takes fewer samples."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    hub, topo = _site()
    n = 10 if quick else 40
    view = _map_view(app, topo)
    repaint = _repaints(view, hub, topo, n)
    centres = [view.rack_rect(r).center() for r in topo.rack_ids[:: max(1, topo.n_racks // 50)]]
    hover = []
    for k in range(n * 5):
        pos = QPointF(centres[k % len(centres)])
        t0 = time.perf_counter()
        view.hover_at(pos)
        hover.append(time.perf_counter() - t0)
    view.stop()
    view.close()

    health = _health_view(app, topo)
    set_snapshot = _set_snapshots(health, hub, n)
    health.apply(synthetic_unhealthy(topo, 5000))
    health.flush()
    app.processEvents()
    terms = ["a-03", "xid 79", "off the bus", "h200", "cooling", "", "gpu-000", "e-1"]
    filt = []
    for k in range(n):
        t0 = time.perf_counter()
        health.proxy.set_filters(text=terms[k % len(terms)])
        health.proxy.rowCount()
        filt.append(time.perf_counter() - t0)
    health.stop()
    health.close()
    app.processEvents()
    return {
        "rackmap_repaint_ms": _median_ms(repaint),
        "rackmap_hover_ms": _median_ms(hover),
        "gpu_table_filter_ms": _median_ms(filt),
        "gpu_set_snapshot_ms": _median_ms(set_snapshot),
    }


if __name__ == "__main__":
    print(json.dumps(run()))
