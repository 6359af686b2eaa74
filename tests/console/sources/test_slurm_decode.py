"""Which GPUs a running Slurm job holds: ``gres_detail`` entries and the job's nodes, from
recorded slurmrestd answers (v0.0.37 .. v0.0.44) and the forms slurmctld writes."""

from __future__ import annotations

import copy
import json
from typing import Any

import msgspec
import pytest
from backend_http import FIXTURES

from console.sources.slurm_decode import (
    MAX_GPU_INDEX,
    allocation_nodes,
    decode_jobs_answer,
    gres_gpu_indices,
    job_gpu_placement,
)


def _running(relative: str) -> list[dict[str, Any]]:
    doc = json.loads((FIXTURES / relative).read_bytes())
    return [j for j in doc["jobs"] if "RUNNING" in str(j["job_state"])]


@pytest.mark.parametrize(("text", "indices"), [
    # as recorded: slurmrestd 24.05 / 25.11 (job on 4 H100s), 22.05 (two jobs on one host)
    ("gpu:h100:4(IDX:0-3)", (0, 1, 2, 3)),
    ("gpu:h200:2(IDX:0-1)", (0, 1)),
    ("gpu:h200:2(IDX:2-3)", (2, 3)),
    # the other forms of gres_ctld_job_build_details, and older releases'
    ("gpu:4(IDX:0,2-3)", (0, 2, 3)),
    ("gpu(IDX:0-7)", tuple(range(8))),
    ("gpu:nvidia_h100_80gb_hbm3:8(IDX:0-7)", tuple(range(8))),  # AutoDetect's type names
    ("gpu:a100:1(IDX:0),gpu:v100:1(IDX:1)", (0, 1)),  # two GPU types on one node
    ("gpu:2(IDX:0-1),nic:1(IDX:0)", (0, 1)),  # several GRES: only the GPUs' indices
    ("nic:1(IDX:0),gpu:1(IDX:5)", (5,)),
    ("gpu:3(IDX:4,1,1-2)", (1, 2, 4)),  # each index once, sorted
    (" gpu:1(IDX:7) ", (7,)),
    # no GPU on this node of the job
    ("", ()),
    (None, ()),
    ("gpu:h100:0(IDX:N/A)", ()),
    ("mps:50(IDX:0)", ()),
    ("shard:2(1/4,1/4)", ()),
    # GPUs, but not which: unknown
    ("gpu(CNT:4)", None),
    ("gpu:h100(CNT:2)", None),
    ("gpu:4", None),
    ("gpu:2(IDX:0-1),gpu:v100(CNT:1)", None),
    # not Slurm's: unknown, never a guess
    ("gpu:8(IDX:0-99999)", None),
    ("gpu:2(IDX:3-1)", None),
    ("gpu:1(IDX:x)", None),
    ("gpu((IDX:0)", None),
    (42, None),
    (["gpu:1(IDX:0)"], None),
    ("gpu:1(IDX:" + "0," * 3000 + "0)", None),  # over the length Slurm writes
])  # fmt: skip
def test_gres_detail_indices(text: Any, indices: tuple[int, ...] | None) -> None:
    assert gres_gpu_indices(text) == indices


def test_index_bound() -> None:
    assert gres_gpu_indices(f"gpu:1(IDX:{MAX_GPU_INDEX - 1})") == (MAX_GPU_INDEX - 1,)
    assert gres_gpu_indices(f"gpu:1(IDX:{MAX_GPU_INDEX})") is None


@pytest.mark.parametrize(("relative", "expected"), [
    ("slurmrestd/25.11-v0.0.44/slurm-job-gpus-running.json",
     [(("gpu2", 0), ("gpu2", 1), ("gpu2", 2), ("gpu2", 3))]),
    ("slurmrestd/24.05-v0.0.41/slurm-job-gpus-running.json",
     [(("gpu1", 0), ("gpu1", 1), ("gpu1", 2), ("gpu1", 3))]),
    ("slurm/v0.0.38-jobs.json", [(("vm", 0), ("vm", 1)), (("vm", 2), ("vm", 3))]),
    ("slurm/v0.0.37-jobs.json", [(("vm", 0), ("vm", 1)), (("vm", 2), ("vm", 3))]),
    # running jobs without GPUs: gres_detail is [] (nothing to join)
    ("slurmrestd/24.05-v0.0.41/slurm-jobs.json", [None, None, None]),
])  # fmt: skip
def test_recorded_running_jobs(relative: str, expected: list[Any]) -> None:
    jobs = _running(relative)
    assert [job_gpu_placement(j) for j in jobs] == expected
    # decoded as the source decodes an answer (job_resources kept as its JSON text)
    decoded, _ = decode_jobs_answer((FIXTURES / relative).read_bytes())
    assert decoded is not None
    placed = [job_gpu_placement(j) for j in decoded if "RUNNING" in str(j.job_state)]
    assert placed == expected


