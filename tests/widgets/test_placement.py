"""Window placement: first run fills the screen, geometry and docks kept per screen and per
mode, a geometry off every screen not restored, F11 full screen and back, named layouts,
the scale of a large screen that gives no DPI."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRect, QSettings

import widgets.placement as placement
from widgets.main_window import MainWindow, OfflineMode
from widgets.placement import fits, scale_environment, scale_for, screen_key


class Screen:
    """A screen as placement reads it."""

    def __init__(self, name: str, x: int, y: int, w: int, h: int) -> None:
        self._name, self._rect = name, QRect(x, y, w, h)

    def name(self) -> str:
        return self._name

    def geometry(self) -> QRect:
        return QRect(self._rect)

    def availableGeometry(self) -> QRect:  # noqa: N802 - Qt name
        return QRect(self._rect)


LAPTOP = Screen("eDP-1", 0, 0, 1280, 800)
WALL = Screen("DP-2", 1280, 0, 1920, 1080)


@pytest.fixture
def screens(monkeypatch: pytest.MonkeyPatch) -> list[Screen]:
    shown = [LAPTOP]
    monkeypatch.setattr(placement, "current_screens", lambda: list(shown))
    return shown


@pytest.fixture
def settings(tmp_path: Any) -> QSettings:
    return QSettings(str(tmp_path / "placement.ini"), QSettings.Format.IniFormat)


def window(qtbot: Any, settings: QSettings, review: bool = False) -> MainWindow:
    win = MainWindow("sim://test", settings=settings, mode=OfflineMode() if review else None)
    win.mode.saves_layout = True
    qtbot.addWidget(win)
    return win


def test_first_run_fills_the_screen_it_opens_on(qtbot: Any, settings: QSettings,
                                                screens: list[Screen]) -> None:
    win = window(qtbot, settings)
    assert not win.geometry_restored
    assert win.isMaximized()
    assert LAPTOP.availableGeometry().contains(win.geometry())  # nothing off-screen at 1280x800
    win.show()
    assert win.isMaximized()
    assert win.minimumSizeHint().width() <= 1280 and win.minimumSizeHint().height() <= 800


def test_geometry_and_docks_are_kept_per_screen_and_mode(qtbot: Any, settings: QSettings,
                                                         screens: list[Screen]) -> None:
    live = window(qtbot, settings)
    live.show()
    live.showNormal()
    live.setGeometry(40, 50, 1200, 720)
    live.docks["jobs"].hide()
    assert live.placement.save() == "eDP-1_1280x800"
    live.close()

    review = window(qtbot, settings, review=True)
    assert not review.geometry_restored  # the live window's place is not the review's
    assert review.isMaximized() and not review.docks["jobs"].isHidden()
    review.showNormal()
    review.setGeometry(10, 10, 1000, 700)
    review.placement.save()
    review.close()

    again = window(qtbot, settings)
    assert again.geometry_restored and again.docks["jobs"].isHidden()
    assert not again.isMaximized()  # (Qt fits the size to the real, offscreen, screen)
    assert settings.value("window/review/eDP-1_1280x800/rect") == QRect(10, 10, 1000, 700)

    screens[:] = [WALL]  # another screen: its own (none yet): fills it
    other = window(qtbot, settings)
    assert not other.geometry_restored and other.isMaximized()
    assert other.geometry() == WALL.availableGeometry() or WALL.geometry().contains(
        other.geometry())


def test_a_geometry_off_every_screen_is_not_restored(qtbot: Any, settings: QSettings,
                                                     screens: list[Screen]) -> None:
    first = window(qtbot, settings)
    first.showNormal()
    first.setGeometry(100, 100, 1100, 700)
    first.placement.save()
    first.close()
    # The monitors were rearranged: the same screen now lies elsewhere on the desktop.
    settings.setValue("window/live/eDP-1_1280x800/rect", QRect(3000, 2000, 1100, 700))
    second = window(qtbot, settings)
    assert not second.geometry_restored
    assert second.isMaximized() and LAPTOP.geometry().contains(second.geometry())
    assert fits(QRect(100, 100, 1100, 700), [LAPTOP])
    assert not fits(QRect(3000, 2000, 1100, 700), [LAPTOP, WALL])
    assert not fits(QRect(0, 0, 1920, 1080), [LAPTOP])


def test_screen_keys_name_the_screen_and_its_size() -> None:
    assert screen_key(WALL) == "DP-2_1920x1080"
    assert screen_key(Screen("", 0, 0, 800, 600)) == "screen_800x600"
    assert screen_key(Screen("HDMI/1 ü", 0, 0, 10, 10)) == "HDMI_1___10x10"


def test_f11_toggles_full_screen_and_back(qtbot: Any, settings: QSettings) -> None:
    win = window(qtbot, settings)
    win.show()
    win.showNormal()
    win.setGeometry(30, 40, 1250, 760)
    before = win.geometry()
    win.toggle_full_screen()
    assert win.isFullScreen() and win.action_fullscreen.isChecked()
    screen = win.screen().geometry()  # with no window manager too (offscreen has none)
    assert win.geometry().topLeft() == screen.topLeft()
    assert win.height() == screen.height()  # (the offscreen screen is narrower than the window)
    win.toggle_full_screen()
    assert not win.isFullScreen() and not win.action_fullscreen.isChecked()
    assert win.geometry() == before


def test_named_layouts_save_load_delete(qtbot: Any, settings: QSettings,
                                        screens: list[Screen]) -> None:
    win = window(qtbot, settings)
    win.show()
    win.docks["log"].hide()
    win.save_named_layout("  night shift ")
    win.docks["log"].show()
    win.docks["gpus"].hide()
    win.save_named_layout("a/b")  # any name, slashes too
    assert placement.layout_names(settings) == ["a/b", "night shift"]
    assert win.load_named_layout("night shift")
    assert win.docks["log"].isHidden() and not win.docks["gpus"].isHidden()
    assert win.load_named_layout("a/b")
    assert win.docks["gpus"].isHidden() and not win.docks["log"].isHidden()
    assert win.delete_named_layout("night shift")
    assert not win.delete_named_layout("night shift")
    assert not win.load_named_layout("night shift")
    assert placement.layout_names(settings) == ["a/b"]
    win._fill_layouts_menu()
    texts = [a.text() for a in win.layouts_menu.actions()]
    assert any("a/b" in t for t in texts)


def test_a_4k_screen_without_a_dpi_is_scaled() -> None:
    assert scale_for(3840, 2160) == 2.0
    assert scale_for(1920, 1080) == 1.0
    assert scale_for(2560, 1440) == 1.0
    assert scale_for(3840, 1080) == 1.0  # two 1080p screens side by side
    assert scale_for(3840, 2160, xft_dpi=96) == 1.0  # the desktop set a DPI: Qt follows it
    assert scale_for(3840, 2160, width_mm=600) == 1.75  # 163 dpi told by the monitor
    env = {"DISPLAY": ":1", "QT_QPA_PLATFORM": "xcb"}
    assert scale_environment(env, probe=lambda: (3840, 2160, 1016.0, 0.0)) == 2.0
    assert env["QT_SCALE_FACTOR"] == "2"
    kept = {"DISPLAY": ":1", "QT_SCALE_FACTOR": "1.5"}
    assert scale_environment(kept, probe=lambda: (3840, 2160, 0.0, 0.0)) == 1.0
    assert kept["QT_SCALE_FACTOR"] == "1.5"
    offscreen = {"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":1"}
    assert scale_environment(offscreen, probe=lambda: (3840, 2160, 0.0, 0.0)) == 1.0
    assert "QT_SCALE_FACTOR" not in offscreen
