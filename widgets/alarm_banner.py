"""The always-visible alarm strip: what waits, by priority, and which alarm to act on first.

:class:`AlarmBanner` counts standing alarms per priority, unacknowledged apart from
acknowledged, names the alarm to act on first (the highest-priority unacknowledged one,
the oldest within that priority) with its action, and carries the optional audible
alert with its Silence button (hidden in offline review). Until the alarm service's first
result (and again when there is no alarm service: the source did not start) it claims
nothing: grey chips without counts and a line saying the alarms are not yet evaluated, never
an all-clear nobody checked. It does no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from console.alarms.phrases import local_area, local_message
from console.alarms.rules import ACKED, PRIORITIES, RTN_UNACK, UNACK
from widgets.alarm_model import (
    DARK_TEXT,
    PRIORITY_COLOURS,
    finite,
    is_unacknowledged,
    priority_rank,
    rule_of,
)
from widgets.alarm_model import word as engine_word
from widgets.text import cell, plain, plain_tooltip
from widgets.view import format_age, set_style

if TYPE_CHECKING:  # the alarm engine's module (and its rules' modules): the feed's to import
    from console.alarms import Alarm

PRIORITY_WORDS = {
    "critical": QT_TRANSLATE_NOOP("AlarmBanner", "Critical"),
    "high": QT_TRANSLATE_NOOP("AlarmBanner", "High"),
    "medium": QT_TRANSLATE_NOOP("AlarmBanner", "Medium"),
    "low": QT_TRANSLATE_NOOP("AlarmBanner", "Low"),
    "diagnostic": QT_TRANSLATE_NOOP("AlarmBanner", "Diagnostic"),
}

KIND_WORDS = {
    "site": QT_TRANSLATE_NOOP("AlarmBanner", "site"),
    "racks": QT_TRANSLATE_NOOP("AlarmBanner", "racks"),
    "gpus": QT_TRANSLATE_NOOP("AlarmBanner", "GPU health"),
    "power": QT_TRANSLATE_NOOP("AlarmBanner", "power"),
    "jobs": QT_TRANSLATE_NOOP("AlarmBanner", "job queue"),
    "events": QT_TRANSLATE_NOOP("AlarmBanner", "events"),
}
"""The data of a poll kind, as the banner names it when its alarm evaluation fails."""


def chip_style(colour: str | None, solid: bool = True) -> str:
    """A priority chip: solid colour while alarms wait for acknowledgement, a coloured
    frame on grey when all are acknowledged, plain grey when there are none."""
    if colour is None:
        return (
            "QLabel { background: #2a2e34; color: #8a9099; padding: 1pt 6pt;"
            " border-radius: 2pt; }"
        )
    if not solid:
        return (
            f"QLabel {{ background: #2a2e34; color: #d0d4da; border: 1pt solid {colour};"
            " padding: 1pt 6pt; border-radius: 2pt; }"
        )
    return (
        f"QLabel {{ background: {colour}; color: {DARK_TEXT.name()}; font-weight: bold;"
        " padding: 1pt 6pt; border-radius: 2pt; }"
    )


def act_first(alarms: Sequence[Alarm]) -> Alarm | None:
    """The unacknowledged alarm to act on first: highest priority, then oldest."""
    waiting = [a for a in alarms if is_unacknowledged(a)]
    if not waiting:
        return None

    def order(a: Alarm) -> tuple[int, float, str]:
        changed = finite(a.changed)
        return priority_rank(a), changed if changed is not None else float("inf"), plain(a.id)

    return min(waiting, key=order)


class AlarmBanner(QWidget):
    """Always-visible strip: standing alarms by priority (unacknowledged and acknowledged
    apart), the alarm to act on first, the audible alert.

    The audible alert (off by default, :attr:`audible_action`) beeps while a critical
    alarm waits for acknowledgement; Silence quiets it until another critical alarm rises.
    :meth:`set_review` hides alert and Silence (nothing sounds over a recording).
    """

    CHIPS = ("critical", "high", "medium", "low")
    BEEP_MS = 2000

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chips: dict[str, QLabel] = {}
        self.counts: dict[str, int] = dict.fromkeys(PRIORITIES, 0)
        """Standing alarms per priority (unacknowledged, acknowledged or returned)."""
        self.unacked: dict[str, int] = dict.fromkeys(PRIORITIES, 0)
        """Alarms per priority waiting for acknowledgement (active or returned)."""
        self.acked: dict[str, int] = dict.fromkeys(PRIORITIES, 0)
        """Acknowledged alarms per priority still active."""
        self.first: Alarm | None = None
        """The alarm to act on first (highest-priority unacknowledged, oldest first)."""
        self.review = False
        self._critical_unacked: set[str] = set()
        self._silenced: set[str] = set()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        title = QLabel(self.tr("Alarms"), self)
        layout.addWidget(title)
        for p in self.CHIPS:
            chip = QLabel(self)
            chip.setTextFormat(Qt.TextFormat.PlainText)
            self.chips[p] = chip
            layout.addWidget(chip)
        self.first_label = QLabel(self)
        self.first_label.setTextFormat(Qt.TextFormat.PlainText)
        self.first_label.setMinimumWidth(self.fontMetrics().averageCharWidth() * 20)
        layout.addWidget(self.first_label, 1)
        self.failing: dict[str, str] = {}
        """Kinds whose last alarm evaluation failed, with why (:meth:`set_failing`)."""
        self.failing_label = QLabel(self)
        self.failing_label.setObjectName("alarmEvaluationWarning")
        self.failing_label.setTextFormat(Qt.TextFormat.PlainText)
        self.failing_label.hide()
        layout.addWidget(self.failing_label)
        self.audible_action = QAction(self.tr("Audible alert"), self)
        self.audible_action.setCheckable(True)
        self.audible_action.setChecked(False)
        self.audible_action.setToolTip(self.tr("Beep while a critical alarm is unacknowledged"))
        self.audible_action.toggled.connect(self._update_sound)
        self.audible_button = QToolButton(self)
        self.audible_button.setDefaultAction(self.audible_action)
        layout.addWidget(self.audible_button)
        self.silence_button = QPushButton(self.tr("Silence"), self)
        self.silence_button.clicked.connect(self.silence)
        layout.addWidget(self.silence_button)
        self._beeper = QTimer(self)
        self._beeper.setInterval(self.BEEP_MS)
        self._beeper.timeout.connect(self._beep)
        self.beeps = 0
        self.evaluated = False
        """True once an alarm evaluation's result is shown (False before the first, and
        after :meth:`set_not_evaluated`)."""
        self.set_not_evaluated()

    def set_review(self, review: bool) -> None:
        """Offline review: no audible alert, no Silence (the counts and the label stay)."""
        self.review = review
        if review:
            self.audible_action.setChecked(False)
        self.audible_button.setVisible(not review)
        self.silence_button.setVisible(not review)
        self._update_sound()

    def set_not_evaluated(self, reason: str = "") -> None:
        """No alarm evaluation to show (before the alarm service's first result, or with no
        alarm service): grey chips without counts, a neutral line (with ``reason`` when
        given, shown as plain text), no alert. The next :meth:`set_alarms` replaces it."""
        self.evaluated = False
        self.first = None
        self.counts = dict.fromkeys(PRIORITIES, 0)
        self.unacked = dict.fromkeys(PRIORITIES, 0)
        self.acked = dict.fromkeys(PRIORITIES, 0)
        self._critical_unacked = set()
        self._silenced = set()
        for p, chip in self.chips.items():
            word = self.tr(PRIORITY_WORDS[p])
            chip.setText(f"{word} –")
            chip.setToolTip(self.tr("{p}: not yet evaluated").format(p=word))
            set_style(chip, chip_style(None))
        if reason:
            text = self.tr("Alarms not evaluated — {0}").format(cell(reason, 200))
        else:
            text = self.tr("Alarms: waiting for the first evaluation…")
        self.first_label.setText(text)
        self.first_label.setToolTip(self.tr(
            "No alarm evaluation has been received yet: the counts are unknown, not zero"))
        self._update_sound()

    def set_failing(self, failing: Mapping[str, str]) -> None:
        """The kinds whose last alarm evaluation failed (``{kind: why}``; empty: every kind
        evaluates again). While any fails, a warning beside the counts says they may be
        out of date, and which data it concerns: the counts stay (they are the last
        evaluation's), never taken for a current all-clear."""
        self.failing = dict(failing)
        if not self.failing:
            self.failing_label.hide()
            self.failing_label.setToolTip("")
            return
        kinds = ", ".join(self.tr(KIND_WORDS[kind]) if kind in KIND_WORDS else cell(kind, 20)
                          for kind in sorted(self.failing))
        self.failing_label.setText(
            self.tr("Alarm evaluation failing ({0}): counts may be out of date").format(kinds))
        self.failing_label.setToolTip(plain_tooltip("\n".join(
            f"{kind}: {why}" for kind, why in sorted(self.failing.items()))))
        self.failing_label.show()

    def set_alarms(self, alarms: Sequence[Alarm], now: float | None) -> None:
        """Update from the engine's alarm list; ``now`` is hub time (for the age)."""
        self.evaluated = True
        unacked = dict.fromkeys(PRIORITIES, 0)
        acked = dict.fromkeys(PRIORITIES, 0)
        critical: set[str] = set()
        for a in alarms:
            state, priority = engine_word(a.state), engine_word(a.priority)
            if state in (UNACK, RTN_UNACK):
                unacked[priority] = unacked.get(priority, 0) + 1
                if priority == "critical" and state == UNACK:
                    critical.add(plain(a.id))
            elif state == ACKED:
                acked[priority] = acked.get(priority, 0) + 1
        self.unacked, self.acked = unacked, acked
        self.counts = {p: unacked.get(p, 0) + acked.get(p, 0) for p in unacked}
        self._critical_unacked = critical
        self._silenced &= critical
        for p, chip in self.chips.items():
            u, k = unacked[p], acked[p]
            word = self.tr(PRIORITY_WORDS[p])
            if u or k:
                chip.setText(self.tr("{p} {u} unack · {k} ack").format(p=word, u=u, k=k))
            else:
                chip.setText(f"{word} 0")
            chip.setToolTip(self.tr(
                "{p}: {u} waiting for acknowledgement (active or returned), "
                "{k} acknowledged and still active").format(p=word, u=u, k=k))
            colour = PRIORITY_COLOURS[p].name() if u or k else None
            set_style(chip, chip_style(colour, solid=u > 0))
        self.first = first = act_first(alarms)
        if first is None:
            self.first_label.setText(self.tr("No unacknowledged alarms"))
            self.first_label.setToolTip("")
        else:
            hub_now, changed = finite(now), finite(first.changed)
            age = format_age(None if hub_now is None or changed is None else hub_now - changed)
            priority = engine_word(first.priority)
            text = self.tr("Act first — {p}, unacknowledged {age}: {area} · {message}").format(
                p=self.tr(PRIORITY_WORDS.get(priority, priority)), age=age,
                area=cell(local_area(first.area), 60),
                message=cell(local_message(first.message), 200))
            rule = rule_of(first)
            if rule is not None and rule.respond_min is not None:
                text += self.tr(" · respond within {0} min").format(rule.respond_min)
            self.first_label.setText(text)
            self.first_label.setToolTip(plain_tooltip(rule.advice if rule is not None else ""))
        self._update_sound()

    @property
    def sounding(self) -> bool:
        """True while the audible alert is on and a critical alarm waits unsilenced."""
        return self.audible_action.isChecked() and bool(self._critical_unacked - self._silenced)

    def silence(self) -> None:
        """Quiet the alert until another critical alarm becomes unacknowledged."""
        self._silenced |= self._critical_unacked
        self._update_sound()

    def _update_sound(self, *args: object) -> None:
        sounding = self.sounding and not self.review
        self.silence_button.setEnabled(sounding)
        if sounding and not self._beeper.isActive():
            self._beep()
            self._beeper.start()
        elif not sounding:
            self._beeper.stop()

    def _beep(self) -> None:
        self.beeps += 1
        QApplication.beep()
