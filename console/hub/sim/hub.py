"""The simulated Tétouan hub: a seeded, vectorised model of the whole site.

``SimulatedHub`` is what the embedded ``sim://`` source and the test bed serve: topology,
per-rack aggregates, per-GPU detail, GPU health, the site energy balance with its history,
the job queue, events, dcgm-exporter style metrics, and faults on demand. Same seed, same
``start`` and the same sequence of ``step(now)`` calls give identical outputs.

Every public method takes ``self.lock`` (an ``RLock``): the HTTP server calls from several
threads. Returned dicts and lists are fresh or cached per tick; treat them as read-only.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from console.contract import FORECAST_DEFAULT_HOURS
from console.hub.params import (
    BATTERY_SOC_START,
    COOLING_LOSS_GPU_GAIN,
    HALLS,
    HISTORY_KEEP_S,
    HISTORY_PRECOMPUTE_S,
    HISTORY_STEP_S,
    INLET_NOISE_C,
    INLET_OUTDOOR_GAIN,
    INLET_OUTDOOR_KNEE_C,
    INLET_RACK_SPREAD_C,
    INLET_SUPPLY_C,
    JUMP_CHUNK_S,
    JUMP_MAX_CHUNKS,
    RACK_SPECS,
    SCALES,
    SITE_CAPACITY_MW,
    SITE_LAT,
    SITE_LON,
    SITE_NAME,
    SITE_TZ,
)
from console.hub.sim.alloc import Allocator
from console.hub.sim.events import EventLog
from console.hub.sim.faults import FaultManager
from console.hub.sim.forecast import cut, issued_at
from console.hub.sim.forecast import forecast as sim_forecast
from console.hub.sim.gpu import GpuFleet, power_demand_w
from console.hub.sim.jobs import JobBook
from console.hub.sim.metrics import MetricsRenderer
from console.hub.sim.power import (
    PowerHistory,
    Supply,
    balance,
    default_window,
    weather_series,
)
from console.hub.sim.views import (
    RackStatics,
    aggregate,
    gpu_rows,
    racks_view,
    unhealthy_view,
)
from console.hub.sim.weather import Weather
from console.hub.topology import Topology

__all__ = ["SCALES", "SimulatedHub"]

_FULL_DESIGN_KW = sum(h.spec.design_kw * h.rows * h.racks_per_row for h in HALLS)


class _Ahead:
    """``fn()`` run on a thread of its own from now; :meth:`result` waits for its value."""

    def __init__(self, fn: Callable[[], dict[str, np.ndarray]]) -> None:
        self._fn = fn
        self._value: dict[str, np.ndarray] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="sim-ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._fn()
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc

    def join(self) -> None:
        self._thread.join()

    def result(self) -> dict[str, np.ndarray]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


class SimulatedHub:
    """A deterministic model of the Tétouan AI hub at one of the ``SCALES`` presets.

    ``scale``: ``'tetouan'`` (6 halls, 3,520 racks), ``'tetouan-x2'`` and ``'tetouan-x4'``
    (the site's halls twice or four times over: 7,040 and 14,080 racks), ``'hall'`` (hall A,
    480 racks) or ``'rack'`` (one NVL72 and one HGX rack). ``start``: epoch seconds of the
    first tick (default now). ``faults``: whether random faults happen on their own (injection works
    either way). The supply side (solar, wind, battery, capacity) scales with the IT design
    load of the preset.
    """

    def __init__(
        self,
        scale: str = "tetouan",
        seed: int = 7,
        start: float | None = None,
        faults: bool = True,
        instance: str | None = None,
    ) -> None:
        if scale not in SCALES:
            raise ValueError(
                f"unknown scale {scale!r}; choose {', '.join(SCALES[:-1])} or {SCALES[-1]}"
            )
        self.lock = threading.RLock()
        self.scale = scale
        self.seed = int(seed)
        self.now = float(time.time() if start is None else start)
        self.instance = instance or f"sim-{scale}-{self.seed}-{round(self.now * 1000):x}"
        """The name of this lifetime of the hub, sent with every events answer: event ids
        start again at 1 when a hub restarts, and a new ``instance`` tells clients so. By
        default it comes from the scale, seed and start time (same inputs, same outputs)."""
        self.outage = False
        self._outage_event: dict[str, Any] = {}
        self.weather = Weather(self.seed)
        # the week of history's weather depends on the times alone: it is worked out on a
        # thread of its own (numpy, mostly outside the interpreter lock) beside the build
        history_weather = _Ahead(self._history_weather)
        try:
            self._build(scale, faults, history_weather)
        finally:
            history_weather.join()

    def _build(self, scale: str, faults: bool, history_weather: _Ahead) -> None:
        self.topo = topo = Topology(scale, self.seed)
        factor = topo.design_it_kw() / _FULL_DESIGN_KW
        self.supply = Supply.scaled(factor)
        self.capacity_mw = round(SITE_CAPACITY_MW * factor, 3)
        self.event_log = EventLog()
        self.fleet = GpuFleet(topo, self.seed)
        self.faults = FaultManager(topo, self.fleet, self.event_log, self.seed, faults)
        self.faults.backlog(self.now)
        self.alloc = Allocator(topo, self.seed)
        self.alloc.set_node_ok(self.fleet.node_ok() & ~self.faults.node_maint)
        self.faults.health_changed = False
        self.book = JobBook(topo, self.alloc, self.weather, self.seed, self.now)
        self.faults.jobs = self.book
        rng = np.random.default_rng([self.seed, 0x5EED_0007])
        self._noise = rng
        self.statics = RackStatics.build(topo, rng)
        self._inlet_base = self._inlet_offsets(rng)
        self._metrics = MetricsRenderer(topo)
        self._tick = 0
        self._cache: dict[str, Any] = {}
        self._physics(0.0)
        self.fleet.settle(self._gpu_base_c)
        self._physics(0.0)
        self.history = PowerHistory()
        self._forecast: dict[str, Any] | None = None
        self._soc = BATTERY_SOC_START
        self._soc_time = self.now - HISTORY_PRECOMPUTE_S - HISTORY_STEP_S
        self._precompute_history(history_weather.result())
        self._record(np.array([self.now]), np.array([self.it_mw]))
        self._site = self._site_static()

    # -- construction helpers ----------------------------------------------------------------
    def _inlet_offsets(self, rng: np.random.Generator) -> np.ndarray:
        topo = self.topo
        per_row = np.diff(topo.row_rack_start)[topo.rack_row].astype(np.float64)
        centre = (per_row + 1.0) / 2.0
        edge = np.abs(topo.rack_pos - centre) / np.maximum(per_row / 2.0, 1.0)
        cooling = [RACK_SPECS[k].cooling for k in topo.rack_kind.tolist()]
        supply = np.array([INLET_SUPPLY_C[c] for c in cooling])
        return supply + INLET_RACK_SPREAD_C * edge**2 + np.abs(rng.normal(0.0, 0.15, topo.n_racks))

    def _it_model(self, used: dict[int, float]) -> float:
        """IT load (MW) implied by the allocated share of each pool (for history and jumps)."""
        total_w = 0.0
        topo = self.topo
        for kind, frac in used.items():
            spec = RACK_SPECS[kind]
            racks = int(np.count_nonzero(topo.rack_kind == kind))
            gpus, nodes = racks * spec.gpus, racks * spec.nodes
            busy = min(
                float(power_demand_w(np.float32(92.5), spec.gpu_idle_w, spec.gpu_demand_w)),
                spec.gpu_cap_w * spec.gpu_cap_margin,
            )
            idle = spec.gpu_idle_w * 1.02
            util = frac * 0.925 + (1.0 - frac) * 0.012
            span = spec.node_overhead_load_w - spec.node_overhead_idle_w
            total_w += racks * spec.rack_overhead_w + gpus * (frac * busy + (1 - frac) * idle)
            total_w += nodes * (spec.node_overhead_idle_w + span * util)
        return total_w / 1e6

    def _history_times(self) -> np.ndarray:
        n = int(HISTORY_PRECOMPUTE_S / HISTORY_STEP_S)
        return self.now - HISTORY_STEP_S * np.arange(n, 0, -1, dtype=np.float64)

    def _history_weather(self) -> dict[str, np.ndarray]:
        """The weather of the week of history: :func:`weather_series` and the utilisation
        target at :meth:`_history_times`."""
        t = self._history_times()
        return {**weather_series(self.weather, t), "util_target": self.weather.util_target(t)}

    def _precompute_history(self, weather: dict[str, np.ndarray]) -> None:
        t = self._history_times()
        target = weather["util_target"]
        kinds = list(self.alloc.pool_used)
        now_model = self._it_model({k: float(self.alloc.used_fraction(k)) for k in kinds})
        scale = self.it_mw / now_model if now_model > 0 else 1.0
        lo = self._it_model({k: 0.0 for k in kinds})
        hi = self._it_model({k: 1.0 for k in kinds})
        it = (lo + (hi - lo) * target) * scale
        self._record(t, it, weather)

    def _record(
        self, t: np.ndarray, it: np.ndarray, weather: dict[str, np.ndarray] | None = None
    ) -> None:
        """Balance points at times ``t`` (the last one is the live tick) into the history
        (``weather``: :func:`weather_series` of ``t``, when worked out ahead)."""
        dts = np.diff(np.concatenate(([self._soc_time], t)))
        series, self._soc = balance(
            t, it, dts, self._soc, self.weather, self.supply, self.faults.wind_drops, weather
        )
        self._soc_time = float(t[-1])
        if len(t) > 1:
            self.history.extend(t[:-1], {k: v[:-1] for k, v in series.items()})
        self.history.tick(float(t[-1]), series)
        self._balance_now = {k: float(v[-1]) for k, v in series.items()}

    def _site_static(self) -> dict[str, Any]:
        topo = self.topo
        return {
            "name": SITE_NAME,
            "timezone": SITE_TZ,
            "lat": SITE_LAT,
            "lon": SITE_LON,
            "capacity_mw": self.capacity_mw,
            "scale": self.scale,
            "time": self.now,
            "halls": topo.halls,
            "rows": topo.rows,
            "racks": topo.racks,
            "totals": {
                "halls": len(topo.halls),
                "rows": len(topo.rows),
                "racks": topo.n_racks,
                "nodes": topo.n_nodes,
                "gpus": topo.n_gpus,
            },
        }

    # -- the model's clock ----------------------------------------------------------------------
    def _physics(self, dt: float) -> None:
        """GPU telemetry and rack aggregates at ``self.now`` after ``dt`` seconds."""
        topo = self.topo
        outdoor = float(self.weather.outdoor_c(np.array([self.now]))[0])
        warm = INLET_OUTDOOR_GAIN * max(0.0, outdoor - INLET_OUTDOOR_KNEE_C)
        extra = self.faults.row_extra[topo.rack_row]
        noise = self._noise.normal(0.0, INLET_NOISE_C, topo.n_racks)
        inlet = self._inlet_base + warm + extra + noise
        self._inlet = inlet
        self._gpu_base_c = (inlet + COOLING_LOSS_GPU_GAIN * extra).astype(np.float32)[topo.gpu_rack]
        slot_util = self.book.slot_utilisation(self.now)
        self.fleet.tick(dt, self.now, self.alloc.gpu_slot, slot_util, self._gpu_base_c)
        self._aggregate()

    def _aggregate(self) -> None:
        self._agg = aggregate(
            self.topo, self.fleet, self.statics, self._inlet, self.faults.pdu_open
        )
        self.it_mw = float(self._agg["power_kw"].sum()) / 1000.0
        self._tick += 1
        self._cache.clear()

    def _discrete(self, t0: float, t1: float) -> None:
        """Faults, repairs and the job queue over (t0, t1]."""
        self.faults.due(t1)
        self.faults.scheduled(t0, t1)
        self._refresh_drain()
        self.book.advance(t0, t1)
        self.faults.cooling_step(t1 - t0)

    def _refresh_drain(self) -> None:
        if self.faults.health_changed:
            self.alloc.set_node_ok(self.fleet.node_ok() & ~self.faults.node_maint)
            self.faults.health_changed = False

    def step(self, now: float | None = None) -> None:
        """Advance the model to ``now`` (default: wall-clock time); earlier times are ignored.

        A long jump (hours) runs the queue and faults in at most ``JUMP_MAX_CHUNKS`` chunks,
        fills the power history at its 10 s resolution from an IT-load estimate, and lets
        temperatures settle, so its cost does not grow with the length of the jump.
        """
        with self.lock:
            t1 = time.time() if now is None else float(now)
            t0 = self.now
            if not math.isfinite(t1) or t1 <= t0:
                return
            dt = t1 - t0
            known_t, known_it = [t0], [self.it_mw]
            if dt > 2 * JUMP_CHUNK_S:
                chunks = min(JUMP_MAX_CHUNKS, math.ceil(dt / JUMP_CHUNK_S))
                edges = t0 + dt * np.arange(1, chunks + 1) / chunks
                edges[-1] = t1
                prev = t0
                ratio = self.it_mw / max(self._it_model(self._used()), 1e-9)
                for edge in edges.tolist():
                    self._discrete(prev, edge)
                    prev = edge
                    if edge < t1:
                        known_t.append(edge)
                        known_it.append(self._it_model(self._used()) * ratio)
            else:
                self._discrete(t0, t1)
            self.now = t1
            self._physics(dt)
            known_t.append(t1)
            known_it.append(self.it_mw)
            first = self.history.last_kept + HISTORY_STEP_S
            fill = np.arange(first, t1 - HISTORY_STEP_S + 1e-9, HISTORY_STEP_S)
            fill = fill[(fill > self._soc_time) & (fill > t1 - HISTORY_KEEP_S)]
            times = np.concatenate((fill, [t1]))
            self._record(times, np.interp(times, known_t, known_it))

    def _used(self) -> dict[int, float]:
        return {k: self.alloc.used_fraction(k) for k in self.alloc.pool_used}

    # -- views ---------------------------------------------------------------------------
    def site(self) -> dict[str, Any]:
        """Topology: halls, rows, racks (floor position in metres, cooling, capacity, PDUs)."""
        with self.lock:
            return {**self._site, "time": round(self.now, 3)}

    @property
    def layout(self) -> dict[str, Any]:
        """:meth:`site` less its time: the same object for as long as the layout stays the
        same (the server encodes it once)."""
        return self._site

    def racks(self) -> dict[str, Any]:
        """Per-rack aggregates, columnar, in ``site()['racks']`` order."""
        with self.lock:
            if "racks" not in self._cache:
                self._cache["racks"] = racks_view(self.now, self.topo, self._agg)
            return self._cache["racks"]

    def rack(self, rack_id: str) -> dict[str, Any] | None:
        """One rack: nodes with their GPUs, PDU readings, running jobs, recent events."""
        with self.lock:
            r = self.topo.rack_index.get(rack_id)
            if r is None:
                return None
            topo = self.topo
            a, b = int(topo.rack_gpu_start[r]), int(topo.rack_gpu_start[r + 1])
            idx = np.arange(a, b)
            mem = self.fleet.mem_used_mib(idx, self.alloc.gpu_slot, self.book.slot_mem)
            rows = gpu_rows(topo, self.fleet, idx, mem, self.book.job_ids(idx))
            nodes = []
            for n in range(int(topo.rack_node_start[r]), int(topo.rack_node_start[r + 1])):
                ga, gb = int(topo.node_gpu_start[n]) - a, int(topo.node_gpu_start[n + 1]) - a
                nodes.append(
                    {
                        "id": topo.node_ids[n],
                        "host": topo.node_hosts[n],
                        "slot": int(topo.node_slot[n]),
                        "state": "maint" if self.faults.node_maint[n] else "up",
                        "gpus": rows[ga:gb],
                    }
                )
            rack = topo.racks[r]
            open_feed = int(self.faults.pdu_open[r])
            loads = (float(self._agg["pdu_a_kw"][r]), float(self._agg["pdu_b_kw"][r]))
            pdus = [
                {
                    "id": feed["id"],
                    "feed": feed["feed"],
                    "load_kw": round(load, 1),
                    "rating_kw": feed["rating_kw"],
                    "tripped": open_feed == i + 1,
                }
                for i, (feed, load) in enumerate(zip(rack["pdu_feeds"], loads, strict=True))
            ]
            return {
                "time": round(self.now, 3),
                "rack": rack,
                "nodes": nodes,
                "pdus": pdus,
                "jobs": self.book.with_util(
                    [j.as_dict() for j in self.book.jobs_on_rack(r)], self.fleet.util, self.now),
                "events": self.event_log.for_rack(rack_id),
            }

    def unhealthy_gpus(self) -> dict[str, Any]:
        """Every GPU that is not healthy, site-wide, with reason and recommended action.

        ``slot`` is the GPU's index on its host (``nvidiaN``).
        """
        with self.lock:
            if "unhealthy" not in self._cache:
                self._cache["unhealthy"] = unhealthy_view(
                    self.now,
                    self.topo,
                    self.fleet,
                    self._inlet,
                    self.book.job_ids,
                    self.faults.node_maint,
                )
            return self._cache["unhealthy"]

    def power(
        self, start: float | None = None, end: float | None = None, step: float | None = None
    ) -> dict[str, Any]:
        """Site power series resampled to ``start + i*step`` (default: last hour, 10 s)."""
        with self.lock:
            s, e, st = default_window(start, end, step, self.now)
            return self.history.query(s, e, st, self.now)

    def balance_now(self) -> dict[str, float]:
        """The energy balance of the latest tick (same fields as ``power()``)."""
        with self.lock:
            return dict(self._balance_now)

    def forecast(self, hours: int = FORECAST_DEFAULT_HOURS) -> dict[str, Any]:
        """The forecast issued at the last whole hour, ``hours`` ahead (1 to 72; see
        :mod:`console.hub.sim.forecast`): made once per issue time, the same all hour."""
        with self.lock:
            issued = issued_at(self.now)
            made = self._forecast
            if made is None or made["issued"] != issued:
                times = self.history.t[: self.history.n]
                i = max(0, int(np.searchsorted(times, issued, side="right")) - 1)
                data = self.history.data
                made = sim_forecast(self.weather, self.supply, self.seed, issued,
                                    float(data["battery_soc_pct"][i]), float(data["it_mw"][i]))
                self._forecast = made
            return cut(made, hours)

    def jobs(self) -> dict[str, Any]:
        """The job queue: pending, running, and jobs that ended in the last 24 hours."""
        with self.lock:
            if "jobs" not in self._cache:
                self._cache["jobs"] = {
                    "time": round(self.now, 3),
                    "jobs": self.book.with_util(self.book.as_list(), self.fleet.util, self.now),
                    "counts": self.book.counts(self.now),
                }
            return self._cache["jobs"]

    def jobs_ahead(self, between: Callable[[], bool], chunk: int = 500) -> None:
        """Make :meth:`jobs` ready ahead of a client: the jobs' dicts ``chunk`` jobs at a
        time under the lock (0.1 s in all at full scale), ``between()`` called between
        chunks outside it (False: stop there), then the queue itself."""
        with self.lock:
            jobs = list(self.book.jobs.values())
        for at in range(0, len(jobs), chunk):
            if not between():
                return
            with self.lock:
                for job in jobs[at : at + chunk]:
                    job.as_dict()
        if between():
            self.jobs()

    def events(self, since: int = 0) -> dict[str, Any]:
        """Events with id greater than ``since`` (the last 10,000 are kept), the newest id
        (``last_id``) and the hub's lifetime (``instance``)."""
        with self.lock:
            return {
                "time": round(self.now, 3),
                "last_id": self.event_log.last_id,
                "instance": self.instance,
                "events": self.event_log.since(int(since)),
            }

    def metrics_text(self, detail: str = "gpu") -> str:
        """Prometheus text exposition: dcgm-exporter GPU series (``detail='gpu'``) + site/rack.

        The pieces are gathered under the lock and joined outside it, so a full-site scrape
        (285 MB, about 1 s) does not hold up ``step()`` or the other views for long.
        """
        if detail not in ("gpu", "rack"):
            raise ValueError(f"unknown detail {detail!r}; choose gpu or rack")
        key = f"metrics-{detail}"
        with self.lock:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
            tick = self._tick
            pieces = self._metrics.collect(
                self._balance_now, self._agg, self.fleet, self.alloc.gpu_slot,
                self.book.slot_mem, detail,
            )
        text = self._metrics.join(pieces)
        with self.lock:
            if self._tick == tick:
                self._cache[key] = text
        return text

    # -- faults -----------------------------------------------------------------------------
    def inject(self, kind: str, target: str | None = None, **params: Any) -> dict[str, Any]:
        """Raise a fault now; returns its (first) event.

        Kinds: ``xid`` (param ``xid``, default 79), ``ecc`` (default 48), ``row_remap``
        (default 64), ``thermal`` — targets a GPU UUID, node, rack, row, hall or the site
        (None), param ``count`` (int or ``'all'``, default 1); ``cooling_loss`` (row id),
        ``pdu_trip`` (rack id, param ``feed`` 'A'/'B'), ``wind_drop``, ``outage``.
        Injected faults last until ``clear_fault`` unless ``duration_s`` is given.
        """
        with self.lock:
            if kind == "outage":
                self.set_outage(True)
                return self._outage_event
            event = self.faults.inject(kind, target, params, self.now)
            self._refresh_drain()
            self._aggregate()
            return event

    def clear_fault(self, kind: str, target: str | None = None) -> None:
        """End injected (or scheduled) faults of ``kind`` on ``target`` (None: all)."""
        with self.lock:
            if kind == "outage":
                self.set_outage(False)
                return
            self.faults.clear(kind, target, self.now)
            self._refresh_drain()
            self._aggregate()

    def set_outage(self, on: bool) -> None:
        """Start or end a hub API outage (the server answers 503 while it lasts)."""
        with self.lock:
            on = bool(on)
            if on == self.outage:
                return
            self.outage = on
            if on:
                self._outage_event = self.event_log.add(
                    self.now, "outage", "high", "Hub API outage started"
                )
            else:
                self.event_log.add(self.now, "outage_cleared", "info", "Hub API outage ended")
