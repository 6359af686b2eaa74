"""A zone's grid carbon forecast (Electricity Maps) merged into the console's forecast.

The console's forecast (:class:`console.forecast.ForecastSnapshot`) holds each field as a
P10/P50/P90 band on its own times. Electricity Maps forecasts the carbon intensity of a
zone's electricity as one value an hour, with no quantiles: merged, it becomes the
``grid_carbon_g_per_kwh`` band with **P10 = P50 = P90** (a band of no width, drawn as a
line: the error of that forecast is not published, and none is invented), on the
forecast's times, interpolated linearly between the zone's hourly points and unknown (NaN)
outside them. It replaces the band the hub gave for that field. A zone forecast updated
more than :data:`~console.forecast.FORECAST_LATE_S` before now is flagged late (that field
only). A hub forecast flagged late as a whole keeps that reason on each of its own fields,
so the zone's fresh band is still drawn. Without a hub forecast (a site read from
Prometheus, whose forecast is absent) the result holds the grid carbon band alone.

Plain Python and numpy, no Qt, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np

from console.clean import text
from console.contract import FORECAST_FIELDS, FORECAST_MAX_HOURS, FORECAST_STEP_S
from console.forecast import (
    FORECAST_LATE_S,
    FORECAST_SOURCE_CHARS,
    WHOLE,
    Band,
    ForecastSnapshot,
)
from console.model import frozen

FIELD = "grid_carbon_g_per_kwh"
"""The forecast field the zone's forecast becomes."""
SOURCE_WORDS = "Electricity Maps"


@dataclass(frozen=True, slots=True)
class ZoneForecast:
    """A zone's carbon intensity forecast as Electricity Maps gave it."""

    zone: str
    updated: float | None
    """When Electricity Maps updated it (epoch s; ``updatedAt``), None when not said."""
    points: Sequence[tuple[float, float]]
    """``(time, gCO2eq/kWh)`` in strictly increasing time order."""


def _on_times(zone: ZoneForecast, t: np.ndarray) -> np.ndarray:
    """The zone's values at ``t``: linear between its points, NaN outside them."""
    when = np.array([p[0] for p in zone.points], dtype=float)
    value = np.array([p[1] for p in zone.points], dtype=float)
    out = np.interp(t, when, value) if len(when) else np.full(len(t), np.nan)
    out[(t < when[0]) | (t > when[-1])] = np.nan
    return out


def _late(zone: ZoneForecast, now: float) -> str | None:
    if zone.updated is None:
        return None
    late = now - zone.updated
    if late > FORECAST_LATE_S:
        return f"late: {SOURCE_WORDS} forecast updated {late / 3600:.1f} h ago"
    return None


def merge_grid_carbon(
    forecast: ForecastSnapshot | None, zone: ZoneForecast, now: float
) -> ForecastSnapshot:
    """``forecast`` with ``zone``'s forecast as its ``grid_carbon_g_per_kwh`` band (see the
    module's docstring); without ``forecast``, a forecast of grid carbon alone on the zone's
    own times after its update (or ``now``), within
    :data:`~console.contract.FORECAST_MAX_HOURS` h."""
    if not zone.points:
        raise ValueError("a zone forecast without points")
    why_late = _late(zone, now)
    if forecast is None:
        issued = zone.updated if zone.updated is not None else now
        t = np.array([p[0] for p in zone.points], dtype=float)
        t = t[(t > issued) & (t <= issued + FORECAST_MAX_HOURS * 3600.0)]
        step = float(np.median(np.diff(t))) if len(t) > 1 else FORECAST_STEP_S
        forecast = ForecastSnapshot(time=issued, received=now, issued=issued, step=step,
                                    t=frozen(t), source="")
        values = _on_times(zone, t)
    else:
        values = _on_times(zone, np.asarray(forecast.t, dtype=float))
    flags = dict(forecast.flags)
    whole = flags.pop(WHOLE, None)
    if whole is not None:  # the hub's forecast is late; the zone's need not be
        for name in FORECAST_FIELDS:
            if name != FIELD:
                flags.setdefault(name, whole)
    flags.pop(FIELD, None)
    if why_late is not None:
        flags[FIELD] = why_late
    bands = dict(forecast.bands)
    if np.isfinite(values).any():
        line = frozen(values)
        bands[FIELD] = Band(line, line, line)
    else:
        bands.pop(FIELD, None)
    words = f"{SOURCE_WORDS} {zone.zone}"
    source = f"{forecast.source} + {words}" if forecast.source else words
    return replace(
        forecast,
        bands=MappingProxyType(bands),
        flags=MappingProxyType(flags),
        source=text(source, FORECAST_SOURCE_CHARS) or words,
    )
