"""Reasons power flows have no values, unhealthy-GPU lists, the job queue and events:
writing and reading back (power itself: :mod:`console.cache.powerblock`).

The job queue (thousands of jobs) is stored as a keyframe (every job, in the
columnar form of :mod:`console.cache.jobframe`) followed by JSON deltas (jobs that
changed, ids that left), at most once per ``interval_s``; a read applies the
deltas to the keyframe's arrays. A job's ``gpu_util_pct`` is stored again when it has
moved by :data:`JOB_UTIL_STEP_PCT` or :data:`JOB_UTIL_STEP_SHARE` of the value stored,
whichever is more (and as it is in every keyframe). Unhealthy-GPU lists are stored whole when
their status changes (or at most once per interval when only readings changed).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from console.cache import codec, frames, jobframe
from console.decode import JOB_COLUMNS, id_positions
from console.model import EventBatch, JobsSnapshot, PowerSeries, UnhealthyGpus

_GPU_STATUS_KEYS = ("uuid", "status", "xid", "ecc_dbe", "row_remap_failure")
"""What makes a new unhealthy list at once; readings (temperature, power, throttle
reasons) are refreshed at most once per interval."""
_JOB_NAMES = tuple(name for name, _ in JOB_COLUMNS)
JOB_UTIL_STEP_PCT = 1.0
"""A running job whose only change is its ``gpu_util_pct`` moving less than this (points)
from the value stored is not stored again until the next keyframe: the queue's deltas
hold the jobs whose utilisation moved, not every running job every interval."""
JOB_UTIL_STEP_SHARE = 0.1
"""...nor one moving less than this share of the value stored: a busy job's figure wanders
a few points every minute, and a delta holding every running job again (a keyframe's worth
of jobs in a few minutes, and keyframes the more often) made a day of the full site's
queue 4 to 5 times its size. Idle work is told to a point (5 % is idle by default), busy
work to a tenth."""
KEYFRAMES_KEPT = 6
"""Decoded job-queue keyframes a reader keeps (a few MB each at full scale)."""


def digest(data: bytes) -> str:
    """A short content hash."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


POWER_MISSING = "power_missing"
"""Why power flows have no values, as the source said (``PowerSeries.missing``), one row
per change from ``since`` on (schema 6)."""


def create_power_missing(conn: sqlite3.Connection) -> None:
    """The table of the reasons power flows have no values (schema 5 -> 6)."""
    conn.execute(
        f"CREATE TABLE {POWER_MISSING} (since REAL PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID"
    )


def has_power_missing(conn: sqlite3.Connection) -> bool:
    """Whether the file records the reasons (schema 6 and later)."""
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (POWER_MISSING,)
    ).fetchone() is not None


def last_power_missing(conn: sqlite3.Connection) -> tuple[float, dict[str, str]] | None:
    """The reasons last recorded and since when (None: none recorded, or a v5 file)."""
    if not has_power_missing(conn):
        return None
    row = conn.execute(
        f"SELECT since, data FROM {POWER_MISSING} ORDER BY since DESC LIMIT 1"
    ).fetchone()
    return None if row is None else (float(row[0]), _reasons(row[1]))


def write_power_missing(
    conn: sqlite3.Connection,
    last: tuple[float, dict[str, str]] | None,
    p: PowerSeries,
    after: float | None,
) -> tuple[float, dict[str, str]] | None:
    """Record ``p.missing`` when it differs from the reasons last recorded; returns the new
    last record. The reasons hold from the first point of ``p`` after ``after`` (the last
    power point already stored: points stored before keep the reasons they came with) and
    never from before the last record. A series without points says nothing about the
    flows, and is not recorded."""
    if not len(p.t):
        return last
    reasons = {str(k): str(v) for k, v in (p.missing or {}).items()}
    if (last is None and not reasons) or (last is not None and last[1] == reasons):
        return last
    t = np.asarray(p.t, np.float64)
    new = t if after is None else t[t > after]
    since = float(new[0]) if len(new) else float(t[-1])
    if last is not None:
        since = max(since, float(np.nextafter(last[0], np.inf)))
    conn.execute(
        f"INSERT OR REPLACE INTO {POWER_MISSING} (since, data) VALUES (?, ?)",
        (since, json.dumps(reasons, sort_keys=True, separators=(",", ":"))),
    )
    return since, reasons


