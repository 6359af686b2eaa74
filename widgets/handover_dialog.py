"""File → Hand over shift: the outgoing operator's summary and checklist, the incoming
operator's acknowledgement; the handover journaled, then the pack of the shift exported.

The checklist is filled from what the live window holds (the practice of control-room
turnovers: what stands, what is out of service, what is in force, what comes next):

- site status: facility and IT load, PUE, renewable share (the KPI strip's figures) and
  the link to the site;
- alarms standing: unacknowledged and acknowledged by priority, shelved ones with their
  expiry;
- equipment out of service: the maintenance list's counts by action, servers drained, in
  maintenance or down;
- limits and temporary arrangements in force: open shift-log items of category safety or
  operations;
- planned work next shift: Plan work… entries in force or starting within 12 h;
- open log items: every open item of the shift log (carried forward until cleared).

Each item has a check box the outgoing operator ticks; **Hand over** is enabled only when
every item is ticked and both names are given (and differ). Two times are journaled: the
outgoing operator's, when their part was complete (every item ticked and their name given),
and the incoming operator's acknowledgement, when Hand over is pressed. The handover goes to
the alarm journal through the feed (``Feed.record_handover``: the live session writes it to
the cache), and the window's own export path (File → Export handover) opens on the shift
handed over, its pack printing the handover. Hub and tenant text is shown as plain text,
bidi-isolated.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from console.alarms.rules import (
    ACKED,
    OUT_OF_SERVICE,
    PRIORITIES,
    SHELVED,
    SUPPRESSED,
    UNACKED_STATES,
)
from console.contract import DEFAULT_SITE_TZ
from console.handover.record import MAX_NAME, HandoverRecord, handover_shift
from console.handover.shift import ShiftWindow
from console.i18n import strftime
from console.link import LinkState
from console.maintenance import ACTION_GROUPS
from console.shiftlog.model import LogEntry, LogError, validate_new
from widgets.text import clip, isolate
from widgets.view import format_age

log = logging.getLogger(__name__)

CHECKLIST: tuple[tuple[str, str], ...] = (
    ("site", QT_TRANSLATE_NOOP("HandoverDialog", "Site status")),
    ("alarms", QT_TRANSLATE_NOOP("HandoverDialog", "Alarms standing and shelved")),
    ("equipment", QT_TRANSLATE_NOOP("HandoverDialog", "Equipment out of service")),
    ("limits", QT_TRANSLATE_NOOP("HandoverDialog",
                                 "Limits and temporary arrangements in force")),
    ("planned", QT_TRANSLATE_NOOP("HandoverDialog", "Planned work next shift")),
    ("open_items", QT_TRANSLATE_NOOP("HandoverDialog", "Open log items")),
)
"""The checklist: key (journaled when ticked) and title."""
PLANNED_AHEAD_S = 12 * 3600.0
"""Planned work starting within this long is the next shift's."""
LIMIT_CATEGORIES = ("safety", "operations")
"""Open items of these categories are limits and temporary arrangements in force."""
MAX_LINES = 8
"""Most lines of one kind an item lists (the rest counted)."""
WORDS: Mapping[str, str] = {
    "critical": QT_TRANSLATE_NOOP("HandoverDialog", "critical"),
    "high": QT_TRANSLATE_NOOP("HandoverDialog", "high"),
    "medium": QT_TRANSLATE_NOOP("HandoverDialog", "medium"),
    "low": QT_TRANSLATE_NOOP("HandoverDialog", "low"),
    "diagnostic": QT_TRANSLATE_NOOP("HandoverDialog", "diagnostic"),
    "operations": QT_TRANSLATE_NOOP("HandoverDialog", "operations"),
    "maintenance": QT_TRANSLATE_NOOP("HandoverDialog", "maintenance"),
    "safety": QT_TRANSLATE_NOOP("HandoverDialog", "safety"),
    "customer": QT_TRANSLATE_NOOP("HandoverDialog", "customer"),
}
"""Alarm priorities and log categories in the operator's words."""
DOWN_STATES = ("drain", "drained", "maint", "down")
"""Server states that take a server out of service."""


def _last(power: Any, name: str) -> float:
    """The last finite value of one power field (NaN when none)."""
    try:
        values = np.asarray(power.fields[name], np.float64).reshape(-1)
    except (AttributeError, KeyError, TypeError, ValueError):
        return math.nan
    finite = values[np.isfinite(values)]
    return float(finite[-1]) if len(finite) else math.nan


def _first_line(text: str) -> str:
    lines = str(text).split("\n")
    return lines[0] + (" …" if len(lines) > 1 else "")


