"""Series of rack frames in one table: write with delta chains, read back by time.

Every row holds one frame (all racks, all fields of one poll or one rollup
bucket). ``key_id`` names the keyframe the row's delta chain starts from, so a
read decodes at most ``keyframe_every`` blobs, and retention deletes whole chains.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from console.cache import codec
from console.model import RackTelemetry, _frozen_map, frozen

_META = "id, time, key_id, topology_id, fields, count, received, extra"
_COLUMNS = f"{_META}, data"


@dataclass(frozen=True)
class FrameRow:
    """One stored frame's metadata."""

    id: int
    time: float
    key_id: int
    topology_id: int
    fields: tuple[str, ...]
    count: int
    received: float | None
    extra: dict[str, Any]


@dataclass(frozen=True)
class WriterState:
    """What the next write of a series needs to know about the last one."""

    id: int
    key_id: int
    since_key: int
    topology_id: int
    fields: tuple[str, ...]
    time: float
    ref: np.ndarray


def _row(values: Sequence[Any]) -> FrameRow:
    return FrameRow(
        id=int(values[0]),
        time=float(values[1]),
        key_id=int(values[2]),
        topology_id=int(values[3]),
        fields=tuple(values[4].split(",")),
        count=int(values[5]),
        received=None if values[6] is None else float(values[6]),
        extra=json.loads(values[7]) if values[7] else {},
    )


def last_id(conn: sqlite3.Connection, table: str) -> int:
    """The highest row id ``table`` ever used (ids are never reused, even after deletes)."""
    return int(
        conn.execute(
            f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0), "
            "coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0))",
            (table,),
        ).fetchone()[0]
    )


def last_time(conn: sqlite3.Connection, table: str) -> float | None:
    """The newest frame time in ``table``."""
    value = conn.execute(f"SELECT max(time) FROM {table}").fetchone()[0]
    return None if value is None else float(value)


def write_frame(
    conn: sqlite3.Connection,
    table: str,
    state: WriterState | None,
    *,
    time: float,
    topology_id: int,
    fields: Sequence[str],
    values: np.ndarray,
    keyframe_every: int,
    count: int = 1,
    received: float | None = None,
    extra: dict[str, Any] | None = None,
) -> WriterState:
    """Insert one frame (inside the caller's transaction) and return the new state."""
    fields = tuple(fields)
    q, nan = codec.quantise(values)
    chain_ok = (
        state is not None
        and state.topology_id == topology_id
        and state.fields == fields
        and state.since_key + 1 < keyframe_every
        and state.ref.shape == q.shape
    )
    previous = state.ref if chain_ok and state is not None else None
    blob, is_key = codec.encode_frame(q, nan, previous)
    row_id = (state.id if state is not None else last_id(conn, table)) + 1
    key_id = row_id if is_key or state is None else state.key_id
    conn.execute(
        f"INSERT INTO {table} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row_id,
            float(time),
            key_id,
            int(topology_id),
            ",".join(fields),
            int(count),
            received,
            json.dumps(extra, separators=(",", ":")) if extra else None,
            blob,
        ),
    )
    return WriterState(
        id=row_id,
        key_id=key_id,
        since_key=0 if is_key else (state.since_key + 1 if state else 0),
        topology_id=int(topology_id),
        fields=fields,
        time=float(time),
        ref=codec.reference(q, nan),
    )


def row_at(conn: sqlite3.Connection, table: str, t: float) -> FrameRow | None:
    """The newest frame at or before ``t``."""
    values = conn.execute(
        f"SELECT {_META} FROM {table} WHERE time <= ? ORDER BY time DESC LIMIT 1",
        (float(t),),
    ).fetchone()
    return None if values is None else _row(values)


MARK_EVERY = 5
"""While a chain is decoded, every this many rows is kept as a mark to start from."""


