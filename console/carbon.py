"""Carbon intensity of the electricity the site draws.

``GRID_CARBON_G_PER_KWH`` is the default carbon intensity of grid imports, in grams of
CO2-equivalent per kWh, used wherever a source gives none: Morocco's grid, a yearly
average on a lifecycle basis (Electricity Maps' zone average for Morocco, about
620 gCO2eq/kWh). Every module that needs the default grid intensity imports it from here,
so the figure is kept in one place.
"""

from __future__ import annotations

GRID_CARBON_G_PER_KWH = 620.0
"""Default carbon intensity of grid imports (gCO2eq/kWh, lifecycle): Morocco's grid."""

RENEWABLE_CARBON_G_PER_KWH = 0.0
"""Operational carbon intensity counted for the site's own wind, solar and the battery
(charged from them): none at the point of use."""
