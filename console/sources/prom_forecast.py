"""A forecast read from Prometheus: the ``[forecast]`` section of the config file.

Prometheus holds samples of the present only (a sample stamped in the future is refused),
so a forecaster publishes its forecast **as gauges of now, one per lead time**: one gauge
per field, a ``quantile`` label (``p10``, ``p50``, ``p90``; ``0.1``, ``0.5``, ``0.9`` as
Prometheus summaries write them) and a ``horizon`` label (hours ahead of the issue, a
number: ``0.25``, ``1``, ``72``), and the issue time as a gauge of its own (epoch
seconds)::

    hub_forecast_issued_timestamp_seconds 1764450000
    hub_forecast_solar_mw{quantile="p10",horizon="0.25"} 41.2
    hub_forecast_solar_mw{quantile="p50",horizon="0.25"} 47.9
    hub_forecast_solar_mw{quantile="p90",horizon="0.25"} 52.0
    ...

The console reads each field with **one instant query** (all of them at once, within the
poll's single deadline) and the issue time with one more::

    [forecast]
    issued = "hub_forecast_issued_timestamp_seconds"
    solar_mw = "hub_forecast_solar_mw"
    wind_mw = "hub_forecast_wind_mw"
    grid_carbon_g_per_kwh = "hub_forecast_grid_carbon_g_per_kwh"
    # a field whose quantiles are series of their own (each keyed by horizon only):
    battery_soc_pct = { p10 = "soc_p10", p50 = "soc_p50", p90 = "soc_p90" }
    source = "site forecaster"       # shown with the forecast (default "Prometheus")
    quantile_label = "quantile"      # default
    horizon_label = "horizon"        # default

A field is any of :data:`~console.contract.FORECAST_FIELDS`, each optional, its value a
PromQL expression giving a vector keyed by the quantile and horizon labels, or a table of
one expression per quantile (joined into one query with ``label_replace`` and ``or``).
``issued`` is a PromQL expression of the issue time (the oldest if it gives several);
without it, the time the first field's samples were scraped (``min(timestamp(...))``):
right for a plain selector, though an exporter that keeps serving an old forecast then
looks fresh, so publish the issue time. Points of a horizon at or before 0 h are left out
(the present is not forecast), and so are those beyond
:data:`~console.contract.FORECAST_MAX_HOURS` h (the console reads no further); samples of
another quantile (``p25``) are left out too.

What is read goes through :func:`console.forecast.decode_forecast`: a field whose bands
are out of order or whose values are out of range is flagged, a forecast issued more than
:data:`~console.forecast.FORECAST_LATE_S` ago is flagged late; a field with a sample that
is not a number (NaN, ±Inf) is flagged too, and one configured without samples is flagged
"no samples". Garbage (a horizon that is no number, two samples of one quantile and
horizon, an issue time that is no date) is a :class:`SourceError` of one line.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from console.clean import text
from console.contract import FORECAST_FIELDS, FORECAST_MAX_HOURS, FORECAST_QUANTILES
from console.decode import DataError
from console.forecast import WHOLE, ForecastSnapshot, decode_forecast
from console.sources.base import SourceError
from console.sources.promql import PromClient, Result

QUANTILE_WORDS: Mapping[str, str] = MappingProxyType({
    "p10": "p10", "0.1": "p10", "0.10": "p10",
    "p50": "p50", "0.5": "p50", "0.50": "p50",
    "p90": "p90", "0.9": "p90", "0.90": "p90",
})  # fmt: skip
"""Values of the quantile label read as each of :data:`FORECAST_QUANTILES`."""

OPTION_KEYS = frozenset({"issued", "source", "quantile_label", "horizon_label"})
FORECAST_KEYS = frozenset(FORECAST_FIELDS) | OPTION_KEYS
"""The keys of ``[forecast]`` in the config file (README "Configuration")."""
DEFAULT_SOURCE = "Prometheus"
LABEL_NAME = r"[a-zA-Z_][a-zA-Z0-9_]*"
NO_SAMPLES = "no samples in Prometheus"
NO_SERIES = "the forecast series of [forecast] have no samples in Prometheus"


@dataclass(frozen=True, slots=True)
class PromForecast:
    """A checked ``[forecast]`` section: one query a field, the issue time's query."""

    queries: Mapping[str, str]
    """Field -> the PromQL of its three quantiles (one instant query)."""
    issued: str
    """PromQL of the issue time (epoch seconds)."""
    source: str = DEFAULT_SOURCE
    quantile_label: str = "quantile"
    horizon_label: str = "horizon"
    fields: tuple[str, ...] = field(default=())
    """The fields configured, in :data:`FORECAST_FIELDS` order."""


def _expression(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where} must be a PromQL expression (a non-empty string)")
    return value.strip()


