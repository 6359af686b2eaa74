"""End to end: the console on a whole stock stack, as a site runs it.

A real Prometheus scrapes the stock stand-ins (tests/integration/stock_exporters.py:
dcgm-exporter 3.x default counters, snmp_exporter PDU cords, Modbus meters) and a real
Slurm 22.05 (.ci/services.sh: a job array, a job held in COMPLETING by its epilog, a held
job, a --gpus-per-task job) runs the queue. The topology lists Slurm's node among a
rack's hosts. The console's settings come from docs/stock-site.toml with this stack's
URLs put in; ``combined_from_settings`` builds the source the window would build, and
``Poller`` polls every kind into a cache as the live feed does.

Checked against the servers themselves: jobs, array tasks and GPUs per job against
``squeue -r`` / ``scontrol show job``, partition free GPUs against ``scontrol show node``,
the racks and GPU counts against the exporter's values, site power against the meters,
solar / wind "not metered", the reasons read back from the cache, and
``python main.py check`` naming every missing signal with exit code 0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from stock_exporters import StockSite, serve_stock_site

from console.cache import Cache
from console.jobs import counts_by_state, partition_states, task_weights
from console.model import JobsSnapshot, PowerSeries, RackTelemetry, SiteTopology, UnhealthyGpus
from console.poller import Poller
from console.settings import load_settings
from console.sources.combined import CombinedSource, combined_from_settings, node_state_word
from console.sources.prom_metrics import HEALTH_METRICS

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "docs" / "stock-site.toml"


def _cli(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        list(args), env={**os.environ, "SLURM_CONF": env["SLURM_CONF"]},
        capture_output=True, text=True, check=True, timeout=30,
    ).stdout  # fmt: skip


def _records(env: dict[str, str], what: str) -> list[dict[str, str]]:
    """``scontrol -o -d show job|node``: one dict per record."""
    out = _cli(env, "scontrol", "-o", "-d", "show", what)
    return [dict(f.split("=", 1) for f in line.split() if "=" in f) for line in out.splitlines()]


def _gres(text: str) -> int:
    from console.sources.slurm_decode import gres_gpus, tres_gpus

    return gres_gpus(text) or tres_gpus(text) or 0


@pytest.fixture
def stack(prometheus_factory: Any, slurm_env: dict[str, str], tmp_path: Path) -> Any:
    node = slurm_env["HUBCI_SLURM_NODE"]
    # Slurm's node is a server of rack A-01-01 (4 GPUs, as its Gres); one of its GPUs fell
    # off the bus. ECC and clock reasons are off, as in dcgm-exporter's default counters.
    site = StockSite({"A-01-01": [node, "node-a02"], "A-01-02": ["node-a03", "node-a04"]},
                     xids={(node, 1): 79})  # fmt: skip
    with serve_stock_site(site, prometheus_factory, tmp_path) as (prom, site_file):
        yield site, prom, site_file


def test_console_on_the_whole_stock_stack(
    stack: Any, slurm_env: dict[str, str], tmp_path: Path
) -> None:
    site, prom, site_file = stack
    node = slurm_env["HUBCI_SLURM_NODE"]
    settings = load_settings(
        CONFIG,
        env={"SLURM_JWT": slurm_env["SLURM_JWT"]},
        overrides={"prometheus_url": prom.url, "slurm_url": slurm_env["HUBCI_SLURM_URL"],
                   "site_topology": str(site_file), "cache": str(tmp_path / "cache.db")},
    )  # fmt: skip
    source = combined_from_settings(settings)
    assert isinstance(source, CombinedSource)
    # forecast: offered, and said absent (no [forecast] series on a stock stack)
    assert set(source.kinds) == {"site", "racks", "gpus", "power", "jobs", "forecast"}
    cache_path = settings.cache_path
    assert cache_path is not None
    cache = Cache.open(cache_path)
    poller = Poller(source, cache=cache)
    poller.context.power_window_s = 600.0
    try:
        got: dict[str, Any] = {}
        for kind in ("site", "racks", "gpus", "power", "jobs", "jobs"):  # jobs: then changes only
            result = poller.poll(kind)
            assert result.ok, (kind, result.error)
            assert result.cache_error is None, (kind, result.cache_error)
            got[kind] = result.snapshot
        jobs_records = _records(slurm_env, "job")
        squeue = [line.split("|") for line in
                  _cli(slurm_env, "squeue", "-r", "-h", "-o", "%i|%T|%j").splitlines()]  # fmt: skip
        nodes = _records(slurm_env, "node")
    finally:
        source.close()
    topo, racks, gpus, power, jobs = (got[k] for k in ("site", "racks", "gpus", "power", "jobs"))
    assert isinstance(topo, SiteTopology) and isinstance(racks, RackTelemetry)
    assert isinstance(gpus, UnhealthyGpus) and isinstance(power, PowerSeries)
    assert isinstance(jobs, JobsSnapshot)

    # --- Slurm: the same jobs, states, array tasks and GPUs as squeue -r / scontrol.
    rows = {int(jobs.columns["id"][i]): jobs.row(i) for i in range(len(jobs))}
    records = {int(r["JobId"]): r for r in jobs_records}
    assert set(rows) == set(records) and jobs.invalid == 0
    for job_id, rec in records.items():
        row = rows[job_id]
        flags = set(str(row["state_flags"] or "").split(",")) - {""}
        assert rec["JobState"] in ({row["state"]} | flags), (job_id, rec["JobState"], row)
        if rec["JobState"] == "COMPLETING":  # the epilog holds it: never FAILED
            assert row["state"] == "RUNNING" and "COMPLETING" in flags
        if rec["JobState"] == "RUNNING":
            assert row["gpus"] == _gres(rec.get("GRES", "")), (job_id, row["gpus"], rec)
            assert tuple(row["racks"]) == ("A-01-01",)  # Slurm's node -> the topology's rack
        elif rec["JobState"] == "PENDING":
            per = ("TresPerTask", "NumTasks") if "TresPerTask" in rec else ("TresPerNode", "NumNodes")
            expect = _gres(rec.get(per[0], "")) * int(rec.get(per[1], "1").split("-")[0])
            assert row["gpus"] == expect * max(1, int(row["array_tasks"])), (job_id, row, rec)
    by_name = {r["name"]: r for r in rows.values()}
    assert by_name["held-job"]["reason"] == "JobHeldUser"
    assert by_name["per-task"]["gpus"] == 2  # --gpus-per-task=1 --ntasks=2
    cli_states: dict[str, int] = {}
    for _id, state, _name in squeue:
        cli_states[state] = cli_states.get(state, 0) + 1
    pending_tasks = sum(1 for _id, state, name in squeue if name == "array-demo" and state == "PENDING")
    if by_name["array-demo"]["state"] == "PENDING":
        assert by_name["array-demo"]["array_tasks"] == pending_tasks == 10
    assert counts_by_state(jobs).get("PENDING", 0) == cli_states.get("PENDING", 0)
    weights = task_weights(jobs)
    assert int(weights[jobs.columns["state"] == "PENDING"].sum()) == cli_states.get("PENDING", 0)

    # Partition free GPUs: configured less in use, from Slurm's own nodes (not the topology).
    expect_free: dict[str, int] = {}
    expect_total: dict[str, int] = {}
    for rec in nodes:
        conf, used = _gres(rec.get("Gres", "")), _gres(rec.get("GresUsed", ""))
        for part in rec.get("Partitions", "").split(","):
            expect_total[part] = expect_total.get(part, 0) + conf
            expect_free[part] = expect_free.get(part, 0) + max(0, conf - used)
    assert jobs.partition_gpus == {
        p: {"total": expect_total[p], "free": expect_free[p]} for p in expect_total
    }
    gpu_part = partition_states(jobs)["gpu"]
    assert (gpu_part.free_gpus, gpu_part.total_gpus) == (expect_free["gpu"], expect_total["gpu"])

    # --- Prometheus: racks and GPU counts as the exporter serves them.
    assert topo.rack_ids == tuple(site.racks) and topo.total_gpus == len(site.gpus()) == 16
    served = site.gpus()
    for i, hosts in enumerate(site.racks.values()):
        mine = [g for g in served if g.host in hosts]
        assert racks["power_kw"][i] == pytest.approx(sum(g.power_w for g in mine) / 1e3)
        assert racks["gpu_temp_max_c"][i] == max(g.temp for g in mine)
        assert racks["gpu_util_mean"][i] == pytest.approx(np.mean([g.util for g in mine]))
    assert dict(gpus.counts) == {"healthy": 15, "degraded": 0, "failed": 0, "off_bus": 1}
    (bad,) = gpus.gpus
    assert (bad["host"], bad["slot"], bad["rack"], bad["xid"]) == (node, 1, "A-01-01", 79)
    node_rec = next(r for r in nodes if r["NodeName"] == node)
    words = node_rec["State"].replace("+", " ").split()
    assert bad["node_state"] == node_state_word(words)  # Slurm's word for the server
    assert set(gpus.not_collected) == {"ecc_dbe", "clock_event_reasons"}

    # --- Site power against the meters; what is not metered says so.
    last = {f: v[np.isfinite(v)][-1] for f, v in power.fields.items() if np.isfinite(v).any()}
    assert last["it_mw"] == pytest.approx(site.it_w() / 1e6)
    assert last["facility_mw"] == pytest.approx(site.facility_w / 1e6)
    assert last["grid_mw"] == pytest.approx(site.grid_w / 1e6)
    assert last["pue"] == pytest.approx(site.facility_w / site.it_w())
    for flow in ("solar", "wind"):
        assert f"{flow}_mw" not in last
        assert power.missing[f"{flow}_mw"].startswith(f"not metered: no {flow} meter configured")

    # --- The cache keeps the reasons, as review reads them back.
    t_end = float(power.t[-1])
    with Cache.open(cache_path, readonly=True) as review:
        assert dict(review.power(t_end - 300, t_end).missing) == dict(power.missing)
        assert dict(review.unhealthy_at(gpus.time).not_collected) == dict(gpus.not_collected)
    cache.close()

    # --- main.py check against the same stack names every missing signal, exit 0.
    env = {**os.environ, "SLURM_JWT": slurm_env["SLURM_JWT"], "HOME": str(tmp_path)}
    env.pop("HUB_CONSOLE_CONFIG", None)
    command = [sys.executable, str(ROOT / "main.py"), "--config", str(CONFIG), "check",
               "--prometheus", prom.url, "--slurm", slurm_env["HUBCI_SLURM_URL"],
               "--topology", str(site_file)]  # fmt: skip
    table = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert table.returncode == 0, table.stderr
    as_json = subprocess.run([*command, "--json"], env=env, capture_output=True, text=True,
                             timeout=120)  # fmt: skip
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert report["reachable"]
    found = {(r["view"], r["figure"]): r for r in report["rows"]}
    missing = [r for r in report["rows"] if r["status"] == "missing"]
    assert not [r for r in report["rows"] if r["status"] == "error"]
    for signal in gpus.not_collected:  # ECC, clock reasons: what to enable
        metric = HEALTH_METRICS[signal][0]
        assert any(metric in r["detail"] + r["hint"] for r in missing), signal
        assert metric in table.stdout
    ecc = found[("GPU health", "ECC (uncorrectable)")]
    assert ecc["status"] == "missing" and "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL" in ecc["hint"]
    for reason in power.missing.values():  # every flow not metered, with the same words
        assert any(r["detail"] == reason for r in missing), reason
        assert reason in table.stdout
    for figure in ("solar", "wind"):
        assert found[("Power", figure)]["detail"].startswith("not metered")
    for figure in ("IT load", "facility load", "grid import", "PUE", "renewable share"):
        assert found[("Power", figure)]["status"] == "found"
    assert found[("Job queue", "jobs")]["status"] == "found"
    free = found[("Job queue", "free GPUs per partition")]["detail"]
    assert f"gpu {expect_free['gpu']} of {expect_total['gpu']}" in free
    assert found[("Rack map", "hosts mapped to racks")]["detail"].startswith("4 of 4 hosts")