@dataclass
class FrameMemo:
    """Decoded frames a reader keeps: the last one read (scrubbing forward applies only
    newer deltas), the last few keyframes and marks every :data:`MARK_EVERY` rows of the
    chains decoded (a jump into a chain seen before decodes at most a few deltas). Row
    ids are never reused, so what a row id decoded to stays true."""

    last: tuple[str, int, int, np.ndarray, np.ndarray] | None = None
    keys: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    keep: int = 6
    marks: dict[tuple[str, int], tuple[int, np.ndarray, np.ndarray]] = field(
        default_factory=dict)
    """(table, row id) -> (key id, reference, nan), oldest first."""
    keep_marks: int = 24

    def start(self, table: str, key_id: int, row_id: int
              ) -> tuple[int, np.ndarray | None, np.ndarray | None]:
        """``(first row to decode, reference, nan)`` for row ``row_id`` of the chain from
        ``key_id``: after the nearest decoded row at or before it (the keyframe when none)."""
        best, ref, nan = key_id - 1, None, None
        last = self.last
        if last is not None and last[:2] == (table, key_id) and last[2] <= row_id:
            best, ref, nan = last[2], last[3], last[4]
        if (table, key_id) in self.keys and best < key_id:
            best, (ref, nan) = key_id, self.keys[(table, key_id)]
        for (name, mark_id), (mark_key, mark_ref, mark_nan) in self.marks.items():
            if name == table and mark_key == key_id and best < mark_id <= row_id:
                best, ref, nan = mark_id, mark_ref, mark_nan
        return best + 1, ref, nan

    def keep_mark(self, table: str, key_id: int, row_id: int, ref: np.ndarray,
                  nan: np.ndarray) -> None:
        if row_id == key_id:
            self.keys[(table, key_id)] = (ref, nan)
            while len(self.keys) > self.keep:
                self.keys.pop(next(iter(self.keys)))
        elif (row_id - key_id) % MARK_EVERY == 0:
            self.marks.pop((table, row_id), None)
            self.marks[(table, row_id)] = (key_id, ref, nan)
            while len(self.marks) > self.keep_marks:
                self.marks.pop(next(iter(self.marks)))


def frame_at(
    conn: sqlite3.Connection, table: str, t: float, memo: FrameMemo | None = None
) -> tuple[FrameRow, np.ndarray] | None:
    """The newest frame at or before ``t``, decoded from its keyframe: ``(row, (F, N) float32)``."""
    target = row_at(conn, table, t)
    if target is None:
        return None
    ref: np.ndarray | None = None
    nan: np.ndarray | None = None
    begin = target.key_id
    if memo is not None:
        begin, ref, nan = memo.start(table, target.key_id, target.id)
    if begin <= target.id:
        cursor = conn.execute(
            f"SELECT id, key_id, data FROM {table} WHERE id BETWEEN ? AND ? ORDER BY id",
            (begin, target.id),
        )
        for row_id, key_id, data in cursor:
            ref, nan = codec.decode_frame(data, None if row_id == key_id else ref)
            if memo is not None:
                memo.keep_mark(table, key_id, row_id, ref, nan)
    if ref is None or nan is None:
        return None
    if memo is not None:
        memo.last = (table, target.key_id, target.id, ref, nan)
    return target, codec.to_float(ref, nan)


def _id_span(
    conn: sqlite3.Connection, table: str, start: float, end: float
) -> tuple[int, int] | None:
    """Row ids to read for ``[start, end]``: from the first row's keyframe to the last row."""
    first = conn.execute(
        f"SELECT key_id FROM {table} WHERE time >= ? ORDER BY time LIMIT 1", (float(start),)
    ).fetchone()
    last = conn.execute(
        f"SELECT id FROM {table} WHERE time <= ? ORDER BY time DESC LIMIT 1", (float(end),)
    ).fetchone()
    if first is None or last is None or last[0] < first[0]:
        return None
    return int(first[0]), int(last[0])


def iter_frames(
    conn: sqlite3.Connection, table: str, start: float, end: float
) -> Iterator[tuple[FrameRow, np.ndarray]]:
    """Every frame with ``start <= time <= end`` in order, decoded: ``(row, (F, N) float32)``."""
    span = _id_span(conn, table, start, end)
    if span is None:
        return
    ref: np.ndarray | None = None
    cursor = conn.execute(
        f"SELECT {_COLUMNS} FROM {table} WHERE id BETWEEN ? AND ? ORDER BY id", span
    )
    for values in cursor:
        row = _row(values)
        ref, nan = codec.decode_frame(values[8], None if row.id == row.key_id else ref)
        if row.time >= start:
            yield row, codec.to_float(ref, nan)


