"""Where the console's windows go: geometry and docks kept per screen and per mode, named
layouts, full screen without a window manager, and the text scale of large screens.

- The main window's geometry and dock layout are kept in QSettings under
  ``window/<mode>/<screen>/`` (mode ``live`` or ``review``; the screen named by its name and
  size in pixels, as :func:`screen_key` writes it) with the screen last used under
  ``window/<mode>/last_screen``. A window opens with what was kept for the screen it was on
  last (when that screen is still there), else for the screen it opens on; a geometry that
  fits no screen now (a monitor moved or gone) is not restored. With nothing kept, the
  window fills the screen it opens on (maximised).
- Named layouts (View → Layouts) keep a geometry and a dock layout under ``layouts/<name>/``.
- :func:`enter_full_screen` and :func:`leave_full_screen` work with no window manager too
  (a bare X server, a kiosk): the window is given the screen's geometry itself.
- :func:`scale_environment` picks a scale factor for a large screen that says nothing of its
  DPI (see its docstring); it must run before the QApplication is made.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import re
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any, Protocol
from urllib.parse import quote, unquote

from PySide6.QtCore import QByteArray, QRect, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QWidget

log = logging.getLogger(__name__)

FIT_MARGIN_PX = 24
"""How far a kept geometry may reach past a screen's edges and still fit it (a window's
frame, a panel that moved)."""
LAYOUT_VERSION = 1
"""Version of the dock layouts kept (QMainWindow.saveState's)."""


class ScreenLike(Protocol):
    """What placement reads of a screen (QScreen has it all)."""

    def name(self) -> str: ...
    def geometry(self) -> QRect: ...
    def availableGeometry(self) -> QRect: ...  # noqa: N802 - Qt name


def current_screens() -> list[Any]:
    """The screens there are now, the primary one first."""
    screens = list(QGuiApplication.screens())
    primary = QGuiApplication.primaryScreen()
    if primary in screens:
        screens.remove(primary)
        screens.insert(0, primary)
    return screens


def screen_key(screen: ScreenLike) -> str:
    """A screen as a settings key: its name and size ('DP-1_3840x2160'; 'screen_1280x800'
    for a screen with no name), with anything but letters, digits, '.', '-' and '_' made '_'."""
    size = screen.geometry().size()
    name = re.sub(r"[^A-Za-z0-9._-]", "_", screen.name() or "") or "screen"
    return f"{name}_{size.width()}x{size.height()}"


def fits(rect: QRect, screens: Sequence[ScreenLike], margin: int = FIT_MARGIN_PX) -> bool:
    """Whether ``rect`` lies on one of ``screens`` (within ``margin`` of its edges)."""
    if rect.isEmpty():
        return False
    return any(s.geometry().adjusted(-margin, -margin, margin, margin).contains(rect)
               for s in screens)


def screen_of(widget: QWidget, screens: Sequence[ScreenLike]) -> ScreenLike | None:
    """The screen of ``screens`` that holds the centre of ``widget`` (its normal geometry
    when maximised or full screen), else the first (the primary); None when there is none."""
    if not screens:
        return None
    rect = widget.normalGeometry() if _expanded(widget) else widget.geometry()
    for screen in screens:
        if screen.geometry().contains(rect.center()):
            return screen
    for screen in screens:
        if screen.geometry().contains(widget.geometry().center()):
            return screen
    return screens[0]


def _expanded(widget: QWidget) -> bool:
    return bool(widget.windowState() & (Qt.WindowState.WindowMaximized
                                        | Qt.WindowState.WindowFullScreen))


def _bytes(settings: QSettings, key: str) -> QByteArray | None:
    value = settings.value(key)
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, bytes | bytearray) and value:
        return QByteArray(bytes(value))
    return None


def _rect(settings: QSettings, key: str) -> QRect | None:
    value = settings.value(key)
    if isinstance(value, QRect):
        return value
    if isinstance(value, list | tuple) and len(value) == 4:  # an INI file read back
        try:
            return QRect(*(int(v) for v in value))
        except (TypeError, ValueError):
            return None
    return None


