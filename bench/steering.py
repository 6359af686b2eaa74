"""Energy-steering advisor benchmark: the advice over the whole simulated site.

The simulated Tétouan hub (scale ``tetouan``, seed 7) after an hour of simulated time gives
the site layout, the racks' power, the job queue and its 72 h forecast, decoded as the
console decodes them. ``advisor_ms`` (target <= 100) is the median time of one advice: the
deferrable jobs found and sized from their racks (:func:`console.steering.deferrable_load`)
and the best move over the forecast's horizon (:func:`console.steering.advise`), what the
steering view does on each redraw. The deferrable partition is the site's ``preempt``;
``advisor_wide_ms`` makes every partition deferrable (every running job sized).
"""

from __future__ import annotations

import statistics
import time
from typing import Any


def run(quick: bool = False) -> dict[str, Any]:
    from console.decode import decode_jobs, decode_racks, decode_site
    from console.forecast import decode_forecast
    from console.hub.sim import SimulatedHub
    from console.steering import SteeringPolicy, advise, deferrable_load

    hub = SimulatedHub("tetouan", seed=7)
    hub.step(hub.now + 3600.0)
    topology = decode_site(hub.site())
    racks = decode_racks(hub.racks(), topology)
    jobs = decode_jobs(hub.jobs())
    forecast = decode_forecast(hub.forecast(72), now=hub.now)
    figures: dict[str, Any] = {"advisor_jobs": len(jobs), "advisor_forecast_points": len(forecast)}
    partitions = {str(p) for p in jobs.columns["partition"]}
    for name, policy in (("advisor_ms", SteeringPolicy(horizon_h=72.0)),
                         ("advisor_wide_ms", SteeringPolicy(partitions=frozenset(partitions),
                                                            horizon_h=72.0))):
        times = []
        for _ in range(5 if quick else 20):
            t0 = time.perf_counter()
            load = deferrable_load(jobs, racks, topology, policy)
            advice = advise(forecast, load, hub.now, policy, grid_g_per_kwh=527.0, pue=1.2)
            times.append((time.perf_counter() - t0) * 1000)
        figures[name] = round(statistics.median(times), 1)
        figures[name.replace("_ms", "_running_jobs")] = load.running_jobs
        figures[name.replace("_ms", "_advised")] = advice.ok
    return figures


if __name__ == "__main__":
    import json

    print(json.dumps(run(quick=True)))
