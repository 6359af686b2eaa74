"""The forecast model and its decoder: shapes, flags (bands out of order, out of range,
late), garbage refused with DataError."""

from __future__ import annotations

import math

import numpy as np
import pytest

from console.contract import FORECAST_FIELDS, FORECAST_MAX_HOURS, FORECAST_QUANTILES
from console.decode import DataError
from console.forecast import (
    FORECAST_LATE_S,
    RENEWABLE,
    WHOLE,
    ForecastSnapshot,
    decode_forecast,
    encode_forecast,
)

ISSUED = 1_764_450_000.0


def payload(n: int = 8, step: float = 900.0, **series_over) -> dict:
    t = [ISSUED + step * (i + 1) for i in range(n)]
    series = {}
    for k, name in enumerate(FORECAST_FIELDS):
        base = 10.0 + k
        series[name] = {"p10": [base - 1] * n, "p50": [base] * n, "p90": [base + 1] * n}
    series.update(series_over)
    return {"issued": ISSUED, "step": step, "t": t, "source": "simulated", "series": series}


def test_decodes_every_field_aligned_with_t():
    snap = decode_forecast(payload(), now=ISSUED + 60)
    assert isinstance(snap, ForecastSnapshot) and snap.kind == "forecast"
    assert snap.issued == snap.time == ISSUED and snap.step == 900.0 and len(snap) == 8
    assert snap.source == "simulated" and not snap.flags
    for name in FORECAST_FIELDS:
        band = snap.band(name)
        assert band is not None and len(band) == 8
        assert (band.p10 <= band.p50).all() and (band.p50 <= band.p90).all()
        assert not band.p50.flags.writeable
    assert snap.end == ISSUED + 8 * 900


def test_renewable_adds_quantiles():
    snap = decode_forecast(payload(), now=ISSUED)
    ren = snap.renewable()
    assert ren is not None
    np.testing.assert_allclose(ren.p10, snap.bands["solar_mw"].p10 + snap.bands["wind_mw"].p10)
    np.testing.assert_allclose(ren.p90, snap.bands["solar_mw"].p90 + snap.bands["wind_mw"].p90)
    assert snap.why_absent(RENEWABLE) == ""


def test_fields_optional_nulls_are_gaps():
    body = payload(3)
    body["series"] = {"wind_mw": {"p10": [1, None, 1], "p50": [2, None, 2], "p90": [3, None, 3]},
                      "unknown_field": {"p10": "x"}}
    snap = decode_forecast(body, now=ISSUED)
    band = snap.band("wind_mw")
    assert band is not None and math.isnan(band.p50[1]) and not snap.flags
    assert snap.band("solar_mw") is None and snap.why_absent("solar_mw") == "not forecast"
    assert snap.renewable() is None and snap.why_absent(RENEWABLE) == "not forecast"


def test_all_null_field_is_absent():
    body = payload(2, solar_mw={q: [None, None] for q in FORECAST_QUANTILES})
    snap = decode_forecast(body, now=ISSUED)
    assert "solar_mw" not in snap.bands and "solar_mw" not in snap.flags


def test_bands_out_of_order_flagged_not_drawn():
    body = payload(4, wind_mw={"p10": [5, 5, 9, 5], "p50": [6, 6, 6, 6], "p90": [7, 7, 7, 7]})
    snap = decode_forecast(body, now=ISSUED)
    assert "out of order" in snap.flags["wind_mw"]
    assert snap.band("wind_mw") is None and "wind_mw" in snap.bands
    assert snap.renewable() is None and "out of order" in snap.why_absent(RENEWABLE)
    assert snap.band("solar_mw") is not None  # the others are still drawn


@pytest.mark.parametrize("values, why", [
    ([-1, 1], "outside"),
    (["x", 1], "not numbers"),
    ([1e400, 1], "not numbers"),
])
def test_bad_values_flag_the_field(values, why):
    body = payload(2, solar_mw={"p10": values, "p50": [1, 1], "p90": [2, 2]})
    snap = decode_forecast(body, now=ISSUED)
    assert why in snap.flags["solar_mw"] and snap.band("solar_mw") is None


def test_soc_above_100_flagged():
    body = payload(2, battery_soc_pct={"p10": [90, 95], "p50": [99, 100], "p90": [100, 101]})
    assert "outside" in decode_forecast(body, now=ISSUED).flags["battery_soc_pct"]


def test_late_forecast_flagged_as_a_whole():
    snap = decode_forecast(payload(), now=ISSUED + FORECAST_LATE_S + 60)
    assert snap.flags[WHOLE].startswith("late")
    assert all(snap.band(name) is None for name in FORECAST_FIELDS)
    assert snap.why_absent("it_mw").startswith("late")
    on_time = decode_forecast(payload(), now=ISSUED + FORECAST_LATE_S - 60)
    assert WHOLE not in on_time.flags


@pytest.mark.parametrize("body", [
    None, [], "forecast", 3,
    {"t": [], "series": {}},
    {"issued": "soon", "t": [], "series": {}},
    {"issued": 12.0, "t": [], "series": {}},
    {"issued": ISSUED, "t": "abc", "series": {}},
    {"issued": ISSUED, "t": [ISSUED + 1, "x"], "series": {}},
    {"issued": ISSUED, "t": [ISSUED + 2, ISSUED + 1], "series": {}},
    {"issued": ISSUED, "t": [ISSUED - 1], "series": {}},
    {"issued": ISSUED, "t": [ISSUED + FORECAST_MAX_HOURS * 3600 + 1], "series": {}},
    {"issued": ISSUED, "t": [ISSUED + 1], "series": []},
    {"issued": ISSUED, "t": [ISSUED + 1], "series": {"wind_mw": [1, 2, 3]}},
    {"issued": ISSUED, "t": [ISSUED + 1], "series": {"wind_mw": {"p10": [1], "p50": [1]}}},
    {"issued": ISSUED, "t": [ISSUED + 1],
     "series": {"wind_mw": {"p10": [1, 2], "p50": [1], "p90": [1]}}},
    {"issued": ISSUED, "t": [ISSUED + 1], "step": -5, "series": {}},
    {"issued": ISSUED, "t": [ISSUED + i for i in range(1, 10_002)], "series": {}},
])
def test_garbage_is_a_data_error(body):
    with pytest.raises(DataError):
        decode_forecast(body, now=ISSUED)


def test_source_text_cleaned_and_bounded():
    body = payload(1)
    body["source"] = "\u202eevil" + "x" * 500
    snap = decode_forecast(body, now=ISSUED)
    assert "\u202e" not in snap.source and len(snap.source) <= 64


def test_step_inferred_when_absent():
    body = payload(4, step=600.0)
    del body["step"]
    assert decode_forecast(body, now=ISSUED).step == 600.0


def test_encode_round_trip():
    body = payload(3, wind_mw={"p10": [1, None, 1], "p50": [2, None, 2], "p90": [3, None, 3]})
    snap = decode_forecast(body, now=ISSUED)
    again = decode_forecast(encode_forecast(snap), now=ISSUED)
    assert again.issued == snap.issued and set(again.bands) == set(snap.bands)
    np.testing.assert_array_equal(again.bands["wind_mw"].p50, snap.bands["wind_mw"].p50)
