"""The Slurm source on a big queue: a local stand-in slurmrestd serving 50,000 jobs.

The stand-in (a small ``http.server`` in its own process, on 127.0.0.1) serves
``/openapi/v3``, ``/slurm/v0.0.41/jobs/`` and ``/slurm/v0.0.41/nodes/`` in the v0.0.41
shape (``job_state`` lists, ``{set, infinite, number}`` numbers, ``exit_code`` objects,
``gres_detail``, ``tres_*`` strings; ``job_resources`` left out), compact JSON. It honours
``update_time``: only the jobs changed since then (and its ``last_update``), so a steady
poll downloads the changes only. Between steady polls ``CHANGES`` jobs change state.

Figures:
- ``slurm_first_poll_s``: the first poll (negotiation, the whole queue streamed and
  decoded, the nodes read) until the :class:`JobsSnapshot` is built (target <= 2.0).
- ``slurm_peak_mb``: the peak of Python memory (tracemalloc) during a first poll, on a
  second source (target <= 500).
- ``slurm_poll_ms``: median steady poll, changes only (target <= 200).
- ``slurm_jobs``, ``slurm_answer_mb`` (the whole answer), ``slurm_bytes_per_job``;
  ``slurm_standin_answer_s``: the stand-in building and sending its whole answer the first
  time (plain ``requests``, no decoding), kept apart from the console's figures.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import socket
import statistics
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

JOBS = 50_000
CHANGES = 200
VERSION = "v0.0.41"
T0 = 1_780_000_000


def _nv(value: int | None) -> dict[str, Any]:
    if value is None:
        return {"set": False, "infinite": False, "number": 0}
    return {"set": True, "infinite": False, "number": int(value)}


def make_job(i: int, state: str, now: int) -> dict[str, Any]:
    """One v0.0.41-shaped job (the fields a real answer carries, less job_resources)."""
    job_id = 5_000_000 + i
    running = state == "RUNNING"
    pending = state == "PENDING"
    nodes = 1 + i % 4
    node_list = f"gpu-[{i % 2000:04d}-{i % 2000 + nodes - 1:04d}]" if running else ""
    array = pending and i % 50 == 0
    return {
        "account": f"tenant-{i % 40}", "accrue_time": _nv(T0), "admin_comment": "",
        "allocating_node": "login1", "array_job_id": _nv(job_id if array else 0),
        "array_task_id": _nv(None), "array_max_tasks": _nv(0),
        "array_task_string": "0-9" if array else "", "association_id": i % 400,
        "batch_features": "", "batch_flag": True, "batch_host": node_list[:8],
        "billable_tres": {"set": True, "infinite": False, "number": 112.0},
        "burst_buffer": "", "burst_buffer_state": "", "cluster": "tetouan",
        "cluster_features": "", "command": "/home/u/train.sh", "comment": "",
        "container": "", "container_id": "", "contiguous": False, "core_spec": 0,
        "cores_per_socket": _nv(None), "cpus": _nv(112 * nodes), "cpus_per_task": _nv(14),
        "cpus_per_tres": "", "current_working_directory": f"/home/user{i % 900}",
        "deadline": _nv(0), "delay_boot": _nv(0), "dependency": "",
        "derived_exit_code": {"status": ["SUCCESS"], "return_code": _nv(0),
                              "signal": {"id": _nv(None), "name": ""}},
        "eligible_time": _nv(T0 + i), "end_time": _nv(now + 86_400 if not pending else 0),
        "excluded_nodes": "",
        "exit_code": {"status": ["SUCCESS"], "return_code": _nv(0),
                      "signal": {"id": _nv(None), "name": ""}},
        "extra": "", "failed_node": "", "features": "", "federation_origin": "",
        "federation_siblings_active": "", "federation_siblings_viable": "",
        "flags": ["EXACT_TASK_COUNT_REQUESTED", "USING_DEFAULT_QOS"],
        "gres_detail": ["gpu:h200:8(IDX:0-7)"] * nodes if running else [],
        "group_id": 1000, "group_name": "users", "het_job_id": _nv(0), "het_job_id_set": "",
        "het_job_offset": _nv(0), "job_id": job_id, "job_size_str": [],
        "job_state": [state, "COMPLETING"] if state == "COMPLETED" and i % 7 == 0 else [state],
        "last_sched_evaluation": _nv(now), "licenses": "", "mail_type": [], "mail_user": "",
        "max_cpus": _nv(0), "max_nodes": _nv(0), "mcs_label": "",
        "memory_per_cpu": _nv(None), "memory_per_node": _nv(1_500_000),
        "minimum_cpus_per_node": _nv(112), "minimum_tmp_disk_per_node": _nv(0),
        "name": f"train-{i}", "network": "", "nice": 0, "node_count": _nv(nodes),
        "nodes": node_list, "partition": ("gpu-h200", "gpu-b200", "debug")[i % 3],
        "power": {"flags": []}, "pre_sus_time": _nv(0), "preempt_time": _nv(0),
        "preemptable_time": _nv(0), "prefer": "", "priority": _nv(4_294_000 - i),
        "profile": ["NOT_SET"], "qos": "normal", "reboot": False, "required_nodes": "",
        "requeue": True, "resize_time": _nv(0), "restart_cnt": 0, "resv_name": "",
        "scheduled_nodes": "", "selinux_context": "", "shared": [], "show_flags": ["DETAIL"],
        "sockets_per_board": 0, "sockets_per_node": _nv(None),
        "standard_error": f"/home/user{i % 900}/slurm-{job_id}.out", "standard_input": "/dev/null",
        "standard_output": f"/home/user{i % 900}/slurm-{job_id}.out",
        "start_time": _nv(T0 + i + 60 if not pending else 0),
        "state_description": "", "state_reason": "Priority" if pending else "None",
        "submit_time": _nv(T0 + i), "suspend_time": _nv(0), "system_comment": "",
        "tasks": _nv(8 * nodes), "tasks_per_board": _nv(0), "tasks_per_core": _nv(None),
        "tasks_per_node": _nv(8), "tasks_per_socket": _nv(None), "tasks_per_tres": _nv(None),
        "thread_spec": 0, "threads_per_core": _nv(None), "time_limit": _nv(2880),
        "time_minimum": _nv(0),
        "tres_alloc_str": f"cpu={112 * nodes},mem=1500G,node={nodes},gres/gpu={8 * nodes}"
        if running else "",
        "tres_bind": "", "tres_freq": "", "tres_per_job": "", "tres_per_node": "gres/gpu:8",
        "tres_per_socket": "", "tres_per_task": "",
        "tres_req_str": f"cpu={112 * nodes},mem=1500G,node={nodes},gres/gpu={8 * nodes}",
        "user_id": 1000 + i % 900, "user_name": f"user{i % 900}", "wckey": "",
    }  # fmt: skip


class _Queue:
    """The stand-in's jobs: serialized once, re-serialized when they change."""

    def __init__(self, n: int) -> None:
        self.now = T0 + 100_000
        states = ("PENDING", "PENDING", "RUNNING", "RUNNING", "COMPLETED")
        self.states = [states[i % len(states)] for i in range(n)]
        self.text = [self._dump(i) for i in range(n)]
        self.changed = [self.now] * n
        self.step = 0
        self._whole: bytes | None = None

    def _dump(self, i: int) -> bytes:
        return json.dumps(make_job(i, self.states[i], self.now), separators=(",", ":")).encode()

    def advance(self, count: int) -> None:
        """``count`` jobs change state; the clock moves on 10 s."""
        self.now += 10
        nxt = {"PENDING": "RUNNING", "RUNNING": "COMPLETED", "COMPLETED": "COMPLETED"}
        for k in range(count):
            i = (self.step * count + k) * 7919 % len(self.text)
            self.states[i] = nxt[self.states[i]]
            self.text[i] = self._dump(i)
            self.changed[i] = self.now
        self.step += 1
        self._whole = None

    def answer(self, since: int | None) -> bytes:
        """The jobs answer; the whole queue is built once per state (slurmctld keeps its
        job list ready too), so the figures time the console, not this stand-in."""
        if since is None:
            if self._whole is None:
                self._whole = self._build(self.text)
            return self._whole
        return self._build([t for t, c in zip(self.text, self.changed, strict=True) if c >= since])

    def _build(self, chosen: list[bytes]) -> bytes:
        tail = json.dumps(
            {"last_backfill": {"set": True, "infinite": False, "number": self.now},
             "last_update": {"set": True, "infinite": False, "number": self.now},
             "meta": {"plugin": {"data_parser": f"data_parser/{VERSION}"}},
             "errors": [], "warnings": []},
            separators=(",", ":"),
        ).encode()  # fmt: skip
        return b'{"jobs":[' + b",".join(chosen) + b"]," + tail[1:]


