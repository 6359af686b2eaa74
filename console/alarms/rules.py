"""Alarm rules, their thresholds and priorities, and the alarm vocabulary (ISA-18.2).

Thresholds and priorities live in :class:`AlarmConfig`, loadable from the ``[alarms]``
table of the configuration file (:meth:`AlarmConfig.from_dict`). The rules themselves,
which turn snapshots into active conditions, are in :mod:`console.alarms.conditions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any

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
        NORMAL: "Normal",
        UNACK: "Unacknowledged",
        ACKED: "Acknowledged",
        RTN_UNACK: "Returned, unacknowledged",
        SHELVED: "Shelved",
        SUPPRESSED: "Suppressed",
        OUT_OF_SERVICE: "Out of service",
    }
)
"""Operator wording of each state."""

STANDING_STATES: frozenset[str] = frozenset({UNACK, ACKED, RTN_UNACK})
"""States an operator must see (counted in the banner)."""

UNACKED_STATES: frozenset[str] = frozenset({UNACK, RTN_UNACK})
"""States that wait for an acknowledgement."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One alarm rule: its id, operator title, data kind and unit of its value."""

    name: str
    title: str
    kind: str  # the snapshot kind it reads: racks, gpus, power, events, link
    unit: str = ""


RULES: Mapping[str, Rule] = MappingProxyType(
    {
        r.name: r
        for r in (
            Rule("gpu_temp_high", "GPU temperature near slowdown", "racks", "°C"),
            Rule("inlet_high", "Rack inlet above ASHRAE allowable", "racks", "°C"),
            Rule("pdu_high", "PDU feed load high", "racks", "%"),
            Rule("pdu_critical", "PDU feed load critical", "racks", "%"),
            Rule("gpu_off_bus", "GPU off the bus (XID 79)", "gpus", "GPUs"),
            Rule("gpu_ecc", "Uncorrectable ECC error", "gpus", "GPUs"),
            Rule("gpu_row_remap", "Row-remap failure", "gpus", "GPUs"),
            Rule("gpu_xid", "Critical XID", "gpus", "GPUs"),
            Rule("gpu_remap_pending", "Row remapping pending (XID 63)", "gpus", "GPUs"),
            Rule("envelope_high", "Facility load near the power envelope", "power", "MW"),
            Rule("renewable_low", "Renewable share below target", "power", "%"),
            Rule("hub_event", "Hub event", "events"),
            Rule("comm_loss", "Hub communication lost", "link", "s"),
            Rule("stale_data", "Stale data", "link", "s"),
        )
    }
)
"""Every rule by name."""

DEFAULT_PRIORITIES: Mapping[str, str] = MappingProxyType(
    {
        "gpu_temp_high": "high",
        "inlet_high": "high",
        "pdu_high": "medium",
        "pdu_critical": "critical",
        "gpu_off_bus": "critical",
        "gpu_ecc": "high",
        "gpu_row_remap": "high",
        "gpu_xid": "medium",
        "gpu_remap_pending": "low",
        "envelope_high": "high",
        "renewable_low": "low",
        "comm_loss": "high",
        "stale_data": "medium",
    }
)
"""Priority of each rule; ``hub_event`` alarms take the event's own severity."""

EVENT_SEVERITY_PRIORITY: Mapping[str, str] = MappingProxyType(
    {"critical": "critical", "high": "high", "medium": "medium", "low": "low", "info": "diagnostic"}
)

XID_OFF_BUS = frozenset({79})
XID_ECC = frozenset({48, 94, 95})
XID_ROW_REMAP_FAILURE = frozenset({64})
XID_ROW_REMAP_PENDING = frozenset({63})


@dataclass(frozen=True, slots=True)
class AlarmConfig:
    """Thresholds, priorities and flood limits of the alarm engine.

    Build it from the ``[alarms]`` table of the config file with :meth:`from_dict`;
    every key is optional and unknown keys are refused (a typo must not silently
    disable an alarm).
    """

    gpu_temp_high_c: float = 85.0
    """Hottest GPU of a rack at or above this: near the slowdown threshold (88-89 °C)."""
    inlet_high_c: float = 32.0
    """Rack inlet above this: outside ASHRAE A1 allowable."""
    pdu_warn_pct: float = 80.0
    pdu_crit_pct: float = 95.0
    envelope_mw: float = 386.0
    envelope_warn_pct: float = 95.0
    renewable_target_pct: float = 50.0
    stale_after_s: float = 60.0
    """A kind whose newest snapshot reached us longer ago than this raises ``stale_data``."""
    flood_row: int = 10
    """More than this many racks of one rule in one row collapse into one row alarm."""
    flood_hall: int = 40
    """More than this many racks of one rule in one hall collapse into one hall alarm."""
    critical_xids: tuple[int, ...] = (61, 62, 74, 119, 120)
    """XIDs raising ``gpu_xid`` (79, ECC and row-remap XIDs have rules of their own)."""
    event_severities: tuple[str, ...] = ("critical", "high")
    """Hub events of these severities raise a ``hub_event`` alarm."""
    event_kinds_ignored: tuple[str, ...] = ("xid", "ecc", "row_remap")
    """Hub event kinds already covered by the unhealthy GPU list."""
    event_hold_s: float = 300.0
    """A hub event alarm stays active this long after the event."""
    max_shelve_s: float = 24 * 3600.0
    priorities: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_PRIORITIES))

    def __post_init__(self) -> None:
        if not 0 < self.pdu_warn_pct < self.pdu_crit_pct:
            raise ValueError("alarms: need 0 < pdu_warn_pct < pdu_crit_pct")
        if self.flood_row < 1 or self.flood_hall < 1:
            raise ValueError("alarms: flood_row and flood_hall must be at least 1")
        if self.envelope_mw <= 0 or not 0 < self.envelope_warn_pct <= 100:
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
