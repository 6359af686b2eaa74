"""Energy attribution over a period of the cache: racks' power, jobs' spans, supply mix.

:func:`attribute_period` reads what a period needs from an open cache (rack power in
15-minute buckets where kept, finer after them; the job queues that between them list
every job that ran; the site power series) and hands it to
:func:`console.energy.attribution.attribute`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from console.cache import spans
from console.carbon import GRID_CARBON_G_PER_KWH
from console.contract import JOB_KEEP_FINISHED_S, JOB_STATES
from console.energy.attribution import Attribution, JobSpans, RackEnergy, attribute
from console.energy.supply import SupplyMix, supply_mix
from console.model import SiteTopology

RAW_HOLD_S = 60.0
"""Longest a raw poll's power stands for when the next poll is later (a gap: no data)."""
QUEUE_SPACING_S = JOB_KEEP_FINISHED_S * 0.75
"""Stored job queues read at most this far apart (18 h): finished jobs stay listed a day
after their end, so every job of the period is in one of them, with 6 h to spare."""
TERMINAL = frozenset(JOB_STATES) - {"PENDING", "RUNNING"}


class PeriodError(ValueError):
    """A period the cache cannot answer for; ``str(err)`` says why in one line."""


def stamp(t: float) -> str:
    """A time as the report's messages say it (UTC, to the minute)."""
    from datetime import UTC, datetime

    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M UTC")


def check_period(held: tuple[float, float] | None, start: float, end: float) -> None:
    """Raise :class:`PeriodError` for a period outside what the cache holds, naming it."""
    if not (math.isfinite(start) and math.isfinite(end)) or end <= start:
        raise PeriodError("the period must end after it starts")
    if held is None:
        raise PeriodError("the cache holds no rack telemetry")
    first, last = held
    if end <= first or start >= last:
        raise PeriodError(
            f"the cache holds {stamp(first)} to {stamp(last)}; "
            f"the period asked ({stamp(start)} to {stamp(end)}) is outside it")


def intervals(frames: Sequence[spans.FieldFrame], start: float, end: float
              ) -> tuple[np.ndarray, np.ndarray]:
    """``(begin, end)`` of the time each frame stands for, within ``[start, end]``: a
    rollup its bucket (from its first sample when it follows a gap), a raw poll up to the
    next poll (at most :data:`RAW_HOLD_S`); never past the next frame."""
    t = np.array([f.time for f in frames], np.float64)
    width = np.array([f.width for f in frames], np.float64)
    rollup = width > 0
    bucket = np.floor(t / np.where(rollup, width, 1.0)) * width
    nominal = np.where(rollup, bucket + width, t + RAW_HOLD_S)
    after = np.r_[t[1:], np.inf]
    stop = np.minimum(nominal, after)
    # A bucket right after the frame before it stands for the whole bucket (its stamp is
    # its first sample's time, which may be late in it); after a gap, from its stamp.
    before = np.r_[-np.inf, stop[:-1]]
    joined = rollup & (before >= bucket - width)
    begin = np.where(joined, np.maximum(bucket, before), t)
    begin, stop = np.maximum(begin, start), np.minimum(stop, end)
    return begin, np.maximum(stop, begin)


def rack_matrix(cache: Any, frames: Sequence[spans.FieldFrame], topology: SiteTopology,
                field: int) -> np.ndarray:
    """(frames, racks of ``topology``) of one field; frames of another layout mapped by
    rack id (racks it lacks: NaN)."""
    n = topology.n_racks
    out = np.full((len(frames), n), np.nan, np.float32)
    maps: dict[int, tuple[np.ndarray, np.ndarray] | None] = {}
    ids = topology.rack_ids
    for i, frame in enumerate(frames):
        values = frame.values[field]
        if len(values) == n and frame.topology_id not in maps:
            maps[frame.topology_id] = None
            other = cache.topology_at(frame.time)
            if other is not None and other.rack_ids != ids:
                maps[frame.topology_id] = _mapping(other, topology)
        elif frame.topology_id not in maps:
            other = cache.topology_at(frame.time)
            maps[frame.topology_id] = _mapping(other, topology) if other is not None else (
                np.zeros(0, np.int64), np.zeros(0, np.int64))
        mapping = maps[frame.topology_id]
        if mapping is None:
            out[i] = values
        else:
            src, dst = mapping
            ok = src < len(values)
            out[i, dst[ok]] = values[src[ok]]
    return out


def _mapping(other: SiteTopology, topology: SiteTopology) -> tuple[np.ndarray, np.ndarray]:
    index = topology.rack_index
    src, dst = [], []
    for i, rack in enumerate(other.rack_ids):
        j = index.get(rack)
        if j is not None:
            src.append(i)
            dst.append(j)
    return np.array(src, np.int64), np.array(dst, np.int64)


