"""Device faults that threaten the site or a customer at scale.

A single GPU's fault is maintenance work (:mod:`console.maintenance`), not an alarm: at
189,440 GPUs a few failures an hour are normal wear. These rules look at the unhealthy-GPU
list as a whole and raise an alarm only when the pattern needs the control room:

- ``gpu_cluster``: ``gpu_cluster_gpus`` GPUs failing in one rack within
  ``gpu_cluster_window_s`` of each other (a rack-level cause: power shelf, NVLink switch
  tray, coolant), or ``gpu_cluster_row_racks`` racks of one row each with a GPU failing in
  such a window (one row alarm, covering the rack alarms of that row);
- ``node_lost``: every GPU of a server failing (the server, not its GPUs, is the fault);
- ``gpu_fault_rate``: more failures in the last hour than ``gpu_fault_rate_factor`` times
  the fleet's baseline (and at least ``gpu_fault_rate_min``).

A GPU counts as failing when its status is ``failed`` or ``off_bus`` or its XID is one of
``critical_xids``; application XIDs (13, 31, 43, 45) and throttling never do. GPUs on
servers in a maintenance state (``maintenance_node_states``: drained, in maintenance) or in
an area the console marked in maintenance raise nothing. Times are the faults' own times
(``since``), so an alarm present when the console starts carries the source's start time.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import numpy as np

from console.alarms.conditions import Condition, TopologyIndex
from console.alarms.phrases import (
    FAULT_RATE,
    RACK_GPUS_FAILED,
    ROW_GPUS_FAILING,
    SERVER_LOST,
)
from console.alarms.rules import AlarmConfig
from console.model import UnhealthyGpus


def in_maintenance(
    gpu: Mapping[str, Any], config: AlarmConfig, areas: Collection[str] = ()
) -> bool:
    """Whether the GPU's server is drained or in maintenance (scheduler or console)."""
    if gpu.get("node_state") in config.maintenance_node_states:
        return True
    if not areas:
        return False
    return any(gpu.get(k) in areas for k in ("node", "host", "rack", "row", "hall"))


def _densest(times: list[float], window: float) -> tuple[int, int]:
    """(start, end) indices of the sorted ``times`` holding the most within ``window``."""
    best = (0, 1)
    j = 0
    for i in range(len(times)):
        while times[i] - times[j] > window:
            j += 1
        if i + 1 - j > best[1] - best[0]:
            best = (j, i + 1)
    return best


def device_rules(
    gpus: UnhealthyGpus,
    index: TopologyIndex,
    config: AlarmConfig,
    areas: Collection[str] = (),
) -> list[Condition]:
    """``gpu_cluster``, ``node_lost`` and ``gpu_fault_rate`` conditions of one GPU list.

    The per-GPU work is one pass over the list (about 5,000 unhealthy GPUs in a few
    milliseconds); only failing GPUs outside maintenance are grouped further.
    """
    records = gpus.gpus
    if not records:
        return []
    t = gpus.time
    critical = frozenset(config.critical_xids)
    resting = frozenset(config.maintenance_node_states)
    rack_index = index.topology.rack_index
    keep_l: list[int] = []
    rack_l: list[int] = []
    since_l: list[float] = []
    nan = float("nan")
    for k, g in enumerate(records):  # one pass; only failing GPUs go further
        status = g.get("status")
        if status != "failed" and status != "off_bus":
            xid = g.get("xid")
            if xid.__class__ is not int or xid not in critical:
                continue
        if g.get("node_state") in resting:
            continue
        s = g.get("since")
        keep_l.append(k)
        rack = g.get("rack")
        rack_l.append(rack_index.get(rack, -1) if rack.__class__ is str else -1)
        since_l.append(s if s.__class__ is float or s.__class__ is int else nan)
    keep = np.array(keep_l, np.int64)
    racks = np.array(rack_l, np.int64)
    since = np.array(since_l, np.float64)
    since = np.where(np.isfinite(since), since, t)  # aligned with keep
    ok = racks >= 0
    if areas and len(keep):
        ok &= np.array([not in_maintenance(records[k], config, areas) for k in keep_l], bool)
    keep, racks, since = keep[ok], racks[ok], since[ok]
    recent = int(np.count_nonzero(t - since <= 3600.0))
    rate = _rate(recent, index, config, t)
    if rate:
        # a fleet-wide wave is one cause: one alarm, not one per rack, row or server it touches
        return rate
    window = config.gpu_cluster_window_s
    by_node: dict[str, list[tuple[float, str, int]]] = {}
    for k, i, first in zip(keep.tolist(), racks.tolist(), since.tolist(), strict=True):
        gpu = records[k]
        node = gpu.get("node") or gpu.get("host")
        key = str(node) if node else f"\0{i}"  # no server known: never a lost server
        by_node.setdefault(key, []).append((first, str(gpu.get("uuid", "")), i))
    out: list[Condition] = []
    by_rack: dict[int, list[tuple[float, str]]] = {}
    for node, members in by_node.items():
        i = members[0][2]
        per_node = index.gpus_per_node[i]
        if not node.startswith("\0") and per_node > 0 and len(members) >= per_node:
            out.append(_node_lost(node, members, index, config))
            continue
        by_rack.setdefault(i, []).extend((s, u) for s, u, _ in members)
    return out + _clusters(by_rack, index, config, window)


