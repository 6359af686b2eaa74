"""The console's copy of the shift log: one row per entry, by the entry's uid.

The hub's ids and revisions belong to one hub (another hub, or a hub whose log file was
replaced, numbers its entries again); the uid the writer gave the entry does not, so the
copy is keyed by it. A row holds the entry as last read (its clear too) and ``seen_at``,
when this console first read it. Entries never change but for their clear, and the clear
is stamped (``cleared_at``), so the log as it stood at any time is computable from the
rows: the entries written by then, open or cleared as of then (:func:`read_at`).

A clear, once read, is never taken back by an older copy of the entry read later.
Files from before schema 9 have no such table: reading their log raises
:class:`LogNotRecorded` ("not recorded", never "empty").
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from console.shiftlog import outbox
from console.shiftlog.model import LogEntry

TABLE = "log_entries"
_COLUMNS = ("uid, hub_id, rev, time, author, category, text, links, open, cleared_by, "
            "cleared_at")


class LogNotRecorded(LookupError):
    """The file keeps no shift log: it was recorded before the console kept one (schema 9).
    Not an empty log: nothing about the log was recorded in it."""


def create(conn: sqlite3.Connection) -> None:
    """The copy's table and the outbox's (schema 8 -> 9)."""
    conn.execute(
        f"""CREATE TABLE IF NOT EXISTS {TABLE} (
            uid TEXT PRIMARY KEY,
            hub_id INTEGER NOT NULL,
            rev INTEGER NOT NULL,
            time REAL NOT NULL,
            author TEXT NOT NULL,
            category TEXT NOT NULL,
            text TEXT NOT NULL,
            links TEXT NOT NULL DEFAULT '[]',
            open INTEGER NOT NULL DEFAULT 0,
            cleared_by TEXT,
            cleared_at REAL,
            seen_at REAL NOT NULL
        ) WITHOUT ROWID"""
    )
    conn.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_time ON {TABLE}(time)")
    outbox.create_table(conn)


def has_table(conn: sqlite3.Connection) -> bool:
    """Whether the file keeps a copy of the shift log (schema 9 and later)."""
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).fetchone() is not None


def write(conn: sqlite3.Connection, entries: Sequence[LogEntry], seen_at: float) -> None:
    """Take entries read from the hub (inside the caller's transaction)."""
    conn.executemany(
        f"""INSERT INTO {TABLE} ({_COLUMNS}, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(uid) DO UPDATE SET
            hub_id = excluded.hub_id,
            rev = max({TABLE}.rev, excluded.rev),
            time = excluded.time,
            author = excluded.author,
            category = excluded.category,
            text = excluded.text,
            links = excluded.links,
            open = excluded.open,
            cleared_by = coalesce({TABLE}.cleared_by, excluded.cleared_by),
            cleared_at = coalesce({TABLE}.cleared_at, excluded.cleared_at)""",
        [(e.uid, e.id, e.rev, e.time, e.author, e.category, e.text,
          json.dumps([list(link) for link in e.links], separators=(",", ":")), int(e.open),
          e.cleared_by, e.cleared_at, float(seen_at)) for e in entries],
    )


def _entry(row: Sequence[Any]) -> LogEntry:
    try:
        links = tuple((str(k), str(r)) for k, r in json.loads(row[7] or "[]"))
    except (ValueError, TypeError):
        links = ()
    return LogEntry(
        id=int(row[1]), uid=str(row[0]), rev=int(row[2]), time=float(row[3]),
        author=str(row[4]), category=str(row[5]), text=str(row[6]), links=links,
        open=bool(row[8]), cleared_by=None if row[9] is None else str(row[9]),
        cleared_at=None if row[10] is None else float(row[10]),
    )


def _rows(conn: sqlite3.Connection, where: str, params: Sequence[Any]) -> list[LogEntry]:
    if not has_table(conn):
        raise LogNotRecorded("this file holds no shift log (recorded before the console "
                             "kept one)")
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM {TABLE} WHERE {where} ORDER BY time, hub_id", tuple(params)
    ).fetchall()
    return [_entry(r) for r in rows]


def read_at(conn: sqlite3.Connection, t: float) -> list[LogEntry]:
    """The log as it stood at ``t``: entries written by then, oldest first, each open or
    cleared as of ``t`` (a clear that came later is not there)."""
    t = float(t)
    return [e.as_of(t) or e for e in _rows(conn, "time <= ?", (t,))]


def read_between(conn: sqlite3.Connection, start: float, end: float) -> list[LogEntry]:
    """Entries written from ``start`` to ``end`` (both included), oldest first, as they
    stood at ``end``."""
    end = float(end)
    return [e.as_of(end) or e for e in _rows(conn, "time >= ? AND time <= ?",
                                             (float(start), end))]


def cleared_between(conn: sqlite3.Connection, start: float, end: float) -> list[LogEntry]:
    """The open items cleared from ``start`` to ``end`` (both included), written whenever,
    in the order they were cleared (who cleared each and when)."""
    return sorted(_rows(conn, "open = 1 AND cleared_at >= ? AND cleared_at <= ?",
                        (float(start), float(end))),
                  key=lambda e: (e.cleared_at or 0.0, e.time, e.id))


def open_items(conn: sqlite3.Connection, at: float) -> list[LogEntry]:
    """The open items at ``at``: written by then, flagged open, not cleared by then."""
    at = float(at)
    return [e.as_of(at) or e for e in _rows(
        conn, "open = 1 AND time <= ? AND (cleared_at IS NULL OR cleared_at > ?)", (at, at))]
