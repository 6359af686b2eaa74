"""Site-wide alarm conditions: power envelope, hub events, link state."""

from __future__ import annotations

import time as _time
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np

from console.alarms.conditions import Condition, TopologyIndex
from console.alarms.phrases import (
    ENVELOPE,
    JOB_KILLED,
    JOB_OF_KILLED,
    NO_ANSWER,
    ONCE,
    STALE,
    STALE_KIND,
    TIMES_IN,
)
from console.alarms.rules import EVENT_SEVERITY_PRIORITY, AlarmConfig
from console.model import JobsSnapshot, PowerSeries, Snapshot


def _last_finite(power: PowerSeries, name: str) -> tuple[float, float] | None:
    if name not in power.fields or not len(power.t):
        return None
    values = np.asarray(power.fields[name])[-30:]
    ok = np.flatnonzero(np.isfinite(values))
    if not ok.size:
        return None
    j = int(ok[-1])
    return float(np.asarray(power.t)[-30:][j]), float(values[j])


def _run_start(t: np.ndarray, values: np.ndarray, limit: float) -> float:
    """Time of the first point of the trailing run of ``values`` at or above ``limit``."""
    below = np.flatnonzero(~(values >= limit) & np.isfinite(values))
    k = int(below[-1]) + 1 if below.size else 0
    k = min(k, len(t) - 1)
    return float(t[k])


def power_rules(
    power: PowerSeries, config: AlarmConfig, active: Collection[str] = (),
    envelope_mw: float | None = None,
) -> list[Condition]:
    """Facility load against the envelope (critical past the envelope itself).

    An active envelope alarm stays active down to ``envelope_deadband_pct`` below the
    warning level (``active``: ids of the alarms active before this evaluation).

    The alarm's time is when the load first crossed the warning level in the series (the
    source's time), also when the console starts during a breach. The renewable share is
    a KPI, not an alarm: missing a target needs no operator action within a stated time.
    """
    out: list[Condition] = []
    facility = _last_finite(power, "facility_mw")
    if facility is not None:
        t, mw = facility
        envelope = envelope_mw if envelope_mw is not None else config.envelope_for(None)
        pct = mw / envelope * 100.0
        limit = config.envelope_warn_pct
        if "envelope_high:site" in active:
            limit -= config.envelope_deadband_pct
        if pct >= limit:
            warn_mw = envelope * limit / 100.0
            ts = np.asarray(power.t, np.float64)
            values = np.asarray(power.fields["facility_mw"], np.float64)
            began = _run_start(ts[ts <= t], values[ts <= t], warn_mw)
            out.append(
                Condition(
                    alarm_id="envelope_high:site",
                    rule="envelope_high",
                    priority="critical" if pct >= 100.0 else config.priority("envelope_high"),
                    message=ENVELOPE.format(mw, pct, envelope),
                    time=began,
                    value=mw,
                )
            )
    return out


_RESTORES = {
    "cooling_restored": "cooling_loss",
    "pdu_restored": "pdu_feed_lost",
    "wind_restored": "supply_drop",
}


