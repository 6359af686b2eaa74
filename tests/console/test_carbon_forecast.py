"""A zone's grid carbon forecast merged into the console's forecast: the band's values
(P10 = P50 = P90, linear between hourly points, unknown outside them), the hub's band
replaced, lateness flagged on the right fields, a forecast of grid carbon alone."""

from __future__ import annotations

import math

import numpy as np
import pytest

from console.carbon_forecast import FIELD, ZoneForecast, merge_grid_carbon
from console.contract import FORECAST_FIELDS, FORECAST_MAX_HOURS
from console.forecast import FORECAST_LATE_S, WHOLE, decode_forecast

ISSUED = 1_764_450_000.0  # a whole hour
HOUR = 3600.0


def hub_forecast(n: int = 16, now: float = ISSUED + 60, carbon_p10: float = 640.0) -> dict:
    t = [ISSUED + 900.0 * (i + 1) for i in range(n)]
    series = {name: {"p10": [10.0] * n, "p50": [11.0] * n, "p90": [12.0] * n}
              for name in FORECAST_FIELDS}
    series["grid_carbon_g_per_kwh"] = {"p10": [carbon_p10] * n, "p50": [650.0] * n,
                                       "p90": [660.0] * n}
    return {"issued": ISSUED, "step": 900.0, "t": t, "source": "simulated", "series": series}


def zone(updated: float | None = ISSUED, hours: int = 3, first: float = ISSUED) -> ZoneForecast:
    return ZoneForecast("MA", updated, tuple((first + i * HOUR, 500.0 + 40.0 * i)
                                            for i in range(hours)))


def test_zone_forecast_becomes_the_grid_carbon_band_of_the_hub_forecast() -> None:
    hub = decode_forecast(hub_forecast(), now=ISSUED + 60)
    merged = merge_grid_carbon(hub, zone(), now=ISSUED + 60)
    band = merged.band(FIELD)
    assert band is not None
    # the hub's times kept; linear between the zone's hourly points; no width
    assert np.array_equal(merged.t, hub.t) and merged.issued == hub.issued
    assert band.p50[:4].tolist() == [510.0, 520.0, 530.0, 540.0]
    assert band.p50[7] == 580.0  # the zone's last point, 2 h after the first
    assert np.isnan(band.p50[8:]).all()  # after its last point: not known, not extended
    assert band.p10 is band.p50 and band.p90 is band.p50
    assert not band.p50.flags.writeable
    # the hub's other fields untouched, its own carbon band gone
    assert merged.band("solar_mw") is hub.band("solar_mw")
    assert merged.source == "simulated + Electricity Maps MA" and not merged.flags


def test_the_hub_band_flag_goes_with_it() -> None:
    hub = decode_forecast(hub_forecast(carbon_p10=700.0), now=ISSUED + 60)  # out of order
    assert hub.band(FIELD) is None and FIELD in hub.flags
    merged = merge_grid_carbon(hub, zone(), now=ISSUED + 60)
    assert merged.band(FIELD) is not None and FIELD not in merged.flags


def test_a_late_zone_forecast_is_flagged_on_its_field_only() -> None:
    hub = decode_forecast(hub_forecast(), now=ISSUED + 60)
    merged = merge_grid_carbon(hub, zone(updated=ISSUED - FORECAST_LATE_S - 2 * HOUR),
                               now=ISSUED + 60)
    assert merged.band(FIELD) is None
    assert merged.why_absent(FIELD) == "late: Electricity Maps forecast updated 5.0 h ago"
    assert merged.band("wind_mw") is not None


def test_a_late_hub_forecast_keeps_its_reason_on_its_own_fields() -> None:
    now = ISSUED + FORECAST_LATE_S + HOUR
    hub = decode_forecast(hub_forecast(n=40), now=now)
    assert WHOLE in hub.flags
    merged = merge_grid_carbon(hub, zone(updated=now - 600, first=ISSUED + 3 * HOUR,
                                         hours=8), now=now)
    assert WHOLE not in merged.flags
    for name in FORECAST_FIELDS:
        if name != FIELD:
            assert merged.band(name) is None and merged.why_absent(name) == hub.flags[WHOLE]
    assert merged.band(FIELD) is not None


def test_without_a_hub_forecast_the_zone_forecast_stands_alone() -> None:
    updated = ISSUED + 300
    points = tuple((ISSUED + i * HOUR, 600.0 - i) for i in range(80))
    merged = merge_grid_carbon(None, ZoneForecast("MA", updated, points), now=updated + 60)
    assert merged.issued == merged.time == updated and merged.step == HOUR
    assert merged.t[0] == ISSUED + HOUR  # after it was made
    assert merged.t[-1] <= updated + FORECAST_MAX_HOURS * HOUR and len(merged) == 72
    assert set(merged.bands) == {FIELD} and merged.band(FIELD).p50[0] == 599.0
    assert merged.band("solar_mw") is None and merged.why_absent("solar_mw") == "not forecast"
    assert merged.source == "Electricity Maps MA"
    no_update = merge_grid_carbon(None, ZoneForecast("MA", None, points), now=ISSUED + 1)
    assert no_update.issued == ISSUED + 1 and no_update.t[0] == ISSUED + HOUR


def test_a_zone_forecast_outside_the_hub_times_adds_no_band() -> None:
    hub = decode_forecast(hub_forecast(), now=ISSUED + 60)
    later = zone(first=ISSUED + 30 * HOUR)
    merged = merge_grid_carbon(hub, later, now=ISSUED + 60)
    assert FIELD not in merged.bands and merged.why_absent(FIELD) == "not forecast"
    with pytest.raises(ValueError):
        merge_grid_carbon(hub, ZoneForecast("MA", ISSUED, ()), now=ISSUED)
    assert math.isfinite(hub.band(FIELD).p50[0])  # the hub's snapshot itself unchanged
