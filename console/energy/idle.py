"""Idle allocated GPUs: running jobs whose GPUs have sat below a utilisation threshold
for at least a given time (``[energy]`` ``idle_util_pct``, default 5 %, and
``idle_minutes``, default 30).

The cache keeps each rack's mean GPU utilisation, not each GPU's. A job's GPUs on a rack
can be busier than the rack's mean only by the other GPUs there being less busy, so
``U x G / g`` (rack mean x rack GPUs / the job's GPUs there, at most 100 %) bounds the
job's utilisation on that rack from above, and the GPU-weighted sum over its racks bounds
the job's. A job is called idle only when that bound stays under the threshold: never a
busy job called idle; a small idle job on a rack of busy neighbours is not seen (the
rack's figures cannot tell it apart). A job alone on its racks (a whole NVL72 rack) is
judged on its own figures.

Where the job queue gives a job's own utilisation (``gpu_util_pct``: the simulated hub
from the job's GPUs; a site read from Prometheus and Slurm from dcgm-exporter's
``DCGM_FI_DEV_GPU_UTIL``, by the series' ``hpc_job`` label or joined with the GPUs
Slurm's ``gres_detail`` allocates the job, see :mod:`console.sources.jobutil`; Slurm's
job accounting is not read), that figure judges the job, exactly: each telemetry interval takes it from the queue in force then (queues read
:data:`QUEUE_STEP_S` apart), and the rack bound stands in only where it is unknown. A
small idle job beside busy neighbours is then found; :attr:`IdleJob.own` says which jobs
were judged by their own figure.

The idle span is the last unbroken run of telemetry intervals under the threshold
(broken by a busy interval, an unknown figure or a gap in the telemetry), from no
earlier than the job's start; its GPU-hours and the energy its GPUs drew in it
(:mod:`console.energy.attribution`) are what the job wasted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from console.cache import spans
from console.energy.attribution import JobSpans, RackEnergy, attribute, pairs

IDLE_UTIL_PCT = 5.0
IDLE_MINUTES = 30.0
GAP_S = 120.0
"""A break in the telemetry longer than this ends an idle run (idleness not shown)."""
QUEUE_STEP_S = 300.0
"""Seconds between the job queues read for the jobs' own utilisation over the look-back
(an idle run starts at most this late)."""
LOOKBACK_S = 6 * 3600.0
"""How far back idle runs are followed (at least twice the idle time)."""


@dataclass(frozen=True)
class IdleRule:
    """When allocated GPUs count as idle."""

    util_pct: float = IDLE_UTIL_PCT
    """A job's GPUs under this mean utilisation (%) are idle."""
    minutes: float = IDLE_MINUTES
    """... for at least this long."""

    @property
    def duration_s(self) -> float:
        return self.minutes * 60.0

    @classmethod
    def from_dict(cls, table: Mapping[str, Any], where: str = "[energy]") -> IdleRule:
        """The rule of a config table (``idle_util_pct``, ``idle_minutes``); ValueError
        naming the key for an unknown key or a value out of range."""
        unknown = set(table) - {"idle_util_pct", "idle_minutes"}
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        values = {"idle_util_pct": IDLE_UTIL_PCT, "idle_minutes": IDLE_MINUTES}
        for key in values:
            if key not in table:
                continue
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{where}: {key} must be a number")
            values[key] = float(value)
        if not 0.0 < values["idle_util_pct"] <= 100.0:
            raise ValueError(f"{where}: idle_util_pct must be above 0 and at most 100")
        if not 0.0 < values["idle_minutes"] <= 7 * 24 * 60:
            raise ValueError(f"{where}: idle_minutes must be above 0 and at most a week")
        return cls(values["idle_util_pct"], values["idle_minutes"])


@dataclass(frozen=True)
class IdleJob:
    """One job whose GPUs sit idle."""

    id: int
    name: str
    tenant: str
    kind: str
    country: str
    partition: str
    racks: tuple[str, ...]
    gpus: int
    idle_since: float
    idle_s: float
    util_pct: float
    """The job's mean GPU utilisation in its latest interval: its own figure where
    :attr:`own`, else the bound its racks give."""
    gpu_hours: float
    energy_kwh: float
    since_window: bool = False
    """True when the idle run reaches back to the start of the span looked at (idle at
    least since ``idle_since``)."""
    own: bool = False
    """True when judged by its own utilisation (``gpu_util_pct`` of the queue), not the
    bound of its racks' means."""


