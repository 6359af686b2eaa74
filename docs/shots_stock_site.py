"""Screenshots of the console on a stock site's stack, as a site runs it.

    python docs/shots_stock_site.py [OUT_DIR]

Starts the stock stand-ins of the integration tests (tests/integration/stock_exporters.py:
dcgm-exporter 3.x with its default counters, rack PDUs as snmp_exporter renders them,
facility and grid meters from a Modbus meter exporter) and a real Prometheus scraping
them, and uses the real Slurm 22.05 that ``.ci/services.sh`` starts (URL and token from
``$HUBCI_DIR/env``). The main window opens with docs/stock-site.toml, the stack's URLs put
in, waits until every kind has arrived and saves ``stock_site.png``; Help → Data sources
is saved as ``data_sources.png``. Without prometheus or the running Slurm it says so on
stderr and makes nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
HUBCI_ENV = Path(os.environ.get("HUBCI_DIR", "/tmp/hubci")) / "env"
KINDS = ("racks", "gpus", "power", "jobs")

# The accounts the CI jobs are submitted under, with their tenant kind and country.
CI_TENANT_KINDS = {"research-ma": "research", "startup-us": "startup",
                   "enterprise-fr": "enterprise"}  # fmt: skip
CI_TENANT_COUNTRIES = {"research-ma": "MA", "startup-us": "US", "enterprise-fr": "FR"}


def missing_prerequisite() -> str | None:
    """Why the stack cannot run here (None when it can)."""
    if shutil.which("prometheus") is None:
        return "prometheus not installed (Debian: prometheus; .ci/services.sh installs it)"
    if not HUBCI_ENV.is_file():
        return f"real Slurm not running: start it with .ci/services.sh (no {HUBCI_ENV})"
    env = _slurm_env()
    if not env.get("SLURM_JWT") or not env.get("HUBCI_SLURM_URL"):
        return f"no SLURM_JWT / HUBCI_SLURM_URL in {HUBCI_ENV}"
    return None


def _slurm_env() -> dict[str, str]:
    out = {}
    for line in HUBCI_ENV.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not key.startswith("#"):
            out[key.strip()] = value.strip()
    return out


def _site(node: str) -> Any:
    """Two rows of eight racks of two servers; Slurm's node is a server of A-01-01."""
    sys.path.insert(0, str(ROOT / "tests" / "integration"))
    from stock_exporters import StockSite

    racks: dict[str, list[str]] = {}
    n = 1
    for row in (1, 2):
        for pos in range(1, 9):
            rack = f"A-{row:02d}-{pos:02d}"
            racks[rack] = [f"node-a{n:02d}", f"node-a{n + 1:02d}"]
            n += 2
    racks["A-01-01"][0] = node
    # One GPU off the bus (XID 79, on Slurm's node) and one with a recent application XID.
    site = StockSite(racks, xids={(node, 1): 79, ("node-a07", 2): 13})
    site.facility_w = round(site.it_w() * 1.32, -2)  # PUE 1.32 on an air-cooled hall
    site.grid_w = round(site.facility_w * 0.55, -2)  # the rest from the site's own supply
    return site


def _topology(site: Any) -> dict[str, Any]:
    from stock_exporters import topology

    doc = topology(site)
    for rack in doc["racks"]:  # rows one under the other, racks side by side
        row, pos = int(rack["id"][2:4]), int(rack["id"][5:7])
        rack.update(x=1.0 + 0.8 * (pos - 1), y=1.0 + 2.5 * (row - 1))
    doc["halls"][0].update(name="Hall A", x=0.0, y=0.0, w=8.0, h=6.0)
    doc["capacity_mw"] = 0.3  # the site's facility envelope, as its layout file gives it
    return doc


def _spin(seconds: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def shoot_stock_site(out_dir: str | Path, wait_s: float = 90.0) -> list[Path]:
    """The main window and Help → Data sources on the stock stack; returns the PNG paths
    ([] with a line on stderr when prometheus or Slurm is not available)."""
    why = missing_prerequisite()
    if why is not None:
        print(f"skipped the stock-site screenshots: {why}", file=sys.stderr)
        return []
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests" / "integration"))
    from conftest import PrometheusProcess
    from PySide6.QtCore import QSettings
    from stock_exporters import ExporterServer

    from console.settings import load_settings
    from widgets.app import live_window, make_app

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    slurm = _slurm_env()
    work = Path(tempfile.mkdtemp(prefix="stock-site-"))
    site = _site(slurm.get("HUBCI_SLURM_NODE", "vm"))
    server = ExporterServer(site).start()
    (work / "prom").mkdir()
    prom = PrometheusProcess(work / "prom", {"dcgm": (server.address, "/metrics"),
                                             "pdu": (server.address, "/snmp"),
                                             "meter": (server.address, "/modbus")})  # fmt: skip
    window = None
    try:
        for job in ("dcgm", "pdu", "meter"):
            prom.wait_up(job)
        prom.wait_for("meter_active_power_watts offset 30s", timeout=120)  # a few chart points
        site_file = work / "site.json"
        site_file.write_text(json.dumps(_topology(site)))
        settings = load_settings(
            ROOT / "docs" / "stock-site.toml",
            env={"SLURM_JWT": slurm["SLURM_JWT"]},
            overrides={"prometheus_url": prom.url, "slurm_url": slurm["HUBCI_SLURM_URL"],
                       "site_topology": str(site_file), "cache": str(work / "cache.db")},
        )  # fmt: skip
        settings.slurm.setdefault("tenant_kinds", CI_TENANT_KINDS)
        settings.slurm.setdefault("tenant_countries", CI_TENANT_COUNTRIES)
        settings.poll.update(racks=2.0, gpus=2.0, power=5.0, jobs=5.0)
        make_app()
        qs = QSettings(str(work / "ui.ini"), QSettings.Format.IniFormat)
        window = live_window(settings, settings.source, qs)
        window.resize(1920, 1080)
        window.show()
        window.feed.start()
        deadline = time.monotonic() + wait_s

        def waiting() -> list[str]:
            return ["site"] * (window.topology is None) + [
                k for k in KINDS if k not in window.latest]

        while time.monotonic() < deadline and waiting():
            _spin(0.5)
        if waiting():
            raise RuntimeError(f"no {', '.join(waiting())} within {wait_s:.0f} s")
        _spin(12.0)  # a few polls more: ages settle, the power chart has a line
        for view in [window.summary, *window.views.values()]:
            view.flush()
        _spin(0.5)
        shots = [out / "stock_site.png"]
        window.grab().save(str(shots[0]))
        dialog = window.show_data_sources()
        dialog.resize(1500, 1000)  # every row of the check, no scrolling
        for _ in range(240):
            if dialog.report is not None and not dialog.running:
                break
            _spin(0.25)
        _spin(0.3)
        shots.append(out / "data_sources.png")
        dialog.grab().save(str(shots[-1]))
        dialog.close()
        return shots
    finally:
        if window is not None:
            window.close()
            _spin(0.5)
        prom.stop()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    made = shoot_stock_site(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
    for p in made:
        print(p)
