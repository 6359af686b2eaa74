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
from console.decode import (
    decode_events,
    decode_power,
    decode_racks,
    decode_site,
    decode_unhealthy,
    jobs_from_records,
)
from console.hub.openapi import POWER_FIELDS, RACK_FIELDS
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
            "priorities": {"inlet_high": "critical", "renewable_low": "diagnostic"},
        }
    )
    assert cfg.inlet_high_c == 30.0 and cfg.flood_row == 5 and cfg.envelope_mw == 380.0
    assert cfg.priority("inlet_high") == "critical"
    assert cfg.priority("renewable_low") == "diagnostic"
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
    hot = {"gpu_temp_max_c": {rack: 86.5}}
    engine.evaluate({"racks": racks_at(site, T0, **hot)}, site, T0 + 3)
    alarm_id = f"gpu_temp_high:{rack}"
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
    assert journal.entries[1]["rack"] == rack and journal.entries[1]["source"] == "gpu_temp_high"
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
    assert update.counts["high"] == 0  # shelved alarms do not count as standing
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
    assert update.counts["high"] == 1
    engine.set_maintenance("A-05", False, "Karim", now=T0 + 60)
    assert engine.alarm(f"inlet_high:{racks[0]}").state == UNACK


def test_flood_collapses_per_row_then_per_hall(site: SiteTopology) -> None:
    journal = MemoryJournal()
    engine = AlarmEngine(journal=journal)
    row = row_racks(site, "A-03")
    # 8 racks: below the row limit (10), one alarm each
    update = engine.evaluate(
        {"racks": racks_at(site, T0, inlet_c=dict.fromkeys(row[:8], 34.0))}, site, T0
    )
    assert len(update.alarms) == 8
    # the whole row: one row alarm lists the 24 racks, the rack alarms are folded into it
    update = engine.evaluate(
        {"racks": racks_at(site, T0 + 10, inlet_c=dict.fromkeys(row, 34.0))}, site, T0 + 10
    )
    [alarm] = update.alarms
    assert alarm.id == "inlet_high:row:A-03" and alarm.area == "row A-03"
    assert alarm.message.startswith("Inlet above 32 °C in 24 racks of row A-03")
    assert len(alarm.detail) == 24 and set(alarm.racks) == set(row)
    folded = [e for e in journal.entries if e["comment"] == "collapsed into inlet_high:row:A-03"]
    assert len(folded) == 8
    # sticky: down to 5 racks, still one row alarm
    update = engine.evaluate(
        {"racks": racks_at(site, T0 + 20, inlet_c=dict.fromkeys(row[:5], 34.0))}, site, T0 + 20
    )
    assert [a.id for a in update.alarms] == ["inlet_high:row:A-03"]
    assert len(update.alarms[0].racks) == 5
    # a hall-wide flood: 3 full rows (72 racks > 40) become one hall alarm
    many = row + row_racks(site, "A-04") + row_racks(site, "A-05")
    update = engine.evaluate(
        {"racks": racks_at(site, T0 + 30, inlet_c=dict.fromkeys(many, 34.0))}, site, T0 + 30
    )
    assert [a.id for a in update.alarms if a.state == UNACK] == ["inlet_high:hall:A"]
    assert len(engine.alarm("inlet_high:hall:A").racks) == 72


def test_gpu_faults_pdu_and_power_rules(site: SiteTopology) -> None:
    engine = AlarmEngine()
    r1, r2, r3 = site.rack_ids[0], site.rack_ids[1], site.rack_ids[2]
    gpus = [
        {"uuid": "GPU-a", "rack": r1, "status": "off_bus", "xid": 79},
        {"uuid": "GPU-b", "rack": r1, "status": "off_bus", "xid": 79},
        {"uuid": "GPU-c", "rack": r2, "status": "failed", "xid": 95, "ecc_dbe": 1},
        {"uuid": "GPU-d", "rack": r2, "status": "failed", "xid": 64, "row_remap_failure": True},
        {"uuid": "GPU-e", "rack": r3, "status": "failed", "xid": 119},
        {"uuid": "GPU-f", "rack": r3, "status": "degraded", "xid": 13},  # not critical
        {"uuid": "GPU-g", "rack": "Z-99-01", "status": "off_bus", "xid": 79},
    ]
    snaps = {
        "racks": racks_at(site, T0, pdu_a_kw={r1: 87.5, r2: 98.0}),  # 100 kW feeds: 87.5 %, 98 %
        "gpus": decode_unhealthy({"time": T0, "gpus": gpus}, received=T0),
        "power": power_at(T0, facility=372.0, share=41.0),
    }
    update = engine.evaluate(snaps, site, T0)
    by_id = {a.id: a for a in update.alarms}
    assert by_id[f"gpu_off_bus:{r1}"].priority == "critical"
    assert by_id[f"gpu_off_bus:{r1}"].gpus == ("GPU-a", "GPU-b")
    assert by_id[f"gpu_off_bus:{r1}"].message.startswith("2 GPUs off the bus")
    assert by_id[f"gpu_ecc:{r2}"].priority == "high"
    assert f"gpu_row_remap:{r2}" in by_id
    assert "XID 119" in by_id[f"gpu_xid:{r3}"].message
    assert "gpu_off_bus:Z-99-01" in by_id
    assert by_id[f"pdu_high:{r1}"].priority == "medium"
    assert by_id[f"pdu_high:{r1}"].value == pytest.approx(87.5)
    assert by_id[f"pdu_critical:{r2}"].priority == "critical"
    assert f"pdu_high:{r2}" not in by_id
    assert (
        by_id["envelope_high:site"].message == "Facility load 372 MW, 96 % of the 386 MW envelope"
    )
    assert by_id["renewable_low:site"].priority == "low"
    assert not any(a.id.endswith(r3) and a.rule == "gpu_remap_pending" for a in update.alarms)


