"""Rack energy attributed to the jobs holding the racks' GPUs, interval by interval.

Inputs are arrays, no I/O: the racks' power in a series of intervals
(:class:`RackEnergy`) and the jobs with the time each held its GPUs (:class:`JobSpans`).

In each interval, a rack's energy is shared among the jobs on it by the GPUs each holds
there, and the GPUs no job holds take their share as *unallocated*; so, rack by rack
and interval by interval, the jobs' energy and the unallocated energy add up to the
rack's metered energy. A job's GPUs on a rack are known only as a count for the whole
job and the list of its racks: they are spread over its racks in proportion to the
racks' GPUs (exact for the usual placements: one rack, or whole racks). Where the jobs
a source lists on a rack hold more GPUs than the rack has (placements of finished jobs
guessed, overlapping records), their shares are scaled down to the rack's GPUs, so no
energy is counted twice.

Carbon is each interval's energy times that interval's carbon intensity
(:func:`console.energy.supply.intensity_between`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

CHUNK_FRAMES = 256
"""Intervals handled at a time (bounds the memory of the per-rack running sums)."""


@dataclass(frozen=True)
class RackEnergy:
    """The racks' power in intervals ``[begin[i], end[i])`` (disjoint, in time order)."""

    rack_ids: tuple[str, ...]
    gpus: np.ndarray
    """GPUs per rack (site order)."""
    begin: np.ndarray
    end: np.ndarray
    kw: np.ndarray
    """(intervals, racks) mean power in kW; NaN where a rack reported nothing."""
    intensity: np.ndarray
    """gCO2eq/kWh of the energy drawn in each interval."""
    util: np.ndarray | None = None
    """(intervals, racks) mean GPU utilisation in %, when read (idle GPUs)."""

    @property
    def hours(self) -> np.ndarray:
        return (self.end - self.begin) / 3600.0

    def energy_kwh(self) -> np.ndarray:
        """(intervals, racks) energy in kWh, unknown power counted as none."""
        return np.nan_to_num(self.kw.astype(np.float64), nan=0.0) * self.hours[:, None]


@dataclass(frozen=True)
class JobSpans:
    """Jobs that held GPUs: what they are and when (``end`` inf: still running)."""

    columns: Mapping[str, np.ndarray]
    """The jobs' queue columns (id, name, tenant, tenant_kind, tenant_country, user,
    partition, state, gpus, racks, ...), one row per job."""
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.start)


@dataclass(frozen=True)
class Attribution:
    """Energy, carbon and GPU-hours per job, the unallocated rest and the totals."""

    jobs: JobSpans
    energy_kwh: np.ndarray
    carbon_kg: np.ndarray
    gpu_hours: np.ndarray
    unallocated_kwh: float
    unallocated_carbon_kg: float
    metered_kwh: float
    """The racks' metered energy over the intervals (what jobs and unallocated add up to)."""
    metered_carbon_kg: float
    jobs_unplaced: int = 0
    """Jobs that held GPUs in the span on no rack the site layout knows (their GPUs'
    energy stays unallocated)."""
    extra: dict[str, float] = field(default_factory=dict)


