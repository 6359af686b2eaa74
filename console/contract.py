"""The hub API contract: field lists, state sets, units and limits of the hub's answers.

Both sides of the API import this module: the console's core (decoders, cache, sources,
views) reads answers with it, and the simulated hub (``console.hub``) writes answers and
builds its OpenAPI document (``console.hub.openapi``) from it. It imports nothing of
either, so neither sits under the other. Qt-free, no third-party imports.

Times are epoch seconds (UTC) unless a name says otherwise; a unit suffix on a field or
constant name gives its unit (``_kw`` kilowatts, ``_mw`` megawatts, ``_c`` degrees
Celsius, ``_pct`` percent 0-100, ``_s`` seconds, ``_mib`` mebibytes, ``_w`` watts).
"""

from __future__ import annotations

API_VERSION = "1.0.0"
"""Version of the hub API (``info.version`` of the OpenAPI document)."""

RACK_FIELDS: tuple[str, ...] = (
    "power_kw",  # kW: the rack's power draw (IT load)
    "inlet_c",  # °C: cold-aisle inlet temperature
    "outlet_c",  # °C: exhaust temperature
    "gpu_temp_max_c",  # °C: hottest GPU in the rack
    "gpu_util_mean",  # percent 0-100: mean GPU utilisation
    "gpus_unhealthy",  # count: GPUs whose status is not healthy
    "pdu_a_kw",  # kW: load on PDU feed A
    "pdu_b_kw",  # kW: load on PDU feed B
    "alarm",  # level 0-4: 0 none, 1 low, 2 medium, 3 high, 4 critical
)
"""Per-rack columnar fields of ``GET /api/v1/racks`` (one array per field, site order;
``null`` where a value is unknown)."""

POWER_FIELDS: tuple[str, ...] = (
    "it_mw",  # MW: IT load (all racks)
    "facility_mw",  # MW: IT load plus cooling and losses (it_mw x pue)
    "solar_mw",  # MW: available solar generation
    "wind_mw",  # MW: available wind generation
    "battery_discharge_mw",  # MW: battery output
    "battery_charge_mw",  # MW: battery input
    "battery_soc_pct",  # percent 0-100: battery state of charge
    "grid_mw",  # MW: grid import
    "curtailment_mw",  # MW: renewable generation neither used nor stored
    "pue",  # ratio >= 1: power usage effectiveness (facility / IT)
    "carbon_g_per_kwh",  # gCO2/kWh: carbon intensity of the facility load
    "renewable_share_pct",  # percent 0-100: share of the facility load met by renewables
)
"""Series of ``GET /api/v1/power`` (one array per field, aligned with ``t``; ``null``
where a value is unknown)."""

JOB_OPTIONAL_FIELDS: tuple[str, ...] = ("gpu_util_pct",)
"""Fields of a job a hub may leave out (or send ``null``) when it cannot tell:
``gpu_util_pct``, percent 0-100: the mean utilisation of the GPUs the job holds now (a
running job's; the simulated hub from its GPUs; a site read from Prometheus and Slurm from
dcgm-exporter's ``DCGM_FI_DEV_GPU_UTIL``, by its ``hpc_job`` label or joined with the GPUs
Slurm's ``gres_detail`` allocates the job, unknown where neither tells)."""

JOB_STATES: tuple[str, ...] = ("PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT")
"""A job's state (Slurm's words); the last four are finished states."""

GPU_STATUSES: tuple[str, ...] = ("healthy", "degraded", "failed", "off_bus")
"""A GPU's health status, in rising order of severity (``off_bus``: the GPU no longer
answers on its PCIe bus)."""

NODE_STATES: tuple[str, ...] = ("up", "drain", "maint", "down")
"""A server's state as the scheduler sees it; ``drain`` and ``maint`` servers raise no alarms."""

EVENT_SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low", "info")
"""An event's severity, most severe first."""

TENANT_KINDS: tuple[str, ...] = ("research", "startup", "enterprise")
"""The kind of tenant a job belongs to (``tenant_kind`` of a job)."""

HALL_COOLINGS: tuple[str, ...] = ("liquid", "air")
"""How a data hall is cooled (``cooling`` of a hall)."""

GPU_REQUIRED_FIELDS: tuple[str, ...] = (
    "index", "uuid", "model", "temp_c", "power_w", "power_limit_w", "util_pct", "mem_used_mib",
    "mem_total_mib", "ecc_sbe", "ecc_dbe", "row_remap_failure", "xid", "xid_time",
    "clock_event_reasons", "status",
)  # fmt: skip
"""Fields of a GPU (one rack in depth) every hub sends; ``job_id`` is optional (hubs that
cannot tell omit it). Units as the names say; ``xid_time`` in epoch seconds,
``clock_event_reasons`` a bit mask (the ``REASON_*`` bits)."""

UNHEALTHY_GPU_REQUIRED_FIELDS: tuple[str, ...] = (
    "uuid", "model", "hall", "row", "rack", "node", "host", "slot", "status", "xid", "ecc_dbe",
    "row_remap_failure", "clock_event_reasons", "temp_c", "power_w", "since",
)  # fmt: skip
"""Fields of a GPU of ``GET /api/v1/gpus/unhealthy`` every hub sends; ``job_id`` and
``node_state`` are optional. ``since`` in epoch seconds (unhealthy since then)."""