def read_power_missing(conn: sqlite3.Connection, t: float) -> dict[str, str]:
    """The reasons in force at ``t`` (empty before the first record and in a v5 file)."""
    if not has_power_missing(conn):
        return {}
    row = conn.execute(
        f"SELECT data FROM {POWER_MISSING} WHERE since <= ? ORDER BY since DESC LIMIT 1",
        (float(t),),
    ).fetchone()
    return {} if row is None else _reasons(row[0])


def _reasons(text: str) -> dict[str, str]:
    try:
        data = json.loads(text)
    except ValueError:
        raise codec.CodecError("power flow reasons are not JSON") from None
    if not isinstance(data, Mapping):
        raise codec.CodecError("power flow reasons are not a JSON object")
    return {str(k): str(v) for k, v in data.items()}


def write_unhealthy(
    conn: sqlite3.Connection,
    last: tuple[int, str, float] | None,
    u: UnhealthyGpus,
    interval_s: float,
) -> tuple[int, str, float] | None:
    """Store the list when its status changed (or readings changed after ``interval_s``)."""
    gpus = [dict(g) for g in u.gpus]
    # Signals not collected (ECC off in dcgm-exporter...) ride along when there are any,
    # so review says them too; a list without them hashes as before.
    extra = {"not_collected": dict(u.not_collected)} if u.not_collected else {}
    status = codec.dumps(
        {"counts": u.counts, "gpus": [{k: g.get(k) for k in _GPU_STATUS_KEYS} for g in gpus]}
        | extra
    )
    status_hash = digest(status)
    due = last is None or u.time - last[2] >= interval_s
    if last is not None and last[1] == status_hash and not due:
        conn.execute(
            "UPDATE unhealthy SET last_seen = max(last_seen, ?) WHERE id = ?", (u.time, last[0])
        )
        return last
    body = codec.dumps({"counts": u.counts, "gpus": gpus} | extra)
    cursor = conn.execute(
        "INSERT INTO unhealthy (time, last_seen, received, hash, status_hash, n_gpus, data) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            u.time,
            u.time,
            u.received,
            digest(body),
            status_hash,
            len(gpus),
            codec.pack_json({"counts": u.counts, "gpus": gpus} | extra),
        ),
    )
    return int(cursor.lastrowid or 0), status_hash, u.time


@dataclass
class JobsState:
    """The job queue as last stored, so the next write can store only what changed."""

    id: int
    key_id: int
    since_key: int
    time: float
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    """The jobs' ids in the stored queue's order."""
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    """Each job's values as stored, by column (in the order of ``ids``)."""
    changed_since_key: int = 0
    """Jobs changed or removed in the deltas since the keyframe (see :data:`DELTA_SHARE`)."""


DELTA_SHARE = 0.5
"""A chain of deltas ends (the next write is a keyframe) once its deltas together would
change more jobs than this share of the queue: reading a queue back then costs at most a
keyframe and about half a queue of changes, however slowly the queue was recorded (a
live console's 10 s polls change a few dozen jobs each, a chain reaches its
``keyframe_every`` first; a cache recorded every 10 minutes changes thousands)."""
DELTA_MIN_JOBS = 200
"""...but never before the deltas change this many jobs (a small queue's few changes are
read at once whatever their share)."""


