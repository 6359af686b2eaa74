"""Rollup, retention and the size cap of the cache.

Raw polls are rolled up into 1-minute frames (mean and max of every field) as
soon as a minute is complete, and 1-minute frames into 15-minute frames. A
rollup frame is stamped with the time of its bucket's first sample, so it never
claims a time before the data began. Raw frames are deleted after ``raw_hours``
(only once rolled up), 1-minute frames after ``minute_days``, 15-minute frames
after ``quarter_days``. Windows marked for full resolution (and incidents, with a
margin) are never deleted, neither by age nor by the size cap, which drops the
oldest, coarsest data first.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from console.cache import forecasts, frames, powerblock, records
from console.contract import POWER_FIELDS

POWER_COLUMNS: tuple[str, ...] = POWER_FIELDS
TIERS: tuple[tuple[str, int], ...] = (("rack_raw", 0), ("rack_1m", 60), ("rack_15m", 900))
"""Rack frame tables, finest first, with their bucket width in seconds (0: raw polls)."""


@dataclass(frozen=True)
class RetentionPolicy:
    """How long each resolution is kept, and how rollups are written."""

    raw_hours: float = 6.0
    minute_days: float = 7.0
    quarter_days: float = 90.0
    power_raw_days: float = 7.0
    """Site power stays at full resolution this long (a 7-day chart at 10 s), then 15-min means."""
    keyframe_every: int = 30
    jobs_interval_s: float = 60.0
    """Jobs and unhealthy-GPU lists are stored at most this often unless their status changes."""
    jobs_keyframe_every: int = 30
    """A full job queue every this many stored queues; deltas in between."""
    jobs_thin_s: float = 3 * 3600.0
    """Beyond ``minute_days``, one full job queue is kept per this many seconds."""
    incident_margin_s: float = 600.0
    """Incidents keep full resolution from this long before their start to after their end."""
    max_buckets: int = 30
    """Rollup work per :meth:`Cache.maintain` call (buckets per tier); later calls catch up."""


Writers = dict[str, frames.WriterState | None]
"""The open frame chain of each rollup table (the cache's writer states), updated in place."""


def _meta_float(conn: sqlite3.Connection, key: str) -> float | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else float(row[0])


def _set_meta(conn: sqlite3.Connection, key: str, value: float) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, repr(value)))


class _Bucket:
    """Running mean and max of one bucket's frames."""

    def __init__(self, start: float, topology_id: int, fields: tuple[str, ...], n: int) -> None:
        self.start = start
        self.topology_id = topology_id
        self.bases = tuple(dict.fromkeys(f.partition(":")[0] for f in fields))
        self.fields = fields
        shape = (len(self.bases), n)
        self.total = np.zeros(shape)
        self.weight = np.zeros(shape)
        self.max = np.full(shape, np.nan)
        self.count = 0
        self.first_time = math.inf

    def add(self, row: frames.FrameRow, values: np.ndarray) -> None:
        index = {f: i for i, f in enumerate(row.fields)}
        for b, base in enumerate(self.bases):
            mean = values[index.get(f"{base}:mean", index.get(base, 0))]
            top = values[index.get(f"{base}:max", index.get(base, 0))]
            ok = np.isfinite(mean)
            self.total[b] += np.where(ok, mean, 0.0) * row.count
            self.weight[b] += ok * row.count
            self.max[b] = np.fmax(self.max[b], top)
        self.count += row.count
        self.first_time = min(self.first_time, row.time)

    def result(self) -> tuple[list[str], np.ndarray]:
        mean = np.full_like(self.total, np.nan)
        np.divide(self.total, self.weight, out=mean, where=self.weight > 0)
        names: list[str] = []
        rows: list[np.ndarray] = []
        for b, base in enumerate(self.bases):
            names += [f"{base}:mean", f"{base}:max"]
            rows += [mean[b], self.max[b]]
        return names, np.stack(rows).astype(np.float32)


