"""Each running job's own GPU utilisation on a real site: slurmrestd's recorded answers and
Prometheus answers in the shape of the recorded dcgm-exporter series, over HTTP on
127.0.0.1; the figure judges the job in the idle-GPU rule."""

from __future__ import annotations

import json
import logging
import math
import socket
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from backend_http import FIXTURES, FakeBackend, Request, fixture_reply, json_reply
from test_prometheus_source import vector
from test_slurm_source import make_jwt, spec

from console.energy.attribution import RackEnergy
from console.energy.history import job_spans
from console.energy.idle import IdleRule, find_idle
from console.model import JobsSnapshot
from console.sources.base import FetchContext, SourceError
from console.sources.combined import CombinedSource, combined_from_settings
from console.sources.jobutil import (
    KEY_LABEL,
    SEP,
    JobUtil,
    JobUtilNames,
    UtilReading,
    job_util,
    parse_reading,
    short_host,
    util_query,
)
from console.sources.promql import PromClient

PROM = FIXTURES / "prometheus"
GPUS_RUNNING = "slurmrestd/25.11-v0.0.44/slurm-job-gpus-running.json"  # job 5557, gpu2 IDX 0-3
JOB = 5557
RECORDED_LABELS = json.loads((PROM / "query-vector-gpu-temp.json").read_bytes())[
    "data"]["result"][0]["metric"]
"""A real dcgm-exporter GPU series' labels (as Prometheus 2.42 returned them)."""


def dcgm(host: str, gpu: int, value: float, host_label: str = "Hostname",
         hpc_job: str | None = None) -> tuple[dict[str, str], float]:
    """One DCGM_FI_DEV_GPU_UTIL series with the recorded label set."""
    labels = {k: v for k, v in RECORDED_LABELS.items() if k != "Hostname"}
    labels |= {"__name__": "DCGM_FI_DEV_GPU_UTIL", "gpu": str(gpu), "device": f"nvidia{gpu}",
               host_label: host}
    if hpc_job is not None:
        labels["hpc_job"] = hpc_job
    return labels, value


def recorded_util() -> list[tuple[dict[str, str], float]]:
    """The recorded GPU utilisation of host "vm" (Prometheus 2.42), last value of each GPU."""
    doc = json.loads((PROM / "query_range-matrix-gpu-util.json").read_bytes())
    return [(s["metric"], float(s["values"][-1][1])) for s in doc["data"]["result"]]


def answer(series: list[tuple[dict[str, str], float]], names: JobUtilNames | None = None) -> bytes:
    """What Prometheus answers :func:`util_query` over these series: their mean by the
    query's labels, those labels joined into one (label_join keeps the others)."""
    names = names or JobUtilNames()
    groups: dict[tuple[str, ...], list[float]] = {}
    for labels, value in series:
        if labels.get("__name__") != names.metric:
            continue
        groups.setdefault(tuple(labels.get(n, "") for n in names.labels), []).append(value)
    items = []
    for key, values in groups.items():
        metric = {n: v for n, v in zip(names.labels, key, strict=True) if v}
        metric[KEY_LABEL] = SEP.join(key)
        items.append((metric, sum(values) / len(values)))
    return vector(items)


def prometheus(body: bytes | None = None, status: int = 200) -> FakeBackend:
    """A Prometheus answering the utilisation query (any other query: empty)."""

    def route(req: Request) -> tuple:
        query = req.params.get("query", [""])[0]
        if "label_join(" in query and status != 200:
            return status, "application/json", json.dumps(
                {"status": "error", "errorType": "unavailable", "error": "TSDB not ready"}).encode()
        if "label_join(" in query and body is not None:
            return 200, "application/json", body
        return 200, "application/json", vector([])

    return FakeBackend({"/api/v1/query": route, "/api/v1/query_range": route})


def slurm(version: str, fixture: str) -> FakeBackend:
    return FakeBackend({"/openapi/v3": json_reply(spec(version)),
                        f"/slurm/{version}/jobs/": fixture_reply(fixture)})


def combined(prom_url: str, slurm_url: str, **options: Any) -> CombinedSource:
    return CombinedSource(f"prometheus+{prom_url}", f"slurm+{slurm_url}",
                          slurm_options={"token": make_jwt("root")}, **options)


def util_of(jobs: JobsSnapshot) -> dict[int, float]:
    return dict(zip(jobs.columns["id"].tolist(), jobs.columns["gpu_util_pct"].tolist(),
                    strict=True))


def queries(backend: FakeBackend) -> int:
    return sum(1 for r in backend.requests if r.path == "/api/v1/query")


