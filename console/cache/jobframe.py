"""The job queue in the cache as columns: binary keyframes and deltas applied to arrays.

A keyframe holds every job. Numbers are stored as raw little-endian arrays; text
and rack lists are dictionary-encoded (each distinct value once, then an int32
code per job), which is what makes reading a keyframe back a few array
operations instead of parsing thousands of JSON records.

Layout of a keyframe blob::

    magic   b"HJQ2"
    <I header length, header JSON {"n": jobs, "columns": [[name, kind, size, crc32], ...]}
    then each column on its own, in header order: ``size`` bytes of zlib( payload )
    (``crc32`` of those bytes), where the payload is the int64 / float64 values
    byte-shuffled ("i8" | "f8"), or for text ("cat") <I length, the JSON list of its
    distinct values, then an int32 code per job into it, byte-shuffled.

A column is decompressed when it is first used (:class:`LazyKeyframe`): a review's jump
reads the ids and the counts' few columns of a queue of twenty, not the whole queue. The
blob is checked whole when read (its layout, each column's checksum), each column's codes
when it is made. Keyframes of older files (schema 12 and before) are one zlib stream::

    magic   b"HJQ1"
    body    zlib( <I header length, header JSON, arrays ) where the header is
            {"n": jobs, "columns": [[name, "i8" | "f8" | "cat", values | null], ...]}
            and each column's array follows in header order, byte-shuffled:
            int64 / float64 values, or int32 codes into ``values``.

Deltas stay small JSON documents (``changed_columns``: the changed jobs as
columns, or ``changed`` records in older files; ``removed`` ids; and, when the
order is not the natural one, ``ids``); :func:`apply_delta` applies one to
the columns without rebuilding the rest of the queue.
"""

from __future__ import annotations

import json
import math
import struct
import zlib
from collections.abc import Iterator, Mapping
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np

from console.cache import codec
from console.cache.codec import CodecError
from console.decode import (
    JOB_COLUMNS,
    apply_job_changes,
    id_positions,
    job_column,
    job_columns_from_records,
)
from console.model import frozen

MAGIC = b"HJQ2"
MAGIC_WHOLE = b"HJQ1"
"""The keyframes of older files: every column in one zlib stream (still read)."""
_LENGTH = struct.Struct("<I")
_LEVEL = 6
_DTYPE: dict[str, np.dtype] = {
    "i8": np.dtype("<i8"), "f8": np.dtype("<f8"), "cat": np.dtype("<i4"),
}
_KINDS = {np.int64: "i8", np.float64: "f8", object: "cat"}

Columns = Mapping[str, np.ndarray]
"""A queue's columns: a dict, or :class:`LazyColumns` after deltas read back."""
_NAMES = tuple(name for name, _ in JOB_COLUMNS)
_DTYPES = dict(JOB_COLUMNS)
LAZY_DELTAS = 2
"""Deltas a queue read back is left lazy over one by one (:class:`LazyColumns`): a queue
polled slowly (a review of a file whose keyframes are a few deltas apart); past that many
(a live console's chains of small deltas) a run of them is merged into one step first."""
LAZY_DEPTH = 12
"""Steps (deltas, or runs of them merged) a queue read back is left lazy over: a review's
jump far down a chain (up to ``keyframe_every`` rows, read a mark at a time) makes only the
columns the window shows at once (the state and task counts) through a step per mark, not
the whole queue at every mark; past that many steps it is made whole."""


def _json_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _factorize(values: np.ndarray) -> tuple[list[Any], np.ndarray]:
    """``(distinct values in first-seen order, int32 code per value)``."""
    index: dict[Any, int] = {}
    codes = np.fromiter(
        (index.setdefault(v, len(index)) for v in map(_json_value, values.tolist())),
        dtype=np.int32,
        count=len(values),
    )
    return list(index), codes