def _roll_frames(
    conn: sqlite3.Connection,
    policy: RetentionPolicy,
    writers: Writers,
    source: str,
    dest: str,
    width: int,
    now: float,
) -> int:
    """Roll complete buckets of ``source`` into ``dest``; returns buckets written."""
    key = f"rollup:{dest}"
    mark = _meta_float(conn, key)
    last = frames.last_time(conn, source)
    if last is None:
        return 0
    limit = math.floor(max(last, now - width) / width) * width
    nxt = conn.execute(
        f"SELECT min(time) FROM {source} WHERE time >= ?", (-math.inf if mark is None else mark,)
    ).fetchone()[0]
    if nxt is None or nxt >= limit:
        if mark is None or limit > mark:
            _set_meta(conn, key, float(limit if nxt is None else min(limit, nxt)))
        return 0
    begin = math.floor(nxt / width) * width
    end = min(limit, begin + policy.max_buckets * width)
    state = writers.get(dest)
    written = 0
    bucket: _Bucket | None = None

    def flush(b: _Bucket) -> None:
        nonlocal state, written
        names, values = b.result()
        state = frames.write_frame(
            conn,
            dest,
            state,
            time=b.first_time,
            topology_id=b.topology_id,
            fields=names,
            values=values,
            keyframe_every=policy.keyframe_every,
            count=b.count,
        )
        written += 1

    for row, values in frames.iter_frames(conn, source, begin, end - 1e-6):
        start = math.floor(row.time / width) * width
        if bucket is not None and (
            bucket.start != start
            or bucket.topology_id != row.topology_id
            or bucket.fields != row.fields
        ):
            flush(bucket)
            bucket = None
        if bucket is None:
            bucket = _Bucket(start, row.topology_id, row.fields, values.shape[1])
        bucket.add(row, values)
    if bucket is not None:
        flush(bucket)
    _set_meta(conn, key, float(end))
    writers[dest] = state
    return written


def quarter_means(data: np.ndarray) -> np.ndarray:
    """15-minute means of ``(n, 1 + fields)`` rows sorted by time: one row per bucket,
    stamped with the bucket's start; a field's mean is over its values (NaN: none)."""
    if not len(data):
        return np.zeros((0, data.shape[1]))
    buckets = np.floor(data[:, 0] / 900.0) * 900.0
    starts = np.flatnonzero(np.append(True, buckets[1:] != buckets[:-1]))
    values = data[:, 1:]
    ok = ~np.isnan(values)
    sums = np.add.reduceat(np.where(ok, values, 0.0), starts, axis=0)
    counts = np.add.reduceat(ok.astype(np.int64), starts, axis=0)
    means = np.full(sums.shape, np.nan)
    np.divide(sums, counts, out=means, where=counts > 0)
    return np.column_stack([buckets[starts], means])


def _roll_power(conn: sqlite3.Connection, now: float) -> int:
    key = "rollup:power_15m"
    mark = _meta_float(conn, key) or -math.inf
    last = powerblock.last_time(conn)
    if last is None:
        return 0
    limit = math.floor(max(last, now - 900) / 900) * 900
    if limit <= mark:
        return 0
    data = powerblock.read(conn, mark, limit)
    rows = quarter_means(data[data[:, 0] < limit])
    conn.executemany(
        f"INSERT OR REPLACE INTO power_15m (t, {', '.join(POWER_COLUMNS)}) "
        f"VALUES ({', '.join('?' * (len(POWER_COLUMNS) + 1))})",
        [tuple(None if v != v else v for v in row) for row in rows.tolist()],
    )
    _set_meta(conn, key, float(limit))
    return len(rows)


def _outside(windows: Sequence[tuple[float, float]], column: str) -> tuple[str, list[float]]:
    """SQL condition (and parameters) for ``column`` outside every window."""
    if not windows:
        return "1", []
    clause = " AND ".join(f"NOT ({column} BETWEEN ? AND ?)" for _ in windows)
    return clause, [v for w in windows for v in w]


