"""Group related alarms into incidents: same row, hall or PDU feed within a time window.

An incident starts with its first alarm and ends when every member alarm has returned
to normal (its condition is gone). An alarm that rises in the same row (or hall, or on the
same feed) while an incident is open, or within ``window_s`` of its end, joins it (the
incident reopens); otherwise it starts a new one. Site-wide alarms (power envelope,
renewable share, link state) group into site incidents.

Incidents are saved through an :class:`IncidentStore` (the SQLite cache implements it).
The cache keeps full resolution for each incident's window, ``start - margin`` to
``end + margin``: :meth:`IncidentTracker.windows` lists them, and ``on_window`` is called
whenever one opens, grows or closes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from console.alarms.rules import OUT_OF_SERVICE, PRIORITY_RANK, RULES, SUPPRESSED
from console.alarms.state import Alarm
from console.model import JobsSnapshot

log = logging.getLogger(__name__)

STORE_FIELDS: tuple[str, ...] = (
    "start",
    "end",
    "title",
    "racks",
    "gpus",
    "jobs",
    "alarm_ids",
    "note",
)
"""Fields of an incident an :class:`IncidentStore` keeps (the cache's incident columns)."""


class IncidentStore(Protocol):
    """Where incidents are kept (the SQLite cache, or :class:`MemoryIncidentStore`)."""

    def save_incident(self, incident: Mapping[str, Any]) -> int:
        """Save a new incident; return its id."""

    def update_incident(self, incident_id: int, **fields: Any) -> None:
        """Change fields of a saved incident."""


class MemoryIncidentStore:
    """An in-memory :class:`IncidentStore` (tests, and no cache attached)."""

    def __init__(self) -> None:
        self.incidents: dict[int, dict[str, Any]] = {}

    def save_incident(self, incident: Mapping[str, Any]) -> int:
        """Store a copy; ids count from 1. ValueError for fields the cache would not keep."""
        _check_fields(incident)
        new_id = len(self.incidents) + 1
        self.incidents[new_id] = dict(incident) | {"id": new_id}
        return new_id

    def update_incident(self, incident_id: int, **fields: Any) -> None:
        """Update fields in place; KeyError for an unknown id."""
        _check_fields(fields)
        self.incidents[incident_id].update(fields)


def _check_fields(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(STORE_FIELDS) - {"id"}
    if unknown:
        raise ValueError(f"incidents have no field(s) {', '.join(sorted(unknown))}")


@dataclass(slots=True)
class Incident:
    """Related alarms over a span of hub time."""

    id: int
    start: float
    end: float | None = None
    title: str = ""
    priority: str = "diagnostic"
    note: str = ""
    alarm_ids: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    racks: set[str] = field(default_factory=set)
    gpus: set[str] = field(default_factory=set)
    jobs: set[int] = field(default_factory=set)
    rows: set[str] = field(default_factory=set)
    halls: set[str] = field(default_factory=set)
    """Halls of the incident's rows and racks."""
    wide_halls: set[str] = field(default_factory=set)
    """Halls the incident covers as a whole (hall-wide alarms)."""
    feeds: set[str] = field(default_factory=set, repr=False)
    site: bool = False
    active: set[str] = field(default_factory=set, repr=False)
    peak_time: float = 0.0
    peak_alarms: int = 0

    @property
    def open(self) -> bool:
        return self.end is None

    def matches(self, alarm: Alarm) -> bool:
        """Whether ``alarm`` belongs with this incident by place.

        Rack and row alarms group by row, hall-wide alarms (collapsed floods) with the
        hall-wide alarms of the same hall, site-wide alarms together; alarms on a shared
        PDU feed group too. A standing hall-wide alarm thus never swallows the incidents of
        single rows of its hall.
        """
        if alarm.row is not None:
            hit = alarm.row in self.rows
        elif alarm.hall is not None and alarm.rack is None:
            hit = alarm.hall in self.wide_halls
        elif alarm.rack is not None:
            hit = alarm.rack in self.racks
        else:
            hit = self.site
        return hit or (bool(self.feeds) and not self.feeds.isdisjoint(alarm.feeds))

    def as_record(self) -> dict[str, Any]:
        """What the store saves (:data:`STORE_FIELDS`)."""
        full = self.as_dict()
        return {k: full[k] for k in STORE_FIELDS}

    def as_dict(self) -> dict[str, Any]:
        """The incident as a plain dict, with priority and peak."""
        return {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "title": self.title,
            "priority": self.priority,
            "note": self.note,
            "alarm_ids": list(self.alarm_ids),
            "racks": sorted(self.racks),
            "gpus": sorted(self.gpus),
            "jobs": sorted(self.jobs),
            "peak_time": self.peak_time,
            "peak_alarms": self.peak_alarms,
        }


def _place(inc: Incident) -> str:
    if inc.wide_halls:
        return "Hall " + ", ".join(sorted(inc.wide_halls))
    if len(inc.rows) == 1:
        return f"Row {next(iter(inc.rows))}"
    if inc.rows:
        return f"Hall {', '.join(sorted(inc.halls))} ({len(inc.rows)} rows)"
    if len(inc.racks) == 1:
        return f"Rack {next(iter(inc.racks))}"
    return "Site"


def _label(alarm_id: str) -> str:
    rule, _, rest = alarm_id.partition(":")
    if rule == "hub_event":
        return rest.partition(":")[0].replace("_", " ").capitalize()
    return RULES[rule].title if rule in RULES else rule


class IncidentTracker:
    """Assigns alarms to incidents as evaluations come in.

    ``window_s``: how long after an incident's last alarm a related alarm still joins it;
    ``margin_s``: how far each side of an incident the cache keeps full resolution;
    ``on_window(incident_id, start, end)`` is told every change of such a window (``end`` is
    None while the incident is open).
    """

    def __init__(
        self,
        store: IncidentStore | None = None,
        window_s: float = 600.0,
        margin_s: float = 300.0,
        on_window: Callable[[int, float, float | None], None] | None = None,
    ) -> None:
        self.store: IncidentStore = store if store is not None else MemoryIncidentStore()
        self.window_s = window_s
        self.margin_s = margin_s
        self.on_window = on_window
        self.store_error: str | None = None
        self._incidents: dict[int, Incident] = {}
        self._member: dict[str, int] = {}

    # -- queries ------------------------------------------------------------------------
    def incidents(self) -> list[Incident]:
        """Every incident, oldest first."""
        return sorted(self._incidents.values(), key=lambda i: (i.start, i.id))

    def open_incidents(self) -> list[Incident]:
        """Incidents with an alarm still active."""
        return [i for i in self.incidents() if i.open]

    def incident(self, incident_id: int) -> Incident:
        """One incident by id (KeyError when unknown)."""
        return self._incidents[incident_id]

    def windows(self) -> list[tuple[float, float | None]]:
        """(start, end) of every span the cache keeps at full resolution; end None: open."""
        return [self._window(i) for i in self.incidents()]

    def _window(self, inc: Incident) -> tuple[float, float | None]:
        end = None if inc.end is None else inc.end + self.margin_s
        return inc.start - self.margin_s, end

    # -- updates ------------------------------------------------------------------------
    def update(
        self, alarms: Iterable[Alarm], now: float, jobs: JobsSnapshot | None = None
    ) -> list[Incident]:
        """Take the engine's alarm list at hub time ``now``; return the incidents changed."""
        changed: dict[int, Incident] = {}
        live = [a for a in alarms if a.active and a.state not in (SUPPRESSED, OUT_OF_SERVICE)]
        live.sort(key=lambda a: (a.time, a.id))
        live_ids = {a.id for a in live}
        for alarm in live:
            inc = self._incident_for(alarm, now)
            if inc is None:
                inc = self._new(alarm)
                self._join(inc, alarm)
                changed[inc.id] = inc
                self._save(inc)
                continue
            if inc.end is not None:  # a related alarm within the window: reopen
                inc.end = None
                changed[inc.id] = inc
                self._notify(inc)
            if self._join(inc, alarm):
                changed[inc.id] = inc
        for inc in self._incidents.values():
            if inc.end is not None:
                continue
            before = len(inc.active)
            inc.active &= live_ids
            if len(inc.active) != before:
                changed[inc.id] = inc
            if len(inc.active) > inc.peak_alarms:
                inc.peak_alarms, inc.peak_time = len(inc.active), now
                changed[inc.id] = inc
            if not inc.active:
                inc.end = now
                self._notify(inc)
        if jobs is not None:
            for inc in changed.values():
                if inc.open and self._add_jobs(inc, jobs):
                    changed[inc.id] = inc
        for inc in changed.values():
            self._retitle(inc)
            if inc.id > 0:
                self._save(inc)
        return sorted(changed.values(), key=lambda i: i.id)

    def resume(
        self, records: Iterable[Mapping[str, Any]], alarms: Iterable[Alarm], now: float
    ) -> int:
        """Take up the incidents a previous run left open (or closed within ``window_s``).

        ``records`` are the cache's incident rows; ``alarms`` the alarms resumed from the
        journal: those listed in an incident stay its members, so a restart forms no
        incident again. Returns how many incidents were taken up.
        """
        by_id = {a.id: a for a in alarms}
        count = 0
        for rec in records:
            try:
                inc_id = int(rec["id"])
                start = float(rec["start"])
            except (KeyError, TypeError, ValueError):
                continue
            end = rec.get("end")
            end = float(end) if isinstance(end, int | float) else None
            if inc_id in self._incidents or (end is not None and now - end > self.window_s):
                continue
            inc = Incident(
                id=inc_id, start=start, end=end, title=str(rec.get("title") or ""),
                note=str(rec.get("note") or ""), peak_time=start,
            )
            for alarm_id in _ids(rec.get("alarm_ids")):
                inc.alarm_ids.append(alarm_id)
                self._member[alarm_id] = inc_id
                alarm = by_id.get(alarm_id)
                if alarm is not None:
                    self._join(inc, alarm)
                    if not (end is None and alarm.active):
                        inc.active.discard(alarm_id)
            inc.racks.update(_ids(rec.get("racks")))
            inc.gpus.update(_ids(rec.get("gpus")))
            for rack in inc.racks:
                row, _, _ = rack.rpartition("-")
                if row and alarm_row_like(row):
                    inc.rows.add(row)
                    inc.halls.add(row.split("-")[0])
            if end is None and not inc.active:
                inc.end = now
            self._incidents[inc_id] = inc
            count += 1
        return count

    def set_note(self, incident_id: int, note: str) -> Incident:
        """Set the operator's note of an incident (plain text)."""
        inc = self._incidents[incident_id]
        inc.note = note
        self._save(inc)
        return inc

    def _incident_for(self, alarm: Alarm, now: float) -> Incident | None:
        known = self._member.get(alarm.id)
        if known is not None:
            inc = self._incidents[known]
            if inc.end is None or alarm.time - inc.end <= self.window_s:
                return inc
        best: Incident | None = None
        for inc in self._incidents.values():
            if inc.end is not None and alarm.time - inc.end > self.window_s:
                continue
            if inc.matches(alarm) and (best is None or inc.start > best.start):
                best = inc
        return best

    def _new(self, alarm: Alarm) -> Incident:
        inc = Incident(id=0, start=alarm.time, peak_time=alarm.time)
        try:
            inc.id = int(self.store.save_incident(inc.as_record()))
        except Exception as exc:  # the cache is a cache: keep tracking in memory
            self.store_error = f"{type(exc).__name__}: {exc}"
            inc.id = -(len(self._incidents) + 1)
        self._incidents[inc.id] = inc
        self._notify(inc)
        return inc

    def _join(self, inc: Incident, alarm: Alarm) -> bool:
        grew = alarm.id not in inc.active or alarm.id not in self._member
        self._member[alarm.id] = inc.id
        inc.active.add(alarm.id)
        if alarm.id not in inc.alarm_ids:
            inc.alarm_ids.append(alarm.id)
            grew = True
        if alarm.rule not in inc.rules:
            inc.rules.append(alarm.rule)
        n = len(inc.racks) + len(inc.gpus)
        inc.racks.update(alarm.racks)
        inc.gpus.update(alarm.gpus)
        inc.feeds.update(alarm.feeds)
        if alarm.row:
            inc.rows.add(alarm.row)
        if alarm.hall:
            inc.halls.add(alarm.hall)
            if alarm.row is None and alarm.rack is None:
                inc.wide_halls.add(alarm.hall)
        if alarm.rack is None and alarm.row is None and alarm.hall is None:
            inc.site = True
        if PRIORITY_RANK.get(alarm.priority, 9) < PRIORITY_RANK.get(inc.priority, 9):
            inc.priority = alarm.priority
            grew = True
        return grew or n != len(inc.racks) + len(inc.gpus)

    @staticmethod
    def _add_jobs(inc: Incident, jobs: JobsSnapshot) -> bool:
        racks_col = jobs.columns.get("racks")
        ids = jobs.columns.get("id")
        states = jobs.columns.get("state")
        if racks_col is None or ids is None or not inc.racks:
            return False
        before = len(inc.jobs)
        racks = inc.racks
        for k, job_racks in enumerate(racks_col):
            if states is not None and states[k] != "RUNNING":
                continue
            if job_racks and not racks.isdisjoint(job_racks):
                inc.jobs.add(int(ids[k]))
        return len(inc.jobs) != before

    def _retitle(self, inc: Incident) -> None:
        labels: list[str] = []
        for alarm_id in inc.alarm_ids:
            label = _label(alarm_id)
            if label not in labels:
                labels.append(label)
        title = labels[0] if labels else "Alarms"
        more = f" (+{len(labels) - 1} more condition{'s' if len(labels) > 2 else ''})"
        inc.title = f"{_place(inc)}: {title}" + (more if len(labels) > 1 else "")

    def _save(self, inc: Incident) -> None:
        if inc.id < 0:
            return
        self._retitle(inc)
        try:
            self.store.update_incident(inc.id, **inc.as_record())
        except Exception as exc:
            self.store_error = f"{type(exc).__name__}: {exc}"
            log.warning("incident %s not saved: %s", inc.id, exc)

    def _notify(self, inc: Incident) -> None:
        if self.on_window is not None:
            start, end = self._window(inc)
            self.on_window(inc.id, start, end)


def _ids(value: Any) -> list[str]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def alarm_row_like(text: str) -> bool:
    """Whether ``text`` looks like a row id (``A-03``)."""
    hall, _, num = text.partition("-")
    return bool(hall) and hall.isalpha() and num.isdigit()


def incidents_summary(incidents: Sequence[Incident]) -> list[dict[str, Any]]:
    """Plain dicts of incidents with their id (for reports and the review incident list)."""
    return [i.as_dict() for i in incidents]
