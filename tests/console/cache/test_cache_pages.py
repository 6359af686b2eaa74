"""A live cache opened with a glance at its header, its pages checked later
(Cache.open(checked=False), Cache.check_pages, Cache.damaged): a damaged file still fails
the cache, as a failed write does, and is never written."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from cache_files import T0, damaged_copy, sound_cache

from console.cache import Cache, CacheError
from console.cache.store import CacheHealth
from console.decode import decode_racks, decode_site
from console.hub.sim import SimulatedHub


@pytest.fixture(scope="module")
def sound(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sound_cache(tmp_path_factory.mktemp("pages") / "sound.db")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def later_poll() -> tuple[Any, Any]:
    hub = SimulatedHub(scale="hall", seed=29, start=T0)
    topology = decode_site(hub.site(), received=T0)
    t = T0 + 100.0
    hub.step(t)
    return topology, decode_racks(hub.racks(), topology, received=t)


def test_a_damaged_file_opened_with_a_glance_fails_once_checked_and_is_never_written(
    sound: Path, tmp_path: Path,
) -> None:
    bad = damaged_copy(sound, tmp_path / "bad.db")
    with pytest.raises(CacheError, match="corrupt or truncated"):
        Cache.open(bad)  # checked on opening: refused, as ever
    cache = Cache.open(bad, checked=False)
    heard: list[CacheHealth] = []
    cache.on_health = heard.append
    assert not cache.pages_checked and cache.failed is None
    before = digest(bad)
    assert cache.check_pages() is False
    assert cache.failed is not None and cache.failed.startswith("cache file is corrupt")
    assert [h.failed for h in heard] == [cache.failed]
    topology, racks = later_poll()
    cache.write_poll([racks], topology=topology)  # a gap: nothing written
    assert cache.heal(force=True) is False  # retries say the same
    cache.append_journal([{"time": T0 + 100.0, "alarm_id": "test:A", "source": "test",
                           "rack": "site", "priority": "low", "state_from": "normal",
                           "state_to": "active-unacknowledged", "message": ""}])
    assert cache.health().polls == 1 and cache.health().kept >= 1
    cache.close()
    assert digest(bad) == before


def test_a_sound_file_opened_with_a_glance_passes_and_records(
    sound: Path, tmp_path: Path,
) -> None:
    import shutil

    path = tmp_path / "copy.db"
    shutil.copy(sound, path)
    cache = Cache.open(path, checked=False)
    assert not cache.pages_checked
    assert cache.check_pages() is True and cache.pages_checked and cache.failed is None
    topology, racks = later_poll()
    cache.write_poll([racks], topology=topology)
    assert cache.time_range() is not None and cache.time_range()[1] == racks.time
    cache.close()


def test_a_new_file_needs_no_check(tmp_path: Path) -> None:
    cache = Cache.open(tmp_path / "new.db", checked=False)
    assert cache.pages_checked
    cache.close()
