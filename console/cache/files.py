"""Finding, checking and connecting to cache files without ever damaging them.

A file is checked through a read-only connection first (header, schema version,
``PRAGMA quick_check``), so a corrupt, foreign or newer file is refused before
anything could write to it. Review of an older file migrates a copy.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import weakref
from pathlib import Path
from urllib.parse import quote

import platformdirs

if sys.platform == "win32":  # pragma: no cover - Windows
    import msvcrt
else:
    import fcntl

from console.cache.schema import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    CacheError,
    migrate,
    newer_message,
    user_version,
)

APP_NAME = "hub-ops-console"
SQLITE_MAGIC = b"SQLite format 3\x00"


def default_path() -> Path:
    """The cache file in the user's data directory."""
    return Path(platformdirs.user_data_dir(APP_NAME)) / "cache.db"


def describe(exc: BaseException, path: Path | str) -> CacheError:
    """Turn an sqlite3 error into a CacheError an operator can act on."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    text = str(exc)
    low = text.lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in low:
        return CacheError(f"{LOCKED} ({path})")
    if name.startswith("SQLITE_FULL") or "disk is full" in low:
        return CacheError(
            f"{FULL}: the cache cannot grow, history is not being saved ({path})"
        )
    if name.startswith("SQLITE_READONLY") or "readonly" in low or "read-only" in low:
        return CacheError(f"cache file is read-only: history is not being saved ({path})")
    if name.startswith("SQLITE_NOTADB") or "not a database" in low:
        return CacheError(f"{path} is not a cache file (not an SQLite database)")
    if name.startswith("SQLITE_CORRUPT") or "malformed" in low or "corrupt" in low:
        return CacheError(f"{CORRUPT} ({path}): {text}")
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in low:
        return CacheError(f"cannot open the cache file ({path}): {text}")
    if name.startswith("SQLITE_IOERR") or "i/o error" in low:
        return CacheError(f"cannot read or write the cache file ({path}): {text}")
    return CacheError(f"cache error ({path}): {text}")


LOCKED = "cache is locked by another process"
CORRUPT = "cache file is corrupt or truncated"
FULL = "disk is full"
_TRANSIENT = (LOCKED, FULL, "read-only", "cannot open", "cannot create", "cannot read")


def transient(reason: str) -> bool:
    """Whether a cache failure (a :func:`describe` line) may clear by itself (a lock released,
    space freed, permissions fixed), as opposed to a file that is not a cache, corrupt or
    from a newer console, which stays so until someone replaces it."""
    return any(part in reason for part in _TRANSIENT)


def full(reason: str | None) -> bool:
    """Whether a cache failure says the disk (or the file's page limit) is full."""
    return reason is not None and FULL in reason


def _dir_writable(path: Path) -> bool:
    return os.access(path.parent, os.W_OK)


def connect_ro(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    """A read-only connection; CacheError when it cannot be opened."""
    try:
        return _connect_ro(path, busy_timeout_s)
    except sqlite3.Error as exc:
        raise describe(exc, path) from None


def _connect_ro(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    """A read-only connection that leaves no side files behind.

    ``mode=ro`` while another connection has the file open in WAL mode (its ``-wal``
    exists: the newest polls live there); ``immutable=1`` when nothing else writes
    it or its folder is read-only.
    """
    live = Path(f"{path}-wal").exists()
    mode = "ro" if live and _dir_writable(path) else "ro&immutable=1"
    uri = f"file:{quote(str(path.resolve()))}?mode={mode}"
    conn = sqlite3.connect(
        uri, uri=True, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
    return conn


def connect_rw(path: Path, busy_timeout_s: float, *, new: bool = False) -> sqlite3.Connection:
    """A read-write connection in WAL mode with synchronous=NORMAL (``new``: an empty file)."""
    conn = sqlite3.connect(
        str(path), timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        if new:  # only before the first table, and before WAL mode writes the header
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise CacheError(f"cache file cannot use WAL mode (journal mode {mode}) ({path})")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = OFF")
    except sqlite3.Error as exc:
        conn.close()
        raise describe(exc, path) from None
    except CacheError:
        conn.close()
        raise
    return conn


def probe(path: Path, busy_timeout_s: float, whole: bool = True) -> int:
    """Check an existing file without writing to it; return its schema version.

    Raises CacheError for a file that is not SQLite, another program's database,
    a truncated or corrupt file, a newer schema, or a lock held elsewhere. ``whole``:
    every page read (``quick_check``: a third of a second for a 45 MB file, seconds for
    a full one); else the header and the schema only, for a glance at a few rows.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise CacheError(f"cannot read the cache file ({path}): {exc.strerror}") from None
    if not header.startswith(SQLITE_MAGIC):
        raise CacheError(f"{path} is not a cache file (not an SQLite database)")
    if len(header) < 100:
        raise CacheError(f"cache file is truncated ({path})")
    conn = connect_ro(path, busy_timeout_s)
    try:
        version = user_version(conn)
        app = int(conn.execute("PRAGMA application_id").fetchone()[0])
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app != APPLICATION_ID and (version or tables):
            raise CacheError(f"{path} is an SQLite database but not a console cache")
        if version > SCHEMA_VERSION:
            raise CacheError(newer_message(version))
        if whole:
            _check_pages(conn, path)
        return version
    except sqlite3.Error as exc:
        raise describe(exc, path) from None
    finally:
        conn.close()


def _check_pages(conn: sqlite3.Connection, path: Path) -> None:
    """``PRAGMA quick_check`` over every page: CacheError naming what is damaged."""
    problems = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        raise CacheError(f"{CORRUPT} ({path}): {'; '.join(problems)[:300]}")


class PageCheck:
    """Every page of a cache file read (``PRAGMA quick_check``) on a read-only
    connection of its own, while a writer goes on with the file (seconds for a full one):
    what :meth:`probe` does with ``whole``, for a file opened with a glance (see
    :meth:`console.cache.store.Cache.open`). :meth:`cancel` from another thread ends it."""

    def __init__(self, path: Path, busy_timeout_s: float) -> None:
        self.path = path
        self.busy_timeout_s = busy_timeout_s
        self._conn: sqlite3.Connection | None = None
        self._cancelled = False

    def run(self) -> str | None:
        """Why the file is damaged (a banner's text); None when every page reads, or when
        the check could not run to its end (cancelled, locked, gone): a writer finds any
        damage it meets itself."""
        try:
            conn = _connect_ro(self.path, self.busy_timeout_s)
        except sqlite3.Error:
            return None
        self._conn = conn
        try:
            if self._cancelled:
                return None
            _check_pages(conn, self.path)
            return None
        except CacheError as exc:
            return str(exc)
        except sqlite3.Error as exc:
            if self._cancelled or "interrupt" in str(exc).lower():
                return None
            err = describe(exc, self.path)
            return str(err) if CORRUPT in str(err) or "not a cache" in str(err) else None
        finally:
            self._conn = None
            conn.close()

    def cancel(self) -> None:
        """End a check under way (from any thread); :meth:`run` then says None."""
        self._cancelled = True
        conn = self._conn
        if conn is not None:
            try:
                conn.interrupt()
            except sqlite3.Error:  # closed meanwhile
                pass


def migrated_copy(path: Path, busy_timeout_s: float) -> tuple[tempfile.TemporaryDirectory, Path]:
    """Copy ``path`` (consistently, through SQLite) into a temp folder and migrate the copy."""
    tmp = tempfile.TemporaryDirectory(prefix="hub-cache-review-")
    copy = Path(tmp.name) / path.name
    try:
        src = _connect_ro(path, busy_timeout_s)
        dst = sqlite3.connect(str(copy), isolation_level=None)
        try:
            src.backup(dst)
            migrate(dst)
        finally:
            dst.close()
            src.close()
    except sqlite3.Error as exc:
        tmp.cleanup()
        raise describe(exc, path) from None
    except BaseException:
        tmp.cleanup()
        raise
    return tmp, copy


class WriterLock:
    """An advisory lock on ``<cache>-writer.lock``: one live console writes a cache at a time.

    Review (read-only) does not take it. Where the platform has no file locking the
    lock is a no-op. The lock goes with the process (or this object) if never released.
    """

    def __init__(self, path: Path) -> None:
        self.cache_path = path
        self.path = Path(f"{path}-writer.lock")
        self._release: weakref.finalize | None = None

    def acquire(self) -> None:
        """Take the lock or raise CacheError when another process holds it."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return  # a folder we cannot write: SQLite will say so on the first write
        try:
            if sys.platform == "win32":  # pragma: no cover - Windows
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise CacheError(
                f"{LOCKED} (another console writes {self.cache_path})"
            ) from None
        self._release = weakref.finalize(self, os.close, fd)  # closing drops the lock

    def release(self) -> None:
        """Let the next console write the cache."""
        if self._release is not None:
            self._release()
            self._release = None
