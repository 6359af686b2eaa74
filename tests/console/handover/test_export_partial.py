"""Each kind fails on its own in the handover export (issue 13).

Slurm without Prometheus, Prometheus without facility power, one failing Slurm request,
nothing reachable; the shift from the clock (not the topology file's ``time``); no
renewable share, PUE or carbon invented without supply data or a facility meter.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from backend_http import FakeBackend, fixture_reply, json_reply

from console.handover import ShiftWindow
from console.handover.kpis import power_kpis
from console.model import PowerSeries, Snapshot
from console.power import shift_bounds
from console.sources.base import FetchContext, Source, SourceError

ROOT = Path(__file__).resolve().parents[3]
JOBS_44 = "slurmrestd/25.11-v0.0.44/slurm-jobs.json"


def spec(*versions: str) -> bytes:
    paths: dict[str, Any] = {f"/slurm/{v}/{ep}": {} for v in versions
                             for ep in ("jobs/", "nodes/", "partitions/", "ping/")}
    paths["/openapi/v3"] = {}
    return json.dumps({"openapi": "3.0.2", "paths": paths}).encode()


def slurm_error(path: str) -> tuple[int, str, bytes]:
    body = {"errors": [{"error": "Unspecified error", "description": f"failure on {path}",
                        "error_number": 1}], "warnings": []}
    return 500, "application/json", json.dumps(body, indent=2).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_main(tmp: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    config = tmp / "empty.toml"
    config.write_text("")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
               SLURM_JWT="eyJhbGciOiJIUzI1NiJ9.eyJzdW4iOiJyb290In0.c2ln",
               HUB_CONSOLE_CONFIG=str(config))
    env.pop("HUB_SOURCE", None)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--cache", "off", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


class Patched(Source):
    """A source that answers like ``inner`` except for the kinds in ``overrides``."""

    backend = "patched"

    def __init__(self, inner: Source, overrides: dict[str, Callable[[Snapshot], Snapshot]]):
        super().__init__(inner.url)
        self.inner = inner
        self.kinds = inner.kinds
        self.overrides = overrides

    @property
    def display_url(self) -> str:
        return self.inner.display_url

    def fetch(self, kind: str, context: FetchContext) -> Snapshot:
        snap = self.inner.fetch(kind, context)
        change = self.overrides.get(kind)
        return snap if change is None else change(snap)

    def start(self) -> None:
        self.inner.start()

    def close(self) -> None:
        self.inner.close()


def fail(backend: str, reason: str) -> Callable[[Snapshot], Snapshot]:
    def raise_(_: Snapshot) -> Snapshot:
        raise SourceError(backend, reason)

    return raise_


def without(*names: str) -> Callable[[Snapshot], Snapshot]:
    """A power series with the named flows all NaN (not metered)."""
    def change(snap: Snapshot) -> Snapshot:
        assert isinstance(snap, PowerSeries)
        fields = {k: (np.full(len(v), np.nan) if k in names else v)
                  for k, v in snap.fields.items()}
        if "renewable_share_pct" in fields:
            fields["renewable_share_pct"] = np.full(len(snap.t), np.nan)
        return dataclasses.replace(snap, fields=fields)

    return change


def collect(overrides: dict[str, Callable[[Snapshot], Snapshot]]) -> tuple[dict, Any]:
    from console.handover.collect import collect_from_source
    from console.sources.sim import SimSource

    with Patched(SimSource("sim://rack"), overrides) as source:
        return collect_from_source(source, timeout_s=60)


# -- one kind failing, the rest written ------------------------------------------------------
def test_one_failing_slurm_request_leaves_the_rest_of_the_pack(
    qapp: Any, tmp_path: Path
) -> None:
    from widgets.export import _export_window, _write_from

    reason = "HTTP 500 on /slurm/v0.0.44/jobs/: failure on jobs"
    snapshots, data = collect({"jobs": fail("Slurm", reason)})
    assert {"site", "racks", "gpus", "power"} <= set(snapshots) and "jobs" not in snapshots
    assert data.missing == {"jobs": f"Slurm: {reason}"}
    with _export_window() as window:
        out = _write_from(window, tmp_path / "pack", snapshots, data, "test", False)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["missing"] == {"jobs": f"Slurm: {reason}"}
    assert summary["power"]["facility_load_avg"]["value"] > 0
    assert summary["jobs"]["completed"]["value"] == 0
    assert len(list(out.glob("*.png"))) == 5
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out / "handover.pdf"), "-"], check=True,
                              capture_output=True, text=True).stdout
        flat = " ".join(text.split())
        assert "Not in this pack" in flat and "Job queue: Slurm: HTTP 500" in flat


def test_prometheus_without_power_series_keeps_racks_and_gpus(qapp: Any) -> None:
    why = "no site power series (hub_site_it_load_mw, hub_site_facility_load_mw) in the window"
    snapshots, data = collect({"power": fail("Prometheus", why)})
    assert "racks" in snapshots and "gpus" in snapshots and "power" not in snapshots
    summary = data.to_summary_json()
    assert summary["missing"] == {"power": f"Prometheus: {why}"}
    share = summary["power"]["renewable_share"]
    assert share["value"] is None and "no site power series" in share["reason"]
    assert summary["gpus"]["end"]["healthy"]["value"] > 0


# -- no invented figures ---------------------------------------------------------------------
def test_no_supply_data_gives_no_renewable_share(qapp: Any) -> None:
    supply = ("solar_mw", "wind_mw", "battery_discharge_mw", "battery_charge_mw", "grid_mw",
              "curtailment_mw", "carbon_g_per_kwh")
    _, data = collect({"power": without(*supply)})
    p = data.to_summary_json()["power"]
    assert p["renewable_share"]["value"] is None, p["renewable_share"]
    assert "no supply data" in p["renewable_share"]["reason"]
    assert p["pue"]["value"] is not None  # facility and IT load are metered
    assert p["carbon_intensity_avg"]["value"] is None and p["carbon_intensity_avg"]["reason"]
    assert p["energy"]["grid_import"] == {"value": None, "unit": "MWh", "reason": "no data"}
    assert "grid_mw" in p["missing_flows"]


def test_no_facility_meter_gives_no_pue(qapp: Any) -> None:
    _, data = collect({"power": without("facility_mw")})
    p = data.to_summary_json()["power"]
    for key in ("renewable_share", "pue", "carbon_intensity_avg", "facility_load_avg"):
        assert p[key]["value"] is None and "facility load" in p[key]["reason"], (key, p[key])
    assert p["it_load_avg"]["value"] > 0


def test_power_kpis_from_nothing_are_nan_with_the_reason() -> None:
    shift = ShiftWindow(1_780_000_000.0, 1_780_028_800.0)
    t = np.arange(shift.start, shift.end, 60.0)
    nan = np.full(len(t), np.nan)
    series = PowerSeries(time=float(t[-1]), received=float(t[-1]), t=t, step=60.0,
                         fields={"it_mw": np.full(len(t), 100.0),
                                 "facility_mw": np.full(len(t), 120.0),
                                 "grid_mw": nan, "solar_mw": nan, "wind_mw": nan})
    k = power_kpis(series, shift)
    assert np.isnan(k["renewable_share_pct"])  # not 100 %
    assert "no supply data" in k["not_available"]["renewable_share_pct"]
    assert k["pue"] == pytest.approx(1.2)
    # A source that declares why a flow is missing (PowerSeries.missing: flow -> reason).
    declared = type("Declared", (), {"t": t, "step": 60.0, "fields": series.fields,
                                     "missing": {"grid_import": "not metered"}})()
    k = power_kpis(declared, shift)  # type: ignore[arg-type]
    assert k["missing_flows"]["grid_mw"] == "not metered"
    assert "grid import: not metered" in k["not_available"]["renewable_share_pct"]
    empty = power_kpis(None, shift, reason="Prometheus: down")
    assert empty["not_available"]["pue"] == "Prometheus: down"


# -- the shift from the clock ----------------------------------------------------------------
def test_shift_comes_from_the_clock_not_the_topology_files_time(qapp: Any) -> None:
    three_days = 3 * 86_400.0
    _, data = collect({"site": lambda s: dataclasses.replace(s, time=s.time - three_days)})
    now = time.time()
    start, end = shift_bounds(now)
    assert data.shift.start == start, (data.shift.label_local(), "should hold", now)
    assert data.shift.nominal_end == end and data.shift.partial
    assert abs(data.shift.end - now) < 120


# -- from the command line: Slurm alone, Slurm failing, nothing reachable --------------------
def test_export_with_slurm_only_writes_the_pack(tmp_path: Path) -> None:
    routes = {"/openapi/v3": json_reply(spec("v0.0.44")),
              "/slurm/v0.0.44/jobs/": fixture_reply(JOBS_44),
              "/slurm/v0.0.44/nodes/": slurm_error("nodes")}
    with FakeBackend(routes) as slurm:
        done = run_main(tmp_path, "--slurm", f"slurm+{slurm.url}", "export", "--out", str(tmp_path / "p"))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    summary = json.loads((tmp_path / "p" / "summary.json").read_text(encoding="utf-8"))
    assert set(summary["missing"]) == {"site", "racks", "gpus", "power"}
    assert "--prometheus" in summary["missing"]["power"]
    assert summary["power"]["renewable_share"]["value"] is None
    assert summary["jobs"]["gpu_hours_delivered"]["value"] is not None
    now = time.time()
    assert summary["shift"]["start"] == shift_bounds(now)[0]


def test_export_with_slurm_failing_and_nothing_else_is_one_line(tmp_path: Path) -> None:
    routes = {"/openapi/v3": json_reply(spec("v0.0.44")),
              "/slurm/v0.0.44/jobs/": slurm_error("jobs")}
    with FakeBackend(routes) as slurm:
        done = run_main(tmp_path, "--slurm", f"slurm+{slurm.url}",
                        "--prometheus", f"http://127.0.0.1:{free_port()}",
                        "export", "--out", str(tmp_path / "p"), "--timeout", "20")
    err = done.stderr.strip()
    assert done.returncode == 1 and len(err.splitlines()) == 1, err
    assert "nothing could be read" in err and "jobs: Slurm: HTTP 500" in err, err
    assert "Prometheus" in err and "Traceback" not in err
    assert not (tmp_path / "p").exists()
