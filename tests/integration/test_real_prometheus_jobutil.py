"""Running jobs' own GPU utilisation through a real Prometheus 2.42 (the PromQL evaluated
by the real engine), and the idle-GPU view's reading of the cache judging a real-site job
by it.

Two dcgm-exporter stand-ins on 127.0.0.1, as shipped (tests/integration/stock_exporters.py):
one newer, run with ``--hpc-job-mapping-dir`` (label ``hostname``, the host's FQDN, and
``hpc_job`` on the GPUs a mapped job holds: one series a job), one older without it
(label ``Hostname``). slurmrestd is a stand-in serving v0.0.44 answers built from the
recorded 25.11 running GPU job.
"""

from __future__ import annotations

import copy
import json
import math
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from backend_http import FIXTURES, FakeBackend, json_reply
from stock_exporters import ExporterServer, Gpu, StockSite

from console.cache import Cache
from console.energy.idle import idle_at
from console.sources.base import FetchContext
from console.sources.combined import CombinedSource
from console.sources.jobutil import JobUtil
from console.sources.promql import PromClient

pytestmark = pytest.mark.integration


@dataclass
class MappedSite(StockSite):
    """A dcgm-exporter with set utilisations, and ``hpc_job`` on the GPUs of mapped jobs."""

    util: dict[tuple[str, int], int] = field(default_factory=dict)
    jobs: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)

    def gpus(self) -> list[Gpu]:
        return [replace(g, util=self.util.get((g.host, g.index), g.util))
                for g in super().gpus()]  # fmt: skip

    def dcgm_text(self) -> str:
        out = []
        for line in super().dcgm_text().splitlines():
            at = line.find(f'{self.host_label}="')
            if line.startswith("#") or at < 0:
                out.append(line)
                continue
            host = line[at + len(self.host_label) + 2 : line.index('"', at + len(self.host_label) + 2)]
            gpu = int(line[line.index('gpu="') + 5 : line.index('"', line.index('gpu="') + 5)])
            ids = self.jobs.get((host, gpu), ())
            out += [line.replace("}", f',hpc_job="{j}"}}', 1) for j in ids] or [line]
        return "\n".join(out) + "\n"


NEW = MappedSite({"A-01-01": ["gpu01.cluster.local"]}, host_label="hostname",
                 util={("gpu01.cluster.local", i): v for i, v in enumerate([90, 95, 0, 85])},
                 jobs={("gpu01.cluster.local", 0): ("101",), ("gpu01.cluster.local", 1): ("101",)})
OLD = MappedSite({"A-01-01": ["gpu02"]}, host_label="Hostname",
                 util={("gpu02", i): v for i, v in enumerate([100, 0, 2, 96])})
SITE = {"time": time.time(), "name": "real site", "halls": [{"id": "A", "gpu_model": "NVIDIA H200"}],
        "racks": [{"id": "A-01-01", "hall": "A", "row": "A-01", "x": 0.0, "y": 0.0, "w": 0.6,
                   "h": 1.2, "capacity_kw": 45.0, "gpus": 8, "hosts": ["gpu01", "gpu02"]}]}  # fmt: skip


def slurm_answer(now: float) -> dict[str, Any]:
    """v0.0.44 jobs built from the recorded running GPU job (25.11), started an hour ago."""
    doc = json.loads((FIXTURES / "slurmrestd/25.11-v0.0.44/slurm-job-gpus-running.json").read_bytes())
    template = doc["jobs"][0]
    alloc = template["job_resources"]["nodes"]["allocation"][0]

    def job(job_id: int, nodes: list[str], gres: list[str], state: str = "RUNNING") -> dict:
        j = copy.deepcopy(template)
        j["job_id"], j["job_state"], j["nodes"] = job_id, [state], ",".join(nodes)
        j["gres_detail"] = gres
        j["tres_alloc_str"] = f"cpu=1,node={len(nodes)},gres/gpu=4"
        j["start_time"]["number"] = int(now) - 3600
        j["job_resources"]["nodes"]["allocation"] = [
            copy.deepcopy(alloc) | {"index": i, "name": n} for i, n in enumerate(nodes)]
        return j

    doc["jobs"] = [
        job(101, ["gpu01"], ["gpu:h100:2(IDX:0-1)"]),  # hpc_job: (90 + 95) / 2
        job(201, ["gpu01"], ["gpu:h100:1(IDX:2)"]),  # joined, "hostname" with a domain: 0
        job(202, ["gpu02"], ["gpu:h100:2(IDX:1-2)"]),  # joined, "Hostname": (0 + 2) / 2
        job(203, ["gpu01", "gpu02"], ["gpu:h100:1(IDX:3)", "gpu:h100:2(IDX:0,3)"]),
        job(300, [], [], state="PENDING"),
    ]
    doc["jobs"][-1]["job_resources"] = {}
    doc["last_update"]["number"] = int(now)
    return doc


