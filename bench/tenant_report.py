"""Energy per tenant over 30 days of a full-site cache (3,520 racks).

Figures:
- ``tenant_report_s``: median of 3 runs of ``report tenants``' work (open the cache, read
  the period's rack power and job queues, attribute, group by tenant, write the CSV) over
  30 days (quick: 2 days);
- ``tenant_report_jobs``, ``tenant_report_frames``: jobs attributed, rack intervals read;
- ``tenant_report_build_s``: time to build the cache (not part of the figure);
- ``tenant_report_days``.

The cache holds what a console that ran 30 days keeps at the default retention, in its
own layout: 15-minute rack rollups (every field's mean and max) for the whole span, the
site power as 15-minute means (its IT load the racks' sum), and full job queues
(retention keeps one every 3 hours beyond 7 days, more within them; the report reads them
at most 18 hours apart): here one every 3 hours throughout. The racks' figures and the queues come from the simulated full
site stepped through the 30 days in 3-hour steps; each quarter hour between two steps
takes the racks' figures of the step before it, with 1 % noise.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from console.contract import RACK_FIELDS

DAY = 86_400.0
QUARTER = 900.0


def build(path: Path, days: float, scale: str = "tetouan") -> dict[str, Any]:
    """Write ``days`` of a simulated site into a new cache at ``path``."""
    from bench.power_jobs import synthetic_power
    from console.cache import Cache, RetentionPolicy, frames
    from console.cache.rollup import POWER_COLUMNS
    from console.decode import decode_jobs, decode_racks, decode_site
    from console.hub.sim import SimulatedHub

    end = float(int(time.time() // QUARTER) * QUARTER) - QUARTER
    start = end - days * DAY
    hub = SimulatedHub(scale, seed=3, start=start)
    topo = decode_site(hub.site())
    policy = RetentionPolicy(jobs_keyframe_every=1, jobs_interval_s=0.0)
    rng = np.random.default_rng(9)
    names = [f"{f}:{s}" for f in RACK_FIELDS for s in ("mean", "max")]
    n_quarters = int(days * DAY / QUARTER)
    it_mw = np.zeros(n_quarters)
    with Cache.open(path, retention=policy) as cache:
        cache.write_poll([topo], topology=topo)
        topology_id = int(cache.conn.execute("SELECT max(id) FROM topologies").fetchone()[0])
        state = None
        racks = None
        for q in range(n_quarters):
            t = start + q * QUARTER
            if racks is None or q % 12 == 0:
                if t > hub.now:
                    hub.step(t)
                racks = decode_racks(hub.racks(), topo)
                cache.write_poll([decode_jobs(hub.jobs())], topology=topo)
            values = np.stack([racks[f] for f in RACK_FIELDS]).astype(np.float32)
            noise = 1.0 + 0.01 * rng.standard_normal(values.shape).astype(np.float32)
            means = values * noise
            it_mw[q] = float(np.nansum(means[RACK_FIELDS.index("power_kw")])) / 1000.0
            both = np.empty((2 * len(RACK_FIELDS), topo.n_racks), np.float32)
            both[0::2], both[1::2] = means, np.maximum(means, values)
            with cache.conn:
                state = frames.write_frame(
                    cache.conn, "rack_15m", state, time=t + 1.0, topology_id=topology_id,
                    fields=names, values=both, keyframe_every=30, count=450)
        power = synthetic_power(n_quarters, step=QUARTER, t0=start)
        scale = it_mw / np.asarray(power["it_mw"])  # the site meter agrees with the racks
        rows = np.column_stack([power.t] + [
            np.asarray(power[c]) * (scale if c.endswith("_mw") else 1.0) for c in POWER_COLUMNS])
        with cache.conn:
            cache.conn.executemany(
                f"INSERT OR REPLACE INTO power_15m (t, {', '.join(POWER_COLUMNS)}) "
                f"VALUES ({', '.join('?' * (1 + len(POWER_COLUMNS)))})", rows.tolist())
    return {"start": start, "end": end}


def report_once(path: Path, start: float, end: float, out: Path) -> tuple[float, Any]:
    from console.energy.cli import tenant_report
    from console.energy.report import write_csv

    t0 = time.perf_counter()
    rep = tenant_report(path, start, end, "tenant")
    write_csv(rep, out)
    return time.perf_counter() - t0, rep


def run(quick: bool = False) -> dict[str, float]:
    days = 2.0 if quick else 30.0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "month.db"
        t0 = time.perf_counter()
        span = build(path, days)
        build_s = time.perf_counter() - t0
        times, rep = [], None
        for _ in range(3):
            elapsed, rep = report_once(path, span["start"], span["end"], Path(folder) / "r.csv")
            times.append(elapsed)
    assert rep is not None
    return {
        "tenant_report_s": round(statistics.median(times), 2),
        "tenant_report_max_s": round(max(times), 2),
        "tenant_report_days": days,
        "tenant_report_jobs": len(rep.groups) and sum(line.jobs for line in rep.groups),
        "tenant_report_frames": round(rep.covered_s / QUARTER),
        "tenant_report_build_s": round(build_s, 1),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(quick=True)))
