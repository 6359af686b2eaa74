"""A shift's handover content: KPIs, alarms, incidents, maintenance, the shift log, the
handover itself and notes (Qt-free).

:func:`build_handover` turns what a source or the cache holds for a shift into a
:class:`HandoverData`, which :meth:`HandoverData.to_summary_json` writes out with a unit on
every figure (the figures come from :mod:`console.handover.kpis`). The shift log is the
shift's entries (as they stood at its end) and every open item carried forward (written
whenever, still open at the shift's end), and the items cleared in the shift (written
whenever: an item written in an earlier shift and cleared in this one is neither carried
forward nor among the shift's entries); :func:`shift_log` and :func:`cleared_in` pick them
from a log read whole (a live hub), as the cache's ``log_between``, ``open_items`` and
``cleared_between`` do.
"""

from __future__ import annotations

import time as _time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from console.contract import DEFAULT_SITE_TZ
from console.handover.kpis import (
    ENERGY_SOURCES,
    GPU_STATES,
    JOB_KPI_FIELDS,
    OPEN_STATES,
    OUT_OF_SERVICE_STATES,
    alarm_kpis,
    gpu_counts,
    incident_items,
    job_kpis,
    merge_jobs,
    power_kpis,
)
from console.handover.record import HandoverRecord, is_handover, records_from_journal
from console.handover.shift import ShiftWindow, figure
from console.model import JobsSnapshot, PowerSeries, SiteTopology, UnhealthyGpus
from console.shiftlog.model import LogEntry

if TYPE_CHECKING:
    from console.maintenance import MaintenanceList

__all__ = ["SUMMARY_FORMAT", "HandoverData", "build_handover", "cleared_in", "shift_log"]

SUMMARY_FORMAT = "hub-handover/1"


