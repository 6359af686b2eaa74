"""Compact encoding of per-poll rack arrays and of JSON documents.

A *frame* is a ``(fields, racks)`` float array (one row per field, racks in site
order). It is quantised to 0.1 unit and stored either as a keyframe (absolute
values) or as int16 deltas against the previous frame of the same series. Each
field is compressed on its own (byte-shuffled, then zlib) so a history of one
field decodes without touching the others. NaN is kept as a reserved int16
sentinel; values too large for int16 fall back to an int32 keyframe.

Layout of a frame blob::

    header  <BBHI : format version, mode, n_fields, n_racks
    sizes   n_fields x <I : compressed length of each field's chunk
    chunks  zlib(byte-shuffled int16 or int32 values), one per field
"""

from __future__ import annotations

import json
import math
import struct
import sys
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from console.decode import loads_json

FORMAT = 1
KEY16 = 0
DELTA16 = 1
KEY32 = 2
SCALE = 10.0
"""Quantisation step is 1 / SCALE (0.1 unit)."""
NAN16 = -32768
NAN32 = -(2**31)
_LIMIT16 = 32767
_HEADER = struct.Struct("<BBHI")
_LEVEL = 6
"""zlib level of stored JSON documents and of keyframes."""
_DELTA_STRATEGY = zlib.Z_RLE
"""Delta chunks are run-length coded (zlib's Z_RLE, a plain zlib stream every reader
reads): a poll's changes, byte-shuffled, are runs of zero (and 0xFF) high bytes with
small low bytes, which Z_RLE codes smaller than the default match search (full site:
~10.6 against ~10.9 kB a poll) at a tenth of its time (~0.5 against ~5 ms)."""


class CodecError(ValueError):
    """A blob that cannot be decoded (damaged or from an unknown format)."""


