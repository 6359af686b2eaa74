"""A cache recorded from the simulated hub (hall scale), shared by the energy tests."""

from __future__ import annotations

from pathlib import Path

import pytest

T0 = 1_780_000_000.0
HOURS = 3.0
STEP_S = 60.0


def record(path: Path, hours: float = HOURS, step_s: float = STEP_S, scale: str = "hall") -> None:
    """Racks and power every ``step_s``, unhealthy GPUs and jobs every 5 polls, rolled up."""
    from console.cache import Cache
    from console.decode import decode_jobs, decode_power, decode_racks, decode_site
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale, seed=7, start=T0)
    topo = decode_site(hub.site())
    with Cache.open(path) as cache:
        cache.write_poll([topo], topology=topo)
        last_power = hub.now - 600
        for i in range(int(hours * 3600 / step_s)):
            hub.step(hub.now + step_s)
            snaps = [decode_racks(hub.racks(), topo),
                     decode_power(hub.power(last_power, hub.now, 10))]
            last_power = hub.now + 1
            if i % 5 == 0:
                snaps.append(decode_jobs(hub.jobs()))
            cache.write_poll(snaps, topology=topo)
        for _ in range(20):
            cache.maintain(now=hub.now)


@pytest.fixture(scope="session")
def sim_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("energy") / "hall.db"
    record(path)
    return path
