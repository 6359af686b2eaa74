"""The hub side's shift log: one SQLite file (WAL), written by the hub's request threads.

Every write (an entry added, an entry cleared) takes the next value of one counter, the
log's revision, and stamps the entry with it (``rev``): a client that read up to revision
N asks for the entries changed since N and gets new entries and the clears of entries it
already had. A write is one ``BEGIN IMMEDIATE`` transaction, so two hubs (or two
processes) on one file never hand out one revision twice.

Adding is idempotent on the writer's ``uid``: the same entry sent again (a retry whose
answer was lost) gets the entry already kept, never a second one.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from console.contract import LOG_PAGE_ENTRIES
from console.shiftlog.files import (  # noqa: F401 - the store's file rules, named here too
    APP_NAME,
    APPLICATION_ID,
    SCHEMA_VERSION,
    SIM_LOG_FILE,
    LogStoreError,
    default_log_path,
    default_sim_log_path,
    schema_version,
)
from console.shiftlog.model import (
    LogConflict,
    LogEntry,
    LogError,
    LogNotFound,
    NewEntry,
    already_cleared,
    validate_name,
    validate_uid,
)

_COLUMNS = ("id, uid, rev, time, author, category, text, links, open, cleared_by, "
            "cleared_at")


def _entry(row: Sequence[Any]) -> LogEntry:
    links = tuple((str(k), str(r)) for k, r in json.loads(row[7] or "[]"))
    return LogEntry(
        id=int(row[0]), uid=str(row[1]), rev=int(row[2]), time=float(row[3]),
        author=str(row[4]), category=str(row[5]), text=str(row[6]), links=links,
        open=bool(row[8]), cleared_by=None if row[9] is None else str(row[9]),
        cleared_at=None if row[10] is None else float(row[10]),
    )


class LogStore:
    """The shift log in the SQLite file at ``path`` (created when absent).

    ``clock`` gives the hub's time (epoch seconds) that entries and clears are stamped
    with. Thread-safe: one connection behind a lock. :class:`LogStoreError` when the file
    is not a shift-log file, is from a newer version, or cannot be opened.
    """

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time,
                 busy_timeout_s: float = 5.0) -> None:
        self.path = Path(path)
        self.clock = clock
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=busy_timeout_s,
                                   isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise LogStoreError(f"cannot open the shift log {self.path}: {exc}") from None
        self.conn = conn
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            # imported here: a hub serves without its log until the log is first used, and
            # sqlite-utils is a tenth of a second of the hub's start
            import sqlite_utils

            self.db = sqlite_utils.Database(conn)
            self._migrate()
            self.db.enable_wal()
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            conn.close()
            raise LogStoreError(f"cannot use the shift log {self.path}: {exc}") from None
        except LogStoreError:
            conn.close()
            raise

    def _migrate(self) -> None:
        conn = self.conn
        version = schema_version(conn, self.path)
        if version == SCHEMA_VERSION:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(
                """CREATE TABLE entries (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    uid TEXT NOT NULL UNIQUE,
                    rev INTEGER NOT NULL,
                    time REAL NOT NULL,
                    author TEXT NOT NULL,
                    category TEXT NOT NULL,
                    text TEXT NOT NULL,
                    links TEXT NOT NULL DEFAULT '[]',
                    open INTEGER NOT NULL DEFAULT 0,
                    cleared_by TEXT,
                    cleared_at REAL
                )"""
            )
            conn.execute("CREATE INDEX entries_rev ON entries(rev)")
            conn.execute("CREATE INDEX entries_time ON entries(time)")
            conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID")
            conn.execute("INSERT INTO meta (key, value) VALUES ('rev', '0')")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    # -- reads ----------------------------------------------------------------------------
    @property
    def rev(self) -> int:
        """The log's revision: the number of writes it has taken."""
        with self._lock:
            return self._rev()

    def _rev(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'rev'").fetchone()
        return int(row[0]) if row else 0

    updated = rev

    def get(self, ref: int | str) -> LogEntry | None:
        """The entry of hub id ``ref`` (an int or its digits) or of uid ``ref``; None."""
        with self._lock:
            return self._get(ref)

    def _get(self, ref: int | str) -> LogEntry | None:
        if isinstance(ref, int) or (ref.isascii() and ref.isdigit()):
            where, key = "id = ?", int(ref)  # type: tuple[str, Any]
        else:
            try:
                where, key = "uid = ?", validate_uid(ref)
            except LogError:
                return None
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM entries WHERE {where}",
                                (key,)).fetchone()
        return None if row is None else _entry(row)

    def changes(
        self,
        since_rev: int = 0,
        *,
        open_only: bool = False,
        start: float | None = None,
        end: float | None = None,
        limit: int = LOG_PAGE_ENTRIES,
    ) -> tuple[list[LogEntry], int, bool]:
        """``(entries, rev, more)``: entries written or cleared after revision ``since_rev``
        (oldest change first, at most ``limit``); ``rev`` is where the next read starts
        (the log's revision when ``more`` is False). ``open_only``: open items not cleared;
        ``start``/``end``: entries written in that span (epoch seconds, both included)."""
        where, params = ["rev > ?"], [int(since_rev)]  # type: list[str], list[Any]
        if open_only:
            where.append("open = 1 AND cleared_at IS NULL")
        if start is not None:
            where.append("time >= ?")
            params.append(float(start))
        if end is not None:
            where.append("time <= ?")
            params.append(float(end))
        limit = max(1, int(limit))
        with self._lock:
            self.conn.execute("BEGIN")  # the entries and the revision of one moment
            try:
                rows = self.conn.execute(
                    f"SELECT {_COLUMNS} FROM entries WHERE {' AND '.join(where)} "
                    "ORDER BY rev LIMIT ?", (*params, limit + 1),
                ).fetchall()
                rev = self._rev()
            finally:
                self.conn.execute("COMMIT")
        more = len(rows) > limit
        entries = [_entry(r) for r in rows[:limit]]
        return entries, (entries[-1].rev if more else rev), more

    def list(
        self,
        since_rev: int = 0,
        open_only: bool = False,
        start: float | None = None,
        end: float | None = None,
    ) -> list[LogEntry]:
        """Every entry of :meth:`changes` (all pages), oldest change first."""
        out: list[LogEntry] = []
        while True:
            entries, since_rev, more = self.changes(since_rev, open_only=open_only,
                                                    start=start, end=end)
            out += entries
            if not more:
                return out

    def changed_since(self, rev: int) -> builtins.list[LogEntry]:
        """Entries written or cleared after revision ``rev``."""
        return self.list(since_rev=rev)

    # -- writes ---------------------------------------------------------------------------
    def _write(self, work: Callable[[], Any]) -> Any:
        conn = self.conn
        with self._lock:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise LogStoreError(f"shift log {self.path} takes no writes: {exc}") from None
            try:
                result = work()
                conn.execute("COMMIT")
                return result
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise LogStoreError(f"shift log {self.path} takes no writes: {exc}") from None
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def _next_rev(self) -> int:
        rev = self._rev() + 1
        self.conn.execute("UPDATE meta SET value = ? WHERE key = 'rev'", (str(rev),))
        return rev

    def add(self, entry: NewEntry, uid: str) -> tuple[LogEntry, bool]:
        """Keep a checked entry (:func:`~console.shiftlog.model.validate_new`) under the
        writer's ``uid``: ``(entry, True)``; the entry kept before under that uid and
        False when it came before (nothing written)."""
        uid = validate_uid(uid)

        def work() -> tuple[LogEntry, bool]:
            kept = self._get(uid)
            if kept is not None:
                return kept, False
            rev = self._next_rev()
            links = json.dumps([list(link) for link in entry.links], separators=(",", ":"))
            cursor = self.conn.execute(
                "INSERT INTO entries (uid, rev, time, author, category, text, links, open) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (uid, rev, float(self.clock()), entry.author, entry.category, entry.text,
                 links, int(entry.open)),
            )
            made = self._get(int(cursor.lastrowid or 0))
            assert made is not None
            return made, True

        result: tuple[LogEntry, bool] = self._write(work)
        return result

    def clear(self, ref: int | str, who: str) -> LogEntry:
        """Clear the open item of id (or uid) ``ref`` in ``who``'s name; the entry as
        cleared. :class:`LogNotFound` for no such entry; :class:`LogConflict` when it was
        cleared already ("entry 12 already cleared by X at HH:MM UTC") or is no open item."""
        who = validate_name(who, "who")

        def work() -> LogEntry:
            kept = self._get(ref)
            if kept is None:
                raise LogNotFound(f"no log entry {str(ref)[:64]!r}")
            if kept.cleared_at is not None:
                raise already_cleared(kept.id, kept.cleared_by or "?", kept.cleared_at)
            if not kept.open:
                raise LogConflict(f"entry {kept.id} is no open item (nothing to clear)")
            rev = self._next_rev()
            self.conn.execute(
                "UPDATE entries SET cleared_by = ?, cleared_at = ?, rev = ? WHERE id = ?",
                (who, max(float(self.clock()), kept.time), rev, kept.id),
            )
            made = self._get(kept.id)
            assert made is not None
            return made

        result: LogEntry = self._write(work)
        return result

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> LogStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