def open_items_of(window: Any, at: float) -> tuple[list[LogEntry] | None, str]:
    """The shift log's open items at ``at`` as the window's cache holds them, and why not
    when they cannot be read (None, the reason)."""
    path = getattr(window, "cache_path", None)
    if not path:
        return None, "no cache"
    from console.cache import Cache, CacheError

    try:
        with Cache.open(path, readonly=True, busy_timeout_s=0.5) as cache:
            return cache.open_items(at), ""
    except (CacheError, OSError) as exc:
        log.info("open items not read from %s: %s", path, exc)
        return None, " ".join(str(exc).split())


class HandoverDialog(QDialog):
    """The handover of ``window``'s shift (a live :class:`widgets.main_window.MainWindow`).

    ``clock`` (default: the window's) stamps both times; ``open_items`` reads the shift
    log's open items at a time (default: from the window's cache)."""

    def __init__(
        self,
        window: Any,
        parent: QWidget | None = None,
        clock: Callable[[], float] | None = None,
        open_items: Callable[[float], tuple[Sequence[LogEntry] | None, str]] | None = None,
    ) -> None:
        super().__init__(parent or window)
        self.setWindowTitle(self.tr("Hand over shift"))
        self.window_ = window
        self.clock: Callable[[], float] = clock or getattr(window, "clock", None) or time.time
        self._read_open_items = open_items or (lambda t: open_items_of(window, t))
        topology = getattr(window, "topology", None)
        self.tz = getattr(topology, "timezone", None) or DEFAULT_SITE_TZ
        self.opened_at = self.clock()
        self.shift: ShiftWindow = handover_shift(self.opened_at, self.tz)
        self.handed_at: float | None = None
        """When the outgoing operator's part was complete (None: not yet)."""
        self.record: HandoverRecord | None = None
        """The handover, once handed over."""
        self.error: str | None = None

        shift_label = QLabel(self.tr("Shift handed over: {0}").format(self.shift.label_local()),
                             self)
        shift_label.setTextFormat(Qt.TextFormat.PlainText)
        shift_label.setWordWrap(True)
        bold = QFont(shift_label.font())
        bold.setBold(True)
        shift_label.setFont(bold)
        self.outgoing = QLineEdit(self._known_operator(), self)
        self.outgoing.setPlaceholderText(self.tr("your name"))
        self.outgoing.setMaxLength(MAX_NAME)
        self.summary = QPlainTextEdit(self)
        self.summary.setPlaceholderText(
            self.tr("What the next shift must know: what was done, what to watch (plain text)"))
        self.summary.setTabChangesFocus(True)
        lines = self.summary.fontMetrics().lineSpacing()
        self.summary.setMinimumHeight(5 * lines)
        self.summary.setMaximumHeight(9 * lines)
        out_form = QFormLayout()
        out_form.addRow(self.tr("Outgoing operator"), self.outgoing)
        out_form.addRow(self.tr("Summary"), self.summary)

        self.checks: dict[str, QCheckBox] = {}
        self.details: dict[str, QLabel] = {}
        items = QWidget(self)
        column = QVBoxLayout(items)
        indent = self.fontMetrics().horizontalAdvance("M") * 2
        for key, title in CHECKLIST:
            box = QCheckBox(self.tr(title), items)
            box.setObjectName(f"check_{key}")
            box.setFont(bold)
            box.toggled.connect(self._check)
            detail = QLabel(items)
            detail.setObjectName(f"detail_{key}")
            detail.setTextFormat(Qt.TextFormat.PlainText)
            detail.setWordWrap(True)
            detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            detail.setContentsMargins(indent, 0, 0, indent // 3)
            self.checks[key], self.details[key] = box, detail
            column.addWidget(box)
            column.addWidget(detail)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(items)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.StyledPanel)
        scroll.setMinimumHeight(14 * lines)
        self.refresh_button = QPushButton(self.tr("Refresh the checklist"), self)
        self.refresh_button.setToolTip(self.tr(
            "Read the live data again; an item whose content changed is unticked"))
        self.refresh_button.clicked.connect(self.refresh)

        self.incoming = QLineEdit(self)
        self.incoming.setPlaceholderText(self.tr("the incoming operator's name"))
        self.incoming.setMaxLength(MAX_NAME)
        in_form = QFormLayout()
        in_form.addRow(self.tr("Incoming operator"), self.incoming)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.hand_over_button = self.buttons.addButton(
            self.tr("Hand over"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.hand_over)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(shift_label)
        layout.addLayout(out_form)
        checklist_title = QLabel(self.tr("Checklist (tick each item once you have gone over it "
                                         "with the incoming operator)"), self)
        checklist_title.setTextFormat(Qt.TextFormat.PlainText)
        checklist_title.setWordWrap(True)
        layout.addWidget(checklist_title)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(in_form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.outgoing.textChanged.connect(self._check)
        self.incoming.textChanged.connect(self._check)
        self.refresh()
        width = self.fontMetrics().averageCharWidth() * 110
        height = self.fontMetrics().lineSpacing() * 62  # the whole checklist, mostly
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:
            width, height = min(width, screen.width()), min(height, screen.height())
        self.resize(width, height)

    # -- the checklist ---------------------------------------------------------------------
    def _known_operator(self) -> str:
        """The operator name the window knows (the last one given in an alarm action or a
        log entry)."""
        alarms = (getattr(self.window_, "views", {}) or {}).get("alarms")
        for holder, attr in ((self.window_, "operator_name"), (alarms, "operator")):
            name = getattr(holder, attr, "") if holder is not None else ""
            if isinstance(name, str) and name.strip():
                return name.strip()[:MAX_NAME]
        return ""

    def refresh(self) -> None:
        """Fill each item from the window's live data; an item whose text changed is
        unticked (it must be gone over again)."""
        now = self.clock()
        texts = self.checklist_texts(now)
        for key, _ in CHECKLIST:
            label = self.details[key]
            text = texts.get(key, "")
            if label.text() != text:
                label.setText(text)
                self.checks[key].setChecked(False)
        self._check()

    def checklist_texts(self, now: float) -> dict[str, str]:
        """Each item's lines (plain text) from what the window holds at ``now``."""
        window = self.window_
        update = getattr(window, "latest_alarms", None)
        items, why = self._read_open_items(now)
        return {
            "site": self._site(now),
            "alarms": self._alarms(update),
            "equipment": self._equipment(update),
            "limits": self._items(items, why, LIMIT_CATEGORIES,
                                  self.tr("No limit or temporary arrangement in force.")),
            "planned": self._planned(update, now),
            "open_items": self._items(items, why, None, self.tr("No open log item.")),
        }

    def word(self, key: str) -> str:
        """A priority or a category in the operator's words (an unknown one as it is)."""
        known = WORDS.get(key)
        return self.tr(known) if known is not None else isolate(key, 40)

    def _when(self, t: float, day: bool = False) -> str:
        try:
            moment = datetime.fromtimestamp(float(t), ZoneInfo(self.tz))
        except (TypeError, ValueError, OverflowError, OSError):
            return "—"
        return strftime(moment, "%a %d %b %H:%M" if day else "%H:%M")

    def _site(self, now: float) -> str:
        window = self.window_
        latest: Mapping[str, Any] = getattr(window, "latest", {}) or {}
        chart = (getattr(window, "views", {}) or {}).get("power")
        # A live poll carries the samples since the last one (none, at times): the chart's
        # history holds them all, as the KPI strip shows the last.
        series = [s for s in (latest.get("power"), getattr(chart, "history", None))
                  if s is not None]
        lines = []
        if not series:
            lines.append(self.tr("No power data received."))
        else:
            def fig(name: str, digits: int) -> str:
                value = next((v for s in series if math.isfinite(v := _last(s, name))),
                             math.nan)
                return f"{value:,.{digits}f}" if math.isfinite(value) else self.tr("n/a")

            lines.append(self.tr("Facility load {0} MW · IT load {1} MW · PUE {2} · renewable "
                                 "share {3} %").format(fig("facility_mw", 1), fig("it_mw", 1),
                                                       fig("pue", 3),
                                                       fig("renewable_share_pct", 1)))
        link = getattr(window, "link", None)
        if link is not None:
            state = link.state(now)
            words = {
                LinkState.CONNECTING: self.tr("connecting"),
                LinkState.LIVE: self.tr("live"),
                LinkState.MISSED: self.tr("missed poll"),
                LinkState.STALE: self.tr("COMM LOSS"),
            }[state]
            line = self.tr("Communication: {0}; data age {1}").format(
                words, format_age(link.age(link.state_kind, now)))
            if state is not LinkState.LIVE and link.last_error:
                line += " — " + clip(link.last_error, 200)
            lines.append(line)
        return "\n".join(lines)

    def _by_priority(self, alarms: Sequence[Any]) -> str:
        counts = {p: 0 for p in PRIORITIES}
        for a in alarms:
            counts[a.priority if a.priority in counts else PRIORITIES[-1]] += 1
        parts = [f"{self.word(p)} {n}" for p, n in counts.items() if n]
        return " · ".join(parts) if parts else self.tr("none")

    def _alarms(self, update: Any) -> str:
        if update is None:
            return self.tr("No alarm list received yet.")
        alarms = tuple(getattr(update, "alarms", ()) or ())
        unacked = [a for a in alarms if a.state in UNACKED_STATES]
        acked = [a for a in alarms if a.state == ACKED]
        shelved = sorted((a for a in alarms if a.state == SHELVED),
                         key=lambda a: (a.shelved_until or math.inf, a.priority_rank))
        out_of_service = [a for a in alarms if a.state in (SUPPRESSED, OUT_OF_SERVICE)]
        lines = [
            self.tr("Unacknowledged: {0}").format(self._by_priority(unacked)),
            self.tr("Acknowledged, still standing: {0}").format(self._by_priority(acked)),
            self.tr("Shelved: {0}").format(len(shelved)),
        ]
        for a in shelved[:MAX_LINES]:
            until = (self.tr("until {0}").format(self._when(a.shelved_until, day=True))
                     if a.shelved_until else self.tr("no expiry"))
            lines.append("  • " + self.tr("{0} {1}: {2} — {3}").format(
                self.word(a.priority), isolate(a.area, 80), isolate(a.message, 160), until))
        if len(shelved) > MAX_LINES:
            lines.append("  • " + self.tr("… and {0} more").format(len(shelved) - MAX_LINES))
        if out_of_service:
            lines.append(self.tr("Suppressed or out of service: {0}").format(
                len(out_of_service)))
        return "\n".join(lines)

    def _maintenance_list(self, update: Any) -> Any:
        mlist = getattr(update, "maintenance", None)  # None: unchanged by that update
        if mlist is None:
            view = (getattr(self.window_, "views", {}) or {}).get("maintenance")
            if view is not None and hasattr(view, "flush"):
                view.flush()  # a list it was handed and has not drawn yet
            mlist = getattr(view, "mlist", None)
        return mlist

    def _equipment(self, update: Any) -> str:
        lines = []
        mlist = self._maintenance_list(update)
        if mlist is None:
            lines.append(self.tr("No maintenance list received yet."))
        else:
            counts = getattr(mlist, "counts", {}) or {}
            groups = [f"{g.label}: {counts.get(g.key, 0)}" for g in ACTION_GROUPS
                      if counts.get(g.key)]
            lines.append(self.tr("Maintenance list: {0} devices").format(len(mlist)))
            lines += ["  • " + g for g in groups]
        latest: Mapping[str, Any] = getattr(self.window_, "latest", {}) or {}
        gpus = latest.get("gpus")
        if gpus is not None:
            servers: dict[str, set[str]] = {state: set() for state in DOWN_STATES}
            for g in getattr(gpus, "gpus", ()) or ():
                state = str(g.get("node_state") or "up") if isinstance(g, Mapping) else "up"
                if state in servers:
                    servers[state].add(str(g.get("host") or g.get("node") or g.get("rack")))
            drained = len(servers["drain"] | servers["drained"])
            lines.append(self.tr("Servers with an unhealthy GPU: {0} drained · {1} in "
                                 "maintenance · {2} down").format(
                drained, len(servers["maint"]), len(servers["down"])))
        return "\n".join(lines)

    def _items(self, items: Sequence[LogEntry] | None, why: str,
               categories: Sequence[str] | None, none: str) -> str:
        if items is None:
            return self.tr("The shift log could not be read: {0}").format(why or self.tr("—"))
        chosen = [e for e in items if categories is None or e.category in categories]
        if not chosen:
            return none
        lines = [self.tr("{0} open items").format(len(chosen))]
        for e in chosen[:MAX_LINES]:
            lines.append("  • " + self.tr("{0} {1} ({2}): {3}").format(
                self._when(e.time, day=True), isolate(e.author, 64), self.word(e.category),
                isolate(_first_line(e.text), 200)))
        if len(chosen) > MAX_LINES:
            lines.append("  • " + self.tr("… and {0} more").format(len(chosen) - MAX_LINES))
        return "\n".join(lines)

    def _planned(self, update: Any, now: float) -> str:
        if update is None:
            return self.tr("No alarm list received yet (planned work comes with it).")
        plans = [p for p in getattr(update, "plans", ()) or ()
                 if p.end > now and p.start <= now + PLANNED_AHEAD_S]
        if not plans:
            return self.tr("No planned work in force or starting within 12 h.")
        lines = []
        for p in sorted(plans, key=lambda p: (p.start, p.id))[:MAX_LINES]:
            when = (self.tr("in force until {0}").format(self._when(p.end, day=True))
                    if p.start <= now else
                    self.tr("{0} to {1}").format(self._when(p.start, day=True),
                                                 self._when(p.end, day=True)))
            lines.append("  • " + self.tr("{0}: {1} — {2} ({3})").format(
                isolate(p.scope, 80), when, isolate(p.reason, 200), isolate(p.operator, 64)))
        if len(plans) > MAX_LINES:
            lines.append("  • " + self.tr("… and {0} more").format(len(plans) - MAX_LINES))
        return "\n".join(lines)

    # -- gating ------------------------------------------------------------------------------
    def unticked(self) -> list[str]:
        """The keys of the items not ticked yet."""
        return [key for key, box in self.checks.items() if not box.isChecked()]

    def _check(self) -> None:
        """Enable Hand over only when every item is ticked and both names are given and
        differ; stamp the outgoing operator's time when their part becomes complete."""
        out_name = self.outgoing.text().strip()
        in_name = self.incoming.text().strip()
        left = self.unticked()
        if left or not out_name:
            self.handed_at = None
        elif self.handed_at is None:
            self.handed_at = self.clock()
        if left:
            why = self.tr("Tick every checklist item ({0} left).").format(len(left))
        elif not out_name:
            why = self.tr("Give the outgoing operator's name.")
        elif not in_name:
            why = self.tr("The incoming operator gives their name to take the shift over.")
        elif out_name.casefold() == in_name.casefold():
            why = self.tr("The incoming operator must be someone else than the outgoing one.")
        else:
            why = ""
        self.hand_over_button.setEnabled(not why)
        self.status.setText(why)

    # -- handing over ------------------------------------------------------------------------
    def hand_over(self) -> bool:
        """Journal the handover (through the window's feed) and close; False (and the reason
        in the dialog) when it cannot be made."""
        self._check()
        if not self.hand_over_button.isEnabled():
            return False
        taken_at = self.clock()
        try:
            record = HandoverRecord.make(
                self.outgoing.text(), self.incoming.text(), self.handed_at or taken_at,
                taken_at, self.shift, self.summary.toPlainText(),
                [key for key, _ in CHECKLIST])
        except LogError as exc:
            self.error = str(exc)
            self.status.setText(self.tr("Not handed over: {0}").format(self.error))
            return False
        feed = getattr(self.window_, "feed", None)
        if feed is None or not getattr(feed, "journals", False):
            self.error = "no live session"
            self.status.setText(self.tr(
                "Not handed over: this window has no live session to journal the handover."))
            return False
        feed.record_handover(record)
        self._log_entry(feed, record)
        self.record = record
        self.accept()
        return True

    def _log_entry(self, feed: Any, record: HandoverRecord) -> None:
        """An operations entry 'Shift handed over from X to Y' in the shift log, where the
        window reads one (a source without the log is not asked)."""
        add = getattr(feed, "add_log_entry", None)
        latest: Mapping[str, Any] = getattr(self.window_, "latest", {}) or {}
        if add is None or latest.get("log") is None:
            return
        try:
            entry = validate_new(
                f"Shift handed over from {record.outgoing} to {record.incoming}",
                "operations", (), record.outgoing)
        except LogError as exc:  # a name the log refuses: the journal holds the handover
            log.info("no log entry for the handover: %s", exc)
            return
        add(entry)


def export_after_handover(window: Any, record: HandoverRecord, shift: ShiftWindow) -> Any:
    """Open the window's export path (File → Export handover) on the shift handed over, the
    pack printing ``record``; None when the window exports nothing."""
    opener = getattr(window, "export_dialog", None)
    if opener is None:
        return None
    collect, live = window.mode.export_collect(window)
    kwargs: dict[str, Any] = {"live": live, "shift": shift, "handover": record}
    return opener(window, collect, **kwargs) if collect is not None else opener(window, **kwargs)


def open_handover_dialog(window: Any) -> HandoverRecord | None:
    """File → Hand over shift for ``window``: the dialog (modal); once handed over, the
    export of the shift's pack. The handover, or None when cancelled."""
    dialog = HandoverDialog(window)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.record is None:
        return None
    record = dialog.record
    status = getattr(window, "statusBar", None)
    if callable(status):
        status().showMessage(
            QCoreApplication.translate(
                "HandoverDialog", "Shift handed over from {0} to {1} at {2}; journaled.").format(
                isolate(record.outgoing, 64), isolate(record.incoming, 64),
                dialog._when(record.taken_at)), 30_000)
    export_after_handover(window, record, dialog.shift)
    return record
