"""The energy-steering advisor: deferrable work, its power, and where moving it helps."""

from __future__ import annotations

import math

import numpy as np
import pytest

from console.decode import jobs_from_records
from console.forecast import Band, ForecastSnapshot
from console.model import RackTelemetry, SiteTopology
from console.steering import (
    Advice,
    DeferrableLoad,
    SteeringPolicy,
    advice_text,
    advise,
    deferrable_load,
    deferrable_mask,
)
from tests.console.test_jobs import NOW, job

STEP = 900.0
H = 3600.0


def topology() -> SiteTopology:
    racks = tuple({"id": f"A-01-{i:02d}"} for i in range(1, 5))
    return SiteTopology(time=NOW, racks=racks, rack_index={r["id"]: i for i, r in enumerate(racks)},
                        gpus=np.array([72, 72, 8, 8], np.int32), timezone="Africa/Casablanca")


def racks(power_kw: list[float]) -> RackTelemetry:
    return RackTelemetry(time=NOW, fields={"power_kw": np.array(power_kw, float)},
                         missing=np.zeros(len(power_kw), bool))


def queue() -> object:
    return jobs_from_records([
        job(id=1, partition="preempt", state="RUNNING", reason="None", gpus=72,
            racks=["A-01-01"], start_time=NOW - 600),
        job(id=2, partition="preempt", state="RUNNING", reason="None", gpus=16,
            racks=["A-01-03", "A-01-04"], start_time=NOW - 600),
        job(id=3, partition="gpu-gb200", state="RUNNING", reason="None", gpus=72,
            racks=["A-01-02"], start_time=NOW - 600, tenant="Acme", tenant_kind="enterprise"),
        job(id=4, partition="preempt", state="PENDING", gpus=8),
        job(id=5, partition="preempt", state="COMPLETED", gpus=8, end_time=NOW - 60),
    ], NOW, received=NOW)


def test_policy_from_config_and_its_errors() -> None:
    policy = SteeringPolicy.from_dict({"deferrable_partitions": ["preempt", "batch"],
                                       "deferrable_tenants": ["UM6P"], "window_h": 3})
    assert policy.partitions == {"preempt", "batch"} and policy.tenants == {"UM6P"}
    assert policy.window_h == 3.0 and policy.horizon_h == 24.0
    assert SteeringPolicy.from_dict({}).partitions == {"preempt"}
    for bad, key in (({"window_h": 0}, "window_h"), ({"horizon_h": 100}, "horizon_h"),
                     ({"deferrable_partitions": "preempt"}, "deferrable_partitions"),
                     ({"deferable": []}, "deferable")):
        with pytest.raises(ValueError, match=key):
            SteeringPolicy.from_dict(bad)


def test_deferrable_by_partition_tenant_or_kind() -> None:
    jobs = queue()
    assert list(deferrable_mask(jobs, SteeringPolicy())) == [True, True, False, True, True]
    by_kind = SteeringPolicy(partitions=frozenset(), tenant_kinds=frozenset({"enterprise"}))
    assert list(deferrable_mask(jobs, by_kind)) == [False, False, True, False, False]


def test_power_of_deferrable_jobs_from_their_racks() -> None:
    # rack 1: 144 kW for 72 GPUs (2 kW/GPU); racks 3 and 4: 8 GPUs at 1.5 and 1.0 kW/GPU
    load = deferrable_load(queue(), racks([144.0, 100.0, 12.0, 8.0]), topology(), SteeringPolicy())
    assert load.running_jobs == 2 and load.queued_jobs == 1  # the finished job is not counted
    by_id = {j.id: j for j in load.jobs}
    assert by_id[1].it_mw == pytest.approx(0.144)
    assert by_id[2].it_mw == pytest.approx(16 * 1.25 / 1000)  # mean of its two racks
    assert load.running_mw == pytest.approx(0.144 + 0.020)
    # a pending job at the median power per GPU of the racks (1.39 and 1.5 -> 1.444...)
    median = float(np.median([2.0, 100 / 72, 1.5, 1.0]))
    assert by_id[4].it_mw == pytest.approx(8 * median / 1000)
    assert [j.id for j in load.jobs] == [1, 2, 4]  # running first, largest first
    assert deferrable_load(queue(), None, topology(), SteeringPolicy()).why_not == "no rack power"
    assert deferrable_load(None, None, None, SteeringPolicy()).why_not == "no job queue"


def forecast(renew: np.ndarray, load: np.ndarray, carbon: float | np.ndarray = 620.0,
             issued: float = NOW) -> ForecastSnapshot:
    n = len(renew)
    t = issued + STEP * np.arange(1, n + 1)

    def band(v: np.ndarray) -> Band:
        v = np.asarray(v, float)
        return Band(v * 0.8, v, v * 1.2)

    half = renew / 2
    return ForecastSnapshot(
        time=issued, issued=issued, step=STEP, t=t,
        bands={"solar_mw": band(half), "wind_mw": band(half), "facility_mw": band(load),
               "it_mw": band(load / 1.25),
               "grid_carbon_g_per_kwh": band(np.broadcast_to(carbon, n).astype(float))})


