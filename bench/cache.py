"""Cache size and write cost at full scale (3,520 racks), polled every 2 s.

Figures:
- ``cache_bytes_per_sample``: the file's bytes (everything: rack frames, power,
  jobs, GPU lists, events, topology, indexes) per rack sample (racks x fields x
  polls) after one simulated hour of 2 s polls (quick: five minutes).
- ``cache_mb_per_day``: megabytes a day of history keeps in the file at the
  default retention (1-minute and 15-minute rollups, full-resolution power, jobs,
  GPU lists, events), i.e. the file's growth per day once the raw tier is full.
- ``cache_mb_steady_state``: the projected file size once every tier is full
  (6 h raw, 7 days of 1-minute and 90 days of 15-minute rollups, 7 days of
  full-resolution power, thinned jobs and GPU lists, events).
- ``cache_write_ms``: median time of one poll's write transaction.

Quick mode measures documents (jobs, GPU lists) over five minutes, which holds a
full job-queue keyframe, so its per-day figures run high; use the full run.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from console.cache import Cache, RetentionPolicy
from console.contract import RACK_FIELDS
from console.decode import (
    decode_events,
    decode_jobs,
    decode_power,
    decode_racks,
    decode_site,
    decode_unhealthy,
)

T0 = 1_780_000_000.0
POLL_S = 2.0
DAY = 86400.0


def _table_bytes(cache: Cache) -> dict[str, int]:
    """Bytes per table, indexes included (dbstat), by the table's name."""
    try:
        rows = cache.conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    except Exception:  # SQLite built without dbstat: blob sizes only
        rows = []
        for table in ("rack_raw", "rack_1m", "rack_15m", "jobs", "unhealthy"):
            size = cache.conn.execute(f"SELECT sum(length(data)) FROM {table}").fetchone()[0]
            rows.append((table, int(size or 0)))
    out: dict[str, int] = {}
    for name, size in rows:
        table = name.removesuffix("_time").removesuffix("_key")
        out[table] = out.get(table, 0) + int(size)
    return out


def _count(cache: Cache, table: str) -> int:
    return int(cache.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _scalar(cache: Cache, sql: str) -> float:
    return float(cache.conn.execute(sql).fetchone()[0] or 0.0)


def simulate(path: Path, polls: int, scale: str = "tetouan") -> dict[str, Any]:
    """Poll a simulated hub ``polls`` times at 2 s into a cache file at ``path``."""
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale=scale, seed=7, start=T0)
    topo = decode_site(hub.site(), received=T0)
    writes: list[float] = []
    last_event = 0
    with Cache.open(path) as cache:
        cache.set_source(f"sim://{scale}")
        for k in range(polls):
            t = T0 + POLL_S * (k + 1)
            hub.step(t)
            snaps: list[Any] = [
                decode_racks(hub.racks(), topo, received=t),
                decode_unhealthy(hub.unhealthy_gpus(), received=t),
            ]
            if k % 5 == 0:  # power and jobs every 10 s
                snaps.append(decode_power(hub.power(t - 10.0, t, 10.0), received=t))
                snaps.append(decode_jobs(hub.jobs(), received=t))
            events = decode_events(hub.events(last_event), received=t)
            last_event = max(last_event, events.last_id)
            snaps.append(events)
            start = time.perf_counter()
            cache.write_poll(snaps, topology=topo)
            writes.append(time.perf_counter() - start)
        cache.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    return {"topology": topo, "writes": writes, "size": size, "polls": polls}


def run(quick: bool = False) -> dict[str, float]:
    """Measure the cache at full scale; quick: five minutes instead of an hour."""
    polls = 150 if quick else 1800
    policy = RetentionPolicy()
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as tmp:
        path = Path(tmp) / "cache.db"
        result = simulate(path, polls)
        topo = result["topology"]
        samples = polls * topo.n_racks * len(RACK_FIELDS)
        hours = polls * POLL_S / 3600.0
        with Cache.open(path, retention=RetentionPolicy(max_buckets=10_000)) as cache:
            sizes = _table_bytes(cache)
            raw_per_poll = sizes.get("rack_raw", 0) / max(_count(cache, "rack_raw"), 1)
            power_points = int(_scalar(cache, "SELECT sum(n) FROM power_blocks"))
            power_per_point = sizes.get("power_blocks", 0) / max(power_points, 1)
            docs_per_hour = {t: sizes.get(t, 0) / hours for t in ("jobs", "unhealthy", "events")}
            jobs_key = _scalar(cache, "SELECT max(length(data)) FROM jobs WHERE id = key_id")
            gpu_list = _scalar(cache, "SELECT avg(length(data)) FROM unhealthy")
            cache.maintain(now=T0 + POLL_S * polls + 1800.0)  # close the last buckets
            sizes = _table_bytes(cache)
            minute = sizes.get("rack_1m", 0) / max(_count(cache, "rack_1m"), 1)
            quarter_rows = _count(cache, "rack_15m")
            # A 15-minute frame is a 1-minute frame's size (same fields, keyframe-heavy).
            quarter = sizes.get("rack_15m", 0) / quarter_rows if quarter_rows > 1 else minute
            integrity = cache.conn.execute("PRAGMA integrity_check").fetchone()[0]
    docs_per_day = 24 * sum(docs_per_hour.values())
    per_day = 1440 * minute + 96 * quarter + (DAY / 10.0 + 96) * power_per_point + docs_per_day
    thinned_days = policy.quarter_days - policy.minute_days
    steady = (
        policy.raw_hours * 3600 / POLL_S * raw_per_poll
        + policy.minute_days * (1440 * minute + docs_per_day)
        + policy.quarter_days * 96 * (quarter + power_per_point)
        + policy.power_raw_days * (DAY / 10.0) * power_per_point
        + thinned_days
        * (DAY / policy.jobs_thin_s * jobs_key + 96 * gpu_list + 24 * docs_per_hour["events"])
    )
    return {
        "cache_bytes_per_sample": round(result["size"] / samples, 3),
        "cache_mb_per_day": round(per_day / 1e6, 1),
        "cache_mb_steady_state": round(steady / 1e6, 0),
        "cache_write_ms": round(statistics.median(result["writes"]) * 1000, 2),
        "cache_raw_poll_kb": round(raw_per_poll / 1000, 1),
        "cache_minute_frame_kb": round(minute / 1000, 1),
        "cache_integrity_ok": 1.0 if integrity == "ok" else 0.0,
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:])))
