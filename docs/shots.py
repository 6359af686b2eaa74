"""Screenshots of the console's views at full site scale, for the docs and the handover pack.

Each ``shoot_<area>(out_dir)`` builds its views offscreen on the simulated Tétouan hub
(full scale, with faults injected so abnormal states show), saves PNGs and returns
their paths.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _app() -> object:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from resources import theme_qss

    app = QApplication.instance() or QApplication([])
    app.setStyleSheet(theme_qss())
    return app


def shoot_rackmap(out_dir: str | Path) -> list[Path]:
    """Rack map with each overlay, a zoomed map, a rack detail and the GPU health view."""
    import numpy as np

    from console.decode import decode_rack_detail, decode_racks, decode_site, decode_unhealthy
    from console.hub.sim import SimulatedHub
    from widgets.gpu_health import GpuHealthView
    from widgets.rack_detail import RackDetail
    from widgets.rackmap import RackMapView

    app = _app()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    hub = SimulatedHub("tetouan", seed=7)
    topo = decode_site(hub.site())
    hub.inject("cooling_loss", "A-03")
    hub.inject("pdu_trip", "E-07-12")
    hub.inject("thermal", "C-11-05")
    hub.inject("xid", "B-04-09", xid=79)
    history: dict[str, list[np.ndarray]] = {}
    times: list[float] = []
    detail_rack = "A-03-07"
    i = topo.rack_index[detail_rack]
    for k in range(31):
        hub.step(hub.now + 30.0)
        racks = decode_racks(hub.racks(), topo)
        times.append(racks.time)
        for f in ("power_kw", "inlet_c", "gpu_temp_max_c", "gpu_util_mean"):
            history.setdefault(f, []).append(racks[f][i])
        del k
    telemetry = decode_racks(hub.racks(), topo)
    unhealthy = decode_unhealthy(hub.unhealthy_gpus())
    # A few racks that dropped out of the telemetry, as on a bad poll.
    payload = hub.racks()
    drop = {"F-18-31", "F-18-32", "F-18-33", "D-20-01"}
    keep = [j for j, r in enumerate(payload["rack_ids"]) if r not in drop]
    n = len(payload["rack_ids"])
    for key, values in list(payload.items()):
        if isinstance(values, list) and len(values) == n:
            payload[key] = [values[j] for j in keep]
    telemetry = decode_racks(payload, topo)
    paths: list[Path] = []

    view = RackMapView()
    view.resize(1600, 1000)
    view.set_topology(topo)
    view.apply(telemetry)
    view.apply(unhealthy)
    view.set_data_age(4.0, False)
    for name in view.overlays():
        view.set_overlay(name)
        view.flush()
        path = out / f"rackmap_{name}.png"
        view.grab().save(str(path))
        paths.append(path)
    view.set_overlay("inlet")
    view.select_rack(detail_rack)
    view.zoom(2.5, view.rack_rect(detail_rack).center())
    path = out / "rackmap_inlet_zoomed.png"
    view.grab().save(str(path))
    paths.append(path)
    view.set_data_age(250.0, True)
    view.fit()
    path = out / "rackmap_stale.png"
    view.grab().save(str(path))
    paths.append(path)
    view.stop()

    detail = RackDetail()
    detail.resize(1600, 1000)
    detail.show_detail(decode_rack_detail(hub.rack(detail_rack)))
    t = np.asarray(times)
    detail.set_history({f: (t, np.asarray(v, np.float64)) for f, v in history.items()})
    path = out / "rack_detail.png"
    detail.grab().save(str(path))
    paths.append(path)

    health = GpuHealthView()
    health.resize(1600, 1000)
    health.set_topology(topo)
    health.apply(unhealthy)
    health.set_data_age(6.0, False)
    health.flush()
    path = out / "gpu_health.png"
    health.grab().save(str(path))
    paths.append(path)
    health.set_filter("xid 79")
    path = out / "gpu_health_xid79.png"
    health.grab().save(str(path))
    paths.append(path)
    health.stop()
    for w in (view, detail, health):
        w.close()
        w.deleteLater()
    app.processEvents()  # type: ignore[attr-defined]
    return paths


def shoot_rackmap_fit(out_dir: str | Path) -> list[Path]:
    """The main window at 1280 x 800 on the full site, the rack map in its dock after Home
    (rackmap_fit.png), and the handover pack's rack map page as printed
    (handover_print_rackmap.png: the page of the PDF through pdftoppm, when installed)."""
    import shutil
    import subprocess
    import tempfile

    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from console.decode import (
        decode_jobs,
        decode_power,
        decode_racks,
        decode_site,
        decode_unhealthy,
    )
    from console.hub.sim import SimulatedHub
    from widgets.main_window import MainWindow

    app = _app()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp())
    hub = SimulatedHub("tetouan", seed=7)
    topo = decode_site(hub.site())
    hub.inject("cooling_loss", "A-03")
    hub.inject("thermal", "C-11-05")
    for _ in range(10):
        hub.step(hub.now + 30.0)
    window = MainWindow("sim://tetouan", feed=None,
                        settings=QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat))
    window.show()
    window.showNormal()
    window.resize(1280, 800)
    window.apply(topo)
    window.apply(decode_racks(hub.racks(), topo))
    window.apply(decode_unhealthy(hub.unhealthy_gpus()))
    window.apply(decode_jobs(hub.jobs()))
    window.apply(decode_power(hub.power(hub.now - 3 * 3600, hub.now, 10)))
    loop = QEventLoop()
    QTimer.singleShot(600, loop.quit)  # the docks settle
    loop.exec()
    view = window.views["rackmap"]
    view.flush()
    view.fit()  # Home
    paths = [out / "rackmap_fit.png"]
    window.grab().save(str(paths[0]))

    window.stop()
    window.close()
    window.deleteLater()
    app.processEvents()  # type: ignore[attr-defined]
    # the pack's rack map page, as `main.py export` writes it
    pack = folder / "pack"
    subprocess.run([sys.executable, str(Path(__file__).resolve().parent.parent / "main.py"),
                    "export", "--out", str(pack), "--source", "sim://tetouan"],
                   check=True, timeout=600, capture_output=True)
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        print("skipped the printed rack map page: pdftoppm not installed", file=sys.stderr)
        return paths
    pdf = pack / "handover.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=120).stdout
    page = next(i for i, pg in enumerate(text.split("\f")) if "Rack map" in pg
                and "as shown at" in pg) + 1
    stem = out / "handover_print_rackmap"
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(stem)], check=True, timeout=120)
    paths.append(stem.with_suffix(".png"))
    return paths



if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"
    for p in [*shoot_rackmap(target), *shoot_rackmap_fit(target)]:
        print(p)
