"""The cache's SQLite schema, its version and the migrations between versions.

``PRAGMA user_version`` holds the schema version. ``MIGRATIONS[n]`` takes a file
from version ``n`` to ``n + 1`` inside one transaction, so a migration either
happens completely or not at all. ``PRAGMA application_id`` marks the file as a
console cache, so another program's SQLite database is never migrated.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from console.contract import POWER_FIELDS

APPLICATION_ID = 0x48554243  # "HUBC"
FRAME_TABLES = ("rack_raw", "rack_1m", "rack_15m")
"""Rack telemetry tiers: raw polls, 1-minute and 15-minute rollups."""
POWER_TABLES = ("power", "power_15m")


class CacheError(Exception):
    """The cache cannot be used as asked; ``str(err)`` says why in one line."""


def _frame_table(name: str) -> str:
    return f"""
        CREATE TABLE {name} (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time REAL NOT NULL,
            topology_id INTEGER NOT NULL REFERENCES topologies(id),
            key_id INTEGER NOT NULL,
            fields TEXT NOT NULL,
            count INTEGER NOT NULL DEFAULT 1,
            received REAL,
            extra TEXT,
            data BLOB NOT NULL
        );
        CREATE INDEX {name}_time ON {name}(time);
        CREATE INDEX {name}_key ON {name}(key_id);
    """


def _power_table(name: str) -> str:
    columns = ",\n".join(f"            {f} REAL" for f in POWER_FIELDS)
    return f"""
        CREATE TABLE {name} (
            t REAL PRIMARY KEY,
{columns}
        ) WITHOUT ROWID;
    """


def _v0_to_v1(conn: sqlite3.Connection) -> None:
    """Telemetry: topology, rack frames, power, unhealthy GPUs, jobs, events, meta."""
    script = f"""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
        CREATE TABLE topologies (
            id INTEGER PRIMARY KEY,
            time REAL NOT NULL,
            hash TEXT NOT NULL,
            n_racks INTEGER NOT NULL,
            data BLOB NOT NULL
        );
        CREATE INDEX topologies_time ON topologies(time);
        {"".join(_frame_table(t) for t in FRAME_TABLES)}
        {"".join(_power_table(t) for t in POWER_TABLES)}
        CREATE TABLE unhealthy (
            id INTEGER PRIMARY KEY,
            time REAL NOT NULL,
            last_seen REAL NOT NULL,
            received REAL,
            hash TEXT NOT NULL,
            status_hash TEXT NOT NULL,
            n_gpus INTEGER NOT NULL,
            data BLOB NOT NULL
        );
        CREATE INDEX unhealthy_time ON unhealthy(time);
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time REAL NOT NULL,
            last_seen REAL NOT NULL,
            received REAL,
            key_id INTEGER NOT NULL,
            n_jobs INTEGER NOT NULL,
            data BLOB NOT NULL
        );
        CREATE INDEX jobs_time ON jobs(time);
        CREATE INDEX jobs_key ON jobs(key_id);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            time REAL NOT NULL,
            kind TEXT,
            severity TEXT,
            rack TEXT,
            message TEXT,
            data TEXT NOT NULL
        );
        CREATE INDEX events_time ON events(time);
    """
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    """Alarm journal, incidents and the windows kept at full resolution."""
    script = """
        CREATE TABLE alarm_journal (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time REAL NOT NULL,
            alarm_id TEXT NOT NULL,
            source TEXT,
            rack TEXT,
            priority TEXT,
            state_from TEXT,
            state_to TEXT,
            operator TEXT,
            comment TEXT,
            message TEXT
        );
        CREATE INDEX alarm_journal_time ON alarm_journal(time);
        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            start REAL NOT NULL,
            "end" REAL,
            title TEXT NOT NULL DEFAULT '',
            racks TEXT NOT NULL DEFAULT '[]',
            gpus TEXT NOT NULL DEFAULT '[]',
            jobs TEXT NOT NULL DEFAULT '[]',
            alarm_ids TEXT NOT NULL DEFAULT '[]',
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX incidents_start ON incidents(start);
        CREATE TABLE full_resolution (
            id INTEGER PRIMARY KEY,
            start REAL NOT NULL,
            "end" REAL NOT NULL,
            reason TEXT NOT NULL DEFAULT ''
        );
    """
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _v2_to_v3(conn: sqlite3.Connection) -> None:
    """Job-queue keyframes are written in the columnar form of ``console.cache.jobframe``
    and deltas carry changed jobs as columns. No table changes: rows written before
    stay readable, while a console that only knows v2 refuses the file instead of
    misreading the new rows as damage."""


def _v3_to_v4(conn: sqlite3.Connection) -> None:
    """Alarm journal rows keep a shelf's or planned shelf's end (``until``) and the alarm's
    racks, GPUs and area (``detail``, JSON), so a restarted console resumes every alarm,
    shelf and plan from the journal instead of raising them again."""
    conn.execute("ALTER TABLE alarm_journal ADD COLUMN until REAL")
    conn.execute("ALTER TABLE alarm_journal ADD COLUMN detail TEXT")


def _v4_to_v5(conn: sqlite3.Connection) -> None:
    """The maintenance list's history (``console.cache.maint``): a new table only, so a
    v4 file still reads as it is (with no maintenance list recorded)."""
    from console.cache import maint

    maint.create(conn)


def _v5_to_v6(conn: sqlite3.Connection) -> None:
    """Why a power flow has no values (``PowerSeries.missing``: "not metered: no solar meter
    configured"), one row per change (``console.cache.docs.write_power_missing``): a new
    table only, so a v5 file still reads as it is (flows without a reason)."""
    from console.cache import docs

    docs.create_power_missing(conn)


def _v6_to_v7(conn: sqlite3.Connection) -> None:
    """Recording gaps (``console.cache.records.GAPS``): spans the live console polled but
    could not record (cache locked, disk full), so review tells "not recorded" from "no
    data". A new table only: a v6 file still reads as it is (no gaps recorded)."""
    from console.cache import records

    records.create_gaps(conn)


def _v7_to_v8(conn: sqlite3.Connection) -> None:
    """Events unique by (hub lifetime, hub id), no longer by the hub's id alone: a hub
    numbers its events from 1 again when it restarts, and the new lifetime's events were
    taken for ones already stored. ``id`` becomes the cache's own order of arrival;
    events of earlier versions keep their rows under the lifetime ``''``. Reads use only
    columns both layouts have (``time``, ``id``, ``data``), so a v7 file reads as it is."""
    script = """
        CREATE TABLE events_v8 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            lifetime TEXT NOT NULL DEFAULT '',
            hub_id INTEGER NOT NULL,
            time REAL NOT NULL,
            kind TEXT,
            severity TEXT,
            rack TEXT,
            message TEXT,
            data TEXT NOT NULL
        );
        INSERT INTO events_v8 (id, lifetime, hub_id, time, kind, severity, rack, message, data)
            SELECT id, '', id, time, kind, severity, rack, message, data FROM events ORDER BY id;
        DROP TABLE events;
        ALTER TABLE events_v8 RENAME TO events;
        CREATE INDEX events_time ON events(time);
        CREATE UNIQUE INDEX events_key ON events(lifetime, hub_id);
    """
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _v8_to_v9(conn: sqlite3.Connection) -> None:
    """The shift log (``console.cache.logbook``): the console's copy of the hub's log, by
    the entries' uids, and the outbox of entries and clears waiting for the hub. New tables
    only: a v8 file still reads as it is (no shift log recorded)."""
    from console.cache import logbook

    logbook.create(conn)


def _v9_to_v10(conn: sqlite3.Connection) -> None:
    """Site power at full resolution in blocks (``console.cache.powerblock``): up to an
    hour of samples a row, columnar, delta-coded at a fixed resolution per unit and
    compressed, in place of one row per sample (under a twentieth of the bytes). The
    rows of ``power`` move into ``power_blocks`` and the old table goes. Reads of a file
    left at an older version answer from the old table, so it still reviews as it is."""
    from console.cache import powerblock

    powerblock.migrate_rows(conn)


def _v10_to_v11(conn: sqlite3.Connection) -> None:
    """The forecasts the console was given (``console.cache.forecasts``), kept as made so
    review shows what was forecast at the time. New tables only: a v10 file still reads as
    it is (no forecast recorded)."""
    from console.cache import forecasts

    forecasts.create(conn)


def _v11_to_v12(conn: sqlite3.Connection) -> None:
    """The site layout column-packed beside its document (``topologies.layout``,
    :mod:`console.cache.layout`): the floor as last recorded is read before the live
    window's first frame in a fraction of the document's time. Every stored layout is
    packed now (one that does not decode keeps none: its document is read as before); a
    v11 file still reads as it is (its documents)."""
    from console.cache.codec import unpack_json
    from console.cache.layout import pack_layout
    from console.decode import decode_site

    conn.execute("ALTER TABLE topologies ADD COLUMN layout BLOB")
    for topology_id, data in conn.execute("SELECT id, data FROM topologies").fetchall():
        try:
            payload = unpack_json(data)
            packed = pack_layout(decode_site(payload, received=float(payload.get("time", 0.0))))
        except (ValueError, TypeError, AttributeError):
            continue  # a damaged document: read (and refused) as before
        conn.execute("UPDATE topologies SET layout = ? WHERE id = ?", (packed, topology_id))


def _v12_to_v13(conn: sqlite3.Connection) -> None:
    """Job keyframes written column by column, each compressed on its own
    (:mod:`console.cache.jobframe`): a review's jump decompresses the few columns it shows,
    not the whole queue. Nothing to change: the keyframes stored before stay in their one
    zlib stream, read as they are; the version tells an older console that a file holds
    keyframes it cannot read."""


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _v0_to_v1,
    _v1_to_v2,
    _v2_to_v3,
    _v3_to_v4,
    _v4_to_v5,
    _v5_to_v6,
    _v6_to_v7,
    _v7_to_v8,
    _v8_to_v9,
    _v9_to_v10,
    _v10_to_v11,
    _v11_to_v12,
    _v12_to_v13,
]
"""``MIGRATIONS[n]`` migrates a file from schema version n to n + 1."""
SCHEMA_VERSION = len(MIGRATIONS)
READS_FROM = 2
"""The oldest version read as it is (review opens it without a migrated copy):
later versions only changed how new rows are written, added columns reads do without,
or added tables reads treat as empty (the maintenance list, v5; the reasons of power flows
without values, v6; recording gaps, v7; events keyed by hub lifetime, v8, read through the
columns every version has; the shift log's copy and outbox, v9; site power in blocks,
v10, whose reads answer from the one-row-a-sample table of an older file; the forecasts,
v11; the site layout column-packed, v12, read from its document in an older file; job
keyframes column by column, v13, an older file's read in their one stream)."""


def user_version(conn: sqlite3.Connection) -> int:
    """The file's schema version (0 for a new, empty file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the file up to ``target``, one transaction per step; returns the old version.

    ``conn`` must be in autocommit mode (``isolation_level=None``).
    """
    old = user_version(conn)
    if old > target:
        raise CacheError(newer_message(old))
    if old == 0:
        # auto_vacuum must precede the first table: lets retention hand pages back.
        conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for version in range(old, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return old


def newer_message(version: int) -> str:
    """The refusal for a file written by a newer console."""
    return (
        f"cache file was written by a newer version (schema {version}, "
        f"this console reads up to {SCHEMA_VERSION})"
    )
