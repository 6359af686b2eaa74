"""Power chart redraw after a pan, and the job queue's model update and filter.

Figures (milliseconds, medians):
- ``chart_redraw_ms``: 7 days at 10 s (60,480 points × 7 series and more), pan then repaint;
- ``jobs_model_update_ms``: model reset with a 50,000-job snapshot, proxy mapping rebuilt;
- ``jobs_filter_ms``: a filter change through the proxy over 50,000 jobs, mapping rebuilt;
- extras: ``jobs_sort_ms``, ``jobs_repaint_ms`` (one full repaint of the visible table),
  the same at 100,000 jobs (``_100k``), and each figure's GUI-thread CPU time (``_cpu``),
  which is what the code costs when other processes share the cores.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from typing import Any

import numpy as np

from console.contract import POWER_FIELDS
from console.decode import jobs_from_records
from console.model import JobsSnapshot, PowerSeries

T0 = 1_780_000_000.0


def synthetic_power(n: int, step: float = 10.0, t0: float = T0, seed: int = 3) -> PowerSeries:
    """A balanced power series of ``n`` points (facility = supply − charge − curtailment)."""
    rng = np.random.default_rng(seed)
    t = t0 + step * np.arange(n)
    day = (t % 86400) / 86400
    it = 290 + 15 * np.sin(2 * np.pi * day) + rng.normal(0, 1, n)
    p = 1.2 + 0.05 * np.sin(2 * np.pi * day)
    facility = it * p
    solar = np.clip(190 * np.sin(2 * np.pi * (day - 0.25)), 0, None)
    wind = np.clip(150 + 60 * np.sin(2 * np.pi * t / 5e5) + rng.normal(0, 4, n), 0, None)
    net = facility - solar - wind
    discharge = np.clip(net, 0, 40)
    charge = np.clip(-net, 0, 60)
    grid = np.clip(net - discharge, 0, None)
    curtail = np.clip(-net - charge, 0, None)
    fields = {
        "it_mw": it,
        "facility_mw": facility,
        "solar_mw": solar,
        "wind_mw": wind,
        "battery_discharge_mw": discharge,
        "battery_charge_mw": charge,
        "battery_soc_pct": np.full(n, 55.0),
        "grid_mw": grid,
        "curtailment_mw": curtail,
        "pue": p,
        "carbon_g_per_kwh": 650 * grid / facility,
        "renewable_share_pct": np.clip(100 * (facility - grid) / facility, 0, 100),
    }
    assert set(fields) == set(POWER_FIELDS)
    return PowerSeries(time=float(t[-1]), received=float(t[-1]), t=t, fields=fields, step=step)


def synthetic_jobs(n: int, now: float = T0, seed: int = 5) -> JobsSnapshot:
    """``n`` jobs in the hub's shape: mixed states, tenants, reasons, rack lists."""
    rng = np.random.default_rng(seed)
    states = rng.choice(["RUNNING", "PENDING", "COMPLETED", "FAILED"], n, p=[0.4, 0.35, 0.2, 0.05])
    reasons = [
        "Resources",
        "Priority",
        "QOSMaxGPUPerUser",
        "AssocGrpGRES",
        "Dependency",
        "JobHeldUser",
        "BeginTime",
        "ReqNodeNotAvail",
    ]
    kinds = ["research", "startup", "enterprise"]
    parts = ["gpu-gb200", "gpu-h200", "debug", "preempt"]
    records = []
    for i in range(n):
        st = str(states[i])
        submit = now - float(rng.uniform(60, 86400 * 2))
        start = None if st == "PENDING" else submit + float(rng.uniform(0, 3600))
        racks = (
            []
            if st == "PENDING"
            else [f"{'ABCDEF'[i % 6]}-{i % 20 + 1:02d}-{k + 1:02d}" for k in range(1 + i % 3)]
        )
        records.append(
            {
                "id": 4_180_000 + i,
                "name": f"run-{i % 997}-{'llm' if i % 2 else 'vision'}",
                "tenant": f"tenant{i % 173}",
                "tenant_kind": kinds[i % 3],
                "tenant_country": ("MA", "US", "FR", "DE")[i % 4],
                "user": f"user{i % 1009}",
                "partition": parts[i % 4],
                "state": st,
                "reason": reasons[i % len(reasons)] if st == "PENDING" else "None",
                "gpus": int(2 ** (i % 8)),
                "nodes": 1 + i % 8,
                "racks": racks,
                "submit_time": submit,
                "start_time": start,
                "end_time": None if st in ("PENDING", "RUNNING") else now - 60.0,
                "time_limit_s": 86400.0,
            }
        )
    return jobs_from_records(records, now, received=now)


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000.0, 2)