class Placement:
    """The geometry and dock layout of one window, kept per screen for one mode.

    ``window`` is the top-level window, ``docks`` the main window whose dock layout is kept
    (the window itself, or a dock host inside it)."""

    def __init__(self, settings: QSettings, mode: str, window: QWidget,
                 docks: QMainWindow) -> None:
        self.settings = settings
        self.mode = mode
        self.window = window
        self.docks = docks
        self.geometry_restored = False
        """The last :meth:`restore` put the window where it was."""
        self.docks_restored = False
        """The last :meth:`restore` brought the dock layout back."""

    def group(self, key: str) -> str:
        return f"window/{self.mode}/{key}"

    def restore(self, screens: Sequence[ScreenLike] | None = None) -> bool:
        """Put the window and its docks where they were on this screen in this mode; with
        nothing kept that fits a screen, fill the screen it opens on. True when the
        geometry was restored."""
        screens = list(current_screens() if screens is None else screens)
        keys = {screen_key(s): s for s in screens}
        last = self.settings.value(f"window/{self.mode}/last_screen", "", type=str)
        here = screen_of(self.window, screens)
        candidates = [k for k in (last, screen_key(here) if here is not None else "")
                      if k and k in keys]
        self.geometry_restored = self.docks_restored = False
        for key in dict.fromkeys(candidates):
            state = _bytes(self.settings, f"{self.group(key)}/docks")
            if state is not None and not self.docks_restored:
                self.docks_restored = self.docks.restoreState(state, LAYOUT_VERSION)
            geometry = _bytes(self.settings, f"{self.group(key)}/geometry")
            rect = _rect(self.settings, f"{self.group(key)}/rect")
            if geometry is None or rect is None:
                continue
            if not fits(rect, screens):
                log.info("the window's geometry kept for %s fits no screen now: not restored",
                         key)
                continue
            self.geometry_restored = self.window.restoreGeometry(geometry)
            if self.geometry_restored:
                break
        if not self.geometry_restored:
            fill_screen(self.window, keys.get(candidates[0]) if candidates else here)
        return self.geometry_restored

    def save(self, screens: Sequence[ScreenLike] | None = None) -> str:
        """Keep the window's geometry and docks for the screen it is on; that screen's key."""
        screens = list(current_screens() if screens is None else screens)
        screen = screen_of(self.window, screens)
        key = screen_key(screen) if screen is not None else "screen_0x0"
        rect = self.window.normalGeometry() if _expanded(self.window) else self.window.geometry()
        group = self.group(key)
        self.settings.setValue(f"{group}/geometry", self.window.saveGeometry())
        self.settings.setValue(f"{group}/rect", rect)
        self.settings.setValue(f"{group}/docks", self.docks.saveState(LAYOUT_VERSION))
        self.settings.setValue(f"window/{self.mode}/last_screen", key)
        self.settings.sync()
        return key


def fill_screen(window: QWidget, screen: ScreenLike | None) -> None:
    """Give ``window`` the whole of ``screen``'s free area and mark it maximised (a window
    manager then keeps it so; without one the geometry already is)."""
    if screen is not None:
        area = screen.availableGeometry()
        if not area.isEmpty():
            window.setGeometry(area)
    window.setWindowState(
        (window.windowState() & ~Qt.WindowState.WindowFullScreen)
        | Qt.WindowState.WindowMaximized)


# -- full screen ------------------------------------------------------------------------------

_NORMAL = "_placement_normal_geometry"
_MAXIMISED = "_placement_was_maximised"


def enter_full_screen(window: QWidget, screen: ScreenLike | None = None) -> None:
    """Show ``window`` full screen on ``screen`` (the one it is on when None). With no
    window manager to honour the request, the window takes the screen's geometry itself."""
    if not window.isFullScreen():
        setattr(window, _NORMAL, window.normalGeometry() if window.isMaximized()
                else window.geometry())
        setattr(window, _MAXIMISED, window.isMaximized())
    target = screen if screen is not None else window.screen()
    if target is not None:
        # A window manager gives a full-screen window its screen; a bare X server does not,
        # so the window takes it first (setting a geometry afterwards would end full screen).
        window.setGeometry(target.geometry())
    window.showFullScreen()


def leave_full_screen(window: QWidget) -> None:
    """Back from full screen to the geometry (and maximised state) before it."""
    window.showNormal()
    normal = getattr(window, _NORMAL, None)
    if isinstance(normal, QRect) and not normal.isEmpty():
        window.setGeometry(normal)
    if getattr(window, _MAXIMISED, False):
        window.showMaximized()


# -- named layouts ------------------------------------------------------------------------------

LAYOUTS_GROUP = "layouts"


def _layout_key(name: str) -> str:
    return f"{LAYOUTS_GROUP}/{quote(name, safe='')}"


def layout_names(settings: QSettings) -> list[str]:
    """The names of the layouts kept, sorted."""
    settings.beginGroup(LAYOUTS_GROUP)
    try:
        groups = settings.childGroups()
    finally:
        settings.endGroup()
    return sorted((unquote(g) for g in groups), key=str.casefold)


def save_named_layout(settings: QSettings, name: str, window: QWidget,
                      docks: QMainWindow) -> None:
    """Keep the window's geometry and dock layout as ``name`` (replacing one so named)."""
    name = name.strip()
    if not name:
        raise ValueError("a layout needs a name")
    key = _layout_key(name)
    settings.setValue(f"{key}/geometry", window.saveGeometry())
    settings.setValue(f"{key}/docks", docks.saveState(LAYOUT_VERSION))
    settings.sync()


def load_named_layout(settings: QSettings, name: str, window: QWidget,
                      docks: QMainWindow, screens: Sequence[ScreenLike] | None = None) -> bool:
    """Bring back the layout ``name``: its docks always, its geometry when that fits a
    screen. False when there is no such layout."""
    key = _layout_key(name)
    state = _bytes(settings, f"{key}/docks")
    geometry = _bytes(settings, f"{key}/geometry")
    if state is None and geometry is None:
        return False
    if state is not None:
        docks.restoreState(state, LAYOUT_VERSION)
    if geometry is not None:
        saved = window.geometry()
        if window.restoreGeometry(geometry) and not fits(
                window.normalGeometry(), list(current_screens() if screens is None else screens)):
            window.setGeometry(saved)
    return True


