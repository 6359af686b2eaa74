"""JSON views of the hub's state: rack aggregates, one rack in detail, the unhealthy GPUs.

Everything returned is plain Python (lists, dicts, str, int, float, None), ready for
``json.dumps(..., allow_nan=False)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from console.contract import RACK_FIELDS, REASON_HW_THERMAL
from console.hub.params import (
    FAILED,
    GPU_HOT_ALARM_C,
    INLET_ALARM_C,
    OFF_BUS,
    OUTLET_RISE_C,
    PDU_ALARM_FRAC,
    RACK_SPECS,
    STATUS_NAMES,
    XID_BY_CODE,
)
from console.hub.sim.gpu import GpuFleet
from console.hub.topology import Topology


@dataclass
class RackStatics:
    """Per-rack constants the aggregation needs, as arrays in site order."""

    gpus: np.ndarray
    capacity_kw: np.ndarray
    rating_kw: np.ndarray
    rack_overhead_w: np.ndarray
    outlet_rise_c: np.ndarray
    node_oh_idle_w: np.ndarray
    node_oh_span_w: np.ndarray
    share_a: np.ndarray

    @classmethod
    def build(cls, topo: Topology, rng: np.random.Generator) -> RackStatics:
        """Constants of a topology; feed A carries 49-51 % of the load when both are closed."""
        specs = [RACK_SPECS[k] for k in topo.rack_kind.tolist()]
        node_specs = np.array([RACK_SPECS[k].node_overhead_idle_w for k in range(len(RACK_SPECS))])
        node_load = np.array([RACK_SPECS[k].node_overhead_load_w for k in range(len(RACK_SPECS))])
        node_kind = topo.rack_kind[topo.node_rack]
        return cls(
            gpus=np.diff(topo.rack_gpu_start).astype(np.float64),
            capacity_kw=np.array([s.capacity_kw for s in specs]),
            rating_kw=np.array([s.pdu_rating_kw for s in specs]),
            rack_overhead_w=np.array([s.rack_overhead_w for s in specs]),
            outlet_rise_c=np.array([OUTLET_RISE_C[s.cooling] for s in specs]),
            node_oh_idle_w=node_specs[node_kind],
            node_oh_span_w=(node_load - node_specs)[node_kind],
            share_a=rng.uniform(0.49, 0.51, topo.n_racks),
        )


def aggregate(
    topo: Topology,
    fleet: GpuFleet,
    statics: RackStatics,
    inlet_c: np.ndarray,
    pdu_open: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per-rack aggregates of the GPUs' state (float64 / int arrays in site order)."""
    rs = topo.rack_gpu_start[:-1]
    gpu_kw = np.add.reduceat(fleet.power, rs, dtype=np.float64) / 1000.0
    node_u = np.add.reduceat(fleet.util, topo.node_gpu_start[:-1], dtype=np.float64)
    node_u /= topo.node_gpn * 100.0
    node_w = statics.node_oh_idle_w + statics.node_oh_span_w * node_u
    oh_kw = (np.add.reduceat(node_w, topo.rack_node_start[:-1]) + statics.rack_overhead_w) / 1000.0
    power = gpu_kw + oh_kw
    temp_max = np.maximum.reduceat(fleet.temp, rs).astype(np.float64)
    # A GPU off the bus reports no utilisation (dcgm-exporter has no series for it): the
    # mean is over the GPUs that answer, as a site's Prometheus averages them.
    on_bus = fleet.fault_status != OFF_BUS
    util_sum = np.add.reduceat(np.where(on_bus, fleet.util, 0.0), rs, dtype=np.float64)
    answering = np.add.reduceat(on_bus.astype(np.int64), rs)
    util_mean = np.divide(util_sum, answering, out=np.zeros(len(answering)),
                          where=answering > 0)
    unhealthy = np.add.reduceat((fleet.status > 0).astype(np.int32), rs)
    worst = np.maximum.reduceat(fleet.status, rs)
    pdu_a = np.where(pdu_open == 1, 0.0, np.where(pdu_open == 2, power, power * statics.share_a))
    pdu_b = power - pdu_a
    outlet = inlet_c + 1.0 + statics.outlet_rise_c * np.minimum(power / statics.capacity_kw, 1.2)
    alarm = np.zeros(topo.n_racks, dtype=np.int32)
    for limit, level in INLET_ALARM_C:
        alarm[inlet_c > limit] = np.maximum(alarm[inlet_c > limit], level)
    load = np.maximum(pdu_a, pdu_b) / statics.rating_kw
    for limit, level in PDU_ALARM_FRAC:
        alarm[load > limit] = np.maximum(alarm[load > limit], level)
    alarm[pdu_open > 0] = np.maximum(alarm[pdu_open > 0], 3)
    alarm = np.maximum(alarm, np.where(worst >= FAILED, 3, np.where(worst > 0, 2, 0)))
    alarm[temp_max >= GPU_HOT_ALARM_C] = np.maximum(alarm[temp_max >= GPU_HOT_ALARM_C], 2)
    return {
        "power_kw": power,
        "inlet_c": inlet_c,
        "outlet_c": outlet,
        "gpu_temp_max_c": temp_max,
        "gpu_util_mean": util_mean,
        "gpus_unhealthy": unhealthy,
        "pdu_a_kw": pdu_a,
        "pdu_b_kw": pdu_b,
        "alarm": alarm,
    }


