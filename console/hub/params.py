"""Every number of the simulated Tétouan hub, in one place (the API's own: console.contract).

Figures come from ``shared/docs/DESIGN.md`` ("The simulated Tétouan hub") and from the
H200 recordings in ``shared/fixtures/nvml`` (82 W idle -> ~693 W at a 700 W cap, 38 -> 59 °C,
clock-event reason 0x4 while loaded and 0x1 while idle). Where a figure is a judgement call
the comment beside it says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.contract import GPU_STATUSES
from console.hub.scales import SCALES as SCALES  # there: read at start-up without the rest

SITE_COPIES: dict[str, int] = {"tetouan": 1, "tetouan-x2": 2, "tetouan-x4": 4}
"""How many times each preset holds the Tétouan site's halls (presets of whole sites only)."""

# --- site ------------------------------------------------------------------------------------
SITE_NAME = "Tétouan AI Hub"
SITE_LAT = 35.57
SITE_LON = -5.37
SITE_TZ = "Africa/Casablanca"
SITE_UTC_OFFSET_H = 1.0  # Morocco keeps UTC+1 except during Ramadan (UTC+0); the sim uses +1
SITE_CAPACITY_MW = 386.0
DRIVER_VERSION = "580.159.04"


@dataclass(frozen=True)
class RackSpec:
    """One kind of rack: its servers, GPUs, power and cooling figures."""

    rack_type: str
    gpu_model: str
    model_name: str  # as NVML / dcgm-exporter's modelName label spells it
    cooling: str
    nodes: int  # servers (NVL72: compute trays) per rack
    gpus_per_node: int
    capacity_kw: float
    design_kw: float
    pdu_rating_kw: float  # each of the two feeds; one feed alone cannot carry a loaded rack
    width_m: float
    depth_m: float
    gpu_idle_w: float
    gpu_cap_w: float  # enforced power limit
    gpu_demand_w: float  # what a fully busy GPU would draw without the cap (so loaded GPUs cap)
    gpu_cap_margin: float  # loaded GPUs settle this fraction under the cap (693 / 700 measured)
    temp_offset_c: float  # GPU temperature = inlet + offset + k * power (steady state)
    temp_k_c_per_w: float
    temp_slowdown_c: float
    temp_shutdown_c: float
    mem_total_mib: int
    mem_idle_mib: int
    node_overhead_idle_w: float  # CPUs, NICs, fans, DPUs per server
    node_overhead_load_w: float
    rack_overhead_w: float  # NVLink switch trays, ToR switches, power-shelf losses
    pci_bus_ids: tuple[str, ...]

    @property
    def gpus(self) -> int:
        """GPUs in one rack."""
        return self.nodes * self.gpus_per_node


# GB200 NVL72: 18 compute trays x 4 GPUs, ~1.2 kW per GPU, ~130 kW per rack, liquid-cooled.
# Loaded: 72 x 1,188 W + 18 x 2.0 kW + 7.5 kW = 129 kW; idle: ~35 kW.
NVL72 = RackSpec(
    rack_type="nvl72",
    gpu_model="GB200",
    model_name="NVIDIA GB200",
    cooling="liquid",
    nodes=18,
    gpus_per_node=4,
    capacity_kw=132.0,
    design_kw=130.0,
    pdu_rating_kw=100.0,  # each feed ~64 % loaded; a lone feed after a trip overloads
    width_m=0.6,
    depth_m=1.2,
    gpu_idle_w=150.0,
    gpu_cap_w=1200.0,
    gpu_demand_w=1290.0,
    gpu_cap_margin=0.99,
    temp_offset_c=7.25,  # coolant-side: 36 °C idle, ~62 °C loaded at a 25 °C inlet
    temp_k_c_per_w=0.0251,
    temp_slowdown_c=88.0,
    temp_shutdown_c=94.0,
    mem_total_mib=189_471,
    mem_idle_mib=641,
    node_overhead_idle_w=900.0,
    node_overhead_load_w=2000.0,
    rack_overhead_w=7500.0,
    pci_bus_ids=("00000008:01:00.0", "00000009:01:00.0", "00000018:01:00.0", "00000019:01:00.0"),
)

