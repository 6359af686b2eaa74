"""Alarm engine benchmark: ``alarm_eval_ms``, one evaluation of a full-site snapshot set, and
``maintenance_update_ms``, one maintenance-list update over 3,000 unhealthy GPUs.

The set is the full Tétouan site (3,520 racks) with a cooling loss heating one row, PDU
feeds near their rating in another, a hot hall corner, 5,000 unhealthy GPUs spread over
the fleet, a power series and a batch of hub events. Each round changes the values a
little so the state machine has transitions to make, as it does live.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

import numpy as np

from console.alarms import AlarmEngine, MemoryJournal
from console.contract import POWER_FIELDS, RACK_FIELDS
from console.decode import decode_events, decode_power, decode_racks, decode_site, decode_unhealthy
from console.hub.topology import Topology
from console.model import SiteTopology, Snapshot, UnhealthyGpus

T0 = 1_780_000_000.0
UNHEALTHY = 5_000
XIDS = (79, 48, 94, 95, 63, 64, 74, 119, 120, 13, 31, 43)


def full_site() -> SiteTopology:
    """The full-scale site layout, decoded as the console decodes the hub's."""
    topo = Topology("tetouan", 7)
    payload = {"time": T0, "halls": topo.halls, "rows": topo.rows, "racks": topo.racks}
    return decode_site(payload, received=T0)


def snapshot_set(site: SiteTopology, t: float, rng: np.random.Generator) -> dict[str, Snapshot]:
    """One poll's worth of snapshots: racks, unhealthy GPUs, power and events."""
    n = site.n_racks
    rows = np.array([r["row"] for r in site.racks])
    inlet = 25.0 + rng.normal(0, 0.5, n)
    inlet[rows == "A-03"] += 10.0 + rng.normal(0, 1.0, (rows == "A-03").sum())
    inlet[:30] += 9.0  # a hot corner of hall A, row
    cap = site.capacity_kw
    pdu = cap * 0.35 * (1 + rng.normal(0, 0.03, n))
    pdu[rows == "B-07"] = 0.97 * 80.0  # feeds of a row near their rating
    payload = {"time": t, "rack_ids": list(site.rack_ids)}
    values = {
        "power_kw": cap * 0.8,
        "inlet_c": inlet,
        "outlet_c": inlet + 9,
        "gpu_temp_max_c": 60 + rng.normal(0, 4, n),
        "gpu_util_mean": np.full(n, 80.0),
        "gpus_unhealthy": np.zeros(n),
        "pdu_a_kw": pdu,
        "pdu_b_kw": pdu * 0.98,
        "alarm": np.zeros(n),
    }
    for name in RACK_FIELDS:
        payload[name] = np.round(np.asarray(values[name], float), 2).tolist()
    racks = decode_racks(payload, site, received=t)
    picks = rng.integers(0, n, UNHEALTHY)
    gpus = [
        {
            "uuid": f"GPU-{k:08d}",
            "rack": site.rack_ids[i],
            "status": "off_bus" if k % 12 == 0 else "failed",
            "xid": XIDS[k % len(XIDS)],
            "ecc_dbe": 0,
            "row_remap_failure": False,
            "temp_c": 60.0,
            "since": t - 600,
        }
        for k, i in enumerate(picks.tolist())
    ]
    unhealthy = decode_unhealthy({"time": t, "gpus": gpus}, received=t)
    ts = t - 3600 + 10 * np.arange(361)
    power_payload = {"t": ts.tolist()} | {f: np.full(361, 50.0).tolist() for f in POWER_FIELDS}
    power_payload["facility_mw"] = np.full(361, 372.0).tolist()
    power_payload["pue"] = np.full(361, 1.2).tolist()
    power = decode_power(power_payload, received=t)
    events = decode_events(
        {
            "time": t,
            "events": [
                {
                    "id": int(t) - int(T0) + 1,
                    "time": t,
                    "kind": "cooling_loss",
                    "severity": "critical",
                    "rack": None,
                    "row": "A-03",
                    "message": "Cooling unit of row A-03 lost",
                }
            ],
        },
        received=t,
    )
    return {"racks": racks, "gpus": unhealthy, "power": power, "events": events}