def racks_view(now: float, topo: Topology, agg: dict[str, np.ndarray]) -> dict[str, Any]:
    """Columnar rack telemetry: one list per field, site order."""
    out: dict[str, Any] = {"time": round(now, 3), "rack_ids": topo.rack_ids}
    for field in RACK_FIELDS:
        arr = agg[field]
        out[field] = arr.tolist() if arr.dtype.kind in "iu" else np.round(arr, 1).tolist()
    return out


def _reason(fleet: GpuFleet, g: int, inlet: float) -> tuple[str, str]:
    """Why GPU ``g`` is unhealthy and what to do about it."""
    xid = int(fleet.xid[g])
    if fleet.fault_status[g] > 0 and xid in XID_BY_CODE:
        spec = XID_BY_CODE[xid]
        return f"XID {xid}: {spec.text}", spec.action
    if fleet.thermal_fault[g]:
        return (
            "Thermal throttling (GPU cooling fault)",
            "Check fans / cold-plate flow; drain if hot",
        )
    if fleet.reasons[g] & REASON_HW_THERMAL:
        return (
            f"Thermal throttling (rack inlet {inlet:.1f} °C)",
            "Restore row cooling; shed load on the row",
        )
    return "Degraded", "Run dcgmi diag -r 3"


def gpu_rows(
    topo: Topology,
    fleet: GpuFleet,
    idx: np.ndarray,
    mem_used: np.ndarray,
    job_ids: list[int | None],
) -> list[dict[str, Any]]:
    """GPU dicts (as in ``rack()``) for GPU indices ``idx``; ``job_ids`` the job on each."""
    temp = np.round(fleet.temp[idx].astype(np.float64), 1).tolist()
    power = np.round(fleet.power[idx].astype(np.float64), 1).tolist()
    util = np.round(fleet.util[idx].astype(np.float64), 0).tolist()
    cap = fleet.cap_w[idx].astype(np.float64).tolist()
    total = fleet.mem_total[idx].tolist()
    sbe, dbe = fleet.sbe[idx].tolist(), fleet.dbe[idx].tolist()
    remap = fleet.remap_failure[idx].tolist()
    xid, xid_t = fleet.xid[idx].tolist(), fleet.xid_time[idx].tolist()
    reasons, status = fleet.reasons[idx].tolist(), fleet.status[idx].tolist()
    off = (fleet.fault_status[idx] == OFF_BUS).tolist()
    rows = []
    for i, g in enumerate(idx.tolist()):
        rows.append(
            {
                "index": int(topo.gpu_index[g]),
                "uuid": topo.uuids[g],
                "model": RACK_SPECS[topo.gpu_kind[g]].model_name,
                "temp_c": None if off[i] else temp[i],
                "power_w": None if off[i] else power[i],
                "power_limit_w": cap[i],
                "util_pct": None if off[i] else util[i],
                "mem_used_mib": None if off[i] else int(mem_used[i]),
                "mem_total_mib": total[i],
                "ecc_sbe": sbe[i],
                "ecc_dbe": dbe[i],
                "row_remap_failure": remap[i],
                "xid": xid[i] or None,
                "xid_time": round(xid_t[i], 3) if xid[i] else None,
                "clock_event_reasons": reasons[i],
                "status": STATUS_NAMES[status[i]],
                "job_id": job_ids[i],
            }
        )
    return rows


def unhealthy_view(
    now: float,
    topo: Topology,
    fleet: GpuFleet,
    inlet_c: np.ndarray,
    job_ids: Callable[[np.ndarray], list[int | None]],
    node_maint: np.ndarray,
) -> dict[str, Any]:
    """Every GPU not healthy, with location, reason, recommended action, job and node state.

    ``node_state`` is ``maint`` for servers an operator took out for planned work, else ``up``.
    """
    idx = np.flatnonzero(fleet.status > 0)
    jobs = job_ids(idx)
    maint = node_maint[topo.gpu_node[idx]].tolist()
    counts = np.bincount(fleet.status, minlength=len(STATUS_NAMES)).tolist()
    off = (fleet.fault_status[idx] == OFF_BUS).tolist()
    temp = np.round(fleet.temp[idx].astype(np.float64), 1).tolist()
    power = np.round(fleet.power[idx].astype(np.float64), 1).tolist()
    gpus = []
    for i, g in enumerate(idx.tolist()):
        rack = int(topo.gpu_rack[g])
        node = int(topo.gpu_node[g])
        rack_dict = topo.racks[rack]
        reason, action = _reason(fleet, g, float(inlet_c[rack]))
        xid = int(fleet.xid[g])
        gpus.append(
            {
                "uuid": topo.uuids[g],
                "model": RACK_SPECS[topo.gpu_kind[g]].model_name,
                "hall": rack_dict["hall"],
                "row": rack_dict["row"],
                "rack": rack_dict["id"],
                "node": topo.node_ids[node],
                "host": topo.node_hosts[node],
                "slot": int(topo.gpu_index[g]),
                "status": STATUS_NAMES[int(fleet.status[g])],
                "xid": xid or None,
                "ecc_dbe": int(fleet.dbe[g]),
                "row_remap_failure": bool(fleet.remap_failure[g]),
                "clock_event_reasons": int(fleet.reasons[g]),
                "temp_c": None if off[i] else temp[i],
                "power_w": None if off[i] else power[i],
                "since": round(float(fleet.since[g]), 3),
                "reason": reason,
                "action": action,
                "job_id": jobs[i],
                "node_state": "maint" if maint[i] else "up",
            }
        )
    return {
        "time": round(now, 3),
        "gpus": gpus,
        "counts": dict(zip(STATUS_NAMES, counts, strict=True)),
    }