# -- the handover --------------------------------------------------------------------------
@dataclass(frozen=True)
class HandoverData:
    """Everything a handover pack says about one shift (plain data, no Qt)."""

    shift: ShiftWindow
    site_name: str = ""
    site_timezone: str = DEFAULT_SITE_TZ
    capacity_mw: float = float("nan")
    total_gpus: int = 0
    source: str = ""
    power: Mapping[str, Any] = field(default_factory=dict)
    gpus_start: Mapping[str, int] | None = None
    gpus_end: Mapping[str, int] | None = None
    jobs: Mapping[str, Any] = field(default_factory=dict)
    alarms: Mapping[str, Any] = field(default_factory=dict)
    incidents: tuple[Mapping[str, Any], ...] = ()
    notes: str = ""
    warnings: tuple[str, ...] = ()
    generated: float = field(default_factory=_time.time)
    view_time: float | None = None
    """The time the pack's screenshots show (hub time)."""
    alarm_performance: Mapping[str, Any] | None = None
    """EEMUA 191 / ISA-18.2 figures of the shift (:meth:`console.alarms.kpis.AlarmKpis.as_dict`);
    None without an alarm journal."""
    maintenance: Mapping[str, Any] | None = None
    """The maintenance list at the shift's end (:func:`console.maintenance.maintenance_summary`:
    time, groups, items, site_caused, list); None when unknown."""
    missing: Mapping[str, str] = field(default_factory=dict)
    """Kind of data (site, racks, gpus, jobs, power, events) -> why the pack lacks it (one
    line each); every other kind was read."""
    log_missing: str | None = None
    """Why the pack holds no shift log (one line); None: the log was read."""
    log_entries: tuple[LogEntry, ...] = ()
    """The shift log's entries written in the shift, oldest first, as they stood at its
    end."""
    open_items: tuple[LogEntry, ...] = ()
    """Every open item carried forward: flagged open, written by the shift's end (in it or
    before), not cleared by then; oldest first."""
    cleared_items: tuple[LogEntry, ...] = ()
    """The open items cleared in the shift (who cleared each and when), written whenever;
    in the order they were cleared."""
    handovers: tuple[HandoverRecord, ...] = ()
    """The handover of the shift (who handed over to whom, when; the summary), as journaled;
    usually one, none when the shift was not handed over in the console."""
    steering: Mapping[str, Any] | None = None
    """The energy-steering advice when the pack was made (:meth:`console.steering.Advice.
    to_json`, with its sentence as ``text``); None when none was made."""

    def with_notes(self, notes: str | None) -> HandoverData:
        """A copy with the operator's notes (None keeps the current ones)."""
        return self if notes is None else replace(self, notes=notes)

    def with_handover(self, record: HandoverRecord | None) -> HandoverData:
        """A copy holding ``record`` among its handovers (once, by uid; None: as it is)."""
        if record is None:
            return self
        kept = tuple(r for r in self.handovers if r.uid != record.uid)
        return replace(self, handovers=tuple(sorted(
            (*kept, record), key=lambda r: (r.taken_at, r.uid))))

    def with_steering(self, advice: Mapping[str, Any] | None) -> HandoverData:
        """A copy holding the energy-steering advice (None: as it is)."""
        return self if advice is None else replace(self, steering=dict(advice))

    def to_summary_json(self) -> dict[str, Any]:
        """The pack's ``summary.json``: every figure as ``{"value": ..., "unit": ...}``."""
        p = self.power
        energy = p.get("energy_mwh", {})
        na: Mapping[str, str] = p.get("not_available", {})
        flows: Mapping[str, str] = p.get("missing_flows", {})

        def pf(key: str, unit: str) -> dict[str, Any]:
            return figure(p.get(key), unit, na.get(key))

        def gpus(counts: Mapping[str, int] | None) -> dict[str, Any] | None:
            return None if counts is None else {k: figure(counts.get(k), "GPUs") for k in GPU_STATES}

        a = self.alarms
        return {
            "format": SUMMARY_FORMAT,
            "site": {"name": self.site_name, "timezone": self.site_timezone,
                     "capacity": figure(self.capacity_mw, "MW"),
                     "gpus": figure(self.total_gpus, "GPUs")},
            "source": self.source,
            "generated_utc": datetime.fromtimestamp(self.generated, ZoneInfo("UTC")).isoformat(),
            "views_at": self.view_time,
            "shift": self.shift.to_dict(),
            "power": {
                "facility_load_avg": pf("facility_avg_mw", "MW"),
                "facility_load_peak": pf("facility_peak_mw", "MW"),
                "it_load_avg": pf("it_avg_mw", "MW"),
                "it_load_peak": pf("it_peak_mw", "MW"),
                "energy": {key: figure(energy.get(key), "MWh", flows.get(name))
                           for key, name, _ in ENERGY_SOURCES},
                "renewable_share": pf("renewable_share_pct", "%"),
                "pue": pf("pue", "ratio"),
                "carbon_intensity_avg": pf("carbon_g_per_kwh", "gCO2/kWh"),
                "carbon_emitted": pf("carbon_t", "tCO2"),
                "data_coverage": pf("coverage_pct", "%"),
                "samples": figure(p.get("samples"), "samples"),
                "missing_flows": dict(flows),
            },
            "gpus": {"start": gpus(self.gpus_start), "end": gpus(self.gpus_end)},
            "jobs": {
                "completed": figure(self.jobs.get("completed"), "jobs"),
                "failed": figure(self.jobs.get("failed"), "jobs"),
                "timeout": figure(self.jobs.get("timeout"), "jobs"),
                "cancelled": figure(self.jobs.get("cancelled"), "jobs"),
                "gpu_hours_delivered": figure(self.jobs.get("gpu_hours"), "GPU·h"),
                "failed_jobs": list(self.jobs.get("failed_jobs", ())),
            },
            "alarms": {
                "raised": figure(a.get("raised"), "alarms"),
                "raised_by_priority": {k: figure(v, "alarms")
                                       for k, v in a.get("raised_by_priority", {}).items()},
                "acknowledged": figure(a.get("acknowledged"), "alarms"),
                "still_open": figure(len(a.get("still_open", ())), "alarms"),
                "shelved": figure(len(a.get("shelved", ())), "alarms"),
                "out_of_service": figure(len(a.get("out_of_service", ())), "alarms"),
                "open_list": list(a.get("still_open", ())),
                "shelved_list": list(a.get("shelved", ())),
                "out_of_service_list": list(a.get("out_of_service", ())),
                "journal": list(a.get("journal", ())),
            },
            "alarm_kpis": (None if self.alarm_performance is None
                           else dict(self.alarm_performance)),
            "incidents": [dict(i) for i in self.incidents],
            "maintenance": _maintenance_json(self.maintenance),
            "handover": [r.to_dict() for r in self.handovers],
            "shift_log": {"entries": None, "open_items": None, "cleared_items": None,
                          "reason": self.log_missing}
            if self.log_missing is not None else {
                "entries": [_log_json(e, self.shift.tz) for e in self.log_entries],
                "open_items": [_log_json(e, self.shift.tz) for e in self.open_items],
                "cleared_items": [_log_json(e, self.shift.tz) for e in self.cleared_items],
            },
            "steering": None if self.steering is None else dict(self.steering),
            "notes": self.notes,
            "warnings": list(self.warnings),
            "missing": dict(self.missing),
        }


