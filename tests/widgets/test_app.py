"""Building the application: PySide6's per-module check made on the file's bytes."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Any

import pytest


def test_pyside6s_module_check_asks_the_file_and_answers_as_before() -> None:
    import console.model
    import widgets.app
    import widgets.view

    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not hasattr(feature, "_mod_uses_pyside"):
        pytest.skip("this PySide6 checks no module")
    widgets.app.quicker_feature_check()  # idempotent
    check = feature._mod_uses_pyside
    assert getattr(check, "quicker", False)
    for module in (widgets.view, console.model, widgets.app, inspect):
        assert check(module) == ("PySide6" in inspect.getsource(module))
    assert check(sys) is False  # no source file: asked PySide6's way


def test_a_cache_with_a_damaged_page_shows_the_banner_once_checked_and_live_goes_on(
    qtbot: Any, tmp_path: Path,
) -> None:
    """The live window's cache is opened with a glance at its header (no whole-file check
    before the first poll); the check that follows still fails a damaged file, through
    the cache banner."""
    from PySide6.QtCore import QSettings

    from console.settings import load_settings
    from widgets.app import live_window

    sys.path.insert(0, str(Path(__file__).parent.parent / "console" / "cache"))
    from cache_files import damaged_copy, sound_cache

    bad = damaged_copy(sound_cache(tmp_path / "sound.db"), tmp_path / "cache.db")
    settings = load_settings(None, env={}, overrides={"cache": str(bad)})
    settings.poll = {"site": 30.0, "racks": 0.3, "power": 1.0}
    qs = QSettings(str(tmp_path / "c.ini"), QSettings.Format.IniFormat)
    win = live_window(settings, "sim://rack", qs)
    qtbot.addWidget(win)
    win.show()
    win.feed.start()
    qtbot.waitUntil(lambda: win.cache_banner.isVisible(), timeout=20_000)
    assert "corrupt or truncated" in win.cache_banner.text()
    qtbot.waitUntil(lambda: win.link_status.text() == "● live", timeout=20_000)
    win.close()
