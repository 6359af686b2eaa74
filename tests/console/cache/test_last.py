"""The floor as the cache last recorded it, for the live window's first frame."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from console.cache import Cache
from console.cache.last import LAST_RECORDED_MAX_AGE_S, last_recorded
from console.decode import decode_racks, decode_site

T0 = 1_781_000_000.0
SOURCE = "sim://hall?seed=23"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, list[Any]]:
    """A cache with three rack polls of a hall-scale site, recorded from SOURCE."""
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale="hall", seed=23, start=T0)
    topo = decode_site(hub.site(), received=T0)
    path = tmp_path_factory.mktemp("last") / "cache.db"
    polls = []
    with Cache.open(path) as cache:
        cache.set_source("sim://user:secret@hall?seed=23")  # kept without user or query
        cache.write_poll([topo])
        for i in range(3):
            hub.step(T0 + 2.0 * (i + 1))
            racks = decode_racks(hub.racks(), topo, received=T0 + 2.0 * (i + 1))
            cache.write_poll([racks], topology=topo)
            polls.append(racks)
    return path, topo, polls


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_newest_poll_of_the_same_source_comes_back_with_its_layout(
    recorded: tuple[Path, Any, list[Any]],
) -> None:
    path, topo, polls = recorded
    before = _digest(path)
    found = last_recorded(path, SOURCE, now=T0 + 600)
    assert found is not None
    assert found.time == pytest.approx(polls[-1].time)
    assert found.topology.rack_ids == topo.rack_ids
    for name, values in polls[-1].fields.items():
        assert np.allclose(found.racks.fields[name], values, atol=0.06, equal_nan=True)
    assert _digest(path) == before  # read only: the file is not written


@pytest.mark.parametrize("source", ["sim://tetouan", "http://hub.example:8080", ""])
def test_another_sources_site_is_not_shown(recorded: tuple[Path, Any, list[Any]],
                                           source: str) -> None:
    assert last_recorded(recorded[0], source, now=T0 + 600) is None


def test_a_recording_too_old_or_from_the_future_is_not_shown(
    recorded: tuple[Path, Any, list[Any]],
) -> None:
    path = recorded[0]
    assert last_recorded(path, SOURCE, now=T0 + 6 + LAST_RECORDED_MAX_AGE_S + 1) is None
    assert last_recorded(path, SOURCE, now=T0 - 60) is None
    assert last_recorded(path, SOURCE, now=T0 + 600, max_age_s=60) is None


def test_no_file_an_empty_one_and_garbage_give_nothing_and_never_raise(tmp_path: Path) -> None:
    assert last_recorded(None, SOURCE) is None
    assert last_recorded(tmp_path / "none.db", SOURCE) is None
    (tmp_path / "empty.db").write_bytes(b"")
    assert last_recorded(tmp_path / "empty.db", SOURCE) is None
    (tmp_path / "junk.db").write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    assert last_recorded(tmp_path / "junk.db", SOURCE) is None
    assert last_recorded(tmp_path, SOURCE) is None  # a folder


def test_a_cache_that_names_no_source_is_not_shown(tmp_path: Path,
                                                   recorded: tuple[Path, Any, list[Any]]) -> None:
    _, topo, polls = recorded
    path = tmp_path / "anonymous.db"
    with Cache.open(path) as cache:
        cache.write_poll([topo, polls[-1]])
    assert last_recorded(path, SOURCE, now=T0 + 600) is None


def test_a_damaged_page_is_never_raised_and_the_file_not_checked_whole(
    tmp_path: Path, recorded: tuple[Path, Any, list[Any]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A glance at the newest rows: no quick_check of every page first (seconds for a
    full cache); a damaged page read on the way gives nothing, not an error."""
    import shutil
    import sqlite3

    from console.cache import files

    checks: list[bool] = []
    probe = files.probe
    monkeypatch.setattr(files, "probe", lambda p, b, whole=True: checks.append(whole) or probe(p, b, whole))
    copy = tmp_path / "damaged.db"
    shutil.copy(recorded[0], copy)
    assert last_recorded(copy, SOURCE, now=T0 + 600) is not None
    assert checks == [False]
    size = copy.stat().st_size
    with copy.open("r+b") as handle:  # every page after the first two: garbage
        handle.seek(8192)
        handle.write(b"\x5a" * (size - 8192))
    try:
        found = last_recorded(copy, SOURCE, now=T0 + 600)
    except (sqlite3.Error, Exception) as exc:  # pragma: no cover - the failure this test is for
        pytest.fail(f"raised {exc!r}")
    assert found is None


def test_a_source_read_from_prometheus_and_slurm_finds_its_own_recording(
    tmp_path: Path, recorded: tuple[Path, Any, list[Any]],
) -> None:
    _, topo, polls = recorded
    label = "http://prom:9090 + http://user:pw@slurm:6820"
    path = tmp_path / "combined.db"
    with Cache.open(path) as cache:
        cache.set_source(label)
        cache.write_poll([topo, polls[-1]])
    assert last_recorded(path, "http://prom:9090 + http://slurm:6820", now=T0 + 600) is not None
    assert last_recorded(path, "http://prom:9090", now=T0 + 600) is None


