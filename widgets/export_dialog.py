"""File → Export handover: choose a folder, the shift and write notes; a progress dialog
follows the export.

The dialog gathers the shift's data with a ``collect(shift, notes) -> HandoverData``
callable run off the GUI thread (a review window passes one that reads its cache); the
default, :func:`data_from_window`, uses only what the live window already holds.
File → Hand over shift opens it on the shift just handed over, with the handover's record
(:class:`console.handover.record.HandoverRecord`), which the pack prints whether or not the
cache holds it yet.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTimeZone
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.contract import DEFAULT_SITE_TZ
from console.handover.data import HandoverData, build_handover
from console.handover.record import HandoverRecord
from console.handover.request import ExportError
from console.handover.shift import ShiftWindow
from widgets.export import export_pack

Collect = Callable[[ShiftWindow, str], HandoverData]


def data_from_window(window: Any, shift: ShiftWindow, notes: str = "") -> HandoverData:
    """The shift's handover from what a live main window holds (no network, no files).

    Uses the window's topology and latest snapshots, the power view's history and, where
    the window has them, its alarm engine's journal and incident tracker.
    """
    latest = dict(getattr(window, "latest", {}) or {})
    views = getattr(window, "views", {}) or {}
    power = getattr(views.get("power"), "history", None) or latest.get("power")
    journal: list[dict] = list(getattr(window, "alarm_journal", None) or [])
    engine = getattr(window, "alarm_engine", None)
    if not journal and engine is not None:
        journal = [dict(e) for e in getattr(getattr(engine, "journal", None), "entries", ())]
    incidents: list[dict] = []
    tracker = getattr(window, "incident_tracker", None)
    if tracker is not None:
        from console.alarms.incidents import incidents_summary

        incidents = incidents_summary(tracker.incidents())
    warnings = ["GPU health at the shift's start is not held by a live console"]
    if not journal:
        warnings.append("no alarm journal in this console session")
    times = [s.time for s in latest.values() if hasattr(s, "time")]
    missing = {kind: "not received by this console session"
               for kind in ("racks", "gpus", "jobs", "power")
               if latest.get(kind) is None and (kind != "power" or power is None)}
    return build_handover(
        shift, topology=getattr(window, "topology", None), power=power, gpus_start=None,
        gpus_end=latest.get("gpus"), jobs=[latest.get("jobs")], journal=journal,
        incidents=incidents, notes=notes, source=str(getattr(window, "source_label", "")),
        warnings=warnings, view_time=max(times) if times else None, missing=missing,
        log_missing="this console session keeps no copy of the shift log (it has no cache)",
    )


class ExportDialog(QDialog):
    """The export handover dialog of ``window`` (a :class:`widgets.main_window.MainWindow`)."""

    def __init__(self, window: Any, collect: Collect | None = None,
                 parent: QWidget | None = None, live: bool = True, *,
                 shift: ShiftWindow | None = None, handover: HandoverRecord | None = None
                 ) -> None:
        super().__init__(parent or window)
        self.setWindowTitle(self.tr("Export shift handover"))
        self.window_ = window
        self.collect: Collect = collect or (lambda shift, notes: data_from_window(window, shift,
                                                                                notes))
        topology = getattr(window, "topology", None)
        self.tz = getattr(topology, "timezone", None) or DEFAULT_SITE_TZ
        self.result_path: Path | None = None
        self.error: str | None = None
        self.handover = handover
        """The handover the pack prints (journaled just before; None: those the cache holds)."""

        self.folder = QLineEdit(self)
        self.folder.setPlaceholderText(self.tr("an empty folder for the pack"))
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        zone = QTimeZone(self.tz.encode())
        self.start_edit, self.end_edit = QDateTimeEdit(self), QDateTimeEdit(self)
        for edit in (self.start_edit, self.end_edit):
            edit.setTimeZone(zone)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
        current = QPushButton(self.tr("Current shift"), self)
        previous = QPushButton(self.tr("Previous shift"), self)
        current.clicked.connect(lambda: self.set_shift(ShiftWindow.default(tz=self.tz, live=True)))
        previous.clicked.connect(lambda: self.set_shift(ShiftWindow.default(tz=self.tz)))
        shift_row = QHBoxLayout()
        for w in (self.start_edit, QLabel(self.tr("to"), self), self.end_edit, current, previous):
            shift_row.addWidget(w)
        self.notes = QPlainTextEdit(self)
        self.notes.setPlaceholderText(self.tr("Notes for the next shift (plain text)"))
        self.force = QCheckBox(self.tr("Replace the folder if it already holds a handover pack"), self)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Folder"), row)
        form.addRow(self.tr("Shift (%1)").replace("%1", str(self.tz)), shift_row)
        form.addRow(self.tr("Operator notes"), self.notes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.export_now)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.force)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.set_shift(shift or ShiftWindow.default(tz=self.tz, live=live))
        self.resize(720, 420)

    # -- inputs ------------------------------------------------------------------------
    def set_shift(self, shift: ShiftWindow) -> None:
        """Show ``shift`` in the start and end fields."""
        zone = QTimeZone(self.tz.encode())
        self.start_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(shift.start), zone))
        end = shift.nominal_end if shift.partial and shift.nominal_end else shift.end
        self.end_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(end), zone))

    def shift(self) -> ShiftWindow:
        """The shift in the fields; ValueError when it is not a valid window."""
        start = float(self.start_edit.dateTime().toSecsSinceEpoch())
        end = float(self.end_edit.dateTime().toSecsSinceEpoch())
        now = time.time()
        if start < now < end:  # the shift in progress: figures up to now
            return ShiftWindow(start, now, self.tz, nominal_end=end)
        return ShiftWindow(start, end, self.tz)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for the handover pack"),
                                                  self.folder.text())
        if folder:
            self.folder.setText(folder)

    # -- export ------------------------------------------------------------------------
    def export_now(self) -> bool:
        """Collect the shift and write the pack; True when written (the dialog closes)."""
        self.error = None
        folder = self.folder.text().strip()
        try:
            if not folder:
                raise ExportError("choose a folder for the pack")
            shift = self.shift()
            notes = self.notes.toPlainText()
            progress = QProgressDialog(self.tr("Collecting the shift's data…"), self.tr("Cancel"), 0, 100,
                                       self)
            progress.setWindowTitle(self.tr("Exporting handover"))
            progress.setWindowModality(Qt.WindowModality.WindowModal)
            progress.setMinimumDuration(0)
            progress.setValue(0)
            data = self._collect(shift, notes, progress).with_handover(self.handover)
            steering = (getattr(self.window_, "views", None) or {}).get("steering")
            if steering is not None and data.steering is None:
                data = data.with_steering(steering.pack_advice())

            def step(done: int, total: int, what: str) -> bool:
                progress.setLabelText(what)
                progress.setValue(10 + int(90 * done / max(total, 1)))
                QApplication.processEvents()
                return not progress.wasCanceled()

            self.result_path = export_pack(folder, data, self.window_,
                                           force=self.force.isChecked(), notes=notes,
                                           progress=step)
            progress.setValue(100)
        except (ExportError, ValueError) as exc:
            self.error = " ".join(str(exc).split())
            self.status.setText(self.tr("Not exported: %1").replace("%1", str(self.error)))
            return False
        self.status.setText(self.tr("Handover pack written to %1").replace("%1", str(self.result_path)))
        self.accept()
        return True

    def _collect(self, shift: ShiftWindow, notes: str, progress: QProgressDialog) -> HandoverData:
        """Run ``collect`` on a worker thread, keeping the dialog responsive (cancellable)."""
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["data"] = self.collect(shift, notes)
            except Exception as exc:  # shown as one line in the dialog
                box["error"] = exc

        worker = threading.Thread(target=work, name="export-collect", daemon=True)
        worker.start()
        while worker.is_alive():
            QApplication.processEvents()
            if progress.wasCanceled():
                raise ExportError("export cancelled")
            worker.join(0.02)
        if "error" in box:
            raise ExportError(str(box["error"])) from None
        progress.setValue(10)
        return box["data"]


def open_export_dialog(window: Any, collect: Collect | None = None, live: bool = True, *,
                       shift: ShiftWindow | None = None,
                       handover: HandoverRecord | None = None) -> Path | None:
    """Run the dialog modally for ``window`` (on ``shift`` when given, the pack printing
    ``handover``); the pack's path, or None when not exported."""
    dialog = ExportDialog(window, collect, live=live, shift=shift, handover=handover)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.result_path
    return None