@dataclass(frozen=True)
class IdleReport:
    """The idle jobs at a time, and the idle GPUs per rack (for the rack map)."""

    at: float
    rule: IdleRule
    jobs: tuple[IdleJob, ...]
    rack_ids: tuple[str, ...] = ()
    rack_idle_gpus: np.ndarray = field(default_factory=lambda: np.zeros(0))
    checked: int = 0
    """Running jobs looked at."""

    @property
    def gpus(self) -> int:
        return sum(j.gpus for j in self.jobs)


def util_bound(energy: RackEnergy, job_of: np.ndarray, rack_of: np.ndarray, g: np.ndarray,
               n_jobs: int) -> np.ndarray:
    """(intervals, jobs): the highest mean GPU utilisation (%) each job's GPUs can have
    had in each interval given its racks' means; NaN where a rack's figure is unknown."""
    assert energy.util is not None
    u = np.asarray(energy.util, np.float64)[:, rack_of]  # (T, pairs)
    room = np.asarray(energy.gpus, np.float64)[rack_of]
    most = np.minimum(u * room[None, :], 100.0 * g[None, :])
    busy = np.zeros((len(u), n_jobs))
    unknown = np.zeros((len(u), n_jobs), bool)
    for p in range(len(job_of)):  # pairs are few per job: a loop over pairs, columns numpy
        busy[:, job_of[p]] += np.nan_to_num(most[:, p], nan=0.0)
        unknown[:, job_of[p]] |= ~np.isfinite(most[:, p])
    held = np.bincount(job_of, g, minlength=n_jobs)
    out = np.divide(busy, held[None, :], out=np.full(busy.shape, np.nan),
                    where=held[None, :] > 0)
    out[unknown] = np.nan
    return out


def own_util(queues: Sequence[tuple[float, Mapping[str, np.ndarray]]], ids: np.ndarray,
             begin: np.ndarray) -> np.ndarray:
    """(intervals, jobs): each job's own ``gpu_util_pct`` in the queue in force at each
    interval's start (the newest of ``queues``, oldest first, at or before it); NaN where
    no queue is, the queue does not list the job or does not know its figure."""
    out = np.full((len(begin), len(ids)), np.nan)
    if not len(ids) or not queues:
        return out
    order = np.argsort(ids, kind="stable")
    sorted_ids = np.asarray(ids, np.int64)[order]
    times = np.array([t for t, _ in queues], np.float64)
    pick = np.searchsorted(times, begin, side="right") - 1
    for q, (_, cols) in enumerate(queues):
        rows = np.flatnonzero(pick == q)
        util = cols.get("gpu_util_pct")
        if not len(rows) or util is None:
            continue
        qids = np.asarray(cols["id"], np.int64)
        at = np.searchsorted(sorted_ids, qids)
        hit = at < len(sorted_ids)
        hit[hit] = sorted_ids[at[hit]] == qids[hit]
        values = np.full(len(ids), np.nan)
        values[order[at[hit]]] = np.asarray(util, np.float64)[hit]
        out[rows] = values[None, :]
    return out