def encode(columns: Mapping[str, np.ndarray]) -> bytes:
    """A keyframe blob of the queue's :data:`JOB_COLUMNS` columns.

    Raises TypeError or ValueError for values that cannot be stored this way
    (the caller then stores the JSON form).
    """
    present = [(name, dtype) for name, dtype in JOB_COLUMNS if name in columns]
    lengths = {len(columns[name]) for name, _ in present}
    if len(lengths) > 1:
        raise ValueError("job columns differ in length")
    n = lengths.pop() if lengths else 0
    header: list[list[Any]] = []
    chunks: list[bytes] = []
    for name, dtype in present:
        kind = _KINDS[dtype]
        if kind == "cat":
            values, codes = _factorize(columns[name])
            text = json.dumps(values, separators=(",", ":"), allow_nan=False).encode()
            payload = _LENGTH.pack(len(text)) + text + codec.shuffle(codes.astype("<i4"))
        else:
            payload = codec.shuffle(np.asarray(columns[name]).astype(_DTYPE[kind]))
        chunk = zlib.compress(payload, _LEVEL)
        header.append([name, kind, len(chunk), zlib.crc32(chunk)])
        chunks.append(chunk)
    text = json.dumps({"n": n, "columns": header}, separators=(",", ":")).encode()
    return b"".join([MAGIC, _LENGTH.pack(len(text)), text, *chunks])


def is_keyframe(blob: bytes) -> bool:
    """True for a blob written by :func:`encode` (or by an older file's)."""
    return bytes(blob[: len(MAGIC)]) in (MAGIC, MAGIC_WHOLE)


_LATER = object()
"""In a stored entry's values: the column is still its compressed bytes."""


def _stored(blob: bytes) -> tuple[int, dict[str, tuple[str, Any, Any]]]:
    """A keyframe's job count and stored columns (``name -> (kind, values, raw array)``;
    ``(kind, _LATER, compressed bytes)`` for a column not read yet, see :func:`_unpacked`),
    checked: the layout and each column's checksum (the codes of an older file's too)."""
    if bytes(blob[: len(MAGIC)]) != MAGIC:
        return _stored_whole(blob)
    try:
        view = memoryview(blob)[len(MAGIC):]
        (size,) = _LENGTH.unpack_from(view)
        header = json.loads(bytes(view[_LENGTH.size : _LENGTH.size + size]))
        n = int(header["n"])
        offset = _LENGTH.size + size
        stored: dict[str, tuple[str, Any, Any]] = {}
        for name, kind, length, crc in header["columns"]:
            if kind not in _DTYPE or not isinstance(length, int) or length < 0:
                raise CodecError(f"job keyframe column {name!r} is damaged")
            chunk = view[offset : offset + length]
            offset += length
            if len(chunk) != length or zlib.crc32(chunk) != crc:
                raise CodecError(f"job keyframe column {name!r} is damaged")
            stored[name] = (kind, _LATER, chunk)
        if offset != len(view) or n < 0:
            raise CodecError("job keyframe is damaged (its length)")
    except CodecError:
        raise
    except (ValueError, KeyError, TypeError, struct.error) as exc:
        raise CodecError(f"job keyframe is damaged ({exc})") from None
    return n, stored


def _unpacked(name: str, kind: str, chunk: Any, n: int) -> tuple[Any, np.ndarray]:
    """A column's values table (text) and raw array, from its compressed bytes."""
    try:
        body = memoryview(zlib.decompress(chunk))
        values: Any = None
        if kind == "cat":
            (size,) = _LENGTH.unpack_from(body)
            values = json.loads(bytes(body[_LENGTH.size : _LENGTH.size + size]))
            body = body[_LENGTH.size + size :]
            if not isinstance(values, list):
                raise CodecError(f"job keyframe column {name!r} is damaged")
        raw = codec.unshuffle(body, _DTYPE[kind], n)
    except CodecError:
        raise
    except (zlib.error, ValueError, TypeError, struct.error) as exc:
        raise CodecError(f"job keyframe column {name!r} is damaged ({exc})") from None
    if kind == "cat" and n and (raw.min() < 0 or raw.max() >= len(values)):
        raise CodecError(f"job keyframe column {name!r} is damaged")
    return values, raw


