"""The shift's alarm performance beside the alarm list (EEMUA 191 / ISA-18.2 figures).

:class:`AlarmKpiPanel` shows :class:`console.alarms.kpis.AlarmKpis` as plain text: each
figure with its target; figures within target stay grey, only those outside take colour
(ISA-101). It computes nothing: live, the worker's alarm service recomputes the current
shift's figures (at most every 10 s, or when the journal grows) and they arrive with an
alarm update; in review the worker computes the shift around the scrubbed time. Both go
to :meth:`AlarmKpiPanel.set_kpis`.
"""

from __future__ import annotations

import logging
import math

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from console.alarms.kpis import AlarmKpis
from console.contract import DEFAULT_SITE_TZ
from widgets.alarm_model import priority_text
from widgets.text import cell, figure, missing
from widgets.view import DATA_ERRORS, SiteClock, set_style

log = logging.getLogger(__name__)
GREY = "#9aa2ad"
OUTSIDE = "#e69f00"  # Okabe-Ito orange: outside target, act

_FIGURES: tuple[str, ...] = (
    "raised", "alarms_per_10min_avg", "alarms_per_10min_max", "alarms_per_day", "flood_count",
    "critical_pct", "high_pct", "medium_low_pct", "chattering_count", "standing_at_end",
    "stale_count", "ack", "unacknowledged", "shelved",
)
"""Rows of the panel, top to bottom (keys of ``TARGETS`` where a target applies)."""


