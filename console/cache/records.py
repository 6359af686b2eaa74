"""Alarm journal and incidents: the audit trail, never removed by retention."""

from __future__ import annotations

import json
import math
import sqlite3
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from console.alarms.journal import JOURNAL_FIELDS

if TYPE_CHECKING:
    import sqlite_utils

JOURNAL_COLUMNS = JOURNAL_FIELDS  # the alarm journal's own entry keys
INCIDENT_COLUMNS = ("start", "end", "title", "racks", "gpus", "jobs", "alarm_ids", "note")
_JSON_COLUMNS = frozenset({"racks", "gpus", "jobs", "alarm_ids"})


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def journal_rows(entries: Sequence[Mapping[str, Any]]) -> list[tuple]:
    """Journal entries as table rows; ValueError on a bad entry (nothing is written then)."""
    rows = []
    for entry in entries:
        unknown = set(entry) - set(JOURNAL_COLUMNS) - {"id"}
        if unknown:
            raise ValueError(f"alarm journal has no column(s) {', '.join(sorted(unknown))}")
        t = entry.get("time")
        if not isinstance(t, int | float) or not math.isfinite(t):
            raise ValueError("alarm journal entry needs a numeric 'time'")
        if not entry.get("alarm_id"):
            raise ValueError("alarm journal entry needs an 'alarm_id'")
        until = entry.get("until")
        rows.append(
            (float(t), str(entry["alarm_id"]))
            + tuple(_text(entry.get(k)) for k in JOURNAL_COLUMNS[2:-2])
            + (float(until) if isinstance(until, int | float) else None, _text(entry.get("detail")))
        )
    return rows


def insert_journal_rows(conn: sqlite3.Connection, rows: Sequence[tuple]) -> None:
    """Insert rows made by :func:`journal_rows` (inside the caller's transaction)."""
    conn.executemany(
        f"INSERT INTO alarm_journal ({', '.join(JOURNAL_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(JOURNAL_COLUMNS))})",
        rows,
    )


def append_journal(conn: sqlite3.Connection, entries: Sequence[Mapping[str, Any]]) -> None:
    """Insert journal entries (inside the caller's transaction); ValueError on a bad entry."""
    insert_journal_rows(conn, journal_rows(entries))


def journal(db: sqlite_utils.Database, start: float | None, end: float | None) -> list[dict]:
    """Journal entries with ``start <= time <= end`` (open ends when None), oldest first."""
    lo = -math.inf if start is None else float(start)
    hi = math.inf if end is None else float(end)
    have = {c.name for c in db["alarm_journal"].columns}
    cols = ", ".join(c if c in have else f"NULL AS {c}" for c in JOURNAL_COLUMNS)
    return list(
        db.query(
            f"SELECT id, {cols} FROM alarm_journal "
            "WHERE time >= :lo AND time <= :hi ORDER BY time, id",
            {"lo": lo, "hi": hi},
        )
    )


def incident_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    """An incident's fields as column values; ValueError for a field incidents do not have."""
    unknown = set(fields) - set(INCIDENT_COLUMNS) - {"id"}
    if unknown:
        raise ValueError(f"incidents have no field(s) {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "id":
            continue
        if key in _JSON_COLUMNS:
            out[key] = json.dumps([v for v in (value or ())], default=str)
        elif key in ("start", "end"):
            out[key] = None if value is None else float(value)
        else:
            out[key] = "" if value is None else str(value)
    return out


def new_incident_values(incident: Mapping[str, Any]) -> dict[str, Any]:
    """A new incident's column values; ValueError without a start time."""
    values = incident_values(incident)
    if values.get("start") is None:
        raise ValueError("an incident needs a 'start' time")
    return values


def insert_incident(conn: sqlite3.Connection, incident_id: int, values: Mapping[str, Any]) -> None:
    """Insert an incident under a chosen id (values from :func:`new_incident_values`)."""
    names = ", ".join(f'"{k}"' for k in ("id", *values))
    conn.execute(
        f"INSERT INTO incidents ({names}) VALUES ({', '.join('?' * (len(values) + 1))})",
        (int(incident_id), *values.values()),
    )


def save_incident(conn: sqlite3.Connection, incident: Mapping[str, Any]) -> int:
    """Insert an incident; returns its id."""
    values = new_incident_values(incident)
    names = ", ".join(f'"{k}"' for k in values)
    cursor = conn.execute(
        f"INSERT INTO incidents ({names}) VALUES ({', '.join('?' * len(values))})",
        tuple(values.values()),
    )
    return int(cursor.lastrowid or 0)


def update_incident(conn: sqlite3.Connection, incident_id: int, fields: Mapping[str, Any]) -> None:
    """Change fields of an incident; KeyError when it does not exist."""
    update_incident_values(conn, incident_id, incident_values(fields))


def update_incident_values(conn: sqlite3.Connection, incident_id: int,
                           values: Mapping[str, Any]) -> None:
    """Set column values (from :func:`incident_values`); KeyError when the incident does not
    exist."""
    if not values:
        return
    assignments = ", ".join(f'"{k}" = ?' for k in values)
    cursor = conn.execute(
        f"UPDATE incidents SET {assignments} WHERE id = ?", (*values.values(), int(incident_id))
    )
    if cursor.rowcount == 0:
        raise KeyError(f"no incident {incident_id}")


def incidents(db: sqlite_utils.Database, start: float | None, end: float | None) -> list[dict]:
    """Incidents overlapping ``[start, end]``, oldest first; JSON lists decoded."""
    lo = -math.inf if start is None else float(start)
    hi = math.inf if end is None else float(end)
    out = []
    for item in db["incidents"].rows_where(
        'start <= :hi AND coalesce("end", :inf) >= :lo',
        {"hi": hi, "lo": lo, "inf": math.inf},
        order_by="start, id",
    ):
        for key in _JSON_COLUMNS:
            item[key] = json.loads(item[key] or "[]")
        out.append(item)
    return out


def protected_windows(conn: sqlite3.Connection, margin_s: float, now: float) -> list[tuple]:
    """Windows kept at full resolution: marked windows and incidents (with a margin)."""
    windows = [
        (float(s), float(e)) for s, e in conn.execute('SELECT start, "end" FROM full_resolution')
    ]
    for s, e in conn.execute('SELECT start, "end" FROM incidents'):
        windows.append((float(s) - margin_s, (now if e is None else float(e)) + margin_s))
    return windows


# -- gaps: when the live console could not record ------------------------------------------
GAPS = "gaps"
"""Spans the live console polled but could not record (schema 7): ``start`` is the newest
poll recorded before, ``end`` the first recorded after (hub clock), ``reason`` why, ``polls``
how many polls were not recorded and ``dropped`` how many alarm-journal entries, incident or
maintenance records kept in memory meanwhile had to be dropped."""


def create_gaps(conn: sqlite3.Connection) -> None:
    """The table of recording gaps (schema 6 -> 7)."""
    conn.execute(
        f"""CREATE TABLE {GAPS} (
            id INTEGER PRIMARY KEY,
            start REAL NOT NULL,
            "end" REAL NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            polls INTEGER NOT NULL DEFAULT 0,
            dropped INTEGER NOT NULL DEFAULT 0
        )"""
    )
    conn.execute(f"CREATE INDEX {GAPS}_start ON {GAPS}(start)")


def has_gaps(conn: sqlite3.Connection) -> bool:
    """Whether the file records gaps (schema 7 and later)."""
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (GAPS,)
    ).fetchone() is not None