def parse_forecast(table: Mapping[str, Any], where: str = "[forecast]") -> PromForecast | None:
    """The forecast a ``[forecast]`` table asks for; None when it configures no field.
    ValueError naming ``where`` and the key for a table that cannot be used (an unknown
    key, an expression that is not a string, a quantile table without p10, p50 and p90)."""
    if not isinstance(table, Mapping):
        raise ValueError(f"{where} must be a table")
    unknown = set(table) - FORECAST_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(sorted(FORECAST_KEYS))})")
    labels = {}
    for key, default in (("quantile_label", "quantile"), ("horizon_label", "horizon")):
        name = table.get(key, default)
        if not isinstance(name, str) or not re.fullmatch(LABEL_NAME, name):
            raise ValueError(f"{where} {key} must be a Prometheus label name, not {name!r}")
        labels[key] = name
    if labels["quantile_label"] == labels["horizon_label"]:
        raise ValueError(f"{where} quantile_label and horizon_label must differ")
    quantile = labels["quantile_label"]
    queries: dict[str, str] = {}
    first: str | None = None
    for name in FORECAST_FIELDS:
        if name not in table:
            continue
        value = table[name]
        if isinstance(value, Mapping):
            wrong = set(value) - set(FORECAST_QUANTILES)
            missing = [q for q in FORECAST_QUANTILES if q not in value]
            if wrong or missing:
                raise ValueError(f"{where} {name} must be one expression or a table of "
                                 f"p10, p50 and p90 expressions")
            parts = {q: _expression(value[q], f"{where} {name}.{q}") for q in FORECAST_QUANTILES}
            queries[name] = " or ".join(
                f'label_replace(({parts[q]}), "{quantile}", "{q}", "", "")'
                for q in FORECAST_QUANTILES)  # fmt: skip
            first = first or parts["p50"]
        else:
            queries[name] = _expression(value, f"{where} {name}")
            first = first or queries[name]
    if "issued" in table:
        issued = _expression(table["issued"], f"{where} issued")
    elif first is not None:
        issued = f"min(timestamp({first}))"
    else:
        issued = ""
    source = table.get("source", DEFAULT_SOURCE)
    if not isinstance(source, str) or not source.strip():
        raise ValueError(f"{where} source must be a non-empty string")
    if not queries:
        return None
    return PromForecast(
        queries=MappingProxyType(queries),
        issued=issued,
        source=text(source, 64) or DEFAULT_SOURCE,
        quantile_label=labels["quantile_label"],
        horizon_label=labels["horizon_label"],
        fields=tuple(queries),
    )


def _horizon(raw: str | None, name: str, label: str, backend: str) -> float:
    try:
        hours = float(raw) if raw is not None and len(raw) <= 32 else math.nan
    except ValueError:
        hours = math.nan
    if not math.isfinite(hours):
        shown = "none" if raw is None else repr(raw[:32])
        raise SourceError(backend, f"forecast {name}: label {label} {shown} is not a number "
                                   f"of hours ahead")
    return hours


def _points(
    result: Result, name: str, config: PromForecast, backend: str
) -> tuple[dict[float, dict[str, float]], bool]:
    """Horizon (h) -> quantile -> value of one field's answer, and whether a sample was
    not a number."""
    points: dict[float, dict[str, float]] = {}
    for series in result.series:
        q = QUANTILE_WORDS.get(series.labels.get(config.quantile_label, ""))
        if q is None:
            continue  # another quantile, or none
        hours = _horizon(series.labels.get(config.horizon_label), name, config.horizon_label,
                         backend)
        if not 0.0 < hours <= FORECAST_MAX_HOURS:
            continue
        at = points.setdefault(hours, {})
        if q in at:
            raise SourceError(backend, f"forecast {name}: two samples of {q} at {hours:g} h "
                                       f"(aggregate them in [forecast] {name}, e.g. "
                                       f"max without (instance) (...))")
        at[q] = series.value
    return points, result.non_finite > 0


def read_forecast(
    client: PromClient, config: PromForecast, now: float | None = None
) -> ForecastSnapshot:
    """The forecast of ``config`` as Prometheus holds it at ``now`` (default: this clock):
    one instant query a field and one of the issue time, run at once within what is left
    of the calling thread's :meth:`PromClient.deadline` (else the client's own). See the
    module's docstring for what is flagged and what is an error."""
    now = time.time() if now is None else now
    backend = client.backend
    queries = dict(config.queries)
    queries[""] = config.issued
    with client.deadline() as until:
        futures = {k: client.submit(client.query, q, now, until) for k, q in queries.items()}
        results = {k: f.result() for k, f in futures.items()}
    by_field: dict[str, dict[float, dict[str, float]]] = {}
    flags: dict[str, str] = {}
    for name in config.fields:
        points, garbage = _points(results[name], name, config, backend)
        if points:
            by_field[name] = points
        elif not results[name].series:
            flags[name] = NO_SAMPLES
        if garbage:
            flags[name] = "values that are not numbers"
    if not by_field:
        return ForecastSnapshot(time=now, received=now, issued=now, source=config.source,
                                flags=MappingProxyType({WHOLE: NO_SERIES, **flags}))
    stamps = [s.value for s in results[""].series if math.isfinite(s.value)]
    if not stamps:
        raise SourceError(backend, f"forecast: no issue time ([forecast] issued: "
                                   f"{config.issued[:80]} gave no number)")
    issued = min(stamps)
    hours = sorted(set().union(*by_field.values()))
    series = {
        name: {q: [points.get(h, {}).get(q) for h in hours] for q in FORECAST_QUANTILES}
        for name, points in by_field.items()
    }
    payload = {"issued": issued, "t": [issued + h * 3600.0 for h in hours], "series": series,
               "source": config.source}
    try:
        snapshot = decode_forecast(payload, now=now, received=now)
    except DataError as exc:
        raise SourceError(backend, str(exc)) from None
    if flags:
        snapshot = _with_flags(snapshot, flags)
    return snapshot


def _with_flags(snapshot: ForecastSnapshot, flags: Mapping[str, str]) -> ForecastSnapshot:
    merged = dict(snapshot.flags)
    for name, why in flags.items():
        merged.setdefault(name, why)
    return replace(snapshot, flags=MappingProxyType(merged))