def field_history(
    conn: sqlite3.Connection,
    table: str,
    field: str,
    index_of: Callable[[int], int],
    start: float,
    end: float,
) -> tuple[np.ndarray, np.ndarray]:
    """One rack's value of one field over time, decoding only that field's chunks.

    ``index_of(topology_id)`` gives the rack's position in that topology (-1: absent).
    """
    span = _id_span(conn, table, start, end)
    if span is None:
        return np.zeros(0), np.zeros(0, np.float32)
    times: list[float] = []
    out: list[float] = []
    ref: np.ndarray | None = None
    cursor = conn.execute(
        f"SELECT id, key_id, topology_id, time, fields, data FROM {table} "
        "WHERE id BETWEEN ? AND ? ORDER BY id",
        span,
    )
    for row_id, key_id, topology_id, t, fields, data in cursor:
        names = fields.split(",")
        if field not in names:
            ref = None
            continue
        previous = None if row_id == key_id else ref
        if row_id != key_id and previous is None:
            continue  # chain broken (field set changed): wait for the next keyframe
        ref, nan = codec.decode_field(data, names.index(field), previous)
        index = index_of(topology_id)
        if t >= start and 0 <= index < len(ref):
            times.append(t)
            out.append(np.nan if nan[index] else ref[index] / codec.SCALE)
    return np.array(times, np.float64), np.array(out, np.float32)


def times(conn: sqlite3.Connection, table: str, start: float, end: float) -> np.ndarray:
    """Frame times in ``[start, end]``."""
    rows = conn.execute(
        f"SELECT time FROM {table} WHERE time BETWEEN ? AND ? ORDER BY time",
        (float(start), float(end)),
    ).fetchall()
    return np.array([r[0] for r in rows], np.float64)


def chain_limit(conn: sqlite3.Connection, table: str, cutoff: float) -> int:
    """The first key_id to keep so that no chain reaching ``cutoff`` or later is cut."""
    boundary = conn.execute(
        f"SELECT key_id FROM {table} WHERE time >= ? ORDER BY time LIMIT 1", (float(cutoff),)
    ).fetchone()
    return int(boundary[0]) if boundary else last_id(conn, table) + 1


def protected_keys(
    conn: sqlite3.Connection, table: str, keep: Sequence[tuple[float, float]], limit: int
) -> list[int]:
    """key_ids below ``limit`` of chains with a row inside a window of ``keep``."""
    protected: set[int] = set()
    for start, end in keep:
        protected.update(
            r[0]
            for r in conn.execute(
                f"SELECT DISTINCT key_id FROM {table} WHERE time BETWEEN ? AND ? AND key_id < ?",
                (float(start), float(end), limit),
            )
        )
    return sorted(protected)


def delete_chains_before(
    conn: sqlite3.Connection,
    table: str,
    cutoff: float,
    keep: Sequence[tuple[float, float]] = (),
) -> int:
    """Delete whole chains whose rows are all older than ``cutoff``.

    Chains that touch a window in ``keep`` stay. Returns the rows deleted.
    """
    limit = chain_limit(conn, table, cutoff)
    protected = protected_keys(conn, table, keep, limit)
    marks = ",".join("?" * len(protected))
    cursor = conn.execute(
        f"DELETE FROM {table} WHERE key_id < ? AND key_id NOT IN ({marks})", (limit, *protected)
    )
    return max(cursor.rowcount, 0)


ROLLUP_MAX_FIELDS = frozenset({"gpu_temp_max_c", "gpus_unhealthy", "alarm"})
"""Fields a roll-up tier's frame shows as the bucket's maximum (the worst moment), not its
mean."""


def telemetry(row: FrameRow, values: np.ndarray) -> RackTelemetry:
    """A decoded frame (a raw poll's, or a roll-up tier's: each field's mean, or its
    maximum for :data:`ROLLUP_MAX_FIELDS`) as the rack telemetry a live poll delivers."""
    n = values.shape[1]
    fields: dict[str, np.ndarray] = {}
    if any(":" in f for f in row.fields):
        for i, name in enumerate(row.fields):
            base, _, stat = name.partition(":")
            if stat == ("max" if base in ROLLUP_MAX_FIELDS else "mean"):
                fields[base] = values[i].copy()
    else:
        fields = {name: values[i].copy() for i, name in enumerate(row.fields)}
    missing = np.zeros(n, bool)
    missing[[i for i in row.extra.get("missing", []) if 0 <= i < n]] = True
    return RackTelemetry(
        time=row.time,
        received=row.received if row.received is not None else row.time,
        fields=_frozen_map(fields),
        missing=frozen(missing),
        unknown_ids=tuple(row.extra.get("unknown_ids", ())),
        invalid_values=int(row.extra.get("invalid_values", 0)),
    )
