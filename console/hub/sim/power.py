"""Site energy balance and its history: IT load, PUE, solar, wind, battery, grid, curtailment.

For every point: ``facility = solar + wind + battery_discharge - battery_charge + grid -
curtailment``, where solar and wind are the *available* generation. Renewables serve the
facility first; a surplus charges the battery (up to its power rating and 95 % state of charge)
and the rest is curtailed; a deficit is covered by the battery (down to 10 %) and then by the
grid. Stored values are rounded (MW to 0.1 kW) and the facility load is the sum of the rounded
terms, so the identity holds to float rounding in every stored and served point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from console.contract import POWER_FIELDS
from console.hub.params import (
    BATTERY_EFFICIENCY,
    BATTERY_MW,
    BATTERY_MWH,
    BATTERY_SOC_MAX,
    BATTERY_SOC_MIN,
    HISTORY_KEEP_S,
    HISTORY_STEP_S,
    POWER_DEFAULT_SPAN_S,
    POWER_MAX_POINTS,
    SOLAR_MWP,
    WIND_AVAILABILITY,
    WIND_DROP_FACTOR,
    WIND_MW,
)
from console.hub.sim.weather import Weather

FIELDS: tuple[str, ...] = POWER_FIELDS
"""Series of the power history, in the order ``power()`` returns them (after ``t``)."""

MW_DECIMALS = 4


@dataclass(frozen=True)
class Supply:
    """Generation and storage of the site, scaled to the preset's IT capacity."""

    solar_mwp: float
    wind_mw: float
    battery_mw: float
    battery_mwh: float

    @classmethod
    def scaled(cls, factor: float) -> Supply:
        """The full site's supply times ``factor`` (1.0 for the full site)."""
        return cls(SOLAR_MWP * factor, WIND_MW * factor, BATTERY_MW * factor, BATTERY_MWH * factor)


def wind_drop_factor(t: np.ndarray, drops: list[tuple[float, float]]) -> np.ndarray:
    """1.0, or the wind-drop factor inside any of the ``(start, end)`` windows."""
    factor = np.ones_like(t)
    for a, b in drops:
        factor[(t >= a) & (t < b)] = WIND_DROP_FACTOR
    return factor


def weather_series(weather: Weather, t: np.ndarray) -> dict[str, np.ndarray]:
    """What :func:`balance` reads from the weather at times ``t``: a function of the times
    alone, so it can be worked out ahead (the hub's week of history, beside its build)."""
    return {
        "pue": weather.pue(t),
        "solar_fraction": weather.solar_fraction(t),
        "wind_fraction": weather.wind_fraction(t),
        "grid_intensity": weather.grid_intensity(t),
    }


def balance(
    t: np.ndarray,
    it_mw: np.ndarray,
    dt_s: np.ndarray,
    soc_pct: float,
    weather: Weather,
    supply: Supply,
    drops: list[tuple[float, float]],
    given: dict[str, np.ndarray] | None = None,
) -> tuple[dict[str, np.ndarray], float]:
    """Energy balance at times ``t`` for IT loads ``it_mw``; returns the series and end SoC.

    ``dt_s`` is the time each point stands for (battery integration); ``soc_pct`` is the
    battery state of charge before the first point. The weather gives the PUE, the available
    solar and wind (less any wind drops) and the grid's carbon intensity; :func:`dispatch`
    does the rest. ``given``: :func:`weather_series` of ``t``, when already worked out.
    """
    ws = weather_series(weather, t) if given is None else given
    pue = np.round(ws["pue"], 4)
    solar = np.round(supply.solar_mwp * ws["solar_fraction"], MW_DECIMALS)
    wind = supply.wind_mw * WIND_AVAILABILITY * ws["wind_fraction"] * wind_drop_factor(t, drops)
    wind = np.round(wind, MW_DECIMALS)
    return dispatch(it_mw, dt_s, soc_pct, pue, solar, wind, ws["grid_intensity"], supply)


