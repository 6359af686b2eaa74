"""The simulated Slurm scheduler (console.hub.sim.jobs): a pass looks at the head of the queue
only, and starts and marks exactly the jobs a pass over the whole queue would."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from console.hub.params import JOB_SCHED_MAX_FAILS
from console.hub.sim import SimulatedHub
from console.hub.sim.jobs import _AGE_WEIGHT, _ELIGIBLE, JobBook

START = 1_781_913_600.0  # 2026-06-20 00:00 UTC


def full_pass(book: JobBook, now: float) -> None:
    """The scheduler as it was: every eligible pending job sorted and gone through."""
    book._sched_due = False
    book._last_sched = now
    target = float(book.weather.util_target(np.array([now]))[0])
    queue = [j for j in book.pending.values() if j.reason in _ELIGIBLE]
    queue.sort(key=lambda j: j.submit * _AGE_WEIGHT / 3600.0 - j.priority)
    smallest_misfit: dict[tuple[int, ...], float] = {}
    tries = waiting = 0
    for job in queue:
        if tries < JOB_SCHED_MAX_FAILS and job.gpus < smallest_misfit.get(job.kinds, math.inf):
            if not any(book.alloc.used_fraction(k) < target for k in job.kinds):
                smallest_misfit[job.kinds] = 0
            elif book._try_start(job, now, target):
                del book.pending[job.id]
                book.running[job.id] = job
                continue
            else:
                smallest_misfit[job.kinds] = job.gpus
                tries += 1
        reason = "Resources" if waiting < JOB_SCHED_MAX_FAILS else "Priority"
        waiting += 1
        if job.reason != reason:
            job.reason = reason
            job.cache = None
    book._list = None


def queue_state(hub: SimulatedHub) -> list[tuple[Any, ...]]:
    return [(j["id"], j["state"], j["reason"], j["start_time"], tuple(j["racks"]))
            for j in hub.jobs()["jobs"]]


def test_a_pass_looks_at_the_head_of_the_queue_only() -> None:
    hub = SimulatedHub("hall", seed=11, start=START)
    book = hub.book
    passes = 0
    for _ in range(40):
        hub.step(hub.now + 2.0)
        if book._last_sched == hub.now:
            passes += 1
            eligible = sum(1 for j in book.pending.values() if j.reason in _ELIGIBLE)
            assert eligible > 5 * JOB_SCHED_MAX_FAILS
            # the pools are full: the first waiting jobs are marked, nothing further is read
            assert book.last_pass_seen <= JOB_SCHED_MAX_FAILS + 10
    assert passes >= 3


def test_passes_start_and_mark_what_a_whole_queue_pass_would() -> None:
    """Two hubs of the same seed and start, one scheduling the old way: the same queue, tick
    after tick (submissions, wake-ups, ends, a fault's kills and resubmissions, long jumps)."""
    hub = SimulatedHub("hall", seed=5, start=START)
    ref = SimulatedHub("hall", seed=5, start=START)
    ref.book._schedule = lambda now: full_pass(ref.book, now)  # type: ignore[method-assign]
    assert queue_state(hub) == queue_state(ref)
    t = START
    for k in range(120):
        t += 600.0 if k % 20 == 0 else 2.0
        if k in (30, 70):  # jobs killed on a row come back ahead of the queue (+500)
            for h in (hub, ref):
                h.inject("xid", h.topo.row_ids[k // 10], count="all", duration_s=1200)
        hub.step(t)
        ref.step(t)
        assert queue_state(hub) == queue_state(ref), k
    assert any(j["reason"] == "Resources" for j in hub.jobs()["jobs"])


def test_a_pass_is_closed_only_when_no_later_job_could_start() -> None:
    book = SimulatedHub("rack", seed=5, start=START).book
    kinds = sorted(book._kinds)
    assert len(kinds) >= 2
    assert book._closed(JOB_SCHED_MAX_FAILS, {}, 1.0)  # tries used up
    assert not book._closed(0, {}, 1.0)  # room in every pool, nothing has failed to fit
    assert not book._closed(0, {k: 1 for k in kinds[1:]}, 1.0)  # one partition still open
    assert not book._closed(0, {k: 2 for k in kinds}, 1.0)  # a 1-GPU job may still fit
    assert book._closed(0, {k: 1 for k in kinds}, 1.0)  # every job asks for a GPU at least
    assert book._closed(0, {}, 0.0)  # every pool at or above the target