# --- the two ways, in order ----------------------------------------------------------------


def test_hpc_job_label_gives_the_jobs_mean() -> None:
    # dcgm-exporter with --hpc-job-mapping-dir: each GPU's series names the job holding it
    series = [dcgm("gpu2", i, v, "hostname", hpc_job=str(JOB)) for i, v in enumerate([2, 4, 6, 0])]
    series += [dcgm("gpu2", 4, 99.0, "hostname", hpc_job="777"),  # another job, not queued
               dcgm("gpu2", 5, 50.0, "hostname")]  # a GPU no job holds
    with prometheus(answer(series)) as prom, slurm("v0.0.44", GPUS_RUNNING) as sl:
        source = combined(prom.url, sl.url)
        jobs = source.fetch("jobs", FetchContext())
        source.close()
    assert util_of(jobs) == {JOB: 3.0}
    assert source.job_util is not None and source.job_util.counts == (1, 0)
    assert queries(prom) == 1
    sent = [r.params["query"][0] for r in prom.requests][0]
    assert sent == util_query(JobUtilNames())
    assert 'avg by (hpc_job, Hostname, hostname, gpu) (DCGM_FI_DEV_GPU_UTIL)' in sent


def test_hpc_job_label_comes_before_the_join() -> None:
    # the job's own series say 10 %, wherever they are; the GPUs Slurm names say 80 %
    series = [dcgm("elsewhere", i, 10.0, hpc_job=str(JOB)) for i in range(4)]
    series += [dcgm("gpu2", i, 80.0) for i in range(4)]
    with prometheus(answer(series)) as prom, slurm("v0.0.44", GPUS_RUNNING) as sl:
        source = combined(prom.url, sl.url)
        jobs = source.fetch("jobs", FetchContext())
        source.close()
    assert util_of(jobs) == {JOB: 10.0}


def test_join_with_recorded_hostname_label() -> None:
    # slurmrestd 22.05 (v0.0.38) and Prometheus 2.42 recorded on one host "vm": job 1 holds
    # GPUs 0-1 (82 %, 98 %), job 2 GPUs 2-3 (0 %, 0 %); the exporter's label is "Hostname"
    with prometheus(answer(recorded_util())) as prom, \
            slurm("v0.0.38", "slurm/v0.0.38-jobs.json") as sl:
        source = combined(prom.url, sl.url)
        jobs = source.fetch("jobs", FetchContext())
        source.close()
    util = util_of(jobs)
    assert util[1] == pytest.approx(90.0) and util[2] == 0.0
    assert all(math.isnan(util[i]) for i in (3, 4, 5))  # pending: unknown
    assert source.job_util is not None and source.job_util.counts == (0, 2)
    assert queries(prom) == 1  # one query for all the jobs of the poll


def test_join_with_new_hostname_label_and_a_domain_suffix() -> None:
    # dcgm-exporter after 4.5.x spells the label "hostname", with the host's FQDN
    series = [dcgm("GPU2.cluster.local", i, v, "hostname") for i, v in enumerate([1, 2, 3, 6])]
    with prometheus(answer(series)) as prom, slurm("v0.0.44", GPUS_RUNNING) as sl:
        source = combined(prom.url, sl.url)
        jobs = source.fetch("jobs", FetchContext())
        source.close()
    assert util_of(jobs) == {JOB: 3.0}


def test_a_gpu_without_a_series_leaves_the_job_unknown() -> None:
    series = [dcgm("gpu2", i, 0.0) for i in range(3)]  # GPU 3 of the job: no series
    with prometheus(answer(series)) as prom, slurm("v0.0.44", GPUS_RUNNING) as sl:
        source = combined(prom.url, sl.url)
        jobs = source.fetch("jobs", FetchContext())
        source.close()
    assert math.isnan(util_of(jobs)[JOB])
    assert source.job_util is not None and source.job_util.counts == (0, 0)


def test_node_host_name_from_slurms_nodes() -> None:
    # Slurm's NodeName "gpu2" runs on the host "gpu2-ib" (NodeHostname), which the exporter names
    series = [dcgm("gpu2-ib.cluster.local", i, 20.0, "hostname") for i in range(4)]
    with prometheus(answer(series)) as prom, slurm("v0.0.44", GPUS_RUNNING) as sl:
        sl.routes["/slurm/v0.0.44/nodes/"] = json_reply(json.dumps({"nodes": [
            {"name": "gpu2", "hostname": "gpu2-ib", "state": ["MIXED"]}]}))
        source = combined(prom.url, sl.url)
        assert math.isnan(util_of(source.fetch("jobs", FetchContext()))[JOB])
        source.node_states()  # read with the GPU poll, at most every minute
        jobs = source.fetch("jobs", FetchContext())
        source.close()
    assert util_of(jobs) == {JOB: 20.0}


