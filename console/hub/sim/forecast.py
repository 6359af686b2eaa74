"""The simulated hub's forecast: its own weather seen through an error that grows with lead.

The weather (:mod:`console.hub.sim.weather`) is a deterministic function of time, so what
will happen is known. The forecast made at ``issued`` is that truth moved by an error in
the quantities a forecaster gets wrong: the cloud cover's logit, the hub-height wind speed
and the grid's carbon intensity. Each error is ``sigma(lead) * z(t)``: ``z`` a smooth,
zero-mean, unit-variance noise (a sum of sinusoids, as the weather's own) seeded by the
seed and the issue time, so one issue time always gives one forecast; ``sigma`` rises from
small at a lead of an hour to about the weather's own spread at 72 h (a forecast that far
out knows little more than the season).

Given the forecast, the truth lies at the forecast minus a normal error of that ``sigma``,
so P10 and P90 are the forecast value ∓ 1.2816 ``sigma`` carried through the same curves
(the cloud's logistic and solar loss, the turbines' power curve): about 80 % of what then
happens falls inside the band. The battery's state of charge "if nothing changes" is the
site's dispatch (:func:`console.hub.sim.power.dispatch`) run on the P10, P50 and P90
supply with the load held at what it was at the issue time; the load's band is that load.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from console.contract import FORECAST_MAX_HOURS, FORECAST_STEP_S
from console.hub.params import (
    CLOUD_SOLAR_LOSS,
    GRID_INTENSITY_RANGE,
    WIND_AVAILABILITY,
    WIND_CUT_OUT_MS,
    WIND_SPREAD_MS,
)
from console.hub.sim.power import MW_DECIMALS, Supply, dispatch
from console.hub.sim.weather import Weather, _Noise, clear_sky_fraction, wind_power_curve

Z90 = 1.2815515655446004
"""The standard normal's 90 % quantile: P10 and P90 lie this many sigmas either side."""

ISSUE_EVERY_S = 3600.0
"""A forecast is issued every whole hour of the hub's clock."""

SIGMA = {
    "cloud_logit": (0.15, 1.6),
    "wind_ms": (0.3, WIND_SPREAD_MS),
    "grid_g_per_kwh": (2.0, 20.0),
}
"""The error's sigma at a lead of 0 and of :data:`~console.contract.FORECAST_MAX_HOURS`,
per quantity: the cloud logit (the weather's own cloud noise has a sigma of 1.6), the wind
speed in m/s (the weather's spread) and the grid's intensity in gCO2/kWh."""

SIGMA_POWER = 0.7
"""How sigma grows between its ends: ``lo + (hi - lo) * (lead / 72 h) ** SIGMA_POWER`` (fast
at first, as forecast errors do)."""

_NOISE_SALT = {"cloud_logit": 1, "wind_ms": 2, "grid_g_per_kwh": 3}


def issued_at(now: float) -> float:
    """The issue time of the forecast served at ``now``: the last whole hour."""
    return math.floor(now / ISSUE_EVERY_S) * ISSUE_EVERY_S


def sigma(name: str, lead_s: np.ndarray) -> np.ndarray:
    """The error's sigma of quantity ``name`` at leads ``lead_s`` (seconds)."""
    lo, hi = SIGMA[name]
    frac = np.clip(np.asarray(lead_s, dtype=np.float64) / (FORECAST_MAX_HOURS * 3600.0), 0.0, 1.0)
    return lo + (hi - lo) * frac**SIGMA_POWER