# HGX H200: 4 x 8-GPU servers per rack, ~45 kW, air-cooled. Calibrated on the H200 recording:
# 82 W idle, 693 W loaded at the 700 W cap; 38 °C idle, 59 °C loaded (inlet 25 °C).
# Loaded: 4 x (8 x 693 W + 5.2 kW) + 1 kW = 44 kW; idle: ~11 kW.
HGX = RackSpec(
    rack_type="hgx",
    gpu_model="H200",
    model_name="NVIDIA H200",
    cooling="air",
    nodes=4,
    gpus_per_node=8,
    capacity_kw=48.0,
    design_kw=45.0,
    pdu_rating_kw=36.0,  # each feed ~62 % loaded; a lone feed after a trip overloads
    width_m=0.6,
    depth_m=1.07,
    gpu_idle_w=82.0,
    gpu_cap_w=700.0,
    gpu_demand_w=750.0,
    gpu_cap_margin=0.99,
    temp_offset_c=10.18,
    temp_k_c_per_w=0.03437,  # (59 - 38) / (693 - 82)
    temp_slowdown_c=89.0,  # NVML slowdown threshold of the recorded H200
    temp_shutdown_c=95.0,
    mem_total_mib=143_771,
    mem_idle_mib=615,
    node_overhead_idle_w=1800.0,
    node_overhead_load_w=5200.0,
    rack_overhead_w=1000.0,
    pci_bus_ids=(
        "00000000:18:00.0",
        "00000000:2A:00.0",
        "00000000:3A:00.0",
        "00000000:5D:00.0",
        "00000000:9A:00.0",
        "00000000:AB:00.0",
        "00000000:BA:00.0",
        "00000000:DB:00.0",
    ),
)

RACK_SPECS: tuple[RackSpec, ...] = (NVL72, HGX)  # index = rack kind code used in arrays


@dataclass(frozen=True)
class HallSpec:
    """One data hall: its rack kind and its grid of rows x racks."""

    id: str
    spec: RackSpec
    rows: int
    racks_per_row: int


HALLS: tuple[HallSpec, ...] = (
    HallSpec("A", NVL72, 20, 24),
    HallSpec("B", NVL72, 20, 24),
    HallSpec("C", NVL72, 20, 24),
    HallSpec("D", NVL72, 20, 24),
    HallSpec("E", HGX, 20, 40),
    HallSpec("F", HGX, 20, 40),
)

HALL_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
"""Hall ids in site order: one letter each, so a rack id ``A-01-01`` and a host name
``a01-01-n01`` stay unique and read back (at most 26 halls, four times the site)."""


def site_halls(copies: int) -> tuple[HallSpec, ...]:
    """The Tétouan site's halls ``copies`` times over, renamed in order (``G``-``L`` copy
    ``A``-``F``): same rack kinds, same rows and racks, so the per-rack make-up is the site's.
    ValueError when the halls would run out of letters."""
    if copies < 1 or copies * len(HALLS) > len(HALL_LETTERS):
        raise ValueError(f"{copies} copies of the site need more than {len(HALL_LETTERS)} halls")
    return tuple(
        HallSpec(HALL_LETTERS[c * len(HALLS) + i], h.spec, h.rows, h.racks_per_row)
        for c in range(copies)
        for i, h in enumerate(HALLS)
    )

# --- floor plan (metres) -----------------------------------------------------------------------
COLD_AISLE_M = 1.8  # three floor tiles between the fronts of a row pair
HOT_AISLE_M = 1.2  # contained hot aisle between the backs of two pairs
CROSS_AISLE_M = 1.8  # a walkway across the middle of every row
HALL_SIDE_MARGIN_M = 4.0  # CDU / CRAH galleries along the hall sides
HALL_END_MARGIN_M = 3.0
SITE_MARGIN_M = 10.0
SITE_ROAD_M = 12.0  # between halls on the site plan
HALLS_PER_SITE_ROW = 3  # halls side by side on the site plan; a larger preset: times the
# square root of its copies, rounded up (x2: 6 x 2 halls, x4: 6 x 4), so its plan stays wide