def _delete_before(
    conn: sqlite3.Connection, table: str, column: str, cutoff: float, windows: Sequence[tuple[float, float]]
) -> int:
    clause, params = _outside(windows, column)
    cursor = conn.execute(f"DELETE FROM {table} WHERE {column} < ? AND {clause}", (cutoff, *params))
    return max(cursor.rowcount, 0)


def _thin(conn: sqlite3.Connection, table: str, cutoff: float, windows: Sequence[tuple[float, float]]) -> int:
    """Keep one document per 15 minutes before ``cutoff``."""
    clause, params = _outside(windows, "time")
    cursor = conn.execute(
        f"DELETE FROM {table} WHERE time < ? AND {clause} AND id NOT IN "
        f"(SELECT min(id) FROM {table} GROUP BY CAST(time / 900 AS INTEGER))",
        (cutoff, *params),
    )
    return max(cursor.rowcount, 0)


def _thin_jobs(
    conn: sqlite3.Connection, cutoff: float, windows: Sequence[tuple[float, float]], every_s: float
) -> int:
    """Before ``cutoff``: drop job deltas, keep one full queue per ``every_s``."""
    limit = frames.chain_limit(conn, "jobs", cutoff)
    protected = frames.protected_keys(conn, "jobs", windows, limit)
    marks = ",".join("?" * len(protected))
    gone = conn.execute(
        f"DELETE FROM jobs WHERE key_id < ? AND id != key_id AND key_id NOT IN ({marks})",
        (limit, *protected),
    ).rowcount
    gone += conn.execute(
        f"DELETE FROM jobs WHERE key_id < ? AND key_id NOT IN ({marks}) AND id NOT IN "
        "(SELECT min(id) FROM jobs GROUP BY CAST(time / ? AS INTEGER))",
        (limit, *protected, float(every_s)),
    ).rowcount
    return max(gone, 0)


def _retain(
    conn: sqlite3.Connection, p: RetentionPolicy, now: float, windows: Sequence[tuple[float, float]]
) -> int:
    day, deleted = 86400.0, 0
    rolled_1m = _meta_float(conn, "rollup:rack_1m") or -math.inf
    rolled_15m = _meta_float(conn, "rollup:rack_15m") or -math.inf
    rolled_power = _meta_float(conn, "rollup:power_15m") or -math.inf
    deleted += frames.delete_chains_before(
        conn, "rack_raw", min(now - p.raw_hours * 3600, rolled_1m), windows
    )
    deleted += frames.delete_chains_before(
        conn, "rack_1m", min(now - p.minute_days * day, rolled_15m), windows
    )
    deleted += frames.delete_chains_before(conn, "rack_15m", now - p.quarter_days * day, windows)
    deleted += powerblock.delete_before(
        conn, min(now - p.power_raw_days * day, rolled_power), windows
    )
    deleted += _delete_before(conn, "power_15m", "t", now - p.quarter_days * day, windows)
    deleted += _thin(conn, "unhealthy", now - p.minute_days * day, windows)
    deleted += _delete_before(conn, "unhealthy", "time", now - p.quarter_days * day, windows)
    deleted += _thin_jobs(conn, now - p.minute_days * day, windows, p.jobs_thin_s)
    deleted += frames.delete_chains_before(conn, "jobs", now - p.quarter_days * day, windows)
    deleted += _delete_before(conn, "events", "time", now - p.quarter_days * day, windows)
    deleted += forecasts.delete_before(conn, now - p.power_raw_days * day, windows)
    return deleted


