"""Shift KPIs for the handover: power and energy, GPUs, jobs, alarms and incidents (Qt-free).

Energies integrate each power sample over the time it stands for
(:func:`console.power.sample_hours`: until the next sample, at most one poll step, so gaps
count as nothing; the window clips the first and last); averages, renewable share, PUE and carbon
intensity are energy-weighted. Alarm figures replay the alarm journal.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from console.handover.shift import ShiftWindow
from console.model import JobsSnapshot, PowerSeries, UnhealthyGpus
from console.power import energy_mwh, sample_hours

ENERGY_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("solar", "solar_mw", "Solar"),
    ("wind", "wind_mw", "Wind"),
    ("battery_discharge", "battery_discharge_mw", "Battery discharge"),
    ("grid_import", "grid_mw", "Grid import"),
    ("battery_charge", "battery_charge_mw", "Battery charge"),
    ("curtailment", "curtailment_mw", "Curtailment"),
    ("facility", "facility_mw", "Facility load"),
    ("it", "it_mw", "IT load"),
)
"""(key, power field, label) of every energy figure."""

GPU_STATES: tuple[str, ...] = ("healthy", "degraded", "failed", "off_bus")
OPEN_STATES = frozenset({"UNACK", "ACKED", "RTN_UNACK"})
ACK_TARGETS = frozenset({"ACKED", "NORMAL"})
OUT_OF_SERVICE_STATES = frozenset({"SUPPRESSED", "OUT_OF_SERVICE"})


# -- power KPIs ----------------------------------------------------------------------------
FLOW_ALIASES: dict[str, tuple[str, ...]] = {
    "it_mw": ("it", "it_load", "it_load_mw"),
    "facility_mw": ("facility", "facility_load", "facility_load_mw"),
    "solar_mw": ("solar",),
    "wind_mw": ("wind",),
    "battery_discharge_mw": ("battery_discharge", "battery_out", "battery_out_mw"),
    "battery_charge_mw": ("battery_charge", "battery_in", "battery_in_mw"),
    "grid_mw": ("grid", "grid_import", "grid_import_mw"),
    "curtailment_mw": ("curtailment",),
    "carbon_g_per_kwh": ("carbon", "carbon_intensity"),
}
"""Power field -> the other names a source's ``PowerSeries.missing`` may use for that flow."""
SUPPLY_FIELDS = ("solar_mw", "wind_mw", "battery_discharge_mw", "grid_mw")
FLOW_WORDS = {"it_mw": "IT load", "facility_mw": "facility load", "solar_mw": "solar",
              "wind_mw": "wind", "battery_discharge_mw": "battery discharge",
              "battery_charge_mw": "battery charge", "grid_mw": "grid import",
              "curtailment_mw": "curtailment", "carbon_g_per_kwh": "carbon intensity"}


def missing_flows(series: PowerSeries | None, reason: str = "no power data") -> dict[str, str]:
    """Power field -> why it is missing: the source's own reason (``series.missing``, flow ->
    reason, where the source declares one), else "no data" for a flow without a single
    finite value. ``series`` None: every flow, with ``reason``."""
    if series is None or not len(series.t):
        return dict.fromkeys(FLOW_ALIASES, reason)
    declared = getattr(series, "missing", None) or {}
    out: dict[str, str] = {}
    for name, aliases in FLOW_ALIASES.items():
        why = next((str(declared[k]) for k in (name, *aliases) if k in declared and declared[k]),
                   None)
        if why is None:
            values = series.fields.get(name)
            if values is None or not np.isfinite(np.asarray(values, dtype=np.float64)).any():
                why = "no data"
        if why is not None:
            out[name] = why
    return out


def _why(missing: Mapping[str, str], name: str) -> str:
    return f"{FLOW_WORDS[name]}: {missing[name]}"