# --- cost and failure ------------------------------------------------------------------------


def test_no_query_without_a_running_gpu_job() -> None:
    with prometheus(answer([])) as prom, \
            slurm("v0.0.44", "slurmrestd/25.11-v0.0.44/slurm-job-gpus-pending.json") as sl:
        source = combined(prom.url, sl.url)
        jobs = source.fetch("jobs", FetchContext())
        source.close()
    assert len(jobs) == 1 and queries(prom) == 0
    assert math.isnan(jobs.columns["gpu_util_pct"][0])


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_prometheus_down_the_queue_still_arrives(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="console.sources.jobutil")
    with slurm("v0.0.38", "slurm/v0.0.38-jobs.json") as sl:
        source = combined(f"http://127.0.0.1:{_closed_port()}", sl.url)
        for _ in range(3):
            jobs = source.fetch("jobs", FetchContext())
            assert len(jobs) == 5 and np.isnan(jobs.columns["gpu_util_pct"]).all()
        source.close()
    said = [r for r in caplog.records if r.name == "console.sources.jobutil"]
    assert len(said) == 1 and said[0].levelno == logging.WARNING  # once, not every poll
    assert "Prometheus" in said[0].getMessage() and "unknown" in said[0].getMessage()
    assert source.job_util is not None and source.job_util.trouble


def test_prometheus_error_logged_once_then_back(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="console.sources.jobutil")
    state = {"status": 503}
    body = answer(recorded_util())

    def route(req: Request) -> tuple:
        if state["status"] != 200:
            return state["status"], "application/json", json.dumps(
                {"status": "error", "errorType": "unavailable", "error": "TSDB not ready"}).encode()
        return 200, "application/json", body

    with FakeBackend({"/api/v1/query": route}) as prom, \
            slurm("v0.0.38", "slurm/v0.0.38-jobs.json") as sl:
        source = combined(prom.url, sl.url)
        assert source.job_util is not None
        source.job_util.refresh_s = 0.0  # a read at every poll
        for _ in range(3):
            assert np.isnan(source.fetch("jobs", FetchContext()).columns["gpu_util_pct"]).all()
            source.job_util.settle()  # the poll's read ends before the next poll
        state["status"] = 200
        assert np.isnan(source.fetch("jobs", FetchContext()).columns["gpu_util_pct"]).all()
        source.job_util.settle()
        jobs = source.fetch("jobs", FetchContext())
        source.close()
    assert queries(prom) == 5
    assert util_of(jobs)[2] == 0.0
    said = [r.getMessage() for r in caplog.records if r.name == "console.sources.jobutil"]
    assert len(said) == 2 and "TSDB not ready" in said[0] and "again" in said[1]


def test_no_series_is_said_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="console.sources.jobutil")
    with prometheus(answer([])) as prom, slurm("v0.0.38", "slurm/v0.0.38-jobs.json") as sl:
        source = combined(prom.url, sl.url)
        for _ in range(2):
            assert np.isnan(source.fetch("jobs", FetchContext()).columns["gpu_util_pct"]).all()
        source.close()
    said = [r.getMessage() for r in caplog.records if r.name == "console.sources.jobutil"]
    assert len(said) == 1 and "no DCGM_FI_DEV_GPU_UTIL series" in said[0]


def test_the_jobs_poll_never_waits_on_a_slow_prometheus(monkeypatch: pytest.MonkeyPatch) -> None:
    import console.sources.jobutil as jobutil

    monkeypatch.setattr(jobutil, "FIRST_WAIT_S", 0.2)
    released = threading.Event()
    body = answer(recorded_util())

    def slow(req: Request) -> tuple:
        released.wait(30)
        return 200, "application/json", body

    with FakeBackend({"/api/v1/query": slow}) as prom, \
            slurm("v0.0.38", "slurm/v0.0.38-jobs.json") as sl:
        source = combined(prom.url, sl.url)
        util = source.job_util
        assert util is not None
        try:
            # the first poll waits a little for the first reading, then goes on without it
            first = source.fetch("jobs", FetchContext())
            assert len(first) == 5 and np.isnan(first.columns["gpu_util_pct"]).all()
            assert util._pending is not None and util._pending.thread.is_alive()
            second = source.fetch("jobs", FetchContext())  # no wait, no second query
            assert len(second) == 5 and util._pending.thread.is_alive()
            assert queries(prom) <= 1
        finally:
            released.set()
        util.settle()
        jobs = source.fetch("jobs", FetchContext())  # the reading landed: used from now on
        source.close()
    assert util_of(jobs)[2] == 0.0 and queries(prom) == 1
    assert util.trouble is None


