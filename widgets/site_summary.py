"""The KPI strip: the site's headline figures, each with its age."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from console.contract import DEFAULT_CAPACITY_MW, POWER_FIELDS
from console.model import (
    JobsSnapshot,
    PowerSeries,
    RackTelemetry,
    Snapshot,
    UnhealthyGpus,
)
from widgets.text import cell, figure, missing
from widgets.view import DATA_ERRORS, LineBox, LiveView, follow_lines, format_age, set_style

log = logging.getLogger(__name__)
ABNORMAL = "#e69f00"  # Okabe-Ito orange: act
CRITICAL = "#d55e00"  # Okabe-Ito vermillion
UNHEALTHY_ABNORMAL_PCT = 0.2
"""Failed and off-bus GPUs at or above this share of the fleet colour their tile (normal
wear is about 0.05 %: those are maintenance work, shown grey)."""


class KpiTile(QFrame):
    """One figure: caption, value, detail line."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(0)
        self.caption = QLabel(caption)
        self.value = QLabel("—")
        self.detail = QLabel("")
        for label in (self.caption, self.value, self.detail):
            label.setTextFormat(Qt.TextFormat.PlainText)
        for label in (self.caption, self.detail):
            # A tile's width follows its words where there is room, but its caption and
            # detail never set the strip's least width: a longer detail line (a reason up
            # to 120 characters) raised the window's least width, and the window grew
            # under the operator (every view laid out again, the rack map fitted again:
            # a review jump took ~200 ms more). Cut short, the whole line is the tool tip.
            # The value (a figure of a few characters) keeps its whole width: a figure
            # cut short reads as another ("3,520 / 3,52" at the first frame at 1280 x 800).
            label.setMinimumWidth(1)
        self.caption.setObjectName("kpiCaption")
        self.value.setObjectName("kpiValue")
        self.detail.setObjectName("kpiDetail")
        layout.addWidget(self.caption)
        # new figures of the same width lay out no more than their line (LineBox)
        layout.addWidget(LineBox(self.value))
        layout.addWidget(LineBox(self.detail))

    def set(self, value: str, detail: str = "", colour: str | None = None) -> None:
        if value != self.value.text():
            self.value.setText(value)
        self.set_detail(detail)
        set_style(self.value, f"color: {colour};" if colour else "")

    def set_detail(self, detail: str) -> None:
        """The detail line (the tool tip says the caption, value and detail whole)."""
        if detail != self.detail.text():
            self.detail.setText(detail)
        tip = "\n".join(t for t in (self.caption.text(), self.value.text(), detail) if t)
        if tip != self.toolTip():
            self.setToolTip(tip)


def _tr(text: str) -> str:
    return QCoreApplication.translate("SiteSummary", text)


def _supply_words(now: dict[str, float], why: Mapping[str, str], digits: int) -> str:
    """Solar and wind now, or which of them the site does not meter."""
    unmetered = [k for k in ("solar", "wind") if f"{k}_mw" in why]
    if len(unmetered) == 2:
        return QCoreApplication.translate("SiteSummary", "solar, wind not metered")
    words = {"solar": (QCoreApplication.translate("SiteSummary", "solar {0} MW"), QCoreApplication.translate("SiteSummary", "solar not metered")),
             "wind": (QCoreApplication.translate("SiteSummary", "wind {0} MW"), QCoreApplication.translate("SiteSummary", "wind not metered"))}
    parts = [words[k][0].format(_fmt(now[f"{k}_mw"], digits)) if k not in unmetered
             else words[k][1] for k in ("solar", "wind")]
    return " · ".join(parts)


def _fmt(value: float, digits: int = 1, unit: str = "") -> str:
    return figure(value, f",.{digits}f", unit)


def _latest(power: PowerSeries) -> dict[str, float]:
    """The last sample of each power field (NaN where it has none that is a number)."""
    out: dict[str, float] = {}
    fields = power.fields if isinstance(power.fields, Mapping) else {}
    for name in POWER_FIELDS:
        try:
            value = float(np.asarray(fields[name], np.float64).reshape(-1)[-1])
        except (*DATA_ERRORS, KeyError):
            value = math.nan
        out[name] = value if math.isfinite(value) else math.nan
    return out


