"""Checking a cache file's pages on a connection of its own (console.cache.files.PageCheck)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from console.cache import Cache, CacheError
from console.cache.files import PageCheck
from console.decode import decode_racks, decode_site
from console.hub.sim import SimulatedHub

T0 = 1_780_100_000.0


def sound_cache(path: Path, polls: int = 20) -> Path:
    """A cache of a small simulated site, ``polls`` rack polls 2 s apart."""
    hub = SimulatedHub(scale="hall", seed=29, start=T0)
    topology = decode_site(hub.site(), received=T0)
    with Cache.open(path) as cache:
        for k in range(polls):
            t = T0 + 2.0 * (k + 1)
            hub.step(t)
            cache.write_poll([decode_racks(hub.racks(), topology, received=t)],
                             topology=topology)
    return path


def damaged_copy(sound: Path, path: Path) -> Path:
    """A copy of ``sound`` with one page overwritten that opening it with a glance
    (header and schema) does not read, but the whole-file check does."""
    with sqlite3.connect(sound) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        count = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    for page in range(count, 1, -1):
        shutil.copy(sound, path)
        with path.open("r+b") as handle:
            handle.seek((page - 1) * size + 8)
            handle.write(b"\xff" * 64)
        try:
            Cache.open(path, readonly=True, checked=False).close()
        except CacheError:
            continue
        if PageCheck(path, 1.0).run() is not None:
            return path
    raise AssertionError("no page whose damage only the whole-file check sees")


@pytest.fixture(scope="module")
def sound(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sound_cache(tmp_path_factory.mktemp("pages") / "sound.db")


def test_a_sound_file_passes(sound: Path) -> None:
    assert PageCheck(sound, 1.0).run() is None


def test_a_damaged_page_is_named(sound: Path, tmp_path: Path) -> None:
    bad = damaged_copy(sound, tmp_path / "bad.db")
    reason = PageCheck(bad, 1.0).run()
    assert reason is not None and reason.startswith("cache file is corrupt or truncated")
    assert str(bad) in reason


def test_a_cancelled_check_finds_nothing(sound: Path, tmp_path: Path) -> None:
    bad = damaged_copy(sound, tmp_path / "bad.db")
    check = PageCheck(bad, 1.0)
    check.cancel()
    assert check.run() is None  # cancelled: says nothing either way


def test_a_file_that_is_gone_finds_nothing(tmp_path: Path) -> None:
    assert PageCheck(tmp_path / "gone.db", 1.0).run() is None
