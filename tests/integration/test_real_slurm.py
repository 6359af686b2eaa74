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
        assert rows[job_id]["state"] == state
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
