"""Planned work in force or to come (planned shelves), as a small list with Cancel.

:class:`PlanList` shows the plans of an :class:`console.alarms.state.AlarmUpdate`
(objects with ``id``, ``scope``, ``start``, ``end``, ``operator`` and ``reason``) and
emits ``cancelRequested(plan_id)``; the alarm list asks who cancels and why.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from widgets.text import cell, isolate, plain, plain_tooltip
from widgets.view import site_clock_of

PLAN_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _time(t: object) -> float:
    """A plan's start or end for comparing (NaN for what is no number)."""
    return float(t) if isinstance(t, int | float) and not isinstance(t, bool) else math.nan


def scope_of(area: str) -> str:
    """A plan scope from an alarm's area: 'row A-03' -> 'A-03', 'hall A' -> 'A'."""
    area = plain(area)
    for prefix in ("row ", "hall "):
        if area.startswith(prefix):
            return area[len(prefix):]
    return area


class PlanList(QWidget):
    """Plans in force or to come, soonest first; Cancel emits ``cancelRequested(id)``."""

    cancelRequested = Signal(str)
    MAX_ROWS = 4
    """Plans shown before the list scrolls."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plans: tuple[Any, ...] = ()
        self.heading = QLabel(self)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.list = QListWidget(self)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.cancel_button = QPushButton(self.tr("Cancel plan…"), self)
        self.cancel_button.clicked.connect(self._cancel)
        self.list.currentRowChanged.connect(lambda _r: self._update_buttons())
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.heading, 1)
        bar.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.list)
        self.set_plans(())

    def set_plans(self, plans: Sequence[Any], now: float | None = None) -> None:
        """Show these plans (in force or to come at ``now``, hub time; the workstation's
        clock when none), their times the site's wall time (the zone named in the heading);
        hidden when there are none."""
        current = self.selected_plan()
        self.plans = tuple(plans)
        now = time.time() if now is None else now
        site = site_clock_of(self)

        def _clock(t: object) -> str:
            return site.clock(t, "%d %b %H:%M")

        self.list.clear()
        for plan in self.plans:
            when = (self.tr("in force until {end}") if _time(plan.start) <= now
                    else self.tr("{start} to {end}")).format(
                start=_clock(plan.start), end=_clock(plan.end))
            text = self.tr("{scope} · {when} · {operator}: {reason}").format(
                scope=cell(plan.scope, 60), when=when, operator=isolate(plan.operator, 60),
                reason=isolate(plan.reason, 200))
            item = QListWidgetItem(text)
            item.setData(PLAN_ID_ROLE, plain(plan.id))
            item.setToolTip(plain_tooltip(self.tr(
                "Planned work {id}: alarms of {scope} raised from {start} to {end} are "
                "shelved until {end}.\nBy {operator}: {reason}").format(
                    id=cell(plan.id, 100), scope=isolate(plan.scope, 200),
                    start=_clock(plan.start), end=_clock(plan.end),
                    operator=isolate(plan.operator, 100), reason=isolate(plan.reason, 600))))
            self.list.addItem(item)
            if plain(plan.id) == current:
                self.list.setCurrentItem(item)
        self.heading.setText(self.tr("Planned work ({n}), site time {zone}").format(
            n=len(self.plans), zone=site.abbrev(now)))
        self.heading.setToolTip(plain_tooltip(self.tr("Times are the site's: {0}").format(
            site.label(now))))
        rows = min(max(1, len(self.plans)), self.MAX_ROWS)  # the list's height follows its plans
        line = self.list.sizeHintForRow(0) if self.plans else self.fontMetrics().height()
        self.list.setFixedHeight(rows * max(line, self.fontMetrics().height())
                                 + 2 * self.list.frameWidth())
        self.setVisible(bool(self.plans))
        self._update_buttons()

    def selected_plan(self) -> str:
        """Id of the selected plan ('' when none)."""
        item = self.list.currentItem()
        return str(item.data(PLAN_ID_ROLE)) if item is not None else ""

    def select_plan(self, plan_id: str) -> bool:
        for row in range(self.list.count()):
            if self.list.item(row).data(PLAN_ID_ROLE) == plan_id:
                self.list.setCurrentRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        self.cancel_button.setEnabled(bool(self.selected_plan()))

    def _cancel(self) -> None:
        plan_id = self.selected_plan()
        if plan_id:
            self.cancelRequested.emit(plan_id)