def _finite(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        f = float(value)
    except OverflowError:
        return None
    return f if math.isfinite(f) else None


def _num(value: float, digits: int = 1, unit: str = "") -> str:
    return figure(value, f",.{digits}f", unit, none="—")


def _duration(seconds: float) -> str:
    v = _finite(seconds)
    if v is None:
        return "—"
    s = int(round(v))
    if s < 60:
        return QCoreApplication.translate("AlarmKpiPanel", "{0} s").format(s)
    if s < 3600:
        return QCoreApplication.translate("AlarmKpiPanel", "{0} min {1} s").format(
            s // 60, f"{s % 60:02d}")
    return QCoreApplication.translate("AlarmKpiPanel", "{0} h {1} min").format(
        s // 3600, f"{(s % 3600) // 60:02d}")


def _priority(priority: object) -> str:
    """A priority in the chosen language, lower case as the list says it ('critical');
    one the console does not know as written."""
    said, written = priority_text(priority), cell(priority, 20)
    return written if said == written else said.lower()


class AlarmKpiPanel(QWidget):
    """Alarm performance of the current (or reviewed) shift, each figure against its target."""

    def __init__(self, parent: QWidget | None = None, tz: str = DEFAULT_SITE_TZ) -> None:
        super().__init__(parent)
        self.setObjectName("alarmKpiPanel")
        self.site_clock = SiteClock(tz)
        """Says the shift's times in the site's zone (the window gives the site layout's)."""
        self.kpis: AlarmKpis | None = None
        self._shown: tuple[tuple[float, float] | None, float | None] = (None, None)

        column = QVBoxLayout(self)
        self.title = self._label("")
        self.title.setObjectName("kpiCaption")
        self.title.setWordWrap(True)
        column.addWidget(self.title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(self.fontMetrics().averageCharWidth() * 2)
        grid.setVerticalSpacing(0)
        grid.addWidget(self._head(self.tr("Figure")), 0, 0)
        shift_head = self._head(self.tr("Shift"))
        shift_head.setAlignment(Qt.AlignmentFlag.AlignRight)
        grid.addWidget(shift_head, 0, 1)
        grid.addWidget(self._head(self.tr("Target")), 0, 2)
        captions = {
            "raised": self.tr("Alarms raised"),
            "alarms_per_10min_avg": self.tr("Alarms per 10 min, average"),
            "alarms_per_10min_max": self.tr("Most alarms in any 10 min"),
            "alarms_per_day": self.tr("Alarm rate per day"),
            "flood_count": self.tr("Floods (>10 in 10 min)"),
            "critical_pct": self.tr("Critical share"),
            "high_pct": self.tr("High share"),
            "medium_low_pct": self.tr("Medium and low share"),
            "chattering_count": self.tr("Chattering alarms (3 in 1 min)"),
            "standing_at_end": self.tr("Standing alarms now"),
            "stale_count": self.tr("Stale alarms (standing > 24 h)"),
            "ack": self.tr("Time to acknowledge: median / 90 % / max"),
            "unacknowledged": self.tr("Waiting for acknowledgement"),
            "shelved": self.tr("Shelved in the shift / now"),
        }
        targets = {
            "alarms_per_10min_avg": self.tr("≤ 1"),
            "alarms_per_10min_max": self.tr("≤ 10"),
            "alarms_per_day": self.tr("≤ 150"),
            "flood_count": self.tr("0"),
            "critical_pct": self.tr("≤ 5 %"),
            "high_pct": self.tr("≤ 15 %"),
            "medium_low_pct": self.tr("≥ 80 %"),
            "chattering_count": self.tr("0"),
            "standing_at_end": self.tr("≤ 5"),
            "stale_count": self.tr("0"),
        }
        self.captions: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        for row, key in enumerate(_FIGURES, start=1):
            self.captions[key] = self._label(captions[key])
            self.values[key] = self._label("—")
            self.values[key].setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(self.captions[key], row, 0)
            grid.addWidget(self.values[key], row, 1)
            grid.addWidget(self._label(targets.get(key, "")), row, 2)
        grid.setColumnStretch(0, 1)
        column.addLayout(grid)
        column.addWidget(self._head(self.tr("Most frequent alarms")))
        self.top = self._label("")
        self.top.setWordWrap(True)
        column.addWidget(self.top)
        column.addStretch(1)


    def _label(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def _head(self, text: str) -> QLabel:
        label = self._label(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    # -- data in ----------------------------------------------------------------------------
    def set_kpis(self, kpis: AlarmKpis | None, shift: tuple[float, float] | None = None,
                 since: float | None = None) -> None:
        """Show figures computed on a worker; ``shift`` is its (start, end), ``since`` when
        the journal behind them starts, if after the shift's start. Figures it cannot read
        show as 'no figures' rather than the last ones."""
        self.kpis = kpis
        self._shown = (shift, since)
        try:
            self._show(kpis, shift, since)
        except DATA_ERRORS:
            log.exception("alarm performance: figures not shown")
            self._show(None, None)

    def set_site_clock(self, site: SiteClock) -> None:
        """Say the shift's times in ``site``'s zone (the site layout's), shown again at once."""
        if site == self.site_clock:
            return
        self.site_clock = site
        self.set_kpis(self.kpis, *self._shown)

    # -- drawing ----------------------------------------------------------------------------
    def _clock(self, t: float, day: bool = False) -> str:
        text = self.site_clock.clock(t, "%a %d %b %H:%M" if day else "%H:%M")
        return missing() if text == "—" else text

    def _show(self, k: AlarmKpis | None, shift: tuple[float, float] | None,
              since: float | None = None) -> None:
        if k is None:
            self.title.setText(self.tr("Alarm performance: no alarm journal"))
            for label in self.values.values():
                label.setText("—")
                set_style(label, f"color: {GREY};")
            self.top.setText("")
            return
        start, end = shift if shift is not None else (k.start, k.end)
        title = self.tr("Alarm performance, shift {0} – {1}, figures up to {2}").format(
            self._clock(start, day=True), self._clock(end), self._clock(k.end))
        if since is not None:
            title += "\n" + self.tr("Journal from {0} (console start)").format(self._clock(since))
        self.title.setText(title)
        by_p = k.raised_by_priority
        mix = k.priority_mix_pct
        text = {
            "raised": self.tr("{0} (C {1} · H {2} · M {3} · L {4})").format(
                k.raised, by_p.get("critical", 0), by_p.get("high", 0), by_p.get("medium", 0),
                by_p.get("low", 0) + by_p.get("diagnostic", 0)),
            "alarms_per_10min_avg": _num(k.per_10min_avg, 2),
            "alarms_per_10min_max": str(k.per_10min_max),
            "alarms_per_day": _num(k.per_day, 0),
            "flood_count": str(len(k.floods)) if not k.floods else self.tr(
                "{0} ({1} in all, longest {2})").format(
                len(k.floods), _duration(k.flood_s), _duration(k.longest_flood_s)),
            "critical_pct": _num(mix["critical"], 1, " %"),
            "high_pct": _num(mix["high"], 1, " %"),
            "medium_low_pct": _num(mix["medium_low"], 1, " %"),
            "chattering_count": str(len(k.chattering)),
            "standing_at_end": str(len(k.standing)),
            "stale_count": str(len(k.stale)),
            "ack": " / ".join(_duration(x) for x in (
                k.ack_percentile_s(50), k.ack_percentile_s(90),
                max(k.ack_times_s, default=math.nan))),
            "unacknowledged": str(k.unacknowledged),
            "shelved": f"{k.shelved} / {k.shelved_at_end}",
        }
        outside = set(k.outside_target())
        for key, label in self.values.items():
            label.setText(text[key])
            set_style(label, f"color: {OUTSIDE}; font-weight: bold;" if key in outside
                      else f"color: {GREY};")
        if k.top_alarms:
            lines = [self.tr("{0} × {1} ({2})").format(c.count, cell(c.alarm_id, 80),
                                                      _priority(c.priority))
                     for c in k.top_alarms]
            if k.chattering:
                lines.append(self.tr("Chattering: {0}").format(
                    cell(", ".join(cell(c.alarm_id, 80) for c in k.chattering), 400)))
            self.top.setText("\n".join(lines))
        else:
            self.top.setText(self.tr("No alarm raised in the shift."))

    def outside_keys(self) -> list[str]:
        """Figures shown in colour (outside their target)."""
        return [k for k, label in self.values.items() if OUTSIDE in label.styleSheet()]


def with_kpi_panel(view: QWidget, panel: AlarmKpiPanel) -> QSplitter:
    """The alarm list above the KPI panel (scrollable), for the alarm dock."""
    split = QSplitter(Qt.Orientation.Vertical)
    split.setObjectName("alarmSplit")
    split.setChildrenCollapsible(True)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(panel)
    split.addWidget(view)
    split.addWidget(scroll)
    split.setStretchFactor(0, 3)
    split.setStretchFactor(1, 2)
    return split
