"""The shift log's small dialogs: a new entry (Edit → Add log entry…, Ctrl+L) and the
clear of an open item.

:class:`LogEntryDialog` asks for the category, the text (with its limit shown as it is
typed), the author (the operator name the window knows) and whether the entry is an open
item, with the current selection (a rack, an alarm, a job) linked, each link removable.
OK checks the entry as the hub will (:func:`console.shiftlog.model.validate_new`); a
refusal (text too long, a rack the site does not have) is said in the dialog, in words,
and the dialog stays open. :class:`ClearItemDialog` asks in whose name an open item is
cleared. Both show what others wrote as plain text.
"""

from __future__ import annotations

from collections.abc import Container, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from console.shiftlog.model import (
    CATEGORIES,
    MAX_AUTHOR,
    MAX_TEXT,
    LogError,
    NewEntry,
    validate_name,
    validate_new,
)
from widgets.shift_log_model import category_label, link_label
from widgets.text import clip

LINK_ROLE = Qt.ItemDataRole.UserRole + 1
WARN_STYLE = "color: #e69f00; font-weight: 600;"


class LogEntryDialog(QDialog):
    """A new shift-log entry; :attr:`entry` holds it, checked, once accepted."""

    def __init__(
        self,
        author: str = "",
        links: Sequence[tuple[str, str]] = (),
        racks: Container[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add shift-log entry"))
        self.racks = racks
        self.entry: NewEntry | None = None
        form = QFormLayout(self)
        self.category = QComboBox(self)
        for word in CATEGORIES:
            self.category.addItem(category_label(word), word)
        self.text = QPlainTextEdit(self)
        self.text.setPlaceholderText(self.tr(
            "What was done, what is out of service, what the next shift must do"))
        self.text.setTabChangesFocus(True)
        lines = self.fontMetrics().lineSpacing()
        self.text.setMinimumHeight(6 * lines)
        self.text.setMinimumWidth(60 * self.fontMetrics().averageCharWidth())
        self.count = QLabel(self)
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.author = QLineEdit(author, self)
        self.author.setMaxLength(MAX_AUTHOR)
        self.author.setPlaceholderText(self.tr("your name"))
        self.open_item = QCheckBox(
            self.tr("Open item: carried to every handover until someone clears it"), self)
        self.links = QListWidget(self)
        self.links.setToolTip(self.tr("Untick a link to leave it out of the entry"))
        for kind, ref in links:
            item = QListWidgetItem(link_label(kind, ref), self.links)
            item.setData(LINK_ROLE, (kind, ref))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
        self.links.setMaximumHeight(max(3, min(len(links), 6) + 1) * lines + 2 * lines // 3)
        self.links.setVisible(bool(links))
        self.no_links = QLabel(self.tr("Nothing selected to link (select a rack, an alarm "
                                       "or a job first to link it)"), self)
        self.no_links.setTextFormat(Qt.TextFormat.PlainText)
        self.no_links.setWordWrap(True)
        self.no_links.setVisible(not links)
        self.error = QLabel(self)
        self.error.setObjectName("logEntryError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(WARN_STYLE)
        self.error.hide()
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Text"), self.text)
        form.addRow("", self.count)
        form.addRow(self.tr("Author"), self.author)
        form.addRow("", self.open_item)
        form.addRow(self.tr("Links"), self.links)
        form.addRow("", self.no_links)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Write"))
        self.buttons.accepted.connect(self.write)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.text.textChanged.connect(self._changed)
        self.author.textChanged.connect(self._changed)
        self._changed()
        (self.text if author else self.author).setFocus()

    def chosen_links(self) -> list[tuple[str, str]]:
        """The links left ticked."""
        out = []
        for row in range(self.links.count()):
            item = self.links.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(tuple(item.data(LINK_ROLE)))
        return out  # type: ignore[return-value]

    def set_category(self, word: str) -> None:
        self.category.setCurrentIndex(max(0, self.category.findData(word)))

    def _changed(self) -> None:
        n = len(self.text.toPlainText().strip())
        self.count.setText(self.tr("{0} of {1} characters").format(n, MAX_TEXT))
        self.count.setStyleSheet(WARN_STYLE if n > MAX_TEXT else "")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(n > 0 and bool(self.author.text().strip()))
        self.error.hide()

    def write(self) -> bool:
        """OK: the entry checked as the hub checks it; accepted, or the refusal said here."""
        try:
            self.entry = validate_new(
                self.text.toPlainText(), self.category.currentData(), self.chosen_links(),
                self.author.text(), self.open_item.isChecked(), racks=self.racks)
        except LogError as exc:
            self.entry = None
            self.error.setText(self.tr("Not written: {0}").format(clip(str(exc), 300)))
            self.error.show()
            return False
        self.accept()
        return True


class ClearItemDialog(QDialog):
    """Asks in whose name an open item is cleared; OK stays off until a name is given."""

    def __init__(self, what: str, who: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Clear open item"))
        form = QFormLayout(self)
        label = QLabel(clip(what, 1000), self)  # plain text: what another operator wrote
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        form.addRow(label)
        self.who = QLineEdit(who, self)
        self.who.setMaxLength(MAX_AUTHOR)
        self.who.setPlaceholderText(self.tr("your name"))
        form.addRow(self.tr("Cleared by"), self.who)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Clear item"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.who.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        try:
            validate_name(self.who.text(), "who")
            ok = True
        except LogError:
            ok = False
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def name(self) -> str:
        return " ".join(self.who.text().split())
