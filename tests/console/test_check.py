"""``python main.py check``: what each source delivers, per view and figure (console/check.py)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from backend_http import FakeBackend, fixture_reply, json_reply

from console.check import STATUSES, CheckReport, power_rows, probe, row, run_check
from console.model import PowerSeries
from console.sources.base import FetchContext, Source, SourceError

ROOT = Path(__file__).resolve().parents[2]


def run_main(tmp: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    config = tmp / "empty.toml"
    config.write_text("")
    env = dict(os.environ, PYTHONPATH=str(ROOT), HUB_CONSOLE_CONFIG=str(config),
               SLURM_JWT="eyJhbGciOiJIUzI1NiJ9.eyJzdW4iOiJyb290In0.c2ln")
    env.pop("HUB_SOURCE", None)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--cache", "off", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def hub_url() -> Any:
    from console.hub.server import HubServer
    from console.hub.sim import SimulatedHub

    server = HubServer(SimulatedHub("rack", seed=5), port=0, tick_s=3600.0).start()
    yield server.url
    server.stop()


def test_check_on_the_simulated_hub(tmp_path: Path, hub_url: str) -> None:
    done = run_main(tmp_path, "check", "--source", hub_url)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.splitlines()[0].split() == ["VIEW", "FIGURE", "STATUS", "DETAIL"]
    for words in ("site layout", "rack power", "unhealthy", "facility load", "renewable share",
                  "PUE", "jobs", "hub events"):
        assert words in out, words
    assert " error " not in out and "0 errors" in out
    done = run_main(tmp_path, "check", "--source", hub_url, "--json")
    report = json.loads(done.stdout)
    assert report["reachable"] and all(r["status"] in STATUSES for r in report["rows"])
    assert {r["view"] for r in report["rows"]} >= {"Rack map", "GPU health", "Power",
                                                    "Job queue"}


def test_check_with_nothing_reachable_is_one_line(tmp_path: Path) -> None:
    for args in (("--source", f"http://127.0.0.1:{free_port()}"),
                 ("--prometheus", f"http://127.0.0.1:{free_port()}",
                  "--slurm", f"http://127.0.0.1:{free_port()}")):
        done = run_main(tmp_path, "check", *args, "--timeout", "30")
        err = done.stderr.strip()
        assert done.returncode == 1 and len(err.splitlines()) == 1, err
        assert "nothing reachable" in err and "cannot connect" in err, err
        assert "Traceback" not in err and done.stdout == ""


def test_check_with_a_bad_source_url_is_exit_2(tmp_path: Path) -> None:
    done = run_main(tmp_path, "check", "--source", "gopher://x")
    assert done.returncode == 2 and "unsupported source URL" in done.stderr


def _spec(version: str) -> bytes:
    paths: dict[str, Any] = {f"/slurm/{version}/{ep}": {} for ep in ("jobs/", "nodes/")}
    return json.dumps({"openapi": "3.0.2", "paths": paths}).encode()


def test_check_slurm_alone_names_what_is_missing(tmp_path: Path) -> None:
    error = json.dumps({"errors": [{"error": "Unspecified error",
                                    "description": "nodes down"}]}, indent=2).encode()
    routes = {"/openapi/v3": json_reply(_spec("v0.0.44")),
              "/slurm/v0.0.44/jobs/": fixture_reply("slurmrestd/25.11-v0.0.44/slurm-jobs.json"),
              "/slurm/v0.0.44/nodes/": (500, "application/json", error)}
    with FakeBackend(routes) as slurm:
        done = run_main(tmp_path, "check", "--slurm", f"slurm+{slurm.url}", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    by = {(r["view"], r["figure"]): r for r in rows}
    assert by[("Job queue", "jobs")]["status"] == "found"
    assert by[("Power", "site power")]["status"] == "missing"
    assert "--prometheus" in by[("Power", "site power")]["hint"]
    assert by[("Rack map", "site layout")]["status"] == "missing"
    assert "--topology" in by[("Rack map", "site layout")]["hint"]
    failed = [r for r in rows if r["status"] == "error"]
    assert failed and all("HTTP 500" in r["detail"] or "nodes" in r["detail"] for r in failed)


class _Flaky(Source):
    """Site and jobs answer; racks fail; gpus raise a bug."""

    backend = "flaky"
    kinds = ("site", "racks", "gpus", "jobs")

    def __init__(self) -> None:
        super().__init__("flaky://")
        from console.decode import decode_jobs, decode_site
        from console.hub.sim import SimulatedHub

        hub = SimulatedHub("rack", seed=2)
        self._site, self._jobs = decode_site(hub.site()), decode_jobs(hub.jobs())

    def fetch(self, kind: str, context: FetchContext) -> Any:
        if kind == "site":
            return self._site
        if kind == "racks":
            raise SourceError("flaky", "HTTP 503 on /racks")
        if kind == "gpus":
            raise KeyError("boom")
        import dataclasses

        try:
            return dataclasses.replace(self._jobs, invalid=3)
        except TypeError:  # a JobsSnapshot without an invalid count
            return self._jobs


def test_each_kind_is_a_row_and_failures_never_raise() -> None:
    report = run_check(_Flaky(), timeout_s=30)
    by = {r["figure"]: r for r in report.rows}
    assert by["site layout"]["status"] == "found"
    assert by["rack figures"]["status"] == "error" and "HTTP 503" in by["rack figures"]["detail"]
    assert by["unhealthy GPUs"]["status"] == "error" and "KeyError" in by["unhealthy GPUs"][
        "detail"]
    assert by["jobs"]["status"] == "found" and report.reachable
    if "invalid records" in by:
        assert "3 records dropped" in by["invalid records"]["detail"]
    table = report.table()
    assert "HTTP 503" in table and "-> " in table


def test_power_rows_say_which_flows_are_missing_and_why() -> None:
    t = np.arange(0.0, 3600.0, 60.0) + 1_780_000_000.0
    nan = np.full(len(t), np.nan)
    series = PowerSeries(time=float(t[-1]), received=float(t[-1]), t=t, step=60.0,
                         fields={"it_mw": np.full(len(t), 90.0), "facility_mw": nan,
                                 "grid_mw": nan})
    rows = {r["figure"]: r for r in power_rows(series)}
    assert rows["IT load"]["status"] == "found" and "90.0 MW" in rows["IT load"]["detail"]
    for figure in ("facility load", "grid import", "renewable share", "PUE", "carbon"):
        assert rows[figure]["status"] == "missing", figure
        assert rows[figure]["hint"], figure
    assert "facility load" in rows["PUE"]["detail"]


def test_nothing_reachable_report() -> None:
    report = CheckReport("x://", [row("Power", "site power", "error", "P: down"),
                                  row("Job queue", "jobs", "error", "P: down"),
                                  row("Rack map", "site layout", "missing", "none given")])
    assert not report.reachable
    assert report.one_line() == "nothing reachable at x:// (site power, jobs: P: down)"
    rows = probe(_Flaky(), ("racks",))
    assert rows[0]["status"] == "error"
