"""PromClient's decoding: instant vectors of the usual shape read straight from the bytes give
the same result as the JSON reading, and every other answer is read as JSON."""

from __future__ import annotations

import gc
import json
import math
import threading
from typing import Any

import msgspec
import numpy as np
import pytest
from backend_http import FIXTURES, FakeBackend

from console.sources.base import SourceError
from console.sources.promql import (
    _VECTOR,
    Keyed,
    PromClient,
    Result,
    _decode,
    _decode_answer,
    _keyed,
    _keyed_decoder,
)

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


HOSTS = ("Hostname", "hostname")


@pytest.mark.parametrize("body", [
    (PROM / "query-vector-gpu-temp.json").read_bytes(),
    (PROM / "query-vector-avg-util-by-host.json").read_bytes(),
    (PROM / "query-vector-empty.json").read_bytes(),
    answer([{"metric": {"Hostname": "a07-13-n05", "gpu": "0"}, "value": [NOW, "61"]},
            {"metric": {"hostname": "node-a01"}, "value": [NOW + 1, "NaN"]},
            {"metric": {"Hostname": "", "hostname": "node-a02"}, "value": [NOW, "+Inf"]},
            {"metric": {"job": "dcgm"}, "value": [NOW, "7"]},  # no host: key ""
            {"metric": {"Hostname": "x"}, "value": [NOW, "1" * 100]},
            {"metric": {"Hostname": "y"}, "value": [NOW, "0x10"]}]),
])
def test_keyed_vectors_read_from_the_bytes_as_from_json(body: bytes) -> None:
    decoder, kind = _keyed_decoder(HOSTS)
    fast = _keyed(decoder.decode(body), len(HOSTS), NOW - 5)
    slow = Keyed.of(_decode(json.loads(body), NOW - 5), HOSTS)
    assert isinstance(decoder.decode(body), kind)
    assert fast.keys == slow.keys and (fast.time, fast.non_finite) == (slow.time, slow.non_finite)
    np.testing.assert_array_equal(fast.values, slow.values)


def test_keyed_queries_through_the_client_and_its_json_fallback() -> None:
    hosts = answer([{"metric": {"Hostname": "a07-13-n05"}, "value": [NOW, "61"]},
                    {"metric": {"hostname": "b01-02-n01"}, "value": [NOW, "70"]}])
    odd = answer([{"metric": {"Hostname": 7, "hostname": "c01-01-n01"}, "value": [NOW, "5"]}])
    replies = iter([hosts, odd, answer([])])
    with FakeBackend({"/api/v1/query": lambda _req: (200, "application/json", next(replies))}
                     ) as backend:  # fmt: skip
        client = PromClient(backend.url)
        try:
            got = client.query_keyed("max by (Hostname, hostname) (x)", HOSTS, NOW)
            assert got.keys == ["a07-13-n05", "b01-02-n01"] and got.values.tolist() == [61, 70]
            got = client.query_keyed("y", HOSTS, NOW)  # a label no text: read as JSON
            assert got.keys == ["c01-01-n01"] and got.values.tolist() == [5]
            assert client.query("z", NOW).series == []  # the next query is no keyed one
        finally:
            client.close()


def test_keyed_samples_of_another_series_left_out() -> None:
    """A per-rack aggregate drops ``__name__`` and the filter labels; an answer that keeps
    them (another store, a test's server) has those of other series left out."""
    body = answer([{"metric": {"rack": "A-01-01"}, "value": [NOW, "1"]},
                   {"metric": {"rack": "A-01-02", "__name__": "hub_rack_pdu_load_kw",
                               "feed": "A"}, "value": [NOW, "2"]},
                   {"metric": {"rack": "A-01-03", "__name__": "hub_rack_pdu_load_kw",
                               "feed": "B"}, "value": [NOW, "3"]},
                   {"metric": {"rack": "A-01-04", "__name__": "hub_rack_inlet_c"},
                    "value": [NOW, "4"]}])  # fmt: skip
    where = {"__name__": "hub_rack_pdu_load_kw", "feed": "A"}
    decoder, _kind = _keyed_decoder(("rack", *where))
    fast = _keyed(decoder.decode(body), 1, NOW, tuple(where.values()))
    slow = Keyed.of(_decode(json.loads(body), NOW), ("rack",), where)
    assert fast.keys == slow.keys == ["A-01-01", "A-01-02"]
    assert fast.values.tolist() == slow.values.tolist() == [1, 2]



def test_queries_run_on_the_clients_own_threads_until_it_is_closed() -> None:
    def query(client: PromClient, until: float) -> str:
        assert client.query("up", NOW, until).series == []
        return threading.current_thread().name

    with FakeBackend({"/api/v1/query": lambda _req: (200, "application/json", answer([]))}
                     ) as backend:  # fmt: skip
        client = PromClient(backend.url)
        try:
            names = set()
            for _ in range(3):  # three polls of four queries: the same threads each time
                with client.deadline() as until:
                    futures = [client.submit(query, client, until) for _ in range(4)]
                    names |= {f.result() for f in futures}
            assert 1 <= len(names) <= 4 and all(n.startswith("prom-query") for n in names)
        finally:
            client.close()
        with pytest.raises(SourceError, match="closed"):
            client.submit(query, client, 0.0)


def test_a_lane_held_up_holds_no_other_lanes_queries_back() -> None:
    from console.sources.promql import QUERY_WORKERS

    client = PromClient("http://127.0.0.1:9")  # nothing is asked of it
    gate = threading.Event()
    try:
        held = [client.submit(gate.wait, 30) for _ in range(QUERY_WORKERS)]  # all of this lane's
        other: list[str] = []
        lane = threading.Thread(
            target=lambda: other.append(client.submit(str, "answered").result(timeout=30)))
        lane.start()
        lane.join(30)
        assert other == ["answered"] and not any(f.done() for f in held)
    finally:
        gate.set()
        client.close()
