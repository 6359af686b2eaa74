"""Wall mode: chosen views full screen on chosen monitors, for a control room's wall.

A :class:`Wall` takes the views out of a main window's docks (the same widgets, fed by the
window's one feed: nothing polls twice) and shows them on its screens, one
:class:`WallScreen` a monitor, each with its own alarm banner and no menus. The views are
dealt to the screens in turn (with three views on two screens, the first screen has the
first and the third). A screen with several views shows them side by side, or, with a
rotation, one at a time, the next every ``rotate_s`` seconds; a view's own selectors (the
rack map's overlay, the power chart's time range) stay on it, since the whole view is
shown. Leaving the wall (Esc, in the variant opened from the menu) puts every view back in
its dock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from widgets.alarm_banner import AlarmBanner
from widgets.placement import current_screens, describe, enter_full_screen

DEFAULT_VIEWS = ("rackmap", "power", "alarms")
"""What a wall shows when nobody chose."""
MIN_ROTATE_S = 2.0
"""The shortest rotation of the menu's dialog (the command line takes any positive value)."""


class WallError(ValueError):
    """A wall that cannot be built as asked (an unknown view, a screen that is not there)."""


def parse_views(text: str | Sequence[str], known: Sequence[str]) -> list[str]:
    """View keys from 'rackmap,power' (or a list), each known and once; WallError else."""
    items = text.split(",") if isinstance(text, str) else list(text)
    views = list(dict.fromkeys(v.strip() for v in items if v.strip()))
    unknown = [v for v in views if v not in known]
    if unknown:
        raise WallError(f"unknown view {unknown[0]!r}; choose from {', '.join(known)}")
    if not views:
        raise WallError(f"no view chosen; choose from {', '.join(known)}")
    return views


def parse_screens(text: str | Sequence[int] | None, count: int) -> list[int]:
    """Screen numbers from '0,1' (None or '': every screen), each there and once."""
    if text is None or text == "":
        return list(range(count))
    items = text.split(",") if isinstance(text, str) else [str(i) for i in text]
    screens: list[int] = []
    for item in items:
        item = str(item).strip()
        if not item:
            continue
        if not item.isdigit():
            raise WallError(f"screen {item!r} is not a number")
        if int(item) >= count:
            raise WallError(f"no screen {item}: there {'is' if count == 1 else 'are'} "
                            f"{count} (0 to {count - 1})")
        if int(item) not in screens:
            screens.append(int(item))
    if not screens:
        raise WallError("no screen chosen")
    return screens


def deal(views: Sequence[str], n_screens: int) -> list[list[str]]:
    """The views of each screen: dealt in turn, so a screen has none only when there are
    fewer views than screens."""
    return [list(views[i::n_screens]) for i in range(n_screens)]


def wall_choice(settings: QSettings, views: Any, screens: Any,
                rotate_s: float) -> tuple[list[str], list[int], float]:
    """The wall asked for, else the one last chosen (QSettings ``wall/``), else the rack
    map, power and alarms on every screen."""
    if views is None:
        views = settings.value("wall/views", ",".join(DEFAULT_VIEWS), type=str)
    if screens is None:
        screens = settings.value("wall/screens", "", type=str)
        rotate_s = rotate_s or float(settings.value("wall/rotate_s", 0.0, type=float) or 0.0)
    views = list(views.split(",") if isinstance(views, str) else views)
    count = len(current_screens())
    try:
        chosen = parse_screens(screens, count)
    except WallError:
        chosen = list(range(count))  # the screens of last time are not all there
    return views, chosen[:max(1, len(views))], float(rotate_s or 0.0)


