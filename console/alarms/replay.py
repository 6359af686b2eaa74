"""Alarms as they stood at a past time, rebuilt from the alarm journal (offline review).

The journal holds every transition with hub time, operator and comment, so the
last entry of each alarm at or before ``t`` is its state then.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from console.alarms.rules import ACKED, NORMAL, PRIORITIES, UNACK
from console.alarms.state import Alarm, AlarmUpdate

_RACK = re.compile(r"^[A-Z]-\d{2}-\d{2}$")
_ROW = re.compile(r"^[A-Z]-\d{2}$")


def area_of(place: str) -> dict[str, Any]:
    """Rack, row, hall and area words of a journal row's ``rack`` column."""
    if _RACK.match(place):
        return {"rack": place, "row": place[:4], "hall": place[0], "area": place}
    if _ROW.match(place):
        return {"row": place, "hall": place[0], "area": f"row {place}"}
    if len(place) == 1 and place.isalpha():
        return {"hall": place, "area": f"hall {place}"}
    return {"area": place or "site"}


def alarms_at(journal: Iterable[Mapping[str, Any]], t: float) -> list[Alarm]:
    """The alarms that were not normal at ``t``, as the alarm list showed them."""
    last: dict[str, Mapping[str, Any]] = {}
    raised: dict[str, float] = {}
    for entry in sorted(journal, key=lambda e: (float(e.get("time") or 0), e.get("id") or 0)):
        when = float(entry.get("time") or 0)
        if when > t:
            break
        alarm_id = str(entry.get("alarm_id") or "")
        if not alarm_id or alarm_id.startswith("plan:"):
            continue
        if entry.get("state_to") == UNACK and entry.get("state_from") in (NORMAL, None, ""):
            raised[alarm_id] = when
        last[alarm_id] = entry
    alarms = []
    for alarm_id, entry in last.items():
        state = str(entry.get("state_to") or NORMAL)
        if state == NORMAL:
            continue
        priority = str(entry.get("priority") or "low")
        alarms.append(
            Alarm(
                id=alarm_id,
                rule=str(entry.get("source") or alarm_id.split(":", 1)[0]),
                priority=priority if priority in PRIORITIES else "low",
                state=state,
                active=state in (UNACK, ACKED),
                message=str(entry.get("message") or ""),
                time=raised.get(alarm_id, float(entry.get("time") or 0)),
                changed=float(entry.get("time") or 0),
                operator=str(entry.get("operator") or ""),
                comment=str(entry.get("comment") or ""),
                **area_of(str(entry.get("rack") or "")),
            )
        )
    return alarms


def update_at(journal: Iterable[Mapping[str, Any]], t: float) -> AlarmUpdate:
    """An :class:`AlarmUpdate` for the review's alarm list and banner at ``t``."""
    alarms = alarms_at(journal, t)
    counts = dict.fromkeys(PRIORITIES, 0)
    for a in alarms:
        counts[a.priority] = counts.get(a.priority, 0) + 1
    return AlarmUpdate(time=t, alarms=tuple(alarms), counts=counts)
