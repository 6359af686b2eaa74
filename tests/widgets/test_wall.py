"""Wall mode: one full-screen window a chosen screen with the alarm banner and no menus, the
window's own views (one feed), rotation on a timer, Esc back to the docks; the command."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import QMenuBar

from console.alarms import UNACK, Alarm
from widgets.feed import Feed
from widgets.main_window import MainWindow
from widgets.wall import Wall, WallError, deal, parse_screens, parse_views

T0 = 1_780_000_000.0


class Screen:
    def __init__(self, name: str, x: int, w: int, h: int) -> None:
        self._name, self._rect = name, QRect(x, 0, w, h)

    def name(self) -> str:
        return self._name

    def geometry(self) -> QRect:
        return QRect(self._rect)

    availableGeometry = geometry  # noqa: N815 - Qt name


SCREENS = [Screen("DP-1", 0, 1920, 1080), Screen("DP-2", 1920, 1920, 1080)]


@pytest.fixture
def window(qtbot: Any, tmp_path: Any) -> MainWindow:
    settings = QSettings(str(tmp_path / "wall.ini"), QSettings.Format.IniFormat)
    win = MainWindow("sim://test", feed=Feed(), settings=settings)
    qtbot.addWidget(win)
    return win


def alarm_update() -> Any:
    alarm = Alarm(id="cooling_loss:row:A-03", rule="cooling_loss", priority="critical",
                  state=UNACK, active=True, message="cooling lost", time=T0, changed=T0,
                  area="row A-03")
    return SimpleNamespace(alarms=[alarm], time=T0 + 60, transitions=(), plans=None)


def test_one_window_a_screen_with_the_banner_and_no_menus(qtbot: Any,
                                                          window: MainWindow) -> None:
    rackmap = window.views["rackmap"]
    wall = Wall(window, ["rackmap", "power", "alarms"], [0, 1], all_screens=SCREENS)
    wall.show()
    assert len(wall.screens) == 2
    assert [s.keys for s in wall.screens] == [["rackmap", "alarms"], ["power"]]
    for screen, target in zip(wall.screens, SCREENS, strict=True):
        assert screen.isFullScreen()
        assert screen.geometry().topLeft() == target.geometry().topLeft()
        assert not screen.findChildren(QMenuBar)
        assert screen.banner.isVisible()
    assert rackmap.window() is wall.screens[0]  # the window's own view, not a copy
    window.feed.alarmsUpdated.emit(alarm_update())  # the one feed reaches every banner
    for screen in wall.screens:
        assert screen.banner.unacked["critical"] == 1
    wall.leave()
    assert window.docks["rackmap"].widget() is rackmap
    assert window.docks["power"].widget() is window.views["power"]
    assert wall.screens == []


def test_rotation_changes_the_view_on_the_timer(qtbot: Any, window: MainWindow) -> None:
    wall = Wall(window, ["rackmap", "power", "alarms"], [0], rotate_s=0.05,
                all_screens=SCREENS)
    wall.show()
    screen = wall.screens[0]
    assert screen.current == "rackmap" and screen.stack is not None
    with qtbot.waitSignal(screen.rotated, timeout=5_000) as blocker:
        pass
    assert blocker.args == ["power"] and screen.current == "power"
    assert screen.stack.currentWidget() is window.views["power"]
    # The view's own selectors come with it (the power chart's time range).
    assert window.views["power"].range_buttons[3600.0].isVisibleTo(screen)
    with qtbot.waitSignal(screen.rotated, timeout=5_000) as blocker:
        pass
    assert blocker.args[0] != "power"
    wall.leave()


def test_esc_leaves_the_wall_opened_from_the_menu(qtbot: Any, window: MainWindow,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import widgets.placement as placement

    monkeypatch.setattr(placement, "current_screens", lambda: SCREENS[:1])
    monkeypatch.setattr("widgets.wall.current_screens", lambda: SCREENS[:1])
    window.show()
    wall = window.enter_wall_mode(["alarms", "jobs"], [0], 0.0)
    assert wall is not None and window.wall is wall
    screen = wall.screens[0]
    with qtbot.waitSignal(wall.left, timeout=5_000):
        qtbot.keyClick(screen, Qt.Key.Key_Escape)
    assert window.wall is None
    assert window.docks["jobs"].widget() is window.views["jobs"]


def test_choices_are_checked() -> None:
    known = ["rackmap", "power", "alarms"]
    assert parse_views("power, rackmap,power", known) == ["power", "rackmap"]
    with pytest.raises(WallError, match="unknown view 'map'"):
        parse_views("map", known)
    assert parse_screens(None, 3) == [0, 1, 2]
    assert parse_screens("1,0", 2) == [1, 0]
    with pytest.raises(WallError, match="no screen 2"):
        parse_screens("2", 2)
    assert deal(["a", "b", "c"], 2) == [["a", "c"], ["b"]]


def test_the_wall_command_checks_its_choices_before_any_window(capsys: Any) -> None:
    from main import main

    assert main(["wall", "--views", "rackmap,nothing"]) == 2
    assert "unknown view 'nothing'" in capsys.readouterr().err
    assert main(["wall", "--rotate", "-1"]) == 2
    assert "--rotate" in capsys.readouterr().err
