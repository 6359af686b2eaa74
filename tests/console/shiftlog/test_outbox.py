"""The shift log's outbox: writes kept in order, in the cache file or in memory."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from console.cache import Cache
from console.shiftlog.model import LogSnapshot
from console.shiftlog.outbox import MEMORY_SEQ, Outbox


def test_the_outbox_lives_in_the_cache_file_beside_a_live_cache(tmp_path: Path) -> None:
    with Cache.open(tmp_path / "cache.db") as cache, Outbox(cache.path) as outbox:
        outbox.put("add", "u1", {"text": "a"})
        cache.write_poll([LogSnapshot(time=1_790_000_000.0)])  # the cache writes meanwhile
        outbox.put("clear", "u1", {"who": "Bob"})
        assert [(i.action, i.uid) for i in outbox.pending()] == [("add", "u1"), ("clear", "u1")]
        tables = {r[0] for r in cache.conn.execute("SELECT name FROM sqlite_master")}
        assert "log_outbox" in tables
        outbox.remove(outbox.pending()[0].seq)
        assert [i.action for i in outbox.pending()] == ["clear"] and len(outbox) == 1
    with Cache.open(tmp_path / "cache.db") as cache:  # a cache file still, the row kept
        assert cache.conn.execute("SELECT count(*) FROM log_outbox").fetchone()[0] == 1


def test_an_outbox_in_memory_only() -> None:
    outbox = Outbox(None)
    first = outbox.put("add", "u1", {"text": "a"})
    assert outbox.put("add", "u1", {"text": "other"}) == first  # kept once
    outbox.note_failure(first.seq, "hub down")
    [kept] = outbox.pending()
    assert kept.attempts == 1 and kept.last_error == "hub down" and kept.seq > MEMORY_SEQ
    outbox.remove(kept.seq)
    assert outbox.pending() == [] and len(outbox) == 0
    outbox.close()


def test_an_outbox_whose_file_is_locked_keeps_rows_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    outbox = Outbox(path, busy_timeout_s=0.05)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")  # another writer holds the file
        first = outbox.put("add", "u1", {"text": "a"})
        assert outbox.failed is not None and first.seq >= 2**40
        assert [i.uid for i in outbox.pending()] == ["u1"] and len(outbox) == 1
        other.execute("COMMIT")
        outbox.put("add", "u2", {"text": "b"})  # the file works again: both written
        assert outbox.failed is None
        assert [i.uid for i in outbox.pending()] == ["u1", "u2"]
        assert all(i.seq < 2**40 for i in outbox.pending())
    finally:
        other.close()
        outbox.close()
    with Outbox(path) as again:
        assert [i.uid for i in again.pending()] == ["u1", "u2"]
        assert again.put("add", "u1", {"text": "a"}).seq == again.pending()[0].seq  # once
