"""Alarm rules, their thresholds and priorities, and the alarm vocabulary (ISA-18.2).

Thresholds and priorities live in :class:`AlarmConfig`, loadable from the ``[alarms]``
table of the configuration file (:meth:`AlarmConfig.from_dict`). The rules themselves,
which turn snapshots into active conditions, are in :mod:`console.alarms.conditions`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any

from console.contract import DEFAULT_CAPACITY_MW
from console.i18n import QT_TRANSLATE_NOOP, translate

# -- vocabulary ---------------------------------------------------------------------------------
PRIORITIES: tuple[str, ...] = ("critical", "high", "medium", "low", "diagnostic")
"""Alarm priorities, most urgent first."""

PRIORITY_RANK: Mapping[str, int] = MappingProxyType({p: i for i, p in enumerate(PRIORITIES)})
"""0 for critical .. 4 for diagnostic (sort key: lower is more urgent)."""

NORMAL = "NORMAL"
UNACK = "UNACK"
ACKED = "ACKED"
RTN_UNACK = "RTN_UNACK"
SHELVED = "SHELVED"
SUPPRESSED = "SUPPRESSED"
OUT_OF_SERVICE = "OUT_OF_SERVICE"
STATES: tuple[str, ...] = (NORMAL, UNACK, ACKED, RTN_UNACK, SHELVED, SUPPRESSED, OUT_OF_SERVICE)
"""ISA-18.2 alarm states as the journal spells them."""

STATE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        NORMAL: QT_TRANSLATE_NOOP("AlarmRules", "Normal"),
        UNACK: QT_TRANSLATE_NOOP("AlarmRules", "Unacknowledged"),
        ACKED: QT_TRANSLATE_NOOP("AlarmRules", "Acknowledged"),
        RTN_UNACK: QT_TRANSLATE_NOOP("AlarmRules", "Returned, unacknowledged"),
        SHELVED: QT_TRANSLATE_NOOP("AlarmRules", "Shelved"),
        SUPPRESSED: QT_TRANSLATE_NOOP("AlarmRules", "Suppressed"),
        OUT_OF_SERVICE: QT_TRANSLATE_NOOP("AlarmRules", "Out of service"),
    }
)
"""Operator wording of each state."""


def state_label(state: str) -> str:
    """Operator wording of ``state`` in the chosen language (an unknown state as given)."""
    words = STATE_LABELS.get(state)
    return state if words is None else translate("AlarmRules", words)

STANDING_STATES: frozenset[str] = frozenset({UNACK, ACKED, RTN_UNACK})
"""States an operator must see (counted in the banner)."""

UNACKED_STATES: frozenset[str] = frozenset({UNACK, RTN_UNACK})
"""States that wait for an acknowledgement."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One alarm rule: what it means to the operator and what they must do about it.

    ``action`` is what the operator does, ``consequence`` what happens if nobody does,
    ``respond_min`` the time in which the action is needed; the priority follows from
    consequence and time to respond (docs/ALARMS.md).
    """

    name: str
    title: str
    kind: str  # the snapshot kind it reads: racks, gpus, power, events, jobs, link
    unit: str = ""
    action: str = ""
    consequence: str = ""
    respond_min: int = 60

    @property
    def label(self) -> str:
        """:attr:`title` in the chosen language."""
        return translate("AlarmRules", self.title)

    @property
    def advice(self) -> str:
        """:attr:`action` in the chosen language."""
        return translate("AlarmRules", self.action) if self.action else ""

    @property
    def outcome(self) -> str:
        """:attr:`consequence` in the chosen language."""
        return translate("AlarmRules", self.consequence) if self.consequence else ""


RULES: Mapping[str, Rule] = MappingProxyType(
    {
        r.name: r
        for r in (
            Rule(
                "cooling_loss", QT_TRANSLATE_NOOP("AlarmRules", "Row cooling lost or degraded"), "racks", "°C",
                QT_TRANSLATE_NOOP("AlarmRules", "Send the facility technician to the row's cooling unit (CDU / CRAH); if inlets keep rising, drain the row's jobs so the GPUs shed heat."),
                QT_TRANSLATE_NOOP("AlarmRules", "The row's GPUs throttle, then shut down: every job on the row slows or dies."),
                5,
            ),
            Rule(
                "inlet_high", QT_TRANSLATE_NOOP("AlarmRules", "Rack inlet above ASHRAE allowable"), "racks", "°C",
                QT_TRANSLATE_NOOP("AlarmRules", "Check the rack's containment, doors and blanking panels and the nearest cooling unit; move the rack's work if it stays hot."),
                QT_TRANSLATE_NOOP("AlarmRules", "The rack's GPUs run outside their allowable envelope: they throttle and age faster."),
                30,
            ),
            Rule(
                "pdu_feed_lost", QT_TRANSLATE_NOOP("AlarmRules", "PDU feed lost: rack on one feed"), "racks", "%",
                QT_TRANSLATE_NOOP("AlarmRules", "Send the electrician to find the cause and reset the breaker; if the remaining feed is near its rating, drain work from the racks it carries."),
                QT_TRANSLATE_NOOP("AlarmRules", "No redundancy: one more fault drops the racks and every job on them."),
                15,
            ),
            Rule(
                "pdu_critical", QT_TRANSLATE_NOOP("AlarmRules", "PDU feed load critical"), "racks", "%",
                QT_TRANSLATE_NOOP("AlarmRules", "Shed load from the rack now (drain or cap its GPUs); check the other feed."),
                QT_TRANSLATE_NOOP("AlarmRules", "The breaker trips and the rack loses its redundancy or its power."),
                15,
            ),
            Rule(
                "pdu_high", QT_TRANSLATE_NOOP("AlarmRules", "PDU feed load high"), "racks", "%",
                QT_TRANSLATE_NOOP("AlarmRules", "Plan a load move or a power cap for the rack before the next ramp-up."),
                QT_TRANSLATE_NOOP("AlarmRules", "A little more load reaches the critical limit."),
                120,
            ),
            Rule(
                "gpu_cluster", QT_TRANSLATE_NOOP("AlarmRules", "Several GPUs failing in one rack"), "gpus", "GPUs",
                QT_TRANSLATE_NOOP("AlarmRules", "Send a hardware technician to the rack (power shelf, NVLink switch tray, coolant); drain the rack if more GPUs fail."),
                QT_TRANSLATE_NOOP("AlarmRules", "A rack-level fault takes out the rack's GPUs one after another."),
                30,
            ),
            Rule(
                "node_lost", QT_TRANSLATE_NOOP("AlarmRules", "Server lost: every GPU failed"), "gpus", "GPUs",
                QT_TRANSLATE_NOOP("AlarmRules", "Check the server's power and BMC; power-cycle it; drain it and open a hardware ticket if it does not come back."),
                QT_TRANSLATE_NOOP("AlarmRules", "The server's jobs are dead and its GPUs idle until repaired."),
                60,
            ),
            Rule(
                "gpu_fault_rate", QT_TRANSLATE_NOOP("AlarmRules", "GPU failure rate above its baseline"), "gpus", "per h",
                QT_TRANSLATE_NOOP("AlarmRules", "Look for a common cause (driver or firmware roll-out, a hall's power quality or cooling); stop roll-outs until it is found."),
                QT_TRANSLATE_NOOP("AlarmRules", "A fleet-wide problem keeps killing customers' jobs."),
                60,
            ),
            Rule(
                "large_job_killed", QT_TRANSLATE_NOOP("AlarmRules", "Large job killed by a hardware fault"), "events", "GPUs",
                QT_TRANSLATE_NOOP("AlarmRules", "Tell customer operations; check the job was requeued from its checkpoint and the failed server is drained."),
                QT_TRANSLATE_NOOP("AlarmRules", "A large customer loses hours of work without hearing from us."),
                30,
            ),
            Rule(
                "envelope_high", QT_TRANSLATE_NOOP("AlarmRules", "Facility load near the power envelope"), "power", "MW",
                QT_TRANSLATE_NOOP("AlarmRules", "Cap GPU power or pause deferrable partitions until the load is back under the warning level; tell the grid operator if it keeps rising."),
                QT_TRANSLATE_NOOP("AlarmRules", "The grid connection's limit is breached: penalties, then a trip of the site."),
                15,
            ),
            Rule(
                "supply_drop", QT_TRANSLATE_NOOP("AlarmRules", "Renewable supply dropped"), "power", "MW",
                QT_TRANSLATE_NOOP("AlarmRules", "Check the battery's dispatch and the grid import; consider deferring flexible work."),
                QT_TRANSLATE_NOOP("AlarmRules", "The site runs on grid power: cost and carbon rise."),
                60,
            ),
            Rule(
                "hub_event", QT_TRANSLATE_NOOP("AlarmRules", "Hub event"), "events", "",
                QT_TRANSLATE_NOOP("AlarmRules", "Follow the instruction in the hub's message."),
                QT_TRANSLATE_NOOP("AlarmRules", "As the hub's message says."),
                30,
            ),
            Rule(
                "comm_loss", QT_TRANSLATE_NOOP("AlarmRules", "Hub communication lost"), "link", "s",
                QT_TRANSLATE_NOOP("AlarmRules", "Check the hub API and the network to it; watch the floor through the BMS until it answers again."),
                QT_TRANSLATE_NOOP("AlarmRules", "The console shows old data: new faults go unseen."),
                10,
            ),
            Rule(
                "stale_data", QT_TRANSLATE_NOOP("AlarmRules", "Stale data"), "link", "s",
                QT_TRANSLATE_NOOP("AlarmRules", "Check the data source named in the alarm (exporter, scheduler, meter)."),
                QT_TRANSLATE_NOOP("AlarmRules", "A view shows old data as if it were current."),
                30,
            ),
        )
    }
)
"""Every rule by name. Single-GPU faults are not alarms: they are on the maintenance list."""

DEFAULT_PRIORITIES: Mapping[str, str] = MappingProxyType(
    {
        "cooling_loss": "high",
        "inlet_high": "medium",
        "pdu_feed_lost": "high",
        "pdu_critical": "high",
        "pdu_high": "low",
        "gpu_cluster": "medium",
        "node_lost": "low",
        "gpu_fault_rate": "medium",
        "large_job_killed": "medium",
        "envelope_high": "high",
        "supply_drop": "low",
        "comm_loss": "high",
        "stale_data": "low",
    }
)
"""Priority of each rule (consequence x time to respond, docs/ALARMS.md); ``hub_event``
alarms take the event's own severity. Conditions escalate to critical where the rule says so
(a row's inlet past ``inlet_critical_c``, facility load past the envelope itself)."""

EVENT_SEVERITY_PRIORITY: Mapping[str, str] = MappingProxyType(
    {"critical": "critical", "high": "high", "medium": "medium", "low": "low", "info": "diagnostic"}
)



@dataclass(frozen=True, slots=True)
class AlarmConfig:
    """Thresholds, priorities and flood limits of the alarm engine.

    Build it from the ``[alarms]`` table of the config file with :meth:`from_dict`;
    every key is optional and unknown keys are refused (a typo must not silently
    disable an alarm).
    """

    gpu_temp_high_c: float = 85.0
    """Hottest GPU of a rack at or above this counts toward a row's cooling alarm."""
    inlet_high_c: float = 32.0
    """Rack inlet above this: outside ASHRAE A1 allowable."""
    inlet_critical_c: float = 40.0
    """A row cooling alarm whose hottest inlet reaches this becomes critical."""
    cooling_row_racks: int = 3
    """This many racks of one row too hot (inlet or GPUs) make one row cooling alarm."""
    pdu_warn_pct: float = 80.0
    pdu_crit_pct: float = 95.0
    feed_lost_pct: float = 2.0
    """A feed carrying less than this share of its rack's power while the rack runs is lost."""
    envelope_mw: float | None = None
    """MW: the facility envelope the alarm compares against. None (the default): the site
    layout's ``capacity_mw``, or :data:`console.contract.DEFAULT_CAPACITY_MW` while the
    layout gives none; ``[alarms] envelope_mw`` overrides both."""
    envelope_warn_pct: float = 95.0
    renewable_target_pct: float = 50.0
    """The renewable share the KPI strip and the handover compare against (not an alarm)."""
    stale_after_s: float = 60.0
    """A kind whose newest snapshot reached us longer ago than this raises ``stale_data``."""
    flood_row: int = 10
    """More than this many racks of one rule in one row collapse into one row alarm."""
    flood_hall: int = 40
    """More than this many racks of one rule in one hall collapse into one hall alarm."""
    gpu_cluster_gpus: int = 3
    """This many GPUs failing in one rack within ``gpu_cluster_window_s`` raise ``gpu_cluster``."""
    gpu_cluster_row_racks: int = 4
    """This many racks of one row with a GPU failing within the window raise a row alarm."""
    gpu_cluster_window_s: float = 3600.0
    gpu_fault_baseline_per_100k_h: float = 5.0
    """GPU failures expected per 100,000 GPUs and hour (normal wear of the fleet)."""
    gpu_fault_rate_factor: float = 3.0
    """``gpu_fault_rate`` fires when the last hour's failures exceed this many times the
    baseline ..."""
    gpu_fault_rate_min: int = 10
    """... and are at least this many."""
    large_job_gpus: int = 2048
    """A job of at least this many GPUs killed by hardware faults ``large_job_kills`` times
    within ``large_job_window_s`` (counting its resubmissions: same tenant and job name)
    raises ``large_job_killed``. A single kill is normal at this scale: the job resumes
    from its checkpoint and the failed GPU goes on the maintenance list."""
    large_job_kills: int = 2
    large_job_window_s: float = 6 * 3600.0
    envelope_deadband_pct: float = 2.0
    """The envelope alarm returns only below ``envelope_warn_pct`` minus this (no chatter
    while the load hovers at the warning level)."""
    critical_xids: tuple[int, ...] = (48, 61, 62, 64, 74, 79, 94, 95, 119, 120, 140, 154)
    """XIDs that count a GPU as failing (for clusters, lost servers and the failure rate);
    application XIDs (13, 31, 43, 45) are the job's problem, not the GPU's."""
    maintenance_node_states: tuple[str, ...] = ("drain", "drained", "maint")
    """Servers in these scheduler states are being worked on: their GPUs raise no alarms
    (a ``down`` server is a failure, not maintenance: it still counts)."""
    event_severities: tuple[str, ...] = ("critical", "high")
    """Hub events of these severities, of kinds no rule covers, raise a ``hub_event`` alarm."""
    event_kinds_ignored: tuple[str, ...] = (
        "xid", "ecc", "row_remap", "thermal", "gpu_repaired", "job_failed", "maintenance",
        "maintenance_end", "outage", "outage_cleared",
    )
    """Hub event kinds that are maintenance work or covered by a rule of their own."""
    event_hold_s: float = 300.0
    """A hub event alarm stays active this long after the event."""
    event_hold_max_s: float = 12 * 3600.0
    """A cooling, feed or supply alarm raised by a hub event and never restored by one
    returns after this long, unless the telemetry still shows it."""
    max_shelve_s: float = 24 * 3600.0
    max_plan_s: float = 7 * 24 * 3600.0
    """The longest planned shelf (planned work)."""
    priorities: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_PRIORITIES))


    def envelope_for(self, capacity_mw: float | None) -> float:
        """The envelope in MW for a site whose layout gives ``capacity_mw`` (0 or None: not
        given): ``envelope_mw`` when configured, else the layout's, else the default."""
        if self.envelope_mw is not None:
            return float(self.envelope_mw)
        if capacity_mw is not None and math.isfinite(capacity_mw) and capacity_mw > 0:
            return float(capacity_mw)
        return DEFAULT_CAPACITY_MW

    def __post_init__(self) -> None:
        if not 0 < self.pdu_warn_pct < self.pdu_crit_pct:
            raise ValueError("alarms: need 0 < pdu_warn_pct < pdu_crit_pct")
        if self.flood_row < 1 or self.flood_hall < 1:
            raise ValueError("alarms: flood_row and flood_hall must be at least 1")
        if min(self.cooling_row_racks, self.gpu_cluster_gpus, self.gpu_cluster_row_racks) < 1:
            raise ValueError(
                "alarms: cooling_row_racks, gpu_cluster_gpus and gpu_cluster_row_racks "
                "must be at least 1"
            )
        if self.large_job_kills < 1 or self.large_job_window_s <= 0:
            raise ValueError("alarms: large_job_kills must be >= 1, large_job_window_s > 0")
        if self.gpu_cluster_window_s <= 0 or self.gpu_fault_rate_factor <= 0:
            raise ValueError("alarms: gpu_cluster_window_s and gpu_fault_rate_factor must be > 0")
        if (self.envelope_mw is not None and not self.envelope_mw > 0) or not (
            0 < self.envelope_warn_pct <= 100
        ):
            raise ValueError("alarms: envelope_mw must be > 0 and envelope_warn_pct in (0, 100]")
        if self.stale_after_s <= 0 or self.max_shelve_s <= 0 or self.event_hold_s < 0:
            raise ValueError("alarms: stale_after_s, max_shelve_s must be > 0")
        merged = dict(DEFAULT_PRIORITIES)
        for rule, prio in self.priorities.items():
            if rule not in DEFAULT_PRIORITIES:
                raise ValueError(
                    f"alarms.priorities: unknown rule {rule!r}; "
                    f"known: {', '.join(DEFAULT_PRIORITIES)}"
                )
            if prio not in PRIORITY_RANK:
                raise ValueError(
                    f"alarms.priorities.{rule}: {prio!r} is not one of {', '.join(PRIORITIES)}"
                )
            merged[rule] = prio
        object.__setattr__(self, "priorities", MappingProxyType(merged))

    def priority(self, rule: str) -> str:
        """The configured priority of ``rule``."""
        return self.priorities.get(rule, "medium")

    @classmethod
    def from_dict(cls, table: Mapping[str, Any] | None) -> AlarmConfig:
        """Build a config from the ``[alarms]`` TOML table; ValueError says what is wrong."""
        if not table:
            return cls()
        if not isinstance(table, Mapping):
            raise ValueError("alarms: expected a table of settings")
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, raw in table.items():
            if key not in known:
                raise ValueError(f"alarms: unknown setting {key!r}; known: {', '.join(known)}")
            default = getattr(cls(), key)
            values[key] = _coerce(key, raw, default)
        return cls(**values)

    def with_changes(self, **changes: Any) -> AlarmConfig:
        """A copy with some settings changed."""
        return replace(self, **changes)


def _coerce(key: str, raw: Any, default: Any) -> Any:
    if isinstance(default, Mapping):
        if not isinstance(raw, Mapping):
            raise ValueError(f"alarms.{key}: expected a table")
        return dict(raw)
    if isinstance(default, tuple):
        if not isinstance(raw, list | tuple):
            raise ValueError(f"alarms.{key}: expected a list")
        kind = type(default[0]) if default else str
        try:
            return tuple(kind(v) for v in raw)
        except (TypeError, ValueError):
            raise ValueError(f"alarms.{key}: expected a list of {kind.__name__}") from None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError(f"alarms.{key}: expected a number, got {raw!r}")
    if isinstance(default, int) and not isinstance(default, bool):
        if int(raw) != raw:
            raise ValueError(f"alarms.{key}: expected a whole number, got {raw!r}")
        return int(raw)
    return float(raw)
