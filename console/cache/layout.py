"""The site layout as the cache keeps it for a quick read: column-packed.

The ``topologies`` table keeps each layout as the site document it was decoded from
(``data``, read by :func:`console.decode.decode_site`, which cleans every rack's record)
and, from schema 12, column-packed beside it (``layout``): the racks' fields as one column
each (a field holding a list of records, a rack's PDU feeds, as its records' columns and
each rack's count), stdlib JSON, zlib-compressed. The live window reads the floor as last
recorded before its first frame (:mod:`console.cache.last`): a column-packed layout is read
in a fraction of the document's time (no rack's keys parsed again, no column gathered from
3,520 records to check it) and without msgspec.

What it reads is checked as :func:`console.decode.decode_site` checks a site document:
every column as its field's cleaning would keep it (the same column checks), rack ids
unique text, positions, sizes and GPU counts inside :data:`console.model.LAYOUT_LIMITS`;
the site's name, place, time zone, halls and rows go through ``decode_site`` itself. A
layout that fails a check raises ``ValueError`` (the document is read then), so the
topology is the one ``decode_site`` gives of the document.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Mapping, Sequence
from itertools import repeat
from typing import Any

import numpy as np

from console.cache.codec import CodecError, dumps
from console.clean import LOOSE, Field, Records, numbers_clean
from console.decode import decode_site
from console.fields import SITE_RACK_RECORD
from console.model import LAYOUT_LIMITS, SiteTopology, frozen

FORMAT = 1
"""Version of the column-packed form (a layout of another is not read: the document is)."""
_LEVEL = 6
_GEOMETRY = ("x", "y", "w", "h")


def pack_layout(topology: SiteTopology) -> bytes | None:
    """``topology`` column-packed (zlib-compressed JSON); None when its racks' records do
    not all have the same fields in the same order, or hold a value JSON cannot (the site
    document alone is kept then: recording never fails for want of the packed form)."""
    try:
        return _pack(topology)
    except (TypeError, ValueError, OverflowError):
        return None


def _pack(topology: SiteTopology) -> bytes | None:
    racks = _pack_records(topology.racks)
    if racks is None:
        return None
    doc = {
        "format": FORMAT,
        "site": {
            "name": topology.name, "timezone": topology.timezone, "lat": topology.lat,
            "lon": topology.lon, "capacity_mw": topology.capacity_mw,
            "scale": topology.scale, "time": topology.time,
        },
        "halls": list(topology.halls),
        "rows": list(topology.rows),
        "racks": racks,
    }
    return zlib.compress(dumps(doc), _LEVEL)


def _pack_records(records: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    shapes = set(map(tuple, records))
    if len(shapes) != 1:
        return None
    keys = list(next(iter(shapes)))
    columns: list[Any] = []
    for key in keys:
        column = [r[key] for r in records]
        if set(map(type, column)) == {list}:
            flat = [v for value in column for v in value]
            if flat and set(map(type, flat)) == {dict}:
                inner = _pack_records(flat)
                if inner is not None:
                    columns.append({"lengths": _packed_array(list(map(len, column)), "<i8"),
                                    "records": inner})
                    continue
        columns.append(_pack_column(column))
    return {"n": len(records), "keys": keys, "columns": columns}


def _pack_column(column: list[Any]) -> Any:
    """A column of floats or of integers as its little-endian bytes (base64), one of text
    that repeats as its distinct values and each record's index into them; else as it is."""
    kinds = set(map(type, column))
    if kinds == {float}:
        return {"f8": _packed_array(column, "<f8")}
    if kinds == {int} and -(2**63) <= min(column) and max(column) < 2**63:
        return {"i8": _packed_array(column, "<i8")}
    if kinds == {str}:
        values = list(dict.fromkeys(column))
        if len(values) * 4 <= len(column):
            where = {v: i for i, v in enumerate(values)}
            return {"values": values, "codes": _packed_array([where[v] for v in column], "<u4")}
    return column