def find_idle(energy: RackEnergy, jobs: JobSpans, at: float, rule: IdleRule,
              rack_index: Mapping[str, int] | None = None, window_start: float = -math.inf,
              queues: Sequence[tuple[float, Mapping[str, np.ndarray]]] | None = None,
              ) -> IdleReport:
    """The running jobs of ``jobs`` (end after ``at``) idle by ``rule`` at ``at``.

    ``queues`` (``(time, columns)``, oldest first) give the jobs' own utilisation over
    the span (:func:`own_util`); without them, the figures of ``jobs`` hold for the
    latest interval only."""
    index = rack_index if rack_index is not None else {
        r: i for i, r in enumerate(energy.rack_ids)}
    n_racks = len(energy.rack_ids)
    live = (jobs.start <= at) & (jobs.end > at)
    running = JobSpans({k: np.asarray(v)[live] for k, v in jobs.columns.items()},
                       jobs.start[live], jobs.end[live])
    empty = IdleReport(at, rule, (), energy.rack_ids, np.zeros(n_racks), len(running))
    if not len(running) or not len(energy.begin) or energy.util is None:
        return empty
    job_of, rack_of, g, _ = pairs(running, index, np.asarray(energy.gpus, np.float64))
    if not len(job_of):
        return empty
    bound = util_bound(energy, job_of, rack_of, g, len(running))
    begin, end = energy.begin, energy.end
    if queues is None:
        queues = ([(float(begin[-1]), running.columns)]
                  if "gpu_util_pct" in running.columns else [])
    own = own_util(queues, np.asarray(running.columns["id"], np.int64), begin)
    known = np.isfinite(own)
    bound = np.where(known, own, bound)
    idle = bound < rule.util_pct  # NaN: False
    broken = np.r_[False, begin[1:] - end[:-1] > GAP_S]
    last = len(begin) - 1
    since = np.full(len(running), np.nan)
    for j in np.flatnonzero(idle[last]).tolist():
        k = last
        while k > 0 and idle[k - 1, j] and not broken[k] and end[k - 1] > running.start[j]:
            k -= 1
        since[j] = max(float(begin[k]), float(running.start[j]))
    stop = float(min(end[last], at))
    long_enough = np.isfinite(since) & (stop - since >= rule.duration_s)
    picked = np.flatnonzero(long_enough)
    if not len(picked):
        return empty
    spans_idle = JobSpans({k: np.asarray(v)[picked] for k, v in running.columns.items()},
                          since[picked], np.full(len(picked), stop))
    wasted = attribute(energy, spans_idle, float(since[picked].min()), stop, index)
    rack_idle = np.zeros(n_racks)
    chosen = np.isin(job_of, picked)
    np.add.at(rack_idle, rack_of[chosen], g[chosen])
    cols = running.columns
    out = []
    for n, j in enumerate(picked.tolist()):
        out.append(IdleJob(
            id=int(cols["id"][j]), name=_text(cols["name"][j]), tenant=_text(cols["tenant"][j]),
            kind=_text(cols["tenant_kind"][j]), country=_text(cols["tenant_country"][j]),
            partition=_text(cols["partition"][j]),
            racks=tuple(str(r) for r in (cols["racks"][j] or ())),
            gpus=int(cols["gpus"][j]), idle_since=float(since[j]),
            idle_s=stop - float(since[j]), util_pct=float(bound[last, j]),
            gpu_hours=float(wasted.gpu_hours[n]), energy_kwh=float(wasted.energy_kwh[n]),
            since_window=bool(since[j] <= window_start + 1.0), own=bool(known[last, j]),
        ))
    out.sort(key=lambda x: (-x.energy_kwh, x.id))
    return IdleReport(at, rule, tuple(out), energy.rack_ids, rack_idle, len(running))


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def idle_at(cache: Any, at: float, rule: IdleRule | None = None) -> IdleReport:
    """The idle jobs at ``at`` from an open cache: the racks' minute figures over the
    last hours (:data:`LOOKBACK_S`, at least twice the idle time) and the queue then."""
    from console.energy.history import job_spans, read_energy

    rule = rule or IdleRule()
    start = at - max(LOOKBACK_S, 2.0 * rule.duration_s)
    topology, energy, _mix = read_energy(cache, start, at, order=spans.MINUTE_FIRST, util=True)
    queue = cache.jobs_at(at)
    if queue is None:
        return IdleReport(at, rule, (), energy.rack_ids, np.zeros(len(energy.rack_ids)))
    jobs = job_spans([(queue.time, dict(queue.columns))])
    when = min(at, float(energy.end[-1]) if len(energy.end) else at)
    queues = []
    if "gpu_util_pct" in queue.columns and np.isfinite(queue.columns["gpu_util_pct"]).any():
        for t in np.arange(start, at, QUEUE_STEP_S).tolist():  # forward: deltas applied in turn
            q = cache.jobs_at(t)
            if q is not None:
                queues.append((float(t), _id_util(q.columns)))
    queues.append((float(at), _id_util(queue.columns)))
    return find_idle(energy, jobs, when, rule, topology.rack_index, window_start=start,
                     queues=queues)


def _id_util(columns: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"id": np.asarray(columns["id"]), "gpu_util_pct": np.asarray(columns["gpu_util_pct"])}