def insert_gap(conn: sqlite3.Connection, start: float, end: float, reason: str, polls: int,
               dropped: int) -> None:
    """Record one gap (inside the caller's transaction)."""
    conn.execute(
        f'INSERT INTO {GAPS} (start, "end", reason, polls, dropped) VALUES (?, ?, ?, ?, ?)',
        (float(start), float(max(start, end)), str(reason), int(polls), int(dropped)),
    )


def gaps(db: sqlite_utils.Database, start: float | None, end: float | None) -> list[dict]:
    """Gaps overlapping ``[start, end]`` (open ends when None), oldest first; none in a file
    from before schema 7."""
    if not has_gaps(db.conn):
        return []
    lo = -math.inf if start is None else float(start)
    hi = math.inf if end is None else float(end)
    return list(
        db.query(
            f'SELECT id, start, "end", reason, polls, dropped FROM {GAPS} '
            'WHERE start <= :hi AND "end" >= :lo ORDER BY start, id',
            {"lo": lo, "hi": hi},
        )
    )


# -- records kept in memory while the cache cannot write ------------------------------------
BACKLOG_ROWS = 20_000
"""Rows (journal entries, incident and maintenance records) kept in memory while the cache
cannot write; beyond it the oldest are dropped and counted."""


@dataclass(frozen=True, slots=True)
class Kept:
    """One write that waits for the cache: ``kind`` names what :class:`Cache` does with
    ``args`` ("journal", "incident", "update", "maintenance", "window", "meta", "log")."""

    kind: str
    args: tuple
    rows: int = 1


class Backlog:
    """Writes of records the cache could not make yet, oldest first, at most ``limit`` rows.

    Beyond the limit the oldest writes are dropped: :attr:`dropped` counts their rows and
    :attr:`maintenance_dropped` says a change of the maintenance list was among them (the
    list's history then needs a complete list again).
    """

    def __init__(self, limit: int = BACKLOG_ROWS) -> None:
        self.limit = int(limit)
        self.dropped = 0
        self.maintenance_dropped = False
        self._items: deque[Kept] = deque()
        self._rows = 0

    def add(self, kind: str, args: tuple, rows: int = 1) -> None:
        """Keep one write (dropping the oldest ones beyond the limit)."""
        self._items.append(Kept(kind, args, max(int(rows), 1)))
        self._rows += max(int(rows), 1)
        while self._rows > self.limit and self._items:
            excess, head = self._rows - self.limit, self._items[0]
            if head.kind == "journal" and head.rows > excess:  # its oldest entries only
                self._items[0] = Kept("journal", (head.args[0][excess:],), head.rows - excess)
                self._rows -= excess
                self.dropped += excess
            else:
                self._drop(self._items.popleft())

    def _drop(self, item: Kept) -> None:
        self._rows -= item.rows
        self.dropped += item.rows
        if item.kind == "maintenance":
            self.maintenance_dropped = True

    @property
    def rows(self) -> int:
        """Rows kept now."""
        return self._rows

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Kept]:
        return iter(list(self._items))

    def replace(self, items: Sequence[Kept]) -> None:
        """Keep ``items`` instead (same order), e.g. after renumbering."""
        self._items = deque(items)
        self._rows = sum(i.rows for i in items)

    def clear(self) -> None:
        """Forget what is kept (it was written); :attr:`dropped` stays counted."""
        self._items.clear()
        self._rows = 0