def _node_lost(
    node: str, members: list[tuple[float, str, int]], index: TopologyIndex, config: AlarmConfig
) -> Condition:
    i = members[0][2]
    rack = index.rack_ids[i]
    first = min(s for s, _, _ in members)
    return Condition(
        alarm_id=f"node_lost:{node}",
        rule="node_lost",
        priority=config.priority("node_lost"),
        message=SERVER_LOST.format(node, len(members)),
        time=first,
        value=float(len(members)),
        rack=rack,
        row=index.row_of(i),
        hall=index.hall_of(i),
        area=rack,
        racks=(rack,),
        gpus=tuple(u for _, u, _ in members),
        detail=(node, *(u for _, u, _ in members)),
    )


def _clusters(
    by_rack: dict[int, list[tuple[float, str]]],
    index: TopologyIndex,
    config: AlarmConfig,
    window: float,
) -> list[Condition]:
    out: list[Condition] = []
    rack_hits: dict[int, tuple[float, list[str]]] = {}
    row_firsts: dict[int, list[tuple[float, int]]] = {}
    for i, members in by_rack.items():
        members.sort()
        times = [s for s, _ in members]
        a, b = _densest(times, window)
        if b - a >= config.gpu_cluster_gpus:
            rack_hits[i] = (times[a], [u for _, u in members[a:b]])
        r = int(index.row_index[i])
        if r < len(index.row_ids):
            row_firsts.setdefault(r, []).extend((s, i) for s in times)
    covered: set[int] = set()
    for r, hits in row_firsts.items():
        hits.sort()
        times = [s for s, _ in hits]
        a, b = _densest(times, window)
        racks = sorted({i for _, i in hits[a:b]})
        if len(racks) < config.gpu_cluster_row_racks:
            continue
        covered.update(racks)
        row = index.row_ids[r]
        gpus = tuple(u for i in racks for _, u in by_rack[i])
        out.append(
            Condition(
                alarm_id=f"gpu_cluster:row:{row}",
                rule="gpu_cluster",
                priority=config.priority("gpu_cluster"),
                message=ROW_GPUS_FAILING.format(len(racks), row, window / 60, len(gpus)),
                time=times[a],
                value=float(len(gpus)),
                row=row,
                hall=index.hall_of(racks[0]),
                area=f"row {row}",
                racks=tuple(index.rack_ids[i] for i in racks),
                gpus=gpus,
                detail=tuple(
                    f"{index.rack_ids[i]}: {', '.join(u for _, u in by_rack[i])}" for i in racks
                ),
            )
        )
    for i, (first, uuids) in rack_hits.items():
        if i in covered:
            continue
        rack = index.rack_ids[i]
        out.append(
            Condition(
                alarm_id=f"gpu_cluster:{rack}",
                rule="gpu_cluster",
                priority=config.priority("gpu_cluster"),
                message=RACK_GPUS_FAILED.format(len(uuids), rack, window / 60),
                time=first,
                value=float(len(uuids)),
                rack=rack,
                row=index.row_of(i),
                hall=index.hall_of(i),
                area=rack,
                racks=(rack,),
                gpus=tuple(uuids),
                feeds=index.feed_ids[i],
                detail=tuple(uuids),
            )
        )
    return out


def _rate(recent: int, index: TopologyIndex, config: AlarmConfig, t: float) -> list[Condition]:
    fleet = float(index.total_gpus)
    expected = config.gpu_fault_baseline_per_100k_h * fleet / 100_000.0
    limit = max(float(config.gpu_fault_rate_min), config.gpu_fault_rate_factor * expected)
    if fleet <= 0 or recent < limit:
        return []
    return [
        Condition(
            alarm_id="gpu_fault_rate:site",
            rule="gpu_fault_rate",
            priority=config.priority("gpu_fault_rate"),
            message=FAULT_RATE.format(recent, expected, fleet, limit),
            time=t,
            value=float(recent),
        )
    ]