# --- thermal and cooling ------------------------------------------------------------------
INLET_SUPPLY_C = {"liquid": 25.0, "air": 24.0}  # supply air set point by hall cooling
INLET_OUTDOOR_GAIN = 0.06  # °C of inlet per °C of outdoor temperature above the knee
INLET_OUTDOOR_KNEE_C = 22.0
INLET_RACK_SPREAD_C = 1.2  # row ends run warmer than the middle
INLET_NOISE_C = 0.1
OUTLET_RISE_C = {"liquid": 9.0, "air": 16.0}  # exhaust rise at full rack load
GPU_THERMAL_TAU_S = 15.0
GPU_TEMP_SPREAD_C = 1.0  # per-GPU static offset (sigma)
COOLING_LOSS_RISE_C = 12.0  # inlet rise of a row whose cooling unit is lost (-> 36-39 °C)
COOLING_LOSS_TAU_S = 240.0
COOLING_RESTORE_TAU_S = 180.0
COOLING_LOSS_GPU_GAIN = 3.0  # extra GPU heating per °C of row inlet rise (heat sinks lose flow too)
THERMAL_FAULT_TEMP_C = (87.0, 90.0)
THERMAL_FAULT_POWER_FRAC = 0.55
HW_SLOWDOWN_POWER_FRAC = 0.5
POWER_BRAKE_POWER_FRAC = 0.6

# --- utilisation ---------------------------------------------------------------------------
BUSY_UTIL_PCT = (85.0, 100.0)
IDLE_UTIL_PCT = (-8.0, 5.0)  # clipped at 0: most idle GPUs read 0 %, some a few %
UTIL_NOISE_PCT = 2.0
IDLE_UTIL_THRESHOLD_PCT = 10.0  # below this the GPU reports reason 0x1 (idle)
POWER_DEADBAND_PCT = 5.0  # housekeeping utilisation below this draws no more than idle power
SITE_UTIL_MEAN = 0.80
SITE_UTIL_DAILY_AMP = 0.06
SITE_UTIL_WEEKEND_DIP = 0.03
SITE_UTIL_RANGE = (0.70, 0.90)

# clock-event reason bits: console.contract (REASON_*), the API reports them

# GPU status codes (array values) and their names: a code indexes the API's status words
STATUS_NAMES: tuple[str, ...] = GPU_STATUSES
HEALTHY, DEGRADED, FAILED, OFF_BUS = 0, 1, 2, 3

# --- rack alarms (0 none, 1 low, 2 medium, 3 high, 4 critical) --------------------------------
INLET_ALARM_C = ((27.0, 1), (30.0, 2), (32.0, 3))
PDU_ALARM_FRAC = ((0.90, 2), (0.95, 4))
GPU_HOT_ALARM_C = 85.0

# --- supply ----------------------------------------------------------------------------------
SOLAR_MWP = 200.0
SOLAR_DERATE = 0.88  # inverter, soiling and temperature losses at the plant
WIND_MW = 300.0
WIND_AVAILABILITY = 0.97
WIND_CUT_IN_MS = 3.0
WIND_RATED_MS = 12.0
WIND_CUT_OUT_MS = 25.0
WIND_MEAN_MS = 8.2
WIND_SPREAD_MS = 3.6
BATTERY_MW = 100.0
BATTERY_MWH = 400.0
BATTERY_SOC_MIN = 10.0
BATTERY_SOC_MAX = 95.0
BATTERY_SOC_START = 50.0
BATTERY_EFFICIENCY = 0.95  # each way
GRID_INTENSITY_MEAN = 650.0  # gCO2/kWh of the Moroccan grid (coal-heavy)
GRID_INTENSITY_AMP = 35.0
GRID_INTENSITY_RANGE = (600.0, 700.0)
PUE_RANGE = (1.10, 1.35)
PUE_OUTDOOR_C = (12.0, 34.0)  # PUE rises linearly across this outdoor temperature range
OUTDOOR_MEAN_C = 18.5
OUTDOOR_SEASON_AMP_C = 6.5  # coldest ~20 January, warmest ~21 July
OUTDOOR_DAY_AMP_C = (3.5, 5.5)  # winter, summer half-range of the day
CLOUD_WINTER, CLOUD_SUMMER = 0.55, 0.12
CLOUD_SOLAR_LOSS = 0.75

