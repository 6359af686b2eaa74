"""The local history cache: one SQLite file, one transaction per poll.

:class:`Cache` is Qt-free. The poller's worker thread writes through it; offline
review opens the same file separately with ``readonly=True``. Every failure of the
file (locked, read-only, full disk, corrupt) becomes a :class:`CacheError`.

A live cache heals itself. After a failed write it sets :attr:`Cache.failed`, tells
:attr:`Cache.on_health` why, and retries with a short backoff (:class:`Backoff`, at most
``retry_max_s`` apart; a retry is one small transaction) at the next write or
:meth:`Cache.heal`. Meanwhile polls are not recorded (a gap, written to the ``gaps`` table
once recording resumes) and alarm-journal entries, incidents, maintenance-list changes and
incident windows are kept in memory (:class:`console.cache.records.Backlog`, bounded) and
written when the file takes writes again; then ``on_health`` hears that it works again.
:class:`PendingCache` does the same for a cache that could not be opened at all.
"""

from __future__ import annotations

import logging
import math
import shutil
import sqlite3
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from console.cache import (
    codec,
    docs,
    files,
    forecasts,
    frames,
    logbook,
    maint,
    powerblock,
    records,
    rollup,
)
from console.cache.layout import pack_layout
from console.cache.reads import CacheReads
from console.cache.rollup import RetentionPolicy
from console.cache.schema import READS_FROM, SCHEMA_VERSION, CacheError, migrate
from console.forecast import ForecastSnapshot
from console.model import (
    EventBatch,
    JobsSnapshot,
    PowerSeries,
    RackTelemetry,
    SiteTopology,
    Snapshot,
    UnhealthyGpus,
)
from console.shiftlog.model import LogSnapshot
from console.urls import safe_url

if TYPE_CHECKING:  # imported at the first record read or written (not at start-up)
    import sqlite_utils

log = logging.getLogger(__name__)

GIB = 1024**3
FUTURE_TOLERANCE_S = 300.0
"""Rows stamped later than this beyond the workstation's clock when a live cache opens are
dropped (telemetry) or only counted (the audit trail), so a sample once stamped in the
future never makes later polls look old."""
RETRY_FIRST_S = 0.1
"""The first retry of a failed cache comes this long after the failure ..."""
RETRY_MAX_S = 1.0
"""... and later ones twice as late each time, at most this far apart: well inside one rack
poll (2 s), so recording resumes at the first poll after the fault clears."""
RETRY_SLOW_S = 60.0
"""How often a cache that cannot be opened for a reason that does not clear by itself (not a
cache file, corrupt, from a newer console) is tried again."""
RETRY_BUSY_S = 0.02
"""A retry waits this long for another process's lock (a normal write: ``busy_timeout_s``)."""
HEADROOM_PAGES = 64
HEADROOM_BYTES = 4 * 2**20
"""A cache that failed on a full disk is retried once the file can grow this much."""
PROVISIONAL_INCIDENT = 2**40
"""Incident ids handed out before the cache could be opened start here; the opened cache
numbers them as it writes them and maps the provisional ids."""

_FUTURE_DROPPED: tuple[tuple[str, str], ...] = (
    ("rack_raw", "time"), ("rack_1m", "time"), ("rack_15m", "time"),
    ("power_15m", "t"), ("power_missing", "since"), ("unhealthy", "time"), ("jobs", "time"),
    ("events", "time"),
)
"""Time-keyed telemetry tables and their time column: rows in the future are dropped (and
full-resolution power's samples, counted as "power", from its blocks)."""
_FUTURE_KEPT: tuple[tuple[str, str], ...] = (
    ("alarm_journal", "time"), ("incidents", "start"), ("maintenance", "start"),
)
"""The audit trail: rows in the future are kept (never deleted) and only counted."""
_ROLLUP_MARKS = (("rollup:rack_1m", "rack_1m", "time", 60), ("rollup:rack_15m", "rack_15m",
                 "time", 900), ("rollup:power_15m", "power_15m", "t", 0))
_RECORDED = (("rack_raw", "time"), ("unhealthy", "time"), ("jobs", "time"), ("events", "time"))
"""Tables whose newest time is the newest recorded (and full-resolution power's)."""


@dataclass(frozen=True, slots=True)
class CacheHealth:
    """What :attr:`Cache.on_health` hears: ``failed`` says why recording stopped (None: it
    records again); ``polls`` not recorded so far, records ``kept`` in memory (written, when
    ``failed`` is None) and ``dropped`` (beyond the backlog's bound)."""

    failed: str | None
    polls: int = 0
    kept: int = 0
    dropped: int = 0