def delete_named_layout(settings: QSettings, name: str) -> bool:
    """Forget the layout ``name``; False when there was none."""
    key = _layout_key(name)
    if name not in layout_names(settings):
        return False
    settings.remove(key)
    settings.sync()
    return True


# -- the scale of large screens ----------------------------------------------------------------

SCALE_VARIABLES = ("QT_SCALE_FACTOR", "QT_SCREEN_SCALE_FACTORS", "QT_ENABLE_HIGHDPI_SCALING",
                   "QT_FONT_DPI", "QT_USE_PHYSICAL_DPI")
"""Qt's own settings of the scale: when any is set, the console leaves the scale to it."""
REFERENCE_SIZE = (1920, 1080)
"""The screen the console's sizes are drawn for at scale 1."""
LEAST_SCALED = 1.5
"""A screen this many times the reference size, or more, is scaled (a 4K screen: 2)."""


def scale_for(width_px: int, height_px: int, width_mm: float = 0.0,
              xft_dpi: float = 0.0) -> float:
    """The scale factor for a screen of ``width_px`` × ``height_px`` that gives no DPI
    setting (``xft_dpi`` 0) : its physical DPI over 96 when its size in millimetres is told
    and says more than 144 dpi; else, for a screen at least 1.5 times 1920 × 1080 in both
    directions, its size over that, by quarters (a 4K screen: 2). 1.0 for the rest, and
    whenever the desktop sets a DPI (Qt follows it)."""
    if xft_dpi > 0 or width_px <= 0 or height_px <= 0:
        return 1.0
    if width_mm > 0:
        dpi = width_px / (width_mm / 25.4)
        if 144 <= dpi <= 600:
            return min(4.0, round(dpi / 96 * 4) / 4)
    ratio = min(width_px / REFERENCE_SIZE[0], height_px / REFERENCE_SIZE[1])
    if ratio < LEAST_SCALED:
        return 1.0
    return min(4.0, int(ratio * 4) / 4)


def _x_screen() -> tuple[int, int, float, float] | None:
    """The X display's root screen: width and height in pixels and millimetres, Xft.dpi
    (0 when unset); None when it cannot be read (no libX11, no display)."""
    name = ctypes.util.find_library("X11")
    if not name:
        return None
    try:
        x11 = ctypes.CDLL(name)
    except OSError:
        return None
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    for fn in ("XDefaultScreen",):
        getattr(x11, fn).argtypes = [ctypes.c_void_p]
    for fn in ("XDisplayWidth", "XDisplayHeight", "XDisplayWidthMM"):
        getattr(x11, fn).argtypes = [ctypes.c_void_p, ctypes.c_int]
    x11.XGetDefault.restype = ctypes.c_char_p
    x11.XGetDefault.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = x11.XOpenDisplay(None)
    if not display:
        return None
    try:
        number = x11.XDefaultScreen(display)
        xft = x11.XGetDefault(display, b"Xft", b"dpi")
        try:
            dpi = float(xft.decode()) if xft else 0.0
        except ValueError:
            dpi = 0.0
        return (x11.XDisplayWidth(display, number), x11.XDisplayHeight(display, number),
                float(x11.XDisplayWidthMM(display, number)), dpi)
    finally:
        x11.XCloseDisplay(display)


def scale_environment(environ: MutableMapping[str, str] | None = None,
                      probe: Any = _x_screen) -> float:
    """Set ``QT_SCALE_FACTOR`` for a large X screen that says nothing of its DPI, before the
    QApplication is made; the factor set (1.0: none).

    Qt scales by the desktop's DPI setting (Xft.dpi, the desktop's scale) or by Qt's own
    variables (:data:`SCALE_VARIABLES`); with any of those, or on another platform than X11,
    this does nothing. A bare X server (a kiosk, Xvfb) gives none, and a 4K screen would show
    text at a quarter of its usual area: its scale is then :func:`scale_for`'s (2 on
    3840 × 2160). One factor for the whole display: the X root window's size (two 1080p
    screens side by side stay at 1)."""
    env: MutableMapping[str, str] = os.environ if environ is None else environ
    if any(env.get(v) for v in SCALE_VARIABLES):
        return 1.0
    platform = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()
    if platform not in ("", "xcb") or not env.get("DISPLAY") or (
            not platform and env.get("WAYLAND_DISPLAY")):
        return 1.0
    screen = probe()
    if screen is None:
        return 1.0
    factor = scale_for(*screen)
    if factor > 1.0:
        env["QT_SCALE_FACTOR"] = f"{factor:g}"
    return factor


def describe(screens: Sequence[ScreenLike]) -> Mapping[int, str]:
    """Screens by index, as the wall command lists them ('0: DP-1 3840x2160 at 0,0')."""
    out = {}
    for i, s in enumerate(screens):
        g = s.geometry()
        out[i] = f"{i}: {s.name() or 'screen'} {g.width()}x{g.height()} at {g.x()},{g.y()}"
    return out