# --- power history -----------------------------------------------------------------------------
HISTORY_STEP_S = 10.0
HISTORY_PRECOMPUTE_S = 7 * 86_400.0
HISTORY_KEEP_S = 8 * 86_400.0
POWER_DEFAULT_SPAN_S = 3_600.0
POWER_MAX_POINTS = 100_000
JUMP_CHUNK_S = 60.0  # a long step() advances jobs and faults in chunks of at least this
JUMP_MAX_CHUNKS = 48
EVENTS_KEEP = 10_000
RACK_EVENTS_KEEP = 50

# --- jobs ------------------------------------------------------------------------------------
# (GPUs, relative share of submissions, median run time in hours). Powers of two mostly;
# the odd sizes are what people ask for too. Tuned so that at full scale ~2,200 jobs run on
# ~80 % of the GPUs (mean run ~22 h) and ~2,400 finish a day.
JOB_SIZE_CLASSES: tuple[tuple[int, float, float], ...] = (
    (1, 0.20, 10.0),
    (2, 0.08, 12.0),
    (3, 0.01, 12.0),
    (4, 0.14, 14.0),
    (6, 0.01, 14.0),
    (8, 0.17, 16.0),
    (12, 0.01, 16.0),
    (16, 0.10, 18.0),
    (32, 0.08, 20.0),
    (48, 0.01, 20.0),
    (64, 0.07, 22.0),
    (128, 0.04, 24.0),
    (144, 0.005, 24.0),
    (256, 0.025, 24.0),
    (512, 0.01, 30.0),
    (1024, 0.004, 36.0),
    (2048, 0.0015, 36.0),
    (4096, 0.0006, 48.0),
)
JOB_DURATION_SIGMA = 0.8  # lognormal spread of run times
JOB_DEMAND_FACTOR = 1.5  # submissions exceed what the target utilisation can serve
JOB_PATIENCE_H = 72.0  # mean wait before a pending job is cancelled by its user
JOB_OUTCOMES: tuple[tuple[str, float], ...] = (
    ("COMPLETED", 0.87),
    ("FAILED", 0.06),
    ("CANCELLED", 0.05),
    ("TIMEOUT", 0.02),
)
JOB_TIME_LIMITS_H: tuple[float, ...] = (24.0, 48.0, 72.0, 120.0, 168.0)
JOB_DEBUG_LIMIT_H = 2.0
JOB_DEBUG_MAX_GPUS = 8
JOB_PREEMPT_LIMIT_H = 24.0
# finished jobs stay console.contract.JOB_KEEP_FINISHED_S (the API's retention)
JOB_FIRST_ID = 4_180_000
JOB_SCHED_INTERVAL_S = 30.0  # the scheduler also runs whenever GPUs free up or jobs arrive
JOB_SCHED_MAX_FAILS = 40  # like Slurm's bf_max_job_test: stop after this many misfits
JOB_MEM_FRAC = (0.35, 0.95)
# partition -> (share of submissions at full scale, rack kinds it runs on); the shares of the
# dedicated partitions follow their pool's share of GPUs at smaller scales
PARTITIONS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("gpu-gb200", 0.66, ("nvl72",)),
    ("gpu-h200", 0.22, ("hgx",)),
    ("debug", 0.05, ("hgx", "nvl72")),
    ("preempt", 0.07, ("nvl72", "hgx")),
)
# pending reasons that block a job until a timer runs out: (code, share, hours low, high)
PENDING_BLOCKED: tuple[tuple[str, float, float, float], ...] = (
    ("QOSMaxGPUPerUser", 0.09, 1.0, 8.0),
    ("AssocGrpGRES", 0.07, 1.0, 10.0),
    ("ReqNodeNotAvail", 0.03, 1.0, 6.0),
    ("Dependency", 0.10, 0.5, 12.0),
    ("JobHeldUser", 0.03, 2.0, 24.0),
    ("BeginTime", 0.04, 0.5, 10.0),
)

# --- faults ------------------------------------------------------------------------------
# Rates at full scale (189,440 GPUs, 240 rows, 3,520 racks); smaller scales scale them down.
GPU_XID_PER_HOUR = 10.0
GPU_THERMAL_PER_HOUR = 1.0
COOLING_LOSS_PER_HOUR = 1.0 / 6.0
PDU_TRIP_PER_HOUR = 1.0 / 5.0
WIND_DROP_PER_HOUR = 1.0 / 48.0
FULL_SCALE_GPUS = 189_440
FULL_SCALE_ROWS = 240
FULL_SCALE_RACKS = 3_520
FAULT_BACKLOG_H = 48.0  # GPU faults of this many past hours still awaiting repair at start
THERMAL_FAULT_H = (0.5, 3.0)
COOLING_LOSS_H = (0.3, 1.5)
PDU_TRIP_H = (0.5, 2.0)
WIND_DROP_H = (1.0, 4.0)
WIND_DROP_FACTOR = 0.10