def error(name: str, seed: int, issued: float, t: np.ndarray) -> np.ndarray:
    """The forecast's error of quantity ``name`` at ``t``, for the forecast issued at ``issued``."""
    rng = np.random.default_rng([seed, 0x5EED_0F0C, _NOISE_SALT[name], int(issued // 60)])
    z = _Noise(rng, 10, (3.0, 48.0))(t)
    return sigma(name, t - issued) * z


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-12, 1.0 - 1e-12)
    return np.log(p / (1.0 - p))


def _solar(supply: Supply, t: np.ndarray, logit: np.ndarray) -> np.ndarray:
    cloud = 1.0 / (1.0 + np.exp(-logit))
    return np.round(supply.solar_mwp * clear_sky_fraction(t) * (1.0 - CLOUD_SOLAR_LOSS * cloud),
                    MW_DECIMALS)


def _wind(supply: Supply, speed: np.ndarray) -> np.ndarray:
    return np.round(supply.wind_mw * WIND_AVAILABILITY * wind_power_curve(speed), MW_DECIMALS)


def truth(weather: Weather, supply: Supply, t: np.ndarray) -> dict[str, np.ndarray]:
    """What the weather will give at ``t``: available solar and wind (MW, no wind drops: a
    forecaster does not know of them) and the grid's carbon intensity."""
    return {
        "solar_mw": np.round(supply.solar_mwp * weather.solar_fraction(t), MW_DECIMALS),
        "wind_mw": _wind(supply, weather.wind_speed_ms(t)),
        "grid_carbon_g_per_kwh": weather.grid_intensity(t),
    }


def _listed(a: np.ndarray, decimals: int) -> list[float]:
    return np.round(a, decimals).tolist()


def forecast(
    weather: Weather,
    supply: Supply,
    seed: int,
    issued: float,
    soc_pct: float,
    it_mw: float,
    hours: int = FORECAST_MAX_HOURS,
    step: float = FORECAST_STEP_S,
) -> dict[str, Any]:
    """The forecast issued at ``issued`` for ``hours`` ahead, in the wire form of
    ``GET /api/v1/forecast``; ``soc_pct`` and ``it_mw``: the battery and the IT load at
    ``issued`` (held for the "if nothing changes" fields)."""
    n = int(round(hours * 3600.0 / step))
    t = issued + step * np.arange(1, n + 1, dtype=np.float64)
    lead = t - issued
    # solar: through the cloud's logit (more cloud, less sun: P10 of solar at P90 of cloud)
    cloud_logit = _logit(weather.cloud(t)) + error("cloud_logit", seed, issued, t)
    s_cloud = Z90 * sigma("cloud_logit", lead)
    solar = {"p10": _solar(supply, t, cloud_logit + s_cloud), "p50": _solar(supply, t, cloud_logit),
             "p90": _solar(supply, t, cloud_logit - s_cloud)}
    # wind: through the power curve, which falls to 0 at cut-out (the band spans it then)
    speed = np.maximum(0.0, weather.wind_speed_ms(t) + error("wind_ms", seed, issued, t))
    s_wind = Z90 * sigma("wind_ms", lead)
    lo, hi = np.maximum(0.0, speed - s_wind), speed + s_wind
    wind = {
        "p10": np.where(hi >= WIND_CUT_OUT_MS, 0.0, _wind(supply, lo)),
        "p50": _wind(supply, speed),
        "p90": np.where(lo >= WIND_CUT_OUT_MS, 0.0,
                        _wind(supply, np.minimum(hi, np.nextafter(WIND_CUT_OUT_MS, 0.0)))),
    }
    # grid carbon intensity
    grid = weather.grid_intensity(t) + error("grid_g_per_kwh", seed, issued, t)
    s_grid = Z90 * sigma("grid_g_per_kwh", lead)
    carbon = {"p10": np.clip(grid - s_grid, *GRID_INTENSITY_RANGE),
              "p50": np.clip(grid, *GRID_INTENSITY_RANGE),
              "p90": np.clip(grid + s_grid, *GRID_INTENSITY_RANGE)}
    # the battery if nothing changes: the dispatch on each quantile's supply
    pue = np.round(weather.pue(t), 4)
    it = np.full(n, float(it_mw))
    dts = np.full(n, step)
    soc = {q: dispatch(it, dts, soc_pct, pue, solar[q], wind[q], carbon[q], supply)[0][
        "battery_soc_pct"] for q in ("p10", "p50", "p90")}
    facility = np.round(it * pue, MW_DECIMALS)
    return {
        "issued": float(issued),
        "step": float(step),
        "t": t.tolist(),
        "source": "simulated",
        "series": {
            "solar_mw": {q: _listed(v, MW_DECIMALS) for q, v in solar.items()},
            "wind_mw": {q: _listed(v, MW_DECIMALS) for q, v in wind.items()},
            "battery_soc_pct": {q: _listed(v, 2) for q, v in soc.items()},
            "grid_carbon_g_per_kwh": {q: _listed(v, 1) for q, v in carbon.items()},
            "it_mw": {q: _listed(it, MW_DECIMALS) for q in ("p10", "p50", "p90")},
            "facility_mw": {q: _listed(facility, MW_DECIMALS) for q in ("p10", "p50", "p90")},
        },
    }


def cut(answer: dict[str, Any], hours: int) -> dict[str, Any]:
    """The first ``hours`` of a forecast answer (a 72 h one is made once per issue time)."""
    end = answer["issued"] + hours * 3600.0
    n = int(np.searchsorted(np.asarray(answer["t"]), end, side="right"))
    return {
        **answer,
        "t": answer["t"][:n],
        "series": {k: {q: v[:n] for q, v in s.items()} for k, s in answer["series"].items()},
    }
