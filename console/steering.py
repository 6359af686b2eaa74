"""Energy steering: which work could move in time, and where moving it helps most.

The advisor reads three things the console already has: the job queue (which jobs are
*deferrable*: a preemptible partition, or a partition, tenant or tenant kind the site
configured as such), the racks' power draw (what each running job draws: its GPUs' share of
each rack it runs on), and the forecast (:mod:`console.forecast`: renewable supply, the
load if nothing changes, and the grid's carbon intensity, each as a P10-P90 band).

From these it finds, over the forecast's next ``horizon_h`` hours, the window of
``window_h`` hours whose grid import moving the deferrable load out of would cut most, and a
later window of the same length that takes it at the least extra import, and says what the
move is worth: the renewable share of the horizon before and after, the grid energy and the
carbon avoided. It only advises; nothing is changed on the site.

Simplifications, said in the advice's ``basis``: the forecast's P50 is taken for supply, load
and carbon; the battery's dispatch is not re-planned (its charge and discharge are taken as
forecast); renewable energy not used at a time is curtailed, not stored; the moved work
draws the same power when it runs later.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from console.model import JobsSnapshot, RackTelemetry, SiteTopology

DEFAULT_PARTITIONS = ("preempt",)
"""Partitions deferrable by default: Slurm sites name their preemptible partition so."""
DEFAULT_WINDOW_H = 4.0
DEFAULT_HORIZON_H = 24.0
MIN_AVOIDED_T = 0.05
"""Moves that avoid less carbon than this (tonnes) are not advised: within the forecast's
own error, not worth a word to the operator."""


@dataclass(frozen=True, slots=True)
class SteeringPolicy:
    """What the site lets move in time (``[steering]`` in the config file)."""

    partitions: frozenset[str] = frozenset(DEFAULT_PARTITIONS)
    tenants: frozenset[str] = frozenset()
    tenant_kinds: frozenset[str] = frozenset()
    window_h: float = DEFAULT_WINDOW_H
    """Length of the block of work the advice moves."""
    horizon_h: float = DEFAULT_HORIZON_H
    """How far ahead the advice looks (at most the forecast's end)."""

    KEYS = ("deferrable_partitions", "deferrable_tenants", "deferrable_tenant_kinds",
            "window_h", "horizon_h")

    @classmethod
    def from_dict(cls, table: Mapping[str, Any], where: str = "[steering]") -> SteeringPolicy:
        """The policy of a ``[steering]`` table; ValueError naming the key that is wrong."""
        unknown = set(table) - set(cls.KEYS)
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")

        def names(key: str, default: Iterable[str]) -> frozenset[str]:
            value = table.get(key, list(default))
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{where}: '{key}' must be a list of names")
            return frozenset(v.strip() for v in value if v.strip())

        def hours(key: str, default: float, top: float) -> float:
            value = table.get(key, default)
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not 0 < value <= top:
                raise ValueError(f"{where}: '{key}' must be a number of hours in (0, {top:g}]")
            return float(value)

        return cls(
            partitions=names("deferrable_partitions", DEFAULT_PARTITIONS),
            tenants=names("deferrable_tenants", ()),
            tenant_kinds=names("deferrable_tenant_kinds", ()),
            window_h=hours("window_h", DEFAULT_WINDOW_H, 24.0),
            horizon_h=hours("horizon_h", DEFAULT_HORIZON_H, 72.0),
        )


@dataclass(frozen=True, slots=True)
class MovableJob:
    """A deferrable job and what it draws (running) or would draw (pending), IT MW."""

    id: int
    name: str
    tenant: str
    partition: str
    state: str
    gpus: int
    it_mw: float


@dataclass(frozen=True, slots=True)
class DeferrableLoad:
    """The deferrable work: running now, and waiting in the queue."""

    running_mw: float = 0.0
    """IT MW drawn now by running deferrable jobs."""
    queued_mw: float = 0.0
    """IT MW the pending deferrable jobs would draw, at the site's power per GPU."""
    running_jobs: int = 0
    queued_jobs: int = 0
    kw_per_gpu: float = math.nan
    """The power per allocated GPU used for pending jobs (kW, rack power included)."""
    jobs: tuple[MovableJob, ...] = ()
    """The jobs counted, largest draw first."""
    why_not: str = ""
    """Why the load could not be sized ("" when it was)."""


def deferrable_mask(jobs: JobsSnapshot, policy: SteeringPolicy) -> np.ndarray:
    """Which jobs of the queue may move in time under ``policy`` (a bool per job)."""
    n = len(jobs)
    mask = np.zeros(n, bool)
    for key, allowed in (("partition", policy.partitions), ("tenant", policy.tenants),
                         ("tenant_kind", policy.tenant_kinds)):
        column = jobs.columns.get(key)
        if allowed and column is not None and len(column) == n:
            mask |= np.fromiter((isinstance(v, str) and v in allowed for v in column), bool, n)
    return mask


def _rack_kw_per_gpu(racks: RackTelemetry | None, topology: SiteTopology | None) -> np.ndarray:
    """Each rack's power draw per GPU it holds (kW; NaN where unknown)."""
    if racks is None or topology is None or "power_kw" not in racks.fields:
        return np.zeros(0)
    power = np.asarray(racks.fields["power_kw"], dtype=np.float64)
    gpus = np.asarray(topology.gpus, dtype=np.float64)
    if len(power) != len(gpus):
        return np.zeros(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        per = np.where(gpus > 0, power / gpus, np.nan)
    per[~np.isfinite(per) | (per < 0)] = np.nan
    return per


def deferrable_load(
    jobs: JobsSnapshot | None,
    racks: RackTelemetry | None,
    topology: SiteTopology | None,
    policy: SteeringPolicy,
) -> DeferrableLoad:
    """The deferrable jobs of the queue and their power: a running job draws its GPUs'
    share of the power of each rack it runs on (its GPUs taken as spread evenly over its
    racks); a pending one would draw its GPUs at the median power per GPU of the racks."""
    if jobs is None or not len(jobs):
        return DeferrableLoad(why_not="no job queue")
    per_gpu = _rack_kw_per_gpu(racks, topology)
    known = per_gpu[np.isfinite(per_gpu)]
    if not len(known):
        return DeferrableLoad(why_not="no rack power")
    median_kw = float(np.median(known))
    index = topology.rack_index if topology is not None else {}
    mask = deferrable_mask(jobs, policy)
    cols = jobs.columns
    out: list[MovableJob] = []
    running_mw = queued_mw = 0.0
    n_run = n_queue = 0
    for i in np.flatnonzero(mask):
        state = str(cols["state"][i])
        gpus = int(cols["gpus"][i]) if "gpus" in cols else 0
        if gpus <= 0 or state not in ("RUNNING", "PENDING"):
            continue
        if state == "RUNNING":
            held = cols["racks"][i] if "racks" in cols else ()
            on = [index[r] for r in (held if isinstance(held, tuple | list) else ())
                  if isinstance(r, str) and r in index]
            kws = [per_gpu[r] for r in on if math.isfinite(per_gpu[r])]
            kw = (sum(kws) / len(kws) if kws else median_kw) * gpus
            running_mw += kw / 1000.0
            n_run += 1
        else:
            kw = median_kw * gpus
            queued_mw += kw / 1000.0
            n_queue += 1
        out.append(MovableJob(
            id=int(cols["id"][i]), name=str(cols["name"][i] if "name" in cols else ""),
            tenant=str(cols["tenant"][i] if "tenant" in cols else ""),
            partition=str(cols["partition"][i]), state=state, gpus=gpus, it_mw=kw / 1000.0))
    out.sort(key=lambda j: (j.state != "RUNNING", -j.it_mw, j.id))
    return DeferrableLoad(running_mw=running_mw, queued_mw=queued_mw, running_jobs=n_run,
                          queued_jobs=n_queue, kw_per_gpu=median_kw, jobs=tuple(out))


@dataclass(frozen=True, slots=True)
class Advice:
    """What moving the deferrable load would do, or why there is no advice."""

    ok: bool
    why_not: str = ""
    """Why nothing is advised (no forecast, no deferrable work, no move helps)."""
    issued: float = math.nan
    """When the forecast the advice rests on was made."""
    move_mw: float = 0.0
    """Facility MW moved (the deferrable IT load times the PUE)."""
    move_it_mw: float = 0.0
    from_start: float = math.nan
    from_end: float = math.nan
    to_start: float = math.nan
    to_end: float = math.nan
    horizon_start: float = math.nan
    horizon_end: float = math.nan
    share_before_pct: float = math.nan
    """Renewable share of the horizon's facility energy, as forecast."""
    share_after_pct: float = math.nan
    grid_avoided_mwh: float = 0.0
    co2_avoided_t: float = 0.0
    basis: str = ("forecast P50; battery dispatch as forecast; surplus renewables curtailed; "
                  "moved work draws the same power later")
    jobs: tuple[MovableJob, ...] = field(default=())
    """The running jobs the moved load is made of."""

    def to_json(self) -> dict[str, Any]:
        """The advice as plain JSON values (for the handover pack's summary)."""
        def num(v: float, nd: int = 2) -> float | None:
            return round(float(v), nd) if math.isfinite(v) else None

        return {
            "advised": self.ok, "why_not": self.why_not or None, "issued": num(self.issued, 0),
            "move_mw": num(self.move_mw, 1), "move_it_mw": num(self.move_it_mw, 1),
            "from": [num(self.from_start, 0), num(self.from_end, 0)],
            "to": [num(self.to_start, 0), num(self.to_end, 0)],
            "horizon": [num(self.horizon_start, 0), num(self.horizon_end, 0)],
            "renewable_share_pct": {"before": num(self.share_before_pct, 1),
                                    "after": num(self.share_after_pct, 1)},
            "grid_avoided_mwh": num(self.grid_avoided_mwh, 1),
            "co2_avoided_t": num(self.co2_avoided_t, 1), "basis": self.basis,
            "jobs": [{"id": j.id, "tenant": j.tenant, "partition": j.partition,
                      "gpus": j.gpus, "it_mw": round(j.it_mw, 3)} for j in self.jobs],
        }


def _p50(forecast: Any, name: str) -> np.ndarray | None:
    band = forecast.band(name)
    return None if band is None else np.asarray(band.p50, dtype=np.float64)


def advise(
    forecast: Any,
    load: DeferrableLoad,
    now: float,
    policy: SteeringPolicy,
    *,
    grid_g_per_kwh: float,
    pue: float | None = None,
) -> Advice:
    """Where moving the running deferrable load helps most over the forecast's horizon.

    ``forecast`` is a :class:`console.forecast.ForecastSnapshot` (or None);
    ``grid_g_per_kwh`` the carbon intensity of grid imports when the forecast has none;
    ``pue`` the facility/IT ratio when the forecast's load does not give it.
    """
    if forecast is None:
        return Advice(False, "no forecast")
    if load.why_not:
        return Advice(False, load.why_not, issued=forecast.issued)
    if load.running_mw <= 0.0:
        return Advice(False, "no deferrable work running", issued=forecast.issued)
    supply = forecast.renewable()
    t = np.asarray(forecast.t, dtype=np.float64)
    if supply is None or not len(t):
        return Advice(False, "no renewable forecast", issued=forecast.issued)
    renew = np.asarray(supply.p50, dtype=np.float64)
    facility = _p50(forecast, "facility_mw")
    it = _p50(forecast, "it_mw")
    if facility is None and it is not None and pue is not None:
        facility = it * pue
    if facility is None:
        return Advice(False, "no load forecast", issued=forecast.issued)
    if it is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.nanmedian(np.where(it > 0, facility / it, np.nan))
        pue = float(ratio) if math.isfinite(ratio) else pue
    factor = pue if pue is not None and math.isfinite(pue) and pue >= 1.0 else 1.0
    intensity = _p50(forecast, "grid_carbon_g_per_kwh")
    if intensity is None:
        intensity = np.full(len(t), float(grid_g_per_kwh))
    intensity = np.where(np.isfinite(intensity), intensity, float(grid_g_per_kwh))
    horizon_end = now + policy.horizon_h * 3600.0
    keep = (t > now) & (t <= horizon_end) & np.isfinite(renew) & np.isfinite(facility)
    t, renew, facility, intensity = t[keep], renew[keep], facility[keep], intensity[keep]
    step_h = float(forecast.step) / 3600.0
    k = max(1, int(round(policy.window_h / step_h)))
    if len(t) < 2 * k:
        return Advice(False, "forecast too short for the window", issued=forecast.issued)
    move = load.running_mw * factor
    grid = np.maximum(facility - renew, 0.0)
    # per step: grid MWh and tonnes saved by taking ``move`` out, added by putting it in
    out_mwh = (grid - np.maximum(facility - move - renew, 0.0)) * step_h
    in_mwh = (np.maximum(facility + move - renew, 0.0) - grid) * step_h
    out_t = out_mwh * intensity / 1000.0
    in_t = in_mwh * intensity / 1000.0
    window = np.ones(k)
    save = np.convolve(out_t, window, "valid")  # save[i]: tonnes saved moving out of i..i+k
    cost = np.convolve(in_t, window, "valid")
    # the later window: j >= i + k; the cheapest from each j on (a suffix minimum)
    # (the earliest of equal ones: sooner back to work)
    suffix_at = np.empty(len(cost), np.int64)
    best_j = len(cost) - 1
    for j in range(len(cost) - 1, -1, -1):
        if cost[j] <= cost[best_j]:
            best_j = j
        suffix_at[j] = best_j
    starts = np.arange(len(save) - k)
    if not len(starts):
        return Advice(False, "forecast too short for the window", issued=forecast.issued)
    net = save[starts] - cost[suffix_at[starts + k]]
    i = int(np.argmax(net))
    j = int(suffix_at[i + k])
    avoided = float(net[i])
    step_s = float(forecast.step)
    span = (float(t[0]), float(t[-1] + step_s))  # each point stands for the step after it
    if avoided < MIN_AVOIDED_T:
        return Advice(False, "no move of the deferrable work lowers grid imports",
                      issued=forecast.issued, horizon_start=span[0], horizon_end=span[1],
                      move_mw=move, move_it_mw=load.running_mw)
    after = facility.copy()
    after[i:i + k] -= move
    after[j:j + k] += move
    total = float(facility.sum())
    before_share = float(np.minimum(renew, facility).sum()) / total * 100.0
    after_share = float(np.minimum(renew, after).sum()) / float(after.sum()) * 100.0
    grid_mwh = float(out_mwh[i:i + k].sum() - in_mwh[j:j + k].sum())
    return Advice(
        True, issued=forecast.issued, move_mw=move, move_it_mw=load.running_mw,
        from_start=float(t[i]), from_end=float(t[i + k - 1] + step_s),
        to_start=float(t[j]), to_end=float(t[j + k - 1] + step_s),
        horizon_start=span[0], horizon_end=span[1],
        share_before_pct=before_share, share_after_pct=after_share,
        grid_avoided_mwh=grid_mwh, co2_avoided_t=avoided,
        jobs=tuple(j_ for j_ in load.jobs if j_.state == "RUNNING"),
    )


def advice_text(advice: Advice, tz: str, now: float) -> str:
    """The advice in one sentence of the operator's language, times in the site's zone
    (a day named when it is not today's), e.g. "Moving 12 MW of deferrable work from
    18:00-22:00 to tomorrow 11:00-15:00 raises the renewable share of the next 24 h from
    41 % to 47 % and avoids 35 t CO2"."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from console.i18n import translate

    if not advice.ok:
        reasons = {
            "no forecast": translate("Steering", "No advice: no forecast."),
            "no job queue": translate("Steering", "No advice: no job queue."),
            "no rack power": translate("Steering", "No advice: the racks' power is not known."),
            "no deferrable work running": translate("Steering", "No advice: no deferrable work is running."),
            "no renewable forecast": translate("Steering", "No advice: no renewable supply forecast."),
            "no load forecast": translate("Steering", "No advice: no load forecast."),
            "forecast too short for the window": translate("Steering", "No advice: the forecast is too short."),
            "no move of the deferrable work lowers grid imports":
                translate("Steering", "No move of the deferrable work lowers grid imports over the forecast."),
        }
        return reasons.get(advice.why_not, translate("Steering", "No advice: {0}.").format(advice.why_not))
    zone = ZoneInfo(tz)
    today = datetime.fromtimestamp(now, zone).date()

    def when(start: float, end: float) -> str:
        a, b = datetime.fromtimestamp(start, zone), datetime.fromtimestamp(end, zone)
        span = f"{a:%H:%M}\u2013{b:%H:%M}"
        days = (a.date() - today).days
        if days == 0:
            return span
        if days == 1:
            return translate("Steering", "tomorrow {0}").format(span)
        return f"{a:%d/%m} {span}"

    hours = round((advice.horizon_end - advice.horizon_start) / 3600.0)
    mw = f"{advice.move_mw:.0f}" if advice.move_mw >= 10 else f"{advice.move_mw:.1f}"
    co2 = f"{advice.co2_avoided_t:.0f}" if advice.co2_avoided_t >= 10 else \
        f"{advice.co2_avoided_t:.1f}"
    src, dst = when(advice.from_start, advice.from_end), when(advice.to_start, advice.to_end)
    if abs(advice.share_after_pct - advice.share_before_pct) < 0.05:
        # no more renewable energy used: the gain is a cleaner grid at the later time
        return translate("Steering", "Moving {mw} MW of deferrable work from {src} to {dst} avoids {co2} t CO2: "
                  "the grid is cleaner then (the renewable share of the next {h} h stays at "
                  "{share} %).").format(mw=mw, src=src, dst=dst, co2=co2, h=hours,
                                        share=f"{advice.share_before_pct:.0f}")
    # whole percent, unless the move shows only in the tenths
    digits = 0 if round(advice.share_before_pct) != round(advice.share_after_pct) else 1
    return translate("Steering", "Moving {mw} MW of deferrable work from {src} to {dst} raises the renewable "
              "share of the next {h} h from {before} % to {after} % and avoids {co2} t CO2."
              ).format(mw=mw, src=src, dst=dst, h=hours,
                       before=f"{advice.share_before_pct:.{digits}f}",
                       after=f"{advice.share_after_pct:.{digits}f}", co2=co2)


def pack_advice(
    snapshots: Mapping[str, Any],
    topology: SiteTopology | None,
    policy: SteeringPolicy | None = None,
    *,
    grid_g_per_kwh: float | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """The advice a handover pack carries, from the snapshots held (``forecast``, ``jobs``,
    ``racks``, ``power`` by kind): :meth:`Advice.to_json` with its sentence as ``text``."""
    from console.carbon import GRID_CARBON_G_PER_KWH
    from console.model import PowerSeries

    policy = policy or SteeringPolicy()
    load = deferrable_load(snapshots.get("jobs"), snapshots.get("racks"), topology, policy)
    power = snapshots.get("power")
    pue = power.latest().get("pue") if isinstance(power, PowerSeries) and len(power) else None
    if pue is not None and not (math.isfinite(pue) and pue >= 1.0):
        pue = None
    if now is None:
        times = [float(s.time) for k, s in snapshots.items()
                 if k in ("forecast", "jobs", "racks", "power") and hasattr(s, "time")]
        now = max(times, default=0.0)
    advice = advise(snapshots.get("forecast"), load, now, policy,
                    grid_g_per_kwh=GRID_CARBON_G_PER_KWH if grid_g_per_kwh is None
                    else grid_g_per_kwh, pue=pue)
    tz = topology.timezone if topology is not None else "UTC"
    return advice.to_json() | {"text": advice_text(advice, tz, now)}