def power_kpis(series: PowerSeries | None, shift: ShiftWindow,
               reason: str = "no power data") -> dict[str, Any]:
    """Average/peak loads, energy by source, renewable share, PUE and carbon of the shift.

    Nothing is invented: a figure whose inputs are missing is NaN, and ``not_available``
    says why (figure -> reason), e.g. the renewable share without any supply data or
    PUE without a facility meter. ``missing_flows`` lists the flows with no data.
    """
    out: dict[str, Any] = {"samples": 0, "coverage_pct": float("nan")}
    nan = float("nan")
    missing = missing_flows(series, reason)
    out["missing_flows"] = missing
    na: dict[str, str] = {}
    out["not_available"] = na
    if series is None or not len(series.t):
        out.update({k: nan for k in ("facility_avg_mw", "facility_peak_mw", "it_avg_mw",
                                     "it_peak_mw", "renewable_share_pct", "pue",
                                     "carbon_g_per_kwh", "carbon_t")})
        out["energy_mwh"] = {key: nan for key, _, _ in ENERGY_SOURCES}
        na.update(dict.fromkeys(("facility_avg_mw", "facility_peak_mw", "it_avg_mw",
                                 "it_peak_mw", "renewable_share_pct", "pue",
                                 "carbon_g_per_kwh", "carbon_t", "coverage_pct"), reason))
        return out
    hours = sample_hours(series.t, series.step, shift.start, shift.end)
    inside = hours > 0
    out["samples"] = int(inside.sum())

    def col(name: str) -> np.ndarray:
        values = series.fields.get(name)
        if values is None or name in missing:
            return np.full(len(series.t), np.nan)
        return np.asarray(values, dtype=np.float64)

    def energy(values: np.ndarray, mask: np.ndarray | None = None) -> float:
        ok = inside & np.isfinite(values) if mask is None else mask
        return float(np.sum(values[ok] * hours[ok])) if ok.any() else nan

    def usable(value: float) -> bool:
        return math.isfinite(value) and value > 0

    facility, it, grid, carbon = col("facility_mw"), col("it_mw"), col("grid_mw"), col(
        "carbon_g_per_kwh")
    shift_energy = energy_mwh(series, shift.start, shift.end)
    out["energy_mwh"] = {
        key: shift_energy.get(name, nan) if (inside & np.isfinite(col(name))).any() else nan
        for key, name, _ in ENERGY_SOURCES
    }
    for key, values in (("facility", facility), ("it", it)):
        ok = inside & np.isfinite(values)
        covered = float(hours[ok].sum())
        out[f"{key}_avg_mw"] = energy(values) / covered if covered else nan
        out[f"{key}_peak_mw"] = float(values[ok].max()) if ok.any() else nan
        if not ok.any():
            why = _why(missing, f"{key}_mw") if f"{key}_mw" in missing else "no data in the shift"
            na[f"{key}_avg_mw"] = na[f"{key}_peak_mw"] = why
    ok_fac = inside & np.isfinite(facility)
    out["coverage_pct"] = 100.0 * float(hours[ok_fac].sum()) / shift.hours
    if "facility_mw" in missing:
        na["coverage_pct"] = _why(missing, "facility_mw")
    # Renewable share: the facility's energy not imported from the grid. It needs a
    # facility meter and the grid import; without any supply data it is unknown, not 100 %.
    both = ok_fac & np.isfinite(grid)
    e_fac = energy(facility, both)
    out["renewable_share_pct"] = (
        max(0.0, min(100.0, 100.0 * (e_fac - energy(grid, both)) / e_fac))
        if usable(e_fac) else nan
    )
    if not math.isfinite(out["renewable_share_pct"]):
        if "facility_mw" in missing:
            na["renewable_share_pct"] = "no facility meter (" + _why(missing, "facility_mw") + ")"
        elif all(f in missing for f in SUPPLY_FIELDS):
            na["renewable_share_pct"] = "no supply data (" + _why(missing, "grid_mw") + ")"
        elif "grid_mw" in missing:
            na["renewable_share_pct"] = "no grid import data (" + _why(missing, "grid_mw") + ")"
        else:
            na["renewable_share_pct"] = "no facility and grid data at the same times"
    both = ok_fac & np.isfinite(it)
    e_it = energy(it, both)
    out["pue"] = energy(facility, both) / e_it if usable(e_it) else nan
    if not math.isfinite(out["pue"]):
        if "facility_mw" in missing:
            na["pue"] = "no facility meter (" + _why(missing, "facility_mw") + ")"
        elif "it_mw" in missing:
            na["pue"] = "no IT load data (" + _why(missing, "it_mw") + ")"
        else:
            na["pue"] = "no facility and IT load data at the same times"
    both = ok_fac & np.isfinite(carbon)
    e_fac_c = energy(facility, both)
    tonnes = float(np.sum(facility[both] * hours[both] * carbon[both]) / 1000.0) if both.any() else nan
    out["carbon_t"] = tonnes
    out["carbon_g_per_kwh"] = tonnes * 1000.0 / e_fac_c if usable(e_fac_c) else nan
    for key in ("carbon_t", "carbon_g_per_kwh"):
        if not math.isfinite(out[key]):
            if "facility_mw" in missing:
                na[key] = "no facility meter (" + _why(missing, "facility_mw") + ")"
            elif "carbon_g_per_kwh" in missing:
                na[key] = "no carbon intensity (" + _why(missing, "carbon_g_per_kwh") + ")"
            else:
                na[key] = "no facility and carbon data at the same times"
    return out


