"""Power KPIs over a :class:`PowerSeries`: now, shift average and peak, energy, carbon.

Shifts are defined in site local time (the topology's time zone; until one is known
:data:`console.contract.DEFAULT_SITE_TZ`), through zoneinfo, so the Ramadan change of
offset is honoured. History merging keeps
missing polls as NaN points so a chart drawn with ``connect='finite'`` shows a
gap, never a straight line across the missing time. Values outside the plausible
ranges of :data:`console.model.POWER_LIMITS` (negative megawatts, PUE 9) are
flagged and replaced by NaN: they are counted, never plotted as truth.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from console.contract import DEFAULT_SITE_TZ
from console.i18n import strftime
from console.model import POWER_LIMITS, PowerSeries, _frozen_map

SHIFTS: tuple[tuple[int, int], ...] = ((6, 14), (14, 22), (22, 6))
"""Shift start and end hours in site local time."""

SUPPLY_FIELDS: tuple[str, ...] = ("solar_mw", "wind_mw", "battery_discharge_mw", "grid_mw")
"""Sources that supply the facility, bottom to top of the stacked chart."""

KPI_FIELDS: tuple[str, ...] = (
    "facility_mw",
    "it_mw",
    "renewable_share_pct",
    "pue",
    "carbon_g_per_kwh",
)


# -- shifts -------------------------------------------------------------------------------
def _local(t: float, zone: ZoneInfo) -> datetime:
    """``t`` on the site's clock; ValueError for a time no clock shows (NaN, ±1e308)."""
    try:
        return datetime.fromtimestamp(t, zone)
    except (OverflowError, OSError, ValueError, TypeError):
        raise ValueError(f"time {t!r} cannot be shown on a clock") from None


def shift_bounds(
    t: float, tz: str = DEFAULT_SITE_TZ, shifts: Sequence[tuple[int, int]] = SHIFTS
) -> tuple[float, float]:
    """Epoch seconds (start, end) of the shift holding ``t``, shifts given in local hours.

    A shift whose end hour is not after its start hour runs past midnight (22–06).
    """
    zone = ZoneInfo(tz)
    local = _local(t, zone)
    for day_offset in (0, -1):
        day = (local + timedelta(days=day_offset)).date()
        for start_h, end_h in shifts:
            start = datetime(day.year, day.month, day.day, start_h, tzinfo=zone)
            end_day = day + timedelta(days=1) if end_h <= start_h else day
            end = datetime(end_day.year, end_day.month, end_day.day, end_h, tzinfo=zone)
            s, e = start.timestamp(), end.timestamp()
            if s <= t < e:
                return s, e
    raise ValueError(f"shifts {shifts!r} do not cover {local.isoformat()}")


def shift_name(start: float, tz: str = DEFAULT_SITE_TZ) -> str:
    """Operator wording of a shift, e.g. '06:00–14:00 Sat 28 Nov' (day and month names in
    the chosen language)."""
    zone = ZoneInfo(tz)
    s = _local(start, zone)
    e = _local(shift_bounds(start, tz)[1], zone)
    return f"{s:%H:%M}–{e:%H:%M} {strftime(s, '%a %d %b')}"


# -- KPIs ---------------------------------------------------------------------------------
def _window(series: PowerSeries, start: float | None, end: float | None) -> np.ndarray:
    t = series.t
    lo = 0 if start is None else int(np.searchsorted(t, start, side="left"))
    hi = len(t) if end is None else int(np.searchsorted(t, end, side="left"))
    return np.arange(lo, hi)


def latest_value(series: PowerSeries, name: str) -> tuple[float, float]:
    """The last finite value of ``name`` and its time; (NaN, NaN) when there is none."""
    if name not in series.fields or not len(series.t):
        return float("nan"), float("nan")
    values = series.fields[name]
    finite = np.flatnonzero(np.isfinite(values))
    if not len(finite):
        return float("nan"), float("nan")
    i = int(finite[-1])
    return float(values[i]), float(series.t[i])


def window_mean(series: PowerSeries, name: str, start: float | None, end: float | None) -> float:
    """Mean of the finite values of ``name`` in [start, end); NaN when none."""
    v = series.fields[name][_window(series, start, end)]
    v = v[np.isfinite(v)]
    return float(v.mean()) if len(v) else float("nan")


def window_peak(series: PowerSeries, name: str, start: float | None, end: float | None) -> float:
    """Largest finite value of ``name`` in [start, end); NaN when none."""
    v = series.fields[name][_window(series, start, end)]
    v = v[np.isfinite(v)]
    return float(v.max()) if len(v) else float("nan")


