"""SlurmSource against a real slurmrestd 22.05 (started by .ci/services.sh) running sleep jobs."""

from __future__ import annotations

import os
import subprocess

import pytest

from console.sources.base import FetchContext, SourceError
from console.sources.slurm import SlurmSource

pytestmark = pytest.mark.integration


def squeue(env: dict[str, str]) -> dict[int, tuple[str, str]]:
    """Job id -> (state, reason code) as ``scontrol show job`` sees it."""
    out = subprocess.run(
        ["scontrol", "-o", "show", "job"],
        env={**os.environ, "SLURM_CONF": env["SLURM_CONF"]},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    jobs = {}
    for line in out.splitlines():
        fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
        if "JobId" in fields:
            jobs[int(fields["JobId"])] = (fields["JobState"], fields.get("Reason", ""))
    return jobs


def test_jobs_match_squeue(slurm_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLURM_JWT", slurm_env["SLURM_JWT"])  # the variable scontrol token prints
    with SlurmSource(slurm_env["HUBCI_SLURM_URL"]) as source:
        snap = source.fetch("jobs", FetchContext())
        nodes = source.nodes()
        partitions = source.partitions()
    assert source.version == "v0.0.38"  # 22.05 serves v0.0.36..38: newest supported
    cli = squeue(slurm_env)
    rows = {int(snap.columns["id"][i]): snap.row(i) for i in range(len(snap))}
    assert set(rows) == set(cli)
    for job_id, (state, reason) in cli.items():
        flags = str(rows[job_id]["state_flags"] or "").split(",")
        assert rows[job_id]["state"] == state or state in flags  # COMPLETING: a flag
        if state == "PENDING":
            # scontrol prints the long description when slurmctld set one; the API's
            # state_reason keeps the code (e.g. "Resources").
            assert rows[job_id]["reason"]
            if "_" not in reason:
                assert rows[job_id]["reason"] == reason
    by_name = {r["name"]: r for r in rows.values()}
    if "train-llm" in by_name and by_name["train-llm"]["state"] == "RUNNING":
        train = by_name["train-llm"]
        assert train["gpus"] == 2 and train["tenant"] == "research-ma"
        assert train["racks"] == (slurm_env["HUBCI_SLURM_NODE"],)
    held = by_name.get("held-job")
    if held is not None:
        assert held["reason"] == "JobHeldUser"
    node = nodes[0]
    assert node["gpus"] == 4 and 0 <= node["gpus_used"] <= 4
    assert {p["name"] for p in partitions} == {"gpu", "cpu"}


def test_bad_token_is_refused(slurm_env: dict[str, str]) -> None:
    token = slurm_env["SLURM_JWT"]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with SlurmSource(slurm_env["HUBCI_SLURM_URL"], token=forged, user="root") as source:
        with pytest.raises(SourceError) as err:
            source.fetch_jobs()
    assert err.value.auth and str(err.value).startswith("Slurm: ")
    assert forged not in str(err.value)


def test_no_token_is_401(slurm_env: dict[str, str]) -> None:
    with SlurmSource(slurm_env["HUBCI_SLURM_URL"], token="") as source:
        with pytest.raises(SourceError, match="HTTP 401") as err:
            source.fetch_jobs()
    assert err.value.auth


def test_version_not_served_is_clear(slurm_env: dict[str, str]) -> None:
    url = slurm_env["HUBCI_SLURM_URL"]
    with SlurmSource(url, token=slurm_env["SLURM_JWT"], version="v0.0.41") as source:
        with pytest.raises(SourceError, match="HTTP 404") as err:
            source.fetch_jobs()
    assert "\n" not in str(err.value)


def test_drained_node_state_marks_its_gpus(
    slurm_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A node drained with scontrol is 'drain' for the console (its GPUs raise no alarms)."""
    from console.model import UnhealthyGpus
    from console.sources.combined import CombinedSource

    monkeypatch.setenv("SLURM_JWT", slurm_env["SLURM_JWT"])
    node = slurm_env["HUBCI_SLURM_NODE"]
    env = {**os.environ, "SLURM_CONF": slurm_env["SLURM_CONF"]}

    def scontrol(*args: str) -> None:
        subprocess.run(["scontrol", *args], env=env, check=True, timeout=30)

    source = CombinedSource(None, slurm_env["HUBCI_SLURM_URL"])
    try:
        assert source.node_states(now=0.0)[node] == "up"
        scontrol("update", f"nodename={node}", "state=drain", "reason=console-test")
        assert source.node_states(now=0.0)[node] == "up"  # read at most once a minute
        assert source.node_states(now=120.0)[node] == "drain"
        gpus = UnhealthyGpus(time=1.0, received=1.0, gpus=(
            {"uuid": "GPU-1", "host": node, "status": "failed", "xid": 79},
            {"uuid": "GPU-2", "host": "elsewhere", "status": "failed", "xid": 79},
        ))
        marked = source._with_node_states(gpus)
        assert [g.get("node_state") for g in marked.gpus] == ["drain", None]
    finally:
        scontrol("update", f"nodename={node}", "state=resume")
        source.close()


def _scontrol_records(env: dict[str, str], what: str) -> list[dict[str, str]]:
    out = subprocess.run(
        ["scontrol", "-o", "-d", "show", what],
        env={**os.environ, "SLURM_CONF": env["SLURM_CONF"]},
        capture_output=True, text=True, check=True, timeout=30,
    ).stdout  # fmt: skip
    return [dict(f.split("=", 1) for f in line.split() if "=" in f) for line in out.splitlines()]


def _squeue_r(env: dict[str, str]) -> list[tuple[str, str, str]]:
    """``squeue -r``: one line per job and per pending array task: (id, state, name)."""
    out = subprocess.run(
        ["squeue", "-r", "-h", "-o", "%i|%T|%j"],
        env={**os.environ, "SLURM_CONF": env["SLURM_CONF"]},
        capture_output=True, text=True, check=True, timeout=30,
    ).stdout  # fmt: skip
    return [tuple(line.split("|")) for line in out.splitlines()]  # type: ignore[misc]


def _gres_count(text: str) -> int:
    from console.sources.slurm_decode import gres_gpus, tres_gpus

    return gres_gpus(text) or tres_gpus(text) or 0


def test_states_flags_arrays_gpus_and_free_gpus_match_squeue_and_scontrol(
    slurm_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stock demo jobs (.ci/services.sh): a job held in COMPLETING by the epilog, a
    pending array of 10, a held job and a --gpus-per-task job, as squeue/scontrol see them."""
    from console.jobs import counts_by_state, partition_states, state_text

    monkeypatch.setenv("SLURM_JWT", slurm_env["SLURM_JWT"])
    with SlurmSource(slurm_env["HUBCI_SLURM_URL"]) as source:
        snap = source.fetch_jobs()
    records = {int(r["JobId"]): r for r in _scontrol_records(slurm_env, "job")}
    lines = _squeue_r(slurm_env)
    nodes = _scontrol_records(slurm_env, "node")
    rows = {int(snap.columns["id"][i]): snap.row(i) for i in range(len(snap))}
    by_name = {r["name"]: r for r in rows.values()}
    assert snap.invalid == 0

    # States: squeue's state is the console's base state or one of its flags.
    for job_id, rec in records.items():
        row = rows[job_id]
        cli = rec["JobState"]
        flags = set(str(row["state_flags"] or "").split(",")) - {""}
        assert cli == row["state"] or cli in flags, (job_id, cli, row["state"], flags)
    completing = by_name.get("completing-demo")  # gone once its 5-minute epilog ends
    if completing is not None and records[int(completing["id"])]["JobState"] == "COMPLETING":
        assert completing["state"] == "RUNNING" and completing["state_flags"] == "COMPLETING"
        assert state_text(completing["state"], completing["state_flags"]) == "RUNNING · completing"

    # Arrays: squeue -r lists each pending task; the console counts them on one row.
    array = by_name["array-demo"]
    pending_tasks = [i for i, state, name in lines if name == "array-demo" and state == "PENDING"]
    if array["state"] == "PENDING":
        assert array["array_tasks"] == len(pending_tasks) == 10
        assert array["gpus"] == 10  # one GPU per task
    cli_pending = sum(1 for _, state, _ in lines if state == "PENDING")
    assert counts_by_state(snap).get("PENDING", 0) == cli_pending

    # GPUs: allocated (scontrol -d GRES) or requested (TresPerNode/Task x nodes/tasks).
    for job_id, rec in records.items():
        row = rows[job_id]
        if rec["JobState"] not in ("RUNNING", "PENDING"):
            continue
        if rec["JobState"] == "RUNNING":
            expect = _gres_count(rec.get("GRES", ""))
        elif "TresPerTask" in rec:
            expect = _gres_count(rec["TresPerTask"]) * int(rec["NumTasks"])
        elif "TresPerNode" in rec:
            expect = _gres_count(rec["TresPerNode"]) * int(rec["NumNodes"].split("-")[0])
        else:
            expect = 0
        tasks = max(1, int(row["array_tasks"]))
        assert row["gpus"] == expect * tasks, (job_id, row["gpus"], expect, tasks)
    assert by_name["per-task"]["gpus"] == 2  # --gpus-per-task=1 --ntasks=2, pending
    held = by_name["held-job"]
    assert held["state"] == "PENDING" and held["reason"] == "JobHeldUser"

    # Partition free GPUs: configured GRES less GRES in use, from Slurm's own nodes.
    expect_free: dict[str, int] = {}
    expect_total: dict[str, int] = {}
    for node in nodes:
        conf = _gres_count(node.get("Gres", ""))
        used = _gres_count(node.get("GresUsed", ""))
        for part in node.get("Partitions", "").split(","):
            expect_total[part] = expect_total.get(part, 0) + conf
            expect_free[part] = expect_free.get(part, 0) + max(0, conf - used)
    assert snap.partition_gpus == {
        p: {"total": expect_total[p], "free": expect_free[p]} for p in expect_total
    }
    gpu = partition_states(snap)["gpu"]
    assert gpu.free_gpus == expect_free["gpu"] and gpu.total_gpus == expect_total["gpu"]


def test_changes_only_poll_against_real_slurm(
    slurm_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slurm 22.05 answers 304 when nothing changed since update_time: the queue is kept."""
    monkeypatch.setenv("SLURM_JWT", slurm_env["SLURM_JWT"])
    with SlurmSource(slurm_env["HUBCI_SLURM_URL"]) as source:
        first = source.fetch_jobs()
        second = source.fetch_jobs()
    assert sorted(first.columns["id"].tolist()) == sorted(second.columns["id"].tolist())