def _oldest_quarter(conn: sqlite3.Connection, table: str, column: str) -> float | None:
    n = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    if not n:
        return None
    row = conn.execute(
        f"SELECT {column} FROM {table} ORDER BY {column} LIMIT 1 OFFSET ?", (max(n // 4, 1),)
    ).fetchone()
    if row is None:  # a handful of rows: all of them
        row = conn.execute(f"SELECT max({column}) + 1 FROM {table}").fetchone()
    return float(row[0])


_CAP_ORDER: tuple[tuple[str, str], ...] = (
    ("forecasts", "issues"),
    ("rack_15m", "frames"),
    ("power_15m", "t"),
    ("jobs", "frames"),
    ("unhealthy", "time"),
    ("events", "time"),
    ("rack_1m", "frames"),
    ("power_blocks", "blocks"),
    ("rack_raw", "frames"),
)
"""What the size cap drops first: the forecasts kept for review, then the oldest coarse
data, raw polls last."""


def _enforce_cap(conn: sqlite3.Connection, max_bytes: int, windows: Sequence[tuple[float, float]]) -> int:
    deleted = 0
    for table, kind in _CAP_ORDER:
        for _ in range(16):
            if _used_bytes(conn) <= max_bytes:
                return deleted
            if kind == "blocks":
                cutoff = powerblock.oldest_quarter(conn)
            elif kind == "issues":
                cutoff = forecasts.oldest_quarter(conn)
            else:
                cutoff = _oldest_quarter(conn, table, "time" if kind == "frames" else kind)
            if cutoff is None:
                break
            if kind == "frames":
                gone = frames.delete_chains_before(conn, table, cutoff, windows)
            elif kind == "blocks":
                gone = powerblock.delete_before(conn, cutoff, windows)
            elif kind == "issues":
                gone = forecasts.delete_before(conn, cutoff, windows)
            else:
                gone = _delete_before(conn, table, kind, cutoff, windows)
            deleted += gone
            if not gone:
                break
    return deleted


def _used_bytes(conn: sqlite3.Connection) -> int:
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    count = conn.execute("PRAGMA page_count").fetchone()[0]
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    return int(page) * (int(count) - int(free))


def _in_transaction(conn: sqlite3.Connection, writers: Writers, steps: Iterable[Any]) -> list[Any]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        results = [step() for step in steps]
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        writers.pop("rack_1m", None)
        writers.pop("rack_15m", None)
        raise
    return results


def maintain(
    conn: sqlite3.Connection,
    policy: RetentionPolicy,
    max_bytes: int,
    writers: Writers,
    now: float | None = None,
) -> dict[str, float]:
    """Rollup + retention + size cap of the cache open on ``conn`` (see the module docstring).

    ``writers`` is the cache's open frame chains: the rollups extend them in place, and a
    failed rollup drops the rollup tables' chains so the next write starts a keyframe.
    """
    if now is None:
        now = frames.last_time(conn, "rack_raw") or powerblock.last_time(conn)
        if now is None:
            return {"rolled_1m": 0, "rolled_15m": 0, "rolled_power": 0, "deleted": 0}
    now = float(now)
    rolled_1m, rolled_15m, rolled_power = _in_transaction(
        conn,
        writers,
        (
            lambda: _roll_frames(conn, policy, writers, "rack_raw", "rack_1m", 60, now),
            lambda: _roll_frames(conn, policy, writers, "rack_1m", "rack_15m", 900, now),
            lambda: _roll_power(conn, now),
        ),
    )
    windows = records.protected_windows(conn, policy.incident_margin_s, now)
    deleted, capped = _in_transaction(
        conn,
        writers,
        (
            lambda: _retain(conn, policy, now, windows),
            lambda: _enforce_cap(conn, max_bytes, windows),
        ),
    )
    if deleted or capped:
        conn.executescript("PRAGMA incremental_vacuum;")  # execute() frees one page only
    return {
        "rolled_1m": rolled_1m,
        "rolled_15m": rolled_15m,
        "rolled_power": rolled_power,
        "deleted": deleted + capped,
        "capped": capped,
        "bytes": _used_bytes(conn),
    }
