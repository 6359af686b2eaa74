"""The site profile's energy flows: each a PromQL expression over the site's own metric
names, with its unit, converted to the console's units (MW, gCO2/kWh, %).

Config file (``[site.power]``; see README "Configuration" and ``docs/stock-site.toml``)::

    [site.power]
    it = { expr = 'sum(st4InputCordActivePower)', unit = "W" }
    facility = { expr = 'sum(meter_active_power_watts{meter="facility"})', unit = "W" }

A flow that is not configured is *not metered*: the power series carries NaN for it and
the reason (``PowerSeries.missing``), never an invented value. PUE and the renewable
share are derived (facility / IT; (facility - grid import) / facility) unless configured,
and say why they are n/a when an input is not metered. Plain Python, no Qt, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FLOWS: Mapping[str, tuple[str, str, str]] = {
    # config key: (power field, kind of unit, words)
    "it": ("it_mw", "power", "IT load"),
    "facility": ("facility_mw", "power", "facility load"),
    "solar": ("solar_mw", "power", "solar"),
    "wind": ("wind_mw", "power", "wind"),
    "battery_discharge": ("battery_discharge_mw", "power", "battery discharge"),
    "battery_charge": ("battery_charge_mw", "power", "battery charge"),
    "battery_soc": ("battery_soc_pct", "percent", "battery state of charge"),
    "grid_import": ("grid_mw", "power", "grid import"),
    "curtailment": ("curtailment_mw", "power", "curtailment"),
    "carbon_intensity": ("carbon_g_per_kwh", "carbon", "grid carbon intensity"),
    "pue": ("pue", "ratio", "PUE"),
    "renewable_share": ("renewable_share_pct", "percent", "renewable share"),
}
"""Every flow a site profile may configure. ``pue`` and ``renewable_share`` are derived
when not configured."""

FIELD_FLOW: Mapping[str, str] = {field: key for key, (field, _k, _w) in FLOWS.items()}

UNITS: Mapping[str, Mapping[str, float]] = {
    "power": {"W": 1e-6, "kW": 1e-3, "MW": 1.0, "GW": 1e3},
    "carbon": {"gCO2/kWh": 1.0, "gCO2eq/kWh": 1.0, "kgCO2/MWh": 1.0, "tCO2/MWh": 1000.0},
    "percent": {"%": 1.0, "ratio": 100.0},
    "ratio": {"ratio": 1.0},
}
"""Accepted units per kind and the factor to the console's unit (MW, gCO2/kWh, %, ratio)."""


@dataclass(frozen=True, slots=True)
class Flow:
    """One configured flow: ``expr`` in ``unit``; multiply by ``scale`` for console units."""

    key: str
    field: str
    expr: str
    unit: str
    scale: float

    @property
    def words(self) -> str:
        return FLOWS[self.key][2]


def parse_power_profile(table: Any, where: str = "[site.power]") -> dict[str, Flow]:
    """``[site.power]`` -> {field: Flow}; ValueError naming the key for anything wrong."""
    if not isinstance(table, Mapping):
        raise ValueError(f"{where} must be a table")
    out: dict[str, Flow] = {}
    for key, entry in table.items():
        if key not in FLOWS:
            known = ", ".join(FLOWS)
            raise ValueError(f"{where}: unknown flow '{key}' (known: {known})")
        field, kind, _words = FLOWS[key]
        if not isinstance(entry, Mapping):
            raise ValueError(f'{where}: {key} must be {{ expr = "...", unit = "..." }}')
        unknown = set(entry) - {"expr", "unit"}
        if unknown:
            raise ValueError(f"{where}: {key} has unknown keys {', '.join(sorted(unknown))}")
        expr, unit = entry.get("expr"), entry.get("unit")
        if not isinstance(expr, str) or not expr.strip():
            raise ValueError(f"{where}: {key} needs expr, a PromQL expression")
        units = UNITS[kind]
        if unit not in units:
            raise ValueError(f"{where}: {key} unit must be one of {', '.join(units)} (got {unit!r})")
        out[field] = Flow(key, field, expr.strip(), str(unit), units[str(unit)])
    return out


def hub_profile(metrics: Mapping[str, str]) -> dict[str, Flow]:
    """The simulated hub's own series (``hub_site_*``, already in console units)."""
    unit_of = {"power": "MW", "carbon": "gCO2/kWh", "percent": "%", "ratio": "ratio"}
    out: dict[str, Flow] = {}
    for field, metric in metrics.items():
        key = FIELD_FLOW.get(field)
        if key is None or not metric:
            continue
        kind = FLOWS[key][1]
        out[field] = Flow(key, field, metric, unit_of[kind], 1.0)
    return out


def not_metered_reason(key: str) -> str:
    """Why a flow that no profile entry configures has no values."""
    words = FLOWS[key][2]
    return f"not metered: no {words} meter configured ([site.power] {key})"


DERIVED = {
    "pue": (("facility_mw", "it_mw"), "facility load / IT load"),
    "renewable_share_pct": (("facility_mw", "grid_mw"), "(facility - grid import) / facility"),
}
"""Fields computed from others when not configured: inputs and formula."""


def derived_reason(field: str, missing: Mapping[str, str]) -> str | None:
    """Why a derived field is n/a (the first input that is not metered), else None."""
    inputs, _formula = DERIVED[field]
    for name in inputs:
        if name in missing:
            words = FLOWS[FIELD_FLOW[name]][2]
            reason = missing[name]
            if reason.startswith("not metered"):
                return f"n/a: no {words} meter configured"
            return f"n/a: {words}: {reason}"
    return None