def write_jobs(
    conn: sqlite3.Connection,
    state: JobsState | None,
    j: JobsSnapshot,
    *,
    interval_s: float,
    keyframe_every: int,
) -> JobsState | None:
    """Store the queue (keyframe or delta) if ``interval_s`` has passed; the new state.

    The queue is compared with the one stored column by column (numpy), not job by job:
    only the jobs that changed are made into JSON rows."""
    if state is not None and j.time - state.time < interval_s:
        return state
    names = [name for name in _JOB_NAMES if name in j.columns]
    if "id" not in names:
        return state
    columns = {name: np.asarray(j.columns[name]) for name in names}
    ids = columns["id"].astype(np.int64)
    n = len(ids)
    delta = None
    if state is not None and state.since_key + 1 < keyframe_every:
        delta = _delta(state, names, ids, columns)
        changes = len(delta[0]) + len(delta[1])
        if state.changed_since_key + changes > max(DELTA_MIN_JOBS, DELTA_SHARE * n):
            delta = None  # the chain would change too much of the queue: a keyframe now
    changed = np.zeros(0, np.intp)
    removed = np.zeros(0, np.int64)
    if state is None or delta is None:  # a keyframe stores every job as it is
        kept = columns
        try:
            blob = jobframe.encode(j.columns)
        except (TypeError, ValueError):  # values the columnar form cannot hold
            blob = codec.pack_json({"names": names,
                                    "columns": codec.columns_to_lists(columns, names)[1]})
        is_key = True
    else:
        changed, removed, kept = delta
        if not len(removed) and not len(changed) and np.array_equal(ids, state.ids):
            conn.execute("UPDATE jobs SET last_seen = ? WHERE id = ?", (j.time, state.id))
            state.time = j.time
            return state
        old = state.ids
        expected = np.concatenate([old[np.isin(old, ids)], ids[~np.isin(ids, old)]])
        # Changed jobs as columns, like the keyframe: far quicker to parse than records.
        lists = (codec.columns_to_lists({k: v[changed] for k, v in columns.items()}, names)[1]
                 if len(changed) else [])
        doc: dict[str, Any] = {
            "changed_columns": {"names": names, "columns": lists},
            "removed": removed.tolist(),
        }
        if not np.array_equal(expected, ids):
            doc["ids"] = ids.tolist()
        blob = codec.pack_json(doc)
        is_key = False
    row_id = (state.id if state is not None else frames.last_id(conn, "jobs")) + 1
    key_id = row_id if is_key or state is None else state.key_id
    conn.execute(
        "INSERT INTO jobs (id, time, last_seen, received, key_id, n_jobs, data) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (row_id, j.time, j.time, j.received, key_id, n, blob),
    )
    return JobsState(
        id=row_id,
        key_id=key_id,
        since_key=0 if is_key or state is None else state.since_key + 1,
        time=j.time,
        ids=ids,
        columns=kept,
        changed_since_key=(0 if is_key or state is None
                           else state.changed_since_key + len(changed) + len(removed)),
    )


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether each value of ``a`` is stored as that of ``b`` (NaN, stored as null, is
    NaN; text, None and tuples of racks by equality, as the JSON rows compared)."""
    if a.dtype.kind == "f" and b.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            return (a == b) | (np.isnan(a) & np.isnan(b))
    same = np.asarray(a == b, bool)  # value by value, at C speed
    if a.dtype == object or b.dtype == object:
        # the few that differ, compared again as stored (NaN as None, numpy numbers plain)
        for i in np.flatnonzero(~same).tolist():
            same[i] = codec.plain(a[i]) == codec.plain(b[i])
    return same


def _delta(
    state: JobsState, names: list[str], ids: np.ndarray, columns: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """``(positions of the changed jobs, removed ids, the queue's columns as stored)`` of
    a queue against the one stored: a job whose ``gpu_util_pct`` alone moved less than
    :data:`JOB_UTIL_STEP_PCT` (or :data:`JOB_UTIL_STEP_SHARE` of its stored value, when
    more) keeps its stored value (later moves are measured from it)."""
    at = id_positions(state.ids, ids)  # each job's row in the stored queue, -1: new
    removed = state.ids[~np.isin(state.ids, ids)]
    known = at >= 0
    was = at[known]
    if list(state.columns) != names:  # another set of columns: every job changed
        return np.arange(len(ids)), removed, columns
    differs = np.zeros(int(known.sum()), np.int64)  # how many columns differ, per job
    for name in names:
        if name != "gpu_util_pct":
            differs += ~_same(columns[name][known], state.columns[name][was])
    changed = ~known
    kept = columns
    if "gpu_util_pct" in names:
        now_util = np.asarray(columns["gpu_util_pct"], np.float64)[known]
        old_util = np.asarray(state.columns["gpu_util_pct"], np.float64)[was]
        util_same = _same(now_util, old_util)
        with np.errstate(invalid="ignore"):
            step = np.maximum(JOB_UTIL_STEP_PCT, JOB_UTIL_STEP_SHARE * np.abs(old_util))
            little = ~util_same & (np.abs(now_util - old_util) < step)
        # Only its utilisation moved, a little: the job keeps its stored row.
        keep_old = little & (differs == 0)
        changed[known] = (differs > 0) | (~util_same & ~keep_old)
        if keep_old.any():
            util = np.array(columns["gpu_util_pct"], dtype=np.float64)
            rows = np.flatnonzero(known)[keep_old]
            util[rows] = old_util[keep_old]
            kept = {**columns, "gpu_util_pct": util}
    else:
        changed[known] = differs > 0
    return np.flatnonzero(changed), removed, kept


JOBS_MARK_EVERY = 4
"""While a chain of job-queue deltas is applied, every this many rows is kept as a mark
(the deltas between marks are applied in one pass: :func:`jobframe.load_many`)."""


@dataclass
class JobsMemo:
    """The last queue a reader rebuilt, so scrubbing forward applies only newer deltas."""

    key_id: int = -1
    row_id: int = -1
    columns: jobframe.Columns | None = None
    keyframes: dict[int, jobframe.Columns] = field(default_factory=dict)
    """The last few keyframes decoded, by row id: scrubbing back and forth reuses them."""
    marks: dict[int, tuple[int, jobframe.Columns]] = field(default_factory=dict)
    """Row id -> (key id, queue) every :data:`JOBS_MARK_EVERY` rows of the chains applied
    (oldest first): a jump into a chain seen before applies at most a few deltas."""
    keep_marks: int = 16

    def start(self, key_id: int, row_id: int) -> tuple[int, jobframe.Columns | None]:
        """``(first row to read, queue before it)`` for row ``row_id`` of the chain from
        ``key_id``: after the nearest queue rebuilt at or before it (else the keyframe)."""
        best, columns = key_id - 1, None
        if self.key_id == key_id and self.row_id <= row_id and self.columns is not None:
            best, columns = self.row_id, self.columns
        if key_id in self.keyframes and best < key_id:
            best, columns = key_id, self.keyframes[key_id]
        for mark_id, (mark_key, mark_columns) in self.marks.items():
            if mark_key == key_id and best < mark_id <= row_id:
                best, columns = mark_id, mark_columns
        return best + 1, columns

    def keep(self, key_id: int, row_id: int, columns: jobframe.Columns) -> None:
        if row_id == key_id:
            self.keyframes[key_id] = columns
            while len(self.keyframes) > KEYFRAMES_KEPT:
                self.keyframes.pop(next(iter(self.keyframes)))
        elif (row_id - key_id) % JOBS_MARK_EVERY == 0:
            self.marks.pop(row_id, None)
            self.marks[row_id] = (key_id, columns)
            while len(self.marks) > self.keep_marks:
                self.marks.pop(next(iter(self.marks)))


def read_jobs(
    conn: sqlite3.Connection, t: float, memo: JobsMemo | None = None
) -> tuple[int, float, float, float | None, jobframe.Columns] | None:
    """``(row id, time, last_seen, received, columns)`` of the queue in force at ``t``."""
    row = conn.execute(
        "SELECT id, key_id, time, last_seen, received FROM jobs WHERE time <= ? "
        "ORDER BY time DESC, id DESC LIMIT 1",
        (float(t),),
    ).fetchone()
    if row is None:
        return None
    row_id, key_id, first, last_seen, received = row
    memo = memo if memo is not None else JobsMemo()
    begin, columns = memo.start(key_id, row_id)
    if begin <= row_id:
        # Deltas up to each mark (and the row asked for) are applied in one pass.
        segment: list[bytes] = []
        for data_id, data in conn.execute(
            "SELECT id, data FROM jobs WHERE id BETWEEN ? AND ? ORDER BY id", (begin, row_id)
        ):
            segment.append(data)
            if data_id in (key_id, row_id) or (data_id - key_id) % JOBS_MARK_EVERY == 0:
                columns = jobframe.load_many(segment, columns)
                memo.keep(key_id, data_id, columns)
                segment = []
    if columns is None:
        raise codec.CodecError("stored job queue has no keyframe")
    memo.key_id, memo.row_id, memo.columns = key_id, row_id, columns
    return int(row_id), float(first), float(last_seen), received, columns


def write_events(conn: sqlite3.Connection, events: Sequence[EventBatch]) -> None:
    """Insert hub events once each: unique by (hub lifetime, hub id), so the events of a
    restarted hub (ids from 1 again, a new ``EventBatch.lifetime``) are kept beside the
    earlier lifetime's, and the same event polled twice is stored once."""
    rows = []
    for batch in events:
        for e in batch.events:
            try:
                rows.append(
                    (
                        batch.lifetime,
                        int(e["id"]),
                        float(e["time"]),
                        e.get("kind"),
                        e.get("severity"),
                        e.get("rack"),
                        str(e.get("message", "")),
                        codec.dumps(e).decode(),
                    )
                )
            except (KeyError, TypeError, ValueError):
                continue
    conn.executemany(
        "INSERT OR IGNORE INTO events (lifetime, hub_id, time, kind, severity, rack, message, "
        "data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
