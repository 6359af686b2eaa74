"""console.power: shifts in Casablanca time, KPIs, energy, gaps and absurd values (no Qt)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from console.contract import DEFAULT_CAPACITY_MW, POWER_FIELDS
from console.model import PowerSeries
from console.power import (
    append_series,
    carbon_tonnes,
    energy_mwh,
    flag_absurd,
    insert_gaps,
    latest_value,
    pue,
    renewable_share,
    shift_bounds,
    shift_kpis,
    shift_name,
    with_gaps,
)

CASA = ZoneInfo("Africa/Casablanca")


def make_series(t0: float, n: int, step: float = 10.0, **overrides: np.ndarray) -> PowerSeries:
    """A balanced synthetic series: facility = solar + wind + battery + grid."""
    t = t0 + step * np.arange(n)
    phase = np.linspace(0, 4 * np.pi, n)
    it = 280.0 + 10 * np.sin(phase)
    facility = it * 1.2
    solar = np.clip(80 * np.sin(phase), 0, None)
    wind = 150.0 + 20 * np.cos(phase)
    battery = np.full(n, 10.0)
    grid = facility - solar - wind - battery
    fields = {
        "it_mw": it,
        "facility_mw": facility,
        "solar_mw": solar,
        "wind_mw": wind,
        "battery_discharge_mw": battery,
        "battery_charge_mw": np.zeros(n),
        "battery_soc_pct": np.full(n, 50.0),
        "grid_mw": grid,
        "curtailment_mw": np.zeros(n),
        "pue": facility / it,
        "carbon_g_per_kwh": 650.0 * grid / facility,
        "renewable_share_pct": 100 * (facility - grid) / facility,
    }
    fields.update(overrides)
    assert set(fields) == set(POWER_FIELDS)
    return PowerSeries(time=float(t[-1]), received=float(t[-1]), t=t, fields=fields, step=step)


def epoch(y: int, mo: int, d: int, h: int, mi: int = 0) -> float:
    return datetime(y, mo, d, h, mi, tzinfo=CASA).timestamp()


def test_shift_bounds_day_and_night_in_local_time() -> None:
    s, e = shift_bounds(epoch(2026, 11, 28, 10, 30))
    assert (s, e) == (epoch(2026, 11, 28, 6), epoch(2026, 11, 28, 14))
    s, e = shift_bounds(epoch(2026, 11, 28, 23, 15))
    assert (s, e) == (epoch(2026, 11, 28, 22), epoch(2026, 11, 29, 6))
    # 02:00 belongs to the night shift that began the evening before
    s, e = shift_bounds(epoch(2026, 11, 29, 2))
    assert (s, e) == (epoch(2026, 11, 28, 22), epoch(2026, 11, 29, 6))
    assert shift_bounds(epoch(2026, 11, 28, 14)) == (
        epoch(2026, 11, 28, 14),
        epoch(2026, 11, 28, 22),
    )
    assert shift_name(epoch(2026, 11, 28, 22)).startswith("22:00–06:00")


def test_shift_bounds_follow_the_ramadan_offset_change() -> None:
    # Morocco goes to UTC+0 during Ramadan (2026: about 15 Feb – 22 Mar)
    ramadan = datetime(2026, 3, 1, 8, tzinfo=CASA)
    normal = datetime(2026, 11, 1, 8, tzinfo=CASA)
    assert ramadan.utcoffset() != normal.utcoffset()
    for day in (ramadan, normal):
        s, e = shift_bounds(day.timestamp())
        assert datetime.fromtimestamp(s, CASA).hour == 6 and e - s == 8 * 3600


def test_kpis_now_shift_mean_and_peak() -> None:
    t0 = epoch(2026, 11, 28, 5)  # one hour before the day shift starts
    series = make_series(t0, 3 * 360)  # 3 h at 10 s
    now = float(series.t[-1])
    (start, end), kpis = shift_kpis(series, now)
    assert start == epoch(2026, 11, 28, 6) and end == epoch(2026, 11, 28, 14)
    inside = series.t >= start
    fac = series["facility_mw"]
    assert kpis["facility_mw"].now == pytest.approx(fac[-1])
    assert kpis["facility_mw"].shift_mean == pytest.approx(fac[inside].mean())
    assert kpis["facility_mw"].shift_peak == pytest.approx(fac[inside].max())
    assert kpis["pue"].now == pytest.approx(1.2)
    assert kpis["facility_mw"].shift_peak < DEFAULT_CAPACITY_MW


def test_latest_value_skips_trailing_gap() -> None:
    s = make_series(1.78e9, 10)
    fac = np.array(s["facility_mw"])
    fac[-3:] = np.nan
    s2 = make_series(1.78e9, 10, facility_mw=fac)
    value, at = latest_value(s2, "facility_mw")
    assert value == pytest.approx(fac[6]) and at == s2.t[6]


def test_energy_share_pue_carbon() -> None:
    s = make_series(1.78e9, 360)  # one hour
    e = energy_mwh(s)
    assert e["facility_mw"] == pytest.approx(s["facility_mw"].mean(), rel=1e-9)
    supply = sum(e[k] for k in ("solar_mw", "wind_mw", "battery_discharge_mw", "grid_mw"))
    assert supply == pytest.approx(e["facility_mw"])
    np.testing.assert_allclose(renewable_share(s.fields), s["renewable_share_pct"])
    np.testing.assert_allclose(pue(s.fields), s["pue"])
    expected = np.sum(s["facility_mw"] * s["carbon_g_per_kwh"]) * (10 / 3600) / 1000
    assert carbon_tonnes(s) == pytest.approx(expected)


def test_insert_gaps_marks_missing_polls() -> None:
    t = np.array([0.0, 10, 20, 60, 70, 200])
    out, pos = insert_gaps(t, 10.0)
    np.testing.assert_array_equal(out, [0, 10, 20, 30, 60, 70, 80, 200])
    np.testing.assert_array_equal(out[pos], t)
    same, pos2 = insert_gaps(np.arange(5.0) * 10, 10.0)
    np.testing.assert_array_equal(pos2, np.arange(5))


def test_with_gaps_puts_nan_between() -> None:
    s = make_series(1.78e9, 6)
    t = np.array(s.t)
    t[3:] += 100.0  # three polls missing
    s = PowerSeries(time=s.time, t=t, fields=dict(s.fields), step=10.0)
    g = with_gaps(s)
    assert len(g) == 7
    assert np.isnan(g["facility_mw"][3]) and g.t[3] == t[2] + 10
    np.testing.assert_array_equal(g["facility_mw"][[0, 1, 2, 4, 5, 6]], s["facility_mw"])


def test_append_series_overlap_gap_and_retention() -> None:
    a = make_series(1.78e9, 100)
    b = make_series(1.78e9 + 500, 50)  # overlaps a's last 50 points
    m = append_series(a, b)
    assert len(m) == 100
    np.testing.assert_array_equal(m["wind_mw"][50:], b["wind_mw"])
    c = make_series(float(m.t[-1]) + 300, 10)  # 29 polls missing
    m2 = append_series(m, c)
    assert len(m2) == 111 and np.isnan(m2["it_mw"][100])
    assert np.all(np.diff(m2.t) > 0)
    kept = append_series(m2, make_series(float(m2.t[-1]) + 10, 1), keep_s=200.0)
    assert kept.t[-1] - kept.t[0] <= 200.0
    assert append_series(None, a) is a


def test_flag_absurd_values() -> None:
    s = make_series(1.78e9, 20)
    fac = np.array(s["facility_mw"])
    fac[5] = -50.0
    p = np.array(s["pue"])
    p[7] = 9.0
    p[8] = np.nan  # a gap, not an absurd value
    bad = make_series(1.78e9, 20, facility_mw=fac, pue=p)
    clean, flags = flag_absurd(bad)
    assert np.isnan(clean["facility_mw"][5]) and np.isnan(clean["pue"][7])
    assert flags["facility_mw"][5] and flags["pue"][7] and not flags["pue"][8]
    assert clean.invalid_values == 2
    same, _ = flag_absurd(s)
    assert same is s


def test_shift_energy_by_hand_with_gaps() -> None:
    """One method for every energy: each sample stands for one poll step at most (a missing
    poll counts as nothing), the window clips the last. By hand: polls every 60 s at 0, 60,
    120, then a gap, 600, 660, 10 MW each, window [0, 690): 4 × 60 s + 30 s = 270 s at
    10 MW = 0.75 MWh (the gap would add 480 s, i.e. 1.333 MWh more, if it counted)."""
    from console.handover.kpis import power_kpis
    from console.handover.shift import ShiftWindow

    t0 = 1.78e9
    t = t0 + np.array([0.0, 60, 120, 600, 660])
    nan = np.full(5, np.nan)
    fields = {name: nan for name in POWER_FIELDS} | {"facility_mw": np.full(5, 10.0),
                                                     "it_mw": np.full(5, 8.0)}
    s = PowerSeries(time=float(t[-1]), received=float(t[-1]), t=t, fields=fields, step=60.0)
    e = energy_mwh(s, t0, t0 + 690)
    assert e["facility_mw"] == pytest.approx(10 * 270 / 3600)
    assert e["it_mw"] == pytest.approx(8 * 270 / 3600)
    k = power_kpis(s, ShiftWindow(t0, t0 + 690))
    assert k["energy_mwh"]["facility"] == pytest.approx(10 * 270 / 3600)
    assert k["energy_mwh"]["it"] == pytest.approx(8 * 270 / 3600)
    assert k["facility_avg_mw"] == pytest.approx(10.0) and k["pue"] == pytest.approx(1.25)
    assert k["coverage_pct"] == pytest.approx(100 * 270 / 690)
    # Unbounded: the last sample stands for a whole step, 5 × 60 s.
    assert energy_mwh(s)["facility_mw"] == pytest.approx(10 * 300 / 3600)