def _stored_whole(blob: bytes) -> tuple[int, dict[str, tuple[str, Any, Any]]]:
    """:func:`_stored` of an older file's keyframe (:data:`MAGIC_WHOLE`): every column
    read at once."""
    try:
        body = memoryview(zlib.decompress(bytes(blob[len(MAGIC_WHOLE) :])))
        (size,) = _LENGTH.unpack_from(body)
        header = json.loads(bytes(body[_LENGTH.size : _LENGTH.size + size]))
        n = int(header["n"])
        offset = _LENGTH.size + size
        stored: dict[str, tuple[str, Any, Any]] = {}
        for name, kind, values in header["columns"]:
            dtype = _DTYPE[kind]
            end = offset + n * dtype.itemsize
            if end > len(body):
                raise CodecError(f"job keyframe column {name!r} is truncated")
            raw = codec.unshuffle(body[offset:end], dtype, n)
            offset = end
            if kind == "cat" and n and (raw.min() < 0 or raw.max() >= len(values)):
                raise CodecError(f"job keyframe column {name!r} is damaged")
            stored[name] = (kind, values, raw)
    except CodecError:
        raise
    except (zlib.error, ValueError, KeyError, TypeError, struct.error) as exc:
        raise CodecError(f"job keyframe is damaged ({exc})") from None
    return n, stored


def _keyframe_column(name: str, entry: tuple[str, Any, Any], n: int) -> np.ndarray:
    """A stored keyframe column as the queue holds it."""
    kind, values, raw = entry
    if values is _LATER:
        values, raw = _unpacked(name, kind, raw, n)
    if kind == "cat":
        table = np.empty(len(values), dtype=object)
        for i, v in enumerate(values):
            table[i] = tuple(v) if isinstance(v, list) else v
        return table[raw]
    return raw.astype(np.int64 if kind == "i8" else np.float64)


def decode(blob: bytes) -> Columns:
    """Every :data:`JOB_COLUMNS` column of a keyframe (missing ones as None or NaN)."""
    n, stored = _stored(blob)
    return _complete({name: _keyframe_column(name, entry, n) for name, entry in stored.items()},
                     n)


