"""console.jobs: pending reasons in plain words, waits, GPU-hours, counts, unhealthy racks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from console.decode import jobs_from_records
from console.jobs import (
    PartitionState,
    counts_by_partition,
    counts_by_state,
    explain_pending,
    gpu_hours,
    on_unhealthy,
    partition_states,
    reason_code,
    unhealthy_racks,
    wait_seconds,
)
from console.model import JobsSnapshot, UnhealthyGpus

NOW = 1_780_000_000.0


def job(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 1,
        "name": "train",
        "tenant": "UM6P",
        "tenant_kind": "research",
        "tenant_country": "MA",
        "user": "amina",
        "partition": "gpu-h200",
        "state": "PENDING",
        "reason": "Resources",
        "gpus": 64,
        "nodes": 8,
        "racks": [],
        "submit_time": NOW - 3600,
        "start_time": None,
        "end_time": None,
        "time_limit_s": 86400.0,
    }
    return base | kw


def snapshot(records: list[dict[str, Any]]) -> JobsSnapshot:
    return jobs_from_records(records, NOW, received=NOW)


def test_resources_names_gpus_and_partition() -> None:
    text = explain_pending("Resources", job(), None)
    assert text == "waiting for 64 free GPUs in partition gpu-h200"
    part = PartitionState("gpu-h200", total_gpus=51_200, used_gpus=51_180, pending_jobs=12)
    text = explain_pending("Resources", job(), part)
    assert "20 of 51,200 free now" in text and "12 jobs pending" in text
    assert explain_pending("Resources", job(gpus=1), None).startswith("waiting for 1 free GPU ")


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("Priority", "higher-priority jobs in partition gpu-h200"),
        ("QOSMaxGPUPerUser", "user amina already uses the most GPUs"),
        ("AssocGrpGRES", "tenant UM6P already uses its whole GPU allocation"),
        ("ReqNodeNotAvail, UnavailableNodes:a07-13-n[01-04]", "node it needs is down"),
        ("Dependency", "depends on"),
        ("JobHeldUser", "held by its owner amina"),
        ("JobHeldAdmin", "held by an administrator"),
        ("PartitionDown", "partition gpu-h200 is down"),
    ],
)
def test_known_reasons_in_plain_words(reason: str, words: str) -> None:
    assert words in explain_pending(reason, job(reason=reason), None)


def test_begin_time_in_site_local_time() -> None:
    text = explain_pending("BeginTime", job(start_time=NOW + 7200), None)
    assert text.startswith("asked not to start before ")
    assert "later" not in text
    assert (
        explain_pending("BeginTime", job(), None) == "held until the begin time its submitter set"
    )


def test_begin_time_in_the_zone_given() -> None:
    """A begin time in the site's zone: the default site's unless another is given."""
    begin = 1_795_908_600.0  # Sat 28 Nov 2026 23:30 UTC
    pending = job(reason="BeginTime", start_time=begin)
    assert "Sun 29 Nov 00:30" in explain_pending("BeginTime", pending)  # Africa/Casablanca
    assert "Sat 28 Nov 18:30" in explain_pending("BeginTime", pending, tz="America/New_York")
    assert "Sat 28 Nov 23:30" in explain_pending("BeginTime", pending, tz="Nowhere/Such")


def test_unknown_reason_falls_back_and_none_is_quiet() -> None:
    assert (
        explain_pending("FrobnicatorBusy", job(), None) == "pending: Slurm reason FrobnicatorBusy"
    )
    assert explain_pending("None", job(state="RUNNING"), None) == ""
    assert explain_pending(None, job(), None) == "pending, no reason given yet"
    assert reason_code("ReqNodeNotAvail, UnavailableNodes:x") == "ReqNodeNotAvail"


def test_wait_and_gpu_hours() -> None:
    jobs = snapshot(
        [
            job(id=1),  # pending 1 h
            job(id=2, state="RUNNING", reason="None", gpus=8, start_time=NOW - 1800),
            job(
                id=3,
                state="COMPLETED",
                reason="None",
                gpus=4,
                start_time=NOW - 7200,
                end_time=NOW - 3600,
                submit_time=NOW - 9000,
            ),
        ]
    )
    np.testing.assert_allclose(wait_seconds(jobs), [3600, 1800, 1800])
    np.testing.assert_allclose(gpu_hours(jobs), [0.0, 4.0, 4.0])


def test_counts_and_partition_states() -> None:
    jobs = snapshot(
        [job(id=i) for i in range(3)]
        + [job(id=10 + i, state="RUNNING", partition="gpu-gb200", gpus=72) for i in range(2)]
    )
    assert counts_by_state(jobs) == {"PENDING": 3, "RUNNING": 2}
    assert counts_by_partition(jobs) == {"gpu-h200": 3, "gpu-gb200": 2}
    parts = partition_states(jobs, {"gpu-gb200": 1000})
    assert parts["gpu-gb200"].used_gpus == 144 and parts["gpu-gb200"].free_gpus == 856
    assert parts["gpu-h200"].pending_jobs == 3 and parts["gpu-h200"].free_gpus is None
    assert parts["gpu-h200"].pending_gpus == 192


def test_jobs_on_unhealthy_racks() -> None:
    jobs = snapshot(
        [
            job(id=1, state="RUNNING", racks=["A-01-01", "A-01-02"]),
            job(id=2, state="RUNNING", racks=["B-02-03"]),
            job(id=3),
            job(id=4, state="COMPLETED", racks=["A-01-01"]),
        ]
    )
    gpus = UnhealthyGpus(
        time=NOW,
        gpus=(
            {"uuid": "GPU-1", "rack": "A-01-02", "status": "failed"},
            {"uuid": "GPU-2", "rack": "C-01-01", "status": "degraded"},
        ),
    )
    racks = unhealthy_racks(gpus)
    assert racks == {"A-01-02", "C-01-01"}
    np.testing.assert_array_equal(on_unhealthy(jobs, racks), [True, False, False, False])
    assert not on_unhealthy(jobs, set()).any()
    # A job whose racks are missing (None) is on no rack, not an error.
    missing = snapshot([job(id=5, state="RUNNING", racks=None), job(id=6, state="PENDING",
                                                                    racks=["A-01-02"])])
    np.testing.assert_array_equal(on_unhealthy(missing, racks), [False, True])


def test_cpu_only_job_waits_for_nodes_not_gpus() -> None:
    from console.jobs import explain_pending

    text = explain_pending("Resources", {"gpus": 0, "nodes": 1, "partition": "cpu"})
    assert text == "waiting for 1 free node in partition cpu"
