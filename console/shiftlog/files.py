"""The shift log's file: where it is kept and whether a file can be one, with the standard
library only (and platformdirs). A hub checks its log file with :func:`check_log_file` before
it listens; the store (:mod:`console.shiftlog.store`, with sqlite-utils and the log's model)
is loaded when the log is first used.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import platformdirs

APPLICATION_ID = 0x4855424C  # "HUBL"
SCHEMA_VERSION = 1
APP_NAME = "hub-ops-console"
SIM_LOG_FILE = "shiftlog-sim.sqlite"


def default_log_path() -> Path:
    """A hub's shift log (``main.py hub --log-only``): ``shiftlog.sqlite`` in the user's
    data folder."""
    return Path(platformdirs.user_data_dir(APP_NAME)) / "shiftlog.sqlite"


def default_sim_log_path() -> Path:
    """The simulated hub's shift log: ``shiftlog-sim.sqlite`` in the user's data folder."""
    return Path(platformdirs.user_data_dir(APP_NAME)) / SIM_LOG_FILE


class LogStoreError(Exception):
    """The log file cannot be used (not a log file, newer, locked, unwritable)."""


def schema_version(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version (0: new); :class:`LogStoreError` when it is another
    application's database or from a newer version."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    app = int(conn.execute("PRAGMA application_id").fetchone()[0])
    tables = int(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    if (version or tables) and app != APPLICATION_ID:
        raise LogStoreError(f"{path} is an SQLite database but not a shift log")
    if version > SCHEMA_VERSION:
        raise LogStoreError(f"shift log {path} was written by a newer version "
                            f"(schema {version}, this one reads up to {SCHEMA_VERSION})")
    return version


def check_log_file(path: str | Path, busy_timeout_s: float = 5.0) -> None:
    """Whether the file at ``path`` can be the shift log (absent, or a shift log of a
    version this one reads, in a place it can write): :class:`LogStoreError` if not.
    What a hub checks before it listens, with the standard library only; the store
    itself is opened when the log is first used."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=busy_timeout_s, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise LogStoreError(f"cannot open the shift log {path}: {exc}") from None
    try:
        schema_version(conn, path)
        conn.execute("BEGIN IMMEDIATE")  # can write there (a read-only file fails)
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        raise LogStoreError(f"cannot use the shift log {path}: {exc}") from None
    finally:
        conn.close()