def quantise(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(q, nan)``: values x 10 rounded to int64 (0 where NaN) and the NaN mask."""
    arr = np.asarray(values, dtype=np.float64)
    nan = ~np.isfinite(arr)
    q = np.rint(np.where(nan, 0.0, arr) * SCALE)
    # Anything beyond int32 cannot be a real rack reading; keep it as "no data".
    huge = np.abs(q) >= 2**31 - 1
    if huge.any():
        nan = nan | huge
        q[huge] = 0
    return q.astype(np.int64), nan


def shuffle(values: np.ndarray) -> bytes:
    """Group the bytes of each significance together (compresses far better)."""
    width = values.dtype.itemsize
    return values.view(np.uint8).reshape(-1, width).T.tobytes()


def _from_planes(planes: np.ndarray, dtype: Any) -> np.ndarray:
    """``(..., width, n)`` bytes grouped by significance (least first) -> ``(..., n)``
    values: each plane widened and shifted into place (far quicker than a strided copy)."""
    dt = np.dtype(dtype)
    width = dt.itemsize
    if width == 1 or sys.byteorder != "little":
        moved = np.moveaxis(planes, -2, -1)
        return np.ascontiguousarray(moved).view(dt).reshape(planes.shape[:-2] + planes.shape[-1:])
    unsigned = np.dtype(f"u{width}")
    out = planes[..., 0, :].astype(unsigned)
    for b in range(1, width):
        out |= planes[..., b, :].astype(unsigned) << unsigned.type(8 * b)
    return out.view(dt)


def unshuffle(data: bytes | memoryview, dtype: Any, n: int) -> np.ndarray:
    width = np.dtype(dtype).itemsize
    raw = np.frombuffer(data, np.uint8)
    if raw.size != n * width:
        raise CodecError("frame chunk has the wrong length")
    return _from_planes(raw.reshape(width, n), dtype)


def encode_frame(q: np.ndarray, nan: np.ndarray, previous: np.ndarray | None) -> tuple[bytes, bool]:
    """Encode a quantised frame; returns ``(blob, is_keyframe)``.

    ``previous`` is the previous frame's reference values (see :func:`reference`)
    or None to force a keyframe. Deltas that do not fit int16 force a keyframe.
    """
    n_fields, n = q.shape
    ref = np.where(nan, 0, q)
    mode = KEY16
    if previous is not None and previous.shape == q.shape:
        delta = ref - previous
        if not (np.abs(delta[~nan]) > _LIMIT16).any():
            mode = DELTA16
            values = np.where(nan, NAN16, delta).astype(np.int16)
    if mode != DELTA16:
        if (np.abs(ref) > _LIMIT16).any():
            mode = KEY32
            values = np.where(nan, NAN32, ref).astype(np.int32)
        else:
            values = np.where(nan, NAN16, ref).astype(np.int16)
    if mode == DELTA16:
        chunks = [_rle(shuffle(np.ascontiguousarray(row))) for row in values]
    else:
        chunks = [zlib.compress(shuffle(np.ascontiguousarray(row)), _LEVEL) for row in values]
    header = _HEADER.pack(FORMAT, mode, n_fields, n)
    sizes = struct.pack(f"<{n_fields}I", *(len(c) for c in chunks))
    return header + sizes + b"".join(chunks), mode != DELTA16


def _rle(data: bytes) -> bytes:
    """``data`` as a zlib stream coded with :data:`_DELTA_STRATEGY`."""
    packer = zlib.compressobj(_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS, 8, _DELTA_STRATEGY)
    return packer.compress(data) + packer.flush()


def reference(q: np.ndarray, nan: np.ndarray) -> np.ndarray:
    """The values the next delta frame is taken against (NaN counts as 0)."""
    return np.where(nan, 0, q)


def frame_info(blob: bytes) -> tuple[int, int, int]:
    """``(mode, n_fields, n_racks)`` of a frame blob."""
    if len(blob) < _HEADER.size:
        raise CodecError("frame blob is truncated")
    version, mode, n_fields, n = _HEADER.unpack_from(blob)
    if version != FORMAT or mode not in (KEY16, DELTA16, KEY32):
        raise CodecError(f"unknown frame format {version}/{mode}")
    return mode, n_fields, n


def decode_field(
    blob: bytes, index: int, previous: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Decode field ``index`` of a frame: ``(reference int64 values, nan mask)``.

    ``previous`` is the reference row of the same field in the previous frame
    (required for delta frames).
    """
    mode, n_fields, n = frame_info(blob)
    if not 0 <= index < n_fields:
        raise CodecError(f"frame has no field #{index}")
    sizes = struct.unpack_from(f"<{n_fields}I", blob, _HEADER.size)
    offset = _HEADER.size + 4 * n_fields + sum(sizes[:index])
    try:
        data = zlib.decompress(blob[offset : offset + sizes[index]])
    except zlib.error as exc:
        raise CodecError(f"frame chunk is damaged ({exc})") from None
    if mode == KEY32:
        raw = unshuffle(data, np.int32, n).astype(np.int64)
        nan = raw == NAN32
    else:
        raw = unshuffle(data, np.int16, n).astype(np.int64)
        nan = raw == NAN16
    raw[nan] = 0
    if mode == DELTA16:
        if previous is None or previous.shape != raw.shape:
            raise CodecError("delta frame without its previous frame")
        raw = previous + raw
        raw[nan] = 0
    return raw, nan


def decode_frame(blob: bytes, previous: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Decode every field: ``(reference (F, N) int64, nan (F, N) bool)``.

    ``previous`` is the previous frame's reference (required for delta frames)."""
    mode, n_fields, n = frame_info(blob)
    dtype = np.int32 if mode == KEY32 else np.int16
    width = np.dtype(dtype).itemsize
    try:
        sizes = struct.unpack_from(f"<{n_fields}I", blob, _HEADER.size)
    except struct.error:
        raise CodecError("frame blob is truncated") from None
    offset = _HEADER.size + 4 * n_fields
    chunks = []
    try:
        for size in sizes:
            chunks.append(zlib.decompress(blob[offset : offset + size]))
            offset += size
    except zlib.error as exc:
        raise CodecError(f"frame chunk is damaged ({exc})") from None
    if any(len(c) != n * width for c in chunks):
        raise CodecError("frame chunk has the wrong length")
    # Every field's chunk is the bytes of its values, grouped by significance: undo it at once.
    values = _from_planes(np.frombuffer(b"".join(chunks), np.uint8).reshape(n_fields, width, n),
                          dtype)
    nan = values == (NAN32 if mode == KEY32 else NAN16)
    ref = values.astype(np.int64)
    if mode == DELTA16:
        if previous is None or previous.shape != ref.shape:
            raise CodecError("delta frame without its previous frame")
        ref += previous
    ref[nan] = 0
    return ref, nan


def to_float(ref: np.ndarray, nan: np.ndarray) -> np.ndarray:
    """Reference values back to float32 units with NaN restored."""
    out = (ref / SCALE).astype(np.float32)
    out[nan] = np.nan
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if not math.isfinite(value) else float(value)
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def plain(value: Any) -> Any:
    """Turn snapshot content (numpy scalars, tuples, mapping proxies) into JSON values."""
    return _plain(value)


def _default(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


_ENCODE: Any = None
_ENCODE_REFUSED: tuple[type[Exception], ...] = (TypeError, ValueError, OverflowError)


def dumps(value: Any) -> bytes:
    """Canonical JSON bytes (sorted keys, NaN and infinities stored as null, text in UTF-8)
    of ``value``. msgspec's encoder writes it, five times json.dumps' speed: the cache writes
    on the feed's thread, and an encoder holds the interpreter lock, so the window waited
    that long (the full site's layout, 1.1 MB: 25 ms with json.dumps, 5 with msgspec);
    json.dumps what msgspec refuses (keys not all text, lone surrogates)."""
    global _ENCODE, _ENCODE_REFUSED
    if _ENCODE is None:
        import msgspec.json  # imported at the first write, not at start-up

        _ENCODE = msgspec.json.Encoder(enc_hook=_default, order="sorted").encode
        _ENCODE_REFUSED = (TypeError, ValueError, OverflowError, msgspec.EncodeError)
    try:
        return bytes(_ENCODE(value))
    except _ENCODE_REFUSED:
        pass
    try:  # API documents are plain JSON already
        text = json.dumps(
            value, sort_keys=True, separators=(",", ":"), allow_nan=False, default=_default
        )
    except ValueError:  # NaN or infinity somewhere: store it as null
        text = json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.encode()


def pack_json(value: Any) -> bytes:
    """zlib-compressed canonical JSON."""
    return zlib.compress(dumps(value), _LEVEL)


def unpack_json(blob: bytes) -> Any:
    """Inverse of :func:`pack_json`; CodecError when damaged."""
    try:  # strict JSON, what pack_json writes, in one go whatever its size (msgspec)
        return loads_json(zlib.decompress(blob), piecewise_from=sys.maxsize)
    except (zlib.error, ValueError) as exc:
        raise CodecError(f"stored document is damaged ({exc})") from None


def columns_to_lists(
    columns: Mapping[str, np.ndarray], names: Sequence[str]
) -> tuple[list[str], list[list]]:
    """Columnar arrays (a JobsSnapshot's) to ``(names, columns)`` of JSON-ready lists.

    NaN becomes None; racks stay tuples (stored as JSON arrays).
    """
    present = [k for k in names if k in columns]
    lists = []
    for k in present:
        column = columns[k]
        if column.dtype.kind == "f":
            gaps = np.isnan(column)
            if gaps.any():  # None in the gaps, at C speed
                column = column.astype(object)
                column[gaps] = None
            values = column.tolist()
        else:
            values = column.tolist()
            # text, None, racks as tuples mostly: a look per value only where a float or a
            # numpy number is among them (checked at C speed)
            if column.dtype == object and any(issubclass(t, _NUMBERS)
                                              for t in set(map(type, values))):
                values = [v if type(v) is str or v is None
                          else _plain(v) if isinstance(v, _NUMBERS) else v for v in values]
        lists.append(values)
    return present, lists


_NUMBERS = (np.generic, float)
