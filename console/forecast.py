"""The forecast of supply, battery, grid carbon and load: its model and its decoder.

``GET /api/v1/forecast?hours=N`` answers (see :mod:`console.contract`, ``FORECAST_*``)::

    {"issued": epoch s, "step": s, "t": [epoch s, ...], "source": "simulated",
     "series": {"solar_mw": {"p10": [...], "p50": [...], "p90": [...]}, ...}}

Every field is optional, arrays are aligned with ``t`` and ``null`` is a point not known.
A forecast is never drawn as fact when it cannot be trusted: :func:`decode_forecast`
flags a field whose bands are out of order (P10 > P50 or P50 > P90), hold values that are
not numbers, or hold values outside the field's range (negative power, a state of charge
above 100 %), and flags the whole forecast when it was issued more than
:data:`FORECAST_LATE_S` before now. :meth:`ForecastSnapshot.band` gives None for a field
absent or flagged, so a view has to say why it draws nothing.
"""

from __future__ import annotations

import math
import time as _time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from console.clean import text
from console.contract import (
    FORECAST_FIELDS,
    FORECAST_MAX_HOURS,
    FORECAST_QUANTILES,
    FORECAST_STEP_S,
)
from console.decode import DataError, _numeric
from console.model import EPOCH_LIMITS, POWER_LIMITS, Snapshot, frozen

FORECAST_LATE_S = 3 * 3600.0
"""A forecast issued longer than this before now is flagged late as a whole (a forecast is
issued every hour; three missed issues mean the forecaster has stopped)."""

FORECAST_MAX_POINTS = 10_000
"""Most points a forecast may hold (72 h at one point a minute is 4,320)."""

FORECAST_SOURCE_CHARS = 64
"""Longest ``source`` text kept (cut with an ellipsis)."""

FORECAST_LIMITS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "solar_mw": POWER_LIMITS["solar_mw"],
        "wind_mw": POWER_LIMITS["wind_mw"],
        "battery_soc_pct": POWER_LIMITS["battery_soc_pct"],
        "grid_carbon_g_per_kwh": POWER_LIMITS["carbon_g_per_kwh"],
        "it_mw": POWER_LIMITS["it_mw"],
        "facility_mw": POWER_LIMITS["facility_mw"],
    }
)
"""Each field's plausible range, inclusive; a value outside it flags the field."""
assert set(FORECAST_LIMITS) == set(FORECAST_FIELDS)

WHOLE = "*"
"""The key in :attr:`ForecastSnapshot.flags` of a reason that holds for the whole forecast
(late, for one)."""

RENEWABLE = "renewable_mw"
"""The name of the solar + wind band (:meth:`ForecastSnapshot.renewable`)."""


@dataclass(frozen=True, slots=True)
class Band:
    """A field's P10, P50 and P90 (read-only float arrays aligned with the forecast's ``t``;
    NaN where a point is not known)."""

    p10: np.ndarray
    p50: np.ndarray
    p90: np.ndarray

    def __len__(self) -> int:
        return len(self.p50)

    def quantile(self, name: str) -> np.ndarray:
        """``p10``, ``p50`` or ``p90`` by name."""
        return {"p10": self.p10, "p50": self.p50, "p90": self.p90}[name]


def _empty() -> np.ndarray:
    return frozen(np.zeros(0))


@dataclass(frozen=True, slots=True)
class ForecastSnapshot(Snapshot):
    """A forecast as the source made it, with what of it is not to be trusted.

    ``time`` is ``issued`` (when the forecast was made, the source's clock).
    """

    issued: float = 0.0
    step: float = FORECAST_STEP_S
    t: np.ndarray = field(default_factory=_empty)
    bands: Mapping[str, Band] = field(default_factory=dict)
    source: str = ""
    flags: Mapping[str, str] = field(default_factory=dict)
    """Field -> why it is not to be trusted (:data:`WHOLE` for the whole forecast)."""

    kind = "forecast"

    def __len__(self) -> int:
        return len(self.t)

    @property
    def end(self) -> float:
        """The last point's time; ``issued`` when the forecast holds no point."""
        return float(self.t[-1]) if len(self.t) else self.issued

    def flag(self, name: str) -> str | None:
        """Why ``name`` is not to be trusted (the whole forecast's reason first), or None."""
        return self.flags.get(WHOLE) or self.flags.get(name)

    def band(self, name: str) -> Band | None:
        """The field's band; None when the forecast does not hold it or it is flagged."""
        if self.flag(name) is not None:
            return None
        return self.bands.get(name)

    def renewable(self) -> Band | None:
        """Solar + wind: P10 + P10, P50 + P50, P90 + P90; None unless both are there and
        trusted.

        Adding quantiles is exact when the two errors move together and otherwise gives a
        band at least as wide as the sum's true P10-P90 (the errors of solar and wind partly
        cancel): a conservative band, never one narrower than what is known.
        """
        solar, wind = self.band("solar_mw"), self.band("wind_mw")
        if solar is None or wind is None:
            return None
        return Band(frozen(solar.p10 + wind.p10), frozen(solar.p50 + wind.p50),
                    frozen(solar.p90 + wind.p90))

    def why_absent(self, name: str) -> str:
        """Why :meth:`band` (or :meth:`renewable` for :data:`RENEWABLE`) gives None: the flag,
        or "not forecast"; empty when the band is there."""
        names = ("solar_mw", "wind_mw") if name == RENEWABLE else (name,)
        for one in names:
            why = self.flag(one)
            if why is not None:
                return why
            if one not in self.bands:
                return "not forecast"
        return ""


