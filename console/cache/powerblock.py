"""Site power at full resolution in blocks: columnar, delta-coded, compressed (schema 10).

A row of ``power_blocks`` holds up to :data:`BLOCK_SAMPLES` consecutive samples (an hour
at the usual 10 s step; never more than :data:`BLOCK_SPAN_S`), keyed by its first
sample's time ``t0``, with its last ``t1`` and count ``n``. Blocks never overlap: a write
appends only samples after the last one stored.

The blob (zlib) holds the times and every field as a column:

- times as the delta of deltas of their float64 bit patterns: a regular step is a run of
  zeros, an irregular one costs a few bytes, and every time reads back bit for bit;
- each field at a fixed resolution suited to its unit (:data:`DECIMALS`: megawatts to
  0.1 kW, the hub's own rounding, so the supply and load still balance; PUE to 0.0001;
  g/kWh to 0.1; percentages to 0.01) as integer deltas, zigzagged, in the narrowest width
  that holds them, bytes shuffled. A value read back is within half a unit of resolution
  of the value written (and the same float when it was already at that resolution). NaN
  reads back as NaN (a bit mask); a field without any value costs one byte; a field with
  a value too large for its resolution (or infinite) is kept as raw float64.

The open (last) block is rewritten as polls bring new samples (:func:`append`), so a
reader always sees every committed sample. Files from before schema 10 keep one row per
sample in ``power``; review reads them as they are (:func:`read` on a file without this
table answers from the old one).
"""

from __future__ import annotations

import math
import sqlite3
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from console.cache import codec
from console.contract import POWER_FIELDS

TABLE = "power_blocks"
LEGACY = "power"
"""The table of one row per sample, before schema 10."""
COLUMNS: tuple[str, ...] = POWER_FIELDS
BLOCK_SAMPLES = 360
"""Samples a block holds at most (an hour at a 10 s step)."""
BLOCK_SPAN_S = 6 * 3600.0
"""A sample this long after a block's first starts a new block (retention drops whole
blocks: their span bounds how long a sample outlives its retention)."""
DECIMALS: dict[str, int] = {
    **{name: 4 for name in POWER_FIELDS if name.endswith("_mw")},
    "pue": 4,
    "carbon_g_per_kwh": 1,
    "battery_soc_pct": 2,
    "renewable_share_pct": 2,
}
"""Decimals kept of each field (a field not named here is kept as raw float64)."""
VERSION = 1
_RAW_LIMIT = 2.0**50
"""Quantised magnitudes from here on are kept as raw float64 (exact integers in float64
and no int64 overflow in the deltas)."""
_ABSENT, _QUANTISED, _RAW = 0, 1, 2
_HAS_NAN = 4
_WIDTHS = (np.uint8, np.uint16, np.uint32, np.uint64)


def create(conn: sqlite3.Connection) -> None:
    """The blocks table (schema 9 -> 10)."""
    conn.execute(
        f"""CREATE TABLE IF NOT EXISTS {TABLE} (
            t0 REAL PRIMARY KEY,
            t1 REAL NOT NULL,
            n INTEGER NOT NULL,
            data BLOB NOT NULL
        ) WITHOUT ROWID"""
    )


def has_blocks(conn: sqlite3.Connection) -> bool:
    """Whether the file keeps power in blocks (schema 10 and later)."""
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).fetchone() is not None


# -- the blob -------------------------------------------------------------------------------
def _zigzag(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.int64, copy=False)
    return ((x << 1) ^ (x >> 63)).view(np.uint64)


_UNZIGZAG8 = np.array([(k >> 1) ^ -(k & 1) for k in range(256)], np.int64)


def _unzigzag(u: np.ndarray) -> np.ndarray:
    if u.dtype == np.uint8:  # the usual width: a table look-up
        return _UNZIGZAG8[u]
    if u.dtype != np.uint64:
        x = u.astype(np.int64)
        return (x >> 1) ^ -(x & 1)
    return ((u >> np.uint64(1)) ^ (np.uint64(0) - (u & np.uint64(1)))).view(np.int64)