def job_spans(queues: Sequence[tuple[float, dict[str, np.ndarray]]]) -> JobSpans:
    """Every job the queues list that held GPUs, with when: the newest record of each
    job says its state. A finished job held its GPUs from its start to its end; one
    still running in the newest queue holds them on (end inf); one the later queues no
    longer list without a finish held them until the last queue that listed it."""
    from console.decode import JOB_COLUMNS

    names = [name for name, _ in JOB_COLUMNS]
    if not queues:
        return JobSpans({n: np.zeros(0, object) for n in names}, np.zeros(0), np.zeros(0))
    ids = [np.asarray(cols["id"], np.int64) for _, cols in queues]
    q_of = np.concatenate([np.full(len(x), q, np.int64) for q, x in enumerate(ids)])
    row_of = np.concatenate([np.arange(len(x)) for x in ids])
    all_ids = np.concatenate(ids)
    times = np.array([t for t, _ in queues], np.float64)
    # newest record of each job (the last occurrence), and the first time it was seen
    rev = len(all_ids) - 1 - np.unique(all_ids[::-1], return_index=True)[1]
    first_idx = np.unique(all_ids, return_index=True)[1]
    last_q, last_row = q_of[rev], row_of[rev]
    first_seen = times[q_of[first_idx]]
    columns: dict[str, list[np.ndarray]] = {n: [] for n in names}
    order: list[np.ndarray] = []
    for q, (_, cols) in enumerate(queues):
        pick = np.flatnonzero(last_q == q)
        if not len(pick):
            continue
        order.append(pick)
        for n in names:
            columns[n].append(np.asarray(cols[n])[last_row[pick]])
    where = np.concatenate(order)
    merged = {n: np.concatenate(v) if v else np.zeros(0, object) for n, v in columns.items()}
    # back to job-id order (np.unique's), so the arrays line up with first_seen
    back = np.empty(len(where), np.int64)
    back[where] = np.arange(len(where))
    merged = {n: v[back] for n, v in merged.items()}
    state = merged["state"].astype(object)
    start = np.asarray(merged["start_time"], np.float64).copy()
    end = np.asarray(merged["end_time"], np.float64).copy()
    finished = np.isin(state, tuple(TERMINAL))
    running = ~finished & (state != "PENDING")
    start = np.where(np.isfinite(start), start, np.where(running, first_seen, np.nan))
    seen_last = times[last_q]
    end = np.where(finished, np.where(np.isfinite(end), end, seen_last),
                   np.where(last_q == len(queues) - 1, np.inf, seen_last))
    ran = np.isfinite(start) & (end > start) & (finished | running)
    return JobSpans({n: v[ran] for n, v in merged.items()}, start[ran], end[ran])


@dataclass(frozen=True)
class Period:
    """A period's attribution with what it was made from."""

    start: float
    end: float
    topology: SiteTopology
    energy: RackEnergy
    attribution: Attribution
    mix: SupplyMix
    held: tuple[float, float]
    """What the cache holds (first, last time of rack telemetry)."""

    @property
    def site_it_kwh(self) -> float:
        """IT energy by the site's meter over the same intervals."""
        return float(self.mix.it_kwh.sum())

    @property
    def overhead_kwh(self) -> float:
        """Facility energy beyond IT (cooling, losses) over the intervals, by the site's meter."""
        fac = float(np.nansum(self.mix.facility_kwh))
        return max(fac - self.site_it_kwh, 0.0) if fac > 0 else 0.0

    @property
    def overhead_carbon_kg(self) -> float:
        over = np.clip(self.mix.facility_kwh - self.mix.it_kwh, 0.0, None)
        return float(np.nansum(over * self.mix.intensity) / 1000.0)


def read_energy(cache: Any, start: float, end: float,
                grid_g_per_kwh: float = GRID_CARBON_G_PER_KWH,
                order: tuple[str, ...] = spans.COARSE_FIRST, util: bool = False,
                ) -> tuple[SiteTopology, RackEnergy, SupplyMix]:
    """The racks' energy in ``[start, end]`` with each interval's supply mix."""
    names = ("power_kw", "gpu_util_mean") if util else ("power_kw",)
    frames = cache.rack_field_frames(names, start, end, order)
    topology = cache.topology_at(end)
    if topology is None:
        raise PeriodError("the cache holds no site layout")
    begin, stop = intervals(frames, start, end)
    keep = stop > begin
    frames = [f for f, k in zip(frames, keep.tolist(), strict=True) if k]
    begin, stop = begin[keep], stop[keep]
    kw = rack_matrix(cache, frames, topology, 0)
    power = cache.power(start - 900.0, end)
    mix = supply_mix(power, begin, stop, grid_g_per_kwh)
    energy = RackEnergy(
        rack_ids=topology.rack_ids, gpus=np.asarray(topology.gpus, np.float64),
        begin=begin, end=stop, kw=kw, intensity=mix.intensity,
        util=rack_matrix(cache, frames, topology, 1) if util else None)
    return topology, energy, mix


def attribute_period(cache: Any, start: float, end: float,
                     grid_g_per_kwh: float = GRID_CARBON_G_PER_KWH) -> Period:
    """Energy and carbon of every job in ``[start, end]`` from an open cache; a period
    the cache does not hold raises :class:`PeriodError` naming what it holds."""
    held = cache.time_range()
    check_period(held, start, end)
    assert held is not None
    topology, energy, mix = read_energy(cache, start, end, grid_g_per_kwh)
    queues = cache.job_queues(start - JOB_KEEP_FINISHED_S / 4, end, QUEUE_SPACING_S)
    jobs = job_spans(queues)
    result = attribute(energy, jobs, start, end, topology.rack_index)
    return Period(start, end, topology, energy, result, mix, (float(held[0]), float(held[1])))