def test_at_most_one_read_every_refresh_s() -> None:
    with prometheus(answer(recorded_util())) as prom, \
            slurm("v0.0.38", "slurm/v0.0.38-jobs.json") as sl:
        source = combined(prom.url, sl.url)
        for _ in range(4):
            assert util_of(source.fetch("jobs", FetchContext()))[2] == 0.0
        source.close()
    assert queries(prom) == 1  # REFRESH_S (30 s) not past: the last reading serves


def test_an_old_reading_is_not_shown(monkeypatch: pytest.MonkeyPatch,
                                     caplog: pytest.LogCaptureFixture) -> None:
    import console.sources.jobutil as jobutil

    monkeypatch.setattr(jobutil, "MAX_AGE_S", -1.0)  # every reading is too old
    with prometheus(answer(recorded_util())) as prom, \
            slurm("v0.0.38", "slurm/v0.0.38-jobs.json") as sl:
        source = combined(prom.url, sl.url)
        jobs = source.fetch("jobs", FetchContext())
        source.close()
    assert np.isnan(jobs.columns["gpu_util_pct"]).all()
    assert any("no reading for" in r.getMessage() for r in caplog.records)


def test_a_join_is_kept_until_its_placement_or_reading_changes() -> None:
    reading = UtilReading({}, {("a", 0): 10.0, ("a", 1): 30.0})
    cols = {"id": np.array([1, 2]), "state": np.array(["RUNNING", "PENDING"], object)}
    memo: dict[int, tuple[object, float | None]] = {}
    pairs = (("a", 0),)
    assert job_util(cols, {1: pairs}, reading, None, memo)[0][0] == 10.0
    reading.by_gpu[("a", 0)] = 99.0  # the same reading (never changed in use): kept
    util, by_label, joined = job_util(cols, {1: pairs}, reading, None, memo)
    assert util[0] == 10.0 and math.isnan(util[1]) and (by_label, joined) == (0, 1)
    assert job_util(cols, {1: (("a", 1),)}, reading, None, memo)[0][0] == 30.0  # moved
    assert job_util(cols, {1: pairs}, reading)[0][0] == 99.0  # no memo


def test_no_time_left_in_the_poll() -> None:
    with prometheus(answer(recorded_util())) as prom:
        util = JobUtil(PromClient(prom.url))
        with pytest.raises(SourceError, match="no time left"):
            util.read(left_s=0.5)
        assert util.read(left_s=5.0).by_gpu[("vm", 2)] == 0.0
        util.client.close()
    assert queries(prom) == 1


# --- names, config and parsing -----------------------------------------------------------


def test_configured_names() -> None:
    names = JobUtilNames.from_config({"metric": 'gpu_util_percent{cluster="c1"}',
                                      "job_label": "", "host_labels": ["node"],
                                      "gpu_label": "minor"})
    assert names is not None and names.labels == ("node", "minor")
    assert util_query(names) == ('label_join(avg by (node, minor) (gpu_util_percent'
                                 '{cluster="c1"}), "console_job_gpu", "|", "node", "minor")')
    series = [({"__name__": 'gpu_util_percent{cluster="c1"}', "node": "gpu2", "minor": str(i)},
               40.0) for i in range(4)]
    with prometheus(answer(series, names)) as prom, slurm("v0.0.44", GPUS_RUNNING) as sl:
        source = combined(prom.url, sl.url, job_util={"metric": names.metric, "job_label": "",
                                                      "host_labels": ["node"], "gpu_label": "minor"})
        jobs = source.fetch("jobs", FetchContext())
        source.close()
    assert util_of(jobs) == {JOB: 40.0}
    assert JobUtilNames.from_config({"metric": ""}) is None  # off


