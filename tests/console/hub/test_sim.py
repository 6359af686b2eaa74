"""The simulated Tétouan hub: topology, physics, energy balance, jobs, faults, exposition."""

from __future__ import annotations

import json
import re
import statistics
import time
from typing import Any

import numpy as np
import pytest

from console.contract import RACK_FIELDS
from console.hub.params import XID_BY_CODE
from console.hub.sim import SCALES, SimulatedHub
from console.hub.sim.power import FIELDS
from console.hub.sim.weather import clear_sky_fraction, solar_elevation_deg

START = 1_781_913_600.0  # 2026-06-20 00:00 UTC (01:00 in Tétouan)
DAY = 86_400.0
SLURM_REASONS = {
    "Resources",
    "Priority",
    "QOSMaxGPUPerUser",
    "AssocGrpGRES",
    "ReqNodeNotAvail",
    "Dependency",
    "JobHeldUser",
    "BeginTime",
}
JOB_STATES = {"PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT"}
SAMPLE = re.compile(
    r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?P<labels>[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*"'
    r'(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*")*)\})? (?P<value>-?[0-9.eE+-]+|NaN|[+-]Inf)$'
)


@pytest.fixture(scope="module")
def full() -> SimulatedHub:
    """The full site as constructed (tests that change state build their own hub)."""
    return SimulatedHub("tetouan", seed=7, start=START + 12 * 3600.0)


@pytest.fixture(scope="module")
def hall() -> SimulatedHub:
    """Hall A, stepped through a day (read-only for the tests that use it)."""
    hub = SimulatedHub("hall", seed=11, start=START)
    for k in range(1, 13):
        hub.step(START + k * 2 * 3600.0)
    hub.step(hub.now + 2.0)
    return hub


def balance_residual(series: dict[str, Any]) -> np.ndarray:
    a = {f: np.asarray(series[f], dtype=np.float64) for f in FIELDS}
    supply = (
        a["solar_mw"]
        + a["wind_mw"]
        + a["battery_discharge_mw"]
        - a["battery_charge_mw"]
        + a["grid_mw"]
        - a["curtailment_mw"]
    )
    return np.abs(a["facility_mw"] - supply) / np.maximum(a["facility_mw"], 1e-9)


# -- topology -----------------------------------------------------------------------------------
def test_unknown_scale_raises() -> None:
    with pytest.raises(
        ValueError, match="unknown scale 'x'; choose tetouan, tetouan-x2, tetouan-x4, hall or rack"
    ):
        SimulatedHub("x")
    assert SCALES == ("tetouan", "tetouan-x2", "tetouan-x4", "hall", "rack")


def test_full_site_counts_and_ids(full: SimulatedHub) -> None:
    site = full.site()
    assert site["totals"] == {
        "halls": 6,
        "rows": 120,
        "racks": 3520,
        "nodes": 40960,
        "gpus": 189440,
    }
    assert site["name"] == "Tétouan AI Hub" and site["timezone"] == "Africa/Casablanca"
    assert (site["lat"], site["lon"], site["capacity_mw"]) == (35.57, -5.37, 386.0)
    racks = site["racks"]
    assert len(racks) == 3520
    assert sum(r["gpus"] for r in racks) == 189440
    assert sum(r["nodes"] for r in racks) == 40960
    by_type = {t: [r for r in racks if r["rack_type"] == t] for t in ("nvl72", "hgx")}
    assert len(by_type["nvl72"]) == 1920 and len(by_type["hgx"]) == 1600
    assert {r["hall"] for r in by_type["nvl72"]} == set("ABCD")
    assert {r["hall"] for r in by_type["hgx"]} == set("EF")
    assert all(r["gpus"] == 72 and r["gpu_model"] == "GB200" for r in by_type["nvl72"])
    assert all(r["gpus"] == 32 and r["gpu_model"] == "H200" for r in by_type["hgx"])
    assert [h["racks"] for h in site["halls"]] == [480] * 4 + [800] * 2
    ids = [r["id"] for r in racks]
    assert len(set(ids)) == len(ids) and ids[0] == "A-01-01" and ids[-1] == "F-20-40"
    assert all(re.fullmatch(r"[A-F]-\d\d-\d\d", i) for i in ids)
    topo = full.topo
    assert len(set(topo.node_ids)) == 40960 and len(set(topo.uuids)) == 189440
    assert topo.node_ids[0] == "A-01-01-n01" and topo.node_hosts[0] == "a01-01-n01"
    assert all(
        re.fullmatch(r"GPU-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", u) for u in topo.uuids[:500]
    )
    feeds = racks[0]["pdu_feeds"]
    assert [f["id"] for f in feeds] == ["A-01-01-PDU-A", "A-01-01-PDU-B"]
    assert all(f["rating_kw"] < racks[0]["capacity_kw"] for f in feeds)


def test_floor_plan_is_a_plan(full: SimulatedHub) -> None:
    site = full.site()
    halls = {h["id"]: h for h in site["halls"]}
    for a in site["halls"]:
        for b in site["halls"]:
            if a["id"] < b["id"]:
                apart = (
                    a["x"] + a["w"] <= b["x"]
                    or b["x"] + b["w"] <= a["x"]
                    or a["y"] + a["h"] <= b["y"]
                    or b["y"] + b["h"] <= a["y"]
                )
                assert apart, (a["id"], b["id"])
    rows: dict[str, list[dict[str, Any]]] = {}
    for r in site["racks"]:
        h = halls[r["hall"]]
        assert h["x"] <= r["x"] and r["x"] + r["w"] <= h["x"] + h["w"] + 1e-6
        assert h["y"] <= r["y"] and r["y"] + r["h"] <= h["y"] + h["h"] + 1e-6
        rows.setdefault(r["row"], []).append(r)
    for members in rows.values():
        xs = [r["x"] for r in members]
        assert len({r["y"] for r in members}) == 1
        assert all(b - a >= members[0]["w"] - 1e-6 for a, b in zip(xs, xs[1:], strict=False))
    a01, a02 = rows["A-01"][0], rows["A-02"][0]
    assert a02["y"] - (a01["y"] + a01["h"]) >= 1.0  # an aisle between rows


def test_small_scales() -> None:
    hub = SimulatedHub("rack", seed=1, start=START)
    site = hub.site()
    assert site["totals"]["racks"] == 2 and site["totals"]["gpus"] == 104
    assert sorted(r["rack_type"] for r in site["racks"]) == ["hgx", "nvl72"]
    assert len(hub.racks()["power_kw"]) == 2
    hub.step(START + 60.0)
    assert hub.now == START + 60.0
    hall_hub = SimulatedHub("hall", seed=1, start=START, faults=False)
    assert hall_hub.site()["totals"] == {
        "halls": 1,
        "rows": 20,
        "racks": 480,
        "nodes": 8640,
        "gpus": 34560,
    }


# -- telemetry ---------------------------------------------------------------------------
def test_racks_columnar(full: SimulatedHub) -> None:
    racks = full.racks()
    n = len(full.site()["racks"])
    assert racks["rack_ids"] == [r["id"] for r in full.site()["racks"]]
    for field in RACK_FIELDS:
        assert len(racks[field]) == n, field
    power = np.array(racks["power_kw"])
    kinds = full.topo.rack_kind
    assert 115 <= np.percentile(power[kinds == 0], 90) <= 132
    assert 38 <= np.percentile(power[kinds == 1], 90) <= 46
    assert 24.0 <= np.median(racks["inlet_c"]) <= 27.0
    assert set(racks["alarm"]) <= {0, 1, 2, 3, 4}
    assert np.allclose(np.array(racks["pdu_a_kw"]) + racks["pdu_b_kw"], power, atol=0.11)
    assert 220 <= power.sum() / 1000 <= 300  # ~80 % of ~320 MW at full use


def test_gpu_calibration_against_h200_recording(full: SimulatedHub) -> None:
    fleet, topo = full.fleet, full.topo
    calm = (fleet.status == 0) & ((fleet.reasons & (0x8 | 0x20 | 0x40 | 0x80)) == 0)
    h200 = (topo.gpu_kind == 1) & calm
    loaded = h200 & (fleet.util >= 90)
    idle = h200 & (fleet.util < 1)
    assert loaded.sum() > 1000 and idle.sum() > 1000
    assert np.all((fleet.power[loaded] >= 650) & (fleet.power[loaded] <= 700))
    assert np.all((fleet.temp[loaded] >= 50) & (fleet.temp[loaded] <= 65))
    assert np.all((fleet.power[idle] >= 70) & (fleet.power[idle] <= 95))
    assert np.all((fleet.temp[idle] >= 33) & (fleet.temp[idle] <= 45))
    assert np.all(fleet.reasons[loaded] & 0x4) and np.all(fleet.reasons[idle] & 0x1)
    gb = (topo.gpu_kind == 0) & calm & (fleet.util >= 90)
    assert 1100 <= np.median(fleet.power[gb]) <= 1200
    assert 55 <= np.median(fleet.temp[gb]) <= 68


def test_rack_detail(full: SimulatedHub) -> None:
    assert full.rack("Z-99-99") is None
    detail = full.rack("A-03-05")
    assert detail is not None
    assert detail["rack"]["id"] == "A-03-05" and len(detail["nodes"]) == 18
    node = detail["nodes"][4]
    assert node["id"] == "A-03-05-n05" and node["host"] == "a03-05-n05" and node["slot"] == 5
    assert [g["index"] for g in node["gpus"]] == [0, 1, 2, 3]
    gpu = node["gpus"][0]
    assert gpu["model"] == "NVIDIA GB200" and gpu["power_limit_w"] == 1200.0
    assert gpu["status"] in {"healthy", "degraded", "failed", "off_bus"}
    assert [p["feed"] for p in detail["pdus"]] == ["A", "B"]
    hgx = full.rack("E-01-01")
    assert hgx is not None and len(hgx["nodes"]) == 4
    assert all(len(n["gpus"]) == 8 for n in hgx["nodes"])
    for job in detail["jobs"]:
        assert job["state"] == "RUNNING" and "A-03-05" in job["racks"]


# -- energy ---------------------------------------------------------------------------------
def test_energy_balance_over_a_day(hall: SimulatedHub) -> None:
    series = hall.power(START, START + DAY, 60.0)
    assert len(series["t"]) == 1441
    for field in FIELDS:
        assert len(series[field]) == len(series["t"]), field
    assert balance_residual(series).max() < 1e-6
    soc = np.array(series["battery_soc_pct"])
    assert soc.min() >= 10.0 - 1e-9 and soc.max() <= 95.0 + 1e-9
    pue = np.array(series["pue"])
    assert pue.min() >= 1.10 and pue.max() <= 1.35
    share = np.array(series["renewable_share_pct"])
    assert share.min() >= 0 and share.max() <= 100
    carbon = np.array(series["carbon_g_per_kwh"])
    assert carbon.min() >= 0 and carbon.max() <= 700
    assert np.all(np.array(series["battery_charge_mw"]) * series["battery_discharge_mw"] == 0)


def test_energy_balance_of_precomputed_week(full: SimulatedHub) -> None:
    series = full.power(full.now - 7 * DAY, full.now, 10.0)
    assert len(series["t"]) == 60_481
    assert balance_residual(series).max() < 1e-6
    it = np.array(series["it_mw"])
    assert 200 <= it.min() and it.max() <= 330
    soc = np.array(series["battery_soc_pct"])
    assert soc.min() >= 10.0 - 1e-9 and soc.max() <= 95.0 + 1e-9


def test_live_tick_balance(hall: SimulatedHub) -> None:
    now = hall.balance_now()
    assert balance_residual({k: [v] for k, v in now.items()}).max() < 1e-6
    latest = hall.power()
    assert latest["t"][-1] == pytest.approx(hall.now)
    assert latest["it_mw"][-1] == pytest.approx(now["it_mw"])
    assert abs(now["it_mw"] - sum(hall.racks()["power_kw"]) / 1000) < 0.05


def test_solar_follows_the_sun(hall: SimulatedHub) -> None:
    series = hall.power(START, START + DAY, 600.0)
    t = np.array(series["t"])
    solar = np.array(series["solar_mw"])
    hour_utc = (t - START) / 3600.0
    assert np.all(solar[(hour_utc < 4.0) | (hour_utc > 21.0)] == 0.0)
    assert solar[np.argmin(np.abs(hour_utc - 12.0))] > 0.0  # 13:00 local
    day = START + np.arange(0, DAY, 60.0)
    clear = clear_sky_fraction(day)
    noon_h = (day[np.argmax(clear)] - START) / 3600.0
    assert abs(noon_h - (12.0 + 5.37 / 15.0 + 1.7 / 60.0)) < 0.1  # 12:23 UTC at 5.37° W
    assert solar_elevation_deg(START + noon_h * 3600.0) == pytest.approx(
        90 - 35.57 + 23.44, abs=0.3
    )
    assert clear_sky_fraction(START).item() == 0.0


def test_power_validates_its_window(hall: SimulatedHub) -> None:
    with pytest.raises(ValueError, match="before start"):
        hall.power(START + 100, START, 10)
    with pytest.raises(ValueError, match="positive"):
        hall.power(START, START + 100, 0)
    with pytest.raises(ValueError, match="at most 100000"):
        hall.power(START, START + 2 * DAY, 1)
    before = hall.power(START - 30 * DAY, START - 29 * DAY, 3600)
    assert before["t"] == []  # no data that far back: points are left out


def test_long_jump_fills_history_at_10_s() -> None:
    hub = SimulatedHub("rack", seed=2, start=START)
    hub.step(START + 6 * 3600.0 + 3.0)
    series = hub.power(START, hub.now, 10.0)
    gaps = np.diff(series["t"])
    assert len(series["t"]) == 2161 and gaps.max() == 10.0
    assert balance_residual(series).max() < 1e-6


# -- determinism ----------------------------------------------------------------------------
def test_same_seed_same_outputs() -> None:
    a = SimulatedHub("hall", seed=5, start=START)
    b = SimulatedHub("hall", seed=5, start=START)
    for hub in (a, b):
        for k in range(1, 6):
            hub.step(START + 2.0 * k)
        hub.step(START + 3 * 3600.0)
        hub.inject("xid", "A-02-03", xid=48)
        hub.step(START + 3 * 3600.0 + 2.0)
    assert a.racks() == b.racks()
    assert a.jobs() == b.jobs()
    assert a.events() == b.events()
    assert a.power(START, START + 3 * 3600.0, 30) == b.power(START, START + 3 * 3600.0, 30)
    c = SimulatedHub("hall", seed=6, start=START)
    assert c.racks()["power_kw"] != a.racks()["power_kw"]


# -- faults ---------------------------------------------------------------------------------
def test_cooling_loss_heats_only_its_row() -> None:
    hub = SimulatedHub("hall", seed=3, start=START + 12 * 3600.0, faults=False)
    event = hub.inject("cooling_loss", "A-07")
    assert event["kind"] == "cooling_loss" and event["severity"] == "critical"
    for _ in range(60):
        hub.step(hub.now + 10.0)
    racks = hub.racks()
    inlet = np.array(racks["inlet_c"])
    in_row = np.array([r.startswith("A-07-") for r in racks["rack_ids"]])
    assert inlet[in_row].min() > 32.0
    assert inlet[~in_row].max() < 30.0
    assert min(np.array(racks["alarm"])[in_row]) >= 3
    hot = hub.rack("A-07-10")
    assert hot is not None
    reasons = [g["clock_event_reasons"] for n in hot["nodes"] for g in n["gpus"]]
    assert any(r & 0x40 for r in reasons)
    hub.clear_fault("cooling_loss", "A-07")
    for _ in range(120):
        hub.step(hub.now + 10.0)
    assert max(np.array(hub.racks()["inlet_c"])[in_row]) < 30.0
    assert hub.unhealthy_gpus()["counts"]["degraded"] == 0
    assert hub.events()["events"][-1]["kind"] == "cooling_restored"


def test_xid_79_takes_a_gpu_off_the_bus() -> None:
    hub = SimulatedHub("hall", seed=4, start=START, faults=False)
    busy = int(np.flatnonzero(hub.alloc.gpu_slot >= 0)[0])
    uuid = hub.topo.uuids[busy]
    event = hub.inject("xid", uuid, xid=79)
    assert (event["xid"], event["gpu_uuid"], event["severity"]) == (79, uuid, "critical")
    hub.step(hub.now + 2.0)
    unhealthy = hub.unhealthy_gpus()
    row = next(g for g in unhealthy["gpus"] if g["uuid"] == uuid)
    assert row["status"] == "off_bus" and row["xid"] == 79 and row["since"] == event["time"]
    assert unhealthy["counts"]["off_bus"] == 1
    detail = hub.rack(row["rack"])
    assert detail is not None
    gpu = next(g for n in detail["nodes"] for g in n["gpus"] if g["uuid"] == uuid)
    assert gpu["status"] == "off_bus" and gpu["xid"] == 79 and gpu["power_w"] is None
    kinds = [e["kind"] for e in hub.events(event["id"] - 1)["events"]]
    assert kinds[0] == "xid" and "job_failed" in kinds
    assert hub.alloc.gpu_slot[busy] == -1  # the job on it failed; the node is drained
    hub.clear_fault("xid", uuid)
    assert hub.unhealthy_gpus()["counts"]["off_bus"] == 0


def test_inject_many_and_bad_requests() -> None:
    hub = SimulatedHub("hall", seed=4, start=START, faults=False)
    hub.inject("xid", "A", xid=48, count=300)
    counts = hub.unhealthy_gpus()["counts"]
    assert counts["failed"] == 300
    assert sum(hub.racks()["gpus_unhealthy"]) == 300
    assert all(XID_BY_CODE[g["xid"]].status == 2 for g in hub.unhealthy_gpus()["gpus"])
    with pytest.raises(ValueError):
        hub.inject("xid", "no-such-gpu")
    with pytest.raises(ValueError):
        hub.inject("meteor")
    with pytest.raises(ValueError):
        hub.inject("xid", None, xid=12)
    with pytest.raises(ValueError):
        hub.clear_fault("meteor")
    event = hub.inject("thermal", "A-01-01-n01", count="all")
    for _ in range(6):
        hub.step(hub.now + 10.0)
    detail = hub.rack("A-01-01")
    assert detail is not None
    for gpu in detail["nodes"][0]["gpus"]:
        assert gpu["clock_event_reasons"] & 0x60 == 0x60 and 86.0 <= gpu["temp_c"] <= 90.5
        assert gpu["status"] == "degraded"
    assert event["kind"] == "thermal"


def test_pdu_trip_moves_the_load_to_feed_b() -> None:
    hub = SimulatedHub("hall", seed=8, start=START, faults=False)
    racks = hub.racks()
    r = int(np.argmax(racks["power_kw"]))
    rack_id = racks["rack_ids"][r]
    hub.inject("pdu_trip", rack_id)
    racks = hub.racks()
    assert racks["pdu_a_kw"][r] == 0.0
    assert racks["pdu_b_kw"][r] == pytest.approx(racks["power_kw"][r])
    rating = hub.site()["racks"][r]["pdu_feeds"][1]["rating_kw"]
    assert racks["pdu_b_kw"][r] > 0.8 * rating and racks["alarm"][r] >= 3
    hub.step(hub.now + 10.0)
    detail = hub.rack(rack_id)
    assert detail is not None
    assert [p["tripped"] for p in detail["pdus"]] == [True, False]
    assert detail["pdus"][1]["load_kw"] > 0.8 * detail["pdus"][1]["rating_kw"]
    assert any(g["clock_event_reasons"] & 0x80 for n in detail["nodes"] for g in n["gpus"])
    hub.clear_fault("pdu_trip", rack_id)
    racks = hub.racks()
    assert racks["pdu_a_kw"][r] == pytest.approx(racks["pdu_b_kw"][r], rel=0.1)


def test_outage_and_wind_drop() -> None:
    hub = SimulatedHub("rack", seed=8, start=START + 12 * 3600.0, faults=False)
    assert hub.outage is False
    event = hub.inject("outage")
    assert hub.outage is True and event["kind"] == "outage"
    hub.clear_fault("outage")
    assert hub.outage is False
    hub.set_outage(True)
    assert hub.outage is True
    hub.set_outage(False)
    before = hub.balance_now()["wind_mw"]
    hub.inject("wind_drop", duration_s=3600)
    hub.step(hub.now + 2.0)
    after = hub.balance_now()["wind_mw"]
    assert after <= 0.1 * hub.supply.wind_mw + 1e-9
    assert after < before or before == 0.0


def test_scheduled_faults_accumulate(full: SimulatedHub) -> None:
    counts = full.unhealthy_gpus()["counts"]
    unhealthy = counts["degraded"] + counts["failed"] + counts["off_bus"]
    assert 30 <= unhealthy <= 600
    assert sum(counts.values()) == 189_440
    kinds = {e["kind"] for e in full.events()["events"]}
    assert kinds & {"xid", "ecc", "row_remap"}


# -- jobs ---------------------------------------------------------------------------------
def test_jobs_states_and_reasons(full: SimulatedHub) -> None:
    jobs = full.jobs()["jobs"]
    rack_ids = set(full.topo.rack_ids)
    states = {j["state"] for j in jobs}
    assert states <= JOB_STATES and {"PENDING", "RUNNING", "COMPLETED"} <= states
    for job in jobs:
        if job["state"] == "PENDING":
            assert job["reason"] in SLURM_REASONS and job["start_time"] is None
        else:
            assert job["reason"] is None
        assert 1 <= job["gpus"] <= 4096
        assert set(job["racks"]) <= rack_ids
        assert job["tenant_kind"] in {"research", "startup", "enterprise"}
        assert job["partition"] in {"gpu-gb200", "gpu-h200", "debug", "preempt"}
    running = [j for j in jobs if j["state"] == "RUNNING"]
    pending = [j for j in jobs if j["state"] == "PENDING"]
    assert 1000 <= len(running) <= 5000 and 500 <= len(pending) <= 4000
    assert {j["reason"] for j in pending} >= {"Priority", "Dependency"}
    busy = sum(j["gpus"] for j in running) / 189_440
    assert 0.68 <= busy <= 0.92
    assert any(j["gpus"] > 72 and len(j["racks"]) > 1 for j in running)
    assert any("<" in j["name"] for j in jobs)
    assert any(not j["user"].isascii() for j in jobs)
    assert any(re.search("[\u0600-\u06ff]", j["user"] + j["name"]) for j in jobs)
    assert {j["tenant_country"] for j in jobs} >= {"MA", "US", "FR"}
    assert len({j["id"] for j in jobs}) == len(jobs)
    counts = full.jobs()["counts"]
    assert counts["running"] == len(running) and counts["completed_24h"] > 500


def test_jobs_evolve() -> None:
    hub = SimulatedHub("hall", seed=9, start=START)
    before = {j["id"]: j["state"] for j in hub.jobs()["jobs"]}
    hub.step(START + 2 * 3600.0)
    after = {j["id"]: j["state"] for j in hub.jobs()["jobs"]}
    assert max(after) > max(before)  # new submissions
    started = [i for i, s in before.items() if s == "PENDING" and after.get(i) == "RUNNING"]
    ended = [
        i for i, s in before.items() if s == "RUNNING" and after.get(i) not in (None, "RUNNING")
    ]
    assert started and ended
    util = np.array(hub.racks()["gpu_util_mean"])
    assert 55 <= util.mean() <= 92


# -- serialisation and exposition ------------------------------------------------------------
@pytest.mark.parametrize("scale", ("tetouan", "hall", "rack"))  # the larger: test_scales.py
def test_every_view_is_json(scale: str, full: SimulatedHub) -> None:
    hub = full if scale == "tetouan" else SimulatedHub(scale, seed=3, start=START)
    rack_id = hub.topo.rack_ids[-1]
    for value in (
        hub.site(),
        hub.racks(),
        hub.rack(rack_id),
        hub.unhealthy_gpus(),
        hub.power(),
        hub.jobs(),
        hub.events(),
        hub.events(since=10**9),
        hub.balance_now(),
    ):
        json.dumps(value, allow_nan=False)


def parse_exposition(text: str) -> dict[str, list[tuple[str, float]]]:
    samples: dict[str, list[tuple[str, float]]] = {}
    typed: set[str] = set()
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            name, kind = line[7:].split(" ")
            assert kind in {"gauge", "counter"}
            typed.add(name)
            continue
        match = SAMPLE.match(line)
        assert match, line
        assert match["name"] in typed, f"sample before its # TYPE: {line}"
        samples.setdefault(match["name"], []).append((match["labels"] or "", float(match["value"])))
    return samples


def test_metrics_text_is_prometheus(hall: SimulatedHub) -> None:
    samples = parse_exposition(hall.metrics_text("gpu"))
    on_bus = 34_560 - hall.unhealthy_gpus()["counts"]["off_bus"]  # dcgm cannot read those
    assert len(samples["DCGM_FI_DEV_GPU_TEMP"]) == on_bus
    assert len(samples["DCGM_FI_DEV_POWER_USAGE"]) == on_bus
    assert len(samples["DCGM_FI_DEV_XID_ERRORS"]) == 34_560
    labels = samples["DCGM_FI_DEV_GPU_TEMP"][0][0]
    for key in ("gpu=", "UUID=", "device=", "modelName=", "pci_bus_id=", "Hostname="):
        assert key in labels
    assert 'DCGM_FI_DRIVER_VERSION="580.159.04"' in labels and 'modelName="NVIDIA GB200"' in labels
    for name in (
        "DCGM_FI_DEV_GPU_UTIL",
        "DCGM_FI_DEV_FB_USED",
        "DCGM_FI_DEV_XID_ERRORS",
        "DCGM_FI_DEV_ROW_REMAP_FAILURE",
        "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL",
        "hub_site_it_load_mw",
        "hub_site_pue",
        "hub_battery_soc_pct",
        "hub_grid_carbon_g_per_kwh",
    ):
        assert name in samples
    assert len(samples["hub_rack_power_kw"]) == 480 and len(samples["hub_rack_pdu_load_kw"]) == 960
    rack_only = parse_exposition(hall.metrics_text("rack"))
    assert "DCGM_FI_DEV_GPU_TEMP" not in rack_only and "hub_rack_inlet_c" in rack_only
    with pytest.raises(ValueError):
        hall.metrics_text("node")
    small = parse_exposition(SimulatedHub("rack", seed=1, start=START).metrics_text())
    assert {lab.split(",")[4] for lab, _ in small["DCGM_FI_DEV_POWER_USAGE"]} == {
        'modelName="NVIDIA GB200"',
        'modelName="NVIDIA H200"',
    }


def test_events_since(hall: SimulatedHub) -> None:
    events = hall.events()["events"]
    ids = [e["id"] for e in events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    if ids:
        assert [e["id"] for e in hall.events(ids[0])["events"]] == ids[1:]
        assert hall.events(ids[-1])["events"] == []
        assert {
            "id",
            "time",
            "time_iso",
            "kind",
            "severity",
            "rack",
            "gpu_uuid",
            "xid",
            "message",
        } <= set(events[0])


def test_print_timings(full: SimulatedHub) -> None:
    """Measured figures (printed with ``-s``; not asserted)."""
    hub = SimulatedHub("tetouan", seed=7, start=START)
    times, cpu = [], []
    for k in range(1, 21):
        t0, c0 = time.perf_counter(), time.process_time()
        hub.step(START + 2.0 * k)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    t0 = time.perf_counter()
    jobs = hub.jobs()
    t_jobs = time.perf_counter() - t0
    t0 = time.perf_counter()
    hub.metrics_text("gpu")  # first call also formats the per-GPU label sets
    t_first = time.perf_counter() - t0
    hub.step(hub.now + 2.0)
    t0, c0 = time.perf_counter(), time.process_time()
    text = hub.metrics_text("gpu")
    t_metrics, c_metrics = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"\nfull site: step() median {statistics.median(times) * 1000:.1f} ms wall / "
        f"{statistics.median(cpu) * 1000:.1f} ms CPU over 20 ticks of 2 s; "
        f"jobs() {t_jobs * 1000:.1f} ms for {len(jobs['jobs'])} jobs; "
        f"metrics_text('gpu') {t_metrics:.2f} s wall / {c_metrics:.2f} s CPU per tick "
        f"(first call {t_first:.2f} s), {len(text) / 1e6:.0f} MB"
    )
    assert text.count("\n") > 7 * 180_000


def test_jobs_carry_the_mean_utilisation_of_their_gpus() -> None:
    """Running jobs say how busy their GPUs are (``gpu_util_pct``); the jobs that barely use
    them (jobgen's IDLE_JOB_SHARE) read under 2 % on average and never reach the idle rule's
    5 %, the others far above it; other jobs say null. The figure is kept a minute."""
    from console.hub.sim.jobs import JOB_UTIL_REFRESH_S

    hub = SimulatedHub("hall", seed=5, start=START + 12 * 3600.0)
    hub.step(hub.now + 120.0)
    jobs = hub.jobs()["jobs"]
    level = {i: j.util for i, j in hub.book.running.items()}
    running = [j for j in jobs if j["state"] == "RUNNING"]
    assert all(j["gpu_util_pct"] is None for j in jobs if j["state"] != "RUNNING")
    idle = np.array([j["gpu_util_pct"] for j in running if level[j["id"]] < 5.0])
    busy = np.array([j["gpu_util_pct"] for j in running if level[j["id"]] >= 5.0])
    assert len(idle) >= 2 and len(busy) > 100
    assert idle.mean() < 2.0 and idle.max() < 5.0
    assert np.median(busy) > 80.0 and (busy > 50.0).mean() > 0.98  # off-bus GPUs read 0
    # a rack's detail says the same of its jobs
    some = running[0]
    detail = hub.rack(some["racks"][0])
    assert detail is not None
    assert {j["id"]: j["gpu_util_pct"] for j in detail["jobs"]}[some["id"]] == some["gpu_util_pct"]
    # kept for a minute, then taken again
    before = {j["id"]: j["gpu_util_pct"] for j in running}
    hub.step(hub.now + JOB_UTIL_REFRESH_S / 2)
    still = [j for j in hub.jobs()["jobs"] if j["id"] in before and j["state"] == "RUNNING"]
    assert all(j["gpu_util_pct"] == before[j["id"]] for j in still)
    hub.step(hub.now + JOB_UTIL_REFRESH_S)
    later = [j for j in hub.jobs()["jobs"] if j["id"] in before and j["state"] == "RUNNING"]
    assert sum(j["gpu_util_pct"] != before[j["id"]] for j in later) > len(later) / 2