@dataclass(frozen=True)
class XidSpec:
    """What one XID means to the fleet: resulting status, event, action and repair time."""

    xid: int
    weight: float  # share of scheduled XIDs
    status: int  # DEGRADED, FAILED or OFF_BUS
    kind: str  # event kind
    severity: str
    text: str
    action: str
    repair_h: tuple[float, float]
    kills_job: bool
    dbe: int = 0  # double-bit ECC errors added
    sbe: int = 0  # single-bit ECC errors added
    remap_failure: bool = False
    hw_slowdown: bool = False


# fmt: off
XIDS: tuple[XidSpec, ...] = (
    XidSpec(13, 0.09, DEGRADED, "xid", "low", "Graphics engine exception",
            "Check the application; run dcgmi diag -r 2 if it recurs", (0.25, 1.0), True),
    XidSpec(31, 0.09, DEGRADED, "xid", "low", "GPU memory page fault",
            "Check the application; run dcgmi diag if it recurs", (0.25, 1.0), True),
    XidSpec(43, 0.05, DEGRADED, "xid", "low", "GPU stopped processing",
            "Usually the application; reset the GPU if it recurs", (0.25, 1.0), True),
    XidSpec(45, 0.04, DEGRADED, "xid", "low", "Preemptive cleanup after previous errors",
            "Follow the preceding XID", (0.25, 1.0), True),
    XidSpec(48, 0.06, FAILED, "ecc", "high", "Double-bit ECC error",
            "Drain node, reset GPU; RMA if DBEs recur", (6.0, 36.0), True, dbe=1),
    XidSpec(61, 0.02, DEGRADED, "xid", "medium", "Internal micro-controller breakpoint",
            "Drain node and reset the GPU", (1.0, 8.0), True, hw_slowdown=True),
    XidSpec(62, 0.02, DEGRADED, "xid", "medium", "Internal micro-controller halt",
            "Drain node and reset the GPU", (1.0, 8.0), True, hw_slowdown=True),
    XidSpec(63, 0.10, DEGRADED, "row_remap", "low", "Row remapping pending",
            "Reset the GPU at the next drain to apply the remap", (1.0, 6.0), False, sbe=12),
    XidSpec(64, 0.04, FAILED, "row_remap", "high", "Row remapping failure",
            "Drain node; RMA the GPU", (12.0, 48.0), True, dbe=1, remap_failure=True),
    XidSpec(74, 0.08, DEGRADED, "xid", "medium", "NVLink error",
            "Drain node; check NVLink cables and switch trays", (1.0, 8.0), True,
            hw_slowdown=True),
    XidSpec(79, 0.12, OFF_BUS, "xid", "critical", "GPU has fallen off the bus",
            "Drain node; reseat or replace the GPU (RMA)", (4.0, 24.0), True),
    XidSpec(92, 0.06, DEGRADED, "ecc", "low", "High single-bit ECC error rate",
            "Watch ECC counters; schedule a GPU reset", (1.0, 8.0), False, sbe=480),
    XidSpec(94, 0.07, FAILED, "ecc", "high", "Contained ECC error",
            "Drain node and reset the GPU", (2.0, 12.0), True, dbe=1),
    XidSpec(95, 0.04, FAILED, "ecc", "critical", "Uncontained ECC error",
            "Drain node, reset GPU; RMA if it recurs", (6.0, 36.0), True, dbe=1),
    XidSpec(119, 0.05, FAILED, "xid", "high", "GSP RPC timeout",
            "Drain node and reboot; update driver/firmware if it recurs", (2.0, 12.0), True),
    XidSpec(120, 0.04, FAILED, "xid", "high", "GSP error",
            "Drain node and reboot; update driver/firmware if it recurs", (2.0, 12.0), True),
)
# fmt: on
XID_BY_CODE: dict[int, XidSpec] = {x.xid: x for x in XIDS}
