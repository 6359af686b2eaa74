"""Faults of the simulated hub, scheduled (seeded Poisson arrivals) or injected on demand.

GPU faults (XIDs, thermal) persist until repaired: scheduled ones after the repair time their
XID calls for (minutes for application XIDs, hours for ECC and off-the-bus), injected ones
until ``clear`` or their ``duration_s``. Cooling loss heats one row, a PDU trip opens one feed
of a rack, a wind drop cuts wind output for a while.
"""

from __future__ import annotations

import heapq
import math
from typing import Any

import numpy as np

from console.hub.params import (
    COOLING_LOSS_H,
    COOLING_LOSS_PER_HOUR,
    COOLING_LOSS_RISE_C,
    COOLING_LOSS_TAU_S,
    COOLING_RESTORE_TAU_S,
    FAULT_BACKLOG_H,
    FULL_SCALE_GPUS,
    FULL_SCALE_RACKS,
    FULL_SCALE_ROWS,
    GPU_THERMAL_PER_HOUR,
    GPU_XID_PER_HOUR,
    PDU_TRIP_H,
    PDU_TRIP_PER_HOUR,
    THERMAL_FAULT_H,
    THERMAL_FAULT_TEMP_C,
    WIND_DROP_FACTOR,
    WIND_DROP_H,
    WIND_DROP_PER_HOUR,
    XID_BY_CODE,
    XIDS,
    XidSpec,
)
from console.hub.sim.events import EventLog
from console.hub.sim.gpu import GpuFleet
from console.hub.sim.jobs import JobBook
from console.hub.topology import Topology

INJECT_KINDS = (
    "xid", "ecc", "row_remap", "thermal", "cooling_loss", "pdu_trip", "wind_drop", "maintenance",
)
_DEFAULT_XID = {"xid": 79, "ecc": 48, "row_remap": 64}
_XID_P = np.array([x.weight for x in XIDS]) / sum(x.weight for x in XIDS)


