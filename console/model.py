"""Immutable, numpy-backed snapshots of what a source delivers.

Every snapshot carries ``time`` (the source's own timestamp, epoch seconds) and
``received`` (the workstation's clock when it arrived), so every view knows how
old its data is and how far the source's clock is from ours. Arrays are made
read-only; views never mutate snapshots.
"""

from __future__ import annotations

import time as _time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from console.hub.openapi import POWER_FIELDS, RACK_FIELDS

KINDS = ("site", "racks", "gpus", "power", "jobs", "events")
"""The kinds of data a source delivers; each is polled on its own interval."""


def frozen(array: np.ndarray) -> np.ndarray:
    """Return ``array`` flagged read-only (shared, not copied)."""
    array.flags.writeable = False
    return array


def _frozen_map(values: Mapping[str, np.ndarray]) -> Mapping[str, np.ndarray]:
    return MappingProxyType({k: frozen(v) for k, v in values.items()})


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Base of every snapshot: the source's time and when it reached us."""

    time: float
    received: float = field(default_factory=_time.time, kw_only=True)

    kind = "base"

    def age(self, now: float | None = None) -> float:
        """Seconds since the snapshot reached the console."""
        return max(0.0, (_time.time() if now is None else now) - self.received)

    @property
    def clock_skew(self) -> float:
        """Source clock minus workstation clock at arrival, in seconds."""
        return self.time - self.received


@dataclass(frozen=True, slots=True)
class SiteTopology(Snapshot):
    """Halls, rows and racks of the site, in site order."""

    name: str = ""
    timezone: str = "UTC"
    lat: float = 0.0
    lon: float = 0.0
    capacity_mw: float = 0.0
    scale: str = ""
    halls: tuple[Mapping[str, Any], ...] = ()
    rows: tuple[Mapping[str, Any], ...] = ()
    racks: tuple[Mapping[str, Any], ...] = ()
    rack_index: Mapping[str, int] = field(default_factory=dict)
    geometry: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    """(n_racks, 4) float array of x, y, w, h in metres."""
    capacity_kw: np.ndarray = field(default_factory=lambda: np.zeros(0))
    gpus: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    hall_index: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    """Index into ``halls`` for each rack."""
    row_index: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    """Index into ``rows`` for each rack."""

    kind = "site"

    @property
    def n_racks(self) -> int:
        return len(self.racks)

    @property
    def rack_ids(self) -> tuple[str, ...]:
        if len(self.rack_index) == len(self.racks):  # ids unique: the index keeps rack order
            return tuple(self.rack_index)
        return tuple(r["id"] for r in self.racks)

    @property
    def total_gpus(self) -> int:
        return int(self.gpus.sum())


@dataclass(frozen=True, slots=True)
class RackTelemetry(Snapshot):
    """Per-rack aggregates aligned to a :class:`SiteTopology`'s rack order.

    Racks the telemetry did not cover, and values that failed validation, are NaN
    (shown as "no data", never as zero). ``unknown_ids`` lists racks the telemetry
    named that the topology does not know.
    """

    fields: Mapping[str, np.ndarray] = field(default_factory=dict)
    missing: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    unknown_ids: tuple[str, ...] = ()
    invalid_values: int = 0

    kind = "racks"

    def __getitem__(self, name: str) -> np.ndarray:
        return self.fields[name]

    @property
    def n_missing(self) -> int:
        return int(self.missing.sum())