# -- GPUs and jobs -------------------------------------------------------------------------
def gpu_counts(gpus: UnhealthyGpus | None, total: int | None) -> dict[str, int] | None:
    """GPUs by status; healthy is the fleet minus the others when the source omits it."""
    if gpus is None:
        return None
    counts = {k: int(v) for k, v in gpus.counts.items()}
    if not counts:
        for gpu in gpus.gpus:
            status = str(gpu.get("status", "degraded"))
            counts[status] = counts.get(status, 0) + 1
    out = {s: counts.get(s, 0) for s in GPU_STATES}
    if "healthy" not in counts and total:
        out["healthy"] = max(0, int(total) - sum(v for k, v in counts.items() if k != "healthy"))
    return out


JOB_KPI_FIELDS: tuple[str, ...] = ("id", "name", "tenant", "user", "partition", "state",
                                   "reason", "gpus", "start_time", "end_time")
"""The job fields :func:`job_kpis` reads (besides ``_as_of``)."""


def merge_jobs(snapshots: Sequence[JobsSnapshot | None],
               fields: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Job records of several snapshots, one per id, the later snapshot winning; each with
    the snapshot's columns (``fields``: those of them only) and its time as ``_as_of``.
    Values are Python's (a numpy column's values as ``tolist`` gives them)."""
    by_id: dict[int, dict[str, Any]] = {}
    for snap in snapshots:
        if snap is None or not len(snap):
            continue
        n = len(snap)
        cols = {k: v for k, v in snap.columns.items() if fields is None or k in fields}
        # Each column taken at once (a day holds ~7,000 jobs: row by row, every value a
        # numpy scalar, took several times as long).
        values = [v[:n].tolist() if isinstance(v, np.ndarray) and v.ndim == 1
                  else [v[i] for i in range(n)] for v in cols.values()]
        keys = (*cols, "_as_of")
        for row in zip(*values, itertools.repeat(snap.time, n), strict=True):
            record = dict(zip(keys, row, strict=True))
            by_id[int(record["id"])] = record
    return list(by_id.values())


def _finite(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def job_kpis(jobs: Sequence[Mapping[str, Any]], shift: ShiftWindow) -> dict[str, Any]:
    """Jobs completed/failed in the shift and GPU-hours delivered inside it."""
    ended: dict[str, int] = {"COMPLETED": 0, "FAILED": 0, "TIMEOUT": 0, "CANCELLED": 0}
    gpu_hours = 0.0
    running_end = 0
    failed: list[Mapping[str, Any]] = []
    for job in jobs:
        state = str(job.get("state") or "")
        start = _finite(job.get("start_time"))
        end = _finite(job.get("end_time"))
        if end is not None and state in ended and shift.start <= end < shift.end:
            ended[state] += 1
            if state in ("FAILED", "TIMEOUT"):
                failed.append(job)
        if start is None:
            continue
        if state == "RUNNING":
            end = min(shift.end, float(job.get("_as_of") or shift.end))
        elif end is None:
            continue
        overlap = min(end, shift.end) - max(start, shift.start)
        if overlap > 0:
            gpu_hours += int(job.get("gpus") or 0) * overlap / 3600.0
            if state == "RUNNING":
                running_end += 1
    failed.sort(key=lambda j: _finite(j.get("end_time")) or 0.0)
    return {
        "completed": ended["COMPLETED"],
        "failed": ended["FAILED"],
        "timeout": ended["TIMEOUT"],
        "cancelled": ended["CANCELLED"],
        "running": running_end,
        "gpu_hours": gpu_hours,
        "failed_jobs": [
            {k: _plain(job.get(k)) for k in ("id", "name", "tenant", "user", "partition", "state",
                                             "reason", "gpus", "end_time")}
            for job in failed
        ],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, tuple):
        return list(value)
    return value


# -- alarms and incidents ------------------------------------------------------------------
def alarm_kpis(journal: Sequence[Mapping[str, Any]], shift: ShiftWindow) -> dict[str, Any]:
    """Raised/acknowledged in the shift, open and shelved at its end, from the journal.

    ``journal`` must hold every entry up to the shift's end (older ones give the state of
    alarms raised before the shift).
    """
    entries = sorted((dict(e) for e in journal), key=lambda e: float(e.get("time") or 0.0))
    in_shift = [e for e in entries if shift.start <= float(e["time"]) < shift.end]
    raised = [e for e in in_shift if e.get("state_to") == "UNACK"]
    acked = [
        e for e in in_shift
        if e.get("operator") and e.get("state_from") in ("UNACK", "RTN_UNACK")
        and e.get("state_to") in ACK_TARGETS
    ]
    last: dict[str, dict[str, Any]] = {}
    first_raise: dict[str, float] = {}
    for e in entries:
        if float(e["time"]) >= shift.end:
            break
        aid = str(e.get("alarm_id"))
        last[aid] = e
        if e.get("state_to") == "UNACK":
            first_raise.setdefault(aid, float(e["time"]))
        elif e.get("state_to") == "NORMAL":
            first_raise.pop(aid, None)

    def item(e: Mapping[str, Any]) -> dict[str, Any]:
        aid = str(e.get("alarm_id"))
        return {
            "alarm_id": aid,
            "priority": e.get("priority") or "",
            "state": e.get("state_to") or "",
            "rack": e.get("rack") or "",
            "source": e.get("source") or "",
            "message": e.get("message") or "",
            "since": first_raise.get(aid, float(e["time"])),
            "changed": float(e["time"]),
            "operator": e.get("operator") or "",
            "comment": e.get("comment") or "",
        }

    still_open = [item(e) for e in last.values() if e.get("state_to") in OPEN_STATES]
    shelved = [item(e) for e in last.values() if e.get("state_to") == "SHELVED"]
    out_of_service = [item(e) for e in last.values() if e.get("state_to") in OUT_OF_SERVICE_STATES]
    rank = {p: i for i, p in enumerate(("critical", "high", "medium", "low", "diagnostic"))}
    for group in (still_open, shelved, out_of_service):
        group.sort(key=lambda a: (rank.get(a["priority"], 9), a["since"]))
    by_priority: dict[str, int] = {}
    for e in raised:
        p = str(e.get("priority") or "unknown")
        by_priority[p] = by_priority.get(p, 0) + 1
    return {
        "raised": len(raised),
        "raised_by_priority": by_priority,
        "acknowledged": len(acked),
        "still_open": still_open,
        "shelved": shelved,
        "out_of_service": out_of_service,
        "journal": [
            {k: _plain(e.get(k)) for k in ("time", "alarm_id", "source", "rack", "priority",
                                           "state_from", "state_to", "operator", "comment",
                                           "message")}
            for e in in_shift
        ],
    }


def _top_priority(entries: Sequence[Mapping[str, Any]]) -> str:
    """The most urgent priority among an incident's journal entries ('' for none)."""
    order = ("critical", "high", "medium", "low", "diagnostic")
    found = {str(e.get("priority") or "") for e in entries}
    return next((p for p in order if p in found), "")


