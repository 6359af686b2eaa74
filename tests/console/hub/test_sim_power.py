"""The simulated hub's energy balance and the draws of its job book, worked out faster as
they were before: the same numbers to the last bit (the simulator's outputs for a seed do
not change with how it computes them)."""

from __future__ import annotations

import numpy as np
import pytest

from console.hub.params import (
    BATTERY_EFFICIENCY,
    BATTERY_SOC_MAX,
    BATTERY_SOC_MIN,
    HISTORY_PRECOMPUTE_S,
    HISTORY_STEP_S,
)
from console.hub.sim.jobs import _BLOCK_WHICH, _block_code, _uniform
from console.hub.sim.power import Supply, balance, dispatch, weather_series
from console.hub.sim.weather import Weather

T0 = 1_780_000_000.0


def _battery_as_written_first(surplus: np.ndarray, dt_s: np.ndarray, soc_pct: float,
                              supply: Supply) -> tuple[list[float], list[float], list[float]]:
    """The battery's point-by-point loop as it was first written (min() of three)."""
    energy, p_max, eff = supply.battery_mwh, supply.battery_mw, BATTERY_EFFICIENCY
    soc = float(soc_pct)
    ch, dis, socs = [], [], []
    for s, h in zip(surplus.tolist(), (dt_s / 3600.0).tolist(), strict=True):
        c = d = 0.0
        if h > 0.0 and energy > 0.0:
            if s > 0.0:
                room = (BATTERY_SOC_MAX - soc) / 100.0 * energy / (h * eff)
                c = min(s, p_max, room) if room > 0.0 else 0.0
                soc += c * h * eff / energy * 100.0
            elif s < 0.0:
                avail = (soc - BATTERY_SOC_MIN) / 100.0 * energy * eff / h
                d = min(-s, p_max, avail) if avail > 0.0 else 0.0
                soc -= d * h / eff / energy * 100.0
        ch.append(c)
        dis.append(d)
        socs.append(soc)
    return ch, dis, socs


@pytest.mark.parametrize("factor", [1.0, 0.02, 0.0])
def test_the_battery_loop_gives_the_numbers_of_the_first_one(factor: float) -> None:
    rng = np.random.default_rng(11)
    n = 5000
    supply = Supply.scaled(factor)
    # surplus and deficit in long and short runs, to fill and empty the battery, ties with
    # the battery's power, and points that stand for no time
    swing = 60.0 * np.sin(np.arange(n) / 300.0) + rng.normal(0.0, 8.0, n)
    it = np.round(np.full(n, 50.0) + rng.random(n), 4)
    pue = np.round(1.2 + 0.1 * rng.random(n), 4)
    solar = np.round(np.maximum(0.0, swing + 30.0), 4)
    wind = np.round(20.0 * rng.random(n), 4)
    solar[::97] = np.round(it[::97] * pue[::97] + supply.battery_mw, 4) - wind[::97]
    dts = np.full(n, HISTORY_STEP_S)
    dts[::131] = 0.0
    intensity = 400.0 + 50.0 * rng.random(n)
    for soc_start in (BATTERY_SOC_MIN, 50.0, BATTERY_SOC_MAX):
        series, soc = dispatch(it, dts, soc_start, pue, solar, wind, intensity, supply)
        ch, dis, socs = _battery_as_written_first(solar + wind - it * pue, dts, soc_start, supply)
        assert soc == socs[-1]
        assert np.array_equal(series["battery_charge_mw"], np.round(ch, 4))
        assert np.array_equal(series["battery_discharge_mw"], np.round(dis, 4))
        assert np.array_equal(series["battery_soc_pct"], np.round(socs, 2))
    assert factor == 0.0 or np.count_nonzero(series["battery_charge_mw"]) > 100


def test_weather_worked_out_ahead_gives_the_same_balance() -> None:
    weather, supply = Weather(7), Supply.scaled(1.0)
    n = int(HISTORY_PRECOMPUTE_S / HISTORY_STEP_S) // 7
    t = T0 - HISTORY_STEP_S * np.arange(n, 0, -1, dtype=np.float64)
    it = 60.0 + 10.0 * np.sin(t / 7200.0)
    dts = np.full(n, HISTORY_STEP_S)
    drops = [(T0 - 3 * 3600.0, T0 - 2 * 3600.0)]
    ahead = weather_series(weather, t)
    a, soc_a = balance(t, it, dts, 50.0, weather, supply, drops)
    b, soc_b = balance(t, it, dts, 50.0, weather, supply, drops, ahead)
    assert soc_a == soc_b
    assert all(np.array_equal(a[k], b[k]) for k in a)


def test_the_job_books_draws_are_the_generators_own() -> None:
    a, b = np.random.default_rng([7, 5]), np.random.default_rng([7, 5])
    for i in range(3000):
        lo, hi = [(0.0, 1.0), (0.0, 129_600.0), (0.5, 12.0), (0.0, 2.0 * np.pi)][i % 4]
        assert _uniform(b, lo, hi) == float(a.uniform(lo, hi))
        assert _block_code(b) == int(a.choice(len(_BLOCK_WHICH), p=_BLOCK_WHICH))
        assert float(a.exponential(1800.0)) == float(b.exponential(1800.0))  # in step