def sample_hours(
    t: np.ndarray, step: float, start: float | None = None, end: float | None = None
) -> np.ndarray:
    """Hours each sample stands for inside ``[start, end)`` (None: unbounded).

    A sample stands for the time until the next one, but at most one ``step``: a missing
    poll is a gap that counts as nothing (never as the last value held across it). The
    window clips the first and last; samples outside it stand for 0 hours. Every energy
    of the program (:func:`energy_mwh`, the handover's figures) is built on this.
    """
    t = np.asarray(t, dtype=np.float64)
    if not len(t):
        return np.zeros(0)
    nxt = np.empty_like(t)
    nxt[:-1] = np.minimum(t[1:], t[:-1] + step)
    nxt[-1] = t[-1] + step
    lo = t if start is None else np.maximum(t, start)
    hi = nxt if end is None else np.minimum(nxt, end)
    inside = np.ones(len(t), dtype=bool)
    if start is not None:
        inside &= t >= start
    if end is not None:
        inside &= t < end
    return np.where(inside, np.clip(hi - lo, 0.0, None), 0.0) / 3600.0


def energy_mwh(
    series: PowerSeries, start: float | None = None, end: float | None = None
) -> dict[str, float]:
    """Energy in MWh per source and for the loads over [start, end); gaps count as nothing
    (each finite sample for :func:`sample_hours`)."""
    hours = sample_hours(series.t, series.step, start, end)
    names = (*SUPPLY_FIELDS, "battery_charge_mw", "curtailment_mw", "facility_mw", "it_mw")
    out: dict[str, float] = {}
    for name in names:
        if name in series.fields:
            v = np.asarray(series.fields[name], dtype=np.float64)
            ok = np.isfinite(v) & (hours > 0)
            out[name] = float(np.sum(v[ok] * hours[ok]))
    return out