@dataclass(frozen=True, slots=True)
class UnhealthyGpus(Snapshot):
    """Every GPU that is not healthy, with the fleet counts by status."""

    gpus: tuple[Mapping[str, Any], ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    not_collected: Mapping[str, str] = field(default_factory=dict)
    """Health signal -> why it is not read (e.g. ECC counters off in dcgm-exporter)."""

    kind = "gpus"


@dataclass(frozen=True, slots=True)
class PowerSeries(Snapshot):
    """Site power and supply series; NaN marks a gap or a rejected value."""

    t: np.ndarray = field(default_factory=lambda: np.zeros(0))
    fields: Mapping[str, np.ndarray] = field(default_factory=dict)
    step: float = 10.0
    invalid_values: int = 0
    missing: Mapping[str, str] = field(default_factory=dict)
    """Field -> why it has no values (e.g. "not metered: no solar meter configured")."""

    kind = "power"

    def __getitem__(self, name: str) -> np.ndarray:
        return self.fields[name]

    def __len__(self) -> int:
        return len(self.t)

    def latest(self) -> dict[str, float]:
        """The last point's values (NaN where missing); empty dict when empty."""
        if not len(self.t):
            return {}
        return {"t": float(self.t[-1])} | {k: float(v[-1]) for k, v in self.fields.items()}


@dataclass(frozen=True, slots=True)
class JobsSnapshot(Snapshot):
    """The job queue as columns (one array per field, same length)."""

    columns: Mapping[str, np.ndarray] = field(default_factory=dict)
    invalid: int = 0
    """Records the source sent that were dropped (a missing or null job id or state)."""
    partition_gpus: Mapping[str, Mapping[str, int]] | None = None
    """Partition -> ``{"total": GPUs configured, "free": GPUs free now}`` from the
    scheduler's own nodes (Slurm); None when the source does not say (the hub: then the
    site topology gives the partition's size)."""

    kind = "jobs"

    def __len__(self) -> int:
        ids = self.columns.get("id")
        return 0 if ids is None else len(ids)

    def row(self, i: int) -> dict[str, Any]:
        """One job as a plain dict."""
        return {k: v[i] for k, v in self.columns.items()}


@dataclass(frozen=True, slots=True)
class EventBatch(Snapshot):
    """Hub events newer than the last id seen.

    Event ids count within one lifetime of the hub (they start again at 1 when the hub
    restarts), so events are told apart by ``(lifetime, id)``.
    """

    events: tuple[Mapping[str, Any], ...] = ()
    last_id: int = 0
    """The newest event id in this batch (the poller's cursor moves to it)."""
    hub_last_id: int | None = None
    """The hub's newest event id as the answer says (``last_id``); None when not sent."""
    instance: str | None = None
    """The hub's name for its current lifetime (``instance``); None when not sent."""
    lifetime: str = ""
    """The lifetime these events are stored under: the hub's ``instance``, or one the
    poller derived when it saw the hub restart (hubs that send no instance)."""
    restarted: bool = False
    """The hub restarted (or disowned the cursor) before this batch: it holds the new
    lifetime from its first kept event, and consumers reset what they keep by id."""

    kind = "events"


@dataclass(frozen=True, slots=True)
class RackDetailSnapshot(Snapshot):
    """One rack in depth: nodes and GPUs, PDU readings, jobs, recent events."""

    rack: Mapping[str, Any] = field(default_factory=dict)
    nodes: tuple[Mapping[str, Any], ...] = ()
    pdus: tuple[Mapping[str, Any], ...] = ()
    jobs: tuple[Mapping[str, Any], ...] = ()
    events: tuple[Mapping[str, Any], ...] = ()

    kind = "rack"


# Plausible ranges: anything outside is rejected (NaN) and counted, never shown as truth.
RACK_LIMITS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "power_kw": (0.0, 400.0),
        "inlet_c": (-10.0, 80.0),
        "outlet_c": (-10.0, 100.0),
        "gpu_temp_max_c": (-10.0, 130.0),
        "gpu_util_mean": (0.0, 100.0),
        "gpus_unhealthy": (0.0, 1000.0),
        "pdu_a_kw": (0.0, 400.0),
        "pdu_b_kw": (0.0, 400.0),
        "alarm": (0.0, 4.0),
    }
)
POWER_LIMITS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "it_mw": (0.0, 1000.0),
        "facility_mw": (0.0, 1000.0),
        "solar_mw": (0.0, 1000.0),
        "wind_mw": (0.0, 1000.0),
        "battery_discharge_mw": (0.0, 1000.0),
        "battery_charge_mw": (0.0, 1000.0),
        "battery_soc_pct": (0.0, 100.0),
        "grid_mw": (0.0, 1000.0),
        "curtailment_mw": (0.0, 1000.0),
        "pue": (1.0, 3.0),
        "carbon_g_per_kwh": (0.0, 2000.0),
        "renewable_share_pct": (0.0, 100.0),
    }
)
assert set(RACK_LIMITS) == set(RACK_FIELDS) and set(POWER_LIMITS) == set(POWER_FIELDS)
