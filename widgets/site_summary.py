"""The KPI strip: the site's headline figures, each with its age."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from console.jobs import task_weights
from console.model import (
    JobsSnapshot,
    PowerSeries,
    RackTelemetry,
    Snapshot,
    UnhealthyGpus,
)
from widgets.view import LiveView, format_age, set_style

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
        self.caption.setObjectName("kpiCaption")
        self.value.setObjectName("kpiValue")
        self.detail.setObjectName("kpiDetail")
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)

    def set(self, value: str, detail: str = "", colour: str | None = None) -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        set_style(self.value, f"color: {colour};" if colour else "")


def _supply_words(now: dict[str, float], why: Mapping[str, str], digits: int) -> str:
    """Solar and wind now, or which of them the site does not meter."""
    unmetered = [k for k in ("solar", "wind") if f"{k}_mw" in why]
    if len(unmetered) == 2:
        return "solar, wind not metered"
    parts = [f"{k} {_fmt(now[f'{k}_mw'], digits)} MW" if k not in unmetered
             else f"{k} not metered" for k in ("solar", "wind")]
    return " · ".join(parts)


def _fmt(value: float, digits: int = 1, unit: str = "") -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:,.{digits}f}{unit}"


class SiteSummary(LiveView):
    """Facility and IT load against the envelope, renewable share, PUE, carbon,
    racks reporting, unhealthy GPUs and jobs — the first line an operator reads."""

    kinds = ("power", "racks", "gpus", "jobs")
    title = "Site"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.capacity_mw: float | None = 386.0
        """The facility envelope (the site layout's ``capacity_mw``); None: not given."""
        self._latest: dict[str, Snapshot] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        self.tiles: dict[str, KpiTile] = {}
        for key, caption in (
            ("facility", "Facility load"),
            ("it", "IT load"),
            ("renewable", "Renewable share"),
            ("pue", "PUE"),
            ("carbon", "Carbon intensity"),
            ("racks", "Racks reporting"),
            ("gpus", "Unhealthy GPUs"),
            ("jobs", "Jobs"),
        ):
            tile = KpiTile(caption)
            self.tiles[key] = tile
            layout.addWidget(tile)
        self.setSizePolicy(self.sizePolicy().horizontalPolicy(), self.sizePolicy().Policy.Fixed)

    def set_topology(self, topology: object) -> None:
        super().set_topology(topology)  # type: ignore[arg-type]
        capacity = float(getattr(topology, "capacity_mw", 0.0) or 0.0)
        self.capacity_mw = capacity if capacity > 0 else None

    def on_snapshot(self, snapshot: Snapshot) -> None:
        self._latest[snapshot.kind] = snapshot

    def redraw(self) -> None:
        power = self._latest.get("power")
        if isinstance(power, PowerSeries) and len(power):
            now = power.latest()
            facility = now["facility_mw"]
            capacity = self.capacity_mw
            size = capacity or (facility if math.isfinite(facility) else 1.0)
            mw = 1 if size >= 1 else 3  # a small site in kW steps, not "0.0 MW"
            if capacity:
                pct = facility / capacity * 100
                colour = CRITICAL if pct >= 98 else ABNORMAL if pct >= 95 else None
                envelope = f"{_fmt(pct, 1)} % of {capacity:,.{0 if capacity >= 100 else mw}f} MW"
            else:
                colour, envelope = None, "no envelope in the site layout (capacity_mw)"
            self.tiles["facility"].set(_fmt(facility, mw, " MW"), envelope, colour)
            why = power.missing  # field -> "not metered: ..." / "n/a: ..." (real backends)
            self.tiles["it"].set(_fmt(now["it_mw"], mw, " MW"), why.get("it_mw", ""))
            self.tiles["renewable"].set(
                _fmt(now["renewable_share_pct"], 1, " %"),
                why.get("renewable_share_pct") or _supply_words(now, why, mw),
            )
            self.tiles["pue"].set(_fmt(now["pue"], 3), why.get("pue", ""))
            self.tiles["carbon"].set(
                _fmt(now["carbon_g_per_kwh"], 0, " g/kWh"),
                why.get("carbon_g_per_kwh") or f"grid {_fmt(now['grid_mw'], mw)} MW",
            )
            if "facility_mw" in why:
                self.tiles["facility"].set("n/a", why["facility_mw"])
        racks = self._latest.get("racks")
        if isinstance(racks, RackTelemetry) and self.topology is not None:
            n = self.topology.n_racks
            reporting = n - racks.n_missing
            power_kw = np.asarray(racks["power_kw"], dtype=np.float64)
            metered_mw = float(np.nansum(power_kw)) / 1000
            self.tiles["racks"].set(
                f"{reporting:,} / {n:,}",
                f"{_fmt(metered_mw, 1 if metered_mw >= 1 else 3)} MW metered",
                ABNORMAL if reporting < n else None,
            )
        gpus = self._latest.get("gpus")
        if isinstance(gpus, UnhealthyGpus):
            c = gpus.counts
            bad = len(gpus.gpus)
            down = int(c.get("failed", 0)) + int(c.get("off_bus", 0))
            fleet = self.topology.total_gpus if self.topology is not None else 0
            # A few failed GPUs are normal wear at this scale (the maintenance list's work):
            # grey, unless the failed share is well above normal.
            high = bool(fleet) and down / fleet * 100.0 >= UNHEALTHY_ABNORMAL_PCT
            self.tiles["gpus"].set(
                f"{bad:,}",
                f"{c.get('failed', 0)} failed · {c.get('off_bus', 0)} off bus · "
                f"{c.get('degraded', 0)} degraded",
                ABNORMAL if high else None,
            )
        jobs = self._latest.get("jobs")
        if isinstance(jobs, JobsSnapshot):
            states = jobs.columns.get("state")
            tasks = task_weights(jobs)  # a pending array counts as its tasks (squeue -r)
            running = int(tasks[states == "RUNNING"].sum()) if states is not None else 0
            pending = int(tasks[states == "PENDING"].sum()) if states is not None else 0
            self.tiles["jobs"].set(f"{running:,} running", f"{pending:,} pending")
        age = format_age(self.data_age)
        for tile in self.tiles.values():
            tile.setEnabled(not self.stale)
            if self.stale:
                tile.detail.setText(f"STALE · {age} old")
