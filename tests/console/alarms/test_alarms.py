"""Alarm engine, rules, journal and incidents (no Qt)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from console.alarms import (
    ACKED,
    NORMAL,
    OUT_OF_SERVICE,
    RTN_UNACK,
    SHELVED,
    SUPPRESSED,
    UNACK,
    AlarmConfig,
    AlarmEngine,
    IncidentTracker,
    MemoryIncidentStore,
    MemoryJournal,
)
from console.alarms.journal import JOURNAL_FIELDS
from console.contract import POWER_FIELDS, RACK_FIELDS
from console.decode import (
    decode_events,
    decode_power,
    decode_racks,
    decode_site,
    decode_unhealthy,
    jobs_from_records,
)
from console.hub.topology import Topology
from console.model import SiteTopology

T0 = 1_780_000_000.0


@pytest.fixture(scope="module")
def site() -> SiteTopology:
    topo = Topology("hall", 3)
    payload = {"time": T0, "halls": topo.halls, "rows": topo.rows, "racks": topo.racks}
    return decode_site(payload, received=T0)


def racks_at(site: SiteTopology, t: float, **overrides: dict[str, float]) -> Any:
    """Rack telemetry at hub time ``t``: a cool, healthy floor, with per-rack overrides
    given as field=dict(rack_id=value)."""
    n = site.n_racks
    base = {
        "power_kw": 100.0,
        "inlet_c": 25.0,
        "outlet_c": 34.0,
        "gpu_temp_max_c": 62.0,
        "gpu_util_mean": 80.0,
        "gpus_unhealthy": 0.0,
        "pdu_a_kw": 40.0,
        "pdu_b_kw": 40.0,
        "alarm": 0.0,
    }
    payload: dict[str, Any] = {"time": t, "rack_ids": list(site.rack_ids)}
    for name in RACK_FIELDS:
        values = [base[name]] * n
        for rack, v in overrides.get(name, {}).items():
            values[site.rack_index[rack]] = v
        payload[name] = values
    return decode_racks(payload, site, received=t)


def row_racks(site: SiteTopology, row: str) -> list[str]:
    return [r["id"] for r in site.racks if r["row"] == row]


def power_at(t: float, facility: float = 300.0, share: float = 70.0) -> Any:
    ts = [t - 20, t - 10, t]
    payload: dict[str, Any] = {"t": ts} | {f: [10.0] * 3 for f in POWER_FIELDS}
    payload["pue"] = [1.2] * 3
    payload["facility_mw"] = [facility] * 3
    payload["renewable_share_pct"] = [share] * 3
    return decode_power(payload, received=t)


def test_config_from_dict_sets_thresholds_and_priorities() -> None:
    cfg = AlarmConfig.from_dict(
        {
            "gpu_temp_high_c": 83,
            "inlet_high_c": 30,
            "pdu_warn_pct": 75,
            "pdu_crit_pct": 90,
            "envelope_mw": 380,
            "envelope_warn_pct": 97,
            "renewable_target_pct": 60,
            "flood_row": 5,
            "priorities": {"inlet_high": "critical", "supply_drop": "diagnostic"},
        }
    )
    assert cfg.inlet_high_c == 30.0 and cfg.flood_row == 5 and cfg.envelope_mw == 380.0
    assert cfg.priority("inlet_high") == "critical"
    assert cfg.priority("supply_drop") == "diagnostic"
    assert cfg.priority("comm_loss") == "high"  # untouched defaults stay
    assert AlarmConfig.from_dict(None) == AlarmConfig()
    with pytest.raises(ValueError, match="unknown setting 'inlet_hi_c'"):
        AlarmConfig.from_dict({"inlet_hi_c": 30})
    with pytest.raises(ValueError, match="not one of"):
        AlarmConfig.from_dict({"priorities": {"inlet_high": "urgent"}})
    with pytest.raises(ValueError, match="unknown rule"):
        AlarmConfig.from_dict({"priorities": {"nope": "high"}})
    with pytest.raises(ValueError, match="expected a number"):
        AlarmConfig.from_dict({"inlet_high_c": "hot"})
    with pytest.raises(ValueError, match="pdu_warn_pct < pdu_crit_pct"):
        AlarmConfig.from_dict({"pdu_warn_pct": 96})


def test_configured_threshold_and_priority_apply(site: SiteTopology) -> None:
    cfg = AlarmConfig.from_dict({"inlet_high_c": 30, "priorities": {"inlet_high": "critical"}})
    engine = AlarmEngine(cfg)
    rack = site.rack_ids[5]
    update = engine.evaluate({"racks": racks_at(site, T0, inlet_c={rack: 31.0})}, site, T0)
    [alarm] = update.alarms
    assert alarm.id == f"inlet_high:{rack}" and alarm.priority == "critical"
    assert alarm.state == UNACK and update.new_critical
    assert update.counts["critical"] == 1
    # the default threshold (32 °C) would not have fired
    assert (
        not AlarmEngine()
        .evaluate({"racks": racks_at(site, T0, inlet_c={rack: 31.0})}, site, T0)
        .alarms
    )


def test_full_lifecycle_is_journaled_in_order(site: SiteTopology) -> None:
    journal = MemoryJournal()
    engine = AlarmEngine(journal=journal)
    rack = site.rack_ids[40]
    hot = {"inlet_c": {rack: 34.5}}
    engine.evaluate({"racks": racks_at(site, T0, **hot)}, site, T0 + 3)
    alarm_id = f"inlet_high:{rack}"
    assert engine.alarm(alarm_id).state == UNACK
    assert engine.alarm(alarm_id).time == T0  # hub time of the snapshot, not "now"
    with pytest.raises(ValueError, match="operator"):
        engine.acknowledge(alarm_id, "  ", "no name")
    engine.acknowledge(alarm_id, "Amina", "load shifted", now=T0 + 30)
    assert engine.alarm(alarm_id).state == ACKED
    engine.evaluate({"racks": racks_at(site, T0 + 60)}, site, T0 + 60)
    assert engine.alarm(alarm_id) is None  # acked and returned: normal, off the list
    # a second episode, returning before the ack
    engine.evaluate({"racks": racks_at(site, T0 + 120, **hot)}, site, T0 + 120)
    engine.evaluate({"racks": racks_at(site, T0 + 180)}, site, T0 + 180)
    assert engine.alarm(alarm_id).state == RTN_UNACK
    assert engine.oldest_unacknowledged().id == alarm_id
    engine.acknowledge(alarm_id, "Youssef", now=T0 + 200)
    assert engine.alarms() == ()
    steps = [(e["state_from"], e["state_to"], e["operator"]) for e in journal.entries]
    assert steps == [
        (NORMAL, UNACK, ""),
        (UNACK, ACKED, "Amina"),
        (ACKED, NORMAL, ""),
        (NORMAL, UNACK, ""),
        (UNACK, RTN_UNACK, ""),
        (RTN_UNACK, NORMAL, "Youssef"),
    ]
    assert all(set(e) == set(JOURNAL_FIELDS) for e in journal.entries)
    assert journal.entries[1]["comment"] == "load shifted"
    assert journal.entries[1]["rack"] == rack and journal.entries[1]["source"] == "inlet_high"
    times = [e["time"] for e in journal.entries]
    assert times == sorted(times)


def test_shelved_alarm_returns_when_shelf_expires(site: SiteTopology) -> None:
    journal = MemoryJournal()
    engine = AlarmEngine(journal=journal, clock=lambda: T0)
    rack = site.rack_ids[7]
    snap = racks_at(site, T0, inlet_c={rack: 34.0})
    engine.evaluate({"racks": snap}, site, T0)
    alarm_id = f"inlet_high:{rack}"
    with pytest.raises(ValueError, match="future"):
        engine.shelve(alarm_id, T0 - 1, "Amina", now=T0)
    with pytest.raises(ValueError, match="at most"):
        engine.shelve(alarm_id, T0 + 3 * 86400, "Amina", now=T0)
    update = engine.shelve(alarm_id, T0 + 900, "Amina", "blanking panel ordered", now=T0 + 10)
    assert engine.alarm(alarm_id).state == SHELVED
    assert engine.alarm(alarm_id).shelved_until == T0 + 900
    assert update.counts["medium"] == 0  # shelved alarms do not count as standing
    assert journal.entries[-1]["until"] == T0 + 900  # a restart resumes the shelf
    later = racks_at(site, T0 + 600, inlet_c={rack: 34.5})
    engine.evaluate({"racks": later}, site, T0 + 600)
    assert engine.alarm(alarm_id).state == SHELVED  # still on the shelf
    update = engine.evaluate(
        {"racks": racks_at(site, T0 + 960, inlet_c={rack: 34.5})}, site, T0 + 960
    )
    assert engine.alarm(alarm_id).state == UNACK  # the shelf expired, the condition is still on
    assert alarm_id in update.raised
    shelf = [(e["state_from"], e["state_to"], e["comment"]) for e in journal.for_alarm(alarm_id)]
    assert shelf[1:] == [
        (UNACK, SHELVED, "blanking panel ordered"),
        (SHELVED, UNACK, "shelf expired"),
    ]
    # shelved, then the condition clears: on expiry the alarm is normal (gone)
    engine.shelve(alarm_id, T0 + 2000, "Amina", now=T0 + 1000)
    engine.evaluate({"racks": racks_at(site, T0 + 1100)}, site, T0 + 1100)
    assert engine.alarm(alarm_id).state == SHELVED
    engine.evaluate({"racks": racks_at(site, T0 + 2100)}, site, T0 + 2100)
    assert engine.alarm(alarm_id) is None
    assert journal.entries[-1]["state_to"] == NORMAL


def test_unshelve_suppress_and_out_of_service(site: SiteTopology) -> None:
    engine = AlarmEngine()
    rack = site.rack_ids[9]
    engine.evaluate({"racks": racks_at(site, T0, inlet_c={rack: 33.0})}, site, T0)
    alarm_id = f"inlet_high:{rack}"
    engine.shelve(alarm_id, T0 + 3600, "Amina", now=T0)
    engine.unshelve(alarm_id, "Amina", "fixed early", now=T0 + 60)
    assert engine.alarm(alarm_id).state == UNACK
    engine.suppress(alarm_id, "Amina", now=T0 + 70)
    assert engine.alarm(alarm_id).state == SUPPRESSED
    engine.unsuppress(alarm_id, "Amina", now=T0 + 80)
    engine.set_out_of_service(alarm_id, True, "Karim", "sensor faulty", now=T0 + 90)
    assert engine.alarm(alarm_id).state == OUT_OF_SERVICE
    engine.evaluate({"racks": racks_at(site, T0 + 100)}, site, T0 + 100)
    assert engine.alarm(alarm_id).state == OUT_OF_SERVICE
    engine.set_out_of_service(alarm_id, False, "Karim", now=T0 + 110)
    assert engine.alarm(alarm_id) is None  # back in service with the condition gone
    with pytest.raises(KeyError):
        engine.acknowledge("inlet_high:nope", "Amina")


def test_maintenance_suppresses_by_design(site: SiteTopology) -> None:
    engine = AlarmEngine()
    engine.set_maintenance("A-05", True, "Karim", "CRAH swap", now=T0)
    racks = row_racks(site, "A-05")[:2] + row_racks(site, "A-06")[:1]
    update = engine.evaluate(
        {"racks": racks_at(site, T0, inlet_c=dict.fromkeys(racks, 35.0))}, site, T0
    )
    states = {a.id: a.state for a in update.alarms}
    assert states[f"inlet_high:{racks[0]}"] == SUPPRESSED
    assert states[f"inlet_high:{racks[2]}"] == UNACK
    assert update.counts["medium"] == 1
    engine.set_maintenance("A-05", False, "Karim", now=T0 + 60)
    assert engine.alarm(f"inlet_high:{racks[0]}").state == UNACK


def test_cooling_loss_is_one_row_alarm_not_one_per_rack(site: SiteTopology) -> None:
    journal = MemoryJournal()
    engine = AlarmEngine(journal=journal)
    row = row_racks(site, "A-03")
    # two hot racks: rack alarms (a door left open, a missing blanking panel)
    update = engine.evaluate(
        {"racks": racks_at(site, T0, inlet_c=dict.fromkeys(row[:2], 34.0))}, site, T0
    )
    assert sorted(a.rule for a in update.alarms) == ["inlet_high", "inlet_high"]
    # the whole row heats: one row cooling alarm lists the 24 racks; no rack alarms
    hot = dict.fromkeys(row, 34.0)
    update = engine.evaluate(
        {"racks": racks_at(site, T0 + 10, inlet_c=hot, gpu_temp_max_c=dict.fromkeys(row, 86.0))},
        site,
        T0 + 10,
    )
    active = [a for a in update.alarms if a.active]
    [alarm] = active
    assert alarm.id == "cooling_loss:row:A-03" and alarm.area == "row A-03"
    assert alarm.priority == "high" and alarm.time == T0 + 10
    assert alarm.message.startswith("Row A-03 running hot: 24 racks, inlet up to 34.0 °C")
    assert set(alarm.racks) == set(row) and len(alarm.detail) == 24
    assert alarm.action.startswith("Send the facility technician")
    # past the critical inlet: the same alarm, now critical
    update = engine.evaluate(
        {"racks": racks_at(site, T0 + 20, inlet_c=dict.fromkeys(row, 41.0))}, site, T0 + 20
    )
    assert engine.alarm("cooling_loss:row:A-03").priority == "critical"
    # a hall-wide heat wave: one alarm per row, never one per rack
    many = row + row_racks(site, "A-04") + row_racks(site, "A-05")
    update = engine.evaluate(
        {"racks": racks_at(site, T0 + 30, inlet_c=dict.fromkeys(many, 34.0))}, site, T0 + 30
    )
    assert sorted(a.id for a in update.alarms if a.active) == [
        "cooling_loss:row:A-03",
        "cooling_loss:row:A-04",
        "cooling_loss:row:A-05",
    ]


def test_hub_cooling_event_and_telemetry_raise_the_same_row_alarm(site: SiteTopology) -> None:
    engine = AlarmEngine()
    row = row_racks(site, "A-07")
    events = decode_events(
        {"time": T0, "events": [
            {"id": 1, "time": T0 - 30, "kind": "cooling_loss", "severity": "critical",
             "rack": row[0], "message": "Cooling unit lost on row A-07"},
        ]},
        received=T0,
    )
    update = engine.evaluate({"events": events}, site, T0)
    [alarm] = update.alarms
    assert alarm.id == "cooling_loss:row:A-07" and alarm.time == T0 - 30  # the source's time
    update = engine.evaluate(
        {"racks": racks_at(site, T0 + 60, inlet_c=dict.fromkeys(row, 35.0))}, site, T0 + 60
    )
    assert [a.id for a in update.alarms] == ["cooling_loss:row:A-07"]
    assert update.alarms[0].time == T0 - 30 and "24 racks" in update.alarms[0].message
    restored = decode_events(
        {"time": T0 + 900, "events": [
            {"id": 2, "time": T0 + 900, "kind": "cooling_restored", "severity": "info",
             "rack": row[0], "message": "Cooling restored on row A-07"},
        ]},
        received=T0 + 900,
    )
    engine.evaluate({"events": restored}, site, T0 + 900)
    assert engine.alarm("cooling_loss:row:A-07").active  # the row is still hot
    engine.evaluate({"racks": racks_at(site, T0 + 960)}, site, T0 + 960)
    assert engine.alarm("cooling_loss:row:A-07").state == RTN_UNACK


def test_pdu_trip_is_one_feed_alarm(site: SiteTopology) -> None:
    engine = AlarmEngine()
    rack = site.rack_ids[3]
    # feed A open: feed B carries the rack (120 kW on a 100 kW feed)
    racks = racks_at(site, T0, pdu_a_kw={rack: 0.0}, pdu_b_kw={rack: 120.0})
    events = decode_events(
        {"time": T0, "events": [
            {"id": 5, "time": T0 - 5, "kind": "pdu_trip", "severity": "critical", "rack": rack,
             "feed": f"{rack}-PDU-A", "message": "<b>Breaker</b> of feed A tripped"},
        ]},
        received=T0,
    )
    update = engine.evaluate({"events": events, "racks": racks}, site, T0)
    [alarm] = update.alarms
    assert alarm.id == f"pdu_feed_lost:{rack}" and alarm.priority == "high"
    assert alarm.time == T0 - 5 and alarm.racks == (rack,)
    assert "no redundancy" in alarm.message and "120 %" in alarm.message
    update = engine.evaluate(
        {"racks": racks_at(site, T0 + 60, pdu_a_kw={rack: 0.0}, pdu_b_kw={rack: 120.0})},
        site, T0 + 60,
    )
    assert [a.id for a in update.alarms] == [f"pdu_feed_lost:{rack}"]  # no pdu_critical too
    restored = decode_events(
        {"time": T0 + 600, "events": [
            {"id": 6, "time": T0 + 600, "kind": "pdu_restored", "severity": "info", "rack": rack,
             "message": "restored"},
        ]},
        received=T0 + 600,
    )
    engine.evaluate({"events": restored, "racks": racks_at(site, T0 + 600)}, site, T0 + 600)
    assert engine.alarm(f"pdu_feed_lost:{rack}").state == RTN_UNACK


def test_single_gpu_faults_raise_no_alarm_but_clusters_do(site: SiteTopology) -> None:
    engine = AlarmEngine()
    r1, r2, r3 = site.rack_ids[0], site.rack_ids[1], site.rack_ids[2]
    gpus = [
        {"uuid": "GPU-a", "rack": r1, "node": f"{r1}-n00", "status": "off_bus", "xid": 79,
         "since": T0 - 600},
        {"uuid": "GPU-c", "rack": r2, "node": f"{r2}-n00", "status": "failed", "xid": 95,
         "ecc_dbe": 1, "since": T0 - 500},
        {"uuid": "GPU-d", "rack": r2, "node": f"{r2}-n01", "status": "failed", "xid": 64,
         "since": T0 - 9000},
        {"uuid": "GPU-f", "rack": r3, "node": f"{r3}-n00", "status": "degraded", "xid": 13,
         "since": T0 - 100},
    ]
    snaps = {
        "gpus": decode_unhealthy({"time": T0, "gpus": gpus}, received=T0),
        "racks": racks_at(site, T0),
    }
    update = engine.evaluate(snaps, site, T0)
    assert update.alarms == ()  # maintenance work, not alarms
    # three GPUs failing in one rack within an hour: one rack alarm, at the first fault's time
    gpus += [
        {"uuid": f"GPU-x{k}", "rack": r3, "node": f"{r3}-n0{k}", "status": "failed", "xid": 48,
         "since": T0 - 1000 + 100 * k}
        for k in range(3)
    ]
    update = engine.evaluate(
        {"gpus": decode_unhealthy({"time": T0 + 5, "gpus": gpus}, received=T0 + 5)}, site, T0 + 5
    )
    [alarm] = update.alarms
    assert alarm.id == f"gpu_cluster:{r3}" and alarm.time == T0 - 1000
    assert alarm.gpus == ("GPU-x0", "GPU-x1", "GPU-x2") and alarm.priority == "medium"
    # a whole server lost: one node alarm (its GPUs do not also make a rack cluster)
    node = [
        {"uuid": f"GPU-n{k}", "rack": r1, "node": f"{r1}-n05", "status": "off_bus", "xid": 79,
         "since": T0 + k}
        for k in range(4)
    ]
    update = engine.evaluate(
        {"gpus": decode_unhealthy({"time": T0 + 10, "gpus": gpus + node}, received=T0 + 10)},
        site, T0 + 10,
    )
    ids = sorted(a.id for a in update.alarms)
    assert ids == [f"gpu_cluster:{r3}", f"node_lost:{r1}-n05"]


def test_drained_server_gpu_faults_raise_no_alarm(site: SiteTopology) -> None:
    engine = AlarmEngine()
    rack = site.rack_ids[5]
    gpus = [
        {"uuid": f"GPU-{k}", "rack": rack, "node": f"{rack}-n0{k}", "status": "failed",
         "xid": 48, "since": T0, "node_state": "drain"}
        for k in range(4)
    ]
    update = engine.evaluate(
        {"gpus": decode_unhealthy({"time": T0, "gpus": gpus}, received=T0)}, site, T0
    )
    assert update.alarms == ()
    # marked in maintenance in the console: the same
    for g in gpus:
        g["node_state"] = "up"
    engine.set_maintenance(rack, True, "Karim", "tray swap", now=T0 + 1)
    update = engine.evaluate(
        {"gpus": decode_unhealthy({"time": T0 + 2, "gpus": gpus}, received=T0 + 2)}, site, T0 + 2
    )
    assert update.alarms == ()


def test_fleet_failure_rate_and_power_rules(site: SiteTopology) -> None:
    engine = AlarmEngine(AlarmConfig(gpu_fault_rate_min=5, gpu_fault_baseline_per_100k_h=5))
    gpus = [
        {"uuid": f"GPU-{k}", "rack": site.rack_ids[k * 7], "node": f"n{k}", "status": "failed",
         "xid": 48, "since": T0 - 60 * k}
        for k in range(6)
    ]
    t = [T0 - 30, T0 - 20, T0 - 10, T0]
    payload: dict[str, Any] = {"t": t} | {f: [10.0] * 4 for f in POWER_FIELDS}
    payload["facility_mw"] = [300.0, 372.0, 380.0, 372.0]
    snaps = {
        "gpus": decode_unhealthy({"time": T0, "gpus": gpus}, received=T0),
        "power": decode_power(payload, received=T0),
    }
    update = engine.evaluate(snaps, site, T0)
    by_id = {a.id: a for a in update.alarms}
    assert by_id["gpu_fault_rate:site"].value == 6
    env = by_id["envelope_high:site"]
    assert env.message == "Facility load 372 MW, 96 % of the 386 MW envelope"
    assert env.time == T0 - 20 and env.priority == "high"  # when it crossed, at the source
    payload["facility_mw"] = [300.0, 372.0, 380.0, 390.0]
    engine.evaluate({"power": decode_power(payload, received=T0 + 1)}, site, T0 + 1)
    assert engine.alarm("envelope_high:site").priority == "critical"  # past the envelope
    assert not any(a.rule == "renewable_low" for a in engine.alarms())


def test_pdu_load_rules(site: SiteTopology) -> None:
    engine = AlarmEngine()
    r1, r2 = site.rack_ids[0], site.rack_ids[1]
    snaps = {"racks": racks_at(site, T0, pdu_a_kw={r1: 87.5, r2: 98.0})}
    by_id = {a.id: a for a in engine.evaluate(snaps, site, T0).alarms}
    assert by_id[f"pdu_high:{r1}"].priority == "low"
    assert by_id[f"pdu_high:{r1}"].value == pytest.approx(87.5)
    assert by_id[f"pdu_critical:{r2}"].priority == "high"
    assert f"pdu_high:{r2}" not in by_id


def test_hub_outage_is_one_comm_loss_alarm(site: SiteTopology) -> None:
    engine = AlarmEngine(AlarmConfig(stale_after_s=60))
    engine.evaluate({"racks": racks_at(site, T0)}, site, T0)
    for kind in ("racks", "gpus", "power", "jobs", "events"):
        update = engine.set_comm_state(kind, False, now=T0 + 5)
    update = engine.set_comm_state("racks", False, now=T0 + 300)  # data now stale too
    [alarm] = update.alarms
    assert alarm.id == "comm_loss:source" and alarm.priority == "high" and alarm.state == UNACK
    assert alarm.time == T0 + 5 and "racks" in alarm.message and "events" in alarm.message
    for kind in ("racks", "gpus", "power", "jobs"):
        engine.set_comm_state(kind, True, now=T0 + 310)
    assert engine.alarm("comm_loss:source").active  # events still unanswered
    update = engine.set_comm_state("events", True, now=T0 + 311)
    assert engine.alarm("comm_loss:source").state == RTN_UNACK
    # answered, but no new racks snapshot for minutes: one stale-data alarm
    assert engine.alarm("stale_data:source").state == UNACK
    engine.evaluate({"racks": racks_at(site, T0 + 320)}, site, T0 + 320)
    assert engine.alarm("stale_data:source").state == RTN_UNACK


def test_an_hourly_forecast_and_the_shift_log_raise_no_stale_or_comm_alarm(
        site: SiteTopology) -> None:
    """A forecast is issued hourly (its snapshot's time is its issue), the log is read from its
    own hub: neither's age nor a failed poll is an alarm, the telemetry's still is."""
    from console.forecast import ForecastSnapshot

    engine = AlarmEngine(AlarmConfig(stale_after_s=60))
    engine.evaluate({"racks": racks_at(site, T0 + 3000),
                     "forecast": ForecastSnapshot(time=T0, issued=T0)}, site, T0 + 3000)
    assert engine.alarm("stale_data:source") is None
    update = engine.set_comm_state("forecast", False, now=T0 + 3001)
    update = engine.set_comm_state("log", False, now=T0 + 3002)
    assert [a.id for a in update.alarms if a.active] == []
    update = engine.set_comm_state("racks", True, now=T0 + 3200)  # racks 200 s old now
    assert [a.id for a in update.alarms if a.active] == ["stale_data:source"]
    assert "Forecast" not in engine.alarm("stale_data:source").message



def test_a_forecast_never_sets_the_hub_clock(site: SiteTopology) -> None:
    """A forecast's time is its issue (up to an hour back): polled last, it must not make
    alarm times an hour old (the hub's clock is told by the telemetry)."""
    from console.forecast import ForecastSnapshot

    engine = AlarmEngine(AlarmConfig(stale_after_s=60))
    racks = racks_at(site, T0)
    forecast = ForecastSnapshot(time=T0 - 2400.0, received=T0 + 5.0, issued=T0 - 2400.0)
    update = engine.evaluate({"racks": racks, "forecast": forecast}, site, now=T0 + 5.0)
    assert engine.skew == pytest.approx(racks.time - racks.received)
    assert update.time == pytest.approx(T0 + 5.0 + engine.skew)


def test_incremental_polls_keep_other_alarms(site: SiteTopology) -> None:
    """The poller evaluates each kind as it arrives; an empty power poll clears nothing."""
    engine = AlarmEngine()
    rack = site.rack_ids[2]
    engine.evaluate({"power": power_at(T0, facility=380.0)}, site, T0)
    engine.evaluate({"racks": racks_at(site, T0 + 2, inlet_c={rack: 33.0})}, site, T0 + 2)
    empty = decode_power({"t": []} | {f: [] for f in POWER_FIELDS}, received=T0 + 10)
    engine.evaluate({"power": empty}, site, T0 + 10)
    engine.evaluate(
        {"gpus": decode_unhealthy({"time": T0 + 12, "gpus": []}, received=T0 + 12)}, site, T0 + 12
    )
    assert engine.alarm("envelope_high:site").state == UNACK
    assert engine.alarm(f"inlet_high:{rack}").state == UNACK
    engine.evaluate({"power": power_at(T0 + 20, facility=300.0)}, site, T0 + 20)
    assert engine.alarm("envelope_high:site").state == RTN_UNACK


def test_hub_event_alarm_holds_then_returns(site: SiteTopology) -> None:
    engine = AlarmEngine(AlarmConfig(event_hold_s=300))
    rack = site.rack_ids[3]
    events = decode_events(
        {
            "time": T0,
            "events": [
                {"id": 5, "time": T0, "kind": "ups_alarm", "severity": "critical",
                 "rack": rack, "message": "<b>UPS</b> 3 on battery"},
                {"id": 6, "time": T0, "kind": "xid", "severity": "critical", "rack": rack,
                 "message": "XID 79"},
            ],
        },
        received=T0,
    )
    update = engine.evaluate({"events": events}, site, T0)
    [alarm] = update.alarms
    assert alarm.id == f"hub_event:ups_alarm:{rack}" and alarm.priority == "critical"
    assert alarm.message == "<b>UPS</b> 3 on battery"  # kept verbatim, shown as text
    engine.evaluate({"events": events}, site, T0 + 100)  # same batch again: no duplicate
    assert engine.alarm(alarm.id).state == UNACK
    engine.evaluate({}, site, T0 + 400)
    assert engine.alarm(alarm.id).state == RTN_UNACK


def test_large_job_killed_names_the_job_and_tenant(site: SiteTopology) -> None:
    engine = AlarmEngine(AlarmConfig(large_job_gpus=256, large_job_kills=2))
    jobs = jobs_from_records(
        [{"id": 77, "name": "pretrain", "tenant": "atlas-ai", "tenant_kind": "startup",
          "tenant_country": "MA", "user": "u", "partition": "gb200", "state": "RUNNING",
          "reason": None, "gpus": 512, "nodes": 128, "racks": [site.rack_ids[0]],
          "submit_time": T0 - 900, "start_time": T0 - 600, "end_time": None,
          "time_limit_s": 86400}],
        T0,
    )
    engine.evaluate({"jobs": jobs}, site, T0)
    events = decode_events(
        {"time": T0, "events": [
            {"id": 1, "time": T0, "kind": "job_failed", "severity": "medium",
             "rack": site.rack_ids[0], "job_id": 77, "message": "Job 77 failed: XID 79"},
            {"id": 2, "time": T0, "kind": "job_failed", "severity": "medium",
             "rack": site.rack_ids[0], "job_id": 78, "gpus": 8, "message": "small job"},
        ]},
        received=T0,
    )
    # one kill is normal at this scale: the job resumes from its checkpoint
    assert engine.evaluate({"events": events}, site, T0 + 1).alarms == ()
    again = jobs_from_records(
        [dict(jobs.row(0)) | {"id": 91, "racks": [site.rack_ids[0]]}], T0 + 600
    )
    engine.evaluate({"jobs": again}, site, T0 + 600)
    events = decode_events(
        {"time": T0 + 900, "events": [
            {"id": 3, "time": T0 + 900, "kind": "job_failed", "severity": "medium",
             "rack": site.rack_ids[0], "job_id": 91, "message": "Job 91 failed: XID 48"},
        ]},
        received=T0 + 900,
    )
    update = engine.evaluate({"events": events}, site, T0 + 901)
    [alarm] = [a for a in update.alarms if a.rule == "large_job_killed"]
    assert alarm.id == "large_job_killed:91" and "atlas-ai" in alarm.message
    assert "512 GPUs" in alarm.message and "2 times in 6 h" in alarm.message
    assert alarm.time == T0


def test_planned_work_shelves_alarms_of_its_scope(site: SiteTopology) -> None:
    journal = MemoryJournal()
    engine = AlarmEngine(journal=journal, clock=lambda: T0)
    row = row_racks(site, "A-02")
    with pytest.raises(ValueError, match="reason"):
        engine.plan_shelf("A-02", T0 + 60, T0 + 3600, "Karim", " ", now=T0)
    with pytest.raises(ValueError, match="at most"):
        engine.plan_shelf("A-02", T0, T0 + 8 * 86400, "Karim", "CDU swap", now=T0)
    update = engine.plan_shelf("A-02", T0 + 60, T0 + 3600, "Karim", "CDU swap", now=T0)
    [plan] = update.plans
    assert plan.scope == "A-02" and plan.reason == "CDU swap"
    hot = racks_at(site, T0 + 120, inlet_c=dict.fromkeys(row, 35.0))
    other = site.rack_ids[-1]
    hot = racks_at(site, T0 + 120, inlet_c=dict.fromkeys(row, 35.0) | {other: 35.0})
    update = engine.evaluate({"racks": hot}, site, T0 + 120)
    states = {a.id: a.state for a in update.alarms}
    assert states == {"cooling_loss:row:A-02": SHELVED, f"inlet_high:{other}": UNACK}
    shelved = engine.alarm("cooling_loss:row:A-02")
    assert shelved.shelved_until == T0 + 3600 and "CDU swap" in shelved.comment
    assert not update.new_critical and update.counts["high"] == 0
    plan_rows = [e for e in journal.entries if e["alarm_id"] == f"plan:{plan.id}"]
    assert plan_rows[0]["operator"] == "Karim" and plan_rows[0]["until"] == T0 + 3600
    # the plan ends: the alarm comes back by itself, the plan's end is journaled
    engine.evaluate({"racks": racks_at(site, T0 + 3700, inlet_c=dict.fromkeys(row, 35.0))},
                    site, T0 + 3700)
    assert engine.alarm("cooling_loss:row:A-02").state == UNACK
    assert engine.plans() == ()
    assert [e["state_to"] for e in journal.entries if e["alarm_id"].startswith("plan:")] == [
        SHELVED, NORMAL,
    ]


def test_restart_resumes_alarms_shelves_and_plans_from_the_journal(site: SiteTopology) -> None:
    journal = MemoryJournal()
    first = AlarmEngine(journal=journal, clock=lambda: T0)
    r1, r2 = site.rack_ids[1], site.rack_ids[2]
    hot = racks_at(site, T0, inlet_c={r1: 34.0, r2: 35.0})
    first.evaluate({"racks": hot}, site, T0)
    first.acknowledge(f"inlet_high:{r1}", "Amina", now=T0 + 10)
    first.shelve(f"inlet_high:{r2}", T0 + 7200, "Amina", "door fixed tomorrow", now=T0 + 20)
    first.plan_shelf("A-09", T0 + 3600, T0 + 7200, "Karim", "CDU swap", now=T0 + 30)
    rows_before = len(journal)
    # a new console on the same journal: nothing raised or journaled again
    second = AlarmEngine(journal=journal, clock=lambda: T0 + 600)
    assert second.resume(list(journal.entries), now=T0 + 600) == 2
    update = second.evaluate({"racks": racks_at(site, T0 + 600, inlet_c={r1: 34.0, r2: 35.0})},
                             site, T0 + 600)
    assert len(journal) == rows_before and update.raised == ()
    states = {a.id: (a.state, a.time) for a in update.alarms}
    assert states == {f"inlet_high:{r1}": (ACKED, T0), f"inlet_high:{r2}": (SHELVED, T0)}
    assert second.alarm(f"inlet_high:{r2}").shelved_until == T0 + 7200
    assert [p.scope for p in second.plans()] == ["A-09"]
    # a condition gone while the console was down returns, journaled once
    second.evaluate({"racks": racks_at(site, T0 + 700, inlet_c={r2: 35.0})}, site, T0 + 700)
    assert second.alarm(f"inlet_high:{r1}") is None
    assert journal.entries[-1]["state_from"] == ACKED and journal.entries[-1]["state_to"] == NORMAL


def test_journal_failure_keeps_entries_and_retries(site: SiteTopology) -> None:
    class Flaky:
        def __init__(self) -> None:
            self.fail = True
            self.entries: list[dict] = []

        def append_journal(self, entries: Any) -> None:
            if self.fail:
                raise OSError("database is locked")
            self.entries.extend(entries)

    store = Flaky()
    engine = AlarmEngine(journal=store)
    rack = site.rack_ids[11]
    engine.evaluate({"racks": racks_at(site, T0, inlet_c={rack: 35.0})}, site, T0)
    assert engine.journal_error and "locked" in engine.journal_error
    assert engine.alarm(f"inlet_high:{rack}").state == UNACK  # alarming goes on
    store.fail = False
    engine.acknowledge(f"inlet_high:{rack}", "Amina", now=T0 + 5)
    assert [e["state_to"] for e in store.entries] == [UNACK, ACKED]
    assert engine.journal_error is None


def test_incidents_group_by_row_with_jobs_and_windows(site: SiteTopology) -> None:
    store = MemoryIncidentStore()
    windows: list[tuple[int, float, float | None]] = []
    tracker = IncidentTracker(
        store, window_s=600, margin_s=300, on_window=lambda *w: windows.append(w)
    )
    engine = AlarmEngine()
    row = row_racks(site, "A-03")
    other = row_racks(site, "A-12")[0]
    jobs = jobs_from_records(
        [
            {"id": 1, "state": "RUNNING", "racks": [row[2], row[3]], "partition": "gpu-gb200"},
            {"id": 2, "state": "RUNNING", "racks": [other], "partition": "gpu-gb200"},
            {"id": 3, "state": "PENDING", "racks": [], "partition": "gpu-gb200"},
        ],
        T0,
    )
    u = engine.evaluate({"racks": racks_at(site, T0, inlet_c={row[2]: 33.0})}, site, T0)
    tracker.update(u.alarms, u.time, jobs)
    u = engine.evaluate(
        {
            "racks": racks_at(
                site, T0 + 60, inlet_c=dict.fromkeys(row, 34.0), gpu_temp_max_c={row[4]: 87.0}
            )
        },
        site,
        T0 + 60,
    )
    tracker.update(u.alarms, u.time, jobs)
    hot = dict.fromkeys(row, 34.0) | {other: 34.0}
    u = engine.evaluate({"racks": racks_at(site, T0 + 90, inlet_c=hot)}, site, T0 + 90)
    tracker.update(u.alarms, u.time, jobs)
    first, second = tracker.incidents()
    assert first.title.startswith("Row A-03: Rack inlet above ASHRAE allowable")
    assert first.racks == set(row) and first.jobs == {1} and first.open
    assert second.racks == {other} and second.jobs == {2}
    u = engine.evaluate({"racks": racks_at(site, T0 + 300)}, site, T0 + 300)
    tracker.update(u.alarms, u.time, jobs)
    assert first.end == T0 + 300 and second.end == T0 + 300
    assert store.incidents[first.id]["end"] == T0 + 300
    assert (first.id, T0 - 300, T0 + 600) in windows
    assert tracker.windows()[0] == (T0 - 300, T0 + 600)
    tracker.set_note(first.id, "CRAH A-03 compressor tripped; restarted 10:42")
    assert store.incidents[first.id]["note"].startswith("CRAH A-03")
    # within the window the same row reopens the incident; much later it starts a new one
    u = engine.evaluate({"racks": racks_at(site, T0 + 500, inlet_c={row[0]: 33.0})}, site, T0 + 500)
    tracker.update(u.alarms, u.time)
    assert first.open and len(tracker.incidents()) == 2
    u = engine.evaluate({"racks": racks_at(site, T0 + 560)}, site, T0 + 560)
    tracker.update(u.alarms, u.time)
    u = engine.evaluate(
        {"racks": racks_at(site, T0 + 4000, inlet_c={row[0]: 33.0})}, site, T0 + 4000
    )
    tracker.update(u.alarms, u.time)
    assert len(tracker.incidents()) == 3


def test_rack_rules_are_vectorised_over_a_full_site() -> None:
    """A smoke check of the full-site path (the figure itself is in bench/alarms.py)."""
    from bench.alarms import T0 as B0
    from bench.alarms import full_site, snapshot_set

    big = full_site()
    snaps = snapshot_set(big, B0, np.random.default_rng(1))
    update = AlarmEngine().evaluate(snaps, big, B0)
    assert 3_000 < big.n_racks and len(update.alarms) < 10  # one alarm per cause
    ids = {a.id for a in update.alarms}
    assert {"cooling_loss:row:A-03", "gpu_fault_rate:site", "envelope_high:site"} <= ids
    assert not any(a.rule in ("gpu_cluster", "node_lost") for a in update.alarms)


def test_cooling_failure_in_simulated_hub(tmp_path: Any) -> None:
    """Cooling loss on row A-03: alarms rise, fold into one row alarm and ONE incident, are
    acknowledged, return to normal; the cache's journal holds every step in order."""
    from console.cache import Cache
    from console.decode import decode_jobs
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub("hall", seed=21, start=T0, faults=False)
    site = decode_site(hub.site(), received=hub.now)
    cache = Cache.open(tmp_path / "alarms.db")
    windows: list[tuple[float, float]] = []
    engine = AlarmEngine(journal=cache, clock=lambda: hub.now)
    tracker = IncidentTracker(
        cache, on_window=lambda _i, s, e: windows.append((s, e)) if e is not None else None
    )
    since = 0

    def poll() -> Any:
        nonlocal since
        t = hub.now
        events = decode_events(hub.events(since), received=t)
        since = max(since, events.last_id)
        snaps = {
            "racks": decode_racks(hub.racks(), site, received=t),
            "gpus": decode_unhealthy(hub.unhealthy_gpus(), received=t),
            "power": decode_power(hub.power(t - 600, t, 10), received=t),
            "events": events,
        }
        update = engine.evaluate(snaps, site, t)
        tracker.update(update.alarms, update.time, decode_jobs(hub.jobs(), received=t))
        return update

    def inlet_alarms() -> list[Any]:
        return [a for a in engine.alarms() if a.rule in ("inlet_high", "cooling_loss")]

    poll()
    assert not inlet_alarms()
    hub.inject("cooling_loss", "A-03")
    minute = 0
    poll()  # the hub's event raises the row's one alarm at the next poll
    [row_alarm] = inlet_alarms()
    assert row_alarm.id == "cooling_loss:row:A-03" and row_alarm.state == UNACK
    while "running hot" not in engine.alarm(row_alarm.id).message:
        minute += 1
        assert minute <= 15, "the row's temperatures never showed the loss"
        hub.step(T0 + 60 * minute)
        poll()
        assert [a.id for a in inlet_alarms()] == [row_alarm.id]  # never one per rack
    row_alarm = engine.alarm(row_alarm.id)
    assert row_alarm.priority == "high" and row_alarm.time <= T0 + 1  # the hub's time
    assert len(row_alarm.racks) > 10 and all(r.startswith("A-03-") for r in row_alarm.racks)
    related = [i for i in tracker.incidents() if "cooling_loss:row:A-03" in i.alarm_ids]
    assert len(related) == 1
    incident = related[0]
    assert incident.open and incident.title.startswith("Row A-03")
    assert all(i.id == incident.id for i in tracker.incidents() if i.rows & {"A-03"})
    engine.acknowledge(row_alarm.id, "Amina B.", "CRAH A-03 tripped, tech on the way")
    assert engine.alarm(row_alarm.id).state == ACKED
    hub.clear_fault("cooling_loss", "A-03")
    while inlet_alarms():
        minute += 1
        assert minute <= 45, "the row never cooled down"
        hub.step(T0 + 60 * minute)
        poll()
    assert not incident.open or any(
        a.active and a.row == "A-03"
        for a in engine.alarms()  # e.g. a GPU alarm still on
    )
    for a in engine.alarms():  # acknowledge what returned on its own (the hub's event)
        if a.state == RTN_UNACK and a.row == "A-03":
            engine.acknowledge(a.id, "Amina B.", "cooling restored")
    hub.step(T0 + 60 * (minute + 10))
    poll()
    assert not incident.open and incident.end is not None
    assert windows and windows[-1] == (incident.start - 300, incident.end + 300)
    journal = cache.journal()
    steps = [
        (e["state_from"], e["state_to"], e["operator"])
        for e in journal
        if e["alarm_id"] == row_alarm.id
    ]
    assert steps == [(NORMAL, UNACK, ""), (UNACK, ACKED, "Amina B."), (ACKED, NORMAL, "")]
    ack = next(e for e in journal if e["state_to"] == ACKED and e["alarm_id"] == row_alarm.id)
    assert ack["comment"] == "CRAH A-03 tripped, tech on the way"
    assert not any(e["alarm_id"].startswith("inlet_high:A-03-") for e in journal)
    times = [e["time"] for e in journal]
    assert times == sorted(times)
    [stored] = [i for i in cache.incidents() if i["id"] == incident.id]
    assert stored["end"] == incident.end and set(stored["racks"]) >= set(row_alarm.racks)
    cache.close()


def test_service_feeds_engine_and_incidents_poll_by_poll(site: SiteTopology) -> None:
    from console.alarms import AlarmService

    marked: list[tuple[float, float, str]] = []

    class Store(MemoryIncidentStore, MemoryJournal):
        def __init__(self) -> None:
            MemoryIncidentStore.__init__(self)
            MemoryJournal.__init__(self)

        def mark_full_resolution(self, start: float, end: float, reason: str = "") -> None:
            marked.append((start, end, reason))

    store = Store()
    service = AlarmService(cache=store, clock=lambda: T0)
    rack = site.rack_ids[4]
    service.on_poll("site", site, True, T0)
    update = service.on_poll("racks", racks_at(site, T0, inlet_c={rack: 33.0}), True, T0)
    assert [a.id for a in update.alarms] == [f"inlet_high:{rack}"]
    service.acknowledge(f"inlet_high:{rack}", "Amina")
    update = service.on_poll("gpus", None, False, T0 + 5)
    assert {a.id for a in update.alarms} == {f"inlet_high:{rack}", "comm_loss:source"}
    service.on_poll(
        "gpus", decode_unhealthy({"time": T0 + 7, "gpus": []}, received=T0 + 7), True, T0 + 7
    )
    service.on_poll("racks", racks_at(site, T0 + 10), True, T0 + 10)
    [incident] = [i for i in service.tracker.incidents() if rack in i.racks]
    assert incident.end == T0 + 10
    assert (T0 - 300, T0 + 310, f"incident {incident.id}") in marked
    assert [e["state_to"] for e in store.for_alarm(f"inlet_high:{rack}")] == [UNACK, ACKED, NORMAL]


def test_standing_hall_alarm_does_not_swallow_row_incidents(site: SiteTopology) -> None:
    engine = AlarmEngine()
    tracker = IncidentTracker()
    many = {r: 82.0 for r in site.rack_ids[:200]}  # 82 % of 100 kW feeds in 200 racks
    u = engine.evaluate({"racks": racks_at(site, T0, pdu_a_kw=many)}, site, T0)
    tracker.update(u.alarms, u.time)
    assert [a.id for a in u.alarms] == ["pdu_high:hall:A"]
    row = row_racks(site, "A-15")[:3]
    u = engine.evaluate(
        {"racks": racks_at(site, T0 + 60, pdu_a_kw=many, inlet_c=dict.fromkeys(row, 34.0))},
        site,
        T0 + 60,
    )
    tracker.update(u.alarms, u.time)
    hall, rows = tracker.incidents()
    assert hall.title == "Hall A: PDU feed load high" and hall.racks == set(many)
    assert rows.title == "Row A-15: Row cooling lost or degraded" and rows.racks == set(row)


def test_restart_on_the_same_cache_raises_and_forms_nothing_again(tmp_path: Any) -> None:
    """A console restarted on its cache resumes alarms and incidents: no new journal rows,
    no new incident, and alarms present at start carry the source's start time."""
    from console.alarms import AlarmService
    from console.cache import Cache
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub("hall", seed=5, start=T0, faults=False)
    hub.inject("ecc", "A-02-05", count=2)  # maintenance work, not alarms
    hub.inject("cooling_loss", "A-04")
    hub.inject("pdu_trip", "A-09-03")
    site = decode_site(hub.site(), received=T0)

    def run(cache: Any, t: float) -> Any:
        service = AlarmService(cache=cache, clock=lambda: t)
        service.on_poll("site", site, True, t)
        update = None
        for kind, snap in (
            ("racks", decode_racks(hub.racks(), site, received=t)),
            ("gpus", decode_unhealthy(hub.unhealthy_gpus(), received=t)),
            ("events", decode_events(hub.events(0), received=t)),
            ("power", decode_power(hub.power(t - 600, t, 10), received=t)),
        ):
            update = service.on_poll(kind, snap, True, t)
        return service, update

    path = tmp_path / "restart.db"
    with Cache.open(path) as cache:
        hub.step(T0 + 300)
        service, update = run(cache, T0 + 300)
        ids = sorted(a.id for a in update.alarms)
        assert ids == ["cooling_loss:row:A-04", "pdu_feed_lost:A-09-03"]
        assert {a.time for a in update.alarms} == {T0}  # when the faults began at the hub
        journal_rows, incidents = len(cache.journal()), len(cache.incidents())
        maint_rows = cache.conn.execute("SELECT count(*) FROM maintenance").fetchone()[0]
        assert len(service.maintenance.current) == 2
    for restart in range(3):
        with Cache.open(path) as cache:
            t = T0 + 330 + restart
            service, update = run(cache, t)
            assert service.resumed == 2 and update.raised == ()
            assert sorted(a.id for a in update.alarms) == ids
            assert len(cache.journal()) == journal_rows
            assert len(cache.incidents()) == incidents
            rows = cache.conn.execute("SELECT count(*) FROM maintenance").fetchone()[0]
            assert rows == maint_rows and len(service.maintenance.current) == 2


def test_envelope_alarm_has_a_deadband(site: SiteTopology) -> None:
    engine = AlarmEngine()
    raised = 0
    for k, mw in enumerate((368.0, 364.0, 368.0, 362.0, 367.5, 355.0)):
        update = engine.evaluate({"power": power_at(T0 + 10 * k, facility=mw)}, site, T0 + 10 * k)
        raised += len(update.raised)
    assert raised == 1  # hovering at the warning level raises it once
    assert engine.alarm("envelope_high:site").state == RTN_UNACK  # back under 93 %


def test_planned_work_on_a_server_keeps_its_gpu_faults_off_the_alarms(
    site: SiteTopology,
) -> None:
    from console.sources.combined import node_state_word

    assert node_state_word(["IDLE", "DRAIN"]) == "drain"
    assert node_state_word(["MIXED", "MAINT"]) == "maint"
    assert node_state_word(["DOWN", "NOT_RESPONDING"]) == "down"
    assert node_state_word(["ALLOCATED"]) == "up"
    engine = AlarmEngine(clock=lambda: T0)
    rack = site.rack_ids[8]
    engine.plan_shelf(rack, T0 - 60, T0 + 3600, "Karim", "tray swap", now=T0)
    gpus = [
        {"uuid": f"GPU-{k}", "rack": rack, "node": f"{rack}-n0{k}", "status": "failed",
         "xid": 48, "since": T0}
        for k in range(4)
    ]
    update = engine.evaluate(
        {"gpus": decode_unhealthy({"time": T0, "gpus": gpus}, received=T0)}, site, T0
    )
    assert update.alarms == ()  # not even shelved: the faults are the planned work


def test_envelope_comes_from_the_site_layout_unless_configured(site: SiteTopology) -> None:
    from dataclasses import replace

    small = replace(site, capacity_mw=75.0)
    t = [T0 - 10, T0]
    payload: dict[str, Any] = {"t": t} | {f: [10.0] * 2 for f in POWER_FIELDS}
    payload["facility_mw"] = [72.0, 72.0]
    power = {"power": decode_power(payload, received=T0)}
    env = AlarmEngine(AlarmConfig()).evaluate(power, small, T0)
    alarm = {a.id: a for a in env.alarms}["envelope_high:site"]
    assert alarm.message == "Facility load 72 MW, 96 % of the 75 MW envelope"
    configured = AlarmEngine(AlarmConfig(envelope_mw=386)).evaluate(power, small, T0)
    assert "envelope_high:site" not in {a.id for a in configured.alarms}  # the override wins
    unknown = AlarmEngine(AlarmConfig()).evaluate(power, site, T0)  # no capacity given: 386
    assert "envelope_high:site" not in {a.id for a in unknown.alarms}


def test_the_package_imports_its_names_on_first_use() -> None:
    """The cache reads the journal's fields: importing that module imports neither the
    engine nor the service; the package's names are still there, the same objects."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys\n"
            "from console.alarms.journal import JOURNAL_FIELDS\n"
            "print(sorted(m for m in ('console.alarms.engine', 'console.alarms.service') "
            "if m in sys.modules))\n"
            "import console.alarms as a\n"
            "from console.alarms.service import AlarmService\n"
            "assert a.AlarmService is AlarmService and a.JOURNAL_FIELDS is JOURNAL_FIELDS\n"
            "assert set(a.__all__) <= set(dir(a))\n"
            "assert all(getattr(a, name) is not None for name in a.__all__)\n"
            "try:\n"
            "    a.nothing_of_that_name\n"
            "except AttributeError as exc:\n"
            "    print(type(exc).__name__)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parents[3])
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[]", "AttributeError"]