MAX_EVENT_ID = 2**53 - 1
"""Largest event id (and ``last_id``): the largest whole number a JSON double holds exactly."""

MAX_INSTANCE_CHARS = 200
"""Longest ``instance`` (the name of one lifetime of the hub) of ``GET /api/v1/events``,
in characters."""

JOB_KEEP_FINISHED_S = 86_400.0
"""Seconds a finished job stays in the hub's job queue after its end (the hub's retention);
sources that build the queue themselves keep finished jobs as long."""

# Clock-event reason bits of ``clock_event_reasons`` (NVML's nvmlClocksEventReasons).
REASON_IDLE = 0x1
"""Clocks lowered because the GPU is idle."""
REASON_SW_POWER_CAP = 0x4
"""Clocks lowered to hold the GPU under its power limit (``power_limit_w``)."""
REASON_HW_SLOWDOWN = 0x8
"""Hardware slowdown (the GPU or the board asserted it)."""
REASON_SW_THERMAL = 0x20
"""Software thermal slowdown (the driver holds the GPU under its thermal target)."""
REASON_HW_THERMAL = 0x40
"""Hardware thermal slowdown (the GPU is too hot)."""
REASON_HW_POWER_BRAKE = 0x80
"""Hardware power brake (an external signal, e.g. the power supply, asserted it)."""

DEFAULT_SITE_TZ = "Africa/Casablanca"
"""The site's time zone (IANA name) used only until a site topology is known
(``SiteTopology.timezone`` then gives it)."""

DEFAULT_CAPACITY_MW = 386.0
"""MW: the contracted facility capacity (power envelope) used only until a site topology is
known (``SiteTopology.capacity_mw`` then gives it)."""

# -- the shift log (``/api/v1/log``) ----------------------------------------------------------
LOG_CATEGORIES: tuple[str, ...] = ("operations", "maintenance", "safety", "customer")
"""A shift-log entry's category."""

LOG_LINK_KINDS: tuple[str, ...] = ("rack", "alarm", "incident", "job")
"""What a shift-log entry may link to: a rack id, an alarm id, an incident id, a job id."""

LOG_ENTRY_FIELDS: tuple[str, ...] = (
    "id", "uid", "rev", "time", "author", "category", "text", "links", "open", "cleared_by",
    "cleared_at",
)  # fmt: skip
"""Fields of a shift-log entry as the hub sends it (every one, always). ``id``: the hub's
number for the entry; ``uid``: the writer's UUID (the key a repeated write is known by);
``rev``: the hub's change counter when the entry was last written (created or cleared);
``time``: epoch seconds of the hub's clock when it was written; ``links``: a list of
``{"kind", "ref"}``; ``open``: an open item (carried forward until cleared);
``cleared_by``/``cleared_at``: who cleared it and when (null while not cleared)."""

LOG_NEW_FIELDS: tuple[str, ...] = ("uid", "author", "category", "text", "links", "open")
"""Fields of ``POST /api/v1/log``: ``uid``, ``author``, ``category`` and ``text`` are
required, ``links`` (default none) and ``open`` (default false) optional."""

LOG_MAX_TEXT_CHARS = 4000
"""Longest entry text, in characters (after control characters are taken out)."""
LOG_MAX_AUTHOR_CHARS = 64
"""Longest author (and clearer) name, in characters."""
LOG_MAX_LINKS = 32
"""Most links of one entry."""
LOG_MAX_REF_CHARS = 128
"""Longest link reference (a rack, alarm, incident or job id), in characters."""
LOG_MAX_BODY_BYTES = 65_536
"""Largest request body the hub reads (a larger one is refused with 413)."""
LOG_PAGE_ENTRIES = 1000
"""Most entries of one ``GET /api/v1/log`` answer; ``more`` says when more follow (ask
again from the answer's ``rev``)."""

# -- the forecast (``/api/v1/forecast``) -------------------------------------------------------
FORECAST_FIELDS: tuple[str, ...] = (
    "solar_mw", "wind_mw", "battery_soc_pct", "grid_carbon_g_per_kwh", "it_mw", "facility_mw",
)  # fmt: skip
"""Fields a forecast may hold, each a P10/P50/P90 band aligned with its ``t``: available
solar and wind generation (MW), the battery's state of charge if nothing changes (%), the
carbon intensity of grid imports (gCO2eq/kWh) and the load if nothing changes (MW). Every
field is optional."""
FORECAST_QUANTILES: tuple[str, ...] = ("p10", "p50", "p90")
"""The quantiles of each forecast field: 10 %, the median and 90 %."""
FORECAST_MAX_HOURS = 72
"""Longest forecast ``GET /api/v1/forecast?hours=N`` gives (N is 1 to this; default 24)."""
FORECAST_DEFAULT_HOURS = 24
"""Hours of forecast asked for when ``hours`` is not given."""
FORECAST_STEP_S = 900.0
"""Seconds between the points of the simulated hub's forecast."""
