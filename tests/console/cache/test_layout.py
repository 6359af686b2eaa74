"""The column-packed site layout: read back as the topology decode_site gives of the site
document, refused (ValueError) when damaged or when a column would not read as stored, kept
by the writer and by the schema step for layouts stored before it."""

from __future__ import annotations

import dataclasses
import sqlite3
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from console.cache import Cache
from console.cache.codec import CodecError, dumps, pack_json
from console.cache.layout import pack_layout, unpack_layout
from console.cache.schema import migrate
from console.cache.store import topology_payload
from console.decode import decode_site
from console.hub.sim import SimulatedHub
from console.model import SiteTopology

T0 = 1_781_000_000.0


def _site(scale: str = "hall") -> dict[str, Any]:
    return SimulatedHub(scale=scale, seed=3, start=T0).site()


def _same(a: SiteTopology, b: SiteTopology) -> None:
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True), f.name
        elif isinstance(x, float) and np.isnan(x):
            assert np.isnan(y), f.name
        else:
            assert x == y, f.name


def test_a_packed_layout_reads_as_decode_site_reads_the_document() -> None:
    site = _site()
    site["racks"][1]["capacity_kw"] = 1e12  # refused: None in the record, NaN in the array
    site["racks"][2]["note"] = "left as it is"  # a field no schema names (one rack only)
    del site["lat"]
    topo = decode_site(site, received=T0 + 1)
    assert pack_layout(topo) is None  # records of different shapes: the document only
    odd = dataclasses.replace(topo, racks=tuple({**r, "note": object()} for r in topo.racks))
    assert pack_layout(odd) is None  # a value JSON cannot hold: never raises
    del site["racks"][2]["note"]
    topo = decode_site(site, received=T0 + 1)
    blob = pack_layout(topo)
    assert blob is not None and len(blob) < len(pack_json(topology_payload(topo)))
    back = unpack_layout(blob, received=T0 + 1)
    _same(topo, back)
    import json

    columns = json.loads(zlib.decompress(blob))["racks"]["columns"]
    forms = set().union(*(c for c in columns if isinstance(c, dict)))
    assert {"f8", "i8", "codes", "records"} <= forms  # every form read back above
    assert any(isinstance(c, list) for c in columns)
    assert back.racks[1]["capacity_kw"] is None and np.isnan(back.capacity_kw[1])
    assert back.racks[0]["pdu_feeds"] == topo.racks[0]["pdu_feeds"]
    # by default received is the layout's time, as the cache reads its document
    assert unpack_layout(blob).received == decode_site(
        topology_payload(topo), received=topo.time).received


def _tampered(blob: bytes, change: Any) -> bytes:
    import json

    doc = json.loads(zlib.decompress(blob))
    change(doc)
    return zlib.compress(dumps(doc))


def _column(doc: dict[str, Any], key: str, packed: dict[str, Any] | None = None) -> Any:
    """A column of the stored layout's racks (or of ``packed`` records), stored again as a
    plain list (as the reader also takes it) for a test to change."""
    from console.cache.layout import _unpack_column

    racks = doc["racks"] if packed is None else packed
    i = racks["keys"].index(key)
    column = racks["columns"][i]
    if isinstance(column, dict) and "records" in column:
        return column
    racks["columns"][i] = column = _unpack_column(column, racks["n"])
    return column


def _lengths(doc: dict[str, Any], change: Any) -> None:
    from console.cache.layout import _array, _packed_array

    nested = _column(doc, "pdu_feeds")
    lengths = _array(nested["lengths"], "<i8", doc["racks"]["n"])
    change(lengths)
    nested["lengths"] = _packed_array(lengths, "<i8")


@pytest.mark.parametrize("change", [
    lambda d: _column(d, "id").__setitem__(1, _column(d, "id")[0]),  # an id twice
    lambda d: _column(d, "x").__setitem__(0, 1e9),  # off the floor
    lambda d: _column(d, "gpus").__setitem__(0, None),
    lambda d: _column(d, "hall").__setitem__(0, "A\u202e" + "x" * 5000),  # not clean text
    lambda d: _column(d, "feed", _column(d, "pdu_feeds")["records"]).__setitem__(0, "\u202e"),
    lambda d: _lengths(d, lambda n: n.__setitem__(0, 99)),  # do not add up
    lambda d: _lengths(d, lambda n: n.__setitem__(0, -1)),
    lambda d: _column(d, "y").pop(),  # columns of different lengths
    lambda d: _column(d, "x").__setitem__(0, float("nan")),
    lambda d: d["racks"]["columns"].__setitem__(d["racks"]["keys"].index("x"), {"f8": "!!"}),
    lambda d: d["racks"]["columns"].__setitem__(d["racks"]["keys"].index("x"), {"f8": "AAAA"}),
    lambda d: d["racks"]["columns"][d["racks"]["keys"].index("hall")].__setitem__("values", []),
    lambda d: d["racks"]["columns"].__setitem__(d["racks"]["keys"].index("x"), {"?": 1}),
    lambda d: d.__setitem__("format", 2),
    lambda d: d["racks"].__setitem__("keys", "id"),
], ids=["twice", "x", "gpus", "text", "nested-text", "lengths", "negative", "short", "nan",
        "base64", "bytes", "codes", "form", "format", "keys"])
def test_a_layout_that_would_not_read_as_stored_is_refused(change: Any) -> None:
    blob = pack_layout(decode_site(_site(), received=T0))
    assert blob is not None
    with pytest.raises(ValueError):
        unpack_layout(_tampered(blob, change))


@pytest.mark.parametrize("blob", [b"", b"not zlib", zlib.compress(b"[1,"), zlib.compress(b"[]")])
def test_damaged_bytes_are_refused(blob: bytes) -> None:
    with pytest.raises(ValueError):
        unpack_layout(blob)
    if not blob.startswith(b"x"):
        with pytest.raises(CodecError):
            unpack_layout(blob)


def test_the_writer_keeps_it_and_the_schema_step_packs_layouts_stored_before(
    tmp_path: Path,
) -> None:
    topo = decode_site(_site(), received=T0)
    path = tmp_path / "cache.db"
    with Cache.open(path) as cache:
        cache.write_poll([topo])
    conn = sqlite3.connect(path, isolation_level=None)
    (layout,) = conn.execute("SELECT layout FROM topologies").fetchone()
    _same(topo, unpack_layout(layout, received=T0))
    # a file of schema 11: no layout column; the step adds it and packs what is stored
    conn.execute("ALTER TABLE topologies DROP COLUMN layout")
    conn.execute("INSERT INTO topologies (time, hash, n_racks, data) VALUES (?, 'x', 1, ?)",
                 (T0 + 1, b"damaged"))
    conn.execute("PRAGMA user_version = 11")
    assert migrate(conn) == 11
    rows = conn.execute("SELECT layout FROM topologies ORDER BY id").fetchall()
    conn.close()
    assert rows[1] == (None,)  # a damaged document keeps none: read (and refused) as before
    _same(topo, unpack_layout(rows[0][0], received=T0))
