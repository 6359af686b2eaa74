"""The data path's speed-ups keep behaviour: piecewise JSON, fast job columns, GC pauses,
incremental power queries, and views behind another dock tab not redrawn."""

from __future__ import annotations

import gc
import json
import math
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from console.decode import DataError, jobs_from_records, loads_json
from console.model import JobsSnapshot, PowerSeries
from console.poller import gc_paused, next_power_start
from widgets.view import LiveView

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _jobs(n: int) -> list[dict]:
    return [
        {
            "id": 1000 + i, "name": f"job-{i}", "tenant": "T", "tenant_kind": "research",
            "tenant_country": "MA", "user": f"u{i % 7}", "partition": "gpu-h200",
            "state": "RUNNING" if i % 3 else "PENDING", "reason": None if i % 3 else "Resources",
            "gpus": 8, "nodes": 1, "racks": [f"E-01-{i % 30:02d}"] if i % 3 else [],
            "submit_time": 1.0e9 + i, "start_time": 1.0e9 + i + 5 if i % 3 else None,
            "end_time": None, "time_limit_s": 3600.0,
        }
        for i in range(n)
    ]


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"time": 1.5, "jobs": _jobs(50), "counts": {"running": 33}}),
        json.dumps({"time": 1.5, "jobs": _jobs(5)}, indent=2),
        json.dumps([[1, 2], {"a": [1.5, None, True]}, []]),
        '{"a": [{"b": NaN}, {"c": "\\u00e9"}], "d": {}, "e": []}',
        "[]",
        "{}",
        " 3 ",
    ],
)
def test_loads_json_equals_json_loads(text: str) -> None:
    got = loads_json(text.encode(), piecewise_from=0)
    want = json.loads(text)
    assert json.dumps(got, sort_keys=True) == json.dumps(want, sort_keys=True)


