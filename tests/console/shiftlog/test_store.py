"""The hub side's shift-log store: idempotent writes, one revision per change, clears."""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path

import pytest

from console.shiftlog.files import check_log_file
from console.shiftlog.model import LogConflict, LogNotFound, new_uid, validate_new
from console.shiftlog.store import LogStore, LogStoreError


class Clock:
    def __init__(self, t: float = 1_790_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def _new(text: str = "x", *, open_item: bool = False, category: str = "operations") -> object:
    return validate_new(text, category, (), "ann", open_item)


@pytest.fixture
def store(tmp_path: Path) -> LogStore:
    with LogStore(tmp_path / "log.sqlite", clock=Clock()) as s:
        yield s


def test_a_repeated_uid_is_one_entry(store: LogStore) -> None:
    uid = new_uid()
    first, created = store.add(_new("Chiller 2 tripped"), uid)
    assert created and first.id == 1 and first.rev == 1 and store.rev == 1
    again, created = store.add(_new("something else"), uid.upper())  # the same UUID
    assert not created and again == first and store.rev == 1
    assert [e.uid for e in store.list()] == [uid]


def test_clear_names_who_cleared_it_when_cleared_again(store: LogStore) -> None:
    clock = store.clock
    assert isinstance(clock, Clock)
    entry, _ = store.add(_new(open_item=True), new_uid())
    clock.t += 90
    cleared = store.clear(entry.id, "Bob")
    assert cleared.cleared_by == "Bob" and cleared.cleared_at == clock.t and cleared.rev == 2
    clock.t += 90
    with pytest.raises(LogConflict) as exc:
        store.clear(entry.uid, "Carol")  # by uid, from another workstation
    assert exc.value.cleared_by == "Bob" and exc.value.cleared_at == cleared.cleared_at
    assert str(exc.value).startswith(f"entry {entry.id} already cleared by Bob at ")
    assert store.get(entry.id) == cleared and store.rev == 2


def test_a_clear_made_today_says_the_hour(tmp_path: Path) -> None:
    with LogStore(tmp_path / "log.sqlite") as store:  # the real clock
        entry, _ = store.add(_new(open_item=True), new_uid())
        store.clear(entry.id, "Bob")
        with pytest.raises(LogConflict) as exc:
            store.clear(entry.id, "Carol")
    assert re.fullmatch(r"entry 1 already cleared by Bob at \d\d:\d\d UTC", str(exc.value))


def test_clears_that_cannot_be_made(store: LogStore) -> None:
    note, _ = store.add(_new(), new_uid())
    with pytest.raises(LogConflict, match="is no open item") as exc:
        store.clear(note.id, "Bob")
    assert exc.value.cleared_by is None
    for ref in (99, "99", new_uid(), "not-a-uid"):
        with pytest.raises(LogNotFound):
            store.clear(ref, "Bob")
    with pytest.raises(ValueError, match="who is empty"):
        store.clear(note.id, " ")
    assert store.rev == 1


def test_changes_since_a_revision_carry_clears_of_entries_read_before(store: LogStore) -> None:
    a, _ = store.add(_new("a", open_item=True), new_uid())
    b, _ = store.add(_new("b"), new_uid())
    entries, rev, more = store.changes(0)
    assert [e.text for e in entries] == ["a", "b"] and rev == 2 and not more
    store.clear(a.id, "Bob")
    entries, rev, more = store.changes(rev)
    assert [(e.text, e.cleared_by) for e in entries] == [("a", "Bob")] and rev == 3
    assert store.changes(rev) == ([], 3, False)
    assert store.changed_since(1) == [b, store.get(a.id)]


def test_answers_come_in_pages(store: LogStore) -> None:
    for i in range(7):
        store.add(_new(str(i)), new_uid())
    got, since, pages = [], 0, 0
    while True:
        entries, since, more = store.changes(since, limit=3)
        got += [e.text for e in entries]
        pages += 1
        if not more:
            break
    assert got == [str(i) for i in range(7)] and pages == 3 and since == 7
    assert [e.text for e in store.list()] == got


def test_filters_open_items_and_a_span(store: LogStore) -> None:
    clock = store.clock
    assert isinstance(clock, Clock)
    t0 = clock.t
    a, _ = store.add(_new("a", open_item=True), new_uid())
    clock.t += 100
    b, _ = store.add(_new("b", open_item=True), new_uid())
    clock.t += 100
    store.add(_new("c"), new_uid())
    store.clear(a.id, "Bob")
    assert [e.text for e in store.list(open_only=True)] == ["b"]
    assert [e.text for e in store.list(start=t0 + 50)] == ["b", "c"]
    assert [e.text for e in store.list(start=t0, end=t0 + 100)] == ["b", "a"]  # by change
    assert [e.text for e in store.list(end=t0 - 1)] == []


def test_the_file_keeps_the_log_and_its_revision(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    with LogStore(path) as store:
        entry, _ = store.add(_new("kept"), new_uid())
    with LogStore(path) as store:
        assert store.rev == 1 and store.list() == [entry]
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_file_that_is_no_log_is_refused(tmp_path: Path, foreign_db: Path) -> None:
    with pytest.raises(LogStoreError, match="not a shift log"):
        LogStore(foreign_db)
    with pytest.raises(LogStoreError, match="not a shift log"):
        check_log_file(foreign_db)  # what a hub checks before it listens says the same
    newer = tmp_path / "newer.sqlite"
    LogStore(newer).close()
    check_log_file(newer)  # a log of this version passes
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(LogStoreError, match="newer version"):
        LogStore(newer)
    with pytest.raises(LogStoreError, match="newer version"):
        check_log_file(newer)
    text = tmp_path / "text.sqlite"
    text.write_text("not a database at all, " * 100)
    with pytest.raises(LogStoreError):
        LogStore(text)
    with pytest.raises(LogStoreError):
        check_log_file(text)
    check_log_file(tmp_path / "new" / "log.sqlite")  # absent: made where it will be
    with pytest.raises(LogStoreError, match="cannot open"):
        check_log_file(text / "log.sqlite")  # under a file: no folder can be made


def test_writers_on_threads_and_on_two_connections_never_share_a_revision(
        tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    stores = [LogStore(path), LogStore(path)]  # as two hub processes on one file

    def write(store: LogStore) -> None:
        for i in range(25):
            store.add(_new(str(i)), new_uid())

    threads = [threading.Thread(target=write, args=(stores[i % 2],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    entries = stores[0].list()
    assert len(entries) == 100 and len({e.rev for e in entries}) == 100
    assert stores[1].rev == 100
    for s in stores:
        s.close()
