"""Planned shelves: planned work announced in advance, with a scope, a reason and an end.

An alarm of the plan's scope that becomes active while the plan is in force is shelved at
once until the plan's end (ISA-18.2 shelving by design, for planned maintenance). Every
plan is journaled (alarm id ``plan:<id>``) when it is made, cancelled or ends, so a
restarted console resumes it and review shows it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from console.alarms.conditions import Condition

PLAN_PREFIX = "plan:"


@dataclass(frozen=True, slots=True)
class PlannedShelf:
    """Planned work: alarms of ``scope`` are shelved from ``start`` to ``end``.

    ``scope`` is ``site``, a hall (``A``), a row (``A-03``), a rack (``A-03-07``), a server
    id or a PDU feed id. Times are workstation times (epoch s), as shelf expiries are.
    """

    id: str
    scope: str
    start: float
    end: float
    operator: str
    reason: str

    def in_force(self, now: float) -> bool:
        """Whether the plan shelves alarms at ``now``."""
        return self.start <= now < self.end

    def covers(self, cond: Condition) -> bool:
        """Whether an alarm with condition ``cond`` lies in the plan's scope."""
        s = self.scope
        if s == "site":
            return True
        if s in (cond.hall, cond.row, cond.rack) or s in cond.racks or s in cond.feeds:
            return True
        return cond.alarm_id.endswith(":" + s)

    def journal_detail(self) -> str:
        """The ``detail`` column of the plan's journal rows."""
        return json.dumps({"scope": self.scope, "start": self.start, "end": self.end})


def plan_from_journal(entry: dict[str, Any]) -> PlannedShelf | None:
    """The plan a journal row describes, None when the row is no plan or is damaged."""
    alarm_id = str(entry.get("alarm_id") or "")
    if not alarm_id.startswith(PLAN_PREFIX):
        return None
    try:
        detail = json.loads(entry.get("detail") or "{}")
        return PlannedShelf(
            id=alarm_id[len(PLAN_PREFIX):],
            scope=str(detail["scope"]),
            start=float(detail["start"]),
            end=float(detail["end"]),
            operator=str(entry.get("operator") or ""),
            reason=str(entry.get("comment") or ""),
        )
    except (ValueError, KeyError, TypeError):
        return None