def _number(payload: Mapping[str, Any], key: str, limits: tuple[float, float]) -> float:
    value = payload.get(key)
    if not (type(value) is int or type(value) is float and math.isfinite(value)):
        raise DataError(f"forecast: '{key}' must be a number")
    if not limits[0] <= value <= limits[1]:
        raise DataError(f"forecast: '{key}' {value!r} is out of range {limits[0]:,g} to {limits[1]:,g}")
    return float(value)


def _field(name: str, raw: Any, n: int) -> tuple[Band | None, str | None]:
    """Decode one series: its band (None when it holds no known point) and why it is flagged."""
    if not isinstance(raw, Mapping):
        raise DataError(f"forecast: series '{name}' must be an object of p10, p50 and p90")
    arrays: list[np.ndarray] = []
    garbage = 0
    for q in FORECAST_QUANTILES:
        if q not in raw:
            raise DataError(f"forecast: series '{name}' has no '{q}'")
        arr, bad = _numeric(raw[q], "forecast", f"{name}.{q}", n)
        garbage += bad
        arrays.append(arr)
    p10, p50, p90 = arrays
    known = np.isfinite(p10) | np.isfinite(p50) | np.isfinite(p90)
    why = None
    lo, hi = FORECAST_LIMITS[name]
    with np.errstate(invalid="ignore"):
        infinite = any(bool(np.isinf(a).any()) for a in arrays)
        out = any(bool(((a < lo) | (a > hi)).any()) for a in arrays)
        disorder = bool(((p10 > p50) | (p50 > p90) | (p10 > p90)).any())
    if garbage or infinite:
        why = "values that are not numbers"
    elif out:
        why = f"values outside {lo:,g} to {hi:,g}"
    elif disorder:
        why = "bands out of order (P10 > P50 or P50 > P90)"
    if not known.any() and why is None:
        return None, None
    return Band(frozen(p10), frozen(p50), frozen(p90)), why


def decode_forecast(
    payload: Any, now: float | None = None, received: float | None = None
) -> ForecastSnapshot:
    """Decode ``GET /api/v1/forecast``.

    DataError on a wrong shape: not an object; ``issued`` not a plausible date; ``t`` not
    numbers, not strictly increasing, not after ``issued`` or past ``issued`` +
    :data:`~console.contract.FORECAST_MAX_HOURS` h; a series not an object of three arrays
    as long as ``t``. A field not in :data:`~console.contract.FORECAST_FIELDS` is left out
    (a newer hub); a field whose arrays hold no known point is absent. Flags (never errors):
    a field's values not numbers or out of range, its bands out of order; the whole forecast
    issued more than :data:`FORECAST_LATE_S` before ``now`` (default: the arrival time).
    """
    arrival = _time.time() if received is None else received
    now = arrival if now is None else now
    if not isinstance(payload, Mapping):
        raise DataError(f"forecast: expected a JSON object, got {type(payload).__name__}")
    missing = [k for k in ("issued", "t", "series") if k not in payload]
    if missing:
        raise DataError(f"forecast: missing field(s) {', '.join(missing)}")
    issued = _number(payload, "issued", EPOCH_LIMITS)
    raw_t = payload["t"]
    if isinstance(raw_t, list) and len(raw_t) > FORECAST_MAX_POINTS:
        raise DataError(f"forecast: {len(raw_t):,} points; at most {FORECAST_MAX_POINTS:,} are read")
    t, garbage = _numeric(raw_t, "forecast", "t", None)
    if garbage or not np.isfinite(t).all():
        raise DataError("forecast: 't' must hold numbers only")
    if len(t) and (np.diff(t) <= 0).any():
        raise DataError("forecast: 't' must be strictly increasing")
    horizon = issued + FORECAST_MAX_HOURS * 3600.0
    if len(t) and not (t[0] > issued and t[-1] <= horizon):
        raise DataError(f"forecast: 't' must lie after 'issued' and within {FORECAST_MAX_HOURS} h of it")
    step = FORECAST_STEP_S
    if payload.get("step") is not None:
        step = _number(payload, "step", (1.0, 86_400.0))
    elif len(t) > 1:
        step = float(np.median(np.diff(t)))
    series = payload["series"]
    if not isinstance(series, Mapping):
        raise DataError("forecast: 'series' must be an object")
    bands: dict[str, Band] = {}
    flags: dict[str, str] = {}
    for name in FORECAST_FIELDS:
        if name not in series or series[name] is None:
            continue
        band, why = _field(name, series[name], len(t))
        if band is not None:
            bands[name] = band
        if why is not None:
            flags[name] = why
    late = now - issued
    if late > FORECAST_LATE_S:
        flags[WHOLE] = f"late: issued {late / 3600:.1f} h ago"
    source = text(payload.get("source"), FORECAST_SOURCE_CHARS) or ""
    return ForecastSnapshot(
        time=issued,
        received=arrival,
        issued=issued,
        step=step,
        t=frozen(t),
        bands=MappingProxyType(bands),
        source=source,
        flags=MappingProxyType(flags),
    )


def encode_forecast(snapshot: ForecastSnapshot) -> dict[str, Any]:
    """The wire form of ``snapshot`` (NaN as null): what :func:`decode_forecast` reads back."""

    def listed(a: np.ndarray) -> list[float | None]:
        return [None if not math.isfinite(v) else v for v in a.tolist()]

    return {
        "issued": snapshot.issued,
        "step": snapshot.step,
        "t": snapshot.t.tolist(),
        "source": snapshot.source,
        "series": {name: {q: listed(b.quantile(q)) for q in FORECAST_QUANTILES}
                   for name, b in snapshot.bands.items()},
    }