def renewable_share(fields: Mapping[str, np.ndarray]) -> np.ndarray:
    """Renewable share in % of facility load: 100 × (facility − grid import) / facility."""
    facility = np.asarray(fields["facility_mw"], dtype=np.float64)
    grid = np.asarray(fields["grid_mw"], dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = 100.0 * (facility - grid) / facility
    return np.clip(share, 0.0, 100.0)


def pue(fields: Mapping[str, np.ndarray]) -> np.ndarray:
    """Power usage effectiveness: facility load / IT load (NaN where IT load is 0 or missing)."""
    facility = np.asarray(fields["facility_mw"], dtype=np.float64)
    it = np.asarray(fields["it_mw"], dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = facility / it
    out[~np.isfinite(out)] = np.nan
    return out


def carbon_tonnes(
    series: PowerSeries, start: float | None = None, end: float | None = None
) -> float:
    """CO2 emitted over [start, end) in tonnes: facility MWh × gCO2/kWh / 1000."""
    hours = sample_hours(series.t, series.step, start, end)
    mwh = np.asarray(series.fields["facility_mw"], dtype=np.float64) * hours
    return float(np.nansum(mwh * series.fields["carbon_g_per_kwh"]) / 1000.0)


@dataclass(frozen=True, slots=True)
class Kpi:
    """Now, shift average and shift peak of one series."""

    name: str
    now: float
    now_time: float
    shift_mean: float
    shift_peak: float


def shift_kpis(
    series: PowerSeries,
    now: float | None = None,
    tz: str = DEFAULT_SITE_TZ,
    names: Sequence[str] = KPI_FIELDS,
) -> tuple[tuple[float, float], dict[str, Kpi]]:
    """Shift bounds and KPIs of ``names`` for the shift holding ``now`` (default: last point)."""
    if now is None:
        now = float(series.t[-1]) if len(series.t) else 0.0
    start, end = shift_bounds(now, tz)
    out: dict[str, Kpi] = {}
    for name in names:
        if name not in series.fields:
            continue
        value, at = latest_value(series, name)
        out[name] = Kpi(
            name,
            value,
            at,
            window_mean(series, name, start, now + 1e-6),
            window_peak(series, name, start, now + 1e-6),
        )
    return (start, end), out


# -- absurd values ------------------------------------------------------------------------
def flag_absurd(
    series: PowerSeries, limits: Mapping[str, tuple[float, float]] = POWER_LIMITS
) -> tuple[PowerSeries, dict[str, np.ndarray]]:
    """Replace values outside ``limits`` by NaN; return the clean series and per-field masks.

    NaN already present is a gap, not an absurd value, and is not flagged. The
    returned series counts the flagged values in ``invalid_values`` (added to any
    the decoder already counted).
    """
    fields: dict[str, np.ndarray] = {}
    flags: dict[str, np.ndarray] = {}
    count = 0
    for name, values in series.fields.items():
        v = np.asarray(values, dtype=np.float64)
        lo, hi = limits.get(name, (-np.inf, np.inf))
        with np.errstate(invalid="ignore"):
            bad = np.isinf(v) | (v < lo) | (v > hi)
        flags[name] = bad
        n = int(bad.sum())
        if n:
            v = v.copy()
            v[bad] = np.nan
            count += n
        fields[name] = v
    if not count:
        return series, flags
    clean = PowerSeries(
        time=series.time,
        received=series.received,
        t=series.t,
        fields=_frozen_map(fields),
        step=series.step,
        invalid_values=series.invalid_values + count,
        missing=series.missing,
    )
    return clean, flags


# -- history ------------------------------------------------------------------------------
def insert_gaps(
    t: np.ndarray, step: float, tolerance: float = 1.5
) -> tuple[np.ndarray, np.ndarray]:
    """Insert one NaN-marker time after every missing poll.

    Where two consecutive times are more than ``tolerance × step`` apart, a point
    at ``t[i] + step`` is inserted. Returns ``(t_out, positions)``: the new time
    axis and, for each input point, its index in ``t_out``. Values placed at the
    other indices stay NaN, so a ``connect='finite'`` curve breaks there.
    """
    t = np.asarray(t, dtype=np.float64)
    if len(t) < 2:
        return t.copy(), np.arange(len(t))
    gap_after = np.flatnonzero(np.diff(t) > tolerance * step)
    if not len(gap_after):
        return t.copy(), np.arange(len(t))
    shift = np.zeros(len(t), np.int64)
    shift[gap_after + 1] = 1
    positions = np.arange(len(t)) + np.cumsum(shift)
    out = np.empty(len(t) + len(gap_after))
    out[positions] = t
    markers = np.setdiff1d(np.arange(len(out)), positions, assume_unique=True)
    out[markers] = t[gap_after] + step
    return out, positions


def with_gaps(series: PowerSeries) -> PowerSeries:
    """``series`` with NaN points where polls are missing (see :func:`insert_gaps`)."""
    t, positions = insert_gaps(series.t, series.step)
    if len(t) == len(series.t):
        return series
    fields = {}
    for name, values in series.fields.items():
        out = np.full(len(t), np.nan)
        out[positions] = values
        fields[name] = out
    return PowerSeries(
        time=series.time,
        received=series.received,
        t=t,
        fields=_frozen_map(fields),
        step=series.step,
        invalid_values=series.invalid_values,
        missing=series.missing,
    )


def append_series(
    history: PowerSeries | None, new: PowerSeries, keep_s: float | None = None
) -> PowerSeries:
    """Merge ``new`` into ``history``: newer points win on overlap, missing polls become NaN.

    ``keep_s`` drops history older than that many seconds before the newest point.
    Fields missing from one side are NaN there.
    """
    if history is None or not len(history.t):
        merged = new
    elif not len(new.t):
        merged = history
    else:
        cut = int(np.searchsorted(history.t, new.t[0], side="left"))
        names = list(dict.fromkeys([*history.fields, *new.fields]))
        fields = {}
        for name in names:
            old = history.fields.get(name)
            old_part = np.full(cut, np.nan) if old is None else np.asarray(old[:cut], np.float64)
            add = new.fields.get(name)
            new_part = np.full(len(new.t), np.nan) if add is None else np.asarray(add, np.float64)
            fields[name] = np.concatenate([old_part, new_part])
        merged = PowerSeries(
            time=max(history.time, new.time),
            received=new.received,
            t=np.concatenate([history.t[:cut], new.t]),
            fields=_frozen_map(fields),
            step=new.step or history.step,
            invalid_values=history.invalid_values + new.invalid_values,
            missing=new.missing,
        )
    merged = with_gaps(merged)
    if keep_s is not None and len(merged.t):
        lo = int(np.searchsorted(merged.t, merged.t[-1] - keep_s, side="left"))
        if lo:
            merged = PowerSeries(
                time=merged.time,
                received=merged.received,
                t=merged.t[lo:],
                fields=_frozen_map({k: v[lo:] for k, v in merged.fields.items()}),
                step=merged.step,
                invalid_values=merged.invalid_values,
                missing=merged.missing,
            )
    return merged