def build_handover(
    shift: ShiftWindow,
    *,
    topology: SiteTopology | None = None,
    power: PowerSeries | None = None,
    gpus_start: UnhealthyGpus | None = None,
    gpus_end: UnhealthyGpus | None = None,
    jobs: Sequence[JobsSnapshot | None] = (),
    journal: Sequence[Mapping[str, Any]] = (),
    incidents: Sequence[Mapping[str, Any]] = (),
    standing: Sequence[Mapping[str, Any]] | None = None,
    notes: str = "",
    source: str = "",
    warnings: Sequence[str] = (),
    view_time: float | None = None,
    maintenance: MaintenanceList | None = None,
    missing: Mapping[str, str] | None = None,
    log_entries: Sequence[LogEntry] | None = None,
    open_items: Sequence[LogEntry] = (),
    log_missing: str | None = None,
    handovers: Sequence[HandoverRecord] = (),
    cleared_items: Sequence[LogEntry] = (),
) -> HandoverData:
    """Compute a shift's :class:`HandoverData` from what a source or the cache holds.

    ``jobs`` are job snapshots from within or just after the shift (merged by id, the last
    winning); ``journal`` holds the alarm journal up to the shift's end. ``standing`` (a
    live source with no journal) lists the alarms standing now: raised and acknowledged
    counts are then unknown (null). ``maintenance`` is the maintenance list at the shift's
    end (:class:`console.maintenance.MaintenanceList`, None when unknown). ``missing``
    maps each kind of data the pack lacks to the reason (one line). ``log_entries`` and
    ``open_items`` are the shift's log entries and the open items at its end
    (:func:`shift_log`), ``cleared_items`` the open items cleared in it (:func:`cleared_in`);
    ``log_entries`` None (or ``log_missing``, the reason): the log was not read. ``handovers`` are the handovers of the shift known besides those the journal
    holds (handover rows of ``journal`` are taken as handovers, never as alarms).
    """
    from console.maintenance import maintenance_summary

    handed = {r.uid: r for r in records_from_journal(journal, shift)}
    handed.update((r.uid, r) for r in handovers)
    journal = [e for e in journal if not is_handover(e)]
    total = topology.total_gpus if topology is not None else 0
    notes_out = list(warnings)
    missing = {k: " ".join(str(v).split()) for k, v in (missing or {}).items()}
    if (power is None or not len(power.t)) and "power" not in missing:
        notes_out.append("no power data for the shift")
    return HandoverData(
        shift=shift,
        site_name=topology.name if topology is not None else "",
        site_timezone=topology.timezone if topology is not None else shift.tz,
        capacity_mw=topology.capacity_mw if topology is not None else float("nan"),
        total_gpus=total,
        source=source,
        power=power_kpis(power, shift, reason=missing.get("power") or "no power data"),
        gpus_start=gpu_counts(gpus_start, total),
        gpus_end=gpu_counts(gpus_end, total),
        jobs=job_kpis(merge_jobs(jobs, JOB_KPI_FIELDS), shift),
        alarms=alarm_kpis(journal, shift) if standing is None else {
            "raised": None, "raised_by_priority": {}, "acknowledged": None,
            "still_open": [dict(a) for a in standing if a.get("state") in OPEN_STATES],
            "shelved": [dict(a) for a in standing if a.get("state") == "SHELVED"],
            "out_of_service": [dict(a) for a in standing
                               if a.get("state") in OUT_OF_SERVICE_STATES],
            "journal": [],
        },
        incidents=tuple(incident_items(incidents, journal, shift)),
        notes=notes,
        warnings=tuple(notes_out),
        view_time=view_time,
        alarm_performance=_alarm_performance(journal, shift) if standing is None else None,
        maintenance=maintenance_summary(maintenance),
        missing=missing,
        log_missing=(" ".join(str(log_missing).split()) if log_missing is not None
                     else "the shift log was not read" if log_entries is None else None),
        log_entries=tuple(log_entries or ()) if log_missing is None else (),
        open_items=tuple(open_items) if log_missing is None and log_entries is not None
        else (),
        cleared_items=tuple(cleared_items) if log_missing is None and log_entries is not None
        else (),
        handovers=tuple(sorted(handed.values(), key=lambda r: (r.taken_at, r.uid))),
    )


