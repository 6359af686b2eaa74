"""Reads over a long span of the cache, for energy reports: rack fields frame by frame,
coarsest tier first, and the job queues that together name every job of the span.

A report over 30 days needs the rack power of every rack in every interval, but not at
2-second resolution: the 15-minute rollups cover all but the newest quarter hour, the
1-minute rollups what they do not, raw polls the rest. Only the fields asked for are
decoded (:func:`console.cache.codec.decode_field`).

Finished jobs stay in the queue for a day after their end (``JOB_KEEP_FINISHED_S``), so
queues stored less than a day apart between them list every job that ran in the span:
:func:`job_keyframes` picks stored keyframes at most ``spacing`` apart instead of
decoding every stored queue.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from console.cache import codec, jobframe

TIERS_COARSE_FIRST: tuple[tuple[str, float], ...] = (
    ("rack_15m", 900.0), ("rack_1m", 60.0), ("rack_raw", 0.0))
"""Rack frame tables, coarsest first, with their bucket width (0: raw polls)."""


@dataclass(frozen=True)
class FieldFrame:
    """One stored rack frame with the fields asked for (float32 per rack, NaN unknown)."""

    time: float
    width: float
    """The tier's bucket width in seconds (0 for a raw poll)."""
    topology_id: int
    count: int
    values: tuple[np.ndarray, ...]
    """One array per field asked for, in the order asked (all NaN where the frame lacks it)."""


def _times(conn: sqlite3.Connection, table: str, start: float, end: float) -> np.ndarray:
    rows = conn.execute(
        f"SELECT time FROM {table} WHERE time BETWEEN ? AND ? ORDER BY time",
        (float(start), float(end)),
    ).fetchall()
    return np.array([r[0] for r in rows], np.float64)


def _intervals(t: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """What frames at ``t`` stand for: their bucket, or (raw polls) their instant."""
    if width:
        lo = np.floor(t / width) * width
        return lo, lo + width
    return t, t + 1e-6


def _merge(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint sorted intervals covering the same ground as ``[lo, hi)``."""
    if not len(lo):
        return lo, hi
    order = np.argsort(lo, kind="stable")
    lo, hi = lo[order], hi[order]
    reach = np.maximum.accumulate(hi)
    start = np.r_[True, lo[1:] > reach[:-1]]
    groups = np.cumsum(start) - 1
    out_hi = np.zeros(int(groups[-1]) + 1)
    np.maximum.at(out_hi, groups, hi)
    return lo[start], out_hi


def _overlaps(lo: np.ndarray, hi: np.ndarray, kept: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Mask of intervals ``[lo, hi)`` that overlap one of the disjoint ``kept`` intervals."""
    k_lo, k_hi = kept
    if not len(k_lo) or not len(lo):
        return np.zeros(len(lo), bool)
    k = np.searchsorted(k_lo, hi, side="left") - 1
    ok = k >= 0
    out = np.zeros(len(lo), bool)
    out[ok] = k_hi[k[ok]] > lo[ok]
    return out


COARSE_FIRST = ("rack_15m", "rack_1m", "rack_raw")
"""Tier order of long reports: 15-minute buckets wherever they are, finer data after them."""
MINUTE_FIRST = ("rack_1m", "rack_raw", "rack_15m")
"""Tier order of recent detail: minutes, the raw polls after the last minute, quarters
where no minute is kept."""


def tier_plan(
    conn: sqlite3.Connection, start: float, end: float, order: Sequence[str] = COARSE_FIRST
) -> list[tuple[str, float, np.ndarray]]:
    """Per tier in ``order``, the frame times to read for ``[start, end]``: those whose
    bucket (a raw poll: its instant) overlaps no frame kept from a tier before it. A
    rollup whose bucket began before ``start`` counts when it reaches into the span."""
    widths = dict(TIERS_COARSE_FIRST)
    plan: list[tuple[str, float, np.ndarray]] = []
    kept = (np.zeros(0), np.zeros(0))
    for table in order:
        width = widths[table]
        t = _times(conn, table, start - width, end)
        lo, hi = _intervals(t, width)
        keep = (hi > start) & ~_overlaps(lo, hi, kept)
        t = t[keep]
        plan.append((table, width, t))
        if len(t):
            kept = _merge(np.concatenate([kept[0], lo[keep]]), np.concatenate([kept[1], hi[keep]]))
    return plan


def iter_field_frames(
    conn: sqlite3.Connection, table: str, width: float, names: Sequence[str],
    keep: np.ndarray,
) -> Iterator[FieldFrame]:
    """The frames of ``table`` at the times ``keep`` (sorted), decoding only ``names``
    (as stored: ``power_kw`` in raw polls, ``power_kw:mean`` in rollups)."""
    if not len(keep):
        return
    lo, hi = float(keep[0]), float(keep[-1])
    first = conn.execute(
        f"SELECT key_id FROM {table} WHERE time >= ? ORDER BY time LIMIT 1", (lo,)
    ).fetchone()
    last = conn.execute(
        f"SELECT id FROM {table} WHERE time <= ? ORDER BY time DESC LIMIT 1", (hi,)
    ).fetchone()
    if first is None or last is None or last[0] < first[0]:
        return
    wanted = set(keep.tolist())
    refs: dict[str, np.ndarray] = {}
    cursor = conn.execute(
        f"SELECT id, key_id, topology_id, time, fields, count, data FROM {table} "
        "WHERE id BETWEEN ? AND ? ORDER BY id",
        (int(first[0]), int(last[0])),
    )
    for row_id, key_id, topology_id, t, fields, count, data in cursor:
        stored = fields.split(",")
        n = codec.frame_info(data)[2]
        out: list[np.ndarray] = []
        for name in names:
            if name not in stored:
                refs.pop(name, None)
                out.append(np.full(n, np.nan, np.float32))
                continue
            previous = None if row_id == key_id else refs.get(name)
            if row_id != key_id and previous is None:  # chain broken: wait for a keyframe
                out.append(np.full(n, np.nan, np.float32))
                continue
            ref, nan = codec.decode_field(data, stored.index(name), previous)
            refs[name] = ref
            out.append(codec.to_float(ref, nan))
        if float(t) in wanted:
            yield FieldFrame(float(t), width, int(topology_id), int(count), tuple(out))


def job_keyframes(
    conn: sqlite3.Connection, start: float, end: float, spacing: float
) -> list[tuple[float, jobframe.Columns]]:
    """Stored full job queues in ``[start, end]``, oldest first, picked at most
    ``spacing`` apart where the cache holds them that close (each one's time and columns)."""
    rows = conn.execute(
        "SELECT id, time FROM jobs WHERE id = key_id AND time BETWEEN ? AND ? ORDER BY time",
        (float(start), float(end)),
    ).fetchall()
    picked: list[int] = []
    last_t = -np.inf
    for i, (row_id, t) in enumerate(rows):
        later = rows[i + 1][1] if i + 1 < len(rows) else None
        # Keep this one when skipping it would leave more than ``spacing`` to the next.
        if not picked or later is None or later - last_t > spacing:
            picked.append(int(row_id))
            last_t = float(t)
    out: list[tuple[float, jobframe.Columns]] = []
    for row_id in picked:
        found = conn.execute("SELECT time, data FROM jobs WHERE id = ?", (row_id,)).fetchone()
        if found is not None:
            out.append((float(found[0]), jobframe.load(found[1], None)))
    return out
