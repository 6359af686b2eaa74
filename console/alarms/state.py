"""Alarm records and the immutable alarm copies the engine hands out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from console.alarms.conditions import Condition
from console.alarms.rules import (
    ACKED,
    NORMAL,
    PRIORITIES,
    PRIORITY_RANK,
    RTN_UNACK,
    RULES,
    UNACK,
    UNACKED_STATES,
)

if TYPE_CHECKING:
    from console.alarms.kpis import AlarmKpis
    from console.alarms.plans import PlannedShelf
    from console.maintenance import MaintenanceList


@dataclass(frozen=True, slots=True)
class Alarm:
    """One alarm as the operator sees it (an immutable copy of the engine's record).

    ``time`` is when its condition last became active and ``changed`` when its state last
    changed, both hub time. ``area`` is the rack id, ``row A-03``, ``hall A`` or ``site``;
    ``detail`` lists the members of a collapsed alarm (one line per rack) or its GPUs.
    """

    id: str
    rule: str
    priority: str
    state: str
    active: bool
    message: str
    time: float
    changed: float
    value: float | None = None
    rack: str | None = None
    row: str | None = None
    hall: str | None = None
    area: str = "site"
    racks: tuple[str, ...] = ()
    gpus: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    detail: tuple[str, ...] = ()
    operator: str = ""
    comment: str = ""
    shelved_until: float | None = None

    @property
    def priority_rank(self) -> int:
        """0 for critical .. 4 for diagnostic."""
        key = self.priority if isinstance(self.priority, str) else ""
        return PRIORITY_RANK.get(key, len(PRIORITIES))

    @property
    def unacknowledged(self) -> bool:
        return self.state in UNACKED_STATES

    @property
    def action(self) -> str:
        """What the operator does about it (the rule's action, docs/ALARMS.md)."""
        rule = self._rule()
        return rule.action if rule is not None else ""

    @property
    def consequence(self) -> str:
        """What happens if nobody acts."""
        rule = self._rule()
        return rule.consequence if rule is not None else ""

    @property
    def respond_min(self) -> int | None:
        """Minutes within which the action is needed (None for an unknown rule)."""
        rule = self._rule()
        return rule.respond_min if rule is not None else None

    def _rule(self) -> Any:
        """The rule of this alarm; None for an unknown one (or a rule that is not text)."""
        return RULES.get(self.rule) if isinstance(self.rule, str) else None


@dataclass(frozen=True, slots=True)
class AlarmUpdate:
    """What one evaluation (or operator action) changed, and the alarm list after it."""

    time: float
    alarms: tuple[Alarm, ...]
    raised: tuple[str, ...] = ()
    returned: tuple[str, ...] = ()
    transitions: tuple[Mapping[str, Any], ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    new_critical: bool = False
    """A critical alarm became unacknowledged in this update (sound the alert)."""
    maintenance: MaintenanceList | None = None
    """The maintenance list after this poll (:class:`console.maintenance.MaintenanceList`),
    None when this update did not change it."""
    plans: tuple[PlannedShelf, ...] = ()
    """Planned shelves in force or to come (:class:`console.alarms.plans.PlannedShelf`)."""
    kpis: tuple[AlarmKpis, tuple[float, float], float | None] | None = None
    """The current shift's alarm performance when it was recomputed with this update:
    ``(AlarmKpis, (shift start, shift end), journal start or None)``; None otherwise."""


@dataclass(slots=True)
class Record:
    cond: Condition
    active: bool
    acked: bool
    raised: float
    changed: float
    mode: str | None = None
    by_design: bool = False
    operator: str = ""
    comment: str = ""
    shelved_until: float | None = None

    @property
    def state(self) -> str:
        if self.mode is not None:
            return self.mode
        if self.active:
            return ACKED if self.acked else UNACK
        return NORMAL if self.acked else RTN_UNACK


@dataclass(slots=True)
class Changes:
    transitions: list[dict[str, Any]] = field(default_factory=list)
    raised: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)
    new_critical: bool = False


def operator_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValueError("an operator name is required")
    return name


def public(rec: Record) -> Alarm:
    c = rec.cond
    return Alarm(
        id=c.alarm_id,
        rule=c.rule,
        priority=c.priority,
        state=rec.state,
        active=rec.active,
        message=c.message,
        time=rec.raised,
        changed=rec.changed,
        value=c.value,
        rack=c.rack,
        row=c.row,
        hall=c.hall,
        area=c.area,
        racks=c.racks,
        gpus=c.gpus,
        feeds=c.feeds,
        detail=c.detail,
        operator=rec.operator,
        comment=rec.comment,
        shelved_until=rec.shelved_until,
    )
