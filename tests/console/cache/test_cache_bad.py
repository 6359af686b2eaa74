"""A cache that is corrupt, truncated, foreign, newer, older, read-only, locked or full.

Each case gives a clear CacheError, never crashes, and never changes the file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from console.cache import SCHEMA_VERSION, Cache, CacheError
from console.cache.schema import migrate
from console.decode import decode_racks, decode_site
from console.model import RackTelemetry, SiteTopology

T0 = 1_780_100_000.0


@pytest.fixture(scope="module")
def hub() -> Any:
    from console.hub.sim import SimulatedHub

    return SimulatedHub(scale="hall", seed=29, start=T0)


@pytest.fixture(scope="module")
def topo(hub: Any) -> SiteTopology:
    return decode_site(hub.site(), received=T0)


@pytest.fixture(scope="module")
def polls(hub: Any, topo: SiteTopology) -> list[RackTelemetry]:
    """Twenty real rack polls, 2 s apart."""
    out = []
    for k in range(20):
        t = T0 + 2.0 * (k + 1)
        hub.step(t)
        out.append(decode_racks(hub.racks(), topo, received=t))
    return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_cache(path: Path, topo: SiteTopology, polls: list[RackTelemetry], n: int = 10) -> Path:
    with Cache.open(path) as cache:
        for r in polls[:n]:
            cache.write_poll([r], topology=topo)
    return path


def test_random_bytes_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "noise.db"
    path.write_bytes(np.random.default_rng(1).bytes(64 * 1024))
    before = digest(path)
    for readonly in (False, True):
        with pytest.raises(CacheError, match="not a cache file"):
            Cache.open(path, readonly=readonly)
    assert digest(path) == before


def test_sqlite_header_with_garbage_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"SQLite format 3\x00" + np.random.default_rng(2).bytes(8192))
    before = digest(path)
    with pytest.raises(CacheError, match="corrupt|not a cache"):
        Cache.open(path)
    assert digest(path) == before


def test_truncated_cache_says_so(
    tmp_path: Path, topo: SiteTopology, polls: list[RackTelemetry]
) -> None:
    real = make_cache(tmp_path / "real.db", topo, polls)
    path = tmp_path / "truncated.db"
    data = real.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = digest(path)
    for readonly in (False, True):
        with pytest.raises(CacheError, match="corrupt or truncated"):
            Cache.open(path, readonly=readonly)
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists()


def test_foreign_sqlite_database_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE accounts (name TEXT)")
    conn.close()
    before = digest(path)
    with pytest.raises(CacheError, match="not a console cache"):
        Cache.open(path)
    assert digest(path) == before


def test_newer_schema_refused(tmp_path: Path, topo: SiteTopology, polls: list) -> None:
    path = make_cache(tmp_path / "newer.db", topo, polls, 2)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = digest(path)
    expected = (
        f"cache file was written by a newer version \\(schema {SCHEMA_VERSION + 1}, "
        f"this console reads up to {SCHEMA_VERSION}\\)"
    )
    for readonly in (False, True):
        with pytest.raises(CacheError, match=expected):
            Cache.open(path, readonly=readonly)
    assert digest(path) == before


def _old_cache(path: Path) -> Path:
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=1)
    conn.execute("INSERT INTO meta (key, value) VALUES ('source', 'https://hub.example')")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return path


def test_older_schema_reviewed_on_a_copy(tmp_path: Path) -> None:
    path = _old_cache(tmp_path / "old.db")
    before = digest(path)
    with Cache.open(path, readonly=True) as cache:
        assert cache.migrated_from == 1
        assert cache.meta()["source"] == "https://hub.example"
        assert cache.journal() == [] and cache.incidents() == []
        assert cache.time_range() is None
        with pytest.raises(CacheError, match="read-only for review"):
            cache.append_journal([{"time": T0, "alarm_id": "x"}])
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.db"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
    with Cache.open(path) as cache:  # live use migrates in place
        assert cache.migrated_from == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_read_only_file_fails_writes_and_live_continues(
    tmp_path: Path, topo: SiteTopology, polls: list[RackTelemetry]
) -> None:
    path = make_cache(tmp_path / "ro.db", topo, polls, 3)
    os.chmod(path, 0o444)
    before = digest(path)
    try:
        cache = Cache.open(path)
        if os.geteuid() == 0:  # root ignores file modes: make SQLite refuse writes itself
            cache.conn.execute("PRAGMA query_only = 1")
        with pytest.raises(CacheError, match="read-only"):
            cache.write_poll([polls[3]], topology=topo)
        assert cache.failed is not None and "read-only" in cache.failed
        cache.write_poll([polls[4]], topology=topo)  # skipped quietly while failed
        got = cache.racks_at(polls[2].time)  # what is there still reads
        assert got is not None and got.time == polls[2].time
        with pytest.raises(CacheError):
            cache.retry()
        cache.close()
    finally:
        os.chmod(path, 0o644)
    assert digest(path) == before


def test_locked_cache_clear_error_then_recovers(
    tmp_path: Path, topo: SiteTopology, polls: list[RackTelemetry]
) -> None:
    path = make_cache(tmp_path / "locked.db", topo, polls, 3)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        cache = Cache.open(path, busy_timeout_s=0.05)
        with pytest.raises(CacheError, match="cache is locked by another process"):
            cache.write_poll([polls[3]], topology=topo)
        assert cache.failed is not None
    finally:
        other.execute("ROLLBACK")
        other.close()
    cache.retry()
    assert cache.failed is None
    cache.write_poll([polls[3]], topology=topo)
    cache.write_poll([polls[4]], topology=topo)
    got = cache.racks_at(polls[4].time)
    assert got is not None and got.time == polls[4].time
    cache.close()


def test_full_disk_gives_clear_error_and_keeps_file(
    tmp_path: Path, topo: SiteTopology, polls: list[RackTelemetry]
) -> None:
    path = make_cache(tmp_path / "full.db", topo, polls, 3)
    cache = Cache.open(path)
    pages = cache.conn.execute("PRAGMA page_count").fetchone()[0]
    cache.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(CacheError, match="disk is full"):
        for r in polls[3:]:
            cache.write_poll([r], topology=topo)
    assert cache.failed is not None and "disk is full" in cache.failed
    last = cache.time_range()
    assert last is not None
    got = cache.racks_at(last[1])
    assert got is not None
    cache.conn.execute(f"PRAGMA max_page_count = {pages * 100}")
    cache.retry()
    cache.write_poll([polls[-1]], topology=topo)
    assert cache.time_range() == (polls[0].time, polls[-1].time)
    assert cache.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    cache.close()


def test_bad_telemetry_writes_nothing(
    tmp_path: Path, topo: SiteTopology, polls: list[RackTelemetry]
) -> None:
    with Cache.open(tmp_path / "c.db") as cache:
        with pytest.raises(ValueError, match="before a topology"):
            cache.write_poll([polls[0]])
        cache.write_poll([polls[0]], topology=topo)
        short = RackTelemetry(time=polls[1].time, fields={"power_kw": np.zeros(3, np.float32)})
        with pytest.raises(ValueError, match="do not match"):
            cache.write_poll([short])
        assert cache.conn.execute("SELECT count(*) FROM rack_raw").fetchone()[0] == 1
        assert cache.failed is None


def test_review_never_writes_the_file(
    tmp_path: Path, topo: SiteTopology, polls: list[RackTelemetry]
) -> None:
    path = make_cache(tmp_path / "review.db", topo, polls, 5)
    before = digest(path)
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(path, copy / "review.db")
    with Cache.open(path, readonly=True) as cache:
        assert cache.racks_at(polls[4].time) is not None
        with pytest.raises(CacheError, match="read-only for review"):
            cache.write_poll([polls[5]], topology=topo)
        with pytest.raises(CacheError, match="read-only for review"):
            cache.maintain()
    assert digest(path) == before


def test_damaged_frame_reads_as_clear_error(
    tmp_path: Path, topo: SiteTopology, polls: list[RackTelemetry]
) -> None:
    path = make_cache(tmp_path / "damaged.db", topo, polls, 3)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE rack_raw SET data = x'0100090000' WHERE id = 2")
    conn.commit()
    conn.close()
    with Cache.open(path, readonly=True) as cache:
        assert cache.racks_at(polls[0].time) is not None
        with pytest.raises(CacheError, match="corrupt"):
            cache.racks_at(polls[2].time)


def test_second_live_console_is_refused(
    tmp_path: Path, topo: SiteTopology, polls: list[RackTelemetry]
) -> None:
    path = make_cache(tmp_path / "shared.db", topo, polls, 2)
    first = Cache.open(path)
    try:
        with pytest.raises(CacheError, match="cache is locked by another process"):
            Cache.open(path)
        with Cache.open(path, readonly=True) as review:  # review is always allowed
            assert review.racks_at(polls[1].time) is not None
    finally:
        first.close()
    with Cache.open(path) as second:
        second.write_poll([polls[2]], topology=topo)


# -- a cache that heals itself ---------------------------------------------------------------
def _item(device: str) -> Any:
    from console.maintenance import item_from_dict

    return item_from_dict({"device": device, "group": "reset", "first_seen": T0,
                           "last_seen": T0, "count": 1})


def _locked(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    return other


def test_records_are_kept_while_locked_and_written_when_it_heals(
    tmp_path: Path, topo: SiteTopology, polls: list[RackTelemetry]
) -> None:
    """Journal entries, incidents, maintenance changes and windows written while the file
    is locked never raise: they are kept, then written by the retry that succeeds."""
    path = make_cache(tmp_path / "kept.db", topo, polls, 3)
    heard: list[Any] = []
    cache = Cache.open(path, busy_timeout_s=0.05)
    cache.on_health = heard.append
    other = _locked(path)
    try:
        cache.append_journal([{"time": T0 + 10, "alarm_id": "a"}])  # the first failure
        assert cache.failed is not None and "locked" in cache.failed
        assert [h.failed is not None for h in heard] == [True]
        incident = cache.save_incident({"start": T0 + 11, "title": "kept"})
        cache.update_incident(incident, note="written later")
        cache.write_maintenance(T0 + 12, [_item("g1")], [])
        cache.mark_full_resolution(T0, T0 + 20, "incident")
        cache.set_source("https://user:pw@hub.example/api?token=1")
        cache.write_poll([polls[3]], topology=topo)  # a gap
        with pytest.raises(ValueError):  # a bad entry is still refused at once
            cache.append_journal([{"alarm_id": "no time"}])
        assert cache.health().kept == 7 and cache.health().polls == 1  # maintenance: 2 rows
        with pytest.raises(CacheError, match="locked"):
            cache.retry()
    finally:
        other.execute("ROLLBACK")
        other.close()
    cache.retry()
    assert cache.failed is None and heard[-1].failed is None and heard[-1].kept == 7
    assert [e["alarm_id"] for e in cache.journal()] == ["a"]
    [stored] = cache.incidents()
    assert stored["id"] == incident and stored["note"] == "written later"
    assert [i.device for i in cache.maintenance_at(T0 + 13).items] == ["g1"]
    assert cache.meta()["source"] == "https://hub.example/api"
    cache.write_poll([polls[4]], topology=topo)
    [gap] = cache.gaps()
    assert (gap["start"], gap["end"], gap["polls"]) == (polls[2].time, polls[4].time, 1)
    assert cache.gaps(polls[4].time + 1, None) == []
    assert cache.racks_at(polls[4].time).time == polls[4].time
    cache.close()


def test_a_failed_cache_retries_by_itself_at_the_next_write(
    tmp_path: Path, topo: SiteTopology, polls: list[RackTelemetry]
) -> None:
    path = make_cache(tmp_path / "self.db", topo, polls, 3)
    cache = Cache.open(path, busy_timeout_s=0.05, retry_max_s=0.05)
    other = _locked(path)
    with pytest.raises(CacheError, match="locked"):
        cache.write_poll([polls[3]], topology=topo)
    other.execute("ROLLBACK")
    other.close()
    deadline = time.monotonic() + 10
    while cache.failed is not None and time.monotonic() < deadline:  # no retry() called
        cache.write_poll([polls[4]], topology=topo)
    assert cache.failed is None
    assert cache.racks_at(polls[4].time).time == polls[4].time
    cache.close()


def test_memory_kept_is_bounded_and_what_it_dropped_is_counted(
    tmp_path: Path, topo: SiteTopology, polls: list[RackTelemetry]
) -> None:
    path = make_cache(tmp_path / "bounded.db", topo, polls, 3)
    cache = Cache.open(path, busy_timeout_s=0.05)
    cache._backlog.limit = 5
    other = _locked(path)
    try:
        cache.write_maintenance(T0, [_item("g1")], [])
        cache.append_journal([{"time": T0 + k, "alarm_id": f"a{k}"} for k in range(6)])
        assert cache.health().dropped == 2 + 1  # the maintenance change (2 rows), a0
        with pytest.raises(CacheError, match="complete list"):  # the list needs a resync
            cache.write_maintenance(T0 + 9, [_item("g2")], [])
    finally:
        other.execute("ROLLBACK")
        other.close()
    cache.retry()
    assert [e["alarm_id"] for e in cache.journal()] == ["a1", "a2", "a3", "a4", "a5"]
    with pytest.raises(CacheError, match="complete list"):
        cache.write_maintenance(T0 + 9, [_item("g2")], [])
    cache.write_maintenance(T0 + 9, [_item("g2")], [],
                            complete=True)
    cache.write_poll([polls[3]], topology=topo)
    [gap] = cache.gaps()
    assert gap["dropped"] == 3 and gap["polls"] == 0
    cache.close()


def test_a_cache_opened_later_takes_over_what_was_kept(
    tmp_path: Path, topo: SiteTopology, polls: list[RackTelemetry]
) -> None:
    from console.cache.store import PROVISIONAL_INCIDENT, PendingCache

    path = make_cache(tmp_path / "later.db", topo, polls, 3)
    with Cache.open(path) as first:
        first.save_incident({"start": T0, "title": "from before"})
    heard: list[Any] = []
    holder = Cache.open(path)  # another console writes the file: this one cannot open it
    pending = PendingCache(lambda: Cache.open(path, busy_timeout_s=0.05), "cache is locked")
    pending.on_health = heard.append
    assert getattr(pending, "journal", None) is None  # nothing to read yet
    pending.write_poll([polls[3]], topology=topo)
    pending.append_journal([{"time": T0 + 7, "alarm_id": "kept"}])
    provisional = pending.save_incident({"start": T0 + 7, "title": "while closed"})
    assert provisional > PROVISIONAL_INCIDENT
    pending.update_incident(provisional, note="n1")
    with pytest.raises(CacheError, match="locked"):
        pending.retry()
    assert pending.cache is None and pending.health().polls == 1
    holder.close()
    pending.retry()
    assert pending.cache is not None and pending.failed is None
    assert heard[-1].failed is None and heard[-1].kept == 3
    pending.update_incident(provisional, end=T0 + 9)  # the provisional id still works
    pending.write_poll([polls[4]], topology=topo)
    incidents = {i["title"]: i for i in pending.incidents()}
    assert incidents["while closed"]["id"] == incidents["from before"]["id"] + 1
    assert (incidents["while closed"]["note"], incidents["while closed"]["end"]) == ("n1", T0 + 9)
    assert [e["alarm_id"] for e in pending.journal()] == ["kept"]
    [gap] = pending.gaps()
    assert gap["start"] == polls[2].time and gap["end"] == polls[4].time
    pending.close()


def test_backoff_doubles_up_to_its_cap() -> None:
    from console.cache.store import Backoff

    now = [100.0]
    backoff = Backoff(first=0.1, cap=0.5, clock=lambda: now[0])
    assert backoff.due()
    backoff.start()
    assert not backoff.due()
    waits = []
    for _ in range(5):
        waits.append(round(backoff.next - now[0], 3))
        now[0] = backoff.next
        assert backoff.due()
        backoff.missed()
    assert waits == [0.1, 0.2, 0.4, 0.5, 0.5]


def test_gaps_of_a_file_from_before_schema_7_read_empty(tmp_path: Path) -> None:
    path = tmp_path / "v6.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=6)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    with Cache.open(path, readonly=True) as review:
        assert review.migrated_from is None and review.gaps() == []
    with Cache.open(path) as cache:
        assert cache.migrated_from == 6 and cache.gaps() == []


@pytest.mark.parametrize("path_name", [
    "write_poll", "append_journal", "save_incident", "update_incident", "write_maintenance",
    "mark_full_resolution", "maintain", "set_source",
])
def test_every_write_path_tells_why_the_cache_failed(
    tmp_path: Path, topo: SiteTopology, polls: list[RackTelemetry], path_name: str
) -> None:
    """Before, a failing journal or incident write set ``failed`` and said nothing."""
    path = make_cache(tmp_path / "paths.db", topo, polls, 3)
    cache = Cache.open(path, busy_timeout_s=0.05)
    incident = cache.save_incident({"start": T0})
    heard: list[Any] = []
    cache.on_health = heard.append
    calls = {
        "write_poll": lambda: cache.write_poll([polls[3]], topology=topo),
        "append_journal": lambda: cache.append_journal([{"time": T0, "alarm_id": "a"}]),
        "save_incident": lambda: cache.save_incident({"start": T0 + 1}),
        "update_incident": lambda: cache.update_incident(incident, note="x"),
        "write_maintenance": lambda: cache.write_maintenance(T0, [_item("g")], []),
        "mark_full_resolution": lambda: cache.mark_full_resolution(T0, T0 + 1),
        "maintain": lambda: cache.maintain(),
        "set_source": lambda: cache.set_source("https://hub.example"),
    }
    other = _locked(path)
    try:
        try:
            calls[path_name]()
        except CacheError:
            assert path_name in ("write_poll", "maintain")  # these two still raise
        assert [h.failed for h in heard] == [cache.failed]
        assert cache.failed is not None and "locked" in cache.failed
    finally:
        other.execute("ROLLBACK")
        other.close()
    cache.retry()
    assert heard[-1].failed is None
    cache.close()