def test_moves_the_evening_deficit_to_the_next_sunny_window() -> None:
    # 24 h of 15 min steps: 100 MW of load; renewables 140 MW from 10:00 to 16:00 (hours
    # 10-16 of the horizon), 60 MW otherwise; 10 MW (IT) of deferrable work -> 12.5 MW facility
    hours = np.arange(96) / 4
    renew = np.where((hours >= 10) & (hours < 16), 140.0, 60.0)
    load = np.full(96, 100.0)
    deferrable = DeferrableLoad(running_mw=10.0, running_jobs=1)
    policy = SteeringPolicy(window_h=4.0, horizon_h=24.0)
    advice = advise(forecast(renew, load), deferrable, NOW, policy, grid_g_per_kwh=620.0)
    assert advice.ok and advice.move_mw == pytest.approx(12.5)
    # moved out of a deficit window, into the sunny one that comes after it
    assert advice.from_start < advice.to_start
    to_h = (advice.to_start - NOW) / H
    assert 10 <= to_h and (advice.to_end - NOW) / H <= 16.25
    assert advice.to_end - advice.to_start == pytest.approx(4 * H)
    # 4 h x 12.5 MW out of grid import, none added (40 MW of surplus takes it): 50 MWh
    assert advice.grid_avoided_mwh == pytest.approx(50.0)
    assert advice.co2_avoided_t == pytest.approx(50.0 * 620 / 1000)
    # renewable share: min(renew, load) over load, before and after
    before = np.minimum(renew, load).sum() / load.sum() * 100
    assert advice.share_before_pct == pytest.approx(before)
    assert advice.share_after_pct == pytest.approx(before + 50.0 * 4 / load.sum() * 100, rel=1e-6)
    text = advice_text(advice, "UTC", NOW)
    assert text.startswith("Moving 12 MW of deferrable work from ")
    assert "avoids 31 t CO2" in text and f"next 24 h from {before:.0f} %" in text
    assert advice.to_json()["co2_avoided_t"] == pytest.approx(31.0)


def test_carbon_intensity_decides_when_supply_is_short_everywhere() -> None:
    # no surplus at any time: moving saves grid energy nowhere, but the evening's grid is dirtier
    hours = np.arange(96) / 4
    carbon = np.where((hours >= 2) & (hours < 6), 700.0, 500.0)
    advice = advise(forecast(np.full(96, 20.0), np.full(96, 100.0), carbon),
                    DeferrableLoad(running_mw=8.0, running_jobs=1), NOW,
                    SteeringPolicy(), grid_g_per_kwh=620.0)
    assert advice.ok and advice.grid_avoided_mwh == pytest.approx(0.0, abs=1e-9)
    assert 2 <= (advice.from_start - NOW) / H < 3
    assert advice.co2_avoided_t == pytest.approx(10.0 * 4 * 200 / 1000)  # 10 MW facility
    # no more renewable energy used: said as a cleaner grid, not as a share that "rises"
    text = advice_text(advice, "UTC", NOW)
    assert "avoids 8.0 t CO2: the grid is cleaner then" in text and "stays at 20 %" in text


def test_no_advice_and_why() -> None:
    flat = forecast(np.full(96, 200.0), np.full(96, 100.0))  # renewables cover everything
    load = DeferrableLoad(running_mw=10.0, running_jobs=1)
    policy = SteeringPolicy()
    none = advise(flat, load, NOW, policy, grid_g_per_kwh=620.0)
    assert not none.ok and "lowers grid imports" in none.why_not
    assert "No move" in advice_text(none, "UTC", NOW)
    assert advise(None, load, NOW, policy, grid_g_per_kwh=620).why_not == "no forecast"
    idle = advise(flat, DeferrableLoad(), NOW, policy, grid_g_per_kwh=620)
    assert idle.why_not == "no deferrable work running"
    short = advise(forecast(np.full(6, 1.0), np.full(6, 100.0)), load, NOW, policy,
                   grid_g_per_kwh=620)
    assert short.why_not == "forecast too short for the window"
    # a flagged supply field is no supply forecast: never advised on
    bad = forecast(np.full(96, 50.0), np.full(96, 100.0))
    bad = ForecastSnapshot(time=bad.time, issued=bad.issued, step=bad.step, t=bad.t,
                           bands=bad.bands, flags={"wind_mw": "bands out of order"})
    assert advise(bad, load, NOW, policy, grid_g_per_kwh=620).why_not == "no renewable forecast"
    assert math.isnan(Advice(False).share_before_pct)


def test_the_handover_pack_carries_the_advice() -> None:
    from console.handover import ShiftWindow
    from console.handover.data import build_handover
    from console.handover.report import report_html
    from console.steering import pack_advice

    hours = np.arange(96) / 4
    renew = np.where((hours >= 10) & (hours < 16), 140.0, 60.0)
    snaps = {"forecast": forecast(renew, np.full(96, 100.0)), "jobs": queue(),
             "racks": racks([14_400.0, 100.0, 12.0, 8.0])}
    advice = pack_advice(snaps, topology(), SteeringPolicy(), now=NOW)
    assert advice["advised"] and advice["text"].startswith("Moving 18 MW of deferrable work")
    assert [j["id"] for j in advice["jobs"]] == [1, 2]  # the running ones moved
    shift = ShiftWindow.default(NOW, live=True)
    data = build_handover(shift).with_steering(advice)
    summary = data.to_summary_json()
    assert summary["steering"]["co2_avoided_t"] == pytest.approx(advice["co2_avoided_t"])
    html = report_html(data)
    assert "Energy steering (advice only)" in html and "Moving 18 MW" in html
    assert "Nothing was changed on the site" in html
    none = build_handover(shift).with_steering(pack_advice({}, None))
    assert none.to_summary_json()["steering"]["advised"] is False
    assert "No advice: no forecast." in report_html(none)
    assert "No advice was made" in report_html(build_handover(shift))
