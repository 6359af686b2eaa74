"""Sun, weather, grid and demand at Tétouan as deterministic functions of time.

Every function takes epoch seconds (a float array) and returns an array of the same shape, so
any stretch of history can be recomputed exactly: the "noise" is a seeded sum of sinusoids
with periods from hours to weeks, not a random walk. The sun position is the NOAA
general solar-position formulation (fractional year, equation of time, declination, hour
angle) evaluated in UTC at the site's longitude.
"""

from __future__ import annotations

import numpy as np

from console.hub.params import (
    CLOUD_SOLAR_LOSS,
    CLOUD_SUMMER,
    CLOUD_WINTER,
    GRID_INTENSITY_AMP,
    GRID_INTENSITY_MEAN,
    GRID_INTENSITY_RANGE,
    OUTDOOR_DAY_AMP_C,
    OUTDOOR_MEAN_C,
    OUTDOOR_SEASON_AMP_C,
    PUE_OUTDOOR_C,
    PUE_RANGE,
    SITE_LAT,
    SITE_LON,
    SITE_UTC_OFFSET_H,
    SITE_UTIL_DAILY_AMP,
    SITE_UTIL_MEAN,
    SITE_UTIL_RANGE,
    SITE_UTIL_WEEKEND_DIP,
    SOLAR_DERATE,
    WIND_CUT_IN_MS,
    WIND_CUT_OUT_MS,
    WIND_MEAN_MS,
    WIND_RATED_MS,
    WIND_SPREAD_MS,
)

DAY_S = 86_400.0
TWO_PI = 2.0 * np.pi