def dispatch(
    it_mw: np.ndarray,
    dt_s: np.ndarray,
    soc_pct: float,
    pue: np.ndarray,
    solar: np.ndarray,
    wind: np.ndarray,
    grid_intensity: np.ndarray,
    supply: Supply,
) -> tuple[dict[str, np.ndarray], float]:
    """The balance of given series: IT load, PUE, available solar and wind (MW, rounded to
    :data:`MW_DECIMALS`) and the grid's carbon intensity (gCO2/kWh) at each point; returns
    the series of ``power()`` and the end SoC. The battery charges from a surplus and covers
    a deficit before the grid, within its power, its energy and its SoC limits.
    """
    facility = it_mw * pue
    n = len(it_mw)
    charge = np.zeros(n)
    discharge = np.zeros(n)
    socs = np.zeros(n)
    surplus = (solar + wind - facility).tolist()
    hours = (np.asarray(dt_s, dtype=np.float64) / 3600.0).tolist()
    energy = supply.battery_mwh
    p_max = supply.battery_mw
    eff = BATTERY_EFFICIENCY
    soc_max, soc_min = BATTERY_SOC_MAX, BATTERY_SOC_MIN
    soc = float(soc_pct)
    if energy > 0.0:
        # the battery, point by point (each SoC follows from the last): the same sums in
        # the same order as ever, with min() and list stores written out (the hub's week
        # of history is 60,480 points, worked out while it starts)
        ch_list: list[float] = []
        dis_list: list[float] = []
        soc_list: list[float] = []
        ch_add, dis_add, soc_add = ch_list.append, dis_list.append, soc_list.append
        for s, h in zip(surplus, hours, strict=True):
            c = d = 0.0
            if h > 0.0:
                if s > 0.0:
                    room = (soc_max - soc) / 100.0 * energy / (h * eff)
                    if room > 0.0:
                        c = s if s < p_max else p_max
                        if room < c:
                            c = room
                        soc += c * h * eff / energy * 100.0
                elif s < 0.0:
                    avail = (soc - soc_min) / 100.0 * energy * eff / h
                    if avail > 0.0:
                        d = -s if -s < p_max else p_max
                        if avail < d:
                            d = avail
                        soc -= d * h / eff / energy * 100.0
            ch_add(c)
            dis_add(d)
            soc_add(soc)
        charge[:] = ch_list
        discharge[:] = dis_list
        socs[:] = soc_list
    else:
        socs[:] = soc
    charge = np.round(charge, MW_DECIMALS)
    discharge = np.round(discharge, MW_DECIMALS)
    facility_r = np.round(facility, MW_DECIMALS)
    net = facility_r - solar - wind - discharge + charge  # > 0: grid; < 0: curtailment
    grid = np.round(np.maximum(net, 0.0), MW_DECIMALS)
    curtail = np.round(np.maximum(-net, 0.0), MW_DECIMALS)
    facility_r = np.round(solar + wind + discharge - charge + grid - curtail, MW_DECIMALS)
    safe = np.maximum(facility_r, 1e-9)
    carbon = np.round(grid * grid_intensity / safe, 1)
    share = np.round(np.clip((facility_r - grid) / safe * 100.0, 0.0, 100.0), 2)
    series = {
        "it_mw": np.round(it_mw, MW_DECIMALS),
        "facility_mw": facility_r,
        "solar_mw": solar,
        "wind_mw": wind,
        "battery_discharge_mw": discharge,
        "battery_charge_mw": charge,
        "battery_soc_pct": np.round(socs, 2),
        "grid_mw": grid,
        "curtailment_mw": curtail,
        "pue": pue,
        "carbon_g_per_kwh": carbon,
        "renewable_share_pct": share,
    }
    return series, soc


