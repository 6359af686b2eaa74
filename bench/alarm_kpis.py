"""Alarm load benchmark: a simulated day of the whole site through the console's alarm path.

The simulated Tétouan hub (scale ``tetouan``, seed 7, its default fault schedule: GPU XIDs
and thermal faults, row cooling losses, PDU trips, wind drops) runs 24 h of simulated time
(``quick``: 2 h), faster than real time: the bench steps the sim's clock itself. Every poll
is decoded as the console decodes the hub's answers (:mod:`console.decode`) and handed to
:meth:`console.alarms.AlarmService.on_poll` as ``widgets/live.py`` does, with a memory
journal and incident store. Polls, in simulated time: site every 300 s; racks, gpus, power
and events every 30 s; jobs every 60 s. No operator acts (nothing is acknowledged or
shelved).

Four site-level incidents are injected at known times: a row cooling loss (30 min), a PDU
breaker trip (30 min), facility load above the power envelope (15 min: the power series the
console decodes reads 1.5 % above ``AlarmConfig.envelope_mw`` for the window) and a hub
outage (3 min: the sim's outage is on and every poll of every kind fails, ``ok=False``).

Figures (targets from EEMUA 191 / ISA-18.2, :mod:`console.alarms.kpis`):

* ``alarms_per_10min_avg`` (<= 1), ``alarms_per_10min_max`` and
  ``alarms_per_10min_max_normal`` (<= 10: the sliding 10-minute windows that do not
  overlap an injected incident +- 10 min), ``alarms_per_day``;
* ``critical_share_pct`` (<= 5), ``priority_mix_pct``, ``chattering_count`` (0),
  ``flood_count``, ``standing_at_end`` (<= 5, active alarms), ``top_alarms`` (3);
* ``fault_detection_recall`` (1.0): the share of the faults the sim raised (its own event
  log: xid, ecc, row_remap, thermal, cooling_loss, pdu_trip, wind_drop) that show as an
  alarm or a maintenance item within 2 successful polls (polls during the outage do not
  count). Maintenance items: ``update.maintenance`` where the engine gives one, else the
  GPU being in the decoded unhealthy-GPU snapshot; ``missed_faults_by_kind`` says which;
* ``site_alarm_polls`` (<= 1): for each injected incident, the polls from the injection
  until its first alarm is raised (the maximum of the four; ``site_incidents`` has each)
  and ``site_alarms_per_incident`` (1 each: one cause, one alarm; alarms raised within
  10 min of the incident's start in its place: the row, the rack, the site, or the link
  rules for the outage).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from console.alarms import AlarmConfig, AlarmService, MemoryIncidentStore, MemoryJournal
from console.alarms.kpis import alarm_kpis, max_in_window
from console.decode import (
    decode_events,
    decode_jobs,
    decode_power,
    decode_racks,
    decode_site,
    decode_unhealthy,
)
from console.hub.sim import SimulatedHub
from console.model import Snapshot, UnhealthyGpus

T0 = 1_780_000_000.0
"""Start of the simulated day (Thu 28 May 2026, 21:26 site time)."""
POLL_S = 30.0
JOBS_S = 60.0
SITE_S = 300.0
POWER_FIRST_S = 86_400.0
FAULT_KINDS = ("xid", "ecc", "row_remap", "thermal", "cooling_loss", "pdu_trip", "wind_drop")
GPU_FAULTS = frozenset({"xid", "ecc", "row_remap", "thermal"})
LINK_RULES = frozenset({"comm_loss", "stale_data"})
DETECT_POLLS = 2
ATTRIBUTE_S = 600.0
ENVELOPE_OVER = 1.015


class _MemoryCache(MemoryJournal, MemoryIncidentStore):
    """Journal and incidents in memory: what the SQLite cache keeps for the service."""

    def __init__(self) -> None:
        MemoryJournal.__init__(self, None)
        MemoryIncidentStore.__init__(self)


@dataclass
class Incident:
    """One injected site-level incident: when, where and how its alarms are recognised."""

    name: str
    start: float
    end: float
    place: Callable[[Mapping[str, Any]], bool]
    cycle: int = -1
    raised: list[tuple[int, str]] = field(default_factory=list)


def _schedule(hub: SimulatedHub, span_s: float) -> list[Incident]:
    topo = hub.topo
    row = topo.row_ids[min(5, len(topo.row_ids) - 1)]
    rack = topo.rack_ids[len(topo.rack_ids) * 2 // 3]
    rack_row, hall = rack[:4], rack[0]

    def in_row(e: Mapping[str, Any]) -> bool:
        area = str(e.get("rack") or "")
        return e.get("source") not in LINK_RULES and (
            area == row or area.startswith(row + "-") or area == row[0])

    def at_rack(e: Mapping[str, Any]) -> bool:
        area = str(e.get("rack") or "")
        return e.get("source") not in LINK_RULES and area in (rack, rack_row, hall)

    def site(e: Mapping[str, Any]) -> bool:
        return e.get("source") not in LINK_RULES and str(e.get("rack") or "") in ("site", "")

    def link(e: Mapping[str, Any]) -> bool:
        return e.get("source") in LINK_RULES or "outage" in str(e.get("alarm_id"))

    f = span_s / 86_400.0  # incident times scale with the span (hours of a full run)
    return [
        Incident(f"cooling_loss {row}", T0 + 3.0 * 3600 * f, T0 + 3.0 * 3600 * f + 1800, in_row),
        Incident(f"pdu_trip {rack}", T0 + 7.0 * 3600 * f, T0 + 7.0 * 3600 * f + 1800, at_rack),
        Incident("envelope", T0 + 11.0 * 3600 * f, T0 + 11.0 * 3600 * f + 900, site),
        Incident("hub_outage", T0 + 15.0 * 3600 * f, T0 + 15.0 * 3600 * f + 180, link),
    ]


def _covers(alarm: Any, rack: str) -> bool:
    """Whether an alarm's area holds ``rack`` (the rack, its row or its hall)."""
    if alarm.rack == rack or rack in alarm.racks:
        return True
    if alarm.rack is None and alarm.row is not None:
        return rack.startswith(alarm.row + "-")
    return alarm.rack is None and alarm.row is None and alarm.hall is not None and (
        rack.startswith(alarm.hall))


