"""Jobs as the hub's customers submit them: who, which partition, how big, how long, how it ends."""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from console.hub.params import (
    HALLS,
    JOB_DEBUG_LIMIT_H,
    JOB_DEBUG_MAX_GPUS,
    JOB_DURATION_SIGMA,
    JOB_MEM_FRAC,
    JOB_OUTCOMES,
    JOB_PREEMPT_LIMIT_H,
    JOB_SIZE_CLASSES,
    JOB_TIME_LIMITS_H,
    PARTITIONS,
    RACK_SPECS,
)
from console.hub.sim.tenants import TENANTS, THEME_NAMES

HTML_NAME = "<b>x</b><img src=y>"
_KIND_PRIORITY = {"enterprise": 3000.0, "startup": 2000.0, "research": 1500.0}
_OUTCOME_NAMES = [o for o, _ in JOB_OUTCOMES]
_OUTCOME_P = np.array([p for _, p in JOB_OUTCOMES]) / sum(p for _, p in JOB_OUTCOMES)


@dataclass(slots=True, eq=False)
class Job:
    """One job and, once it runs, where it runs. ``as_dict`` is cached until it changes."""

    id: int
    name: str
    tenant: int
    user: str
    partition: str
    kinds: tuple[int, ...]  # rack-kind pools the partition runs on, in preference order
    gpus: int
    submit: float
    time_limit: float
    run_s: float  # how long it runs once started (to its natural end)
    outcome: str  # state it ends in on its own
    priority: float
    util: float
    mem_frac: float
    state: str = "PENDING"
    reason: str | None = "Priority"
    wake: float = 0.0  # when a blocked pending job becomes eligible
    start: float | None = None
    end: float | None = None
    racks: list[str] = field(default_factory=list)
    nodes: int = 0
    slot: int = -1
    gpu_idx: np.ndarray | None = None
    cache: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The job as the API serves it (cached; ``cache = None`` after a change)."""
        if self.cache is None:
            tenant = TENANTS[self.tenant]
            self.cache = {
                "id": self.id,
                "name": self.name,
                "tenant": tenant.name,
                "tenant_kind": tenant.kind,
                "tenant_country": tenant.country,
                "user": self.user,
                "partition": self.partition,
                "state": self.state,
                "reason": self.reason if self.state == "PENDING" else None,
                "gpus": self.gpus,
                "nodes": self.nodes,
                "racks": list(self.racks),
                "submit_time": round(self.submit, 3),
                "start_time": None if self.start is None else round(self.start, 3),
                "end_time": None if self.end is None else round(self.end, 3),
                "time_limit_s": self.time_limit,
                "gpu_util_pct": None,  # a running job's: filled by the hub from its GPUs
            }
        return self.cache


@dataclass
class PartitionPlan:
    """A partition present at this scale: its pools, share of submissions and job sizes."""

    name: str
    kinds: tuple[int, ...]
    share: float
    sizes: np.ndarray
    weights: np.ndarray
    medians_h: np.ndarray


def partition_plans(pool_gpus: dict[int, int]) -> list[PartitionPlan]:
    """Partitions whose rack kinds exist, with the job sizes that fit them."""
    kind_of = {spec.rack_type: k for k, spec in enumerate(RACK_SPECS)}
    full = {
        k: sum(h.rows * h.racks_per_row * h.spec.gpus for h in HALLS if h.spec is spec)
        for k, spec in enumerate(RACK_SPECS)
    }
    full_total, here_total = sum(full.values()), sum(pool_gpus.values())
    plans = []
    for name, share, types in PARTITIONS:
        kinds = tuple(kind_of[t] for t in types if kind_of[t] in pool_gpus)
        if not kinds:
            continue
        cap = max(pool_gpus[k] for k in kinds)
        if name == "debug":
            cap = min(cap, JOB_DEBUG_MAX_GPUS)
        cls = [c for c in JOB_SIZE_CLASSES if c[0] <= cap]
        scale = 0.1 if name == "debug" else 1.0
        if len(kinds) == 1 and name != "debug":
            share *= (pool_gpus[kinds[0]] / here_total) / (full[kinds[0]] / full_total)
        plans.append(
            PartitionPlan(
                name,
                kinds,
                share,
                np.array([c[0] for c in cls]),
                np.array([c[1] for c in cls]) / sum(c[1] for c in cls),
                np.array([c[2] * scale for c in cls]),
            )
        )
    total = sum(p.share for p in plans)
    for p in plans:
        p.share /= total
    return plans


IDLE_JOB_SHARE = 0.02
"""Share of jobs that hold their GPUs and barely use them (a notebook left open, a job
waiting on data or a licence): 0.3-1.5 % utilisation, well under the idle rule's 5 %."""


def _job_util(u: float) -> float:
    """A job's GPU utilisation level (%) from one uniform draw."""
    if u < IDLE_JOB_SHARE:
        return 0.3 + 1.2 * u / IDLE_JOB_SHARE
    return 86.0 + 13.0 * (u - IDLE_JOB_SHARE) / (1.0 - IDLE_JOB_SHARE)


