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

from console.contract import EVENT_SEVERITIES, POWER_FIELDS, RACK_FIELDS

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
_SITE_MW_MAX = 10_000.0
"""The most megawatts a site's power figure is believed at: 10 GW, six times the synthetic
site four times Tétouan's size (``tetouan-x4``: 1,544 MW built, about 1,200 MW drawn)."""

POWER_LIMITS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "it_mw": (0.0, _SITE_MW_MAX),
        "facility_mw": (0.0, _SITE_MW_MAX),
        "solar_mw": (0.0, _SITE_MW_MAX),
        "wind_mw": (0.0, _SITE_MW_MAX),
        "battery_discharge_mw": (0.0, _SITE_MW_MAX),
        "battery_charge_mw": (0.0, _SITE_MW_MAX),
        "battery_soc_pct": (0.0, 100.0),
        "grid_mw": (0.0, _SITE_MW_MAX),
        "curtailment_mw": (0.0, _SITE_MW_MAX),
        "pue": (1.0, 3.0),
        "carbon_g_per_kwh": (0.0, 2000.0),
        "renewable_share_pct": (0.0, 100.0),
    }
)
assert set(RACK_LIMITS) == set(RACK_FIELDS) and set(POWER_LIMITS) == set(POWER_FIELDS)

# -- limits of everything else a source sends --------------------------------------------------
# Each table maps a field to its plausible range, inclusive, in the unit named beside it. The
# decoders (console.decode) keep a value only inside its range: outside it a number becomes NaN
# or None ("no data"; counted where the snapshot has an invalid count), a count becomes 0, an
# enumerated word becomes the table's unknown value. The cache and the views may rely on it.

EPOCH_LIMITS: tuple[float, float] = (946_684_800.0, 4_102_444_800.0)
"""Timestamps, epoch seconds: 2000-01-01 to 2100-01-01 (UTC)."""

TEXT_LIMITS: Mapping[str, int] = MappingProxyType(
    {
        "id": 256,  # characters: ids, names, labels, words of an enumeration
        "message": 4096,  # characters: messages, reasons, explanations
    }
)
"""Longest text kept; longer text is cut to this length, its last character an ellipsis."""

SITE_LIMITS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "lat": (-90.0, 90.0),  # degrees north
        "lon": (-180.0, 180.0),  # degrees east
        "capacity_mw": (0.0, 100_000.0),  # MW; 0 (also for anything refused) is "not given"
        "halls": (0, 32_767),  # halls in a site (the rack's hall index is an int16)
    }
)
"""The site document (``GET /api/v1/site``) apart from its halls, rows and racks."""

LAYOUT_LIMITS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "x": (-100_000.0, 100_000.0),  # metres from the site's origin
        "y": (-100_000.0, 100_000.0),  # metres
        "w": (0.0, 10_000.0),  # metres
        "h": (0.0, 10_000.0),  # metres
        "capacity_kw": (0.0, 1_000.0),  # kW a rack is built for
        "gpus": (0, 4_096),  # GPUs in a rack
        "nodes": (0, 4_096),  # servers in a rack
        "gpus_per_node": (0, 64),
        "position": (0, 100_000),  # a rack's place in its row
        "rows": (0, 100_000),  # rows in a hall
        "racks": (0, 1_000_000),  # racks in a hall
        "rating_kw": (0.0, 1_000.0),  # kW a PDU feed is rated for
        "load_kw": (0.0, 400.0),  # kW a PDU feed carries now (as RACK_LIMITS' pdu_a_kw)
        "slot": (0, 1_023),  # a server's slot in its rack
    }
)
"""Halls, rows, racks, servers and PDU feeds of the site and of one rack in depth."""

GPU_LIMITS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "temp_c": (-10.0, 130.0),  # °C (as RACK_LIMITS' gpu_temp_max_c)
        "power_w": (0.0, 5_000.0),  # W
        "power_limit_w": (0.0, 5_000.0),  # W
        "util_pct": (0.0, 100.0),  # %
        "mem_used_mib": (0.0, 16_777_216.0),  # MiB (16 TiB)
        "mem_total_mib": (0.0, 16_777_216.0),  # MiB
        "ecc_sbe": (0, 1_000_000_000),  # errors, a whole number
        "ecc_dbe": (0, 1_000_000_000),  # errors, a whole number
        "xid": (0, 65_535),  # NVIDIA XID code
        "clock_event_reasons": (0, 0xFFFF_FFFF),  # NVML bit mask
        "index": (0, 1_023),  # the GPU's index on its server
        "slot": (0, 1_023),  # the same, in the unhealthy list
        "job_id": (0, 2**53),  # the job on the GPU
        "since": EPOCH_LIMITS,  # epoch seconds: unhealthy since
        "xid_time": EPOCH_LIMITS,  # epoch seconds: when the XID came
    }
)
"""One GPU (the unhealthy list and one rack in depth)."""

GPU_COUNT_LIMITS: tuple[int, int] = (0, 10_000_000)
"""GPUs counted by status (``counts`` of the unhealthy list), per status."""

GPU_STATUS_UNKNOWN = "unknown"
"""What a GPU status, a server state or an event severity that is not one of the hub's
words reads as."""

SEVERITIES: tuple[str, ...] = EVENT_SEVERITIES
"""Event severities of the hub API (the contract's)."""

JOB_LIMITS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "id": (0, 2**53),  # a job id, a whole number (a job without one is left out)
        "gpus": (0, 10_000_000),  # GPUs of a job (all tasks of a pending array)
        "nodes": (0, 1_000_000),  # servers of a job
        "array_tasks": (0, 10_000_000),  # tasks of a pending job array
        "submit_time": EPOCH_LIMITS,  # epoch seconds
        "start_time": EPOCH_LIMITS,
        "end_time": EPOCH_LIMITS,
        "begin_time": EPOCH_LIMITS,
        "time_limit_s": (0.0, 1_000_000_000.0),  # seconds (about 31 years)
        "gpu_util_pct": (0.0, 100.0),  # percent: mean utilisation of the job's GPUs
        "total": (0, 10_000_000),  # jobs in the queue
    }
)
"""One job of the queue; a count out of range reads 0, a time or limit NaN."""

JOB_STATE_UNKNOWN = "UNKNOWN"
"""What a job state that is not one of the hub's states reads as."""

EVENT_LIMITS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "id": (0, 2**53 - 1),  # event id
        "time": EPOCH_LIMITS,  # epoch seconds
        "xid": (0, 65_535),
        "job_id": (0, 2**53),
        "gpus": (0, 10_000_000),
    }
)
"""One event as one rack in depth lists it."""

POWER_SERIES_LIMITS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "t": EPOCH_LIMITS,  # epoch seconds of each point
        "end": EPOCH_LIMITS,
        "step": (0.001, 86_400.0),  # seconds between points
    }
)
"""The time axis of ``GET /api/v1/power`` (the values are in :data:`POWER_LIMITS`)."""

NUMBER_LIMITS: tuple[float, float] = (-(2.0**53), 2.0**53)
"""Any other number of a record: finite and exact in every JSON reader."""