def _count(value: object) -> int:
    """A count the hub gave (0 for what is none: NaN, text, a list)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return int(value) if math.isfinite(value) and abs(value) < 2**53 else 0


class SiteSummary(LiveView):
    """Facility and IT load against the envelope, renewable share, PUE, carbon,
    racks reporting, unhealthy GPUs and jobs — the first line an operator reads."""

    kinds = ("power", "racks", "gpus", "jobs")
    title = "Site"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.capacity_mw: float | None = DEFAULT_CAPACITY_MW
        """The facility envelope (the site layout's ``capacity_mw``); None: not given."""
        self._latest: dict[str, Snapshot] = {}
        self._jobs_counted: tuple[tuple[object, ...], int, int] | None = None
        """The last queue counted (:func:`_jobs_key`), its running and pending."""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        self.tiles: dict[str, KpiTile] = {}
        for key, caption in (
            ("facility", QT_TRANSLATE_NOOP("SiteSummary", "Facility load")),
            ("it", QT_TRANSLATE_NOOP("SiteSummary", "IT load")),
            ("renewable", QT_TRANSLATE_NOOP("SiteSummary", "Renewable share")),
            ("pue", QT_TRANSLATE_NOOP("SiteSummary", "PUE")),
            ("carbon", QT_TRANSLATE_NOOP("SiteSummary", "Carbon intensity")),
            ("racks", QT_TRANSLATE_NOOP("SiteSummary", "Racks reporting")),
            ("gpus", QT_TRANSLATE_NOOP("SiteSummary", "Unhealthy GPUs")),
            ("jobs", QT_TRANSLATE_NOOP("SiteSummary", "Jobs")),
        ):
            tile = KpiTile(_tr(caption))
            self.tiles[key] = tile
            layout.addWidget(tile)
        self.setSizePolicy(self.sizePolicy().horizontalPolicy(), self.sizePolicy().Policy.Fixed)

    def set_topology(self, topology: object) -> None:
        super().set_topology(topology)  # type: ignore[arg-type]
        capacity = getattr(topology, "capacity_mw", 0.0)
        ok = (isinstance(capacity, int | float) and not isinstance(capacity, bool)
              and 0 < capacity < 1e6)
        self.capacity_mw = float(capacity) if ok else None

    def on_snapshot(self, snapshot: Snapshot) -> None:
        self._latest[snapshot.kind] = snapshot

    def redraw(self) -> None:
        """Each tile from its latest snapshot; a tile whose figures cannot be read shows
        '—' (the others are drawn)."""
        parts = {self._power: ("power", ("facility", "it", "renewable", "pue", "carbon")),
                 self._racks: ("racks", ("racks",)), self._gpus: ("gpus", ("gpus",)),
                 self._jobs: ("jobs", ("jobs",))}
        for part, (kind, keys) in parts.items():
            try:
                if kind in self._latest:
                    part()
                    continue
            except DATA_ERRORS:
                log.exception("site summary: figures not shown")
            for key in keys:  # no figures yet (a 'STALE' said earlier does not stay)
                self.tiles[key].set(missing())
        age = format_age(self.data_age)
        for tile in self.tiles.values():
            tile.setEnabled(not self.stale)
            if self.stale:
                tile.set_detail(self.tr("STALE · {0} old").format(age))
        # A figure that needs more room gets it now, before the paint: left to the boxes'
        # posted requests, the first frame showed the racks tile's figure cut short.
        if follow_lines(self):
            for tile in self.tiles.values():
                tile.layout().activate()  # each tells the strip its new least width
            self.layout().activate()

    def _power(self) -> None:
        power = self._latest.get("power")
        if isinstance(power, PowerSeries) and len(power):
            now = _latest(power)
            facility = now["facility_mw"]
            capacity = self.capacity_mw
            size = capacity or (facility if math.isfinite(facility) else 1.0)
            mw = 1 if size >= 1 else 3  # a small site in kW steps, not "0.0 MW"
            if capacity:
                pct = facility / capacity * 100
                colour = CRITICAL if pct >= 98 else ABNORMAL if pct >= 95 else None
                envelope = self.tr("{0} % of {1} MW").format(
                    _fmt(pct, 1), _fmt(capacity, 0 if capacity >= 100 else mw))
            else:
                colour = None
                envelope = self.tr("no envelope in the site layout (capacity_mw)")
            self.tiles["facility"].set(_fmt(facility, mw, " MW"), envelope, colour)
            why = {k: cell(v, 120) for k, v in power.missing.items()} if isinstance(
                power.missing, Mapping) else {}  # field -> "not metered: ..." / "n/a: ..."
            self.tiles["it"].set(_fmt(now["it_mw"], mw, " MW"), why.get("it_mw", ""))
            self.tiles["renewable"].set(
                _fmt(now["renewable_share_pct"], 1, " %"),
                why.get("renewable_share_pct") or _supply_words(now, why, mw),
            )
            self.tiles["pue"].set(_fmt(now["pue"], 3), why.get("pue", ""))
            self.tiles["carbon"].set(
                _fmt(now["carbon_g_per_kwh"], 0, " g/kWh"),
                why.get("carbon_g_per_kwh") or self.tr("grid {0} MW").format(
                    _fmt(now["grid_mw"], mw)),
            )
            if "facility_mw" in why:
                self.tiles["facility"].set(self.tr("n/a"), why["facility_mw"])

    def _racks(self) -> None:
        racks = self._latest.get("racks")
        if isinstance(racks, RackTelemetry) and self.topology is not None:
            n = self.topology.n_racks
            reporting = n - racks.n_missing
            power_kw = np.asarray(racks["power_kw"], dtype=np.float64)
            with np.errstate(all="ignore"):
                metered_mw = float(np.nansum(power_kw)) / 1000
            self.tiles["racks"].set(
                f"{figure(reporting, ',d')} / {figure(n, ',d')}",
                self.tr("{0} MW metered").format(_fmt(metered_mw, 1 if metered_mw >= 1 else 3)),
                ABNORMAL if reporting < n else None,
            )

    def _gpus(self) -> None:
        gpus = self._latest.get("gpus")
        if isinstance(gpus, UnhealthyGpus):
            given = gpus.counts if isinstance(gpus.counts, Mapping) else {}
            c = {k: _count(given.get(k)) for k in ("failed", "off_bus", "degraded")}
            bad = len(gpus.gpus)
            down = c["failed"] + c["off_bus"]
            fleet = self.topology.total_gpus if self.topology is not None else 0
            # A few failed GPUs are normal wear at this scale (the maintenance list's work):
            # grey, unless the failed share is well above normal.
            high = bool(fleet) and down / fleet * 100.0 >= UNHEALTHY_ABNORMAL_PCT
            self.tiles["gpus"].set(
                figure(bad, ",d"),
                self.tr("{0} failed · {1} off bus · {2} degraded").format(
                    figure(c.get("failed", 0), ",d"), figure(c.get("off_bus", 0), ",d"),
                    figure(c.get("degraded", 0), ",d")),
                ABNORMAL if high else None,
            )

    def _jobs(self) -> None:
        jobs = self._latest.get("jobs")
        if isinstance(jobs, JobsSnapshot):
            # The same queue (the same snapshot, or a later one with the same columns: a
            # poll that found no job changed keeps the arrays) is counted once.
            key = _jobs_key(jobs)
            counted = self._jobs_counted
            if counted is not None and _same_key(counted[0], key):
                running, pending = counted[1], counted[2]
            else:
                try:
                    running, pending = _running_pending(jobs)
                except DATA_ERRORS:  # columns it cannot count: counted from the cleaned ones
                    from widgets.jobs_model import clean_jobs

                    running, pending = _running_pending(clean_jobs(jobs))
                self._jobs_counted = (key, running, pending)
            self.tiles["jobs"].set(self.tr("{0} running").format(figure(running, ",d")),
                                   self.tr("{0} pending").format(figure(pending, ",d")))


def _jobs_key(jobs: JobsSnapshot) -> tuple[object, ...]:
    """What the running and pending counts are read from: the queue's length and its state
    and array-task columns (the arrays themselves, compared by identity: a snapshot's
    columns are read-only, and a job queue whose jobs did not change keeps them)."""
    columns = jobs.columns
    if not isinstance(columns, Mapping):
        return (jobs,)
    key = (columns.get("state"), columns.get("array_tasks"))
    if not all(x is None or (isinstance(x, np.ndarray) and not x.flags.writeable) for x in key):
        return (jobs,)  # columns that could change under the same object: this snapshot only
    return (len(jobs), *key)


def _same_key(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def _running_pending(jobs: JobsSnapshot) -> tuple[int, int]:
    """Jobs running and pending (a pending array counts as its tasks, as squeue -r does)."""
    from console.jobs import task_weights  # with the first job queue, not at start-up

    states = jobs.columns.get("state")
    if states is None or not len(jobs):
        return 0, 0
    with np.errstate(all="ignore"):
        tasks = np.asarray(task_weights(jobs), np.float64)
        running = float(tasks[np.asarray(states == "RUNNING", bool)].sum())
        pending = float(tasks[np.asarray(states == "PENDING", bool)].sum())
    return int(running), int(pending)
