"""Carbon intensity of the electricity the site draws.

``GRID_CARBON_G_PER_KWH`` is the default carbon intensity of grid imports, in grams of
CO2-equivalent per kWh, used wherever a source gives none: Morocco's grid, a yearly
average on a life-cycle basis. Every module that needs the default grid intensity imports
it from here, so the figure is kept in one place.

The figure, **527 gCO2eq/kWh**, is Electricity Maps' 2024 yearly average carbon intensity
of electricity consumed in its zone ``MA`` (Morocco), life cycle (the API's default
emission factors). Electricity Maps publishes it through its API (``GET
/v3/carbon-intensity/past?zone=MA&temporalGranularity=yearly&datetime=2024-12-31T12:00Z``)
and in its Data Portal's yearly dataset for Morocco (https://www.electricitymaps.com/
data-portal, ODbL); the value as read here is the one The Green Web Foundation's CO2.js
redistributes from that API (``data/output/electricity-maps/yearly_2024.json``, zone
``MA``; 2023: 573). Electricity Maps revises a year's figures when it publishes the next.
docs/CARBON.md says what the figure is, life cycle against direct, and where it is used;
``[carbon] grid_g_per_kwh`` in the config file overrides it (:func:`configured_intensity`),
and the live value of an Electricity Maps zone, when one is configured
(``console.sources.electricitymaps``), is preferred while it is recent (:func:`grid_carbon`).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

GRID_CARBON_G_PER_KWH = 527.0
"""Default carbon intensity of grid imports (gCO2eq/kWh, life cycle): Morocco's grid,
Electricity Maps' 2024 yearly average for zone MA (see the module's docstring)."""

RENEWABLE_CARBON_G_PER_KWH = 0.0
"""Operational carbon intensity counted for the site's own wind, solar and the battery
(charged from them): none at the point of use."""

GRID_CARBON_CITATION = (
    "Electricity Maps, zone MA (Morocco), 2024 yearly average, life cycle "
    "(electricitymaps.com data portal; API v3 carbon-intensity/past, yearly)"
)
"""Where :data:`GRID_CARBON_G_PER_KWH` is published, in one line (for reports)."""
GRID_CARBON_ZONE = "MA"
"""The Electricity Maps zone of the default, and of the live source unless configured."""
GRID_CARBON_MAX_G_PER_KWH = 2000.0
"""Highest carbon intensity taken as real (the dirtiest grids are about 1,000-1,200)."""
LIVE_MAX_AGE_S = 3 * 3600.0
"""A live value older (or further ahead) than this is not used for accounting."""

ORIGIN_DEFAULT = "default"
ORIGIN_CONFIG = "config"
ORIGIN_LIVE = "electricitymaps"


def check_intensity(value: Any, where: str) -> float:
    """``value`` as a carbon intensity in gCO2eq/kWh: a finite number in 0..2000, else
    ValueError naming ``where``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where} must be a number of gCO2eq/kWh, not {value!r}")
    number = float(value)
    if not math.isfinite(number) or not 0.0 <= number <= GRID_CARBON_MAX_G_PER_KWH:
        raise ValueError(f"{where} must be between 0 and {GRID_CARBON_MAX_G_PER_KWH:g} "
                         f"gCO2eq/kWh, not {value!r}")
    return number


def configured_intensity(table: Mapping[str, Any], where: str = "[carbon]") -> float:
    """The grid carbon intensity of a ``[carbon]`` table: ``grid_g_per_kwh`` when given
    (checked), else :data:`GRID_CARBON_G_PER_KWH`."""
    if "grid_g_per_kwh" not in table:
        return GRID_CARBON_G_PER_KWH
    return check_intensity(table["grid_g_per_kwh"], f"{where} grid_g_per_kwh")


CARBON_KEYS = frozenset({
    "grid_g_per_kwh", "electricitymaps_token", "electricitymaps_url", "zone", "verify_tls",
    "refresh_s", "timeout_connect", "timeout_read", "deadline_s", "max_body_mb",
})
"""The keys of ``[carbon]`` in the config file (README "Configuration", docs/CARBON.md)."""
ZONE_PATTERN = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]+)*\Z")
"""An Electricity Maps zone key: a country code, then parts after dashes (``US-CAL-CISO``)."""


def check_carbon_table(table: Mapping[str, Any], where: str = "[carbon]") -> None:
    """ValueError naming ``where`` and the key for a ``[carbon]`` table the console cannot
    use (an unknown key, an intensity outside 0..2000, a zone or URL that is not one)."""
    unknown = set(table) - CARBON_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(sorted(CARBON_KEYS))})")
    configured_intensity(table, where)
    for key in ("electricitymaps_token", "electricitymaps_url", "zone"):
        if key in table and (not isinstance(table[key], str) or not table[key].strip()):
            raise ValueError(f"{where} {key} must be a non-empty string")
    if "zone" in table and not ZONE_PATTERN.match(table["zone"]):
        raise ValueError(f"{where} zone {table['zone']!r} is not an Electricity Maps zone "
                         "(e.g. MA, US-CAL-CISO)")
    url = table.get("electricitymaps_url")
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{where} electricitymaps_url must be an http(s) URL")
        if parts.username or parts.password:
            raise ValueError(f"{where} electricitymaps_url takes no user or password "
                             "(the token goes in electricitymaps_token)")
    verify = table.get("verify_tls", True)
    if not isinstance(verify, bool | str):
        raise ValueError(f"{where} verify_tls must be true, false or a CA bundle's path")
    refresh = table.get("refresh_s", 900.0)
    if isinstance(refresh, bool) or not isinstance(refresh, int | float) or not refresh >= 60:
        raise ValueError(f"{where} refresh_s must be a number of seconds, at least 60")


@dataclass(frozen=True, slots=True)
class GridCarbon:
    """The grid carbon intensity to account with, and where it came from."""

    g_per_kwh: float
    origin: str
    """:data:`ORIGIN_LIVE` (the zone's latest value), :data:`ORIGIN_CONFIG` (``[carbon]
    grid_g_per_kwh``) or :data:`ORIGIN_DEFAULT` (the cited figure)."""
    time: float | None = None
    """When the live value held (epoch s); None for a configured or default value."""


def grid_carbon(
    table: Mapping[str, Any] | None = None,
    latest: tuple[float, float] | None = None,
    now: float | None = None,
    max_age_s: float = LIVE_MAX_AGE_S,
) -> GridCarbon:
    """The grid carbon intensity for accounting where the site's own series gives none:
    the live ``latest`` ``(time, gCO2eq/kWh)`` of the configured zone while it is within
    ``max_age_s`` of ``now`` (default: this clock), else ``[carbon] grid_g_per_kwh`` of
    ``table``, else the cited default."""
    if latest is not None:
        now = time.time() if now is None else now
        when, value = latest
        if (math.isfinite(when) and abs(now - when) <= max_age_s and math.isfinite(value)
                and 0.0 <= value <= GRID_CARBON_MAX_G_PER_KWH):
            return GridCarbon(float(value), ORIGIN_LIVE, float(when))
    table = table or {}
    if "grid_g_per_kwh" in table:
        return GridCarbon(configured_intensity(table), ORIGIN_CONFIG)
    return GridCarbon(GRID_CARBON_G_PER_KWH, ORIGIN_DEFAULT)