def _serve(port_out: Any, n: int) -> None:
    queue = _Queue(n)
    spec = json.dumps(
        {"openapi": "3.0.2", "paths": {f"/slurm/{VERSION}/{e}/": {} for e in ("jobs", "nodes")}}
    ).encode()
    nodes = json.dumps(
        {"nodes": [
            {"name": f"gpu-{k:04d}", "state": ["MIXED"], "partitions": ["gpu-h200"],
             "gres": "gpu:h200:8", "gres_used": "gpu:h200:8(IDX:0-7)" if k % 3 else "",
             "tres": "cpu=112,gres/gpu=8", "tres_used": "cpu=112,gres/gpu=8" if k % 3 else ""}
            for k in range(2000)
        ], "last_update": {"set": True, "infinite": False, "number": T0}, "errors": []}
    ).encode()  # fmt: skip

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            if parts.path == "/openapi/v3":
                self._send(spec)
            elif parts.path == f"/slurm/{VERSION}/jobs/":
                since = int(query["update_time"][0]) if "update_time" in query else None
                self._send(queue.answer(since))
            elif parts.path == f"/slurm/{VERSION}/nodes/":
                self._send(nodes)
            elif parts.path == "/advance":
                queue.advance(int(query.get("n", [CHANGES])[0]))
                self._send(b"{}")
            else:
                self.send_error(404)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_out.send(server.server_address[1])
    server.serve_forever()


