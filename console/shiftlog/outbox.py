"""Shift-log writes kept on this workstation until the hub confirms them.

An entry (or a clear) written while the hub cannot be reached waits here, in the order it
was written, and is sent when the hub answers (:meth:`console.shiftlog.client.LogClient.flush`).
A row leaves only once the hub confirmed it, or refused it for good (a 4xx answer, e.g. a
rack the hub does not know): never lost, and never written twice on the hub, since each
write carries its entry's uid, which the hub keeps only once.

The rows live in the table ``log_outbox`` of an SQLite file: the console's cache file
(schema 9 adds the table; open the outbox once the cache is open, so the cache creates the
file), or any file of its own. While that file takes no writes (locked, disk full) rows
are kept in memory and written at the next call that can; with ``path=None`` they are
kept in memory only.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

TABLE = "log_outbox"
ACTIONS = ("add", "clear")
MEMORY_SEQ = 2**40
"""Rows kept in memory (the file took no writes) are numbered from here."""


def create_table(conn: sqlite3.Connection) -> None:
    """The outbox table (the cache's schema 8 -> 9; a file of its own on opening)."""
    conn.execute(
        f"""CREATE TABLE IF NOT EXISTS {TABLE} (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            action TEXT NOT NULL,
            uid TEXT NOT NULL,
            body TEXT NOT NULL,
            created REAL NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            UNIQUE (action, uid)
        )"""
    )


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One write waiting for the hub: ``action`` "add" (``body``: the POST body) or "clear"
    (``body``: ``{"who"}``), of the entry ``uid``."""

    seq: int
    action: str
    uid: str
    body: Mapping[str, Any]
    created: float
    attempts: int = 0
    last_error: str | None = None


class Outbox:
    """The writes waiting for the hub, oldest first (see the module docstring)."""

    def __init__(self, path: str | Path | None = None, *, busy_timeout_s: float = 2.0) -> None:
        self.path = None if path is None else Path(path)
        self.busy_timeout_s = float(busy_timeout_s)
        self.failed: str | None = None
        """Why the file takes no writes now (rows are kept in memory meanwhile); None."""
        self._conn: sqlite3.Connection | None = None
        self._memory: list[OutboxItem] = []
        self._next_memory = MEMORY_SEQ
        self._lock = threading.RLock()
        if self.path is not None:
            self._connect()

    def __repr__(self) -> str:
        return f"Outbox({str(self.path) if self.path else None!r}, {len(self)} waiting)"

    # -- the file ---------------------------------------------------------------------------
    def _connect(self) -> bool:
        if self._conn is not None:
            return True
        assert self.path is not None
        conn = None
        try:
            conn = sqlite3.connect(str(self.path), timeout=self.busy_timeout_s,
                                   isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            create_table(conn)
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            self._failing(exc)
            return False
        self._conn = conn
        return True

    def _failing(self, exc: BaseException) -> None:
        reason = f"shift-log outbox {self.path}: {exc}"
        if reason != self.failed:
            log.warning("%s (writes kept in memory until it works)", reason)
        self.failed = reason

    def _settle(self) -> bool:
        """Write the rows kept in memory into the file; True when the file works."""
        if self.path is None or not self._connect():
            return False
        conn = self._conn
        assert conn is not None
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for item in self._memory:
                    conn.execute(
                        f"INSERT OR IGNORE INTO {TABLE} (action, uid, body, created, attempts, "
                        "last_error) VALUES (?, ?, ?, ?, ?, ?)",
                        (item.action, item.uid, json.dumps(dict(item.body)), item.created,
                         item.attempts, item.last_error),
                    )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            self._failing(exc)
            return False
        if self.failed is not None:
            log.warning("shift-log outbox %s works again (%d kept rows written)", self.path,
                        len(self._memory))
        self._memory.clear()
        self.failed = None
        return True

    # -- writes -----------------------------------------------------------------------------
    def put(self, action: str, uid: str, body: Mapping[str, Any]) -> OutboxItem:
        """Keep a write for the hub (the same ``action`` of the same ``uid`` is kept once:
        the one kept before is returned)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown outbox action {action!r}")
        with self._lock:
            for item in self._memory:
                if item.action == action and item.uid == uid:
                    return item
            created = time.time()
            if self._settle():
                conn = self._conn
                assert conn is not None
                try:
                    conn.execute(
                        f"INSERT OR IGNORE INTO {TABLE} (action, uid, body, created) "
                        "VALUES (?, ?, ?, ?)",
                        (action, uid, json.dumps(dict(body)), created),
                    )
                    row = conn.execute(
                        f"SELECT seq, action, uid, body, created, attempts, last_error "
                        f"FROM {TABLE} WHERE action = ? AND uid = ?", (action, uid),
                    ).fetchone()
                    return self._item(row)
                except sqlite3.Error as exc:
                    self._failing(exc)
            self._next_memory += 1
            item = OutboxItem(self._next_memory, action, uid, dict(body), created)
            self._memory.append(item)
            return item

    @staticmethod
    def _item(row: Any) -> OutboxItem:
        return OutboxItem(int(row[0]), str(row[1]), str(row[2]), json.loads(row[3]),
                          float(row[4]), int(row[5]), row[6])

    def pending(self) -> list[OutboxItem]:
        """The writes waiting, oldest first."""
        with self._lock:
            rows: list[OutboxItem] = []
            if self._settle():
                conn = self._conn
                assert conn is not None
                try:
                    rows = [self._item(r) for r in conn.execute(
                        f"SELECT seq, action, uid, body, created, attempts, last_error "
                        f"FROM {TABLE} ORDER BY seq")]
                except sqlite3.Error as exc:
                    self._failing(exc)
            return rows + list(self._memory)

    def remove(self, seq: int) -> None:
        """The hub confirmed (or refused for good) the write ``seq``: it leaves. (While the
        file takes no writes it stays, and is sent again: the hub keeps an entry once.)"""
        with self._lock:
            self._memory = [i for i in self._memory if i.seq != seq]
            if seq < MEMORY_SEQ and self._conn is not None:
                try:
                    self._conn.execute(f"DELETE FROM {TABLE} WHERE seq = ?", (int(seq),))
                except sqlite3.Error as exc:  # it stays: sent again, the hub keeps it once
                    self._failing(exc)

    def note_failure(self, seq: int, reason: str) -> None:
        """A try of ``seq`` failed (it stays): count it, keep the reason."""
        with self._lock:
            self._memory = [
                OutboxItem(i.seq, i.action, i.uid, i.body, i.created, i.attempts + 1, reason)
                if i.seq == seq else i for i in self._memory
            ]
            if seq < MEMORY_SEQ and self._conn is not None:
                try:
                    self._conn.execute(
                        f"UPDATE {TABLE} SET attempts = attempts + 1, last_error = ? "
                        "WHERE seq = ?", (reason[:500], int(seq)))
                except sqlite3.Error as exc:
                    self._failing(exc)

    def __len__(self) -> int:
        with self._lock:
            n = len(self._memory)
            if self._conn is not None:
                try:
                    n += int(self._conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0])
                except sqlite3.Error:
                    pass
            return n

    def close(self) -> None:
        """Close the file (rows still in memory are named in the log: they are lost)."""
        with self._lock:
            if self._memory:
                self._settle()
            if self._memory:
                log.warning("shift-log outbox closed with %d writes never stored (%s)",
                            len(self._memory), self.failed or "no file")
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