def test_node_names_from_job_resources_in_allocation_order() -> None:
    # job_resources lists the nodes in allocation order, the order of gres_detail;
    # "nodes" is Slurm's sorted host list (bitmap2node_name sorts), which may differ
    job = copy.deepcopy(_running("slurmrestd/25.11-v0.0.44/slurm-job-gpus-running.json")[0])
    alloc = job["job_resources"]["nodes"]["allocation"]
    second = copy.deepcopy(alloc[0]) | {"index": 1, "name": "gpu10"}
    alloc[0]["name"] = "gpu9"
    alloc.append(second)
    job["nodes"] = "gpu[9-10]"
    job["job_resources"]["nodes"]["list"] = "gpu[9-10]"
    job["gres_detail"] = ["gpu:h100:1(IDX:3)", "gpu:h100:2(IDX:0-1)"]
    assert allocation_nodes(job["job_resources"]) == ("gpu9", "gpu10")
    assert job_gpu_placement(job) == (("gpu9", 3), ("gpu10", 0), ("gpu10", 1))
    alloc.reverse()  # a node table not in name order: job_resources says so
    assert job_gpu_placement(job) == (("gpu10", 3), ("gpu9", 0), ("gpu9", 1))
    raw = msgspec.Raw(json.dumps(job["job_resources"]).encode())
    assert allocation_nodes(raw) == ("gpu10", "gpu9")


def test_v0_0_38_allocated_nodes_and_host_list_fallback() -> None:
    job = _running("slurm/v0.0.38-jobs.json")[0]
    assert allocation_nodes(job["job_resources"]) == ("vm",)
    # v0.0.37 names no node in job_resources: the host list stands in
    old = _running("slurm/v0.0.37-jobs.json")[0]
    assert allocation_nodes(old["job_resources"]) is None
    multi = old | {"nodes": "n[1-2]", "gres_detail": ["gpu:1(IDX:0)", "gpu:1(IDX:1)"]}
    assert job_gpu_placement(multi) == (("n1", 0), ("n2", 1))


@pytest.mark.parametrize("change", [
    {"gres_detail": []},
    {"gres_detail": None},
    {"gres_detail": "gpu:1(IDX:0)"},
    {"gres_detail": ["gpu(CNT:2)"]},
    {"gres_detail": ["gpu:1(IDX:0)", "gpu:1(IDX:0)"]},  # two entries, one node
    {"job_resources": {"nodes": {"allocation": [{"name": "a"}, {"name": "b"}]}}},
    {"job_resources": None, "nodes": ""},
])  # fmt: skip
def test_unknown_placement(change: dict[str, Any]) -> None:
    job = _running("slurmrestd/25.11-v0.0.44/slurm-job-gpus-running.json")[0] | change
    assert job_gpu_placement(job) is None


def test_a_node_without_gpus_keeps_its_place() -> None:
    # slurmctld leaves a node's entry empty (null) when the job holds no GRES there
    job = _running("slurm/v0.0.37-jobs.json")[0] | {
        "nodes": "n[1-3]", "gres_detail": ["gpu:1(IDX:0)", None, "gpu:2(IDX:2-3)"]}
    assert job_gpu_placement(job) == (("n1", 0), ("n3", 2), ("n3", 3))


@pytest.mark.parametrize("resources", [
    b'{"nodes": {"allocation": "x"}}', b"[1, 2]", b'{"allocated_nodes": 3}', b"{",
    b'{"nodes": {"allocation": [{"name": ""}]}}',
])  # fmt: skip
def test_job_resources_of_another_shape_name_no_node(resources: bytes) -> None:
    assert allocation_nodes(msgspec.Raw(resources)) is None
