"""The maintenance list's history: one row per item while it stays the same.

An item that appears, or changes (count, action, job, node state), gets a new row from that
time (``start``); the row it replaces, or the row of an item that leaves the list, gets its
``end``. The list as it stood at ``t`` is the rows with ``start <= t < end`` (``end`` NULL:
still listed when last written), so review rebuilds it in one query. Files from before
schema 5 have no such table: they read as "no maintenance list recorded".
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from console.maintenance import MaintenanceItem, MaintenanceList, item_from_dict, make_list

TABLE = "maintenance"


def create(conn: sqlite3.Connection) -> None:
    """The table and its indexes (schema 4 -> 5)."""
    conn.execute(
        f"""CREATE TABLE {TABLE} (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            device TEXT NOT NULL,
            start REAL NOT NULL,
            "end" REAL,
            grp TEXT NOT NULL,
            count INTEGER NOT NULL,
            data TEXT NOT NULL
        )"""
    )
    conn.execute(f"CREATE INDEX {TABLE}_start ON {TABLE}(start)")
    conn.execute(f'CREATE INDEX {TABLE}_open ON {TABLE}(device) WHERE "end" IS NULL')


def write(conn: sqlite3.Connection, t: float, changed: Sequence[MaintenanceItem],
          gone: Sequence[str], complete: bool) -> None:
    """Record one update's changes (inside the caller's transaction)."""
    t = float(t)
    if complete:
        conn.execute(f'UPDATE {TABLE} SET "end" = ? WHERE "end" IS NULL', (t,))
    else:
        ends = [(t, d) for d in (*gone, *(i.device for i in changed))]
        conn.executemany(f'UPDATE {TABLE} SET "end" = ? WHERE device = ? AND "end" IS NULL', ends)
    conn.executemany(
        f"INSERT INTO {TABLE} (device, start, grp, count, data) VALUES (?, ?, ?, ?, ?)",
        [(i.device, t, i.group, i.count, json.dumps(i.to_dict(), separators=(",", ":")))
         for i in changed],
    )


def has_table(conn: sqlite3.Connection) -> bool:
    """Whether the file records the maintenance list (schema 5 and later)."""
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).fetchone() is not None


def read_at(conn: sqlite3.Connection, t: float) -> MaintenanceList | None:
    """The list as it stood at ``t``; None when the file holds no record of it then."""
    if not has_table(conn):
        return None
    first = conn.execute(f"SELECT min(start) FROM {TABLE}").fetchone()[0]
    if first is None or float(t) < float(first):
        return None
    rows = conn.execute(
        f'SELECT data FROM {TABLE} WHERE start <= ? AND ("end" IS NULL OR "end" > ?)',
        (float(t), float(t)),
    ).fetchall()
    return make_list(float(t), [item_from_dict(json.loads(r[0])) for r in rows])
