"""The site's supply mix over intervals: energy of each flow and the carbon intensity.

Wind, solar and the battery (charged from them) count as no operational carbon; grid
imports at the grid's intensity (:data:`console.carbon.GRID_CARBON_G_PER_KWH` unless
told). An interval's intensity is ``grid energy x grid intensity / energy supplied``,
the energy supplied being the facility load (IT load x PUE), or where the facility is
not metered the sum of the flows (solar + wind + battery discharge + grid - battery
charge - curtailment). Where the grid import is not known in an interval, the hub's own
figure (``carbon_g_per_kwh``) is taken, and where that is missing too, the whole
interval is counted at the grid's intensity (never less carbon than may have been).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from console.carbon import GRID_CARBON_G_PER_KWH
from console.model import PowerSeries

_FLOWS_IN = ("solar_mw", "wind_mw", "battery_discharge_mw", "grid_mw")
_FLOWS_OUT = ("battery_charge_mw", "curtailment_mw")


def _holds(t: np.ndarray, step: float) -> np.ndarray:
    """Seconds each sample stands for: up to the next sample, the last one ``step``."""
    if not len(t):
        return np.zeros(0)
    return np.r_[np.diff(t), step]


def running(t: np.ndarray, values: np.ndarray, step: float, x: np.ndarray) -> np.ndarray:
    """The integral of a sampled series (each sample held to the next; NaN as 0) from its
    first sample up to each time ``x``, in value-seconds."""
    if not len(t):
        return np.zeros(len(x))
    hold = _holds(t, step)
    v = np.nan_to_num(np.asarray(values, np.float64), nan=0.0)
    before = np.r_[0.0, np.cumsum(v * hold)]
    k = np.searchsorted(t, x, side="right") - 1
    out = np.zeros(len(x))
    ok = k >= 0
    kk = k[ok]
    out[ok] = before[kk] + v[kk] * np.clip(x[ok] - t[kk], 0.0, hold[kk])
    return out


def between(power: PowerSeries, values: np.ndarray, begin: np.ndarray, end: np.ndarray
            ) -> np.ndarray:
    """Integral of ``values`` (sampled at ``power.t``) over each interval, value-seconds."""
    t = np.asarray(power.t, np.float64)
    return running(t, values, power.step, end) - running(t, values, power.step, begin)


@dataclass(frozen=True)
class SupplyMix:
    """Per interval: carbon intensity, and the energy of the site's flows (kWh)."""

    intensity: np.ndarray
    """gCO2eq/kWh of the energy drawn."""
    from_mix: np.ndarray
    """True where the intensity came from the metered grid import and supply."""
    it_kwh: np.ndarray
    facility_kwh: np.ndarray
    grid_kwh: np.ndarray


def supply_mix(power: PowerSeries, begin: np.ndarray, end: np.ndarray,
               grid_g_per_kwh: float = GRID_CARBON_G_PER_KWH) -> SupplyMix:
    """The supply mix and carbon intensity of each interval ``[begin[i], end[i])``."""
    n = len(begin)
    f = power.fields
    t = np.asarray(power.t, np.float64)

    def field(name: str) -> np.ndarray:
        got = f.get(name)
        return np.asarray(got, np.float64) if got is not None and len(got) == len(t) else (
            np.full(len(t), np.nan))

    def energy(values: np.ndarray) -> np.ndarray:  # MW·s -> kWh
        return between(power, values, begin, end) * 1000.0 / 3600.0

    def known(values: np.ndarray) -> np.ndarray:  # seconds with a value
        return between(power, np.isfinite(values).astype(np.float64), begin, end)

    it, facility, grid = field("it_mw"), field("facility_mw"), field("grid_mw")
    flows = sum(np.nan_to_num(field(k), nan=0.0) for k in _FLOWS_IN) - sum(
        np.nan_to_num(field(k), nan=0.0) for k in _FLOWS_OUT)
    supplied = np.where(np.isfinite(facility), facility,
                        np.where(np.isfinite(grid), flows, np.nan))
    supplied = np.where(np.isfinite(grid), supplied, np.nan)  # only where the grid is known
    grid_kwh = energy(np.where(np.isfinite(supplied), grid, np.nan))
    supplied_kwh = energy(supplied)
    hub = field("carbon_g_per_kwh")
    hub_mean = np.divide(between(power, hub, begin, end), known(hub),
                         out=np.full(n, np.nan), where=known(hub) > 0)
    from_mix = supplied_kwh > 0
    intensity = np.where(
        from_mix,
        grid_g_per_kwh * np.clip(
            np.divide(grid_kwh, supplied_kwh, out=np.zeros(n), where=from_mix), 0.0, 1.0),
        np.where(np.isfinite(hub_mean), hub_mean, grid_g_per_kwh))
    return SupplyMix(
        intensity=np.clip(intensity, 0.0, None),
        from_mix=from_mix,
        it_kwh=energy(it),
        facility_kwh=energy(facility),
        grid_kwh=grid_kwh,
    )
