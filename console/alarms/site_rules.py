"""Site-wide alarm conditions: power envelope, renewable share, hub events, link state."""

from __future__ import annotations

import time as _time
from collections.abc import Mapping
from typing import Any

import numpy as np

from console.alarms.conditions import Condition, TopologyIndex
from console.alarms.rules import EVENT_SEVERITY_PRIORITY, AlarmConfig
from console.model import PowerSeries, Snapshot


def _last_finite(power: PowerSeries, name: str) -> tuple[float, float] | None:
    if name not in power.fields or not len(power.t):
        return None
    values = np.asarray(power.fields[name])[-30:]
    ok = np.flatnonzero(np.isfinite(values))
    if not ok.size:
        return None
    j = int(ok[-1])
    return float(np.asarray(power.t)[-30:][j]), float(values[j])


def power_rules(power: PowerSeries, config: AlarmConfig) -> list[Condition]:
    """Facility load against the envelope, renewable share against its target."""
    out: list[Condition] = []
    facility = _last_finite(power, "facility_mw")
    if facility is not None:
        t, mw = facility
        pct = mw / config.envelope_mw * 100.0
        if pct >= config.envelope_warn_pct:
            out.append(
                Condition(
                    alarm_id="envelope_high:site",
                    rule="envelope_high",
                    priority=config.priority("envelope_high"),
                    message=f"Facility load {mw:.0f} MW, {pct:.0f} % of the "
                    f"{config.envelope_mw:g} MW envelope",
                    time=t,
                    value=mw,
                )
            )
    share = _last_finite(power, "renewable_share_pct")
    if share is not None and share[1] < config.renewable_target_pct:
        out.append(
            Condition(
                alarm_id="renewable_low:site",
                rule="renewable_low",
                priority=config.priority("renewable_low"),
                message=f"Renewable share {share[1]:.0f} %, below the "
                f"{config.renewable_target_pct:g} % target",
                time=share[0],
                value=share[1],
            )
        )
    return out


def event_condition(
    event: Mapping[str, Any], index: TopologyIndex, config: AlarmConfig, default_time: float
) -> Condition | None:
    """The ``hub_event`` condition a hub event raises, or None when it raises none.

    The hub's message is kept as plain text (it is shown, never interpreted).
    """
    kind = str(event.get("kind", "event"))
    severity = str(event.get("severity", "info"))
    if severity not in config.event_severities or kind in config.event_kinds_ignored:
        return None
    rack = event.get("rack") if isinstance(event.get("rack"), str) else None
    row, hall = index.locate(rack)
    if row is None and isinstance(event.get("row"), str):
        row = event["row"]
    t = event.get("time")
    t = float(t) if isinstance(t, int | float) and not isinstance(t, bool) else default_time
    uuid = event.get("gpu_uuid")
    return Condition(
        alarm_id=f"hub_event:{kind}:{rack or row or 'site'}",
        rule="hub_event",
        priority=EVENT_SEVERITY_PRIORITY.get(severity, "medium"),
        message=str(event.get("message", kind)),
        time=t,
        rack=rack,
        row=row,
        hall=hall,
        area=rack or (f"row {row}" if row else "site"),
        racks=(rack,) if rack else (),
        gpus=(str(uuid),) if uuid else (),
    )


def link_conditions(
    comm: Mapping[str, tuple[bool, float]],
    snapshots: Mapping[str, Snapshot],
    config: AlarmConfig,
    now: float,
    skew: float,
) -> list[Condition]:
    """``comm_loss`` per kind the hub stopped answering, ``stale_data`` per kind too old.

    ``comm`` maps kind to (ok, since) in workstation time; ``skew`` is the hub's clock
    offset, added so alarm times are hub times.
    """
    out: list[Condition] = []
    for kind, (ok, since) in sorted(comm.items()):
        if not ok:
            t = since + skew
            out.append(
                Condition(
                    alarm_id=f"comm_loss:{kind}",
                    rule="comm_loss",
                    priority=config.priority("comm_loss"),
                    message=f"No answer from the hub for {kind} since "
                    f"{_time.strftime('%H:%M:%S', _time.gmtime(t))} UTC",
                    time=t,
                    value=max(0.0, now - since),
                )
            )
    for kind, snap in sorted(snapshots.items()):
        age = snap.age(now)
        if kind != "site" and age > config.stale_after_s:
            out.append(
                Condition(
                    alarm_id=f"stale_data:{kind}",
                    rule="stale_data",
                    priority=config.priority("stale_data"),
                    message=f"{kind.capitalize()} data is {age:.0f} s old "
                    f"(limit {config.stale_after_s:g} s)",
                    time=now + skew,
                    value=age,
                )
            )
    return out