class PowerHistory:
    """Ring of balance points: one every ``HISTORY_STEP_S`` plus the latest tick.

    A tick closer than ``HISTORY_STEP_S`` to the last kept point replaces the previous
    provisional tick instead of adding one, so memory stays bounded at any tick rate.
    """

    def __init__(self) -> None:
        self._cap = int(HISTORY_KEEP_S / HISTORY_STEP_S) + 4096
        self.t = np.zeros(self._cap)
        self.data = {f: np.zeros(self._cap) for f in FIELDS}
        self.n = 0
        self._last_kept = -np.inf
        self._provisional = False

    def extend(self, t: np.ndarray, series: dict[str, np.ndarray]) -> None:
        """Append kept points (already on the history grid)."""
        if self._provisional:
            self.n -= 1
            self._provisional = False
        k = len(t)
        if k == 0:
            return
        self._make_room(k)
        self.t[self.n : self.n + k] = t
        for f in FIELDS:
            self.data[f][self.n : self.n + k] = series[f]
        self.n += k
        self._last_kept = float(t[-1])

    def tick(self, t: float, series: dict[str, np.ndarray]) -> None:
        """Record the live tick at ``t`` (kept when a history step has passed)."""
        if self._provisional:
            self.n -= 1
        self._make_room(1)
        self.t[self.n] = t
        for f in FIELDS:
            self.data[f][self.n] = series[f][-1]
        self.n += 1
        if t - self._last_kept >= HISTORY_STEP_S:
            self._last_kept = t
            self._provisional = False
        else:
            self._provisional = True

    @property
    def last_kept(self) -> float:
        """Time of the last kept (non-provisional) point."""
        return self._last_kept

    def _make_room(self, k: int) -> None:
        if self.n + k <= self._cap:
            return
        latest = self.t[self.n - 1] if self.n else 0.0
        keep_from = int(np.searchsorted(self.t[: self.n], latest - HISTORY_KEEP_S))
        keep_from = max(keep_from, self.n + k - self._cap)
        m = self.n - keep_from
        self.t[:m] = self.t[keep_from : self.n]
        for f in FIELDS:
            self.data[f][:m] = self.data[f][keep_from : self.n]
        self.n = m

    def query(self, start: float, end: float, step: float, now: float) -> dict[str, object]:
        """Resample to ``start + i * step`` up to ``end``: nearest point at or before each time.

        Times before the first point or after ``now`` have no data and are left out.
        """
        if step <= 0 or not np.isfinite(step):
            raise ValueError(f"step must be a positive number of seconds, got {step}")
        if not (np.isfinite(start) and np.isfinite(end)):
            raise ValueError("start and end must be finite epoch seconds")
        if end < start:
            raise ValueError(f"end ({end}) is before start ({start})")
        count = int(np.floor((end - start) / step + 1e-9)) + 1
        if count > POWER_MAX_POINTS:
            raise ValueError(
                f"{count} points requested; at most {POWER_MAX_POINTS} per query "
                "(raise step or shorten the range)"
            )
        grid = start + step * np.arange(count)
        times = self.t[: self.n]
        idx = np.searchsorted(times, grid, side="right") - 1
        ok = (idx >= 0) & (grid <= now + 1e-6)
        grid = grid[ok]
        idx = idx[ok]
        out: dict[str, object] = {
            "start": float(start),
            "end": float(end),
            "step": float(step),
            "t": np.round(grid, 3).tolist(),
        }
        for f in FIELDS:
            out[f] = self.data[f][idx].tolist()
        return out


def default_window(
    start: float | None, end: float | None, step: float | None, now: float
) -> tuple[float, float, float]:
    """Fill in ``power()`` defaults: the last hour up to now at the history step."""
    end_v = now if end is None else float(end)
    start_v = end_v - POWER_DEFAULT_SPAN_S if start is None else float(start)
    step_v = HISTORY_STEP_S if step is None else float(step)
    return start_v, end_v, step_v
