"""The job queue: submissions, pending reasons, a Slurm-like scheduler, and job ends.

Bookkeeping is per job (a few thousand), never per GPU: the allocator keeps the GPU-to-job
map as a numpy array and each running job owns a *slot* whose utilisation and memory figures
the GPU model reads with one fancy index per tick.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from typing import Any

import numpy as np

from console.contract import JOB_KEEP_FINISHED_S
from console.hub.params import (
    JOB_DEMAND_FACTOR,
    JOB_FIRST_ID,
    JOB_PATIENCE_H,
    JOB_SCHED_INTERVAL_S,
    JOB_SCHED_MAX_FAILS,
    PENDING_BLOCKED,
    SITE_UTIL_MEAN,
)
from console.hub.sim.alloc import Allocator, distinct_sorted
from console.hub.sim.jobgen import Job, JobFactory, partition_plans, served_rate_per_s
from console.hub.sim.weather import Weather
from console.hub.topology import Topology

JOB_UTIL_REFRESH_S = 60.0
"""Seconds a running job's ``gpu_util_pct`` is kept before it is taken again from its GPUs
(dcgm-exporter and Slurm's job accounting sample every 30-60 s; the job feed and the
console's cache then see a running job change at most once a minute for it)."""

_BLOCK_CODES = [b[0] for b in PENDING_BLOCKED]
_BLOCK_P = np.array([b[1] for b in PENDING_BLOCKED])
_BLOCK_H = {b[0]: (b[2], b[3]) for b in PENDING_BLOCKED}
_BLOCK_SUM = _BLOCK_P.sum()
_BLOCK_WHICH = _BLOCK_P / _BLOCK_SUM
_BLOCK_CDF = np.cumsum(_BLOCK_WHICH)
_BLOCK_CDF /= _BLOCK_CDF[-1]
_BLOCK_CDF_LIST = _BLOCK_CDF.tolist()
_ELIGIBLE = ("Priority", "Resources")
_AGE_WEIGHT = 25.0  # priority points per hour waited (Slurm's age factor)


def _uniform(rng: np.random.Generator, low: float, high: float) -> float:
    """``rng.uniform(low, high)``'s number, drawn as it draws it (one double), without
    its per-call overhead (a third of the time)."""
    return low + (high - low) * rng.random()


def _block_code(rng: np.random.Generator) -> int:
    """``rng.choice(len(_BLOCK_CODES), p=_BLOCK_WHICH)``'s pick, drawn as it draws it
    (one double against the cumulative shares), without its checks (a tenth of the time)."""
    return bisect_right(_BLOCK_CDF_LIST, rng.random())


class JobBook:
    """All jobs of the last 24 hours plus the queue, advanced in simulated time."""

    def __init__(
        self, topo: Topology, alloc: Allocator, weather: Weather, seed: int, now: float
    ) -> None:
        self.topo = topo
        self.alloc = alloc
        self.weather = weather
        self.rng = np.random.default_rng([seed, 0x5EED_0005])
        self.plans = partition_plans(alloc.pool_gpus)
        self.factory = JobFactory(self.plans, self.rng)
        self.served_rate = served_rate_per_s(self.plans, topo.n_gpus, SITE_UTIL_MEAN)
        self.jobs: dict[int, Job] = {}
        self.pending: dict[int, Job] = {}
        self.running: dict[int, Job] = {}
        self._util_at = -math.inf
        self._util_by_id: dict[int, float] = {}
        self._heap: list[tuple[float, int, str, Job]] = []
        self._seq = 0
        self._slot_jobs: list[Job | None] = []
        self._free_slots: list[int] = []
        self.slot_util = np.zeros(0, dtype=np.float32)
        self.slot_mem = np.zeros(0, dtype=np.float32)
        self.slot_phase = np.zeros(0, dtype=np.float32)
        self._list: list[dict[str, Any]] | None = None
        self._sched_due = True
        self._last_sched = -math.inf
        self._last_prune = now
        self.next_id = JOB_FIRST_ID
        self._ranked: list[tuple[float, int, Job]] = []
        """The queue the scheduler last went through, in its order: (rank, id, job)."""
        self._fresh: list[tuple[float, int, Job]] = []
        """Jobs eligible to start since (submitted, woken, resubmitted), in no order."""
        self._resources: list[Job] = []
        """The jobs the scheduler last marked waiting for resources (the first waiting)."""
        self._kinds = {plan.kinds for plan in self.plans}
        self.last_pass_seen = 0
        """How many jobs of the queue the scheduler's last pass looked at."""
        self._pool_shape: dict[int, tuple[list[str], int, int]] = {}
        """Per pool: its racks' ids, GPUs per rack and per server (for ended jobs' racks)."""
        self._initial_state(now)

    # -- the state the hub starts in ------------------------------------------------------------
    def _initial_state(self, now: float) -> None:
        rng = self.rng
        made: list[Job] = []
        target = float(self.weather.util_target(np.array([now]))[0])
        misses = 0
        while misses < 60 and any(
            self.alloc.used_fraction(k) < target for k in self.alloc.pool_used
        ):
            job = self.factory.make(now, length_biased=True)
            elapsed = job.run_s * _uniform(rng, 0.0, 1.0)
            job.submit = now - elapsed - float(rng.exponential(1800.0))
            if not self._try_start(job, now - elapsed, target):
                misses += 1
                continue
            misses = 0
            made.append(job)
        arrival = self.served_rate * JOB_DEMAND_FACTOR
        n_wait = int(arrival * (1.0 - 1.0 / JOB_DEMAND_FACTOR) * JOB_PATIENCE_H * 3600.0 * 0.5)
        n_wait += int(arrival * 3600.0 * 6.0 * float(_BLOCK_P.sum()))
        for _ in range(max(n_wait, 2)):
            job = self.factory.make(now - _uniform(rng, 0.0, 36.0 * 3600.0))
            self._queue(job, now)
            made.append(job)
        for _ in range(int(self.served_rate * JOB_KEEP_FINISHED_S)):
            job = self.factory.make(0.0)
            end = now - _uniform(rng, 0.0, JOB_KEEP_FINISHED_S)
            job.start = end - job.run_s
            job.submit = job.start - float(rng.exponential(1800.0))
            job.end, job.state, job.reason = end, job.outcome, None
            self._fake_placement(job)
            made.append(job)
        made.sort(key=lambda j: j.submit)
        for job in made:
            job.id = self.next_id
            self.next_id += 1
            self.jobs[job.id] = job
            if job.state == "PENDING":
                self.pending[job.id] = job
                self._eligible(job)
            elif job.state == "RUNNING":
                self.running[job.id] = job

    def _fake_placement(self, job: Job) -> None:
        """Plausible racks for a job that ended before the hub started."""
        kind = job.kinds[0]
        pool = self._pool_shape.get(kind)
        if pool is None:
            racks = self.alloc.pool_racks[kind]
            per_rack = int(self.topo.rack_gpu_start[racks[0] + 1] - self.topo.rack_gpu_start[racks[0]])
            gpn = int(self.topo.node_gpn[self.topo.rack_node_start[racks[0]]])
            ids = [self.topo.rack_ids[r] for r in racks.tolist()]
            pool = self._pool_shape[kind] = (ids, per_rack, gpn)
        ids, per_rack, gpn = pool
        n = min(-(-job.gpus // per_rack), len(ids))
        first = int(self.rng.integers(0, len(ids) - n + 1))
        job.racks = ids[first : first + n]
        job.nodes = -(-job.gpus // gpn)

    # -- queue operations ---------------------------------------------------------------------
    def _eligible(self, job: Job) -> None:
        """A pending job the scheduler may start from now on (blocked ones wait for their
        wake-up). Its rank is fixed: the queue stays in order from one pass to the next."""
        if job.reason in _ELIGIBLE:
            rank = job.submit * _AGE_WEIGHT / 3600.0 - job.priority
            self._fresh.append((rank, job.id, job))

    def _push(self, when: float, what: str, job: Job) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (when, self._seq, what, job))

    def _queue(self, job: Job, now: float) -> None:
        """Put a submitted job in the queue, maybe blocked, with its user's patience."""
        rng = self.rng
        if rng.random() < _BLOCK_SUM:
            code = _BLOCK_CODES[_block_code(rng)]
            lo, hi = _BLOCK_H[code]
            job.reason = code
            job.wake = max(now, job.submit) + _uniform(rng, lo, hi) * 3600.0
            self._push(job.wake, "wake", job)
        else:
            job.reason = "Priority"
        self._push(
            max(now, job.submit) + float(rng.exponential(JOB_PATIENCE_H * 3600.0)), "giveup", job
        )

    def _take_slot(self) -> int:
        if self._free_slots:
            return self._free_slots.pop()
        slot = len(self._slot_jobs)
        self._slot_jobs.append(None)
        if slot >= len(self.slot_util):
            size = max(64, 2 * len(self.slot_util))
            for name in ("slot_util", "slot_mem", "slot_phase"):
                arr = getattr(self, name)
                grown = np.zeros(size, dtype=np.float32)
                grown[: len(arr)] = arr
                setattr(self, name, grown)
        return slot

    def _try_start(self, job: Job, when: float, target: float) -> bool:
        kinds = [k for k in job.kinds if self.alloc.used_fraction(k) < target]
        if not kinds:
            return False
        kinds.sort(key=self.alloc.used_fraction)
        slot = self._take_slot()
        for kind in kinds:
            idx = self.alloc.allocate(kind, job.gpus, slot)
            if idx is not None:
                break
        else:
            self._free_slots.append(slot)
            return False
        job.slot, job.gpu_idx = slot, idx
        job.state, job.reason, job.start = "RUNNING", None, when
        job.end = None
        topo = self.topo
        if topo.gpu_node[idx[0]] == topo.gpu_node[idx[-1]]:  # one server
            job.racks = [topo.rack_ids[topo.gpu_rack[idx[0]]]]
            job.nodes = 1
        else:
            racks = distinct_sorted(topo.gpu_rack[idx])
            job.racks = [topo.rack_ids[r] for r in racks.tolist()]
            job.nodes = int(len(distinct_sorted(topo.gpu_node[idx])))
        self._slot_jobs[slot] = job
        self.slot_util[slot] = job.util
        self.slot_mem[slot] = job.mem_frac
        self.slot_phase[slot] = _uniform(self.rng, 0.0, 2.0 * math.pi)
        self._push(when + job.run_s, "end", job)
        job.cache = None
        self._list = None
        return True

    def finish(self, job: Job, state: str, when: float) -> None:
        """End a running or pending job in ``state`` at ``when``."""
        if job.state == "RUNNING" and job.gpu_idx is not None:
            self.alloc.release(job.gpu_idx)
            self._slot_jobs[job.slot] = None
            self.slot_util[job.slot] = 0.0
            self._free_slots.append(job.slot)
            job.slot, job.gpu_idx = -1, None
            self.running.pop(job.id, None)
            self._sched_due = True
        self.pending.pop(job.id, None)
        job.state, job.end, job.reason = state, when, None
        job.cache = None
        self._list = None

    # -- time -------------------------------------------------------------------------------
    def advance(self, t0: float, t1: float) -> None:
        """Run the queue from ``t0`` to ``t1``: ends, wake-ups, give-ups, arrivals, scheduling."""
        heap = self._heap
        while heap and heap[0][0] <= t1:
            when, _, what, job = heapq.heappop(heap)
            if what == "end" and job.state == "RUNNING" and job.start is not None:
                if abs(job.start + job.run_s - when) < 1e-6:
                    self.finish(job, job.outcome, when)
            elif what == "wake" and job.state == "PENDING" and job.reason not in _ELIGIBLE:
                if job.wake == when:
                    job.reason = "Priority"
                    job.cache = None
                    self._eligible(job)
                    self._sched_due = True
            elif what == "giveup" and job.state == "PENDING":
                self.finish(job, "CANCELLED", when)
        self._arrivals(t0, t1)
        if self._sched_due or t1 - self._last_sched >= JOB_SCHED_INTERVAL_S:
            self._schedule(t1)
        if t1 - self._last_prune >= 300.0:
            self._prune(t1)

    def _arrivals(self, t0: float, t1: float) -> None:
        if t1 <= t0:
            return
        local_h = ((t0 / 3600.0) + 1.0) % 24.0
        rate = (
            self.served_rate
            * JOB_DEMAND_FACTOR
            * (1.0 + 0.3 * math.cos(2 * math.pi * (local_h - 15.0) / 24.0))
        )
        count = int(self.rng.poisson(rate * (t1 - t0)))
        if count == 0:
            return
        for when in np.sort(self.rng.uniform(t0, t1, count)).tolist():
            job = self.factory.make(when)
            job.id = self.next_id
            self.next_id += 1
            self._queue(job, when)
            self.jobs[job.id] = job
            self.pending[job.id] = job
            self._eligible(job)
        self._sched_due = True
        self._list = None

    def _schedule(self, now: float) -> None:
        """One pass of the scheduler over the eligible queue, in priority order (age and
        tenant). The queue is kept in order between passes and a pass stops once no job
        after it could start and every later job reads "Priority": a pass costs the jobs it
        looks at, not the whole queue (the queue and the passes both grow with the site)."""
        self._sched_due = False
        self._last_sched = now
        target = float(self.weather.util_target(np.array([now]))[0])
        queue = [e for e in self._ranked if e[2].state == "PENDING"]
        queue += [e for e in self._fresh if e[2].state == "PENDING"]
        self._fresh = []
        queue.sort()  # two sorted runs at most: merged; ids are unique, jobs never compared
        # Backfill: a job no smaller than one that already failed to fit in the same pools is
        # not tried again this pass; only real attempts count toward the test limit.
        smallest_misfit: dict[tuple[int, ...], float] = {}
        tries = waiting = 0
        closed = self._closed(tries, smallest_misfit, target)
        resources: list[Job] = []
        seen = len(queue)  # the jobs this pass looked at: queue[:seen]
        for i, (_, _, job) in enumerate(queue):
            if closed and waiting >= JOB_SCHED_MAX_FAILS:
                seen = i
                break
            if tries < JOB_SCHED_MAX_FAILS and job.gpus < smallest_misfit.get(job.kinds, math.inf):
                if not any(self.alloc.used_fraction(k) < target for k in job.kinds):
                    smallest_misfit[job.kinds] = 0
                elif self._try_start(job, now, target):
                    del self.pending[job.id]
                    self.running[job.id] = job
                    closed = self._closed(tries, smallest_misfit, target)
                    continue
                else:
                    smallest_misfit[job.kinds] = job.gpus
                    tries += 1
                closed = self._closed(tries, smallest_misfit, target)
            reason = "Resources" if waiting < JOB_SCHED_MAX_FAILS else "Priority"
            waiting += 1
            if reason == "Resources":
                resources.append(job)
            if job.reason != reason:
                job.reason = reason
                job.cache = None
        # the jobs not looked at read "Priority": those the last pass marked otherwise do again
        marked = {id(job) for job in resources}
        for job in self._resources:
            if job.state == "PENDING" and job.reason == "Resources" and id(job) not in marked:
                job.reason = "Priority"
                job.cache = None
        self._resources = resources
        self.last_pass_seen = seen
        self._ranked = [e for e in queue[:seen] if e[2].state == "PENDING"] + queue[seen:]
        self._list = None

    def _closed(self, tries: int, misfit: dict[tuple[int, ...], float], target: float) -> bool:
        """Whether no job further down the queue can start in this pass: the pass has used
        up its tries, or each partition's pools are full or hold no job smaller than one
        that already failed to fit there (every job asks for a GPU at least)."""
        if tries >= JOB_SCHED_MAX_FAILS:
            return True
        used = self.alloc.used_fraction
        return all(
            misfit.get(kinds, math.inf) <= 1 or not any(used(k) < target for k in kinds)
            for kinds in self._kinds
        )

    def _prune(self, now: float) -> None:
        self._last_prune = now
        cutoff = now - JOB_KEEP_FINISHED_S
        old = [i for i, j in self.jobs.items() if j.end is not None and j.end < cutoff]
        for i in old:
            del self.jobs[i]
        if old:
            self._list = None

    # -- what others read --------------------------------------------------------------------
    def slot_utilisation(self, now: float) -> np.ndarray:
        """Per-slot utilisation now: each job's level with a slow wobble (checkpoints, evals)
        of 3 points on busy jobs, in proportion on jobs that barely use their GPUs (an idle
        job stays idle)."""
        n = len(self._slot_jobs)
        util = self.slot_util.copy()
        level = util[:n]
        wobble = (3.0 * np.minimum(level / 50.0, 1.0)).astype(np.float32)
        util[:n] += wobble * np.sin(now / 900.0 + self.slot_phase[:n]).astype(np.float32)
        return util

    def job_ids(self, idx: np.ndarray) -> list[int | None]:
        """Id of the job holding each GPU of ``idx`` (None where the GPU is free)."""
        out: list[int | None] = []
        for slot in self.alloc.gpu_slot[idx].tolist():
            job = self._slot_jobs[slot] if 0 <= slot < len(self._slot_jobs) else None
            out.append(job.id if job is not None else None)
        return out

    def fail_gpus(self, idx: np.ndarray, when: float) -> list[Job]:
        """Fail the running jobs that hold any of the GPUs ``idx``; returns them."""
        slots = np.unique(self.alloc.gpu_slot[idx])
        failed = []
        for slot in slots[slots >= 0].tolist():
            job = self._slot_jobs[slot]
            if job is not None and job.start is not None:
                self.finish(job, "FAILED", when)
                failed.append(job)
                self._resubmit(job, when)
        return failed

    def _resubmit(self, job: Job, when: float) -> None:
        """The user resubmits a job killed by hardware; it resumes from its last checkpoint."""
        assert job.start is not None
        left = job.start + job.run_s - when
        if left < 600.0:
            return
        clone = Job(
            id=self.next_id,
            name=job.name,
            tenant=job.tenant,
            user=job.user,
            partition=job.partition,
            kinds=job.kinds,
            gpus=job.gpus,
            submit=when,
            time_limit=job.time_limit,
            run_s=min(left + 900.0, job.time_limit),
            outcome=job.outcome if left + 900.0 < job.time_limit else "TIMEOUT",
            priority=job.priority + 500.0,
            util=job.util,
            mem_frac=job.mem_frac,
        )
        self.next_id += 1
        self.jobs[clone.id] = clone
        self.pending[clone.id] = clone
        self._eligible(clone)
        self._push(when + float(self.rng.exponential(JOB_PATIENCE_H * 3600.0)), "giveup", clone)
        self._sched_due = True

    def jobs_on_rack(self, rack: int) -> list[Job]:
        """Running jobs with GPUs in rack index ``rack``."""
        a, b = self.topo.rack_gpu_start[rack], self.topo.rack_gpu_start[rack + 1]
        slots = np.unique(self.alloc.gpu_slot[a:b])
        jobs = [self._slot_jobs[s] for s in slots[slots >= 0].tolist()]
        return [j for j in jobs if j is not None]

    def slot_mean_util(self, gpu_util: np.ndarray) -> np.ndarray:
        """Per slot, the mean utilisation (%) of the GPUs it holds now (NaN: none held)."""
        slots = self.alloc.gpu_slot
        held = slots >= 0
        n = len(self._slot_jobs)
        total = np.bincount(slots[held], weights=gpu_util[held].astype(np.float64), minlength=n)
        count = np.bincount(slots[held], minlength=n)
        return np.divide(total, count, out=np.full(len(total), np.nan), where=count > 0)

    def with_util(self, jobs: list[dict[str, Any]], gpu_util: np.ndarray,
                  now: float) -> list[dict[str, Any]]:
        """``jobs`` (:meth:`as_list`'s or a rack's) with each running job's
        ``gpu_util_pct``: the mean of its GPUs' utilisation, to 0.1 %, taken afresh at
        most every :data:`JOB_UTIL_REFRESH_S` (as a site's exporters and job accounting
        sample it; a job started since gets its figure at once)."""
        if now - self._util_at >= JOB_UTIL_REFRESH_S or now < self._util_at:
            self._util_at, self._util_by_id = now, {}
        known = self._util_by_id
        mean: np.ndarray | None = None
        out = []
        for d in jobs:
            job = self.running.get(d["id"]) if d["state"] == "RUNNING" else None
            if job is None:
                out.append(d)
                continue
            value = known.get(job.id)
            if value is None:
                if mean is None:
                    mean = self.slot_mean_util(gpu_util)
                if not 0 <= job.slot < len(mean) or not np.isfinite(mean[job.slot]):
                    out.append(d)
                    continue
                value = known[job.id] = round(float(mean[job.slot]), 1)
            out.append(d | {"gpu_util_pct": value})
        return out

    def as_list(self) -> list[dict[str, Any]]:
        """Every job as the API serves it, in id order (cached between changes)."""
        if self._list is None:
            self._list = [j.as_dict() for j in self.jobs.values()]
        return self._list

    def counts(self, now: float) -> dict[str, Any]:
        """Queue totals and the last 24 hours' outcomes and GPU-hours, for the handover."""
        out: dict[str, Any] = {
            "pending": len(self.pending),
            "running": len(self.running),
            "completed_24h": 0,
            "failed_24h": 0,
            "cancelled_24h": 0,
            "timeout_24h": 0,
        }
        since = now - 86_400.0
        gpu_s = 0.0
        for job in self.jobs.values():
            if job.start is None:
                if job.state == "CANCELLED" and job.end is not None and job.end >= since:
                    out["cancelled_24h"] += 1
                continue
            end = now if job.end is None else job.end
            gpu_s += job.gpus * max(0.0, end - max(job.start, since))
            if job.end is not None and job.end >= since:
                key = f"{job.state.lower()}_24h"
                if key in out:
                    out[key] += 1
        out["gpu_hours_24h"] = round(gpu_s / 3600.0, 1)
        return out
