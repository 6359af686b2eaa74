"""The local history cache: one SQLite file, one transaction per poll.

:class:`Cache` is Qt-free. The poller's worker thread writes through it; offline
review opens the same file separately with ``readonly=True``. Every failure of the
file (locked, read-only, full disk, corrupt) becomes a :class:`CacheError`; after
a failed write the cache sets :attr:`Cache.failed` and skips writes until
:meth:`Cache.retry`, so the live console keeps running without it.
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
import threading
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import sqlite_utils

from console.cache import codec, docs, files, frames, maint, records, rollup
from console.cache.reads import CacheReads
from console.cache.rollup import RetentionPolicy
from console.cache.schema import READS_FROM, SCHEMA_VERSION, CacheError, migrate
from console.model import (
    EventBatch,
    JobsSnapshot,
    PowerSeries,
    RackTelemetry,
    SiteTopology,
    Snapshot,
    UnhealthyGpus,
)

log = logging.getLogger(__name__)

GIB = 1024**3


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


def safe_url(url: str) -> str:
    """A source URL with user, password, query and fragment removed (never a secret)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return parts._replace(netloc=host, query="", fragment="").geturl()


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
    ) -> None:
        super().__init__()
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.path = path
        self.readonly = readonly
        self.max_bytes = int(max_bytes)
        self.retention = retention
        self.failed: str | None = None
        """Why the last write failed (a banner's text); None while the cache works."""
        self.migrated_from: int | None = None
        """The file's old schema version when it was migrated on opening."""
        self._copy = reviewed_copy
        self._writer_lock: files.WriterLock | None = None
        self._lock = threading.RLock()
        # A cache dropped without close() still closes its file (no leaked handle).
        self._closer = weakref.finalize(self, _release, conn, reviewed_copy)
        self._writer: dict[str, frames.WriterState | None] = {}
        self._reload_state()

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
    ) -> Cache:
        """Open (or create) a cache file.

        ``readonly=True`` is for review: the file is never written; a schema older
        than ``READS_FROM`` is migrated on a temporary copy. Raises :class:`CacheError` for a file that is not
        a cache, corrupt or truncated, from a newer console, or locked.
        """
        target = files.default_path() if path is None else Path(path).expanduser()
        policy = retention or RetentionPolicy()
        exists = target.exists() and target.stat().st_size > 0
        if readonly and not exists:
            what = "empty cache file" if target.exists() else "no cache file"
            raise CacheError(f"{what} at {target}")
        version = files.probe(target, busy_timeout_s) if exists else 0
        if readonly:
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
        lock = files.WriterLock(target)
        lock.acquire()
        try:
            cache = cls._open_rw(target, exists, version, busy_timeout_s, max_bytes, policy)
        except BaseException:
            lock.release()
            raise
        cache._writer_lock = lock
        return cache

    @classmethod
    def _open_rw(
        cls,
        target: Path,
        exists: bool,
        version: int,
        busy_timeout_s: float,
        max_bytes: int,
        policy: RetentionPolicy,
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
        cache = cls._wrap(conn, target, readonly=False, max_bytes=max_bytes, retention=policy)
        cache.migrated_from = old if 0 < old < SCHEMA_VERSION else None
        return cache

    @classmethod
    def _wrap(cls, conn: sqlite3.Connection, path: Path, **options: Any) -> Cache:
        try:
            return cls(conn, path, **options)
        except sqlite3.Error as exc:
            conn.close()
            raise files.describe(exc, path) from None

    def close(self) -> None:
        """Close the file (and drop a migrated review copy)."""
        with self._lock:
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
        """Writer bookkeeping from the file (after opening or a rolled-back write)."""
        self._writer.clear()
        self._topology_obj: SiteTopology | None = None
        self._topology_id, self._topology_hash, self._topology_n = self._last_topology()
        self._power_last: float | None = self._scalar("SELECT max(t) FROM power")
        self._power_missing = docs.last_power_missing(self.conn)
        self._unhealthy_last = self._last_doc("unhealthy", "status_hash")
        self._jobs_state: docs.JobsState | None = None  # the next jobs row is a keyframe
        self._raw_last: float | None = frames.last_time(self.conn, "rack_raw")

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
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        err = exc if isinstance(exc, CacheError) else files.describe(exc, self.path)
        self.failed = str(err)
        try:
            self._reload_state()
        except sqlite3.Error:
            self._writer.clear()
        log.warning("cache write failed: %s", err)
        return err

    def retry(self) -> None:
        """Clear :attr:`failed` after checking the file takes writes again (CacheError if not)."""
        self._check_writable()
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                self.conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_retry', datetime())"
                )
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise self._fail(exc) from None
            self.failed = None
            self._reload_state()  # every series starts again with a keyframe

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

    # -- writing polls ---------------------------------------------------------------
    def set_source(self, url: str) -> None:
        """Record the source's display URL (credentials and query stripped) in meta."""
        self._check_writable()
        with self._lock:
            if self.failed is None:
                self._transaction(self._put_meta, {"source": safe_url(url)})

    def _put_meta(self, values: Mapping[str, str]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items())
        )

    def write_poll(
        self, snapshots: Sequence[Snapshot], *, topology: SiteTopology | None = None
    ) -> None:
        """Store one poll's snapshots in one transaction (a reader never sees half a poll).

        Raises CacheError on the failure that sets :attr:`failed`; while it is set,
        writes are skipped silently until :meth:`retry`. ValueError for telemetry that
        does not fit the topology (nothing is written then).
        """
        self._check_writable()
        with self._lock:
            if self.failed is not None:
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
            self._transaction(self._write_all, snapshots, topo, racks, states)
            self._writer = states

    def _write_all(
        self,
        snapshots: Sequence[Snapshot],
        topo: SiteTopology | None,
        racks: list[RackTelemetry],
        states: dict[str, frames.WriterState | None],
    ) -> None:
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
                self._power_last = docs.write_power(self.conn, self._power_last, snap)
            elif isinstance(snap, UnhealthyGpus):
                self._write_unhealthy(snap)
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
                "INSERT INTO topologies (time, hash, n_racks, data) VALUES (?, ?, ?, ?)",
                (topo.time, digest, topo.n_racks, codec.pack_json(payload)),
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
    def append_journal(self, entries: Sequence[Mapping[str, Any]]) -> None:
        """Append alarm transitions (time, alarm_id, source, rack, priority, state_from,
        state_to, operator, comment, message) to the alarm journal."""
        self._check_writable()
        with self._lock:
            self._transaction(records.append_journal, self.conn, entries)

    def save_incident(self, incident: Mapping[str, Any]) -> int:
        """Store an incident (start, end, title, racks, gpus, jobs, alarm_ids, note); its id."""
        self._check_writable()
        with self._lock:
            return int(self._transaction(records.save_incident, self.conn, incident))

    def update_incident(self, incident_id: int, **fields: Any) -> None:
        """Change fields of a stored incident (end, note, racks, ...)."""
        self._check_writable()
        with self._lock:
            self._transaction(records.update_incident, self.conn, incident_id, fields)

    def write_maintenance(self, time: float, changed: Sequence[Any], gone: Sequence[str], *,
                          complete: bool = False) -> None:
        """Record the maintenance list's changes at ``time`` (hub time): items that appeared
        or changed, devices that left; ``complete`` closes every other listed item
        (:class:`console.maintenance.MaintenanceStore`). CacheError while the cache has
        failed (so the tracker writes a complete list once it works again)."""
        self._check_writable()
        with self._lock:
            if self.failed is not None:
                raise CacheError(self.failed)
            self._transaction(maint.write, self.conn, time, changed, gone, complete)

    def mark_full_resolution(self, start: float, end: float, reason: str = "incident") -> None:
        """Keep raw polls between ``start`` and ``end`` through rollup, retention and the cap."""
        self._check_writable()
        with self._lock:
            self._transaction(
                lambda: self.conn.execute(
                    'INSERT INTO full_resolution (start, "end", reason) VALUES (?, ?, ?)',
                    (float(start), float(end), reason),
                )
            )

    # -- rollup and retention --------------------------------------------------------
    def maintain(self, now: float | None = None) -> dict[str, float]:
        """Roll up, apply retention and the size cap (call every few minutes; cheap).

        ``now`` is the source's clock (defaults to the newest poll). Returns counts.
        """
        self._check_writable()
        with self._lock:
            if self.failed is not None:
                return {}
            try:
                stats = rollup.maintain(self, now)
            except sqlite3.Error as exc:
                raise self._fail(exc) from None
            if stats.get("deleted"):
                self._drop_broken_chains()
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