def _complete(stored: Mapping[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name, dtype in JOB_COLUMNS:
        column = stored.get(name)
        out[name] = column if column is not None else job_column(name, dtype, [None] * n, n)
    return out


def from_json(doc: Mapping[str, Any]) -> Columns:
    """The columns of a JSON keyframe (``{"names": [...], "columns": [[...], ...]}``)."""
    names, lists = doc["names"], doc["columns"]
    n = len(lists[0]) if lists else 0
    if any(len(values) != n for values in lists):
        raise CodecError("job keyframe columns differ in length")
    dtypes = dict(JOB_COLUMNS)
    stored = {
        name: job_column(name, dtypes[name], values, n)
        for name, values in zip(names, lists, strict=True)
        if name in dtypes
    }
    return _complete(stored, n)


def apply_delta(columns: Columns, doc: Mapping[str, Any]) -> Columns:
    """The queue after a stored delta: ``removed`` ids dropped, changed jobs replaced
    in place or appended, then ordered by ``ids`` when the delta gives it."""
    update: Columns | None = None
    if doc.get("changed"):  # records, as older files hold them
        update = job_columns_from_records(doc["changed"])
    elif doc.get("changed_columns") and doc["changed_columns"]["columns"]:
        update = from_json(doc["changed_columns"])
    return apply_job_changes(columns, update, doc.get("removed", ()), doc.get("ids"))


def _merged(deltas: list[Mapping[str, Any]]) -> tuple[dict[str, Any], list[Any]] | None:
    """One delta doing what ``deltas`` do one after the other, as ``(changed columns,
    removed ids)``; None when they cannot be merged (records of older files, columns of
    different names, an id that is not a whole number, an order but on the last)."""
    names: list[str] | None = None
    net: dict[int, tuple[int, int]] = {}  # id -> (delta, row), in the order of appending
    removed: list[Any] = []
    for d, doc in enumerate(deltas):
        if doc.get("changed") or ("ids" in doc and d != len(deltas) - 1):
            return None
        for job_id in doc.get("removed", ()):
            if type(job_id) is not int:
                return None
            net.pop(job_id, None)  # gone; if changed later, appended again then
        removed.extend(doc.get("removed", ()))
        changed = doc.get("changed_columns")
        if not changed or not changed["columns"]:
            continue
        if names is None:
            names = list(changed["names"])
        if list(changed["names"]) != names or "id" not in names:
            return None
        for row, job_id in enumerate(changed["columns"][names.index("id")]):
            if type(job_id) is not int:
                return None
            net[job_id] = (d, row)  # a job already there keeps its place
    if not net or names is None:
        return {"names": names or [], "columns": [[] for _ in names or ()]}, removed
    # Every delta's rows one after the other, then the rows kept, in their order.
    offsets, total = [], 0
    for doc in deltas:
        offsets.append(total)
        changed = doc.get("changed_columns")
        total += len(changed["columns"][0]) if changed and changed["columns"] else 0
    pick = itemgetter(*[offsets[d] + row for d, row in net.values()])
    columns = []
    for c in range(len(names)):
        flat = list(chain.from_iterable(
            doc["changed_columns"]["columns"][c] for doc in deltas
            if doc.get("changed_columns") and doc["changed_columns"]["columns"]))
        picked = pick(flat)
        columns.append(list(picked) if len(net) > 1 else [picked])
    return {"names": names, "columns": columns}, removed


def apply_deltas(columns: Columns, deltas: list[Mapping[str, Any]]) -> Columns:
    """The queue after ``deltas`` applied in turn, in one pass over the queue where they
    merge (:func:`_merged`), one by one otherwise."""
    merged = _merged(deltas) if len(deltas) > 1 else None
    if merged is None:
        for doc in deltas:
            columns = apply_delta(columns, doc)
        return columns
    changed, removed = merged
    update = from_json(changed) if changed["columns"] and changed["columns"][0] else None
    if update is not None and update["id"].tolist() != changed["columns"][changed["names"].index("id")]:
        for doc in deltas:  # an id the columns do not keep as it is (out of range): in turn
            columns = apply_delta(columns, doc)
        return columns
    return apply_job_changes(columns, update, removed, deltas[-1].get("ids"))


class _Step:
    """One stored delta of columns (``changed_columns``), applied as :func:`apply_delta`
    applies it but one column at a time: the changed jobs' numbers are read (and checked)
    at once, their text when its column is made (cleaning text never fails); where each
    job goes is worked out once, from the ids (:meth:`plan`)."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        changed = doc.get("changed_columns")
        self.removed = doc.get("removed", ())
        self.order = doc.get("ids")
        self.changed = bool(changed and changed["columns"])
        self._raw: dict[str, Any] = {}
        self._made: dict[str, np.ndarray] = {}
        self.n = 0
        if changed and self.changed:
            lists = changed["columns"]
            self.n = len(lists[0])
            if any(len(values) != self.n for values in lists):
                raise CodecError("job keyframe columns differ in length")
            self._raw = {name: values for name, values in
                         zip(changed["names"], lists, strict=True) if name in _DTYPES}
            for name in _NAMES:
                if _DTYPES[name] is not object:
                    self.update(name)
        self._plan: tuple[Any, ...] | None = None

    def update(self, name: str) -> np.ndarray:
        """The changed jobs' column ``name`` (as :func:`from_json` reads it)."""
        made = self._made.get(name)
        if made is None:
            values = self._raw.get(name)
            made = job_column(name, _DTYPES[name], [None] * self.n if values is None
                              else values, self.n)
            made = self._made.setdefault(name, made)
        return made

    def ids(self, before: np.ndarray) -> np.ndarray:
        """The ids after this delta, from the ids ``before`` it (by
        :func:`console.decode.apply_job_changes` itself, which checks the removed ids and
        the order), and the plan the other columns follow."""
        update = {"id": self.update("id")} if self.changed else None
        after = apply_job_changes({"id": before}, update, self.removed, self.order)["id"]
        keep = None
        if len(self.removed):
            keep = ~np.isin(before, np.asarray(self.removed, dtype=np.int64))
        kept = before if keep is None else before[keep]
        rows = where = new = None
        if update is not None and self.n:
            ids = update["id"]
            ordered = np.sort(ids)
            if not (ordered[1:] == ordered[:-1]).any():
                rows = np.arange(len(ids))
            else:  # the last record of an id wins, as apply_job_changes has it
                latest = {i: k for k, i in enumerate(ids.tolist())}
                rows = np.fromiter(latest.values(), dtype=np.intp, count=len(latest))
            where = id_positions(kept, ids[rows])
            new = where < 0
        pick = None
        if self.order is not None:
            grown = kept if rows is None or new is None or not new.any() else np.concatenate(
                [kept, self.update("id")[rows][new]])
            at = id_positions(grown, np.asarray(self.order, dtype=np.int64))
            pick = at[at >= 0]
        self._plan = (keep, rows, where, new, pick)
        return after

    def apply(self, column: np.ndarray, name: str) -> np.ndarray:
        """Column ``name`` after this delta, from the column before it (after
        :meth:`ids`)."""
        assert self._plan is not None
        keep, rows, where, new, pick = self._plan
        out = column if keep is None else column[keep]
        if rows is not None and where is not None and new is not None:
            values = self.update(name)[rows]
            out = out.copy()
            out[where[~new]] = values[~new]
            if new.any():
                out = np.concatenate([out, values[new]])
        if pick is not None:
            out = out[pick]
        return out


class LazyColumns(Mapping[str, np.ndarray]):
    """A job queue after stored deltas, each column made (read-only) when first asked for.

    A review's jump reads the queue in force there, and the window shows at once only its
    counts (the state and task columns), the table when its tab is brought to the front:
    the ids are applied at once (which checks the delta's removed ids and order), every
    other column when it is used. Only this queue keeps what it made; a queue read after it
    (the next delta) makes its column from this one's again.
    """

    def __init__(self, base: Columns, step: _Step) -> None:
        self.base, self.step = base, step
        self.depth: int = (base.depth if isinstance(base, LazyColumns) else 0) + 1
        """Deltas since the last whole queue."""
        self._made: dict[str, np.ndarray] = {"id": frozen(step.ids(base["id"]))}

    def __getitem__(self, name: str) -> np.ndarray:
        made = self._made.get(name)
        if made is None:
            if name not in _DTYPES:
                raise KeyError(name)
            made = self._made.setdefault(name, self._make(name))
        return made

    def __contains__(self, name: object) -> bool:
        return name in _DTYPES

    def __iter__(self) -> Iterator[str]:
        return iter(_NAMES)

    def __len__(self) -> int:
        return len(_NAMES)

    def _column(self, name: str) -> np.ndarray:
        """Column ``name``, kept only when made already (a queue below the one asked for)."""
        made = self._made.get(name)
        return made if made is not None else self._make(name)

    def _make(self, name: str) -> np.ndarray:
        base = self.base
        column = base._column(name) if isinstance(base, LazyColumns) else base[name]
        return frozen(self.step.apply(column, name))

    def whole(self) -> dict[str, np.ndarray]:
        """Every column, made."""
        return {name: self[name] for name in _NAMES}


class LazyKeyframe(LazyColumns):
    """A stored keyframe, checked whole at once (its layout and checksums), each column
    decompressed and made into what the queue holds (text through its table) when first
    asked for."""

    def __init__(self, blob: bytes) -> None:
        self.n, self._stored = _stored(blob)
        self.depth = 0
        self._made = {"id": self._make("id")}

    def _make(self, name: str) -> np.ndarray:
        entry = self._stored.get(name)
        if entry is None:
            return frozen(job_column(name, _DTYPES[name], [None] * self.n, self.n))
        return frozen(_keyframe_column(name, entry, self.n))

    def _column(self, name: str) -> np.ndarray:
        return self[name]  # kept: the deltas over it (and the next jumps) read it again


def _apply_run(columns: Columns, run: list[Mapping[str, Any]]) -> Columns:
    """``run`` (deltas) applied to ``columns``: lazily (:class:`LazyColumns`), a step a
    delta while the queue stays within :data:`LAZY_DELTAS` of a whole one, else the run
    merged into one step (:func:`_merged_step`) while it stays within :data:`LAZY_DEPTH`
    steps (made whole first past that); in one pass over the whole queue where the run
    cannot be merged (:func:`apply_deltas`: records of older files, columns of another
    set)."""
    depth = columns.depth if isinstance(columns, LazyColumns) else 0
    if any(doc.get("changed") for doc in run):
        step = None
    elif depth + len(run) <= LAZY_DELTAS:
        for doc in run:
            columns = LazyColumns(columns, _Step(doc))
        return columns
    else:
        step = _merged_step(run)
    if isinstance(columns, LazyColumns) and (step is None or depth + 1 > LAZY_DEPTH):
        columns = columns.whole()
    if step is None:
        return apply_deltas(columns, run)
    return LazyColumns(columns, step)


def _merged_step(run: list[Mapping[str, Any]]) -> _Step | None:
    """One step doing what the deltas of ``run`` do one after the other (:func:`_merged`);
    None when they cannot be merged, or a job's id would not be kept as stored (out of
    range: the deltas are then applied in turn)."""
    if len(run) == 1:
        return _Step(run[0])
    merged = _merged(run)
    if merged is None:
        return None
    changed, removed = merged
    doc: dict[str, Any] = {"changed_columns": changed, "removed": removed}
    if "ids" in run[-1]:
        doc["ids"] = run[-1]["ids"]
    step = _Step(doc)
    if step.changed and step.update("id").tolist() != changed["columns"][
            changed["names"].index("id")]:
        return None
    return step


def load_many(blobs: list[bytes], previous: Columns | None) -> Columns:
    """Apply stored jobs rows in turn (as :func:`load` each), deltas in runs: lazily
    over a whole queue, or merged (:func:`_apply_run`)."""
    run: list[Mapping[str, Any]] = []
    columns = previous
    try:
        for blob in blobs:
            doc = None if is_keyframe(blob) else codec.unpack_json(blob)
            if isinstance(doc, dict) and "columns" not in doc:
                if columns is None and not run:
                    raise CodecError("job queue delta without its keyframe")
                run.append(doc)
                if "ids" in doc:  # a new order: the run ends with it
                    assert columns is not None
                    columns, run = _apply_run(columns, run), []
                continue
            # a keyframe: what came before does not matter
            columns = LazyKeyframe(blob) if doc is None else load(blob, columns)
            run = []
        if run:
            assert columns is not None
            columns = _apply_run(columns, run)
    except CodecError:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise CodecError(f"stored job queue is damaged ({exc})") from None
    if columns is None:
        raise CodecError("stored job queue has no keyframe")
    return columns


def load(doc_or_blob: bytes, previous: Columns | None) -> Columns:
    """Apply one stored jobs row (keyframe blob, JSON keyframe or delta) to ``previous``."""
    if is_keyframe(doc_or_blob):
        return decode(doc_or_blob)
    doc = codec.unpack_json(doc_or_blob)
    if not isinstance(doc, dict):
        raise CodecError("stored job queue is not a document")
    try:
        if "columns" in doc:
            return from_json(doc)
        if previous is None:
            raise CodecError("job queue delta without its keyframe")
        return apply_delta(previous, doc)
    except CodecError:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise CodecError(f"stored job queue is damaged ({exc})") from None