def run(quick: bool = False) -> dict[str, float]:
    """Median milliseconds of one :meth:`AlarmEngine.evaluate` over a full-site set."""
    site = full_site()
    rng = np.random.default_rng(3)
    rounds = 8 if quick else 40
    sets = [snapshot_set(site, T0 + 10 * k, rng) for k in range(min(rounds, 10))]
    engine = AlarmEngine(journal=MemoryJournal(50_000), clock=lambda: T0)
    engine.evaluate(sets[0], site, T0)  # warm: the topology index is built once per layout
    times = []
    for k in range(rounds):
        snaps = sets[k % len(sets)]
        t = T0 + 10 * (k + 1)
        start = time.perf_counter()
        engine.evaluate(snaps, site, t)
        times.append((time.perf_counter() - start) * 1000.0)
    return {"alarm_eval_ms": round(statistics.median(times), 2),
            "maintenance_update_ms": maintenance_update_ms(site, rounds)}


MAINTENANCE_GPUS = 3_000


def maintenance_update_ms(site: SiteTopology, rounds: int) -> float:
    """Median milliseconds of one :meth:`MaintenanceTracker.update` over 3,000 unhealthy
    GPUs with their jobs, a few of them changing each poll (one recovers, one fails, one
    moves to another job), as on a bad day at full scale."""
    from console.decode import decode_jobs
    from console.maintenance import MaintenanceTracker

    rng = np.random.default_rng(5)
    racks = rng.integers(0, site.n_racks, MAINTENANCE_GPUS + rounds).tolist()
    kinds = [(79, "off_bus", 0), (48, "failed", 1), (95, "failed", 1), (63, "degraded", 0),
             (94, "failed", 1), (13, "degraded", 0), (None, "degraded", 0), (74, "degraded", 0)]
    pool = []
    for k, r in enumerate(racks):
        xid, status, dbe = kinds[k % len(kinds)]
        rack = site.racks[r]
        pool.append({"uuid": f"GPU-{k:08d}", "model": "NVIDIA H200", "hall": rack["hall"],
                     "row": rack["row"], "rack": rack["id"], "node": f"{rack['id']}-n{k % 4:02d}",
                     "host": f"h{k}", "slot": k % 8, "status": status, "xid": xid, "ecc_dbe": dbe,
                     "row_remap_failure": False, "clock_event_reasons": 0x40 if xid is None else 1,
                     "temp_c": 60.0, "power_w": 500.0, "since": T0 - k, "job_id": k % 900 or None,
                     "node_state": "up"})
    jobs = decode_jobs({"time": T0, "jobs": [
        {"id": j, "name": f"train-{j}", "tenant": f"tenant-{j % 40}", "tenant_kind": "startup",
         "tenant_country": "MA", "user": "u", "partition": "gpu", "state": "RUNNING",
         "reason": None, "gpus": 8, "nodes": 1, "racks": [], "submit_time": T0,
         "start_time": T0, "end_time": None, "time_limit_s": 86400} for j in range(1, 20_000)]})
    tracker = MaintenanceTracker()
    tracker.update(UnhealthyGpus(time=T0, gpus=tuple(pool[:MAINTENANCE_GPUS])), jobs, site)
    times = []
    for k in range(rounds):
        gpus = pool[k + 1:MAINTENANCE_GPUS + k + 1]  # one recovers, one more fails
        moved = dict(gpus[k % len(gpus)])
        moved["job_id"] = 1 + k
        gpus[k % len(gpus)] = moved
        snapshot = UnhealthyGpus(time=T0 + 5 * (k + 1), gpus=tuple(gpus))
        start = time.perf_counter()
        tracker.update(snapshot, jobs, site)
        times.append((time.perf_counter() - start) * 1000.0)
    return round(statistics.median(times), 2)


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:])))