@pytest.fixture
def stack(prometheus_factory: Any, tmp_path: Path) -> Any:
    new, old = ExporterServer(NEW).start(), ExporterServer(OLD).start()
    slurm = FakeBackend({
        "/openapi/v3": json_reply(json.dumps({"paths": {"/slurm/v0.0.44/jobs/": {}}})),
        "/slurm/v0.0.44/jobs/": lambda req: json_reply(json.dumps(slurm_answer(time.time()))),
    })  # fmt: skip
    try:
        prom = prometheus_factory({"dcgm-new": (new.address, "/metrics"),
                                   "dcgm-old": (old.address, "/metrics")})  # fmt: skip
        prom.wait_up("dcgm-new")
        prom.wait_up("dcgm-old")
        prom.wait_for('DCGM_FI_DEV_GPU_UTIL{hpc_job="101"}')
        site_file = tmp_path / "site.json"
        site_file.write_text(json.dumps(SITE))
        with slurm:
            yield prom, slurm, site_file
    finally:
        new.stop()
        old.stop()


def test_the_query_on_a_real_prometheus(stack: Any) -> None:
    prom, _slurm, _site = stack
    util = JobUtil(PromClient(prom.url))
    try:
        reading = util.read()
    finally:
        util.client.close()
    assert reading.by_job == {101: 92.5}
    assert reading.by_gpu == {("gpu01", 0): 90.0, ("gpu01", 1): 95.0, ("gpu01", 2): 0.0,
                              ("gpu01", 3): 85.0, ("gpu02", 0): 100.0, ("gpu02", 1): 0.0,
                              ("gpu02", 2): 2.0, ("gpu02", 3): 96.0}  # fmt: skip


def test_jobs_figures_and_the_idle_view_from_the_cache(stack: Any, tmp_path: Path) -> None:
    prom, slurm, site_file = stack
    source = CombinedSource(f"prometheus+{prom.url}", f"slurm+{slurm.url}",
                            topology=str(site_file), slurm_options={"token": "t", "user": "u"})
    try:
        topo = source.fetch("site", FetchContext())
        racks = source.fetch("racks", FetchContext(topology=topo))
        jobs = source.fetch("jobs", FetchContext(topology=topo))
    finally:
        source.close()
    util = dict(zip(jobs.columns["id"].tolist(), jobs.columns["gpu_util_pct"].tolist(),
                    strict=True))  # fmt: skip
    assert util[101] == 92.5 and util[201] == 0.0 and util[202] == 1.0
    assert util[203] == pytest.approx((85 + 100 + 96) / 3) and math.isnan(util[300])
    assert racks["gpu_util_mean"][0] == pytest.approx(58.5)  # the rack: busy on average

    # What the console records, a minute apart for 40 minutes, and the idle view reads:
    # jobs 201 (1 GPU) and 202 (2 GPUs) are idle by their own figures; the rack's mean
    # (58.5 % over 8 GPUs) could never prove it.
    t0 = time.time() - 3000.0
    with Cache.open(tmp_path / "cache.db") as cache:
        cache.write_poll([replace(topo, time=t0 - 60.0)], topology=topo)
        for k in range(41):
            t = t0 + 60.0 * k
            cache.write_poll([replace(racks, time=t, received=t), replace(jobs, time=t, received=t)],
                             topology=topo)  # fmt: skip
        at = t0 + 2400.0
        for _ in range(5):
            cache.maintain(now=at)
        report = idle_at(cache, at)
    idle = {j.id: j for j in report.jobs}
    assert set(idle) == {201, 202}
    assert idle[201].own and idle[201].util_pct == 0.0 and idle[201].racks == ("A-01-01",)
    assert idle[202].own and idle[202].util_pct == 1.0
    assert idle[201].idle_s >= 30 * 60