def served_rate_per_s(plans: list[PartitionPlan], gpus: int, util: float) -> float:
    """Jobs per second that keep ``util`` of ``gpus`` busy with this job mix."""
    mean_factor = math.exp(JOB_DURATION_SIGMA**2 / 2.0)
    gpu_h = sum(p.share * float(np.sum(p.weights * p.sizes * p.medians_h)) for p in plans)
    return util * gpus / (gpu_h * mean_factor * 3600.0)


class JobFactory:
    """Draws new jobs from the tenant mix (seeded; one batch of random numbers per job)."""

    def __init__(self, plans: list[PartitionPlan], rng: np.random.Generator) -> None:
        self.plans = plans
        self.rng = rng
        self._share = np.cumsum([p.share for p in plans]).tolist()
        self._sizes = [np.cumsum(p.weights).tolist() for p in plans]
        self._biased = [np.cumsum(p.weights * p.medians_h).tolist() for p in plans]
        self._outcomes = np.cumsum(_OUTCOME_P).tolist()
        # what a draw picks from, worked out once: per plan and size class, the size, the
        # median run and the time limits that fit it; per tenant, its users and job names
        self._classes = [
            [(int(size), float(median_h) * 3600.0) for size, median_h in zip(
                p.sizes.tolist(), p.medians_h.tolist(), strict=True)]
            for p in plans
        ]
        self._limits = [[_limits(p.name, median_s) for _, median_s in c] for p, c in zip(
            plans, self._classes, strict=True)]
        self._tenants = [
            (t.users, [THEME_NAMES[theme] for theme in t.themes], _KIND_PRIORITY[t.kind])
            for t in TENANTS
        ]

    def make(self, submit: float, length_biased: bool = False) -> Job:
        """A new pending job submitted at ``submit`` (id 0 until the book numbers it).

        ``length_biased`` draws sizes as they appear among *running* jobs (long ones more
        often), for the state the hub starts in.
        """
        # the 14 draws as locals and the picks written out (a fifth of the time of indexing
        # the list and a function for each pick: the hub's start makes some 7,000 jobs)
        u0, u1, u2, u3, u4, u5, u6, u7, u8, u9, u10, u11, u12, u13 = self.rng.random(14).tolist()
        cum = self._share
        p = bisect_right(cum, u0 * cum[-1])
        if p >= len(cum):
            p = len(cum) - 1
        plan = self.plans[p]
        cum = (self._biased if length_biased else self._sizes)[p]
        c = bisect_right(cum, u1 * cum[-1])
        if c >= len(cum):
            c = len(cum) - 1
        gpus, median_s = self._classes[p][c]
        t_idx = int(u2 * len(TENANTS))
        users, themes, priority = self._tenants[t_idx]
        user = users[int(u3 * len(users))]
        stems = themes[int(u4 * len(themes))]
        stem = stems[int(u5 * len(stems))]
        name = stem if stem == HTML_NAME else f"{stem}-{1 + int(u6 * 399):03d}"
        fits = self._limits[p][c]
        limit = fits[int(u7 * len(fits))]
        normal = math.sqrt(-2.0 * math.log(1.0 - u8)) * math.cos(2.0 * math.pi * u9)
        run = median_s * math.exp(JOB_DURATION_SIGMA * normal)
        cum = self._outcomes
        o = bisect_right(cum, u10 * cum[-1])
        outcome = _OUTCOME_NAMES[o if o < len(cum) else len(cum) - 1]
        if outcome == "TIMEOUT" or run >= limit:
            outcome, run = "TIMEOUT", limit
        elif outcome == "COMPLETED":
            run = max(60.0, run)
        else:
            run = max(60.0, run * (0.05 + 0.85 * u11))
        priority += 800.0 * u12
        if plan.name == "preempt":
            priority *= 0.3
        lo, hi = JOB_MEM_FRAC
        return Job(
            id=0,
            name=name,
            tenant=t_idx,
            user=user,
            partition=plan.name,
            kinds=plan.kinds,
            gpus=gpus,
            submit=submit,
            time_limit=limit,
            run_s=run,
            outcome=outcome,
            priority=priority,
            util=_job_util(u13),
            mem_frac=lo + (hi - lo) * u12,
        )


def _limits(partition: str, median_s: float) -> list[float]:
    """The time limits a job of a partition with this median run may ask for (one drawn)."""
    if partition == "debug":
        return [JOB_DEBUG_LIMIT_H * 3600.0]
    if partition == "preempt":
        return [JOB_PREEMPT_LIMIT_H * 3600.0]
    fits = [h * 3600.0 for h in JOB_TIME_LIMITS_H if h * 3600.0 >= 3.0 * median_s]
    return fits or [JOB_TIME_LIMITS_H[-1] * 3600.0]
