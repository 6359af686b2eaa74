"""The cache's copy of the shift log: written with a poll, read as it stood at a time."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from console.cache import SCHEMA_VERSION, Cache
from console.cache.logbook import LogNotRecorded
from console.cache.schema import CacheError, migrate
from console.cache.store import PendingCache
from console.shiftlog.model import LogEntry, LogSnapshot

T0 = 1_790_000_000.0


def _entry(n: int, t: float, *, open_item: bool = False, **over: object) -> LogEntry:
    return replace(LogEntry(n, f"uid-{n}", t, "ann", "safety", f"entry {n}",
                            (("rack", "A-01-01"),), open_item, rev=n), **over)


def _same(got: list[LogEntry], want: list[LogEntry]) -> bool:
    """The same entries, as they stood (``rev`` is the copy's latest, whatever the time)."""
    return [replace(e, rev=0) for e in got] == [replace(e, rev=0) for e in want]


def _poll(t: float, *entries: LogEntry) -> LogSnapshot:
    return LogSnapshot(time=t, received=t + 1, entries=entries,
                       rev=max((e.rev for e in entries), default=0))


def test_the_log_as_it_stood_before_and_after_a_clear(tmp_path: Path) -> None:
    a = _entry(1, T0, open_item=True)
    b = _entry(2, T0 + 100)
    with Cache.open(tmp_path / "c.db") as cache:
        cache.write_poll([_poll(T0 + 150, a, b)])
        cleared = replace(a, cleared_by="bob", cleared_at=T0 + 200, rev=3)
        cache.write_poll([_poll(T0 + 210, cleared)])
        assert _same(cache.log_at(T0 - 1), [])
        assert _same(cache.log_at(T0 + 50), [a])
        assert _same(cache.log_at(T0 + 199), [a, b])  # still open then
        assert _same(cache.open_items(T0 + 199), [a])
        assert _same(cache.log_at(T0 + 200), [cleared, b])  # cleared, by whom and when
        assert _same(cache.open_items(T0 + 200), []) and cache.open_items(T0 - 1) == []
        assert _same(cache.log_between(T0 + 50, T0 + 300), [b])
        assert _same(cache.log_between(T0, T0 + 150), [a, b])  # as they stood at the end
        assert _same(cache.log_between(T0, T0 + 250), [cleared, b])
        seen = cache.conn.execute("SELECT seen_at FROM log_entries WHERE uid = 'uid-1'")
        assert seen.fetchone()[0] == T0 + 151  # when this console first read it
    with Cache.open(tmp_path / "c.db", readonly=True) as review:  # review reads the same
        assert _same(review.log_at(T0 + 199), [a, b]) and _same(review.open_items(T0 + 300), [])


def test_an_older_copy_never_takes_a_clear_back(tmp_path: Path) -> None:
    a = _entry(1, T0, open_item=True)
    cleared = replace(a, cleared_by="bob", cleared_at=T0 + 10, rev=2)
    with Cache.open(tmp_path / "c.db") as cache:
        cache.write_poll([_poll(T0 + 20, cleared)])
        cache.write_poll([_poll(T0 + 30, a)])  # e.g. read again from another hub's copy
        assert cache.log_at(T0 + 40) == [cleared]


def test_entries_are_kept_by_uid_across_hubs(tmp_path: Path) -> None:
    with Cache.open(tmp_path / "c.db") as cache:
        cache.write_poll([_poll(T0 + 1, _entry(1, T0))])
        other_hub = replace(_entry(1, T0 + 5), uid="another-uid")  # the same id, elsewhere
        cache.write_poll([_poll(T0 + 6, other_hub)])
        assert [e.uid for e in cache.log_at(T0 + 10)] == ["uid-1", "another-uid"]


def test_log_entries_polled_while_the_cache_is_locked_are_written_when_it_heals(
        tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    Cache.open(path).close()
    cache = Cache.open(path, busy_timeout_s=0.05)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(CacheError, match="locked"):
            cache.write_poll([_poll(T0 + 1, _entry(1, T0))])
        cache.write_poll([_poll(T0 + 3, _entry(2, T0 + 2))])  # skipped: a gap
        assert cache.health().kept == 2
    finally:
        other.execute("ROLLBACK")
        other.close()
    cache.retry()
    assert [e.id for e in cache.log_at(T0 + 10)] == [1, 2]
    cache.close()


def test_a_cache_opened_late_writes_the_entries_polled_before(tmp_path: Path) -> None:
    path = tmp_path / "late.db"
    pending = PendingCache(lambda: Cache.open(path), "cannot open the cache file")
    pending._backoff.next = float("inf")  # not yet
    pending.write_poll([_poll(T0 + 1, _entry(1, T0))])
    assert pending.cache is None
    pending.retry()
    assert pending.cache is not None and [e.id for e in pending.log_at(T0 + 5)] == [1]
    pending.close()


def test_a_schema_8_file_migrates_and_reviews_without_a_log(tmp_path: Path) -> None:
    assert SCHEMA_VERSION >= 9  # later versions change how power is stored, not the log
    path = tmp_path / "v8.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=8)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    with Cache.open(path, readonly=True) as review:  # read in place: no log recorded
        assert review.migrated_from is None
        for read in (lambda: review.log_at(T0), lambda: review.open_items(T0),
                     lambda: review.log_between(T0, T0 + 1)):
            with pytest.raises(LogNotRecorded, match="recorded before the console kept"):
                read()  # "not recorded", never an empty log
    with Cache.open(path) as cache:
        assert cache.migrated_from == 8
        tables = {r[0] for r in cache.conn.execute("SELECT name FROM sqlite_master")}
        assert {"log_entries", "log_outbox"} <= tables
        cache.write_poll([_poll(T0 + 1, _entry(1, T0))])
        assert len(cache.log_at(T0)) == 1