def shift_log(
    entries: Sequence[LogEntry], shift: ShiftWindow
) -> tuple[tuple[LogEntry, ...], tuple[LogEntry, ...]]:
    """``(entries of the shift, open items carried forward)`` from a log read whole: the
    entries written from the shift's start to its end, as they stood at its end, and those
    flagged open, written by its end and not cleared by then (each as it stood then);
    oldest first, as :meth:`console.cache.Cache.log_between` and ``open_items`` read them."""
    end = shift.end
    ordered = sorted(entries, key=lambda e: (e.time, e.id))
    written = [e.as_of(end) for e in ordered]
    in_shift = tuple(e for e in written if e is not None and e.time >= shift.start)
    carried = tuple(e for e in written if e is not None and e.open_at(end))
    return in_shift, carried


def cleared_in(entries: Sequence[LogEntry], shift: ShiftWindow) -> tuple[LogEntry, ...]:
    """The open items cleared from the shift's start to its end, written whenever, in the
    order they were cleared, from a log read whole (as the cache's ``cleared_between``)."""
    done = [e for e in entries if e.open and e.cleared_at is not None
            and shift.start <= e.cleared_at <= shift.end]
    return tuple(sorted(done, key=lambda e: (e.cleared_at or 0.0, e.time, e.id)))


def _log_json(entry: LogEntry, tz: str) -> dict[str, Any]:
    """One log entry for summary.json: as the hub API gives it, with its times in the
    site's zone and in UTC."""
    zone, utc = ZoneInfo(tz), ZoneInfo("UTC")
    out = entry.to_dict()
    out["time_local"] = datetime.fromtimestamp(entry.time, zone).isoformat()
    out["time_utc"] = datetime.fromtimestamp(entry.time, utc).isoformat()
    out["cleared_at_local"] = (None if entry.cleared_at is None else
                               datetime.fromtimestamp(entry.cleared_at, zone).isoformat())
    return out


def _maintenance_json(m: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """summary.json's maintenance figures: devices per action group and in all."""
    if m is None:
        return None
    return {"groups": {k: figure(v, "devices") for k, v in m.get("groups", {}).items()},
            "items": figure(m.get("items"), "devices"),
            "site_caused": figure(m.get("site_caused"), "GPUs"),
            "at": m.get("time")}


def _alarm_performance(
    journal: Sequence[Mapping[str, Any]], shift: ShiftWindow
) -> dict[str, Any]:
    """The shift's alarm KPIs from the journal (which holds every entry up to its end)."""
    from console.alarms.kpis import alarm_kpis as alarm_performance

    return alarm_performance(journal, shift.start, shift.end).as_dict()