def incident_items(
    incidents: Sequence[Mapping[str, Any]], journal: Sequence[Mapping[str, Any]],
    shift: ShiftWindow,
) -> list[dict[str, Any]]:
    """Incidents overlapping the shift, each with its journal timeline."""
    by_alarm: dict[str, list[Mapping[str, Any]]] = {}
    for e in journal:
        by_alarm.setdefault(str(e.get("alarm_id")), []).append(e)
    out = []
    for inc in incidents:
        start = _finite(inc.get("start"))
        end = _finite(inc.get("end"))
        if start is None or start >= shift.end or (end is not None and end < shift.start):
            continue
        alarm_ids = [str(a) for a in (inc.get("alarm_ids") or ())]
        timeline = sorted(
            (e for a in alarm_ids for e in by_alarm.get(a, ())),
            key=lambda e: float(e.get("time") or 0.0),
        )
        out.append({
            "id": _plain(inc.get("id")),
            "title": str(inc.get("title") or ""),
            "priority": str(inc.get("priority") or _top_priority(timeline)),
            "start": start,
            "end": end,
            "racks": [str(r) for r in (inc.get("racks") or ())],
            "gpus": len(inc.get("gpus") or ()),
            "jobs": [_plain(j) for j in (inc.get("jobs") or ())],
            "alarm_ids": alarm_ids,
            "note": str(inc.get("note") or ""),
            "timeline": [
                {k: _plain(e.get(k)) for k in ("time", "alarm_id", "state_from", "state_to",
                                               "operator", "comment", "message")}
                for e in timeline
            ],
        })
    out.sort(key=lambda i: i["start"])
    return out
