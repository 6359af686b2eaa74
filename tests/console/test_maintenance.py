"""The maintenance list: grouping by recovery action, site-caused throttling, counts and
repeats, the job queue joined, and its history in the cache (no Qt)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from console.cache import SCHEMA_VERSION, Cache
from console.cache.schema import migrate
from console.maintenance import (
    ACTION_GROUPS,
    GROUPS,
    REPEAT_RMA,
    XID_GROUP,
    MaintenanceItem,
    MaintenanceList,
    MaintenanceTracker,
    classify,
    item_from_dict,
    maintenance_summary,
)
from console.model import JobsSnapshot, UnhealthyGpus

T0 = 1_780_000_000.0


def gpu(uuid: str, *, rack: str = "A-01-01", status: str = "failed", xid: int | None = None,
        dbe: int = 0, remap: bool = False, clocks: int = 0, since: float = T0 - 600,
        job_id: int | None = None, node_state: str = "up", slot: int = 0) -> dict[str, Any]:
    """One unhealthy-GPU record as the hub API sends it."""
    return {"uuid": uuid, "model": "NVIDIA H200", "hall": rack[0], "row": rack[:4],
            "rack": rack, "node": f"{rack}-n00", "host": f"{rack.lower()}-n00", "slot": slot,
            "status": status, "xid": xid, "ecc_dbe": dbe, "row_remap_failure": remap,
            "clock_event_reasons": clocks, "temp_c": 71.5, "power_w": 600.0, "since": since,
            "job_id": job_id, "node_state": node_state}


def snap(t: float, gpus: Sequence[dict[str, Any]]) -> UnhealthyGpus:
    return UnhealthyGpus(time=t, received=t, gpus=tuple(gpus), counts={})


def jobs_snapshot(rows: Sequence[tuple[int, str, str]], t: float = T0) -> JobsSnapshot:
    ids, names, tenants = zip(*rows, strict=True) if rows else ((), (), ())
    return JobsSnapshot(time=t, received=t, columns={
        "id": np.array(ids, np.int64), "name": np.array(names, object),
        "tenant": np.array(tenants, object)})


# -- grouping ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("xid", "group"), [
    (79, "power_cycle"), (48, "drain_reset"), (95, "drain_reset"), (119, "drain_reset"),
    (120, "drain_reset"), (61, "drain_reset"), (62, "drain_reset"), (74, "drain_p2p"),
    (63, "reset_next_drain"), (92, "reset_next_drain"), (94, "reset_next_drain"),
    (64, "rma"), (13, "restart_app"), (31, "restart_app"), (43, "restart_app"),
    (45, "restart_app"), (999, "diagnose"),
])
def test_xid_decides_the_group(xid: int, group: str) -> None:
    status = "off_bus" if xid == 79 else "failed"
    got, cause, only_throttled = classify(gpu("g", xid=xid, status=status))
    assert got == group and not only_throttled
    assert f"XID {xid}" in cause


def test_groups_table_is_ordered_by_urgency_and_complete() -> None:
    keys = [g.key for g in ACTION_GROUPS]
    assert keys[:2] == ["rma", "power_cycle"] and keys[-1] == "restart_app"
    assert {g.nvml for g in ACTION_GROUPS} == {
        "NONE", "GPU_RESET", "NODE_REBOOT", "DRAIN_P2P", "DRAIN_AND_RESET"}
    assert GROUPS["restart_app"].words == "Restart the application (job's problem, GPU healthy)"
    assert not GROUPS["restart_app"].urgent and GROUPS["power_cycle"].urgent
    assert all(XID_GROUP[x] == g.key for g in ACTION_GROUPS for x in g.xids)


def test_the_most_urgent_cause_wins() -> None:
    assert classify(gpu("g", xid=13, clocks=0x40, status="degraded"))[0] == "cooling"
    assert classify(gpu("g", xid=63, remap=True, dbe=2))[0] == "rma"
    assert classify(gpu("g", status="off_bus"))[0] == "power_cycle"
    assert classify(gpu("g", dbe=1))[0] == "drain_reset"
    assert classify(gpu("g", status="degraded"))[0] == "diagnose"
    assert classify(gpu("g", status="degraded", clocks=0x80))[:3:2] == ("power_supply", True)
    assert classify(gpu("g", status="degraded", clocks=0x20))[2] is True
    assert classify(gpu("g", status="degraded", clocks=0x40, xid=94))[2] is False


def test_items_are_grouped_in_urgency_order_with_counts() -> None:
    tracker = MaintenanceTracker()
    mlist = tracker.update(snap(T0, [
        gpu("app", xid=13, status="degraded"), gpu("off", xid=79, status="off_bus"),
        gpu("ecc", xid=48, dbe=1), gpu("remap", xid=64, remap=True),
        gpu("pend", xid=63, status="degraded"),
    ]))
    assert [i.group for i in mlist.items] == [
        "rma", "power_cycle", "drain_reset", "reset_next_drain", "restart_app"]
    assert mlist.counts["restart_app"] == 1 and mlist.counts["cooling"] == 0
    assert set(mlist.counts) == set(GROUPS)
    assert mlist.find("off").action == "Reboot / power-cycle the node"
    assert [i.device for i in mlist.group("restart_app")] == ["app"]
    assert "temp" not in mlist.find("ecc").cause and "°C" not in mlist.find("ecc").cause


def test_site_caused_throttling_is_left_off_but_counted() -> None:
    tracker = MaintenanceTracker()
    gpus = [gpu("hot1", rack="A-03-01", status="degraded", clocks=0x40),
            gpu("hot2", rack="A-03-02", status="degraded", clocks=0x80),
            gpu("hot-elsewhere", rack="B-01-01", status="degraded", clocks=0x40),
            gpu("xid-on-hot-row", rack="A-03-01", xid=48, dbe=1, clocks=0x40)]
    mlist = tracker.update(snap(T0, gpus), site_racks={"A-03-01", "A-03-02"})
    assert {i.device for i in mlist.items} == {"hot-elsewhere", "xid-on-hot-row"}
    assert mlist.site_caused == 2
    assert mlist.find("hot-elsewhere").group == "cooling"
    # The site alarm clears: the GPUs still throttled are now the crew's.
    mlist = tracker.update(snap(T0 + 5, gpus))
    assert mlist.site_caused == 0 and len(mlist) == 4


def test_count_and_first_seen_are_kept_across_updates() -> None:
    tracker = MaintenanceTracker()
    first = tracker.update(snap(T0, [gpu("g1", xid=48, dbe=1, since=T0 - 900)]))
    item = first.find("g1")
    assert item.count == 1 and item.first_seen == T0 - 900 == item.last_seen
    for k in range(1, 5):
        later = tracker.update(snap(T0 + 5 * k, [gpu("g1", xid=48, dbe=1, since=T0 - 900)]))
        assert later.find("g1") is item  # unchanged: the same object, nothing written
        assert later.time == T0 + 5 * k


def test_an_unchanged_gpu_keeps_its_item_under_its_item_key() -> None:
    # a record whose uuid is no string (the tracker takes records as given): the item is
    # kept under the key it was listed with, not dropped as gone on the next update
    tracker = MaintenanceTracker()
    record = gpu("g1", xid=48, dbe=1) | {"uuid": 7}
    item = tracker.update(snap(T0, [record])).find("7")
    assert item is not None
    later = tracker.update(snap(T0 + 5, [record]))
    assert later.find("7") is item
    assert [i.device for i in later.items] == ["7"]


def test_a_repeat_increments_count_and_repeated_hardware_faults_go_for_repair() -> None:
    tracker = MaintenanceTracker()
    tracker.update(snap(T0, [gpu("g1", xid=79, status="off_bus", since=T0 - 60)]))
    assert len(tracker.update(snap(T0 + 600, []))) == 0  # power-cycled: healthy again
    back = tracker.update(snap(T0 + 3600, [gpu("g1", xid=79, status="off_bus", since=T0 + 3590)]))
    item = back.find("g1")
    assert item.count == 2 and item.first_seen == T0 - 60 and item.last_seen == T0 + 3590
    assert item.group == "power_cycle"
    # Re-reported while listed (a new fault time): counted too; the third sends it for RMA.
    third = tracker.update(snap(T0 + 4000, [gpu("g1", xid=79, status="off_bus", since=T0 + 3990)]))
    assert third.find("g1").count == REPEAT_RMA
    assert third.find("g1").group == "rma" and "3 times" in third.find("g1").cause
    # Application faults never escalate, and a repeat after the window starts afresh.
    tracker.update(snap(T0 + 5000, []))
    fresh = tracker.update(snap(T0 + 5000 + 90_000, [gpu("g1", xid=13, since=T0 + 94_990)]))
    assert fresh.find("g1").count == 1 and fresh.find("g1").group == "restart_app"


def test_drained_node_gpu_is_still_listed() -> None:
    tracker = MaintenanceTracker()
    mlist = tracker.update(snap(T0, [gpu("g1", xid=48, dbe=1, node_state="drain"),
                                     gpu("g2", xid=63, status="degraded", node_state="maint")]))
    assert mlist.find("g1").node_state == "drain" and mlist.find("g2").node_state == "maint"
    assert len(mlist) == 2
    nodes = tracker.update(snap(T0 + 5, [gpu("g1", xid=48, dbe=1, node_state="up"),
                                         gpu("g2", xid=63, status="degraded")]))
    assert nodes.find("g1").node_state == "up" and nodes.find("g2").node_state == "up"


def test_jobs_and_tenants_are_joined_and_refreshed() -> None:
    tracker = MaintenanceTracker()
    gpus = snap(T0, [gpu("g1", xid=13, job_id=7), gpu("g2", xid=48, dbe=1, job_id=99),
                     gpu("g3", xid=63)])
    before = tracker.update(gpus)
    assert before.find("g1").job_id == 7 and before.find("g1").tenant == ""
    jobs = jobs_snapshot([(3, "other", "x"), (7, "llama-ft", "Atlas AI"), (1, "z", "y")])
    mlist = tracker.update(gpus, jobs)
    g1 = mlist.find("g1")
    assert (g1.job_name, g1.tenant) == ("llama-ft", "Atlas AI")
    assert mlist.find("g2").tenant == "" and mlist.find("g3").job_id is None
    # Later polls without a jobs snapshot keep the names; a new queue renames.
    assert tracker.update(snap(T0 + 5, gpus.gpus)).find("g1").tenant == "Atlas AI"
    renamed = tracker.update(gpus, jobs_snapshot([(7, "llama-ft", "Atlas AI Maroc")]))
    assert renamed.find("g1").tenant == "Atlas AI Maroc"


def test_summary_for_the_handover() -> None:
    tracker = MaintenanceTracker()
    mlist = tracker.update(snap(T0, [gpu(f"g{i}", xid=13) for i in range(5)]))
    summary = maintenance_summary(mlist, max_items=2)
    assert summary is not None
    assert summary["items"] == 5 and len(summary["list"]) == 2
    assert summary["groups"]["restart_app"] == 5
    assert summary["list"][0]["action"].startswith("Restart the application")
    assert maintenance_summary(None) is None


class _Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[float, list[str], list[str], bool]] = []
        self.fail = fail

    def write_maintenance(self, time: float, changed: Sequence[MaintenanceItem],
                          gone: Sequence[str], *, complete: bool = False) -> None:
        if self.fail:
            raise OSError("disk full")
        self.calls.append((time, [i.device for i in changed], list(gone), complete))


def test_tracker_writes_changes_only_and_survives_store_failures(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = _Recorder()
    tracker = MaintenanceTracker(store=store)
    a, b = gpu("a", xid=48, dbe=1), gpu("b", xid=13)
    tracker.update(snap(T0, [a, b]))
    tracker.update(snap(T0 + 5, [a, b]))  # nothing changed: nothing written
    tracker.update(snap(T0 + 10, [a]))
    assert store.calls == [(T0, ["a", "b"], [], True), (T0 + 10, [], ["b"], False)]
    store.fail = True
    tracker.update(snap(T0 + 15, [a, b]))
    tracker.update(snap(T0 + 20, []))
    assert "maintenance list not recorded" in caplog.text
    assert caplog.text.count("maintenance list not recorded") == 1
    store.fail = False
    tracker.update(snap(T0 + 25, [b]))
    assert store.calls[-1] == (T0 + 25, ["b"], [], True)  # a complete list after failures


# -- the cache --------------------------------------------------------------------------------
def test_cache_round_trip_and_list_at_a_time(tmp_path: Path) -> None:
    jobs = jobs_snapshot([(7, "llama-ft", "\u202eAtlas <b>AI</b>")])
    with Cache.open(tmp_path / "c.db") as cache:
        tracker = MaintenanceTracker(store=cache)
        a = gpu("a", xid=48, dbe=1, job_id=7)
        b = gpu("b", xid=79, status="off_bus", rack="E-01-02")
        first = tracker.update(snap(T0, [a, b]), jobs)
        tracker.update(snap(T0 + 5, [a, b]), jobs)
        tracker.update(snap(T0 + 10, [a]), jobs)  # b power-cycled
        tracker.update(snap(T0 + 20, [a, b | {"since": T0 + 15}]), jobs)  # b again: count 2
        last = tracker.update(snap(T0 + 30, [b | {"since": T0 + 15}]), jobs)
        rows = cache.conn.execute("SELECT count(*) FROM maintenance").fetchone()[0]
        assert rows == 3  # a, b, b again: unchanged polls write nothing
    with Cache.open(tmp_path / "c.db", readonly=True) as review:
        assert review.maintenance_at(T0 - 1) is None
        at0 = review.maintenance_at(T0 + 2)
        assert isinstance(at0, MaintenanceList)
        assert [i.to_dict() for i in at0.items] == [i.to_dict() for i in first.items]
        assert at0.find("a").tenant == "\u202eAtlas <b>AI</b>"
        assert {i.device for i in review.maintenance_at(T0 + 12).items} == {"a"}
        again = review.maintenance_at(T0 + 25)
        assert again.find("b").count == 2 and again.counts["drain_reset"] == 1
        end = review.maintenance_at(T0 + 1000)
        assert [i.to_dict() for i in end.items] == [i.to_dict() for i in last.items]


def test_a_restarted_tracker_closes_what_the_last_run_left_open(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    with Cache.open(path) as cache:
        MaintenanceTracker(store=cache).update(snap(T0, [gpu("a", xid=48), gpu("b", xid=13)]))
    with Cache.open(path) as cache:  # the console restarts: b recovered meanwhile
        MaintenanceTracker(store=cache).update(snap(T0 + 100, [gpu("a", xid=48)]))
        assert {i.device for i in cache.maintenance_at(T0 + 50).items} == {"a", "b"}
        assert {i.device for i in cache.maintenance_at(T0 + 150).items} == {"a"}


def test_previous_schema_migrates_and_reviews_without_a_list(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=SCHEMA_VERSION - 1)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    with Cache.open(path, readonly=True) as review:  # read in place, never written
        assert review.migrated_from is None
        assert review.maintenance_at(T0) is None
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION - 1
    conn.close()
    with Cache.open(path) as cache:  # live use adds the table
        assert cache.migrated_from == SCHEMA_VERSION - 1
        MaintenanceTracker(store=cache).update(snap(T0, [gpu("a", xid=48)]))
        assert len(cache.maintenance_at(T0)) == 1


def test_item_from_dict_tolerates_odd_rows() -> None:
    item = item_from_dict({"device": "g", "group": "no-such-group", "count": None,
                           "slot": 2.0, "xid": True, "first_seen": "x"})
    assert item.group == "diagnose" and item.count == 1 and item.slot == 2
    assert item.xid is None and item.node_state == "up"


# -- the handover pack ------------------------------------------------------------------------
def test_handover_has_a_maintenance_section_grouped_and_capped() -> None:
    from console.handover import ShiftWindow, build_handover
    from console.handover.report import report_html

    gpus = [gpu(f"GPU-app-{i:02d}", xid=13, slot=i % 8) for i in range(45)]
    gpus += [gpu("GPU-off", xid=79, status="off_bus", job_id=7),
             gpu("GPU-hot", rack="A-03-01", status="degraded", clocks=0x40)]
    jobs = jobs_snapshot([(7, "x", "<b>Acme</b>")])
    mlist = MaintenanceTracker().update(snap(T0, gpus), jobs, site_racks={"A-03-01"})
    shift = ShiftWindow(T0 - 8 * 3600, T0)
    data = build_handover(shift, maintenance=mlist)
    summary = data.to_summary_json()["maintenance"]
    assert summary["items"] == {"value": 46, "unit": "devices"}
    assert summary["groups"]["restart_app"]["value"] == 45
    assert summary["groups"]["power_cycle"]["value"] == 1
    assert summary["site_caused"]["value"] == 1
    html = report_html(data)
    part = html[html.index("<h2>Maintenance list"):html.index("<h2>Operator notes")]
    assert part.index(GROUPS["power_cycle"].words) < part.index("Restart the application")
    assert part.count("GPU-app-") == 39  # 40 lines in all, the urgent one first
    assert "and 6 more" in part
    assert "&lt;b&gt;Acme&lt;/b&gt;" in part and "<b>Acme" not in part
    assert build_handover(shift).to_summary_json()["maintenance"] is None
    assert "Not known for this shift" in report_html(build_handover(shift))


def test_a_resumed_tracker_keeps_counts_and_writes_only_changes(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    with Cache.open(path) as cache:
        tracker = MaintenanceTracker(store=cache)
        tracker.update(snap(T0, [gpu("a", xid=79, status="off_bus", since=T0 - 60)]))
        tracker.update(snap(T0 + 600, []))
        tracker.update(snap(T0 + 900, [gpu("a", xid=79, status="off_bus", since=T0 + 890),
                                       gpu("b", xid=48, since=T0 + 800)]))
        assert tracker.current.find("a").count == 2
        rows = cache.conn.execute("SELECT count(*) FROM maintenance").fetchone()[0]
    with Cache.open(path) as cache:  # the console restarts: b recovered meanwhile
        tracker = MaintenanceTracker(store=cache)
        assert tracker.resume(cache.maintenance_at(T0 + 1000)) == 2
        after = tracker.update(snap(T0 + 1000, [gpu("a", xid=79, status="off_bus",
                                                     since=T0 + 890)]))
        item = after.find("a")
        assert item.count == 2 and item.first_seen == T0 - 60  # not counted again
        assert after.find("b") is None
        assert cache.conn.execute("SELECT count(*) FROM maintenance").fetchone()[0] == rows
        assert {i.device for i in cache.maintenance_at(T0 + 1001).items} == {"a"}


def test_a_restarted_hub_reporting_the_same_faults_anew_counts_nothing(tmp_path: Path) -> None:
    """The simulated hub restarts with the console: the same faults come with new times."""
    path = tmp_path / "c.db"
    for run in range(4):
        with Cache.open(path) as cache:
            tracker = MaintenanceTracker(store=cache)
            tracker.resume(cache.maintenance_at(T0 + 1000 * run))
            shifted = T0 + 1000 * run  # the hub's new start shifts every fault's time
            got = tracker.update(snap(shifted + 10, [gpu("a", xid=79, status="off_bus",
                                                         since=shifted - 60)]))
            item = got.find("a")
            assert item.count == 1 and item.group == "power_cycle", run
            assert item.first_seen == T0 - 60