def test_comm_loss_and_stale_data(site: SiteTopology) -> None:
    engine = AlarmEngine(AlarmConfig(stale_after_s=60))
    update = engine.set_comm_state("racks", False, now=T0)
    [alarm] = update.alarms
    assert alarm.id == "comm_loss:racks" and alarm.priority == "high" and alarm.state == UNACK
    engine.evaluate({"racks": racks_at(site, T0)}, site, T0 + 5)
    assert engine.alarm("comm_loss:racks").state == UNACK  # still lost until told otherwise
    update = engine.set_comm_state("racks", True, now=T0 + 20)
    assert engine.alarm("comm_loss:racks").state == RTN_UNACK
    assert update.returned == ("comm_loss:racks",)
    # no new racks snapshot for 2 minutes: the old one is stale
    update = engine.evaluate({}, site, T0 + 120)
    assert engine.alarm("stale_data:racks").priority == "medium"
    engine.evaluate({"racks": racks_at(site, T0 + 125)}, site, T0 + 125)
    assert engine.alarm("stale_data:racks").state == RTN_UNACK
    # a failed poll alone (no evaluation) also checks data ages
    engine.acknowledge("stale_data:racks", "Amina", now=T0 + 126)
    update = engine.set_comm_state("racks", False, now=T0 + 300)
    assert {a.id for a in update.alarms if a.state == UNACK} >= {
        "comm_loss:racks",
        "stale_data:racks",
    }


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
                {
                    "id": 5,
                    "time": T0,
                    "kind": "pdu_trip",
                    "severity": "critical",
                    "rack": rack,
                    "message": "<b>Breaker</b> of feed A tripped",
                },
                {
                    "id": 6,
                    "time": T0,
                    "kind": "xid",
                    "severity": "critical",
                    "rack": rack,
                    "message": "XID 79",
                },
            ],
        },
        received=T0,
    )
    update = engine.evaluate({"events": events}, site, T0)
    [alarm] = update.alarms
    assert alarm.id == f"hub_event:pdu_trip:{rack}" and alarm.priority == "critical"
    assert alarm.message == "<b>Breaker</b> of feed A tripped"  # kept verbatim, shown as text
    engine.evaluate({"events": events}, site, T0 + 100)  # same batch again: no duplicate
    assert engine.alarm(alarm.id).state == UNACK
    engine.evaluate({}, site, T0 + 400)
    assert engine.alarm(alarm.id).state == RTN_UNACK


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
    assert 3_000 < big.n_racks and len(update.alarms) < 60  # floods collapsed
    assert any(a.id == "inlet_high:hall:A" or a.id == "inlet_high:row:A-03" for a in update.alarms)


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
        return [a for a in engine.alarms() if a.rule == "inlet_high"]

    poll()
    assert not inlet_alarms()
    hub.inject("cooling_loss", "A-03")
    minute = 0
    while not any(a.id == "inlet_high:row:A-03" for a in inlet_alarms()):
        minute += 1
        assert minute <= 15, "the row never collapsed into one alarm"
        hub.step(T0 + 60 * minute)
        poll()
    [row_alarm] = inlet_alarms()  # rack alarms of A-03 folded into the row alarm
    assert row_alarm.state == UNACK and row_alarm.priority == "high"
    assert len(row_alarm.racks) > 10 and all(r.startswith("A-03-") for r in row_alarm.racks)
    assert row_alarm.message.startswith("Inlet above 32 °C in ")
    related = [i for i in tracker.incidents() if "inlet_high:row:A-03" in i.alarm_ids]
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
    folded = [e for e in journal if e["comment"] == f"collapsed into {row_alarm.id}"]
    assert all(e["alarm_id"].startswith("inlet_high:A-03-") for e in folded)
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
    assert {a.id for a in update.alarms} == {f"inlet_high:{rack}", "comm_loss:gpus"}
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
    assert rows.title == "Row A-15: Rack inlet above ASHRAE allowable" and rows.racks == set(row)
