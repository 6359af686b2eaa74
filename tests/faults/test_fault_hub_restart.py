"""The simulated hub killed (SIGKILL) and restarted on the same port ten times while a console
polls its events into a cache: every event of every hub lifetime is stored exactly once.

The hub is a real ``main.py hub`` process; each lifetime numbers its events from 1 again.
The check reads each lifetime's whole event list from the hub just before the kill, after
the console's last poll of it (``bench/faults_events.py`` runs the rounds).
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import time
from pathlib import Path

from bench.faults_events import measure_events_after_restarts
from console.alarms import AlarmConfig, AlarmEngine
from console.cache import Cache
from console.cache.schema import migrate
from console.decode import decode_events, decode_site
from console.hub.topology import Topology
from console.model import EventBatch

T0 = 1_780_000_000.0


def _event(i: int, t: float, rack: str | None = None, kind: str = "ups_alarm") -> dict:
    return {"id": i, "time": t, "kind": kind, "severity": "critical", "rack": rack,
            "message": f"event {i} at {t}"}


def _batch(events: list[dict], t: float, instance: str | None, last_id: int) -> EventBatch:
    payload: dict = {"time": t, "events": events, "last_id": last_id}
    if instance is not None:
        payload["instance"] = instance
    return decode_events(payload, received=t)


def test_ten_hub_kills_lose_and_double_no_event(tmp_path: Path) -> None:
    t0 = time.monotonic()
    figures = measure_events_after_restarts(10, folder=tmp_path)
    assert figures["hub_restarts"] == 10 and figures["hub_lifetimes"] == 11
    assert figures["events_expected"] >= 30, figures  # enough to mean something
    assert figures["events_stored"] == figures["events_expected"], figures
    assert figures["events_missing"] == 0, figures
    assert figures["events_duplicated"] == 0, figures
    assert figures["events_unexpected"] == 0, figures
    assert figures["events_polls_failed"] == 0, figures  # each restart bound the port at once
    conn = sqlite3.connect(tmp_path / "events.db")
    try:
        lifetimes = conn.execute("SELECT lifetime, count(*), max(hub_id) FROM events "
                                 "GROUP BY lifetime").fetchall()
    finally:
        conn.close()
    # Each lifetime under the hub's own name for it, its ids from 1 (no lifetime holds
    # more ids than events).
    assert all(name.startswith("sim-rack-") for name, _, _ in lifetimes), lifetimes
    assert sum(n for _, n, _ in lifetimes) == figures["events_expected"]
    assert all(n == top for _, n, top in lifetimes), lifetimes
    assert time.monotonic() - t0 < 100


def test_cache_keeps_two_lifetimes_with_the_same_ids_and_each_event_once(tmp_path: Path) -> None:
    with Cache.open(tmp_path / "c.db") as cache:
        first = _batch([_event(i, T0 + i) for i in (1, 2, 3)], T0 + 3, "A", 3)
        second = _batch([_event(i, T0 + 100 + i) for i in (1, 2)], T0 + 102, "B", 2)
        cache.write_poll([first])
        cache.write_poll([second, first])  # the first lifetime's events again: stored once
        stored = cache.events(T0, T0 + 200)
        assert [(e["id"], e["time"]) for e in stored] == [
            (1, T0 + 1), (2, T0 + 2), (3, T0 + 3), (1, T0 + 101), (2, T0 + 102)]
        assert cache.event_tail() == ("B", {1: T0 + 101, 2: T0 + 102})
        rows = cache.event_rows(T0, T0 + 200, after=3)  # rows count arrivals, not hub ids
        assert [e["time"] for _, e in rows] == [T0 + 101, T0 + 102]


def test_a_v7_cache_reviews_as_it_is_and_its_events_keep_their_ids(tmp_path: Path) -> None:
    path = tmp_path / "v7.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=7)
    for i in (4, 5):
        e = _event(i, T0 + i)
        conn.execute("INSERT INTO events (id, time, kind, severity, rack, message, data) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (i, e["time"], e["kind"], e["severity"], None, e["message"], json.dumps(e)))
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    with Cache.open(path, readonly=True) as review:  # read in place, never written
        assert review.migrated_from is None
        assert [e["id"] for e in review.events(T0, T0 + 10)] == [4, 5]
        assert [row for row, _ in review.event_rows(T0, T0 + 10, after=4)] == [5]
    with Cache.open(path) as cache:  # live use: schema 8, the old rows under lifetime ''
        assert cache.migrated_from == 7
        assert cache.event_tail() == ("", {4: T0 + 4, 5: T0 + 5})
        cache.write_poll([dataclasses.replace(_batch([_event(5, T0 + 5)], T0 + 5, None, 5),
                                              lifetime="")])  # the same event: kept once
        cache.write_poll([_batch([_event(5, T0 + 50)], T0 + 50, "new", 5)])  # same id, new life
        assert [(e["id"], e["time"]) for e in cache.events(T0, T0 + 100)] == [
            (4, T0 + 4), (5, T0 + 5), (5, T0 + 50)]


def test_alarm_rules_take_a_restarted_hubs_events_from_its_first() -> None:
    topo = Topology("rack", 1)
    site = decode_site({"time": T0, "halls": topo.halls, "rows": topo.rows, "racks": topo.racks},
                       received=T0)
    first_rack, second_rack = site.rack_ids[:2]
    engine = AlarmEngine(AlarmConfig(event_hold_s=300))
    before = _batch([_event(7, T0, first_rack)], T0, "A", 7)
    engine.evaluate({"events": before}, site, T0)
    after = dataclasses.replace(
        _batch([_event(1, T0 + 10, second_rack)], T0 + 10, "B", 1), restarted=True)
    update = engine.evaluate({"events": after}, site, T0 + 10)
    assert {a.id for a in update.alarms if a.active} >= {f"hub_event:ups_alarm:{second_rack}"}
    engine.evaluate({"events": after}, site, T0 + 20)  # the same batch again: taken once
    assert engine.alarm(f"hub_event:ups_alarm:{second_rack}").active
