"""PromClient's decoding: instant vectors of the usual shape read straight from the bytes give
the same result as the JSON reading, and every other answer is read as JSON."""

from __future__ import annotations

import gc
import json
import math
from typing import Any

import msgspec
import pytest
from backend_http import FIXTURES

from console.sources.promql import _VECTOR, Result, _decode, _decode_answer

PROM = FIXTURES / "prometheus"
NOW = 1_795_892_394.0


def answer(result: list[Any], **extra: Any) -> bytes:
    return json.dumps({"status": "success",
                       "data": {"resultType": "vector", "result": result}, **extra}).encode()


def as_tuple(result: Result) -> tuple:
    def same(x: float) -> Any:
        return "nan" if math.isnan(x) else x

    return (tuple((s.labels, same(s.value)) for s in result.series), same(result.time),
            result.warnings, result.non_finite)


@pytest.mark.parametrize("body", [
    (PROM / "query-vector-gpu-temp.json").read_bytes(),
    (PROM / "query-vector-avg-util-by-host.json").read_bytes(),
    (PROM / "query-vector-empty.json").read_bytes(),
    answer([{"metric": {"Hostname": "a07-13-n05"}, "value": [NOW, "61"]},
            {"metric": {}, "value": [NOW + 1, "NaN"]},
            {"metric": {"x": "y"}, "value": [NOW, "+Inf"]},
            {"metric": {"x": "z"}, "value": [NOW, "1" * 100]}]),  # no sample is that long
    answer([{"metric": {"a": "b"}, "value": [NOW, "2"]}], warnings=["store s1 unreachable"]),
])
def test_vectors_read_from_the_bytes_as_from_json(body: bytes) -> None:
    fast = _decode_answer(_VECTOR.decode(body), NOW - 5)
    assert as_tuple(fast) == as_tuple(_decode(json.loads(body), NOW - 5))
    assert fast.series or b'"result":[]' in body.replace(b" ", b"")


@pytest.mark.parametrize("body", [
    (PROM / "query-scalar.json").read_bytes(),
    (PROM / "query_range-matrix-gpu-util.json").read_bytes(),
    (PROM / "error-400-bad-promql.json").read_bytes(),
    answer([{"metric": {"gpu": 0}, "value": [NOW, "1"]}]),  # a label that is no text
    answer([{"metric": {}, "histogram": [NOW, {"count": "1"}]}]),  # a native histogram
    answer([{"metric": {}, "value": ["soon", "1"]}]),
    answer([{"metric": {}, "value": [123, "1"]}]).replace(b"123", b"1e400"),  # no float
    answer([{"metric": {}, "value": [NOW, 1]}]),
    answer([], warnings=[{"not": "text"}]),
    b"<html>bad gateway</html>",
])
def test_other_answers_are_left_to_the_json_reading(body: bytes) -> None:
    with pytest.raises(msgspec.MsgspecError):
        _VECTOR.decode(body)


def test_samples_give_the_garbage_collector_nothing_to_walk() -> None:
    """40,960 hosts' aggregates a query at full site: their samples are not tracked."""
    decoded = _VECTOR.decode(answer([{"metric": {"Hostname": f"h{i}"}, "value": [NOW, "1"]}
                                     for i in range(3)]))
    sample = decoded.data.result[0]
    assert not any(gc.is_tracked(x) for x in (decoded, sample, sample.value, sample.metric))
