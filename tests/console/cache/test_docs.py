"""The job queue's deltas as the cache writes them: worked out column by column, they hold
exactly the jobs whose stored values changed (NaN is NaN, numpy numbers are plain ones, a
small move of utilisation alone is not a change), the ids that left and the new order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from console.cache import Cache, codec, docs
from console.decode import job_columns_from_records
from console.model import JobsSnapshot, _frozen_map

T0 = 1_780_000_000.0


def _job(i: int, **extra: Any) -> dict[str, Any]:
    return {"id": i, "name": f"job{i}", "tenant": "T", "tenant_kind": "research",
            "tenant_country": "MA", "user": "u", "partition": "gpu", "state": "RUNNING",
            "reason": None, "gpus": 8, "nodes": 1, "racks": ["A-01-01", "A-01-02"],
            "submit_time": 1.7e9, "start_time": 1.7e9, "end_time": None,
            "time_limit_s": 3600.0, "state_flags": None, "state_description": None,
            "array_tasks": 0, "begin_time": None, "gpu_util_pct": 50.0} | extra


def _queue(t: float, jobs: list[dict[str, Any]], **columns: Any) -> JobsSnapshot:
    cols = job_columns_from_records(jobs)
    cols.update(columns)
    return JobsSnapshot(time=t, received=t, columns=_frozen_map(cols))


def _last(cache: Cache) -> dict[str, Any]:
    data = cache.conn.execute("SELECT data FROM jobs ORDER BY id DESC LIMIT 1").fetchone()[0]
    return codec.unpack_json(data)


def test_a_delta_holds_the_jobs_whose_stored_values_changed(tmp_path: Path) -> None:
    jobs = [_job(i) for i in range(1, 7)]
    with Cache.open(tmp_path / "c.db") as cache:
        state = docs.write_jobs(cache.conn, None, _queue(T0, jobs), interval_s=0.0,
                                keyframe_every=30)
        assert state is not None and state.since_key == 0
        later = [dict(j) for j in jobs]
        later[1]["gpu_util_pct"] = 54.5  # a small move alone (under a tenth): kept as stored
        later[2]["gpu_util_pct"] = 56.0  # a move of a tenth or more (here, 5 points): stored
        later[3]["state"] = "COMPLETING"  # another value: stored
        del later[4]  # left the queue
        later.append(_job(9))  # a new job
        queue = _queue(T0 + 60, later)
        # the same values in other forms: NaN end times, a numpy number among text
        name = queue.columns["name"].copy()
        name[0] = np.str_(name[0])
        queue = _queue(T0 + 60, later, name=name)
        state = docs.write_jobs(cache.conn, state, queue, interval_s=0.0, keyframe_every=30)
        assert state is not None and state.since_key == 1
        doc = _last(cache)
        changed = doc["changed_columns"]
        ids = changed["columns"][changed["names"].index("id")]
        assert ids == [3, 4, 9]
        assert doc["removed"] == [5]
        assert "ids" not in doc  # the order is the stored one, the new job last
        # the job whose utilisation moved a little is kept at its stored value
        util = dict(zip(state.ids.tolist(), state.columns["gpu_util_pct"].tolist(),
                        strict=True))
        assert util[2] == 50.0 and util[3] == 56.0
        # nothing changed: no row at all, the stored one seen again
        again = docs.write_jobs(cache.conn, state, _queue(T0 + 120, later, name=name),
                                interval_s=0.0, keyframe_every=30)
        assert again is state
        assert cache.conn.execute("SELECT count(*) FROM jobs").fetchone()[0] == 2
        # another order: the delta says it
        turned = docs.write_jobs(cache.conn, state, _queue(T0 + 180, later[::-1]),
                                 interval_s=0.0, keyframe_every=30)
        assert turned is not None
        doc = _last(cache)
        assert doc["ids"] == [j["id"] for j in later[::-1]]
        assert doc["changed_columns"]["columns"] == []
        assert cache.jobs_at(T0 + 180).columns["id"].tolist() == doc["ids"]