@pytest.mark.parametrize(("table", "message"), [
    ({"metrc": "x"}, "unknown key"),
    ({"metric": "rate(x[5m])"}, "metric"),
    ({"metric": 3}, "metric"),
    ({"job_label": "hpc-job"}, "job_label"),
    ({"host_labels": []}, "host_labels"),
    ({"host_labels": ["ok", "not ok"]}, "host_labels"),
    ({"gpu_label": ""}, "gpu_label"),
    ({"gpu_label": "hostname"}, "must differ"),
])  # fmt: skip
def test_config_errors_name_the_key(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        JobUtilNames.from_config(table)


def test_from_settings(tmp_path: Path) -> None:
    from console.settings import load_settings

    config = tmp_path / "config.toml"
    config.write_text('[prometheus]\nurl = "prometheus+http://127.0.0.1:9"\n'
                      'job_util = { job_label = "slurm_job", host_labels = ["instance_host"] }\n'
                      '[slurm]\nurl = "slurm+http://127.0.0.1:9"\n')
    source = combined_from_settings(load_settings(config, env={}))
    assert source is not None and source.job_util is not None
    assert source.job_util.names.labels == ("slurm_job", "instance_host", "gpu")
    source.close()
    config.write_text('[prometheus]\nurl = "prometheus+http://127.0.0.1:9"\n'
                      'job_util = { metric = "" }\n[slurm]\nurl = "slurm+http://127.0.0.1:9"\n')
    source = combined_from_settings(load_settings(config, env={}))
    assert source is not None and source.job_util is None
    source.close()
    # Slurm alone: nothing to read the figure from
    only = CombinedSource(None, "slurm+http://127.0.0.1:9", slurm_options={"token": ""})
    assert only.job_util is None
    only.close()


def test_parse_reading_keys() -> None:
    names = JobUtilNames()
    keys = ["12|gpu01||0", "12|gpu01||1", "|gpu01||2", "|gpu01||2", "x|gpu02||0",
            "a|b|gpu03||0", "13||gpu04.example.org|7", "||| ", "bad", "14|||3", "15|gpu05||1"]
    values = np.array([10, 30, 5, 7, 50, 60, 70, 80, 90, 1, 9.3e18])
    reading = parse_reading(keys, values, names)
    # "x", "a|b": no Slurm job id; 14: a job's series without a host (--no-hostname) count
    # for the job; 15: dcgm-exporter's blank sentinel, no value
    assert reading.by_job == {12: 20.0, 13: 70.0, 14: 1.0}
    assert reading.by_gpu == {("gpu01", 0): 10.0, ("gpu01", 1): 30.0, ("gpu01", 2): 6.0,
                              ("gpu02", 0): 50.0, ("gpu03", 0): 60.0, ("gpu04", 7): 70.0}
    assert short_host("GPU01.Cluster.Local") == "gpu01" and short_host("10.0.0.5") == "10.0.0.5"


# --- the idle-GPU rule judges a real-site job by its own figure -----------------------


def test_idle_rule_judges_a_real_site_job_by_its_own_figure(tmp_path: Path) -> None:
    # job 2 holds GPUs 2-3 of host "vm" (recorded: 0 %); its rack's mean is busy (85 % over
    # 8 GPUs), so the rack's bound could never call it idle: its own figure does
    site = {"time": 1_795_892_394.0, "halls": [{"id": "A"}],
            "racks": [{"id": "A-01-01", "hall": "A", "row": "A-01", "x": 0.0, "y": 0.0,
                       "w": 0.6, "h": 1.2, "capacity_kw": 45.0, "gpus": 8, "hosts": ["vm"]}]}
    site_file = tmp_path / "site.json"
    site_file.write_text(json.dumps(site))
    with prometheus(answer(recorded_util())) as prom, \
            slurm("v0.0.38", "slurm/v0.0.38-jobs.json") as sl:
        source = combined(prom.url, sl.url, topology=str(site_file))
        jobs = source.fetch("jobs", FetchContext())
        source.close()
    start = float(jobs.columns["start_time"][list(jobs.columns["id"]).index(2)])
    n = 60
    begin = start + 60.0 * np.arange(n)
    energy = RackEnergy(("A-01-01",), np.array([8.0]), begin, begin + 60.0,
                        np.full((n, 1), 5.0, np.float32), np.full(n, 400.0),
                        np.full((n, 1), 85.0, np.float32))
    at = float(begin[-1] + 60.0)
    spans = job_spans([(at, dict(jobs.columns))])
    queues = [(float(begin[0]), {"id": jobs.columns["id"],
                                 "gpu_util_pct": jobs.columns["gpu_util_pct"]})]
    report = find_idle(energy, spans, at, IdleRule(), queues=queues)
    assert [j.id for j in report.jobs] == [2]
    job = report.jobs[0]
    assert job.own and job.util_pct == 0.0 and job.racks == ("A-01-01",) and job.gpus == 2
    # without the figure (Prometheus down), the rack's bound judges: not idle
    unknown = [(float(begin[0]), {"id": jobs.columns["id"],
                                  "gpu_util_pct": np.full(len(jobs), np.nan)})]
    assert not find_idle(energy, spans, at, IdleRule(), queues=unknown).jobs