def _calendar(t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Day of year (0-based), UTC hour of day, and weekday (Monday = 0) of epoch seconds."""
    days = np.floor(t / DAY_S)
    hour = (t - days * DAY_S) / 3600.0
    d64 = days.astype("datetime64[D]")
    doy = (d64 - d64.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.float64)
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    return doy, hour, weekday


def solar_elevation_deg(
    t: np.ndarray | float, lat: float = SITE_LAT, lon: float = SITE_LON
) -> np.ndarray:
    """Sun elevation above the horizon in degrees at epoch seconds ``t`` (NOAA formulation)."""
    t = np.asarray(t, dtype=np.float64)
    doy, hour, _ = _calendar(t)
    g = TWO_PI / 365.0 * (doy + (hour - 12.0) / 24.0)
    eqtime = 229.18 * (
        0.000075
        + 0.001868 * np.cos(g)
        - 0.032077 * np.sin(g)
        - 0.014615 * np.cos(2 * g)
        - 0.040849 * np.sin(2 * g)
    )
    decl = (
        0.006918
        - 0.399912 * np.cos(g)
        + 0.070257 * np.sin(g)
        - 0.006758 * np.cos(2 * g)
        + 0.000907 * np.sin(2 * g)
        - 0.002697 * np.cos(3 * g)
        + 0.00148 * np.sin(3 * g)
    )
    true_solar_min = hour * 60.0 + eqtime + 4.0 * lon
    hour_angle = np.radians(true_solar_min / 4.0 - 180.0)
    phi = np.radians(lat)
    cos_zen = np.sin(phi) * np.sin(decl) + np.cos(phi) * np.cos(decl) * np.cos(hour_angle)
    return np.degrees(np.arcsin(np.clip(cos_zen, -1.0, 1.0)))


def clear_sky_fraction(t: np.ndarray | float) -> np.ndarray:
    """PV output of a clear sky as a fraction of peak power (Haurwitz GHI / 1000 W/m², derated)."""
    sin_el = np.sin(np.radians(solar_elevation_deg(t)))
    ghi = np.where(sin_el > 0.01, 1098.0 * sin_el * np.exp(-0.057 / np.maximum(sin_el, 0.01)), 0.0)
    return np.clip(ghi / 1000.0 * SOLAR_DERATE, 0.0, 1.0)


def wind_power_curve(speed_ms: np.ndarray) -> np.ndarray:
    """Fraction of rated output of a turbine at hub-height wind speed (cubic to rated)."""
    v = np.asarray(speed_ms, dtype=np.float64)
    lo, hi = WIND_CUT_IN_MS**3, WIND_RATED_MS**3
    frac = np.clip((v**3 - lo) / (hi - lo), 0.0, 1.0)
    return np.where((v < WIND_CUT_IN_MS) | (v >= WIND_CUT_OUT_MS), 0.0, frac)


class _Noise:
    """Smooth, zero-mean, unit-variance noise: a seeded sum of sinusoids."""

    def __init__(self, rng: np.random.Generator, n: int, period_h: tuple[float, float]) -> None:
        periods = np.exp(rng.uniform(np.log(period_h[0]), np.log(period_h[1]), n)) * 3600.0
        self.omega = TWO_PI / periods
        self.phase = rng.uniform(0.0, TWO_PI, n)
        amp = np.sqrt(periods)  # more energy in the slow components (red noise)
        self.amp = amp / np.sqrt(np.sum(amp**2) / 2.0)

    def __call__(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=np.float64)
        ang = np.multiply.outer(t, self.omega) + self.phase
        return np.sin(ang) @ self.amp


class Weather:
    """The site's weather, grid and demand, seeded and deterministic in time."""

    def __init__(self, seed: int) -> None:
        rng = np.random.default_rng([seed, 0x5EED_0002])
        self._temp = _Noise(rng, 8, (20.0, 400.0))
        self._cloud = _Noise(rng, 10, (3.0, 150.0))
        self._wind = _Noise(rng, 12, (2.0, 200.0))
        self._grid = _Noise(rng, 6, (2.0, 72.0))
        self._util = _Noise(rng, 6, (3.0, 120.0))

    def outdoor_c(self, t: np.ndarray) -> np.ndarray:
        """Outdoor dry-bulb temperature in °C: season, day and weather."""
        doy, hour, _ = _calendar(np.asarray(t, dtype=np.float64))
        season = -np.cos(TWO_PI * (doy - 20.0) / 365.25)  # -1 on 20 January, +1 in July
        day_amp = OUTDOOR_DAY_AMP_C[0] + (OUTDOOR_DAY_AMP_C[1] - OUTDOOR_DAY_AMP_C[0]) * (
            0.5 + 0.5 * season
        )
        diurnal = day_amp * np.cos(TWO_PI * (hour - 14.0) / 24.0)  # warmest at 15:00 local
        return OUTDOOR_MEAN_C + OUTDOOR_SEASON_AMP_C * season + diurnal + 1.8 * self._temp(t)

    def cloud(self, t: np.ndarray) -> np.ndarray:
        """Cloud cover 0-1: wet winters, clear summers."""
        doy, _, _ = _calendar(np.asarray(t, dtype=np.float64))
        base = CLOUD_SUMMER + (CLOUD_WINTER - CLOUD_SUMMER) * (
            0.5 + 0.5 * np.cos(TWO_PI * (doy - 15.0) / 365.25)
        )
        logit = np.log(base / (1.0 - base)) + 1.6 * self._cloud(t)
        return 1.0 / (1.0 + np.exp(-logit))

    def solar_fraction(self, t: np.ndarray) -> np.ndarray:
        """PV output as a fraction of peak: clear sky times the cloud loss."""
        return clear_sky_fraction(t) * (1.0 - CLOUD_SOLAR_LOSS * self.cloud(t))

    def wind_speed_ms(self, t: np.ndarray) -> np.ndarray:
        """Hub-height wind speed in m/s, with an afternoon sea breeze."""
        _, hour, _ = _calendar(np.asarray(t, dtype=np.float64))
        breeze = 0.8 * np.cos(TWO_PI * (hour - 15.0) / 24.0)
        return np.maximum(0.0, WIND_MEAN_MS + WIND_SPREAD_MS * self._wind(t) + breeze)

    def wind_fraction(self, t: np.ndarray) -> np.ndarray:
        """Wind farm output as a fraction of capacity (before availability and drops)."""
        return wind_power_curve(self.wind_speed_ms(t))

    def pue(self, t: np.ndarray) -> np.ndarray:
        """Power usage effectiveness, rising linearly with outdoor temperature."""
        lo, hi = PUE_OUTDOOR_C
        frac = np.clip((self.outdoor_c(t) - lo) / (hi - lo), 0.0, 1.0)
        return PUE_RANGE[0] + (PUE_RANGE[1] - PUE_RANGE[0]) * frac

    def grid_intensity(self, t: np.ndarray) -> np.ndarray:
        """Carbon intensity of grid imports in gCO2/kWh (highest at the evening peak)."""
        _, hour, _ = _calendar(np.asarray(t, dtype=np.float64))
        value = (
            GRID_INTENSITY_MEAN
            + GRID_INTENSITY_AMP * np.cos(TWO_PI * (hour - 20.0) / 24.0)
            + 8.0 * self._grid(t)
        )
        return np.clip(value, *GRID_INTENSITY_RANGE)

    def util_target(self, t: np.ndarray) -> np.ndarray:
        """Fraction of GPUs the schedulers keep allocated: busy afternoons, quieter weekends."""
        _, hour, weekday = _calendar(np.asarray(t, dtype=np.float64))
        local = hour + SITE_UTC_OFFSET_H
        value = (
            SITE_UTIL_MEAN
            + SITE_UTIL_DAILY_AMP * np.cos(TWO_PI * (local - 17.0) / 24.0)
            - SITE_UTIL_WEEKEND_DIP * (weekday >= 5)
            + 0.015 * self._util(t)
        )
        return np.clip(value, *SITE_UTIL_RANGE)
