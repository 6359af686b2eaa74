"""The simulated hub's forecast: an error that grows with lead, P10-P90 bands that hold
about 80 % of what happens, one forecast per issue hour, the battery's dispatch on the
forecast supply."""

from __future__ import annotations

import numpy as np
import pytest

from console.contract import FORECAST_FIELDS, FORECAST_QUANTILES
from console.forecast import decode_forecast
from console.hub.sim.forecast import cut, forecast, issued_at, sigma, truth
from console.hub.sim.power import Supply, balance, dispatch
from console.hub.sim.weather import Weather

T0 = 1_764_450_000.0  # 2025-11-29 21:00 UTC, a whole hour
CHECKED = ("solar_mw", "wind_mw", "grid_carbon_g_per_kwh")


@pytest.fixture(scope="module")
def many() -> list[tuple[dict, dict]]:
    """Forecasts issued every 7 h over about five weeks, with what then happened."""
    weather, supply = Weather(7), Supply.scaled(1.0)
    out = []
    for i in range(120):
        answer = forecast(weather, supply, 7, T0 + i * 7 * 3600.0, 50.0, 200.0)
        out.append((answer, truth(weather, supply, np.asarray(answer["t"]))))
    return out


def _quantiles(answer: dict, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    b = answer["series"][name]
    return tuple(np.asarray(b[q], dtype=float) for q in FORECAST_QUANTILES)  # type: ignore[return-value]


def test_sigma_rises_with_lead():
    lead = np.array([3600.0, 6 * 3600, 24 * 3600, 72 * 3600])
    for name in ("cloud_logit", "wind_ms", "grid_g_per_kwh"):
        s = sigma(name, lead)
        assert (np.diff(s) > 0).all() and s[-1] > 4 * s[0]


@pytest.mark.parametrize("name", CHECKED)
def test_error_grows_with_lead(many, name):
    err = np.mean([np.abs(_quantiles(a, name)[1] - tr[name]) for a, tr in many], axis=0)
    width = np.mean([_quantiles(a, name)[2] - _quantiles(a, name)[0] for a, _ in many], axis=0)
    first, day, last = (float(np.mean(err[i:i + 4])) for i in (0, 92, 284))  # 1 h, 24 h, 72 h
    assert first < day < last and last > 2.5 * first
    assert width[:8].mean() < width[88:96].mean() < width[-8:].mean()


@pytest.mark.parametrize("name", CHECKED)
def test_about_80_percent_of_truths_inside_the_band(many, name):
    inside = total = 0
    for answer, tr in many:
        p10, _, p90 = _quantiles(answer, name)
        spread = p90 > p10  # a band of no width (night, wind past rated) tells nothing
        ok = (tr[name] >= p10 - 1e-9) & (tr[name] <= p90 + 1e-9)
        inside += int(ok[spread].sum())
        total += int(spread.sum())
    assert total > 5000
    assert 0.72 <= inside / total <= 0.88


def test_bands_ordered_and_decode_without_flags(many):
    for answer, _ in many[:20]:
        snap = decode_forecast(answer, now=answer["issued"] + 1800)
        assert not snap.flags and set(snap.bands) == set(FORECAST_FIELDS)
        assert len(snap) == 72 * 4 and snap.t[0] == answer["issued"] + 900


def test_same_issue_same_forecast_and_cut():
    weather, supply = Weather(7), Supply.scaled(0.5)
    a = forecast(weather, supply, 7, T0, 40.0, 100.0)
    b = forecast(weather, supply, 7, T0, 40.0, 100.0)
    assert a == b
    other = forecast(weather, supply, 7, T0 + 3600, 40.0, 100.0)
    assert other["series"]["wind_mw"]["p50"][:10] != a["series"]["wind_mw"]["p50"][4:14]
    six = cut(a, 6)
    assert len(six["t"]) == 24 and six["series"]["solar_mw"]["p90"] == a["series"]["solar_mw"]["p90"][:24]
    assert issued_at(T0 + 3599.9) == T0 and issued_at(T0 + 3600) == T0 + 3600


def test_battery_follows_the_forecast_supply():
    weather, supply = Weather(7), Supply.scaled(1.0)
    a = forecast(weather, supply, 7, T0, 50.0, 150.0)
    p10, p50, p90 = _quantiles(a, "battery_soc_pct")
    assert (p10 <= p50).all() and (p50 <= p90).all()
    assert abs(p50[0] - 50.0) < 5.0 and p10.min() >= 10.0 - 1e-9 and p90.max() <= 95.0 + 1e-9
    load = _quantiles(a, "it_mw")
    assert all((q == 150.0).all() for q in load)


def test_dispatch_on_given_supply_is_the_balance():
    weather, supply = Weather(3), Supply.scaled(1.0)
    t = T0 + np.arange(0.0, 86_400.0, 300.0)
    it = 180.0 + 20.0 * np.sin(t / 7000.0)
    dts = np.full(len(t), 300.0)
    series, soc = balance(t, it, dts, 60.0, weather, supply, [])
    again, soc2 = dispatch(it, dts, 60.0, series["pue"], series["solar_mw"], series["wind_mw"],
                           weather.grid_intensity(t), supply)
    assert soc == soc2 and all(np.array_equal(series[k], again[k]) for k in series)


def test_hub_serves_one_forecast_all_hour():
    from console.hub.sim.hub import SimulatedHub

    hub = SimulatedHub("rack", seed=3, start=T0 + 600.0, faults=False)
    first = hub.forecast(24)
    assert first["issued"] == T0 and len(first["t"]) == 96
    hub.step(T0 + 3000.0)
    assert hub.forecast(24) == first
    assert hub.forecast(72)["t"][:96] == first["t"]
    hub.step(T0 + 3700.0)
    assert hub.forecast(24)["issued"] == T0 + 3600.0