def _packed_array(values: list[Any], dtype: str) -> str:
    return base64.b64encode(np.array(values, dtype=dtype).tobytes()).decode("ascii")


def _array(text: Any, dtype: str, n: int) -> list[Any]:
    """A packed column back as a list of ``n`` Python numbers."""
    if not isinstance(text, str):
        raise ValueError("stored layout: a packed column is not text")
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ValueError("stored layout: a packed column is damaged") from None
    size = np.dtype(dtype).itemsize
    if len(raw) != n * size:
        raise ValueError("stored layout: columns of different lengths")
    values: list[Any] = np.frombuffer(raw, dtype).tolist()
    return values


def _unpack_column(column: Any, n: int) -> list[Any]:
    """A column as :func:`_pack_column` wrote it, back as its values."""
    if isinstance(column, list):
        return column
    if not isinstance(column, dict):
        raise ValueError("stored layout: a column is not a list")
    if "f8" in column:
        return _array(column["f8"], "<f8", n)
    if "i8" in column:
        return _array(column["i8"], "<i8", n)
    values = column.get("values")
    if not isinstance(values, list) or "codes" not in column:
        raise ValueError("stored layout: a column of no known form")
    codes = _array(column["codes"], "<u4", n)
    if codes and max(codes) >= len(values):
        raise ValueError("stored layout: a column's index is out of range")
    return list(map(values.__getitem__, codes))