class EventConditions:
    """Conditions raised by hub events, held until the hub says they are over.

    A cooling loss is the row's ``cooling_loss`` alarm (the same alarm the row's
    temperatures raise), a breaker trip the rack's ``pdu_feed_lost`` alarm, a wind drop the
    site's ``supply_drop`` alarm: each is held until its restore event
    (``cooling_restored``, ``pdu_restored``, ``wind_restored``) or ``event_hold_max_s``.
    A job killed by a hardware fault raises ``large_job_killed`` when it held at least
    ``large_job_gpus`` GPUs. GPU faults and other maintenance events raise nothing (they
    are on the maintenance list); other events of ``event_severities`` raise ``hub_event``
    for ``event_hold_s``. The hub's messages are kept as plain text.
    """

    def __init__(self, config: AlarmConfig) -> None:
        self.config = config
        self._held: dict[str, tuple[float, Condition]] = {}
        self._kills: dict[str, list[float]] = {}
        """Hub times of the kills of each large job (tenant and name, across resubmits)."""

    def take(
        self,
        event: Mapping[str, Any],
        index: TopologyIndex,
        default_time: float,
        jobs: JobsSnapshot | None = None,
    ) -> None:
        """Take one hub event."""
        kind = str(event.get("kind", "event"))
        rack = event.get("rack") if isinstance(event.get("rack"), str) else None
        row, hall = index.locate(rack)
        if row is None and isinstance(event.get("row"), str):
            row = event["row"]
        t = event.get("time")
        t = float(t) if isinstance(t, int | float) and not isinstance(t, bool) else default_time
        if kind in _RESTORES:
            self._restore(_RESTORES[kind], rack, row)
            return
        cond = self._condition(event, kind, rack, row, hall, t, index, jobs)
        if cond is not None:
            self._held[cond.alarm_id] = (t, cond)

    def _restore(self, rule: str, rack: str | None, row: str | None) -> None:
        for key, (_, cond) in list(self._held.items()):
            if cond.rule != rule:
                continue
            if rule == "supply_drop" or (rack and rack in cond.racks) or (row and cond.row == row):
                del self._held[key]

    def _condition(
        self,
        event: Mapping[str, Any],
        kind: str,
        rack: str | None,
        row: str | None,
        hall: str | None,
        t: float,
        index: TopologyIndex,
        jobs: JobsSnapshot | None,
    ) -> Condition | None:
        config = self.config
        message = str(event.get("message", kind))
        if kind == "cooling_loss" and row is not None:
            racks = index.racks_of_row(row)
            return Condition(
                alarm_id=f"cooling_loss:row:{row}", rule="cooling_loss",
                priority=config.priority("cooling_loss"), message=message, time=t,
                row=row, hall=hall, area=f"row {row}", racks=racks,
            )
        if kind == "pdu_trip" and rack is not None:
            i = index.topology.rack_index.get(rack, -1)
            feeds = index.feed_ids[i] if i >= 0 else ()
            feed = event.get("feed") if isinstance(event.get("feed"), str) else None
            feed = feed or (feeds[0] if feeds else f"{rack} feed")
            return Condition(
                alarm_id=f"pdu_feed_lost:{rack}", rule="pdu_feed_lost",
                priority=config.priority("pdu_feed_lost"), message=message, time=t,
                rack=rack, row=row, hall=hall, area=rack, racks=(rack,), feeds=(feed,),
            )
        if kind == "wind_drop":
            return Condition(
                alarm_id="supply_drop:site", rule="supply_drop",
                priority=config.priority("supply_drop"), message=message, time=t,
            )
        if kind == "job_failed":
            return self._large_job(event, t, rack, row, hall, jobs)
        severity = str(event.get("severity", "info"))
        if severity not in config.event_severities or kind in config.event_kinds_ignored:
            return None
        uuid = event.get("gpu_uuid")
        return Condition(
            alarm_id=f"hub_event:{kind}:{rack or row or 'site'}",
            rule="hub_event",
            priority=EVENT_SEVERITY_PRIORITY.get(severity, "medium"),
            message=message,
            time=t,
            rack=rack,
            row=row,
            hall=hall,
            area=rack or (f"row {row}" if row else "site"),
            racks=(rack,) if rack else (),
            gpus=(str(uuid),) if uuid else (),
        )

    def _large_job(
        self,
        event: Mapping[str, Any],
        t: float,
        rack: str | None,
        row: str | None,
        hall: str | None,
        jobs: JobsSnapshot | None,
    ) -> Condition | None:
        job_id = event.get("job_id")
        if not isinstance(job_id, int) or isinstance(job_id, bool):
            return None
        gpus = event.get("gpus")
        tenant = name = ""
        if jobs is not None and len(jobs):
            ids = np.asarray(jobs.columns.get("id", ()))
            hit = np.flatnonzero(ids == job_id)
            if hit.size:
                k = int(hit[0])
                if not isinstance(gpus, int) and "gpus" in jobs.columns:
                    gpus = int(jobs.columns["gpus"][k])
                tenant = str(jobs.columns["tenant"][k]) if "tenant" in jobs.columns else ""
                name = str(jobs.columns["name"][k]) if "name" in jobs.columns else ""
        if not isinstance(gpus, int) or gpus < self.config.large_job_gpus:
            return None
        key = f"{tenant}\x1f{name}" if tenant or name else str(job_id)
        window = self.config.large_job_window_s
        kills = [k for k in self._kills.get(key, ()) if t - k <= window] + [t]
        self._kills[key] = kills
        for other in [k for k, v in self._kills.items() if t - v[-1] > window]:
            del self._kills[other]
        if len(kills) < self.config.large_job_kills:
            return None
        times = ONCE if len(kills) == 1 else TIMES_IN.format(len(kills), window / 3600)
        return Condition(
            alarm_id=f"large_job_killed:{job_id}",
            rule="large_job_killed",
            priority=self.config.priority("large_job_killed"),
            message=(JOB_OF_KILLED.format(job_id, f"\u2068{tenant}\u2069", gpus, times)
                     if tenant else JOB_KILLED.format(job_id, gpus, times)),
            time=kills[0],
            value=float(gpus),
            rack=rack,
            row=row,
            hall=hall,
            area=rack or "site",
            racks=(rack,) if rack else (),
            detail=(str(event.get("message", "")),),
        )

    def conditions(self, hub_now: float) -> list[Condition]:
        """The conditions held now; short-lived ones and over-long ones are dropped."""
        short, longest = self.config.event_hold_s, self.config.event_hold_max_s
        for key, (t, cond) in list(self._held.items()):
            hold = longest if cond.rule in _RESTORES.values() else short
            if hub_now - t > hold:
                del self._held[key]
        return [c for _, c in self._held.values()]