class Backoff:
    """When to retry: ``first`` after a failure, then twice as long each time, up to ``cap``."""

    def __init__(self, first: float = RETRY_FIRST_S, cap: float = RETRY_MAX_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.first = float(first)
        self.cap = max(float(cap), self.first)
        self.clock = clock
        self.delay = self.first
        self.next = -math.inf

    def start(self) -> None:
        """A fresh failure: the first retry comes ``first`` from now."""
        self.delay = self.first
        self.next = self.clock() + self.first

    def due(self) -> bool:
        return self.clock() >= self.next

    def missed(self) -> None:
        """A retry failed: wait longer (up to ``cap``) before the next."""
        self.delay = min(self.delay * 2, self.cap)
        self.next = self.clock() + self.delay


def _times(snapshots: Sequence[Snapshot]) -> list[float]:
    out = []
    for snap in snapshots:
        t = getattr(snap, "time", None)
        if isinstance(t, int | float) and math.isfinite(t):
            out.append(float(t))
    return out


@dataclass
class Gap:
    """Polls not recorded: ``start`` is the newest poll recorded before (hub clock; None when
    not known), ``first``/``last`` the times of the polls not recorded."""

    reason: str
    start: float | None = None
    first: float | None = None
    last: float | None = None
    polls: int = 0

    def skip(self, snapshots: Sequence[Snapshot]) -> None:
        """One poll (its snapshots) was not recorded."""
        self.polls += 1
        for t in _times(snapshots):
            self.first = t if self.first is None else min(self.first, t)
            self.last = t if self.last is None else max(self.last, t)

    def bounds(self, end: float | None) -> tuple[float, float] | None:
        """``(start, end)`` to record, ``end`` the first poll recorded after (None: the last
        one not recorded); None when no time is known."""
        start = self.start if self.start is not None else self.first
        stop = end if end is not None else self.last
        start = stop if start is None else start
        if start is None or stop is None:
            return None
        return start, max(start, stop)


def topology_payload(topology: SiteTopology) -> dict[str, Any]:
    """The site document a topology was decoded from (what :func:`decode_site` reads)."""
    return {
        "name": topology.name,
        "timezone": topology.timezone,
        "lat": topology.lat,
        "lon": topology.lon,
        "capacity_mw": topology.capacity_mw,
        "scale": topology.scale,
        "time": topology.time,
        "halls": list(topology.halls),
        "rows": list(topology.rows),
        "racks": list(topology.racks),
    }


def _release(conn: sqlite3.Connection, copy: tempfile.TemporaryDirectory | None) -> None:
    """Close the connection, then drop a migrated review copy."""
    conn.close()
    if copy is not None:
        copy.cleanup()


class Cache(CacheReads):
    """History of the site in one SQLite file (see the module docstring).

    Use :meth:`open`; write from one worker thread (a lock guards the connection).
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        readonly: bool,
        max_bytes: int,
        retention: RetentionPolicy,
        reviewed_copy: tempfile.TemporaryDirectory | None = None,
        busy_timeout_s: float = 1.0,
        retry_max_s: float = RETRY_MAX_S,
    ) -> None:
        super().__init__()
        self.conn = conn
        self._db: sqlite_utils.Database | None = None
        self.path = path
        self.readonly = readonly
        self.max_bytes = int(max_bytes)
        self.retention = retention
        self.failed: str | None = None
        """Why the last write failed (a banner's text); None while the cache works."""
        self.on_health: Callable[[CacheHealth], None] | None = None
        """Called (on the thread of the write concerned) when the cache fails, when the
        reason changes and when it works again."""
        self.busy_timeout_s = float(busy_timeout_s)
        self.future_dropped: dict[str, int] = {}
        """Rows stamped in the future found on opening, per table (telemetry ones dropped)."""
        self.migrated_from: int | None = None
        """The file's old schema version when it was migrated on opening."""
        self._copy = reviewed_copy
        self.pages_checked = True
        """Every page of the file was read when it was opened, or since (see :meth:`open`)."""
        self._damaged: str | None = None
        self._writer_lock: files.WriterLock | None = None
        self._lock = threading.RLock()
        # A cache dropped without close() still closes its file (no leaked handle).
        self._closer = weakref.finalize(self, _release, conn, reviewed_copy)
        self._writer: dict[str, frames.WriterState | None] = {}
        self._backoff = Backoff(cap=retry_max_s)
        self._backlog = records.Backlog()
        self._gap: Gap | None = None
        self._future_pending = False
        self._maint_resync = False
        self._alias: dict[int, int] = {}
        self._incident_seq = 0
        self._recorded_last: float | None = None
        self._reload_state()
        if not readonly:
            self._incident_seq = frames.last_id(conn, "incidents")
            self._recorded_last = self._newest_recorded()

    # -- opening ---------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        readonly: bool = False,
        max_bytes: int = 2 * GIB,
        retention: RetentionPolicy | None = None,
        busy_timeout_s: float = 1.0,
        retry_max_s: float = RETRY_MAX_S,
        checked: bool = True,
    ) -> Cache:
        """Open (or create) a cache file.

        ``readonly=True`` is for review: the file is never written; a schema older
        than ``READS_FROM`` is migrated on a temporary copy. Raises :class:`CacheError` for a file that is not
        a cache, corrupt or truncated, from a newer console, or locked. ``busy_timeout_s``:
        how long a write waits for another process's lock; ``retry_max_s``: the longest wait
        between retries of a failed cache. A live cache drops telemetry rows stamped more
        than ``FUTURE_TOLERANCE_S`` ahead of the clock (see :attr:`future_dropped`).
        ``checked=False``: the file's pages are not all checked first (``PRAGMA
        quick_check``: seconds for a full file), only its header and schema. Read-only:
        for a glance at its newest rows (a damaged page read then raises CacheError).
        Live: :attr:`pages_checked` stays False until :meth:`check_pages` (or the caller,
        with :class:`console.cache.files.PageCheck` on a thread of its own, then
        :meth:`damaged`) has read them all; meanwhile a damaged page met by a write fails
        the cache as usual.
        """
        target = files.default_path() if path is None else Path(path).expanduser()
        policy = retention or RetentionPolicy()
        exists = target.exists() and target.stat().st_size > 0
        if readonly and not exists:
            what = "empty cache file" if target.exists() else "no cache file"
            raise CacheError(f"{what} at {target}")
        if readonly:
            version = files.probe(target, busy_timeout_s, whole=checked) if exists else 0
            tmp, source = None, target
            if version < READS_FROM:
                tmp, source = files.migrated_copy(target, busy_timeout_s)
            try:
                conn = files.connect_ro(source, busy_timeout_s)
                cache = cls._wrap(
                    conn,
                    target,
                    readonly=True,
                    max_bytes=max_bytes,
                    retention=policy,
                    reviewed_copy=tmp,
                    busy_timeout_s=busy_timeout_s,
                )
            except BaseException:
                if tmp is not None:
                    tmp.cleanup()
                raise
            cache.migrated_from = version if tmp is not None else None
            return cache
        if not exists:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CacheError(f"cannot create the cache folder {target.parent}: {exc}") from None
        # The writer lock first: while another console writes the file, a retry costs no check.
        lock = files.WriterLock(target)
        lock.acquire()
        try:
            version = files.probe(target, busy_timeout_s, whole=checked) if exists else 0
            cache = cls._open_rw(target, exists, version, busy_timeout_s, max_bytes, policy,
                                 retry_max_s)
        except BaseException:
            lock.release()
            raise
        cache._writer_lock = lock
        cache.pages_checked = checked or not exists
        return cache

    def check_pages(self) -> bool:
        """Read every page of a live file opened with ``checked=False`` (here, on the
        caller's thread; a writer elsewhere goes on meanwhile). False when it is damaged:
        the cache then fails as :meth:`damaged` says."""
        if self.pages_checked:
            return True
        reason = files.PageCheck(self.path, self.busy_timeout_s).run()
        if reason is None:
            self.pages_checked = True
            return True
        self.damaged(reason)
        return False

    def damaged(self, reason: str) -> None:
        """The file's pages were found damaged (``reason``: what the check said): the cache
        fails as on a failed write (a gap, records kept in memory, ``on_health`` told) and
        never writes the file again; retries say the same until a console starts on a file
        that is sound (the damaged one moved aside)."""
        with self._lock:
            self._damaged = reason
            self.pages_checked = True
            self._fail(CacheError(reason))

    @classmethod
    def _open_rw(
        cls,
        target: Path,
        exists: bool,
        version: int,
        busy_timeout_s: float,
        max_bytes: int,
        policy: RetentionPolicy,
        retry_max_s: float = RETRY_MAX_S,
    ) -> Cache:
        conn = files.connect_rw(target, busy_timeout_s, new=not exists)
        try:
            old = migrate(conn)
        except sqlite3.Error as exc:
            conn.close()
            err = files.describe(exc, target)
            if version and "read-only" in str(err):
                raise CacheError(
                    f"cache file is read-only and from an older version (schema {version}); "
                    f"open it for review instead ({target})"
                ) from None
            raise err from None
        except CacheError:
            conn.close()
            raise
        cache = cls._wrap(conn, target, readonly=False, max_bytes=max_bytes, retention=policy,
                          busy_timeout_s=busy_timeout_s, retry_max_s=retry_max_s)
        cache.migrated_from = old if 0 < old < SCHEMA_VERSION else None
        cache._drop_future()
        return cache

    @classmethod
    def _wrap(cls, conn: sqlite3.Connection, path: Path, **options: Any) -> Cache:
        try:
            return cls(conn, path, **options)
        except sqlite3.Error as exc:
            conn.close()
            raise files.describe(exc, path) from None

    def close(self) -> None:
        """Close the file (and drop a migrated review copy).

        A live cache first tries once more to write what it keeps in memory and the gap it
        has not recorded yet; what it still cannot write is named in the log."""
        with self._lock:
            if not self.readonly:
                self._close_out()
            try:
                if not self.readonly and self.failed is None:
                    self.conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
            self._closer()
            self._copy = None
            if self._writer_lock is not None:
                self._writer_lock.release()
                self._writer_lock = None

    def _close_out(self) -> None:
        if not self._closer.alive:
            return
        if self.failed is not None and (self._backlog.rows or self._gap is not None):
            self.heal(force=True)
        gap = self._gap
        if self.failed is None and gap is not None and (gap.polls or self._backlog.dropped):
            try:
                self._transaction(self._write_gap, None)
                self._gap = None
            except CacheError:
                pass
        if self._backlog.rows:
            log.warning("cache closed with %d records not written (%s)", self._backlog.rows,
                        self.failed)

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "readonly" if self.readonly else "read-write"
        return f"Cache({str(self.path)!r}, {mode})"

    # -- small helpers ---------------------------------------------------------------
    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def _reload_state(self) -> None:
        """Writer bookkeeping from the file (after opening or a rolled-back write); rows
        stamped in the future (beyond ``FUTURE_TOLERANCE_S``) never count as the last."""
        horizon = time.time() + FUTURE_TOLERANCE_S
        self._writer.clear()
        self._topology_obj: SiteTopology | None = None
        self._topology_id, self._topology_hash, self._topology_n = self._last_topology()
        self._power_last: float | None = powerblock.last_time(self.conn, horizon)
        self._power_block: powerblock.OpenBlock | None = None  # read at the next write
        self._power_missing = docs.last_power_missing(self.conn)
        self._unhealthy_last = self._last_doc("unhealthy", "status_hash")
        self._jobs_state: docs.JobsState | None = None  # the next jobs row is a keyframe
        self._raw_last: float | None = self._scalar(
            "SELECT max(time) FROM rack_raw WHERE time <= ?", (horizon,))

    def _newest_recorded(self) -> float | None:
        """The newest telemetry time in the file that is not in the future."""
        horizon = time.time() + FUTURE_TOLERANCE_S
        values = [
            self._scalar(f"SELECT max({column}) FROM {table} WHERE {column} <= ?", (horizon,))
            for table, column in _RECORDED
        ]
        values.append(powerblock.last_time(self.conn, horizon))
        found = [float(v) for v in values if v is not None]
        return max(found) if found else None

    def _has_table(self, name: str) -> bool:
        return self._scalar(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ) is not None

    def _last_topology(self) -> tuple[int | None, str | None, int]:
        row = self.conn.execute(
            "SELECT id, hash, n_racks FROM topologies ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return (None, None, 0) if row is None else (int(row[0]), str(row[1]), int(row[2]))

    def _last_doc(self, table: str, hash_column: str) -> tuple[int, str, float] | None:
        row = self.conn.execute(
            f"SELECT id, {hash_column}, time FROM {table} ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]), float(row[2]))

    def _check_writable(self) -> None:
        if self.readonly:
            raise CacheError(f"cache is open read-only for review ({self.path})")

    def _fail(self, exc: BaseException) -> CacheError:
        """Roll back, mark the cache failed (a gap starts, retries are scheduled) and tell
        ``on_health`` when this is news; the CacheError to raise."""
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        err = exc if isinstance(exc, CacheError) else files.describe(exc, self.path)
        reason = str(err)
        fresh, changed = self.failed is None, reason != self.failed
        self.failed = reason
        if fresh:
            self._backoff.start()
            if self._gap is None:  # else recording had not resumed since the last gap
                self._gap = Gap(reason, start=self._recorded_last)
        if self._gap is not None:
            self._gap.reason = reason
        try:
            self._reload_state()
        except sqlite3.Error:
            self._writer.clear()
        if changed:
            log.warning("cache write failed: %s", err)
            self._notify()
        return err

    def health(self) -> CacheHealth:
        """Why the cache does not record (None: it does), polls not recorded so far (the
        open gap), records kept in memory and dropped."""
        return CacheHealth(self.failed, self._gap.polls if self._gap is not None else 0,
                           self._backlog.rows, self._backlog.dropped)

    def _notify(self, health: CacheHealth | None = None) -> None:
        listener = self.on_health
        if listener is None:
            return
        try:
            listener(health or self.health())
        except Exception:  # a listener's bug must not stop recording
            log.exception("cache health listener failed")

    def heal(self, *, force: bool = False) -> bool:
        """Retry a failed cache when the backoff says so (``force``: now): one transaction
        writes what is kept in memory (and drops rows stamped in the future left from
        opening). True when the cache works (again); ``on_health`` hears it."""
        self._check_writable()
        with self._lock:
            if self.failed is None:
                return True
            if not force and not self._backoff.due():
                return False
            try:
                written, lost = self._retry_once()
            except (sqlite3.Error, CacheError) as exc:
                self._fail(exc)
                self._backoff.missed()
                return False
            polls = self._gap.polls if self._gap is not None else 0
            self._backlog.clear()
            self._backlog.dropped += lost
            self._future_pending = False
            self.failed = None
            self._reload_state()  # every series starts again with a keyframe
            log.warning("cache works again: recording resumed (%d polls not recorded, %d "
                        "records kept and written, %d dropped)", polls, written,
                        self._backlog.dropped)
            self._notify(CacheHealth(None, polls, written, self._backlog.dropped))
            return True

    def retry(self) -> None:
        """Retry now (see :meth:`heal`); CacheError when the file still takes no writes."""
        if not self.heal(force=True):
            raise CacheError(self.failed)

    def _retry_once(self) -> tuple[int, int]:
        """The retry's transaction: (rows written, rows that could not be)."""
        conn = self.conn
        if self._damaged is not None:
            raise CacheError(self._damaged)  # never written again
        if files.full(self.failed):
            self._check_room()
        written = lost = 0
        conn.execute(f"PRAGMA busy_timeout = {int(RETRY_BUSY_S * 1000)}")
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if self._future_pending:
                    self._drop_future_rows(time.time() + FUTURE_TOLERANCE_S)
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_retry', datetime())"
                )
                for item in self._backlog:
                    try:
                        self._apply(item)
                        written += item.rows
                    except (KeyError, ValueError, sqlite3.IntegrityError) as exc:
                        log.warning("kept %s record not written: %s", item.kind, exc)
                        lost += item.rows
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
        return written, lost

    def _check_room(self) -> None:
        """CacheError (the same reason) while the file cannot grow by ``HEADROOM_PAGES``."""
        count = int(self._scalar("PRAGMA page_count"))
        limit = int(self._scalar("PRAGMA max_page_count"))
        free = int(self._scalar("PRAGMA freelist_count"))
        try:
            disk = shutil.disk_usage(self.path.parent).free
        except OSError:
            disk = HEADROOM_BYTES
        if limit - count + free < HEADROOM_PAGES or disk < HEADROOM_BYTES:
            raise CacheError(self.failed)

    def _transaction(self, work: Any, *args: Any) -> Any:
        """Run ``work(*args)`` in one write transaction; CacheError (sets :attr:`failed`)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            result = work(*args)
            self.conn.execute("COMMIT")
            return result
        except sqlite3.Error as exc:
            raise self._fail(exc) from None
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self._reload_state()
            raise

    # -- rows stamped in the future ---------------------------------------------------
    def _drop_future(self) -> None:
        """On opening: drop telemetry rows stamped beyond now + ``FUTURE_TOLERANCE_S`` (with
        a log line and :attr:`future_dropped`), so a sample once stamped a year ahead never
        makes later polls look old. On a file that takes no writes now, the cache starts
        failed and drops them at its first successful retry."""
        horizon = time.time() + FUTURE_TOLERANCE_S
        counts: dict[str, int] = {}
        for table, column in (*_FUTURE_DROPPED, *_FUTURE_KEPT):
            if self._has_table(table):
                n = int(self._scalar(f"SELECT count(*) FROM {table} WHERE {column} > ?",
                                     (horizon,)))
                if n:
                    counts[table] = n
        if powerblock.has_blocks(self.conn):
            n = powerblock.count_after(self.conn, horizon)
            if n:
                counts["power"] = n
        self.future_dropped = counts
        dropped = {t: n for t, n in counts.items() if t not in dict(_FUTURE_KEPT)}
        kept = {t: n for t, n in counts.items() if t not in dropped}
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(horizon))
        if kept:
            log.warning("cache %s holds %d audit rows stamped after %s (kept): %s", self.path,
                        sum(kept.values()), stamp, kept)
        if not dropped and not self._future_marks(horizon):
            return
        log.warning("cache %s: dropping %d rows stamped after %s (now + %.0f s): %s",
                    self.path, sum(dropped.values()), stamp, FUTURE_TOLERANCE_S, dropped)
        try:
            self._transaction(self._drop_future_rows, horizon)
        except CacheError:
            self._future_pending = True  # failed now: the first successful retry drops them

    def _future_marks(self, horizon: float) -> list[tuple[str, str, str, int]]:
        out = []
        for key, table, column, width in _ROLLUP_MARKS:
            value = self._scalar("SELECT value FROM meta WHERE key = ?", (key,))
            try:
                if value is not None and float(value) > horizon:
                    out.append((key, table, column, width))
            except ValueError:
                continue
        return out

    def _drop_future_rows(self, horizon: float) -> None:
        """Inside the caller's transaction: telemetry rows after ``horizon`` go, ``last_seen``
        after it comes back to the row's own time, rollup marks after it step back to the
        newest rollup kept (so the polls to come are rolled up)."""
        conn = self.conn
        for table, column in _FUTURE_DROPPED:
            if self._has_table(table):
                conn.execute(f"DELETE FROM {table} WHERE {column} > ?", (horizon,))
        if powerblock.has_blocks(conn):
            powerblock.drop_after(conn, horizon)
        self._power_block = None
        for table in ("unhealthy", "jobs"):
            conn.execute(f"UPDATE {table} SET last_seen = time WHERE last_seen > ?", (horizon,))
        for key, table, column, width in self._future_marks(horizon):
            newest = self._scalar(f"SELECT max({column}) FROM {table}")
            if newest is None:
                conn.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                mark = math.floor(newest / width) * width + width if width else float(newest)
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                             (key, repr(float(mark))))

    # -- what is kept while the cache cannot write ------------------------------------
    def _apply(self, item: records.Kept) -> None:
        """Write one record (inside the caller's transaction)."""
        conn = self.conn
        args = item.args
        if item.kind == "journal":
            records.insert_journal_rows(conn, args[0])
        elif item.kind == "incident":
            records.insert_incident(conn, args[0], args[1])
        elif item.kind == "update":
            incident_id = int(args[0])
            records.update_incident_values(conn, self._alias.get(incident_id, incident_id),
                                           args[1])
        elif item.kind == "maintenance":
            maint.write(conn, *args)
        elif item.kind == "window":
            conn.execute('INSERT INTO full_resolution (start, "end", reason) VALUES (?, ?, ?)',
                         args)
        elif item.kind == "meta":
            self._put_meta(args[0])
        elif item.kind == "log":
            logbook.write(conn, *args)
        else:  # pragma: no cover - every kind is written above
            raise ValueError(f"unknown record kind {item.kind!r}")

    def _record(self, item: records.Kept) -> bool:
        """Write a record now, or keep it for when the cache works again; True if written.
        Errors of the record itself (KeyError, ValueError) are raised."""
        with self._lock:
            if self.failed is None or self.heal():
                try:
                    self._transaction(self._apply, item)
                    return True
                except CacheError:
                    pass  # failed now: kept below
            self._keep(item)
            return False

    def _keep(self, item: records.Kept) -> None:
        self._backlog.add(item.kind, item.args, item.rows)
        if self._backlog.maintenance_dropped:
            self._maint_resync = True

    def _take_over(self, backlog: records.Backlog, gap: Gap, reason: str) -> bool:
        """Adopt what a :class:`PendingCache` kept while this file could not be opened, then
        retry at once; True when it is all written."""
        with self._lock:
            for item in backlog:
                if item.kind == "incident":  # provisional id -> this file's next id
                    self._incident_seq += 1
                    self._alias[int(item.args[0])] = self._incident_seq
                    item = records.Kept("incident", (self._incident_seq, item.args[1]), item.rows)
                self._keep(item)
            self._backlog.dropped += backlog.dropped
            self._maint_resync = self._maint_resync or backlog.maintenance_dropped
            if gap.start is None:
                gap.start = self._recorded_last
            if self._gap is not None:  # this file failed on opening too: one gap
                gap.polls += self._gap.polls
                for t in (self._gap.first, self._gap.last):
                    if t is not None:
                        gap.first = t if gap.first is None else min(gap.first, t)
                        gap.last = t if gap.last is None else max(gap.last, t)
            self._gap = gap
            if self.failed is None:
                self.failed = reason
                self._backoff.start()
            return self.heal(force=True)

    # -- writing polls ---------------------------------------------------------------
    def set_source(self, url: str) -> None:
        """Record the source's display URL (credentials and query stripped) in meta (kept
        for later while the cache cannot write)."""
        self._check_writable()
        self._record(records.Kept("meta", ({"source": safe_url(url)},)))

    def _put_meta(self, values: Mapping[str, str]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items())
        )

    def write_poll(
        self, snapshots: Sequence[Snapshot], *, topology: SiteTopology | None = None
    ) -> None:
        """Store one poll's snapshots in one transaction (a reader never sees half a poll).

        Raises CacheError on the failure that sets :attr:`failed`; while it is set, a
        write first retries when the backoff says so (:meth:`heal`), and is skipped
        silently (a gap) otherwise. The first poll recorded after a gap also records the
        gap. ValueError for telemetry that does not fit the topology (nothing is written
        then).
        """
        self._check_writable()
        with self._lock:
            if self.failed is not None and not self.heal():
                if self._gap is not None:
                    self._gap.skip(snapshots)
                self._keep_log(snapshots)
                return
            topo = topology
            for snap in snapshots:
                if isinstance(snap, SiteTopology):
                    topo = snap
            racks = [s for s in snapshots if isinstance(s, RackTelemetry)]
            n = topo.n_racks if topo is not None else self._topology_n
            for r in racks:
                if topo is None and self._topology_id is None:
                    raise ValueError("rack telemetry cannot be cached before a topology")
                bad = [k for k, v in r.fields.items() if len(v) != n]
                if bad:
                    raise ValueError(f"rack telemetry fields {bad} do not match {n} racks")
            states = dict(self._writer)
            times = _times(snapshots)
            try:
                self._transaction(self._write_all, snapshots, topo, racks, states,
                                  min(times) if times else None)
            except CacheError:
                if self._gap is not None:
                    self._gap.skip(snapshots)
                self._keep_log(snapshots)
                raise
            self._writer = states
            self._gap = None
            self._backlog.dropped = 0
            if times:
                newest = min(max(times), time.time() + FUTURE_TOLERANCE_S)
                if self._recorded_last is None or newest > self._recorded_last:
                    self._recorded_last = newest

    def _keep_log(self, snapshots: Sequence[Snapshot]) -> None:
        """Shift-log entries of a poll not recorded: kept in memory like the journal (the
        client reads each change once, so a poll skipped would lose it from the copy)."""
        for snap in snapshots:
            if isinstance(snap, LogSnapshot) and snap.entries:
                self._keep(records.Kept("log", (snap.entries, snap.received),
                                        len(snap.entries)))

    def _write_gap(self, end: float | None) -> None:
        """Record the open gap, if polls were not recorded or records were dropped (inside
        the caller's transaction)."""
        gap = self._gap
        if gap is None or not (gap.polls or self._backlog.dropped):
            return
        bounds = gap.bounds(end)
        if bounds is not None and records.has_gaps(self.conn):
            records.insert_gap(self.conn, bounds[0], bounds[1], gap.reason, gap.polls,
                               self._backlog.dropped)

    def _write_all(
        self,
        snapshots: Sequence[Snapshot],
        topo: SiteTopology | None,
        racks: list[RackTelemetry],
        states: dict[str, frames.WriterState | None],
        first_time: float | None = None,
    ) -> None:
        self._write_gap(first_time)
        if topo is not None:
            self._write_topology(topo)
        for r in racks:
            self._write_racks(r, states)
        policy = self.retention
        for snap in snapshots:
            if isinstance(snap, PowerSeries):
                self._power_missing = docs.write_power_missing(
                    self.conn, self._power_missing, snap, self._power_last
                )
                self._power_block, self._power_last = powerblock.write(
                    self.conn, self._power_block, self._power_last, snap.t, dict(snap.fields)
                )
            elif isinstance(snap, UnhealthyGpus):
                self._write_unhealthy(snap)
            elif isinstance(snap, LogSnapshot):
                logbook.write(self.conn, snap.entries, snap.received)
            elif isinstance(snap, ForecastSnapshot):
                forecasts.write(self.conn, snap)
            elif isinstance(snap, JobsSnapshot):
                self._jobs_state = docs.write_jobs(
                    self.conn,
                    self._jobs_state,
                    snap,
                    interval_s=policy.jobs_interval_s,
                    keyframe_every=policy.jobs_keyframe_every,
                )
        docs.write_events(self.conn, [s for s in snapshots if isinstance(s, EventBatch)])

    def _write_unhealthy(self, u: UnhealthyGpus) -> None:
        """Store an unhealthy-GPU list (a hook point: tests look inside the transaction)."""
        self._unhealthy_last = docs.write_unhealthy(
            self.conn, self._unhealthy_last, u, self.retention.jobs_interval_s
        )

    def _write_topology(self, topo: SiteTopology) -> None:
        if topo is self._topology_obj:
            return
        payload = topology_payload(topo)
        body = codec.dumps({k: v for k, v in payload.items() if k != "time"})
        digest = docs.digest(body)
        if digest != self._topology_hash:
            cursor = self.conn.execute(
                "INSERT INTO topologies (time, hash, n_racks, data, layout)"
                " VALUES (?, ?, ?, ?, ?)",
                (topo.time, digest, topo.n_racks, codec.pack_json(payload), pack_layout(topo)),
            )
            # Assigned before COMMIT: a failed transaction clears the cache's state (retry).
            self._topology_id, self._topology_hash = int(cursor.lastrowid or 0), digest
            self._topology_n = topo.n_racks
        self._topology_obj = topo

    def _write_racks(self, r: RackTelemetry, states: dict[str, frames.WriterState | None]) -> None:
        state = states.get("rack_raw")
        last = state.time if state is not None else self._raw_last
        if last is not None and r.time <= last:
            return  # the same poll again (the hub did not tick), or an older one: nothing new
        names = tuple(r.fields)
        values = np.stack([np.asarray(r.fields[k], np.float32) for k in names])
        extra: dict[str, Any] = {}
        if r.missing.any():
            extra["missing"] = np.flatnonzero(r.missing).tolist()
        if r.unknown_ids:
            extra["unknown_ids"] = list(r.unknown_ids)
        if r.invalid_values:
            extra["invalid_values"] = int(r.invalid_values)
        assert self._topology_id is not None
        states["rack_raw"] = frames.write_frame(
            self.conn,
            "rack_raw",
            state,
            time=r.time,
            topology_id=self._topology_id,
            fields=names,
            values=values,
            keyframe_every=self.retention.keyframe_every,
            received=r.received,
            extra=extra,
        )

    # -- journal and incidents -------------------------------------------------------
    # These never raise for the file: while it takes no writes they are kept in memory and
    # written by the first successful retry (see the module docstring and ``on_health``).
    def append_journal(self, entries: Sequence[Mapping[str, Any]]) -> None:
        """Append alarm transitions (time, alarm_id, source, rack, priority, state_from,
        state_to, operator, comment, message) to the alarm journal; ValueError on a bad
        entry (nothing is written then)."""
        self._check_writable()
        rows = records.journal_rows(entries)
        if rows:
            self._record(records.Kept("journal", (rows,), len(rows)))

    def save_incident(self, incident: Mapping[str, Any]) -> int:
        """Store an incident (start, end, title, racks, gpus, jobs, alarm_ids, note); its id."""
        self._check_writable()
        values = records.new_incident_values(incident)
        with self._lock:
            self._incident_seq += 1
            incident_id = self._incident_seq
            self._record(records.Kept("incident", (incident_id, values)))
            return incident_id

    def update_incident(self, incident_id: int, **fields: Any) -> None:
        """Change fields of a stored incident (end, note, racks, ...); KeyError when the
        cache works and has no such incident."""
        self._check_writable()
        values = records.incident_values(fields)
        if values:
            with self._lock:
                incident_id = self._alias.get(int(incident_id), int(incident_id))
                self._record(records.Kept("update", (incident_id, values)))

    def write_maintenance(self, time: float, changed: Sequence[Any], gone: Sequence[str], *,
                          complete: bool = False) -> None:
        """Record the maintenance list's changes at ``time`` (hub time): items that appeared
        or changed, devices that left; ``complete`` closes every other listed item
        (:class:`console.maintenance.MaintenanceStore`). Kept in memory while the cache
        cannot write; CacheError (nothing kept) when changes kept earlier had to be dropped,
        until a complete list comes (the tracker then writes one)."""
        self._check_writable()
        with self._lock:
            if complete:
                self._maint_resync = False
                self._backlog.maintenance_dropped = False
            elif self._maint_resync:
                raise CacheError("maintenance list changes were dropped while the cache could "
                                 f"not write; a complete list is needed ({self.path})")
            self._record(records.Kept(
                "maintenance", (float(time), list(changed), list(gone), bool(complete)),
                len(changed) + len(gone) + 1))

    def mark_full_resolution(self, start: float, end: float, reason: str = "incident") -> None:
        """Keep raw polls between ``start`` and ``end`` through rollup, retention and the cap."""
        self._check_writable()
        self._record(records.Kept("window", (float(start), float(end), str(reason))))

    # -- rollup and retention --------------------------------------------------------
    def maintain(self, now: float | None = None) -> dict[str, float]:
        """Roll up, apply retention and the size cap (call every few minutes; cheap).

        ``now`` is the source's clock (defaults to the newest poll). Returns counts.
        """
        self._check_writable()
        with self._lock:
            if self.failed is not None and not self.heal():
                return {}
            try:
                stats = rollup.maintain(
                    self.conn, self.retention, self.max_bytes, self._writer, now
                )
            except sqlite3.Error as exc:
                raise self._fail(exc) from None
            if stats.get("deleted"):
                self._drop_broken_chains()
                self._power_block = None  # its block may be gone: read it again
            return stats

    def _drop_broken_chains(self) -> None:
        """After deletions: a series whose keyframe is gone restarts with a keyframe."""
        for table, state in list(self._writer.items()):
            if state is not None and not self._scalar(
                f"SELECT count(*) FROM {table} WHERE id = ?", (state.key_id,)
            ):
                self._writer[table] = None
        jobs = self._jobs_state
        if jobs is not None and not self._scalar(
            "SELECT count(*) FROM jobs WHERE id = ?", (jobs.key_id,)
        ):
            self._jobs_state = None

    def size_bytes(self) -> int:
        """Bytes the file's pages use (excluding free pages)."""
        with self._lock:
            page = self._scalar("PRAGMA page_size")
            count = self._scalar("PRAGMA page_count")
            free = self._scalar("PRAGMA freelist_count")
            return int(page) * (int(count) - int(free))


class PendingCache:
    """A live cache that could not be opened yet: it opens later, then records.

    ``opener()`` (what first failed, e.g. ``lambda: Cache.open(path)``) is tried again with
    the backoff of a failed write (:data:`RETRY_SLOW_S` apart for a reason that does not
    clear by itself: not a cache, corrupt, newer), at each write and each :meth:`heal`.
    Until then polls are a gap and records are kept in memory, as a failed :class:`Cache`
    keeps them; the opened cache takes them over, writes them and the gap, and from then on
    every call goes to it (:attr:`cache`). ``on_health`` hears as from a Cache.
    """

    readonly = False

    def __init__(self, opener: Callable[[], Cache], reason: str, *,
                 retry_max_s: float = RETRY_MAX_S) -> None:
        self._opener = opener
        self.cache: Cache | None = None
        """The opened cache (None until it could be opened)."""
        self.on_health: Callable[[CacheHealth], None] | None = None
        self._failed = reason
        slow = not files.transient(reason)
        self._backoff = Backoff(cap=RETRY_SLOW_S if slow else retry_max_s)
        self._backoff.start()
        self._backlog = records.Backlog()
        self._gap = Gap(reason)
        self._provisional = PROVISIONAL_INCIDENT
        self._lock = threading.RLock()

    def __getattr__(self, name: str) -> Any:
        # Reads (journal, power, ...) and the rest go to the opened cache; before it is
        # open they do not exist (so ``getattr(cache, "journal", None)`` says None).
        cache = self.__dict__.get("cache")
        if cache is None or name.startswith("_"):
            raise AttributeError(name)
        return getattr(cache, name)

    def __repr__(self) -> str:
        return f"PendingCache({self.cache!r})" if self.cache else f"PendingCache({self._failed!r})"

    @property
    def failed(self) -> str | None:
        """Why nothing is recorded (None once the opened cache works)."""
        return self.cache.failed if self.cache is not None else self._failed

    def health(self) -> CacheHealth:
        """As :meth:`Cache.health` (the opened cache's once it is open)."""
        if self.cache is not None:
            return self.cache.health()
        return CacheHealth(self._failed, self._gap.polls, self._backlog.rows,
                           self._backlog.dropped)

    def _relay(self, health: CacheHealth) -> None:
        listener = self.on_health
        if listener is not None:
            try:
                listener(health)
            except Exception:  # a listener's bug must not stop recording
                log.exception("cache health listener failed")

    def heal(self, *, force: bool = False) -> bool:
        """Try to open the cache when the backoff says so (``force``: now); True once it is
        open and works."""
        with self._lock:
            if self.cache is not None:
                return self.cache.heal(force=force)
            if not force and not self._backoff.due():
                return False
            try:
                cache = self._opener()
            except Exception as exc:
                self._backoff.missed()
                reason = str(exc) or exc.__class__.__name__
                if reason != self._failed:
                    self._failed = self._gap.reason = reason
                    self._relay(self.health())
                return False
            log.warning("cache opened after all (%d polls not recorded meanwhile)",
                        self._gap.polls)
            cache.on_health = self._relay
            self.cache = cache
            return cache._take_over(self._backlog, self._gap, self._failed)

    def retry(self) -> None:
        """Try now; CacheError when the cache still cannot be opened or written."""
        if not self.heal(force=True):
            raise CacheError(self.failed)

    def _open(self) -> Cache | None:
        if self.cache is None:
            self.heal()
        return self.cache

    def write_poll(self, snapshots: Sequence[Snapshot], *,
                   topology: SiteTopology | None = None) -> None:
        """As :meth:`Cache.write_poll`; a gap while the cache cannot be opened."""
        with self._lock:
            cache = self._open()
            if cache is None:
                self._gap.skip(snapshots)
                for snap in snapshots:  # kept, as Cache._keep_log keeps them
                    if isinstance(snap, LogSnapshot) and snap.entries:
                        self._backlog.add("log", (snap.entries, snap.received),
                                          len(snap.entries))
                return
        cache.write_poll(snapshots, topology=topology)

    def append_journal(self, entries: Sequence[Mapping[str, Any]]) -> None:
        rows = records.journal_rows(entries)
        with self._lock:
            cache = self._open()
            if cache is None:
                if rows:
                    self._backlog.add("journal", (rows,), len(rows))
                return
        cache.append_journal(entries)

    def save_incident(self, incident: Mapping[str, Any]) -> int:
        values = records.new_incident_values(incident)
        with self._lock:
            cache = self._open()
            if cache is None:
                self._provisional += 1
                self._backlog.add("incident", (self._provisional, values))
                return self._provisional
        return cache.save_incident(incident)

    def update_incident(self, incident_id: int, **fields: Any) -> None:
        values = records.incident_values(fields)
        with self._lock:
            cache = self._open()
            if cache is None:
                if values:
                    self._backlog.add("update", (int(incident_id), values))
                return
        cache.update_incident(incident_id, **fields)

    def write_maintenance(self, time: float, changed: Sequence[Any], gone: Sequence[str], *,
                          complete: bool = False) -> None:
        with self._lock:
            cache = self._open()
            if cache is None:
                if complete:
                    self._backlog.maintenance_dropped = False
                elif self._backlog.maintenance_dropped:
                    raise CacheError("maintenance list changes were dropped while the cache "
                                     "could not be opened; a complete list is needed")
                self._backlog.add("maintenance",
                                  (float(time), list(changed), list(gone), bool(complete)),
                                  len(changed) + len(gone) + 1)
                return
        cache.write_maintenance(time, changed, gone, complete=complete)

    def mark_full_resolution(self, start: float, end: float, reason: str = "incident") -> None:
        with self._lock:
            cache = self._open()
            if cache is None:
                self._backlog.add("window", (float(start), float(end), str(reason)))
                return
        cache.mark_full_resolution(start, end, reason)

    def set_source(self, url: str) -> None:
        with self._lock:
            cache = self._open()
            if cache is None:
                self._backlog.add("meta", ({"source": safe_url(url)},))
                return
        cache.set_source(url)

    def maintain(self, now: float | None = None) -> dict[str, float]:
        with self._lock:
            cache = self._open()
        return {} if cache is None else cache.maintain(now)

    def close(self) -> None:
        """Close the opened cache; name in the log what was kept and never written."""
        with self._lock:
            if self.cache is not None:
                self.cache.close()
            elif self._backlog.rows:
                log.warning("cache never opened: %d records not written (%s)",
                            self._backlog.rows, self._failed)

    def __enter__(self) -> PendingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
