"""Stored JSON documents (site layouts, job queues' extras): read back as written, an older
document with NaN literals still read, a damaged one refused."""

from __future__ import annotations

import math
import zlib

import pytest

from console.cache.codec import CodecError, dumps, pack_json, unpack_json


def test_a_packed_document_reads_back_the_same() -> None:
    doc = {"name": "Tétouan \u2066AI\u2069 Hub", "halls": [{"id": "A", "racks": 480}],
           "lat": 35.57, "none": None, "flags": [True, False], "big": 2**62}
    assert unpack_json(pack_json(doc)) == doc


def test_nan_is_stored_as_null_and_an_old_nan_literal_still_reads() -> None:
    assert unpack_json(pack_json({"x": float("nan")})) == {"x": None}
    old = unpack_json(zlib.compress(b'{"x": NaN, "y": [Infinity]}'))
    assert math.isnan(old["x"]) and old["y"] == [math.inf]


def test_canonical_json_sorts_keys_and_writes_what_msgspec_refuses_with_json() -> None:
    """One document, one text: keys sorted at every level, numpy values and mapping proxies
    written as JSON values, NaN and infinities as null; keys that are not text and lone
    surrogates (msgspec refuses them) are written by json.dumps, and read back."""
    import json
    import types

    import numpy as np

    doc = {"b": [np.float32(1.5), np.int64(7), np.bool_(True)], "a": {"z": math.inf, "y": 1},
           "c": types.MappingProxyType({"k": np.arange(2)}), "d": "Tétouan"}
    assert dumps(doc) == '{"a":{"y":1,"z":null},"b":[1.5,7,true],"c":{"k":[0,1]},' \
                         '"d":"Tétouan"}'.encode()
    assert dumps(doc) == dumps(dict(reversed(list(doc.items()))))
    assert json.loads(dumps({2: "x", 1: float("nan")})) == {"1": None, "2": "x"}
    assert json.loads(dumps({"s": "\ud800"})) == {"s": "\ud800"}


@pytest.mark.parametrize("blob", [b"not zlib", zlib.compress(b'{"x": '), zlib.compress(b"\xff\xfe")])
def test_a_damaged_document_is_refused(blob: bytes) -> None:
    with pytest.raises(CodecError, match="damaged"):
        unpack_json(blob)


def test_job_columns_become_json_ready_lists() -> None:
    """Text and None pass as they are; numpy numbers become plain ones; NaN becomes None;
    racks stay tuples."""
    import numpy as np

    from console.cache.codec import columns_to_lists

    columns = {
        "name": np.array(["a", None, np.int64(3), np.float64("nan"), float("nan"), 2.5, True,
                          ("A-01-01", "A-01-02")], dtype=object),
        "start_time": np.array([1.5, np.nan]),
        "gpus": np.array([8, 4]),
    }
    names, lists = columns_to_lists(columns, ["gpus", "name", "start_time", "absent"])
    assert names == ["gpus", "name", "start_time"]
    assert lists[0] == [8, 4] and type(lists[0][0]) is int
    assert lists[1] == ["a", None, 3, None, None, 2.5, True, ("A-01-01", "A-01-02")]
    assert type(lists[1][2]) is int
    assert lists[2] == [1.5, None]