def _detected(fault: Mapping[str, Any], alarms: Sequence[Any], devices: set[str]) -> bool:
    kind = fault["kind"]
    if kind in GPU_FAULTS:
        uuid = fault.get("gpu_uuid")
        return uuid in devices or any(uuid in a.gpus for a in alarms)
    if kind == "wind_drop":
        return any(a.rule == "supply_drop" for a in alarms)
    rack = str(fault.get("rack") or "")
    if kind == "cooling_loss":
        row = rack[:4]
        return any(a.row == row or any(r.startswith(row + "-") for r in a.racks)
                   or _covers(a, rack) for a in alarms)
    return any(_covers(a, rack) for a in alarms)


def _devices(maintenance: Any, gpus: UnhealthyGpus | None) -> set[str]:
    """GPU uuids on the maintenance list (stand-in: the unhealthy-GPU snapshot)."""
    if maintenance is not None:
        items = getattr(maintenance, "items", maintenance)
        out = set()
        for item in items() if callable(items) else items:
            device = (item.get("device") if isinstance(item, Mapping)
                      else getattr(item, "device", None))
            if device:
                out.add(str(device))
        return out
    if gpus is None:
        return set()
    return {str(g.get("uuid")) for g in gpus.gpus}


def run(quick: bool = False) -> dict[str, Any]:
    """Run the simulated day (``quick``: 2 h) and return the alarm load figures."""
    wall = time.perf_counter()
    span = 2 * 3600.0 if quick else 86_400.0
    hub = SimulatedHub("tetouan", seed=7, start=T0)
    config = AlarmConfig()
    cache = _MemoryCache()
    service = AlarmService(config, cache=cache, clock=lambda: T0)
    incidents = _schedule(hub, span)
    truth_id = hub.event_log.last_id  # faults from before the start are the backlog
    faults: list[dict[str, Any]] = []  # pending: fault event + successful polls seen
    seen_kinds: dict[str, list[int]] = {k: [0, 0] for k in FAULT_KINDS}
    last_event, power_since = 0, None
    maintenance: Any = None
    gpus: UnhealthyGpus | None = None
    alarms: Sequence[Any] = ()
    raised: list[tuple[int, float, Mapping[str, Any]]] = []
    site = decode_site(hub.site(), received=T0)
    outage = envelope = None
    cycle = 0

    def poll(kind: str, snapshot: Snapshot | None, t: float) -> None:
        nonlocal maintenance, alarms
        update = service.on_poll(kind, snapshot, snapshot is not None, t)
        alarms = update.alarms
        if getattr(update, "maintenance", None) is not None:
            maintenance = update.maintenance
        for e in update.transitions:
            if e.get("state_to") == "UNACK" and e.get("state_from") in ("NORMAL", "RTN_UNACK"):
                raised.append((cycle, t, e))

    poll("site", site, T0)
    t = T0
    while t < T0 + span:
        t += POLL_S
        cycle += 1
        hub.step(t)
        for inc in incidents:
            if inc.cycle < 0 and t >= inc.start:
                inc.cycle = cycle
                if inc.name.startswith("cooling_loss"):
                    hub.inject("cooling_loss", inc.name.split()[1], duration_s=inc.end - t)
                elif inc.name.startswith("pdu_trip"):
                    hub.inject("pdu_trip", inc.name.split()[1], duration_s=inc.end - t)
                elif inc.name == "envelope":
                    envelope = inc
                else:
                    outage = inc
                    hub.inject("outage")
        if outage is not None and t >= outage.end and hub.outage:
            hub.clear_fault("outage")
        truth = hub.events(truth_id)
        truth_id = truth["last_id"]
        for e in truth["events"]:
            if e["kind"] in FAULT_KINDS:
                faults.append({"event": e, "polls": 0})
        if hub.outage:
            kinds = ["racks", "gpus", "power", "events"] + (["jobs"] if cycle % 2 == 0 else [])
            for kind in kinds:
                poll(kind, None, t)
            continue
        if cycle % int(SITE_S / POLL_S) == 0:
            site = decode_site(hub.site(), received=t)
            poll("site", site, t)
        poll("racks", decode_racks(hub.racks(), site, received=t), t)
        gpus = decode_unhealthy(hub.unhealthy_gpus(), received=t)
        poll("gpus", gpus, t)
        payload = hub.power(power_since if power_since else t - POWER_FIRST_S, t + 60, 10.0)
        if envelope is not None and envelope.start <= t < envelope.end + POLL_S:
            over = config.envelope_for(site.capacity_mw) * ENVELOPE_OVER
            payload = dict(payload, facility_mw=[
                over if envelope.start <= x < envelope.end else v
                for x, v in zip(payload["t"], payload["facility_mw"], strict=True)])
        power = decode_power(payload, received=t)
        if len(power):
            power_since = float(power.t[-1]) + power.step
        poll("power", power, t)
        if cycle % int(JOBS_S / POLL_S) == 0:
            poll("jobs", decode_jobs(hub.jobs(), received=t), t)
        events = decode_events(hub.events(last_event), received=t)
        last_event = max(last_event, events.last_id)
        poll("events", events, t)
        devices = _devices(maintenance, gpus)
        keep = []
        for f in faults:
            f["polls"] += 1
            kind = f["event"]["kind"]
            if _detected(f["event"], alarms, devices):
                seen_kinds[kind][0] += 1
            elif f["polls"] >= DETECT_POLLS:
                seen_kinds[kind][1] += 1
            else:
                keep.append(f)
        faults = keep

    # -- figures ------------------------------------------------------------------------
    journal = list(cache.entries)
    kpis = alarm_kpis(journal, T0, T0 + span)
    exclude = [(inc.start - ATTRIBUTE_S, inc.end + ATTRIBUTE_S) for inc in incidents]
    normal_max, _ = max_in_window(kpis.raise_times, exclude=exclude)
    site_figures: dict[str, Any] = {}
    for inc in incidents:
        ids: dict[str, int] = {}
        until = (inc.end if inc.name == "hub_outage" else inc.start) + ATTRIBUTE_S
        for c, when, e in raised:
            if c >= inc.cycle and when < until and inc.place(e):
                ids.setdefault(str(e["alarm_id"]), c)
        first = min(ids.values(), default=None)
        site_figures[inc.name] = {
            "polls_to_alarm": None if first is None else first - inc.cycle + 1,
            "alarms": len(ids),
            "alarm_ids": sorted(ids),
        }
    detected = sum(v[0] for v in seen_kinds.values())
    total = detected + sum(v[1] for v in seen_kinds.values())
    mix = kpis.priority_mix_pct
    polls_to_alarm = [v["polls_to_alarm"] for v in site_figures.values()]
    return {
        "alarm_kpi_span_h": round(span / 3600.0, 2),
        "alarms_raised": kpis.raised,
        "alarms_per_10min_avg": round(kpis.per_10min_avg, 3),
        "alarms_per_10min_max": kpis.per_10min_max,
        "alarms_per_10min_max_normal": normal_max,
        "alarms_per_day": round(kpis.per_day, 1),
        "critical_share_pct": round(mix["critical"], 2) if kpis.raised else None,
        "priority_mix_pct": {k: round(v, 2) if kpis.raised else None for k, v in mix.items()},
        "raised_by_priority": dict(kpis.raised_by_priority),
        "chattering_count": len(kpis.chattering),
        "flood_count": len(kpis.floods),
        "standing_at_end": len(kpis.standing),
        "top_alarms": [[c.alarm_id, c.count] for c in kpis.top_alarms[:3]],
        "fault_detection_recall": round(detected / total, 4) if total else None,
        "faults_raised": total,
        "missed_faults_by_kind": {k: v[1] for k, v in seen_kinds.items() if v[1]},
        "maintenance_source": "update.maintenance" if maintenance is not None
        else "unhealthy-GPU snapshot",
        "site_alarm_polls": None if None in polls_to_alarm else max(polls_to_alarm),
        "site_alarms_per_incident": max(v["alarms"] for v in site_figures.values()),
        "site_incidents": site_figures,
        "alarm_kpis_wall_s": round(time.perf_counter() - wall, 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=1))