def _first_poll(url: str) -> tuple[Any, float, Any]:
    from console.sources.slurm import SlurmSource

    source = SlurmSource(url, token="bench", user="bench")
    t = time.perf_counter()
    snap = source.fetch_jobs()
    return source, time.perf_counter() - t, snap


def run(quick: bool = False) -> dict[str, Any]:
    n = 5_000 if quick else JOBS
    ctx = mp.get_context("spawn")
    here, there = ctx.Pipe()
    server = ctx.Process(target=_serve, args=(there, n), daemon=True)
    server.start()
    try:
        if not here.poll(120):
            raise RuntimeError("the stand-in slurmrestd did not start")
        port = here.recv()
        base = f"http://127.0.0.1:{port}"
        with socket.create_connection(("127.0.0.1", port), 5):
            pass
        t = time.perf_counter()  # the stand-in builds its whole answer once here
        size = len(requests.get(f"{base}/slurm/{VERSION}/jobs/", timeout=120).content)
        standin_s = time.perf_counter() - t
        url = f"slurm+{base}"
        source, first_s, snap = _first_poll(url)
        assert len(snap) == n, (len(snap), n)
        polls = []
        for _ in range(5 if quick else 15):
            requests.get(f"{base}/advance", params={"n": CHANGES}, timeout=30)
            t = time.perf_counter()
            snap = source.fetch_jobs()
            polls.append(time.perf_counter() - t)
        source.close()
        tracemalloc.start()
        other, _, snap2 = _first_poll(url)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        other.close()
        figures = {
            "slurm_jobs": n,
            "slurm_first_poll_s": round(first_s, 3),
            "slurm_peak_mb": round(peak / 1e6, 1),
            "slurm_poll_ms": round(statistics.median(polls) * 1000, 1),
            "slurm_answer_mb": round(size / 1e6, 1),
            "slurm_standin_answer_s": round(standin_s, 3),
            "slurm_bytes_per_job": round(size / n),
            "slurm_pending_tasks": int(
                sum(v for k, v in _state_counts(snap2).items() if k == "PENDING")
            ),
        }
    finally:
        server.terminate()
        server.join(5)
    print(json.dumps(figures))
    return figures


def _state_counts(snap: Any) -> dict[str, int]:
    from console.jobs import counts_by_state

    return counts_by_state(snap)


if __name__ == "__main__":
    run()