def test_the_floor_read_is_the_one_the_cache_reads_give(
    recorded: tuple[Path, Any, list[Any]],
) -> None:
    """The glance reads rows and layout with the cache's own codecs, not through its
    store: what it finds is what ``Cache.racks_at`` and ``topology_at`` give."""
    from console.cache import reads
    from console.cache.frames import ROLLUP_MAX_FIELDS  # what the glance's frames.telemetry reads

    path = recorded[0]
    found = last_recorded(path, SOURCE, now=T0 + 600)
    assert found is not None
    with Cache.open(path, readonly=True) as cache:
        span = cache.time_range()
        assert span is not None
        racks, topo = cache.racks_at(span[1]), cache.topology_at(span[1])
    assert racks is not None and topo is not None
    assert found.racks.time == racks.time and found.racks.received == racks.received
    assert sorted(found.racks.fields) == sorted(racks.fields)
    for name, values in racks.fields.items():
        assert np.array_equal(found.racks.fields[name], values, equal_nan=True)
    assert np.array_equal(found.racks.missing, racks.missing)
    assert found.racks.unknown_ids == racks.unknown_ids
    assert found.racks.invalid_values == racks.invalid_values
    assert found.topology.rack_ids == topo.rack_ids
    assert found.topology.n_racks == topo.n_racks
    assert ROLLUP_MAX_FIELDS == reads.ROLLUP_MAX_FIELDS


def test_a_file_of_an_older_schema_is_read_through_the_store(
    recorded: tuple[Path, Any, list[Any]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    import console.cache.last as last

    path, topo, polls = recorded
    opened: list[bool] = []
    open_cache = Cache.open.__func__  # type: ignore[attr-defined]

    def recording_open(cls: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(kwargs.get("readonly", False))
        return open_cache(cls, *args, **kwargs)

    monkeypatch.setattr(last, "READS_FROM", 10**6)  # every file "older" than the reads
    monkeypatch.setattr(Cache, "open", classmethod(recording_open))
    found = last_recorded(path, SOURCE, now=T0 + 600)
    assert opened == [True]
    assert found is not None and found.time == pytest.approx(polls[-1].time)
    assert found.topology.rack_ids == topo.rack_ids
    assert last_recorded(path, "sim://tetouan", now=T0 + 600) is None


def test_reading_the_floor_imports_no_module_of_the_store(
    recorded: tuple[Path, Any, list[Any]],
) -> None:
    """The live window's first frame waits for this read: the store's modules (alarm
    journal, shift log, maintenance list, forecasts...) are the feed thread's to import."""
    from tests.fresh_imports import imported_after

    code = (
        "from console.cache.last import last_recorded\n"
        f"found = last_recorded({str(recorded[0])!r}, {SOURCE!r}, now={T0 + 600!r})\n"
        "assert found is not None\n"
    )
    assert imported_after(code, ("console.cache.store", "console.cache.reads",
                                 "console.cache.logbook", "console.cache.maint",
                                 "console.shiftlog.model", "sqlite_utils")) == []


@pytest.mark.parametrize("stored", [b"[1, 2]", b"{\"time\": [], \"racks\": 3}", b"{\"ti", b"NaN",
                                    b"\xff\xfe", b"[" * 100_000])
def test_a_damaged_stored_layout_gives_nothing_and_never_raises(
    tmp_path: Path, recorded: tuple[Path, Any, list[Any]], stored: bytes,
) -> None:
    import shutil
    import sqlite3
    import zlib

    copy = tmp_path / "layout.db"
    shutil.copy(recorded[0], copy)
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE topologies SET data = ?, layout = ?", (zlib.compress(stored),) * 2)
    conn.commit()
    conn.close()
    assert last_recorded(copy, SOURCE, now=T0 + 600) is None
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE topologies SET data = ?, layout = ?", (b"not zlib",) * 2)
    conn.commit()
    conn.close()
    assert last_recorded(copy, SOURCE, now=T0 + 600) is None


@pytest.mark.parametrize("layout", [b"not zlib", b"x\x9c" + b"\0" * 20, None])
def test_a_damaged_or_missing_packed_layout_reads_the_document(
    tmp_path: Path, recorded: tuple[Path, Any, list[Any]], layout: bytes | None,
) -> None:
    """The column-packed layout is read first; one that cannot be read (or a row without,
    written before schema 12) gives the same floor from the site document."""
    import shutil
    import sqlite3

    from console.cache.layout import unpack_layout

    path, topo, _ = recorded
    with sqlite3.connect(path) as conn:
        (packed,) = conn.execute("SELECT layout FROM topologies").fetchone()
    assert packed is not None and unpack_layout(packed).rack_ids == topo.rack_ids
    copy = tmp_path / "layout.db"
    shutil.copy(path, copy)
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE topologies SET layout = ?", (layout,))
    conn.commit()
    conn.close()
    found = last_recorded(copy, SOURCE, now=T0 + 600)
    assert found is not None and found.topology.rack_ids == topo.rack_ids
    assert np.array_equal(found.topology.geometry, topo.geometry)