class WallScreen(QWidget):
    """One monitor of a wall: the alarm banner, then its views (side by side, or one at
    a time when rotating). ``rotated(key)`` says which view came up."""

    rotated = Signal(str)
    leaveRequested = Signal()

    def __init__(self, title: str, pages: Sequence[tuple[str, str, QWidget]], screen: Any,
                 rotate_s: float = 0.0, leave_on_escape: bool = False) -> None:
        super().__init__(None)
        self.setObjectName("wallScreen")
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.target = screen
        self.keys = [key for key, _t, _w in pages]
        self.leave_on_escape = leave_on_escape
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.banner = AlarmBanner(self)
        column.addWidget(self.banner)
        head = QHBoxLayout()
        head.setContentsMargins(6, 2, 6, 2)
        self.caption = QLabel(self)
        self.caption.setObjectName("wallCaption")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setStyleSheet("font-weight: bold;")
        head.addWidget(self.caption, 1)
        self.hint = QLabel(self.tr("Esc leaves wall mode") if leave_on_escape else "", self)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setStyleSheet("color: #9aa2ad;")
        head.addWidget(self.hint)
        column.addLayout(head)
        self.titles = [t for _k, t, _w in pages]
        self.stack: QStackedWidget | None = None
        self.timer = QTimer(self)
        if rotate_s > 0 and len(pages) > 1:
            self.stack = QStackedWidget(self)
            for _key, _title, widget in pages:
                self.stack.addWidget(widget)
            column.addWidget(self.stack, 1)
            self.timer.setInterval(max(1, int(rotate_s * 1000)))
            self.timer.timeout.connect(self.next_view)
        else:
            split = QSplitter(Qt.Orientation.Horizontal, self)
            split.setChildrenCollapsible(False)
            for i, (_key, _title, widget) in enumerate(pages):
                split.addWidget(widget)
                split.setStretchFactor(i, 1)
            split.setSizes([10_000] * len(pages))  # an equal share each
            column.addWidget(split, 1)
        self._caption()
        for key in (Qt.Key.Key_Space, Qt.Key.Key_Right):
            QShortcut(QKeySequence(key), self, self.next_view)
        QShortcut(QKeySequence(Qt.Key.Key_Left), self, self.previous_view)

    @property
    def current(self) -> str:
        """The key of the view shown (rotating), or of the first."""
        if self.stack is None or not self.keys:
            return self.keys[0] if self.keys else ""
        return self.keys[self.stack.currentIndex()]

    def _caption(self) -> None:
        if self.stack is None:
            self.caption.setText(" · ".join(self.titles))
        else:
            i = self.stack.currentIndex()
            self.caption.setText(self.tr("{title} ({n} of {count})").format(
                title=self.titles[i], n=i + 1, count=len(self.titles)))

    def next_view(self, step: int = 1) -> None:
        """The next view (rotating); the timer starts its wait again."""
        if self.stack is None:
            return
        self.stack.setCurrentIndex((self.stack.currentIndex() + step) % self.stack.count())
        self._caption()
        if self.timer.isActive():
            self.timer.start()
        self.rotated.emit(self.current)

    def previous_view(self) -> None:
        self.next_view(-1)

    def place(self) -> None:
        """Full screen on its monitor (a bare X server too)."""
        if self.target is not None and hasattr(self.target, "virtualSiblings"):
            self.setScreen(self.target)
        if self.target is not None:
            self.setGeometry(self.target.geometry())
        enter_full_screen(self, self.target)
        if self.stack is not None:
            self.timer.start()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt name
        if event.key() == Qt.Key.Key_Escape and self.leave_on_escape:
            event.accept()
            self.leaveRequested.emit()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt name
        self.timer.stop()
        super().closeEvent(event)


