"""Small dialogs of the alarm list: acknowledge (operator + comment) and shelve (+ expiry)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

SHELVE_CHOICES: tuple[tuple[str, int], ...] = (
    ("15 min", 15 * 60),
    ("1 h", 3600),
    ("8 h", 8 * 3600),
    ("Custom…", 0),
)
"""Shelf durations offered, in seconds (0: the custom spin box)."""


class AckDialog(QDialog):
    """Asks who acknowledges and why; OK stays disabled until an operator name is given."""

    def __init__(
        self, what: str, operator: str = "", parent: QWidget | None = None, title: str = ""
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or "Acknowledge alarms")
        form = QFormLayout(self)
        label = QLabel(what, self)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        form.addRow(label)
        self.operator = QLineEdit(operator, self)
        self.operator.setPlaceholderText("your name")
        self.comment = QLineEdit(self)
        self.comment.setPlaceholderText("what you saw or did (optional)")
        form.addRow("Operator", self.operator)
        form.addRow("Comment", self.comment)
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
        super().__init__(what, operator, parent, title="Shelve alarms")
        self.duration = QComboBox(self)
        for label, seconds in SHELVE_CHOICES:
            self.duration.addItem(label, seconds)
        self.duration.setCurrentIndex(1)
        self.custom = QSpinBox(self)
        self.custom.setRange(1, max(1, int(max_s // 60)))
        self.custom.setValue(120)
        self.custom.setSuffix(" min")
        self.custom.setEnabled(False)
        self.duration.currentIndexChanged.connect(
            lambda _i: self.custom.setEnabled(self.duration.currentData() == 0)
        )
        self.form.insertRow(1, "Shelve for", self.duration)
        self.form.insertRow(2, "Custom", self.custom)

    def seconds(self) -> int:
        """The chosen shelf duration in seconds."""
        chosen = int(self.duration.currentData())
        return chosen if chosen > 0 else self.custom.value() * 60