class FaultManager:
    """Fault state outside the GPUs (rows, PDUs, wind) and the repair/restore timetable."""

    def __init__(
        self, topo: Topology, fleet: GpuFleet, events: EventLog, seed: int, enabled: bool
    ) -> None:
        self.topo = topo
        self.fleet = fleet
        self.events = events
        self.enabled = enabled
        self.rng = np.random.default_rng([seed, 0x5EED_0006])
        self.jobs: JobBook | None = None
        n_rows = len(topo.row_ids)
        self.row_lost = np.zeros(n_rows, dtype=bool)
        self.row_extra = np.zeros(n_rows, dtype=np.float64)
        self.row_seq = np.zeros(n_rows, dtype=np.int64)
        self.pdu_open = np.zeros(topo.n_racks, dtype=np.int8)  # 0 closed, 1 feed A open, 2 B
        self.pdu_seq = np.zeros(topo.n_racks, dtype=np.int64)
        self.node_maint = np.zeros(topo.n_nodes, dtype=bool)
        self.wind_drops: list[tuple[float, float]] = []
        self._heap: list[tuple[float, int, str, Any]] = []
        self.seq = 0
        self.health_changed = True
        self._gpu_f = topo.n_gpus / FULL_SCALE_GPUS
        self._row_f = n_rows / FULL_SCALE_ROWS
        self._rack_f = topo.n_racks / FULL_SCALE_RACKS

    def _next(self) -> int:
        self.seq += 1
        return self.seq

    def _at(self, when: float, what: str, payload: Any) -> None:
        heapq.heappush(self._heap, (when, self._next(), what, payload))

    # -- GPU faults -----------------------------------------------------------------------------
    def xid(
        self, idx: np.ndarray, spec: XidSpec, when: float, repair_s: float | None
    ) -> dict[str, Any]:
        """Raise XID ``spec`` on GPUs ``idx``; returns the first event."""
        seq = self._next()
        self.fleet.apply_xid(idx, spec, when, seq)
        self.health_changed = True
        if repair_s is not None:
            self._at(when + repair_s, "repair", (idx, seq))
        topo = self.topo
        first: dict[str, Any] | None = None
        for g in idx.tolist():
            node = topo.node_ids[topo.gpu_node[g]]
            event = self.events.add(
                when,
                spec.kind,
                spec.severity,
                f"XID {spec.xid}: {spec.text} on {node} GPU {topo.gpu_index[g]} "
                f"({topo.uuids[g]}). Action: {spec.action}",
                rack=topo.rack_ids[topo.gpu_rack[g]],
                gpu_uuid=topo.uuids[g],
                xid=spec.xid,
            )
            first = first or event
        if spec.kills_job and self.jobs is not None:
            for job in self.jobs.fail_gpus(idx, when):
                self.events.add(
                    when,
                    "job_failed",
                    "medium",
                    f"Job {job.id} ({job.name}) of {job.as_dict()['tenant']} failed: "
                    f"XID {spec.xid} on a GPU it held",
                    rack=job.racks[0] if job.racks else None,
                    xid=spec.xid,
                    job_id=int(job.id),
                    gpus=int(job.gpus),
                )
        assert first is not None
        return first

    def thermal(self, idx: np.ndarray, when: float, clear_s: float | None) -> dict[str, Any]:
        """Thermal fault on GPUs ``idx``: pinned at 87-90 °C, throttling."""
        seq = self._next()
        temps = self.rng.uniform(*THERMAL_FAULT_TEMP_C, len(idx)).astype(np.float32)
        self.fleet.set_thermal_fault(idx, temps, when, seq)
        if clear_s is not None:
            self._at(when + clear_s, "thermal_clear", (idx, seq))
        topo = self.topo
        first: dict[str, Any] | None = None
        for g, temp in zip(idx.tolist(), temps.tolist(), strict=True):
            event = self.events.add(
                when,
                "thermal",
                "medium",
                f"GPU thermal throttling near {temp:.0f} °C on {topo.node_ids[topo.gpu_node[g]]} "
                f"GPU {topo.gpu_index[g]} ({topo.uuids[g]}). Action: check fans / cold plate flow",
                rack=topo.rack_ids[topo.gpu_rack[g]],
                gpu_uuid=topo.uuids[g],
            )
            first = first or event
        assert first is not None
        return first

    # -- facility faults --------------------------------------------------------------------------
    def cooling_loss(self, row: int, when: float, restore_s: float | None) -> dict[str, Any]:
        """Lose the cooling unit of a row: its inlet climbs toward 36-39 °C."""
        self.row_lost[row] = True
        self.row_seq[row] = seq = self._next()
        if restore_s is not None:
            self._at(when + restore_s, "cooling_restore", (row, seq))
        row_id = self.topo.row_ids[row]
        first_rack = self.topo.rack_ids[self.topo.row_rack_start[row]]
        return self.events.add(
            when,
            "cooling_loss",
            "critical",
            f"Cooling unit lost on row {row_id}: inlet temperatures rising, GPUs will throttle",
            rack=first_rack,
        )

    def cooling_restore(self, row: int, when: float) -> None:
        """Cooling unit of a row back in service."""
        if not self.row_lost[row]:
            return
        self.row_lost[row] = False
        row_id = self.topo.row_ids[row]
        first_rack = self.topo.rack_ids[self.topo.row_rack_start[row]]
        self.events.add(
            when, "cooling_restored", "info", f"Cooling restored on row {row_id}", rack=first_rack
        )

    def pdu_trip(
        self, rack: int, when: float, restore_s: float | None, feed: str = "A"
    ) -> dict[str, Any]:
        """Open one feed's breaker: the other feed carries the whole rack."""
        if feed not in ("A", "B"):
            raise ValueError(f"feed must be 'A' or 'B', got {feed!r}")
        self.pdu_open[rack] = 1 if feed == "A" else 2
        self.pdu_seq[rack] = seq = self._next()
        a, b = self.topo.rack_gpu_start[rack], self.topo.rack_gpu_start[rack + 1]
        self.fleet.power_brake[a:b] = True
        if restore_s is not None:
            self._at(when + restore_s, "pdu_restore", (rack, seq))
        rack_id = self.topo.rack_ids[rack]
        other = "B" if feed == "A" else "A"
        return self.events.add(
            when,
            "pdu_trip",
            "critical",
            f"PDU breaker trip: {rack_id}-PDU-{feed} open; feed {other} carries the whole rack "
            "over its rating, GPUs power-braked. Action: shed load, reset breaker",
            rack=rack_id,
            feed=f"{rack_id}-PDU-{feed}",
        )

    def pdu_restore(self, rack: int, when: float) -> None:
        """Close the open breaker of a rack."""
        if not self.pdu_open[rack]:
            return
        self.pdu_open[rack] = 0
        a, b = self.topo.rack_gpu_start[rack], self.topo.rack_gpu_start[rack + 1]
        self.fleet.power_brake[a:b] = False
        rack_id = self.topo.rack_ids[rack]
        self.events.add(
            when, "pdu_restored", "info", f"PDU feeds of {rack_id} restored", rack=rack_id
        )

    def _nodes(self, target: str | None) -> np.ndarray:
        topo = self.topo
        if target in topo.node_index:
            return np.array([topo.node_index[target]])
        if target in topo.rack_index:
            r = topo.rack_index[target]
            return np.arange(int(topo.rack_node_start[r]), int(topo.rack_node_start[r + 1]))
        if target is None:
            return np.flatnonzero(self.node_maint)
        raise ValueError(f"unknown target {target!r}: maintenance takes a node or rack id")

    def maintenance(
        self, target: str | None, when: float, duration_s: float | None
    ) -> dict[str, Any]:
        """Take a server (or every server of a rack) out for planned work: no new jobs."""
        if target is None:
            raise ValueError("maintenance needs a target: a node id like 'E-01-01-n00' or a rack")
        self._set_maintenance(target, True, when)
        if duration_s is not None:
            self._at(when + duration_s, "maintenance_end", target)
        rack = target if target in self.topo.rack_index else target.rsplit("-n", 1)[0]
        return self.events.add(
            when, "maintenance", "info", f"{target} in planned maintenance", rack=rack
        )

    def _set_maintenance(self, target: str | None, on: bool, when: float) -> None:
        nodes = self._nodes(target)
        self.node_maint[nodes] = on
        self.health_changed = True
        if not on and len(nodes):
            where = target or "all servers"
            self.events.add(when, "maintenance_end", "info", f"{where} back in service")

    def wind_drop(self, when: float, duration_s: float) -> dict[str, Any]:
        """Wind output falls to ``WIND_DROP_FACTOR`` for ``duration_s``."""
        self.wind_drops.append((when, when + duration_s))
        self._at(when + duration_s, "wind_restore", (when, when + duration_s))
        return self.events.add(
            when,
            "wind_drop",
            "medium",
            f"Wind farm output dropped to {WIND_DROP_FACTOR:.0%} of available for "
            f"{duration_s / 3600.0:.1f} h (curtailment order / gusts past cut-out)",
        )

    # -- time -----------------------------------------------------------------------------
    def backlog(self, now: float) -> None:
        """GPU faults of the last ``FAULT_BACKLOG_H`` hours that still await repair at start."""
        if not self.enabled:
            return
        rng = self.rng
        hours = FAULT_BACKLOG_H
        n = int(rng.poisson(GPU_XID_PER_HOUR * self._gpu_f * hours))
        for when in np.sort(rng.uniform(now - hours * 3600.0, now, n)).tolist():
            spec = XIDS[int(rng.choice(len(XIDS), p=_XID_P))]
            repair_at = when + float(rng.uniform(*spec.repair_h)) * 3600.0
            g = np.array([int(rng.integers(self.topo.n_gpus))])
            if repair_at > now and self.fleet.fault_status[g[0]] == 0:
                self.xid(g, spec, when, repair_at - when)

    def scheduled(self, t0: float, t1: float) -> None:
        """Random faults arriving in (t0, t1]."""
        if not self.enabled or t1 <= t0:
            return
        rng = self.rng
        h = (t1 - t0) / 3600.0
        arrivals: list[tuple[float, str]] = []
        for kind, rate in (
            ("xid", GPU_XID_PER_HOUR * self._gpu_f),
            ("thermal", GPU_THERMAL_PER_HOUR * self._gpu_f),
            ("cooling_loss", COOLING_LOSS_PER_HOUR * self._row_f),
            ("pdu_trip", PDU_TRIP_PER_HOUR * self._rack_f),
            ("wind_drop", WIND_DROP_PER_HOUR),
        ):
            for when in rng.uniform(t0, t1, int(rng.poisson(rate * h))).tolist():
                arrivals.append((when, kind))
        for when, kind in sorted(arrivals):
            if kind == "xid":
                spec = XIDS[int(rng.choice(len(XIDS), p=_XID_P))]
                g = np.array([int(rng.integers(self.topo.n_gpus))])
                self.xid(g, spec, when, float(rng.uniform(*spec.repair_h)) * 3600.0)
            elif kind == "thermal":
                g = np.array([int(rng.integers(self.topo.n_gpus))])
                self.thermal(g, when, float(rng.uniform(*THERMAL_FAULT_H)) * 3600.0)
            elif kind == "cooling_loss":
                row = int(rng.integers(len(self.topo.row_ids)))
                if not self.row_lost[row]:
                    self.cooling_loss(row, when, float(rng.uniform(*COOLING_LOSS_H)) * 3600.0)
            elif kind == "pdu_trip":
                rack = int(rng.integers(self.topo.n_racks))
                if not self.pdu_open[rack]:
                    self.pdu_trip(rack, when, float(rng.uniform(*PDU_TRIP_H)) * 3600.0)
            else:
                self.wind_drop(when, float(rng.uniform(*WIND_DROP_H)) * 3600.0)

    def due(self, t: float) -> None:
        """Apply repairs and restores that fall due by ``t``."""
        heap = self._heap
        fleet = self.fleet
        while heap and heap[0][0] <= t:
            when, _, what, payload = heapq.heappop(heap)
            if what == "repair":
                idx, seq = payload
                idx = idx[fleet.fault_seq[idx] == seq]
                live = idx[fleet.fault_status[idx] > 0]
                if len(live):
                    fleet.repair(live, when)
                    self.health_changed = True
                    for g in live.tolist():
                        self.events.add(
                            when,
                            "gpu_repaired",
                            "info",
                            f"GPU {self.topo.uuids[g]} back in service after reset/replacement",
                            rack=self.topo.rack_ids[self.topo.gpu_rack[g]],
                            gpu_uuid=self.topo.uuids[g],
                        )
            elif what == "thermal_clear":
                idx, seq = payload
                idx = idx[(fleet.thermal_seq[idx] == seq) & fleet.thermal_fault[idx]]
                if len(idx):
                    fleet.clear_thermal_fault(idx, when)
            elif what == "cooling_restore":
                row, seq = payload
                if self.row_seq[row] == seq:
                    self.cooling_restore(row, when)
            elif what == "pdu_restore":
                rack, seq = payload
                if self.pdu_seq[rack] == seq:
                    self.pdu_restore(rack, when)
            elif what == "maintenance_end":
                self._set_maintenance(payload, False, when)
            elif what == "wind_restore" and payload in self.wind_drops:
                self.events.add(when, "wind_restored", "info", "Wind farm output back to normal")
                self.wind_drops = [w for w in self.wind_drops if w[1] > when - 9 * 86_400.0]

    def cooling_step(self, dt: float) -> None:
        """Row inlet excess moves toward its target (rise when lost, decay when restored)."""
        if dt <= 0 or (not self.row_lost.any() and not self.row_extra.any()):
            return
        target = np.where(self.row_lost, COOLING_LOSS_RISE_C, 0.0)
        tau = np.where(self.row_lost, COOLING_LOSS_TAU_S, COOLING_RESTORE_TAU_S)
        self.row_extra += (target - self.row_extra) * (1.0 - np.exp(-dt / tau))
        self.row_extra[np.abs(self.row_extra) < 1e-3] = 0.0

    # -- on demand ---------------------------------------------------------------------------
    def _gpus(self, target: str | None, count: Any, healthy_first: bool) -> np.ndarray:
        span = self.topo.gpu_range(target)
        if span is None:
            raise ValueError(
                f"unknown target {target!r}: expected a hall, row, rack, node or GPU UUID"
            )
        a, b = span
        if count == "all":
            return np.arange(a, b)
        if isinstance(count, bool) or not isinstance(count, int | float) or count < 1:
            raise ValueError(f"count must be a positive integer or 'all', got {count!r}")
        k = min(int(count), b - a)
        pool = np.arange(a, b)
        if healthy_first:
            ok = pool[self.fleet.fault_status[a:b] == 0]
            pool = ok if len(ok) >= k else pool
        return np.sort(self.rng.choice(pool, k, replace=False))

    def inject(
        self, kind: str, target: str | None, params: dict[str, Any], now: float
    ) -> dict[str, Any]:
        """A fault on demand; see ``SimulatedHub.inject``."""
        duration = params.get("duration_s")
        if duration is not None:
            duration = float(duration)
            if not math.isfinite(duration) or duration <= 0:
                raise ValueError("duration_s must be a positive number of seconds")
        topo = self.topo
        if kind in _DEFAULT_XID:
            code = params.get("xid", _DEFAULT_XID[kind])
            if isinstance(code, bool) or not isinstance(code, int) or code not in XID_BY_CODE:
                valid = ", ".join(str(x) for x in sorted(XID_BY_CODE))
                raise ValueError(f"unknown xid {code!r}; choose one of {valid}")
            idx = self._gpus(target, params.get("count", 1), healthy_first=True)
            return self.xid(idx, XID_BY_CODE[code], now, duration)
        if kind == "thermal":
            idx = self._gpus(target, params.get("count", 1), healthy_first=False)
            return self.thermal(idx, now, duration)
        if kind == "cooling_loss":
            if target is None:
                row = int(self.rng.integers(len(topo.row_ids)))
            elif target in topo.row_index:
                row = topo.row_index[target]
            elif target in topo.rack_index:
                row = int(topo.rack_row[topo.rack_index[target]])
            else:
                raise ValueError(
                    f"unknown target {target!r}: cooling_loss takes a row id like 'A-07'"
                )
            return self.cooling_loss(row, now, duration)
        if kind == "pdu_trip":
            if target is None:
                rack = int(self.rng.integers(topo.n_racks))
            elif target in topo.rack_index:
                rack = topo.rack_index[target]
            else:
                raise ValueError(
                    f"unknown target {target!r}: pdu_trip takes a rack id like 'A-07-13'"
                )
            return self.pdu_trip(rack, now, duration, str(params.get("feed", "A")).upper())
        if kind == "wind_drop":
            return self.wind_drop(now, duration or 2 * 3600.0)
        if kind == "maintenance":
            return self.maintenance(target, now, duration)
        raise ValueError(
            f"unknown fault kind {kind!r}; choose one of {', '.join(INJECT_KINDS)} or outage"
        )

    def clear(self, kind: str, target: str | None, now: float) -> None:
        """End faults of ``kind`` on ``target`` (None: everywhere)."""
        topo = self.topo
        fleet = self.fleet
        if kind in _DEFAULT_XID or kind == "thermal":
            span = topo.gpu_range(target)
            if span is None:
                raise ValueError(f"unknown target {target!r}")
            idx = np.arange(*span)
            if kind == "thermal":
                hit = idx[fleet.thermal_fault[idx]]
                if len(hit):
                    fleet.clear_thermal_fault(hit, now)
                return
            hit = idx[fleet.fault_status[idx] > 0]
            if len(hit):
                fleet.repair(hit, now)
                self.health_changed = True
                where = target or "the site"
                self.events.add(
                    now,
                    "gpu_repaired",
                    "info",
                    f"{len(hit)} GPU(s) on {where} back in service",
                    rack=target if target in topo.rack_index else None,
                )
            return
        if kind == "cooling_loss":
            if target is None:
                rows = np.flatnonzero(self.row_lost).tolist()
            elif target in topo.row_index:
                rows = [topo.row_index[target]]
            elif target in topo.rack_index:
                rows = [int(topo.rack_row[topo.rack_index[target]])]
            else:
                raise ValueError(f"unknown target {target!r}: expected a row id")
            for row in rows:
                self.cooling_restore(row, now)
            return
        if kind == "pdu_trip":
            if target is None:
                racks = np.flatnonzero(self.pdu_open).tolist()
            elif target in topo.rack_index:
                racks = [topo.rack_index[target]]
            else:
                raise ValueError(f"unknown target {target!r}: expected a rack id")
            for rack in racks:
                self.pdu_restore(rack, now)
            return
        if kind == "maintenance":
            self._set_maintenance(target, False, now)
            return
        if kind == "wind_drop":
            if any(a <= now < b for a, b in self.wind_drops):
                self.wind_drops = [(a, min(b, now)) for a, b in self.wind_drops]
                self.events.add(now, "wind_restored", "info", "Wind farm output back to normal")
            return
        raise ValueError(
            f"unknown fault kind {kind!r}; choose one of {', '.join(INJECT_KINDS)} or outage"
        )