def pairs(jobs: JobSpans, rack_index: Mapping[str, int], rack_gpus: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """``(job, rack, GPUs)`` of each job on each of its racks: a job's GPUs spread over
    its known racks in proportion to their GPUs; and how many jobs have no known rack."""
    racks = [r if isinstance(r, tuple | list) else () for r in jobs.columns["racks"].tolist()]
    lengths = np.fromiter(map(len, racks), np.int64, len(racks))
    flat = np.fromiter(
        (-1 if i is None else i for i in map(rack_index.get, chain.from_iterable(racks))),
        np.int64, int(lengths.sum()))
    job_of = np.repeat(np.arange(len(racks), dtype=np.int64), lengths)
    gpus = np.asarray(jobs.columns["gpus"], np.float64)
    with np.errstate(invalid="ignore"):
        wanted = np.isfinite(gpus) & (gpus > 0)
    keep = (flat >= 0) & wanted[job_of] if len(flat) else np.zeros(0, bool)
    job_of, rack_of = job_of[keep], flat[keep]
    if len(job_of):  # a rack named twice in a job counts once
        key = np.unique(job_of * (len(rack_gpus) + 1) + rack_of)
        job_of, rack_of = key // (len(rack_gpus) + 1), key % (len(rack_gpus) + 1)
    placed = np.zeros(len(racks), bool)
    placed[job_of] = True
    unplaced = int((wanted & ~placed).sum())
    weight = np.asarray(rack_gpus, np.float64)[rack_of]
    total = np.bincount(job_of, weight, minlength=len(racks))
    count = np.bincount(job_of, minlength=len(racks)).astype(np.float64)
    share = np.where(total[job_of] > 0, weight / np.where(total[job_of] > 0, total[job_of], 1.0),
                     1.0 / np.maximum(count[job_of], 1.0))
    return job_of, rack_of, gpus[job_of] * share, unplaced


def _held_seconds(x: np.ndarray, rack: np.ndarray, g: np.ndarray, s: np.ndarray,
                  e: np.ndarray, n_racks: int) -> np.ndarray:
    """(len(x), racks): GPU-seconds held on each rack from the dawn of time up to each
    of the sorted times ``x``, by the pairs (rack, GPUs, held from s to e)."""
    t_ev = np.concatenate([s, e])
    delta = np.concatenate([g, -g])
    r_ev = np.concatenate([rack, rack])
    live = np.isfinite(t_ev)
    t_ev, delta, r_ev = t_ev[live], delta[live], r_ev[live]
    before = t_ev < x[0]
    s0 = np.bincount(r_ev[before], delta[before], minlength=n_racks)
    s1 = np.bincount(r_ev[before], delta[before] * t_ev[before], minlength=n_racks)
    inside = ~before & (t_ev < x[-1])
    k = np.searchsorted(x, t_ev[inside], side="right")
    d0 = np.zeros((len(x), n_racks))
    d1 = np.zeros((len(x), n_racks))
    np.add.at(d0, (k, r_ev[inside]), delta[inside])
    np.add.at(d1, (k, r_ev[inside]), delta[inside] * t_ev[inside])
    S0 = s0[None, :] + np.cumsum(d0, axis=0)
    S1 = s1[None, :] + np.cumsum(d1, axis=0)
    return x[:, None] * S0 - S1


def _running(values: np.ndarray, begin: np.ndarray, end: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Per-second rate of ``values`` (intervals, racks) and its running sum at each
    interval's start: ``(rate, sum before)``."""
    dt = (end - begin)[:, None]
    rate = np.divide(values, dt, out=np.zeros_like(values), where=dt > 0)
    before = np.zeros_like(values)
    np.cumsum(values[:-1], axis=0, out=before[1:])
    return rate, before


def _integral_at(x: np.ndarray, rack: np.ndarray, begin: np.ndarray, end: np.ndarray,
                 rate: np.ndarray, before: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Running sum of the rates of ``rack`` up to times ``x`` (intervals outside count 0)."""
    k = np.searchsorted(begin, x, side="right") - 1
    out = np.zeros(len(x))
    ok = k >= 0
    kk, rr = k[ok], rack[ok]
    within = np.clip(x[ok] - begin[kk], 0.0, end[kk] - begin[kk])
    out[ok] = before[kk, rr] + rate[kk, rr] * within
    out[x >= end[-1]] = total[rack[x >= end[-1]]]
    return out


def attribute(energy: RackEnergy, jobs: JobSpans, start: float, end: float,
              rack_index: Mapping[str, int] | None = None) -> Attribution:
    """Share each interval's rack energy among the jobs holding the rack's GPUs then;
    GPU-hours count the jobs' GPUs held within ``[start, end]`` and the intervals' reach."""
    n_racks = len(energy.rack_ids)
    index = rack_index if rack_index is not None else {r: i for i, r in enumerate(energy.rack_ids)}
    rack_gpus = np.asarray(energy.gpus, np.float64)
    job_of, rack_of, g, unplaced = pairs(jobs, index, rack_gpus)
    n_jobs = len(jobs)
    job_kwh = np.zeros(n_jobs)
    job_kg = np.zeros(n_jobs)
    job_gpu_h = np.zeros(n_jobs)
    s = jobs.start[job_of] if len(job_of) else np.zeros(0)
    e = jobs.end[job_of] if len(job_of) else np.zeros(0)
    unalloc_kwh = unalloc_kg = metered_kwh = metered_kg = 0.0
    begin_all, end_all = energy.begin, energy.end
    if len(begin_all):
        lo = max(float(start), float(begin_all[0]))
        hi = min(float(end), float(end_all[-1]))
        if len(job_of) and hi > lo:
            held = np.clip(np.minimum(e, hi) - np.maximum(s, lo), 0.0, None)
            np.add.at(job_gpu_h, job_of, g * held / 3600.0)
    for a in range(0, len(begin_all), CHUNK_FRAMES):
        b0 = begin_all[a:a + CHUNK_FRAMES]
        b1 = end_all[a:a + CHUNK_FRAMES]
        kwh = (np.nan_to_num(energy.kw[a:a + CHUNK_FRAMES].astype(np.float64), nan=0.0)
               * ((b1 - b0) / 3600.0)[:, None])
        ci = np.asarray(energy.intensity[a:a + CHUNK_FRAMES], np.float64)
        dt = b1 - b0
        # GPUs held on each rack in each interval (mean over the interval).
        x = np.unique(np.concatenate([b0, b1]))
        held = _held_seconds(x, rack_of, g, s, e, n_racks) if len(job_of) else np.zeros(
            (len(x), n_racks))
        i0 = np.searchsorted(x, b0)
        i1 = np.searchsorted(x, b1)
        alloc = np.divide(held[i1] - held[i0], dt[:, None], out=np.zeros((len(dt), n_racks)),
                          where=dt[:, None] > 0)
        alloc = np.maximum(alloc, 0.0)
        room = np.maximum(np.maximum(rack_gpus[None, :], alloc), 1e-12)
        taken = np.minimum(alloc / room, 1.0)
        per_gpu = kwh / room  # kWh per GPU held through the whole interval
        carbon = kwh * ci[:, None] / 1000.0
        metered_kwh += float(kwh.sum())
        metered_kg += float(carbon.sum())
        unalloc_kwh += float((kwh * (1.0 - taken)).sum())
        unalloc_kg += float((carbon * (1.0 - taken)).sum())
        if not len(job_of):
            continue
        near = (s < b1[-1]) & (e > b0[0])
        if not near.any():
            continue
        p_job, p_rack, p_g = job_of[near], rack_of[near], g[near]
        p_s = np.clip(s[near], b0[0], b1[-1])
        p_e = np.clip(e[near], b0[0], b1[-1])
        for values, out in ((per_gpu, job_kwh), (per_gpu * ci[:, None] / 1000.0, job_kg)):
            rate, before = _running(values, b0, b1)
            total = before[-1] + values[-1]
            got = (_integral_at(p_e, p_rack, b0, b1, rate, before, total)
                   - _integral_at(p_s, p_rack, b0, b1, rate, before, total))
            np.add.at(out, p_job, p_g * got)
    return Attribution(
        jobs=jobs, energy_kwh=job_kwh, carbon_kg=job_kg, gpu_hours=job_gpu_h,
        unallocated_kwh=unalloc_kwh, unallocated_carbon_kg=unalloc_kg,
        metered_kwh=metered_kwh, metered_carbon_kg=metered_kg, jobs_unplaced=unplaced,
    )
