"""Long-span reads: rack fields tier by tier without overlap, job queues picked apart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from console.cache import Cache, RetentionPolicy, spans

T0 = 1_780_000_000.0


@pytest.fixture(scope="module")
def cache_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from console.decode import decode_jobs, decode_racks, decode_site
    from console.hub.sim import SimulatedHub

    path = tmp_path_factory.mktemp("spans") / "rack.db"
    hub = SimulatedHub("rack", seed=2, start=T0)
    topo = decode_site(hub.site())
    with Cache.open(path, retention=RetentionPolicy(jobs_keyframe_every=4)) as cache:
        cache.write_poll([topo], topology=topo)
        for i in range(150):  # 2.5 h of 60 s polls
            hub.step(hub.now + 60.0)
            snaps = [decode_racks(hub.racks(), topo)]
            if i % 3 == 0:
                snaps.append(decode_jobs(hub.jobs()))
            cache.write_poll(snaps, topology=topo)
        for _ in range(20):
            cache.maintain(now=hub.now)
    return path


def _buckets(plan: list[tuple[str, float, np.ndarray]]) -> list[tuple[float, float]]:
    out = []
    for _table, width, t in plan:
        for x in t.tolist():
            lo = np.floor(x / width) * width if width else x
            out.append((lo, lo + width if width else x + 1e-6))
    return sorted(out)


@pytest.mark.parametrize("order", [spans.COARSE_FIRST, spans.MINUTE_FIRST])
def test_tiers_never_overlap_and_cover_the_span(cache_path: Path, order: tuple[str, ...]) -> None:
    with Cache.open(cache_path, readonly=True) as cache:
        first, last = cache.time_range()
        plan = spans.tier_plan(cache.conn, first, last, order)
        frames = cache.rack_field_frames(("power_kw",), first, last, order)
    got = {table: len(t) for table, _, t in plan}
    if order == spans.COARSE_FIRST:
        assert got["rack_15m"] >= 4 and got["rack_raw"] <= 2  # quarters first, little raw
    else:
        assert got["rack_1m"] >= 100 and got["rack_15m"] == 0
    buckets = _buckets(plan)
    assert all(a[1] <= b[0] + 1e-9 for a, b in zip(buckets, buckets[1:], strict=False))
    assert buckets[-1][1] - buckets[0][0] >= last - first - 60
    assert len(frames) == sum(got.values())
    assert all(np.isfinite(f.values[0]).all() and f.values[0].shape == (2,) for f in frames)


def test_job_keyframes_picked_at_most_spacing_apart(cache_path: Path) -> None:
    with Cache.open(cache_path, readonly=True) as cache:
        first, last = cache.time_range()
        every = spans.job_keyframes(cache.conn, first, last, 0.0)
        some = spans.job_keyframes(cache.conn, first, last, 3600.0)
        queues = cache.job_queues(first, last, 3600.0)
    times = [t for t, _ in every]
    assert len(times) >= 2
    picked = [t for t, _ in some]
    assert picked[0] == times[0] and picked[-1] == times[-1]
    assert all(b - a <= 3600.0 or times.index(b) == times.index(a) + 1
               for a, b in zip(picked, picked[1:], strict=False))
    assert len(queues) == len(some) + 1  # and the queue in force at the end
    assert queues[-1][0] <= last and len(queues[-1][1]["id"]) > 0