class Wall(QObject):
    """The views of ``window`` named in ``views`` on the screens numbered in ``screens``
    (indices into :func:`widgets.placement.current_screens`, primary first).

    ``left`` is sent once the views are back in their docks (:meth:`leave`)."""

    left = Signal()

    def __init__(self, window: Any, views: Sequence[str], screens: Sequence[int],
                 rotate_s: float = 0.0, leave_on_escape: bool = False,
                 all_screens: Sequence[Any] | None = None) -> None:
        super().__init__(window)
        self.window = window
        available = list(current_screens() if all_screens is None else all_screens)
        self.views = parse_views(list(views), list(window.docks))
        self.screen_numbers = parse_screens(list(screens), len(available))
        if len(self.views) < len(self.screen_numbers):
            raise WallError(f"{len(self.views)} view(s) for {len(self.screen_numbers)} "
                            "screens: choose at least one view a screen")
        self.rotate_s = float(rotate_s or 0.0)
        self._taken: list[tuple[Any, QWidget]] = []
        self.screens: list[WallScreen] = []
        title = window.windowTitle()
        for number, keys in zip(self.screen_numbers, deal(self.views, len(self.screen_numbers)),
                                strict=True):
            pages = []
            for key in keys:
                dock = window.docks[key]
                widget = dock.widget()
                self._taken.append((dock, widget))
                pages.append((key, dock.windowTitle(), widget))
            screen = WallScreen(title, pages, available[number], self.rotate_s, leave_on_escape)
            screen.banner.set_review(bool(getattr(window, "review", False)))
            screen.leaveRequested.connect(self.leave)
            self.screens.append(screen)
        for _dock, widget in self._taken:
            widget.show()
        latest = getattr(window, "latest_alarms", None)
        if latest is not None:
            self.on_alarms(latest)
        feed = getattr(window, "feed", None)
        if feed is not None:
            feed.alarmsUpdated.connect(self.on_alarms)
        self._left = False

    def on_alarms(self, update: Any) -> None:
        """Every screen's banner shows the alarms the window's banner shows."""
        for screen in self.screens:
            screen.banner.set_alarms(update.alarms, update.time)

    def show(self) -> None:
        for screen in self.screens:
            screen.show()
            screen.place()
        if self.screens:
            self.screens[0].activateWindow()

    def leave(self) -> None:
        """Every view back in its dock, the wall's windows closed (once)."""
        if self._left:
            return
        self._left = True
        feed = getattr(self.window, "feed", None)
        if feed is not None:
            try:
                feed.alarmsUpdated.disconnect(self.on_alarms)
            except (RuntimeError, TypeError):
                pass
        for dock, widget in self._taken:
            dock.setWidget(widget)
            widget.show()
        for screen in self.screens:
            screen.close()
            screen.deleteLater()
        self.screens = []
        self.left.emit()


class WallDialog(QDialog):
    """View → Wall mode…: the views, the monitors and the rotation (kept for next time)."""

    def __init__(self, settings: QSettings, views: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Wall mode"))
        self.settings = settings
        chosen, screens, rotate_s = wall_choice(settings, None, None, 0.0)
        form = QFormLayout(self)
        self.view_boxes: dict[str, QCheckBox] = {}
        box = QVBoxLayout()
        docks = getattr(parent, "docks", {})
        for key in views:
            title = docks[key].windowTitle() if key in docks else key
            check = QCheckBox(title, self)
            check.setChecked(key in chosen)
            self.view_boxes[key] = check
            box.addWidget(check)
        form.addRow(self.tr("Views:"), box)
        self.screen_boxes: list[QCheckBox] = []
        sbox = QVBoxLayout()
        for i, text in describe(current_screens()).items():
            check = QCheckBox(text, self)
            check.setChecked(i in screens)
            self.screen_boxes.append(check)
            sbox.addWidget(check)
        form.addRow(self.tr("Screens:"), sbox)
        self.rotate = QDoubleSpinBox(self)
        self.rotate.setRange(0.0, 3600.0)
        self.rotate.setDecimals(0)
        self.rotate.setSuffix(self.tr(" s"))
        self.rotate.setSpecialValueText(self.tr("no rotation"))
        self.rotate.setValue(rotate_s)
        form.addRow(self.tr("Rotate views every:"), self.rotate)
        note = QLabel(self.tr("Views are dealt to the screens in turn; Esc leaves wall mode."))
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choice(self) -> tuple[list[str], list[int], float]:
        views = [k for k, b in self.view_boxes.items() if b.isChecked()]
        screens = [i for i, b in enumerate(self.screen_boxes) if b.isChecked()]
        rotate = self.rotate.value()
        rotate = 0.0 if rotate <= 0 else max(MIN_ROTATE_S, rotate)
        views = views or list(DEFAULT_VIEWS)
        screens = screens[:len(views)] or [0]
        self.settings.setValue("wall/views", ",".join(views))
        self.settings.setValue("wall/screens", ",".join(str(i) for i in screens))
        self.settings.setValue("wall/rotate_s", rotate)
        return views, screens, rotate
