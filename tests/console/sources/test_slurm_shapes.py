"""Slurm as real clusters answer (issue 13): state flags, job arrays, every GPU form,
invalid records, error bodies, partition free GPUs from Slurm's nodes, changes-only polls.

Hand-built records in each API version's shape: v0.0.37/38 send ``job_state`` as one
string and plain integers; v0.0.40+ send lists and ``{set, infinite, number}`` objects.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

import numpy as np
import pytest
from backend_http import FakeBackend, Request, json_reply

from console.jobs import counts_by_state, explain_pending, partition_states, state_text
from console.model import JobsSnapshot
from console.sources.base import SourceError
from console.sources.slurm import SlurmSource
from console.sources.slurm_decode import (
    array_task_count,
    job_gpus,
    node_record,
    parse_job_state,
    partition_gpus,
)

T = int(time.time()) - 3600  # finished jobs are kept for a day after their end


def nv(n: int | None) -> dict[str, Any]:
    return {"set": n is not None, "infinite": False, "number": n or 0}


def old_job(job_id: Any, state: Any, **extra: Any) -> dict[str, Any]:
    """A v0.0.38 job (22.05): strings and plain integers."""
    job = {
        "job_id": job_id, "job_state": state, "name": f"j{job_id}", "account": "research",
        "partition": "gpu", "user_name": "alice", "node_count": 1, "nodes": "",
        "submit_time": T, "start_time": 0, "end_time": 0, "time_limit": 60,
        "state_reason": "None", "state_description": "", "array_task_string": "",
        "gres_detail": [], "tres_per_node": "", "tres_per_job": "", "tres_per_task": "",
        "tres_per_socket": "", "tres_req_str": "cpu=1,node=1", "tres_alloc_str": "",
        "tasks": 1, "sockets_per_node": None,
    }  # fmt: skip
    job.update(extra)
    return job


def new_job(job_id: Any, state: Any, **extra: Any) -> dict[str, Any]:
    """A v0.0.41+ job: lists and no_val numbers."""
    job = old_job(job_id, state, **extra)
    for key in ("node_count", "submit_time", "start_time", "end_time", "time_limit", "tasks"):
        if not isinstance(job[key], dict):
            job[key] = nv(job[key])
    job["sockets_per_node"] = nv(None) if job["sockets_per_node"] is None else nv(
        job["sockets_per_node"]
    )
    return job


def spec(version: str) -> bytes:
    paths = {f"/slurm/{version}/{e}/": {} for e in ("jobs", "nodes", "partitions")}
    return json.dumps({"openapi": "3.0.2", "paths": paths}).encode()


def fetch(version: str, jobs: list[Any], nodes: list[Any] | None = None, **kw: Any):
    routes: dict[str, Any] = {
        "/openapi/v3": json_reply(spec(version)),
        f"/slurm/{version}/jobs/": json_reply(json.dumps({"jobs": jobs, "errors": []})),
    }
    if nodes is not None:
        routes[f"/slurm/{version}/nodes/"] = json_reply(json.dumps({"nodes": nodes}))
    with FakeBackend(routes) as backend:
        with SlurmSource(f"slurm+{backend.url}", token="t", user="u", **kw) as source:
            return source.fetch_jobs()


def rows(snap: JobsSnapshot) -> dict[int, dict[str, Any]]:
    return {int(snap.columns["id"][i]): snap.row(i) for i in range(len(snap))}


# -- states ---------------------------------------------------------------------------------
def test_completing_alone_in_22_05_is_running_ending_not_failed() -> None:
    snap = fetch("v0.0.38", [old_job(1, "COMPLETING", nodes="vm", start_time=T + 5)])
    row = rows(snap)[1]
    assert row["state"] == "RUNNING" and row["state_flags"] == "COMPLETING"
    assert state_text(row["state"], row["state_flags"]) == "RUNNING · completing"


@pytest.mark.parametrize(
    ("value", "base", "flags"),
    [
        ("CONFIGURING", "RUNNING", ("CONFIGURING",)),
        ("REQUEUED", "PENDING", ("REQUEUED",)),
        ("REQUEUE_HOLD", "PENDING", ("REQUEUE_HOLD",)),
        ("RESV_DEL_HOLD", "PENDING", ("RESV_DEL_HOLD",)),
        ("STAGE_OUT", "COMPLETED", ("STAGE_OUT",)),
        (["RUNNING", "COMPLETING"], "RUNNING", ("COMPLETING",)),
        (["COMPLETED", "COMPLETING"], "COMPLETED", ("COMPLETING",)),
        (["CANCELLED", "COMPLETING"], "CANCELLED", ("COMPLETING",)),
        (["PENDING", "REQUEUED"], "PENDING", ("REQUEUED",)),
        (["RUNNING", "CONFIGURING", "POWER_UP_NODE"], "RUNNING", ("CONFIGURING", "POWER_UP_NODE")),
        (["NODE_FAIL"], "NODE_FAIL", ()),
    ],
)
def test_base_state_and_flags(value: Any, base: str, flags: tuple[str, ...]) -> None:
    assert parse_job_state(value) == (base, flags)


def test_v0_0_41_flags_shown_and_never_failed() -> None:
    snap = fetch(
        "v0.0.41",
        [
            new_job(1, ["RUNNING", "COMPLETING"], nodes="vm"),
            new_job(2, ["PENDING", "REQUEUE_HOLD"], state_reason="JobHeldAdmin"),
            new_job(3, ["RUNNING", "CONFIGURING"], nodes="vm"),
        ],
    )
    by = rows(snap)
    assert [by[i]["state"] for i in (1, 2, 3)] == ["RUNNING", "PENDING", "RUNNING"]
    assert [by[i]["state_flags"] for i in (1, 2, 3)] == ["COMPLETING", "REQUEUE_HOLD", "CONFIGURING"]


# -- invalid records ------------------------------------------------------------------------
def test_missing_or_null_key_fields_are_dropped_and_counted() -> None:
    bad_state = old_job(5, None)
    no_state = old_job(6, "RUNNING")
    del no_state["job_state"]
    no_id = old_job(7, "PENDING")
    del no_id["job_id"]
    snap = fetch(
        "v0.0.38",
        [old_job(1, "RUNNING"), bad_state, no_state, no_id, old_job(None, "PENDING"), 3,
         new_job(8, [])],
    )  # fmt: skip
    assert snap.columns["id"].tolist() == [1]
    assert snap.invalid == 6
    assert 0 not in snap.columns["id"].tolist()


# -- arrays and GPUs --------------------------------------------------------------------------
def test_pending_array_counts_its_tasks_with_each_tasks_gpus() -> None:
    array = old_job(6, "PENDING", array_job_id=6, array_task_string="1-9",
                    tres_per_node="gres:gpu:1", state_reason="Resources")  # fmt: skip
    running_task = old_job(9, "RUNNING", array_job_id=6, array_task_id=0, nodes="vm",
                           tres_per_node="gres:gpu:1", gres_detail=["gpu:h200:1(IDX:2)"])  # fmt: skip
    snap = fetch("v0.0.38", [array, running_task])
    by = rows(snap)
    assert by[6]["array_tasks"] == 9 and by[6]["gpus"] == 9
    assert by[9]["array_tasks"] == 0 and by[9]["gpus"] == 1
    assert counts_by_state(snap) == {"PENDING": 9, "RUNNING": 1}
    assert partition_states(snap)["gpu"].pending_jobs == 9
    text = explain_pending("Resources", by[6])
    assert text.startswith("9 array tasks, each waiting for 1 free GPU")


def test_array_task_strings() -> None:
    assert array_task_count("1-9") == 9
    assert array_task_count("0-99:3%2") == 34
    assert array_task_count("1,5,7-9") == 5
    assert array_task_count("[0-1000]") == 1001
    assert array_task_count("0x2F") == 5
    assert array_task_count("") == 0 and array_task_count(None) == 0


@pytest.mark.parametrize("make", [old_job, new_job])
def test_gpus_from_every_form(make: Any) -> None:
    assert job_gpus(make(1, "PENDING", tres_per_task="gres:gpu:1", tasks=2), 1) == 2
    assert job_gpus(make(1, "PENDING", tres_per_task="gres/gpu:2", tasks=4), 1) == 8
    per_socket = make(1, "PENDING", tres_per_socket="gres/gpu:1", sockets_per_node=2)
    assert job_gpus(per_socket, 3) == 6
    assert job_gpus(make(1, "PENDING", tres_per_node="gres/gpu:8"), 2) == 16
    assert job_gpus(make(1, "PENDING", tres_per_job="gres/gpu:4"), 2) == 4
    assert job_gpus(make(1, "RUNNING", gres_detail=["gpu:h200:8(IDX:0-7)"] * 2), 2) == 16
    assert job_gpus(make(1, "RUNNING", tres_alloc_str="cpu=4,gres/gpu:h200=3,gres/gpu=3"), 1) == 3
    assert job_gpus(make(1, "PENDING", tres_req_str="cpu=2,node=1,gres/gpu=2"), 1) == 2


def test_gpus_per_task_pending_job_counts_its_gpus() -> None:
    snap = fetch("v0.0.38", [old_job(7, "PENDING", tres_per_task="gres:gpu:1", tasks=2)])
    assert rows(snap)[7]["gpus"] == 2


# -- times and reasons ----------------------------------------------------------------------
def test_cancelled_while_pending_has_no_start_time() -> None:
    snap = fetch(
        "v0.0.38",
        [old_job(4, "CANCELLED", start_time=T + 9, end_time=T + 9),
         old_job(5, "CANCELLED", nodes="vm", start_time=T + 1, end_time=T + 9)],
    )  # fmt: skip
    by = rows(snap)
    assert math.isnan(by[4]["start_time"]) and by[4]["end_time"] == T + 9
    assert by[5]["start_time"] == T + 1


def test_begin_time_and_state_description_are_shown() -> None:
    snap = fetch(
        "v0.0.41",
        [new_job(1, ["PENDING"], state_reason="BeginTime", eligible_time=nv(T + 3600)),
         new_job(2, ["PENDING"], state_reason="Resources",
                 state_description="Nodes required for job are DOWN, DRAINED or reserved")],
    )  # fmt: skip
    by = rows(snap)
    assert by[1]["begin_time"] == T + 3600 and math.isnan(by[1]["start_time"])
    assert "starts at" in explain_pending("BeginTime", by[1])
    assert by[2]["state_description"].startswith("Nodes required")
    assert "Nodes required for job are DOWN" in explain_pending("Resources", by[2])


# -- errors -------------------------------------------------------------------------------------
PRETTY_401 = json.dumps(
    {"meta": {}, "errors": [{"description": "Authentication failure", "error_number": 1007,
                             "error": "Protocol authentication error", "source": "rest_auth"}],
     "warnings": []}, indent=2,
).encode()  # fmt: skip


def _fail(reply: Any, token: str | None = "t") -> SourceError:
    routes = {"/openapi/v3": json_reply(spec("v0.0.41")), "/slurm/v0.0.41/jobs/": reply}
    with FakeBackend(routes) as backend:
        with SlurmSource(f"slurm+{backend.url}", token=token or "", user="u") as source:
            with pytest.raises(SourceError) as err:
                source.fetch_jobs()
    return err.value


def test_401_with_pretty_json_body_gives_slurms_text_in_one_line() -> None:
    err = _fail((401, "application/json", PRETTY_401))
    text = str(err)
    assert "\n" not in text and "HTTP 401: {" not in text and err.auth
    assert "Authentication failure" in text and "Protocol authentication error" in text
    assert "token was refused (expired or for another cluster?)" in text
    assert "SLURM_JWT" not in text


def test_401_without_a_token_says_to_set_one() -> None:
    err = _fail((401, "text/plain", b"Authentication failure"), token=None)
    assert "set SLURM_JWT" in str(err)


def test_403_pretty_json() -> None:
    err = _fail((403, "application/json", PRETTY_401))
    assert str(err).startswith("Slurm: HTTP 403: Authentication failure") and err.auth


def test_500_gives_the_error_description() -> None:
    body = json.dumps(
        {"errors": [{"description": "Unable to query jobs", "error_number": 1,
                     "error": "Something broke", "source": "slurm_load_jobs()"}]}, indent=2,
    )  # fmt: skip
    err = _fail((500, "application/json", body.encode()))
    assert "Unable to query jobs" in str(err) and "\n" not in str(err)


@pytest.mark.parametrize(
    "reply",
    [
        (200, "text/html; charset=utf-8", b"<!DOCTYPE html><html>Sign in</html>"),
        (200, "application/octet-stream", b"\n  <html><body>login</body></html>"),
        (401, "text/html", b"<html>Sign in</html>"),
        (502, "text/plain", b"<html>bad gateway</html>"),
    ],
)
def test_an_html_page_is_named(reply: Any) -> None:
    assert "an HTML page, not JSON (a login proxy?)" in str(_fail(reply))


# -- partitions and tenants ------------------------------------------------------------------
def test_partition_free_gpus_come_from_slurms_nodes() -> None:
    nodes = [
        {"name": "a", "state": "allocated", "state_flags": [], "partitions": ["gpu", "cpu"],
         "gres": "gpu:h200:4", "gres_used": "gpu:h200:4(IDX:0-3)"},
        {"name": "b", "state": ["MIXED"], "partitions": ["gpu"], "gres": "",
         "tres": "cpu=8,gres/gpu=8", "gres_used": "", "tres_used": "cpu=2,gres/gpu=3"},
        {"name": "c", "state": ["IDLE", "DRAIN"], "partitions": ["gpu"],
         "gres": "gpu:8", "gres_used": "gpu:0(IDX:N/A)"},
    ]  # fmt: skip
    records = [node_record(n) for n in nodes]
    assert partition_gpus(records) == {
        "gpu": {"total": 20, "free": 5},
        "cpu": {"total": 4, "free": 0},
    }
    snap = fetch("v0.0.41", [new_job(1, ["RUNNING"], nodes="a", gres_detail=["gpu:4"])], nodes)
    assert snap.partition_gpus == {"gpu": {"total": 20, "free": 5}, "cpu": {"total": 4, "free": 0}}
    state = partition_states(snap, capacity={"gpu": 104})["gpu"]
    assert state.free_gpus == 5 and state.total_gpus == 20  # not the topology's 104


def test_tenant_without_country_reads_without_a_comma() -> None:
    pytest.importorskip("PySide6")
    from widgets.jobs_model import tenant_text

    assert tenant_text("research-ma", "research", "") == "research-ma (research)"
    assert tenant_text("acme", "enterprise", "MA") == "acme (enterprise, MA)"


# -- changes-only polling --------------------------------------------------------------------
def test_changes_only_polls_pass_update_time_and_merge() -> None:
    answers = [
        {"jobs": [new_job(1, ["RUNNING"], nodes="vm"), new_job(2, ["PENDING"])],
         "last_update": nv(T + 100), "errors": [], "warnings": []},
        {"jobs": [new_job(2, ["RUNNING"], nodes="vm")], "last_update": nv(T + 110),
         "errors": [], "warnings": []},
        {"jobs": [], "errors": [], "warnings": [
            {"description": "No job changes since update_time[1790000110]", "source": "x"}]},
    ]  # fmt: skip

    def jobs(req: Request) -> tuple[int, str, bytes]:
        return json_reply(json.dumps(answers[min(len(seen), len(answers) - 1)]))

    seen: list[dict[str, list[str]]] = []

    def record(req: Request) -> tuple[int, str, bytes]:
        reply = jobs(req)
        seen.append(req.params)
        return reply

    routes = {"/openapi/v3": json_reply(spec("v0.0.41")), "/slurm/v0.0.41/jobs/": record}
    with FakeBackend(routes) as backend:
        with SlurmSource(f"slurm+{backend.url}", token="t", user="u") as source:
            first = source.fetch_jobs()
            second = source.fetch_jobs()
            third = source.fetch_jobs()
    assert "update_time" not in seen[0]
    assert seen[1]["update_time"] == [str(T + 100)] and seen[2]["update_time"] == [str(T + 110)]
    assert "update_time" not in seen[1] or len(seen) == 3
    assert rows(first)[2]["state"] == "PENDING"
    assert {i: r["state"] for i, r in rows(second).items()} == {1: "RUNNING", 2: "RUNNING"}
    assert len(third) == 2


def test_running_jobs_gpus_are_kept_with_the_queue_across_changes_only_polls() -> None:
    # the GPUs each running job holds (for its utilisation): the answer's word for the
    # jobs it lists, the last one held for the others, none once a job no longer runs
    gpu = {"gres_detail": ["gpu:h100:2(IDX:0-1)"], "tres_alloc_str": "node=1,gres/gpu=2"}
    answers = [
        {"jobs": [new_job(1, ["RUNNING"], nodes="a1", **gpu),
                  new_job(2, ["RUNNING"], nodes="a2", **gpu), new_job(3, ["PENDING"])],
         "last_update": nv(T + 100), "errors": [], "warnings": []},
        {"jobs": [], "errors": [], "warnings": [
            {"description": "No job changes since update_time[1790000100]", "source": "x"}]},
        {"jobs": [new_job(2, ["COMPLETED"], nodes="a2", start_time=T, end_time=T + 120, **gpu),
                  new_job(3, ["RUNNING"], nodes="a3", gres_detail=["gpu:4(IDX:4-7)"],
                          tres_alloc_str="node=1,gres/gpu=4")],
         "last_update": nv(T + 120), "errors": [], "warnings": []},
        {"jobs": [new_job(1, ["RUNNING"], nodes="a1", gres_detail=["gpu(CNT:2)"])],
         "last_update": nv(T + 130), "errors": [], "warnings": []},
    ]  # fmt: skip
    seen: list[int] = []

    def jobs(req: Request) -> tuple[int, str, bytes]:
        seen.append(1)
        return json_reply(json.dumps(answers[len(seen) - 1]))

    routes = {"/openapi/v3": json_reply(spec("v0.0.41")), "/slurm/v0.0.41/jobs/": jobs}
    with FakeBackend(routes) as backend, \
            SlurmSource(f"slurm+{backend.url}", token="t", user="u") as source:
        source.fetch_jobs()
        assert source.gpu_placement() == {1: (("a1", 0), ("a1", 1)), 2: (("a2", 0), ("a2", 1))}
        source.fetch_jobs()  # nothing changed: kept
        assert set(source.gpu_placement()) == {1, 2}
        source.fetch_jobs()  # 2 ended, 3 started; 1 not listed: kept
        assert source.gpu_placement() == {1: (("a1", 0), ("a1", 1)),
                                          3: tuple(("a3", i) for i in range(4, 8))}
        source.fetch_jobs()  # Slurm no longer says which GPUs 1 holds: not the old ones
        assert set(source.gpu_placement()) == {3}
        source.reset()
        assert source.gpu_placement() == {}


def test_22_05_304_keeps_the_queue_and_a_whole_answer_drops_jobs_gone() -> None:
    calls: list[dict[str, list[str]]] = []
    replies = [
        json_reply(json.dumps({"jobs": [old_job(1, "RUNNING", nodes="vm"),
                                        old_job(2, "PENDING"),
                                        old_job(3, "COMPLETED", nodes="vm", start_time=T,
                                                end_time=T + 5)]})),
        (304, "application/json", b""),
        json_reply(json.dumps({"jobs": [old_job(2, "RUNNING", nodes="vm")]})),
        json_reply(json.dumps({"jobs": [old_job(2, "RUNNING", nodes="vm")]})),
    ]  # fmt: skip

    def route(req: Request) -> tuple[int, str, bytes]:
        calls.append(req.params)
        return replies[min(len(calls) - 1, len(replies) - 1)]

    routes = {"/openapi/v3": json_reply(spec("v0.0.38")), "/slurm/v0.0.38/jobs/": route}
    with FakeBackend(routes) as backend:
        with SlurmSource(f"slurm+{backend.url}", token="t", user="u") as source:
            first = source.fetch_jobs()
            same = source.fetch_jobs()
            changed = source.fetch_jobs()
            source._full_at = -math.inf  # FULL_READ_S later: the whole queue again
            later = source.fetch_jobs()
    assert "update_time" in calls[1]  # v0.0.38 has no last_update: our clock, less a margin
    assert "update_time" not in calls[3]
    assert len(first) == len(same) == 3
    # Changes merge in (an answer without job 1 may list only what changed) ...
    assert sorted(rows(changed)) == [1, 2, 3] and rows(changed)[2]["state"] == "RUNNING"
    # ... and the whole read drops the running job 1 it no longer lists, keeping finished 3.
    assert sorted(rows(later)) == [2, 3]
    assert np.isfinite(later.time)


# -- the job list decoder ----------------------------------------------------------------------
def test_pretty_printed_answer_and_members_of_other_types_decode_as_before() -> None:
    """slurmrestd pretty-prints; a member of an unexpected type (a number as a string, a
    name as a number) makes the typed decoder give way to the plain one, job by job as before."""
    jobs = [
        new_job(1, ["RUNNING"], nodes="vm", gres_detail=["gpu:h200:2(IDX:0-1)"]),
        old_job("2", "PENDING", name=7, node_count="1", state_reason="Priority"),
        new_job(3, ["PENDING"], time_limit={"set": True, "infinite": True, "number": 0}),
    ]
    routes = {
        "/openapi/v3": json_reply(spec("v0.0.41")),
        "/slurm/v0.0.41/jobs/": json_reply(json.dumps({"jobs": jobs, "errors": []}, indent=2)),
    }
    with FakeBackend(routes) as backend:
        with SlurmSource(f"slurm+{backend.url}", token="t", user="u") as source:
            snap = source.fetch_jobs()
    by = rows(snap)
    assert sorted(by) == [1, 2, 3] and snap.invalid == 0
    assert by[1]["gpus"] == 2 and by[1]["state"] == "RUNNING"
    assert by[2]["name"] == "7" and by[2]["reason"] == "Priority" and by[2]["nodes"] == 1
    assert math.isnan(by[3]["time_limit_s"])  # unlimited


def test_an_answer_over_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import console.sources.slurm as slurm

    monkeypatch.setattr(slurm, "MAX_JOBS_BYTES", 1000)
    err = _fail(json_reply(json.dumps({"jobs": [new_job(i, ["PENDING"]) for i in range(1, 20)]})))
    assert "over" in str(err) and "not read" in str(err) and not err.auth
