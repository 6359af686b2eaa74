"""Small dialogs of the alarm list: acknowledge (operator + comment), shelve (+ expiry)
and plan work (a planned shelf: scope, start, end, operator, reason)."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDateTime, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from widgets.text import clip
from widgets.view import SiteClock, site_clock_of

SHELVE_CHOICES: tuple[tuple[str, int], ...] = (
    (QT_TRANSLATE_NOOP("ShelveDialog", "15 min"), 15 * 60),
    (QT_TRANSLATE_NOOP("ShelveDialog", "1 h"), 3600),
    (QT_TRANSLATE_NOOP("ShelveDialog", "8 h"), 8 * 3600),
    (QT_TRANSLATE_NOOP("ShelveDialog", "Custom…"), 0),
)
"""Shelf durations offered, in seconds (0: the custom spin box)."""


class AckDialog(QDialog):
    """Asks who acknowledges and why; OK stays disabled until an operator name is given."""

    def __init__(
        self, what: str, operator: str = "", parent: QWidget | None = None, title: str = ""
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or self.tr("Acknowledge alarms"))
        form = QFormLayout(self)
        label = QLabel(clip(what, 1000), self)  # callers isolate or clean the hub text in it
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        form.addRow(label)
        self.operator = QLineEdit(operator, self)
        self.operator.setPlaceholderText(self.tr("your name"))
        self.comment = QLineEdit(self)
        self.comment.setPlaceholderText(self.tr("what you saw or did (optional)"))
        form.addRow(self.tr("Operator"), self.operator)
        form.addRow(self.tr("Comment"), self.comment)
        self.form = form
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.operator.textChanged.connect(self._check)
        self._check()
        (self.comment if operator else self.operator).setFocus()

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.operator.text().strip()))

    def values(self) -> tuple[str, str]:
        """(operator, comment), stripped."""
        return self.operator.text().strip(), self.comment.text().strip()


class ShelveDialog(AckDialog):
    """Asks for a shelf duration as well: 15 min, 1 h, 8 h or a custom number of minutes."""

    def __init__(
        self, what: str, operator: str = "", parent: QWidget | None = None, max_s: float = 86400
    ) -> None:
        super().__init__(what, operator, parent, title=self.tr("Shelve alarms"))
        self.duration = QComboBox(self)
        for label, seconds in SHELVE_CHOICES:
            self.duration.addItem(self.tr(label), seconds)
        self.duration.setCurrentIndex(1)
        self.custom = QSpinBox(self)
        self.custom.setRange(1, max(1, int(max_s // 60)))
        self.custom.setValue(120)
        self.custom.setSuffix(self.tr(" min"))
        self.custom.setEnabled(False)
        self.duration.currentIndexChanged.connect(
            lambda _i: self.custom.setEnabled(self.duration.currentData() == 0)
        )
        self.form.insertRow(1, self.tr("Shelve for"), self.duration)
        self.form.insertRow(2, self.tr("Custom"), self.custom)

    def seconds(self) -> int:
        """The chosen shelf duration in seconds."""
        chosen = int(self.duration.currentData())
        return chosen if chosen > 0 else self.custom.value() * 60


PLAN_MAX_S = 7 * 86400.0
"""Longest planned work the dialog accepts (the engine has its own limit too)."""


class PlanShelfDialog(QDialog):
    """Asks for planned work: scope, start, end, operator and reason, all required.

    The scope (``site``, a hall ``A``, a row ``A-03``, a rack ``A-03-07`` or a server id)
    is editable and pre-filled; OK stays disabled, with the reason said in words, until
    the end is after the start and in the future and the work lasts at most ``max_s``.
    Start and end are the site's wall time (``site``; the clock of the view the dialog is
    opened from when none), whatever the workstation's zone; ``clock`` says now.
    """

    def __init__(
        self,
        scope: str = "",
        operator: str = "",
        parent: QWidget | None = None,
        clock: Callable[[], float] = time.time,
        max_s: float = PLAN_MAX_S,
        site: SiteClock | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Plan work"))
        self.clock = clock
        self.max_s = max_s
        self.site = site if site is not None else site_clock_of(parent)
        """The site's clock: the zone start and end are entered in."""
        form = QFormLayout(self)
        intro = QLabel(self.tr(
            "Alarms of the scope raised between start and end are shelved at once, "
            "until the end. Every plan is journaled."), self)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        form.addRow(intro)
        self.scope = QLineEdit(scope, self)
        self.scope.setPlaceholderText(self.tr("site, hall A, row A-03, rack A-03-07 or a server"))
        zone = self.site.qt_zone(clock())
        now = QDateTime.fromSecsSinceEpoch(int(clock()) // 60 * 60 + 60, zone)
        self.start = QDateTimeEdit(self)
        self.end = QDateTimeEdit(self)
        for edit, value in ((self.start, now), (self.end, now.addSecs(2 * 3600))):
            edit.setTimeZone(zone)
            edit.setDateTime(value)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.zone_label = QLabel(self.tr("Site time: {0}").format(self.site.label(clock())),
                                 self)
        self.zone_label.setTextFormat(Qt.TextFormat.PlainText)
        self.operator = QLineEdit(operator, self)
        self.operator.setPlaceholderText(self.tr("your name"))
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("the work, its ticket or permit"))
        form.addRow(self.tr("Scope"), self.scope)
        form.addRow(self.tr("Start"), self.start)
        form.addRow(self.tr("End"), self.end)
        form.addRow("", self.zone_label)
        form.addRow(self.tr("Operator"), self.operator)
        form.addRow(self.tr("Reason"), self.reason)
        self.problem = QLabel(self)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        form.addRow(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        for line in (self.scope, self.operator, self.reason):
            line.textChanged.connect(self._check)
        for edit in (self.start, self.end):
            edit.dateTimeChanged.connect(self._check)
        self._check()
        (self.reason if scope and operator else self.scope if not scope else self.operator
         ).setFocus()

    def problems(self) -> list[str]:
        """What keeps the plan from being accepted, in words (empty when nothing)."""
        start, end = self.times()
        out = []
        if not self.scope.text().strip():
            out.append(self.tr("give a scope"))
        if not self.operator.text().strip():
            out.append(self.tr("give your name"))
        if not self.reason.text().strip():
            out.append(self.tr("give a reason"))
        if end <= start:
            out.append(self.tr("the end must be after the start"))
        elif end <= self.clock():
            out.append(self.tr("the end must be in the future"))
        if end - start > self.max_s:
            out.append(self.tr("planned work may last at most {0:g} days").format(
                self.max_s / 86400))
        return out

    def _check(self) -> None:
        problems = self.problems()
        self.problem.setText("; ".join(problems).capitalize() if problems else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)

    def times(self) -> tuple[float, float]:
        """(start, end) in epoch seconds."""
        return (float(self.start.dateTime().toSecsSinceEpoch()),
                float(self.end.dateTime().toSecsSinceEpoch()))

    def values(self) -> tuple[str, float, float, str, str]:
        """(scope, start, end, operator, reason), stripped."""
        start, end = self.times()
        return (self.scope.text().strip(), start, end, self.operator.text().strip(),
                self.reason.text().strip())
