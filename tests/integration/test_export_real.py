"""Handover export and ``check`` against the real Slurm and a real Prometheus (issue 13).

- Slurm alone (no Prometheus): the pack is written with the job queue; summary.json's
  ``missing`` names racks, GPU health and power; the shift is the clock's.
- A real Prometheus scraping a site without any site power series (the simulated hub's
  /metrics with every hub_site_* / supply line removed): the pack is written with racks and
  GPU health; the renewable share, PUE and carbon are null with the reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from console.power import shift_bounds

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
POWER_PREFIXES = (b"hub_site_", b"hub_battery_", b"hub_grid_", b"hub_curtailment")


def run_main(tmp: Path, env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    config = tmp / "empty.toml"
    config.write_text("")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
               HUB_CONSOLE_CONFIG=str(config), **env_extra)
    env.pop("HUB_SOURCE", None)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--cache", "off", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def test_export_with_the_real_slurm_alone(slurm_env: dict[str, str], tmp_path: Path) -> None:
    done = run_main(tmp_path, {"SLURM_JWT": slurm_env["SLURM_JWT"]},
                    "--slurm", slurm_env["HUBCI_SLURM_URL"], "export", "--out",
                    str(tmp_path / "pack"))
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "pack" / "summary.json").read_text(encoding="utf-8"))
    assert {"racks", "gpus", "power"} <= set(summary["missing"]), summary["missing"]
    assert "jobs" not in summary["missing"]
    assert summary["power"]["renewable_share"]["value"] is None
    assert summary["shift"]["start"] == shift_bounds(time.time())[0]
    assert (tmp_path / "pack" / "handover.pdf").stat().st_size > 0


def test_check_against_the_real_slurm(slurm_env: dict[str, str], tmp_path: Path) -> None:
    done = run_main(tmp_path, {"SLURM_JWT": slurm_env["SLURM_JWT"]},
                    "--slurm", slurm_env["HUBCI_SLURM_URL"], "check", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    jobs = [r for r in rows if r["view"] == "Job queue" and r["status"] == "found"]
    assert jobs, rows
    assert any(r["status"] == "missing" and "--prometheus" in r["hint"] for r in rows)
    bad = run_main(tmp_path, {"SLURM_JWT": "not-a-token"},
                   "--slurm", slurm_env["HUBCI_SLURM_URL"], "check")
    err = bad.stderr.strip()
    assert bad.returncode == 1 and len(err.splitlines()) == 1 and "Traceback" not in err, err


@pytest.fixture
def unmetered_site() -> Any:
    """The frozen simulated hub behind a stand-in /metrics without any site power series."""
    from console.hub.server import HubServer
    from console.hub.sim import SimulatedHub

    hub_server = HubServer(SimulatedHub("rack", seed=3), port=0, tick_s=3600.0).start()
    upstream = hub_server.url

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            with urllib.request.urlopen(f"{upstream}{self.path}", timeout=10) as r:
                lines = r.read().splitlines(keepends=True)
            body = b"".join(ln for ln in lines
                            if not ln.lstrip(b"# HELPTYPE").startswith(POWER_PREFIXES))
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield hub_server, f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    hub_server.stop()


def test_export_from_a_prometheus_without_site_power(
    unmetered_site: Any, prometheus_factory: Any, tmp_path: Path
) -> None:
    hub_server, address = unmetered_site
    prom = prometheus_factory({"site": (address, "/metrics")})
    prom.wait_up("site")
    prom.wait_for("DCGM_FI_DEV_GPU_TEMP offset 2s")
    site = tmp_path / "site.json"
    site.write_text(json.dumps(hub_server.hub.site()))
    done = run_main(tmp_path, {}, "--prometheus", prom.url, "--topology", str(site),
                    "export", "--out", str(tmp_path / "pack"), "--timeout", "60")
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "pack" / "summary.json").read_text(encoding="utf-8"))
    assert "racks" not in summary["missing"] and "gpus" not in summary["missing"]
    assert "jobs" in summary["missing"]  # no Slurm given
    power = summary["power"]
    for key in ("renewable_share", "pue", "carbon_intensity_avg"):
        assert power[key]["value"] is None and power[key].get("reason"), (key, power[key])
    check = run_main(tmp_path, {}, "--prometheus", prom.url, "--topology", str(site),
                     "check", "--json")
    assert check.returncode == 0, check.stderr
    rows = json.loads(check.stdout)["rows"]
    assert any(r["status"] == "found" for r in rows)
    assert any(r["status"] in ("missing", "error") and "facility" in
               (r["figure"] + r["detail"]).lower() for r in rows), rows