class _Clock:
    """Wall-clock and GUI-thread CPU time of one timed block, in seconds."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __enter__(self) -> _Clock:
        self._t = (time.perf_counter(), time.thread_time())
        return self

    def __exit__(self, *_: object) -> None:
        self.wall.append(time.perf_counter() - self._t[0])
        self.cpu.append(time.thread_time() - self._t[1])

    def figures(self, name: str) -> dict[str, float]:
        """``name`` is the wall-clock median; ``name_cpu`` the GUI thread's CPU median."""
        return {name: _median_ms(self.wall), f"{name[:-3]}_cpu_ms": _median_ms(self.cpu)}


def bench_chart(app: Any, repeats: int) -> dict[str, float]:
    """Median pan + repaint of the power chart holding 7 days at 10 s."""
    from widgets.power_chart import PowerBalanceChart

    chart = PowerBalanceChart()
    chart.resize(1600, 900)
    chart.show()
    chart.set_history(synthetic_power(7 * 8640))
    chart.set_span(7 * 86400.0)
    app.processEvents()
    viewport = chart.graphics.viewport()
    vb = chart.top.getViewBox()
    clock = _Clock()
    for i in range(repeats):
        with clock:
            vb.translateBy(x=(-1) ** i * 3600.0)
            viewport.repaint()
    chart.stop()
    chart.close()
    return clock.figures("chart_redraw_ms")


def bench_jobs(app: Any, n: int, repeats: int, suffix: str = "") -> dict[str, float]:
    """Model reset, filter and sort over ``n`` jobs through the view's model and proxy."""
    from PySide6.QtCore import Qt

    from widgets.jobs import JobQueueView

    view = JobQueueView()
    view.resize(1600, 900)
    view.show()
    app.processEvents()
    snapshots = [synthetic_jobs(n, seed=s) for s in (1, 2)]
    update, filt, sort, paint = _Clock(), _Clock(), _Clock(), _Clock()
    for i in range(repeats):
        with update:
            view.model.set_snapshot(snapshots[i % 2])
            view.proxy.rowCount()
        with paint:
            view.table.viewport().repaint()
    flt = [
        {"partition": "gpu-h200"},
        {"state": "PENDING", "tenant_kind": "startup"},
        {"text": "llm"},
        {},
    ]
    for i in range(repeats):
        with filt:
            view.proxy.set_filters(**flt[i % len(flt)])
            view.proxy.rowCount()
        view.table.viewport().repaint()
    orders = (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder)
    for i in range(repeats):
        with sort:
            view.proxy.sort(i % 14, orders[i % 2])
            view.proxy.rowCount()
        view.table.viewport().repaint()
    view.stop()
    view.close()
    out = update.figures("jobs_model_update_ms") | filt.figures("jobs_filter_ms")
    out |= sort.figures("jobs_sort_ms") | paint.figures("jobs_repaint_ms")
    return {f"{k}{suffix}": v for k, v in out.items()}


def run(quick: bool = False) -> dict[str, float]:
    """All figures of the power chart and the job queue (milliseconds)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    repeats = 5 if quick else 15
    out = bench_chart(app, repeats)
    out |= bench_jobs(app, 50_000, repeats)
    if not quick:
        out |= bench_jobs(app, 100_000, 7, suffix="_100k")
    return out


if __name__ == "__main__":
    print(json.dumps(run()))
