"""Checking a cache file's pages on a connection of its own (console.cache.files.PageCheck)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cache_files import damaged_copy, sound_cache

from console.cache.files import PageCheck


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