def _pack(values: np.ndarray) -> bytes:
    """Signed integers: a width code, then the zigzagged values' bytes, shuffled."""
    u = _zigzag(values)
    top = int(u.max()) if len(u) else 0
    code = 0 if top < 2**8 else 1 if top < 2**16 else 2 if top < 2**32 else 3
    packed = u.astype(_WIDTHS[code])
    shuffled = packed.view(np.uint8).reshape(len(packed), 1 << code).T
    return bytes([code]) + np.ascontiguousarray(shuffled).tobytes()


def _unpack(buf: memoryview, pos: int, count: int) -> tuple[np.ndarray, int]:
    if pos >= len(buf):
        raise codec.CodecError("power block ends early")
    code = buf[pos]
    if code > 3:
        raise codec.CodecError("power block holds an unknown integer width")
    width = 1 << code
    end = pos + 1 + width * count
    if end > len(buf):
        raise codec.CodecError("power block ends early")
    raw = np.frombuffer(buf[pos + 1 : end], np.uint8)
    if width > 1:
        raw = np.ascontiguousarray(raw.reshape(width, count).T)
    values = raw.view(_WIDTHS[code]).reshape(count)
    return _unzigzag(values), end


def _time_bits(t: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(t, np.float64).view(np.int64)


def encode(data: np.ndarray) -> bytes:
    """A block's blob from ``(n, 1 + len(COLUMNS))`` rows: time, then each column."""
    n = len(data)
    if not 0 < n < 2**16:
        raise ValueError(f"a power block holds 1 to 65535 samples, not {n}")
    parts = [struct.pack("<BHB", VERSION, n, len(COLUMNS))]
    bits = _time_bits(data[:, 0])
    first = np.diff(bits) if n > 1 else np.zeros(0, np.int64)
    parts.append(struct.pack("<q", int(bits[0])))
    parts.append(struct.pack("<q", int(first[0]) if len(first) else 0))
    parts.append(_pack(np.diff(first)))
    for i, name in enumerate(COLUMNS):
        values = data[:, i + 1]
        parts.append(_encode_field(name, values))
    return zlib.compress(b"".join(parts), 9)


def _encode_field(name: str, values: np.ndarray) -> bytes:
    label = name.encode()
    nan = np.isnan(values)
    decimals = DECIMALS.get(name)
    if nan.all():
        return struct.pack("<BbB", len(label), 0, _ABSENT) + label
    flags = _HAS_NAN if nan.any() else 0
    mask = np.packbits(nan).tobytes() if flags else b""
    finite = values[~nan]
    if decimals is not None and np.isfinite(finite).all():
        scaled = values * 10.0**decimals
        if float(np.max(np.abs(scaled[~nan]))) < _RAW_LIMIT:
            q = np.round(np.where(nan, 0.0, scaled)).astype(np.int64)
            if flags:  # a gap holds the value before it (the first one after): no deltas
                index = np.where(nan, 0, np.arange(len(q)))
                np.maximum.accumulate(index, out=index)
                first = int(np.argmin(nan))
                index[:first] = first
                q = q[index]
            head = struct.pack("<BbB", len(label), decimals, _QUANTISED | flags)
            return head + label + mask + struct.pack("<q", int(q[0])) + _pack(np.diff(q))
    head = struct.pack("<BbB", len(label), 0, _RAW)
    return head + label + np.ascontiguousarray(values, np.float64).tobytes()


def decode(blob: bytes) -> np.ndarray:
    """``(n, 1 + len(COLUMNS))`` rows of a block's blob; a field the blob does not hold
    (or one :data:`COLUMNS` does not name) reads as NaN. CodecError when damaged."""
    try:
        buf = memoryview(zlib.decompress(blob))
    except (zlib.error, TypeError, ValueError):
        raise codec.CodecError("power block is not zlib data") from None
    try:
        return _decode(buf)
    except (struct.error, ValueError, IndexError):
        raise codec.CodecError("power block is damaged") from None


def _decode(buf: memoryview) -> np.ndarray:
    version, n, count = struct.unpack_from("<BHB", buf, 0)
    if version != VERSION or n == 0:
        raise codec.CodecError(f"power block of unknown form {version}")
    t0, d0 = struct.unpack_from("<qq", buf, 4)
    dod, pos = _unpack(buf, 20, max(n - 2, 0))
    bits = np.zeros(n, np.int64)
    if n > 1:  # integer sums wrap around as the differences did: exact
        deltas = np.concatenate([np.zeros(1, np.int64), np.cumsum(dod)]) + np.int64(d0)
        bits[1:] = np.cumsum(deltas)
    bits += np.int64(t0)
    out = np.full((n, 1 + len(COLUMNS)), np.nan)
    out[:, 0] = bits.view(np.float64)
    where = {name: i + 1 for i, name in enumerate(COLUMNS)}
    for _ in range(count):
        size, decimals, mode = struct.unpack_from("<BbB", buf, pos)
        pos += 3
        name = bytes(buf[pos : pos + size]).decode()
        pos += size
        kind = mode & 3
        if kind == _ABSENT:
            continue
        if kind == _RAW:
            end = pos + 8 * n
            if end > len(buf):
                raise codec.CodecError("power block ends early")
            values = np.frombuffer(buf[pos:end], np.float64)
            pos = end
        elif kind == _QUANTISED:
            nan = None
            if mode & _HAS_NAN:
                end = pos + (n + 7) // 8
                nan = np.unpackbits(np.frombuffer(buf[pos:end], np.uint8), count=n).astype(bool)
                pos = end
            (first,) = struct.unpack_from("<q", buf, pos)
            diffs, pos = _unpack(buf, pos + 8, n - 1)
            q = np.empty(n, np.int64)
            q[0] = first
            np.cumsum(diffs, out=q[1:])
            q[1:] += first
            values = q / 10.0**decimals
            if nan is not None:
                values[nan] = np.nan
        else:
            raise codec.CodecError(f"power block field of unknown form {mode}")
        column = where.get(name)
        if column is not None:
            out[:, column] = values
    return out


# -- the table ------------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenBlock:
    """The last block as stored: its rows, so a write appends without reading it back."""

    rows: np.ndarray

    @property
    def t0(self) -> float:
        return float(self.rows[0, 0])

    def full(self) -> bool:
        return len(self.rows) >= BLOCK_SAMPLES


def _put(conn: sqlite3.Connection, rows: np.ndarray) -> None:
    conn.execute(
        f"INSERT OR REPLACE INTO {TABLE} (t0, t1, n, data) VALUES (?, ?, ?, ?)",
        (float(rows[0, 0]), float(rows[-1, 0]), len(rows), encode(rows)),
    )


def load_last(conn: sqlite3.Connection) -> OpenBlock | None:
    """The newest block of the file (None: none stored)."""
    row = conn.execute(f"SELECT data FROM {TABLE} ORDER BY t0 DESC LIMIT 1").fetchone()
    return None if row is None else OpenBlock(decode(row[0]))


def rows_of(t: np.ndarray, fields: dict[str, np.ndarray]) -> np.ndarray:
    """``(n, 1 + len(COLUMNS))`` rows from times and fields (NaN for a field not given)."""
    out = np.full((len(t), 1 + len(COLUMNS)), np.nan)
    out[:, 0] = t
    for i, name in enumerate(COLUMNS):
        if name in fields:
            out[:, i + 1] = np.asarray(fields[name], np.float64)
    return out


def append(
    conn: sqlite3.Connection, block: OpenBlock | None, rows: np.ndarray
) -> OpenBlock | None:
    """Store ``rows`` (sorted by time, none before the last stored; one at the last stored
    time replaces it) after ``block``, the last block as stored (None: the file has none).
    Inside the caller's transaction; returns the new last block."""
    if not len(rows):
        return block
    pending = rows
    if block is not None:
        kept = block.rows
        replace = bool(pending[0, 0] == kept[-1, 0])
        if replace:
            kept = kept[:-1]
        closed = len(kept) >= BLOCK_SAMPLES or pending[0, 0] >= block.t0 + BLOCK_SPAN_S
        if replace or not closed:  # rewritten under the same t0, with the new samples
            pending = np.concatenate([kept, pending]) if len(kept) else pending
    out: OpenBlock | None = None
    start = 0
    while start < len(pending):
        t = pending[start:, 0]
        stop = start + min(BLOCK_SAMPLES, int(np.searchsorted(t, t[0] + BLOCK_SPAN_S)))
        chunk = pending[start : max(stop, start + 1)]
        _put(conn, chunk)
        out = OpenBlock(chunk)
        start += len(chunk)
    return out


def write(
    conn: sqlite3.Connection,
    block: OpenBlock | None,
    last_t: float | None,
    t: np.ndarray,
    fields: dict[str, np.ndarray],
) -> tuple[OpenBlock | None, float | None]:
    """Store the samples at or after ``last_t`` (a sample at ``last_t`` replaces the stored
    one; of samples sharing a time the last given wins): ``(last block, last time)``.
    ``block`` is the last block as stored, or None to read it from the file."""
    t = np.asarray(t, np.float64)
    keep = t >= (last_t if last_t is not None else -np.inf)
    if not keep.any():
        return block, last_t
    rows = rows_of(t[keep], {k: np.asarray(v, np.float64)[keep] for k, v in fields.items()})
    order = np.argsort(rows[:, 0], kind="stable")
    rows = rows[order]
    last = np.append(rows[1:, 0] != rows[:-1, 0], True)  # the last of equal times wins
    rows = rows[last]
    if block is None:
        try:
            block = load_last(conn)
        except codec.CodecError:  # a damaged last block stays as it is (reads say so)
            block = None
    if block is not None and rows[0, 0] < block.rows[-1, 0]:
        rows = rows[rows[:, 0] >= block.rows[-1, 0]]
        if not len(rows):
            return block, last_t
    block = append(conn, block, rows)
    return block, float(rows[-1, 0])


def _blocks(conn: sqlite3.Connection, lo: float, hi: float) -> list[bytes]:
    first = conn.execute(
        f"SELECT t0, t1 FROM {TABLE} WHERE t0 <= ? ORDER BY t0 DESC LIMIT 1", (float(lo),)
    ).fetchone()
    begin = float(first[0]) if first is not None and first[1] >= lo else float(lo)
    return [r[0] for r in conn.execute(
        f"SELECT data FROM {TABLE} WHERE t0 >= ? AND t0 <= ? ORDER BY t0", (begin, float(hi))
    )]


def read(conn: sqlite3.Connection, lo: float, hi: float) -> np.ndarray:
    """Samples with ``lo <= t <= hi`` as ``(n, 1 + len(COLUMNS))`` rows, in time order (from
    the one-row-a-sample table in a file from before schema 10)."""
    width = 1 + len(COLUMNS)
    if not has_blocks(conn):
        return _read_legacy(conn, lo, hi)
    parts = [decode(blob) for blob in _blocks(conn, lo, hi)]
    if not parts:
        return np.zeros((0, width))
    data = np.concatenate(parts) if len(parts) > 1 else parts[0]
    first = int(np.searchsorted(data[:, 0], lo, side="left"))
    after = int(np.searchsorted(data[:, 0], hi, side="right"))
    return data[first:after]


def _read_legacy(conn: sqlite3.Connection, lo: float, hi: float) -> np.ndarray:
    rows = conn.execute(
        f"SELECT t, {', '.join(COLUMNS)} FROM {LEGACY} WHERE t BETWEEN ? AND ? ORDER BY t",
        (float(lo), float(hi)),
    ).fetchall()
    return np.array(rows, np.float64).reshape(len(rows), len(COLUMNS) + 1)


def last_time(conn: sqlite3.Connection, horizon: float = math.inf) -> float | None:
    """The newest sample's time at or before ``horizon`` (None: none)."""
    if not has_blocks(conn):
        value = conn.execute(
            f"SELECT max(t) FROM {LEGACY} WHERE t <= ?", (float(horizon),)
        ).fetchone()[0]
        return None if value is None else float(value)
    row = conn.execute(
        f"SELECT t1, data, t0 FROM {TABLE} WHERE t0 <= ? ORDER BY t0 DESC LIMIT 1",
        (float(horizon),),
    ).fetchone()
    if row is None:
        return None
    if row[0] <= horizon:
        return float(row[0])
    try:
        t = decode(row[1])[:, 0]
    except codec.CodecError:  # damaged: its first time is all that can be told
        return float(row[2])
    return float(t[t <= horizon][-1])


def count_after(conn: sqlite3.Connection, horizon: float) -> int:
    """Samples stamped after ``horizon``."""
    total = 0
    for t0, n, data in conn.execute(
        f"SELECT t0, n, data FROM {TABLE} WHERE t1 > ?", (float(horizon),)
    ):
        try:
            total += int(n) if t0 > horizon else int((decode(data)[:, 0] > horizon).sum())
        except codec.CodecError:  # damaged: dropped whole (drop_after)
            total += int(n)
    return total


def drop_after(conn: sqlite3.Connection, horizon: float) -> int:
    """Delete the samples stamped after ``horizon`` (a block across it keeps the rest, but
    for a damaged one, deleted whole); returns the samples deleted."""
    gone = count_after(conn, horizon)
    for t0, data in conn.execute(
        f"SELECT t0, data FROM {TABLE} WHERE t0 <= ? AND t1 > ?", (float(horizon),) * 2
    ).fetchall():
        try:
            rows = decode(data)
        except codec.CodecError:
            conn.execute(f"DELETE FROM {TABLE} WHERE t0 = ?", (t0,))
            continue
        _put(conn, rows[rows[:, 0] <= horizon])
    conn.execute(f"DELETE FROM {TABLE} WHERE t0 > ?", (float(horizon),))
    return gone


def delete_before(
    conn: sqlite3.Connection, cutoff: float, windows: Sequence[tuple[float, float]] = ()
) -> int:
    """Delete the blocks whose samples are all before ``cutoff`` and that reach into no
    window of ``windows`` (kept at full resolution); returns the samples deleted."""
    clause = " AND ".join("NOT (t1 >= ? AND t0 <= ?)" for _ in windows) or "1"
    params = [v for w in windows for v in w]
    where = f"t1 < ? AND {clause}"
    gone = conn.execute(
        f"SELECT coalesce(sum(n), 0) FROM {TABLE} WHERE {where}", (float(cutoff), *params)
    ).fetchone()[0]
    conn.execute(f"DELETE FROM {TABLE} WHERE {where}", (float(cutoff), *params))
    return int(gone)


def oldest_quarter(conn: sqlite3.Connection) -> float | None:
    """A cutoff that takes about the oldest quarter of the blocks (all of a few)."""
    count = conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
    if not count:
        return None
    row = conn.execute(
        f"SELECT t0 FROM {TABLE} ORDER BY t0 LIMIT 1 OFFSET ?", (max(count // 4, 1),)
    ).fetchone()
    if row is None:
        row = conn.execute(f"SELECT max(t1) + 1 FROM {TABLE}").fetchone()
    return float(row[0])


def samples(conn: sqlite3.Connection) -> int:
    """Samples stored."""
    return int(conn.execute(f"SELECT coalesce(sum(n), 0) FROM {TABLE}").fetchone()[0])


def migrate_rows(conn: sqlite3.Connection) -> None:
    """Schema 9 -> 10: the one-row-a-sample table's rows into blocks, then drop it."""
    create(conn)
    block: OpenBlock | None = None
    cursor = conn.execute(f"SELECT t, {', '.join(COLUMNS)} FROM {LEGACY} ORDER BY t")
    while True:
        batch = cursor.fetchmany(BLOCK_SAMPLES * 8)
        if not batch:
            break
        rows = np.array(batch, np.float64).reshape(len(batch), len(COLUMNS) + 1)
        block = append(conn, block, rows)
    conn.execute(f"DROP TABLE {LEGACY}")