@pytest.mark.parametrize(
    "text",
    ['{"a":[{"x":1},]}', '{"a":[{"x":1}}', '{"a" [1]}', '[{"a":1}] x', '{"a":[{"b":2}],}',
     "", "   ", '{"a":[{"b":1} {"c":2}]}', '[{"a":1}'],
)
def test_loads_json_rejects_what_json_loads_rejects(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as want:
        json.loads(text)
    with pytest.raises(json.JSONDecodeError) as got:
        loads_json(text, piecewise_from=0)
    assert (got.value.msg, got.value.pos) == (want.value.msg, want.value.pos)


@pytest.mark.parametrize(
    "data",
    [b'{"racks":[1,2.5,-0.0,1e-300],"k":"\xc3\xa9\\u2066x","n":null,"t":true}',
     b'[NaN, Infinity, -Infinity]', b"1e400", b'{"a":1,"a":2}', b'"\\ud800"',
     b"1" * 4300, "\ufeff[1]".encode(), '{"a":[1]}'.encode("utf-16"), b" [1] ",
     b"123456789012345678901234567890"],
)
def test_small_answers_read_as_json_loads_reads_them(data: bytes) -> None:
    """Small answers go through the fast strict reader; what it refuses (NaN, overflow,
    a BOM, UTF-16 ...) is read as json.loads reads it."""
    got = loads_json(data)
    want = json.loads(data)
    assert repr(got) == repr(want)


@pytest.mark.parametrize("data", [b"1" * 4301, b"[1,]", b'"\xff"', b"[" * 5000 + b"]" * 5000])
def test_small_answers_that_json_loads_refuses_are_refused(data: bytes) -> None:
    with pytest.raises(DataError):
        loads_json(data)


def test_big_strict_answers_are_read_by_msgspec_a_piece_at_a_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A big strict answer (the rack columns of a large site, the job queue) is cut into
    pieces by msgspec and every piece read by one msgspec call, never by json's scanner
    (~4x slower: ~35 ms for the racks of a site four times the full one), and no call
    reads more than one piece (the interpreter lock changes hands between them)."""
    import console.decode as decode

    def no_scanner(*_: object) -> None:
        raise AssertionError("json's scanner used on strict JSON")

    monkeypatch.setattr(decode, "_SCAN", no_scanner)
    n = 2000
    racks = {"time": 1.7e9, "rack_ids": [f"A-{i:05d}" for i in range(n)],
             "power_kw": [i * 0.5 for i in range(n)], "alarm": [None] * n,
             "counts": {"ok": 1, "none": None}, "empty": [], "nested": [[1, 2], {"a": [3]}]}
    queue = {"time": 1.5, "jobs": _jobs(400), "counts": {"running": 266}}
    table = [{"a": [1.5, None, True], "b": {"c": "\u00e9"}}, [[1], [2, 3]], {}]
    decode._loads_strict(b"0")
    whole, sizes = decode._MSGSPEC_DECODE, []
    monkeypatch.setattr(decode, "_MSGSPEC_DECODE",
                        lambda raw: sizes.append(len(memoryview(raw))) or whole(raw))
    for doc in (racks, queue, table):
        text = json.dumps(doc, indent=1 if doc is table else None).encode()
        sizes.clear()
        got = loads_json(b" \n" + text + b" ", piecewise_from=0)
        assert repr(got) == repr(json.loads(text))
        assert sizes and max(sizes) < len(text) // 2  # one column, one job: never the whole


@pytest.mark.parametrize("data", [b'{"a": [NaN, 1], "b": [{"c": 1}]}', b'[{"a": 1e999}]',
                                  b'{"a": [{"b": "\xff"}]}', '{"a": ["\ud800"]}'])
def test_big_answers_msgspec_refuses_are_read_as_json_loads_reads_them(data: Any) -> None:
    try:
        want = repr(json.loads(data))
    except ValueError:
        with pytest.raises(DataError):
            loads_json(data, piecewise_from=0)
    else:
        assert repr(loads_json(data, piecewise_from=0)) == want


def test_jobs_from_records_fast_and_fallback_paths_agree() -> None:
    records = _jobs(40)
    full = jobs_from_records(records, 2.0, 3.0)
    partial = [dict(r) for r in records]
    del partial[4]["reason"]  # one missing field: the per-field path
    slow = jobs_from_records(partial, 2.0, 3.0)
    assert isinstance(full, JobsSnapshot) and len(full) == 40
    for name, column in full.columns.items():
        other = slow.columns[name]
        assert column.dtype == other.dtype and column.shape == (40,)
        if column.dtype == object:
            assert column.tolist() == other.tolist()
        else:
            assert np.array_equal(column, other, equal_nan=True)
    assert full.columns["racks"][1] == ("E-01-01",)
    assert math.isnan(full.columns["start_time"][0])
    assert len(jobs_from_records([], 2.0)) == 0
    bad = _jobs(3)
    bad[1]["gpus"] = "eight"
    with pytest.raises(DataError, match="'gpus' must hold numbers"):
        jobs_from_records(bad, 2.0)


def test_gc_paused_nests_and_restores() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("a failed fetch")
    assert gc.isenabled()


def test_next_power_start_is_one_step_after_the_last_sample() -> None:
    t = np.array([100.0, 110.0, 120.0])
    series = PowerSeries(time=120.0, t=t, fields={"facility_mw": np.ones(3)}, step=10.0)
    assert next_power_start(series) == 130.0


class _Counting(LiveView):
    kinds = ("racks",)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.redraws = 0

    def redraw(self) -> None:
        self.redraws += 1


def test_view_behind_another_tab_is_not_redrawn_until_raised(qtbot: object) -> None:
    host = QMainWindow()
    qtbot.addWidget(host)  # type: ignore[attr-defined]
    front, back = _Counting(), _Counting()
    docks = []
    for view in (front, back):
        dock = QDockWidget("view", host)
        dock.setWidget(view)
        host.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        docks.append(dock)
    host.tabifyDockWidget(docks[0], docks[1])
    docks[0].raise_()
    host.resize(800, 600)
    host.show()
    qtbot.waitUntil(lambda: front.is_shown())  # type: ignore[attr-defined]
    assert back.isVisible() and not back.is_shown()  # Qt calls it visible: it is not seen
    front.mark_dirty()
    back.mark_dirty()
    qtbot.waitUntil(lambda: front.redraws == 1)  # type: ignore[attr-defined]
    back._maybe_redraw()  # what the redraw timer does: the back tab waits
    assert back.redraws == 0
    docks[1].raise_()
    qtbot.waitUntil(lambda: back.redraws == 1)  # type: ignore[attr-defined]
    back.flush()  # flush (tests, exports) always draws a dirty view
    assert back.redraws == 1
    for view in (front, back):
        view.stop()


def test_the_cache_write_runs_with_the_collector_paused() -> None:
    """A job queue's write builds a row per job: no collection part-way through it."""
    from console.poller import Poller

    seen: list[bool] = []

    class Source:
        live = False
        backend = "fake"

        def fetch(self, kind: str, context: object) -> PowerSeries:
            return PowerSeries(time=120.0, t=np.array([110.0, 120.0]),
                               fields={"facility_mw": np.ones(2)}, step=10.0)

    class Cache:
        def write_poll(self, snapshots: object, topology: object = None) -> None:
            seen.append(gc.isenabled())

    result = Poller(Source(), Cache()).poll("power")  # type: ignore[arg-type]
    assert result.ok and seen == [False]
    assert gc.isenabled()