NO_RULE_KINDS = frozenset({"forecast", "log"})
"""Kinds no alarm rule reads, whose snapshot times are not the hub's clock (a forecast's is
its issue): the engine leaves them out."""
QUIET_KINDS = NO_RULE_KINDS | {"site"}
"""Kinds whose age or silence is no alarm: the site layout changes rarely, a forecast is
issued hourly and carries its own late flag (shown in the power chart), and the shift log
is read from its own hub. Only the live telemetry's age and answers are."""


def link_conditions(
    comm: Mapping[str, tuple[bool, float]],
    snapshots: Mapping[str, Snapshot],
    config: AlarmConfig,
    now: float,
    skew: float,
) -> list[Condition]:
    """One ``comm_loss`` alarm while any kind gets no answer, naming the kinds; else one
    ``stale_data`` alarm naming the kinds whose data is too old.

    ``comm`` maps kind to (ok, since) in workstation time; ``skew`` is the hub's clock
    offset, added so alarm times are hub times. A hub outage is one alarm, not one per
    kind, and data that is stale because the hub does not answer is the same cause.
    """
    lost = sorted((since, kind) for kind, (ok, since) in comm.items()
                  if not ok and kind not in QUIET_KINDS)
    if lost:
        first = lost[0][0] + skew
        kinds = [k for _, k in lost]
        return [
            Condition(
                alarm_id="comm_loss:source",
                rule="comm_loss",
                priority=config.priority("comm_loss"),
                message=NO_ANSWER.format(", ".join(kinds),
                                         _time.strftime("%H:%M:%S", _time.gmtime(first))),
                time=first,
                value=max(0.0, now - lost[0][0]),
                detail=tuple(kinds),
            )
        ]
    stale = [
        (kind, snap.age(now))
        for kind, snap in sorted(snapshots.items())
        if kind not in QUIET_KINDS and snap.age(now) > config.stale_after_s
    ]
    if not stale:
        return []
    oldest = max(age for _, age in stale)
    return [
        Condition(
            alarm_id="stale_data:source",
            rule="stale_data",
            priority=config.priority("stale_data"),
            message=STALE.format(
                ", ".join(STALE_KIND.format(k.capitalize(), a) for k, a in stale),
                config.stale_after_s),
            time=now + skew - oldest + config.stale_after_s,
            value=oldest,
            detail=tuple(k for k, _ in stale),
        )
    ]