def unpack_layout(blob: bytes, received: float | None = None) -> SiteTopology:
    """The topology a column-packed layout holds (``received``: its arrival time, as
    :func:`console.decode.decode_site` takes it; by default its time, as the cache reads
    its document). ``ValueError`` (``CodecError`` when the bytes are damaged) for one that
    cannot be trusted or is of another format."""
    try:
        doc = json.loads(zlib.decompress(blob))
    except (zlib.error, ValueError, RecursionError) as exc:
        raise CodecError(f"stored layout is damaged ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError("stored layout is of another format")
    site, packed = doc.get("site"), doc.get("racks")
    if not isinstance(site, dict) or not isinstance(packed, dict):
        raise ValueError("stored layout lacks its site or racks")
    if received is None:
        stamp = site.get("time", 0.0)
        received = float(stamp) if type(stamp) in (int, float) else 0.0
    nested: dict[str, Any] = {}
    records, columns = _unpack_records(packed, nested)
    n = len(records)
    if n == 0:
        raise ValueError("stored layout has no rack")
    _check_columns(columns, nested, SITE_RACK_RECORD)
    ids = columns.get("id")
    if ids is None or set(map(type, ids)) != {str}:
        raise ValueError("stored layout: a rack has no id")
    index = dict(zip(ids, range(n), strict=True))
    if len(index) != n:
        raise ValueError("stored layout: a rack id appears twice")
    geometry = np.empty((n, 4))
    for j, key in enumerate(_GEOMETRY):
        values = _required(columns, key, n)
        geometry[:, j] = values
    gpu_counts = _required(columns, "gpus", n)
    # the site's own fields, its halls and rows, as decode_site reads them (one rack: the
    # document's check of the rest is the columns' above)
    head = decode_site({**site, "halls": doc.get("halls"), "rows": doc.get("rows"),
                        "racks": records[:1]}, received=received)
    hall_pos = {h.get("id"): i for i, h in enumerate(head.halls)}
    row_pos = {r.get("id"): i for i, r in enumerate(head.rows)}
    hall_of = columns.get("hall", repeat(None, n))
    row_of = columns.get("row", repeat(None, n))
    capacity = columns.get("capacity_kw")
    return SiteTopology(
        time=head.time,
        received=head.received,
        name=head.name,
        timezone=head.timezone,
        lat=head.lat,
        lon=head.lon,
        capacity_mw=head.capacity_mw,
        scale=head.scale,
        halls=head.halls,
        rows=head.rows,
        racks=tuple(records),
        rack_index=index,
        geometry=frozen(geometry),
        capacity_kw=frozen(np.array(capacity if capacity is not None else [np.nan] * n,
                                    dtype=np.float64)),
        gpus=frozen(np.array(gpu_counts, dtype=np.float64).astype(np.int32)),
        hall_index=frozen(np.fromiter(map(hall_pos.get, hall_of, repeat(-1)), np.int16,
                                      count=n)),
        row_index=frozen(np.fromiter(map(row_pos.get, row_of, repeat(-1)), np.int32,
                                     count=n)),
    )


def _check_columns(columns: Mapping[str, Any], nested: Mapping[str, Any],
                   schema: Mapping[str, Field]) -> None:
    """Every column as the cleaning of ``schema`` would keep it (decode_site's check of a
    site document's records, column by column); a column of records by its own columns."""
    for key, column in columns.items():
        field = schema.get(key, LOOSE)
        if key in nested and isinstance(field, Records):
            _, inner_columns, inner_nested = nested[key]
            _check_columns(inner_columns, inner_nested, field.schema)
        elif not field.column_ok(column):
            raise ValueError(f"stored layout: the racks' {key!r} would not read as stored")


def _required(columns: Mapping[str, list[Any]], key: str, n: int) -> list[Any]:
    """A column every rack must have, each value inside its :data:`LAYOUT_LIMITS`."""
    values = columns.get(key)
    if values is None or None in values or not numbers_clean(values, LAYOUT_LIMITS[key]):
        raise ValueError(f"stored layout: a rack's {key!r} is missing or out of range")
    return values


def _unpack_records(
    packed: Mapping[str, Any], nested: dict[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The records a column-packed form holds, and their columns by field; ``nested`` takes,
    for each column of records, its packed form, columns and own ``nested`` (for checks)."""
    n, keys, packed_columns = packed.get("n"), packed.get("keys"), packed.get("columns")
    if (type(n) is not int or not isinstance(keys, list) or not isinstance(packed_columns, list)
            or len(keys) != len(packed_columns) or set(map(type, keys)) - {str}
            or len(set(keys)) != len(keys)):
        raise ValueError("stored layout: records of no known shape")
    columns: dict[str, Any] = {}
    for key, column in zip(keys, packed_columns, strict=True):
        if isinstance(column, dict) and "records" in column:
            inner = column["records"]
            if not isinstance(inner, dict):
                raise ValueError("stored layout: nested records of no known shape")
            lengths = column.get("lengths")
            if isinstance(lengths, list):  # as a list (the first form of the packing)
                if set(map(type, lengths)) - {int} or len(lengths) != n:
                    raise ValueError("stored layout: nested records of no known shape")
            else:
                lengths = _array(lengths, "<i8", n)
            inner_nested: dict[str, Any] = {}
            flat, flat_columns = _unpack_records(inner, inner_nested)
            if sum(lengths) != len(flat) or min(lengths, default=0) < 0:
                raise ValueError("stored layout: nested records do not add up")
            if nested is not None:
                nested[key] = (inner, flat_columns, inner_nested)
            column = _split(flat, lengths)
        else:
            column = _unpack_column(column, n)
        if len(column) != n:
            raise ValueError("stored layout: columns of different lengths")
        columns[key] = column
    if not keys:
        return [{} for _ in range(n)], columns
    return list(map(dict, map(zip, repeat(keys), zip(*columns.values(), strict=True)))), columns


def _split(flat: list[Any], lengths: list[int]) -> list[list[Any]]:
    """``flat`` cut into lists of ``lengths`` (which add up to its length)."""
    if lengths and min(lengths) == max(lengths) > 0:  # as many each (a rack's two feeds)
        return list(map(list, zip(*[iter(flat)] * lengths[0], strict=True)))
    column, start = [], 0
    for length in lengths:
        column.append(flat[start:start + length])
        start += length
    return column
