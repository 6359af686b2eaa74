"""The alarm engine: evaluates rules and runs the ISA-18.2 state machine of every alarm.

States (:mod:`console.alarms.rules`): an alarm whose condition becomes active is
``UNACK``; acknowledged while active, ``ACKED``; its condition gone before an ack,
``RTN_UNACK``; acknowledged and gone, ``NORMAL`` (it leaves the list). Shelving,
suppression (by an operator or by design, for a hall or row in maintenance) and
out-of-service take an alarm out of the operator's way; when they end the alarm goes back
to what its condition says (active: ``UNACK``, gone: ``NORMAL``). Every transition is
appended to the journal, with hub time, operator and comment.

The engine is plain Python (no Qt) and not thread-safe: call it from one thread (the
poller's worker), and hand :class:`AlarmUpdate` objects to the GUI.
"""

from __future__ import annotations

import json
import logging
import time as _time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from console.alarms.conditions import (
    Condition,
    TopologyIndex,
    collapsed_cover,
    rack_rules,
    rule_kind,
)
from console.alarms.device_rules import device_rules
from console.alarms.journal import JournalStore, MemoryJournal
from console.alarms.phrases import PLANNED
from console.alarms.plans import PLAN_PREFIX, PlannedShelf, plan_from_journal
from console.alarms.replay import area_of
from console.alarms.rules import (
    ACKED,
    NORMAL,
    OUT_OF_SERVICE,
    PRIORITIES,
    PRIORITY_RANK,
    RTN_UNACK,
    SHELVED,
    STANDING_STATES,
    SUPPRESSED,
    UNACK,
    UNACKED_STATES,
    AlarmConfig,
)
from console.alarms.site_rules import (
    NO_RULE_KINDS,
    EventConditions,
    link_conditions,
    power_rules,
)
from console.alarms.state import Alarm, AlarmUpdate, Changes, Record, operator_name, public
from console.model import (
    EventBatch,
    JobsSnapshot,
    PowerSeries,
    RackTelemetry,
    SiteTopology,
    Snapshot,
    UnhealthyGpus,
)

log = logging.getLogger(__name__)


class AlarmEngine:
    """Evaluates alarm rules over snapshots and keeps every alarm's ISA-18.2 state.

    ``clock`` gives the workstation time for operator actions that pass no ``now``.
    Times in alarms and the journal are hub times: the engine adds the hub's clock
    offset, measured from the newest snapshot, to workstation times.
    """

    def __init__(
        self,
        config: AlarmConfig | None = None,
        journal: JournalStore | None = None,
        clock: Callable[[], float] = _time.time,
    ) -> None:
        self.config = config or AlarmConfig()
        self.journal: JournalStore = journal if journal is not None else MemoryJournal(10_000)
        self.clock = clock
        self.journal_error: str | None = None
        """Why the last journal write failed (entries are kept and retried); None when fine."""
        self.skew = 0.0
        """Hub clock minus workstation clock, from the newest snapshot (seconds)."""
        self._records: dict[str, Record] = {}
        self._pending: list[dict[str, Any]] = []
        self._index: TopologyIndex | None = None
        self._comm: dict[str, tuple[bool, float]] = {}
        self._maintenance: set[str] = set()
        self._events = EventConditions(self.config)
        self._last_event_id = 0
        self._event_lifetime: str | None = None  # the hub lifetime _last_event_id counts in
        self._restart_batch: EventBatch | None = None  # the last batch that reset it
        self._plans: dict[str, PlannedShelf] = {}
        self._plan_seq = 0
        self._snapshots: dict[str, Snapshot] = {}

    # -- evaluation ---------------------------------------------------------------------
    def evaluate(
        self, snapshots: Mapping[str, Snapshot], topology: SiteTopology, now: float | None = None
    ) -> AlarmUpdate:
        """Evaluate every rule over the latest snapshot of each kind and advance states.

        ``snapshots`` maps kind ("racks", "gpus", "power", "events") to its newest
        snapshot; ``now`` is the workstation time (staleness, shelf expiry).
        """
        now = self.clock() if now is None else now
        if self._index is None or self._index.topology is not topology:
            self._index = TopologyIndex(topology)
        index = self._index
        # a forecast's time is its issue, the log's the log hub's: neither tells the hub's
        # clock (the skew below) nor has a rule
        snapshots = {k: v for k, v in snapshots.items() if k not in NO_RULE_KINDS}
        self._snapshots.update({k: v for k, v in snapshots.items() if v is not None})
        newest = max(self._snapshots.values(), key=lambda s: s.received, default=None)
        if newest is not None:
            self.skew = newest.time - newest.received
        hub_now = now + self.skew
        changes = Changes()
        self._expire_shelves(now, changes)
        self._apply_plans(now, changes)
        active = {k for k, r in self._records.items() if r.active}
        conditions: list[Condition] = []
        racks = snapshots.get("racks")
        if isinstance(racks, RackTelemetry):
            conditions += rack_rules(racks, index, self.config, active)
        gpus = snapshots.get("gpus")
        if isinstance(gpus, UnhealthyGpus):
            conditions += device_rules(gpus, index, self.config, self._worked_on(now))
        kinds = {k for k, v in snapshots.items() if v is not None} | {"events", "link"}
        power = snapshots.get("power")
        if isinstance(power, PowerSeries) and len(power):
            envelope = self.config.envelope_for(topology.capacity_mw)
            conditions += power_rules(power, self.config, active, envelope)
        else:
            kinds.discard("power")  # an incremental poll with no new point: keep states
        events = snapshots.get("events")
        if isinstance(events, EventBatch):
            self._take_events(events, index)
        conditions += self._events.conditions(hub_now)
        conditions += self._link_conditions(now, hub_now)
        times = {k: v.time for k, v in snapshots.items() if v is not None}
        self._apply(_merge(conditions), kinds, times, hub_now, changes, now=now)
        return self._finish(hub_now, changes)

    def set_comm_state(self, kind: str, ok: bool, now: float | None = None) -> AlarmUpdate:
        """Record whether the last request for ``kind`` reached the hub.

        Raises or clears ``comm_loss:<kind>`` at once, and checks every kind's data age
        (``stale_data``), so a poller that gets no data still raises the stale alarms.
        """
        now = self.clock() if now is None else now
        was = self._comm.get(kind)
        if was is None or was[0] != ok:
            self._comm[kind] = (ok, now)
        changes = Changes()
        hub_now = now + self.skew
        self._expire_shelves(now, changes)
        self._apply_plans(now, changes)
        conds = self._link_conditions(now, hub_now)
        self._apply(conds, {"link"}, {}, hub_now, changes, only_kind="link", now=now)
        return self._finish(hub_now, changes)

    def _take_events(self, batch: EventBatch, index: TopologyIndex) -> None:
        jobs = self._snapshots.get("jobs")
        jobs = jobs if isinstance(jobs, JobsSnapshot) else None
        restarted = batch.restarted and batch is not self._restart_batch
        if restarted or batch.lifetime != self._event_lifetime:
            # A restarted hub numbers its events from 1 again: take them from its first.
            self._event_lifetime, self._restart_batch = batch.lifetime, batch
            self._last_event_id = 0
        for event in batch.events:
            eid = int(event.get("id", 0))
            if eid <= self._last_event_id:
                continue
            self._last_event_id = eid
            self._events.take(event, index, batch.time, jobs)

    def _link_conditions(self, now: float, hub_now: float) -> list[Condition]:
        return link_conditions(self._comm, self._snapshots, self.config, now, self.skew)

    # -- state machine ------------------------------------------------------------------
    def _apply(
        self,
        conditions: Sequence[Condition],
        kinds: set[str],
        times: Mapping[str, float],
        hub_now: float,
        changes: Changes,
        only_kind: str | None = None,
        now: float | None = None,
    ) -> None:
        seen: set[str] = set()
        wall = hub_now - self.skew if now is None else now
        for cond in conditions:
            seen.add(cond.alarm_id)
            rec = self._records.get(cond.alarm_id)
            if rec is None:
                rec = Record(
                    cond=cond, active=True, acked=False, raised=cond.time, changed=cond.time
                )
                self._records[cond.alarm_id] = rec
                plan = self._plan_for(cond, wall)
                if self._in_maintenance(cond):
                    rec.mode, rec.by_design = SUPPRESSED, True
                elif plan is not None:
                    rec.mode, rec.shelved_until = SHELVED, plan.end
                    rec.operator, rec.comment = plan.operator, f"planned work: {plan.reason}"
                self._journal(rec, NORMAL, cond.time, rec.operator, rec.comment, changes)
                continue
            rec.cond = cond
            if rec.mode == OUT_OF_SERVICE or rec.active:
                rec.active = True
                if cond.time < rec.raised:  # a source told us when it really began
                    rec.raised = cond.time
                continue
            before = rec.state
            rec.active, rec.acked, rec.raised = True, False, cond.time
            plan = self._plan_for(cond, wall) if rec.mode is None else None
            if plan is not None:
                rec.mode, rec.shelved_until = SHELVED, plan.end
                rec.operator, rec.comment = plan.operator, f"planned work: {plan.reason}"
            self._journal(rec, before, cond.time, rec.operator, rec.comment, changes)
        cover = collapsed_cover(conditions)
        for alarm_id, rec in list(self._records.items()):
            if alarm_id in seen or not rec.active:
                continue
            rule = rec.cond.rule
            kind = rule_kind(rule)
            if (only_kind and kind != only_kind) or kind not in kinds:
                continue  # no fresh data for this rule: its alarms keep their state
            t = times.get(kind, hub_now)
            before = rec.state
            rec.active = False
            first = rec.cond.racks[0] if rec.cond.racks else None
            into = cover.get((rule, first)) if first else None
            if into is not None and rec.mode is None:
                rec.acked = True
                self._journal(rec, before, t, "", f"collapsed into {into}", changes, force=True)
            elif rec.state != before:
                self._journal(rec, before, t, "", "", changes)

    def _journal(
        self,
        rec: Record,
        state_from: str,
        t: float,
        operator: str,
        comment: str,
        changes: Changes,
        force: bool = False,
    ) -> None:
        state_to = NORMAL if force else rec.state
        if state_to == state_from and not force:
            return
        rec.changed = t
        c = rec.cond
        entry = {
            "time": t,
            "alarm_id": c.alarm_id,
            "source": c.rule,
            "rack": c.rack or c.row or c.hall or "site",
            "priority": c.priority,
            "state_from": state_from,
            "state_to": state_to,
            "operator": operator,
            "comment": comment,
            "message": c.message,
            "until": rec.shelved_until if state_to == SHELVED else None,
            "detail": _detail(c),
        }
        self._pending.append(entry)
        changes.transitions.append(entry)
        if state_to == UNACK:
            changes.raised.append(c.alarm_id)
            if c.priority == "critical":
                changes.new_critical = True
        if state_from in (UNACK, ACKED) and state_to in (RTN_UNACK, NORMAL):
            changes.returned.append(c.alarm_id)
        if state_to == NORMAL:
            self._records.pop(c.alarm_id, None)

    def _finish(self, hub_now: float, changes: Changes) -> AlarmUpdate:
        self.flush_journal()
        alarms = self.alarms()
        return AlarmUpdate(
            time=hub_now,
            alarms=alarms,
            raised=tuple(changes.raised),
            returned=tuple(changes.returned),
            transitions=tuple(changes.transitions),
            counts=self._counts(alarms),
            new_critical=changes.new_critical,
            plans=self.plans(),
        )

    def flush_journal(self) -> bool:
        """Write pending journal entries; False (and ``journal_error`` set) if the store failed."""
        if not self._pending:
            return True
        try:
            self.journal.append_journal(list(self._pending))
        except Exception as exc:  # the cache may be locked, full or corrupt: keep alarming
            self.journal_error = f"{type(exc).__name__}: {exc}"
            log.warning("alarm journal write failed (%s); %d entries kept", exc, len(self._pending))
            return False
        self._pending.clear()
        self.journal_error = None
        return True

    def _in_maintenance(self, cond: Condition) -> bool:
        m = self._maintenance
        return bool(m) and (cond.hall in m or cond.row in m or cond.rack in m)

    def _expire_shelves(self, now: float, changes: Changes) -> None:
        for rec in list(self._records.values()):
            if rec.mode == SHELVED and rec.shelved_until is not None and rec.shelved_until <= now:
                self._release(rec, now + self.skew, "", "shelf expired", changes)

    def _release(
        self, rec: Record, t: float, operator: str, comment: str, changes: Changes
    ) -> None:
        before = rec.state
        rec.mode, rec.by_design, rec.shelved_until = None, False, None
        rec.acked = not rec.active
        if rec.active:
            rec.raised = t
        self._journal(rec, before, t, operator, comment, changes)

    # -- operator actions ---------------------------------------------------------------
    def _record(self, alarm_id: str) -> Record:
        rec = self._records.get(alarm_id)
        if rec is None:
            raise KeyError(f"no such alarm: {alarm_id}")
        return rec

    def _action(self, now: float | None) -> tuple[float, Changes]:
        return (self.clock() if now is None else now), Changes()

    def acknowledge(
        self, alarm_id: str, operator: str, comment: str = "", now: float | None = None
    ) -> AlarmUpdate:
        """Acknowledge an alarm: UNACK -> ACKED, RTN_UNACK -> NORMAL.

        ValueError if ``operator`` is empty; KeyError for an unknown alarm. Acknowledging
        an alarm that waits for no ack changes nothing.
        """
        operator = operator_name(operator)
        now, changes = self._action(now)
        rec = self._record(alarm_id)
        if rec.state in UNACKED_STATES:
            before = rec.state
            rec.acked, rec.operator, rec.comment = True, operator, comment
            self._journal(rec, before, now + self.skew, operator, comment, changes)
        return self._finish(now + self.skew, changes)

    def shelve(
        self,
        alarm_id: str,
        until: float,
        operator: str,
        comment: str = "",
        now: float | None = None,
    ) -> AlarmUpdate:
        """Shelve an alarm until ``until`` (workstation time); it comes back by itself then.

        ValueError for an empty operator, an expiry in the past or beyond ``max_shelve_s``.
        """
        operator = operator_name(operator)
        now, changes = self._action(now)
        if not until > now:
            raise ValueError("a shelf must expire in the future")
        if until - now > self.config.max_shelve_s:
            raise ValueError(
                f"alarms may be shelved for at most {self.config.max_shelve_s / 3600:g} h"
            )
        rec = self._record(alarm_id)
        if rec.mode in (SUPPRESSED, OUT_OF_SERVICE):
            raise ValueError(f"{alarm_id} is {rec.mode.lower().replace('_', ' ')}")
        self._set_mode(rec, SHELVED, now, operator, comment, changes, until=until)
        return self._finish(now + self.skew, changes)

    def unshelve(
        self, alarm_id: str, operator: str, comment: str = "", now: float | None = None
    ) -> AlarmUpdate:
        """End a shelf early; the alarm returns to what its condition says."""
        return self._end_mode(alarm_id, SHELVED, operator, comment, now)

    def suppress(
        self, alarm_id: str, operator: str, comment: str = "", now: float | None = None
    ) -> AlarmUpdate:
        """Suppress an alarm until :meth:`unsuppress`."""
        operator = operator_name(operator)
        now, changes = self._action(now)
        rec = self._record(alarm_id)
        if rec.mode != OUT_OF_SERVICE:
            self._set_mode(rec, SUPPRESSED, now, operator, comment, changes)
        return self._finish(now + self.skew, changes)

    def unsuppress(
        self, alarm_id: str, operator: str, comment: str = "", now: float | None = None
    ) -> AlarmUpdate:
        """End a suppression."""
        return self._end_mode(alarm_id, SUPPRESSED, operator, comment, now)

    def set_out_of_service(
        self,
        alarm_id: str,
        out: bool,
        operator: str,
        comment: str = "",
        now: float | None = None,
    ) -> AlarmUpdate:
        """Take an alarm out of service (``out=True``) or return it to service."""
        if not out:
            return self._end_mode(alarm_id, OUT_OF_SERVICE, operator, comment, now)
        operator = operator_name(operator)
        now, changes = self._action(now)
        self._set_mode(self._record(alarm_id), OUT_OF_SERVICE, now, operator, comment, changes)
        return self._finish(now + self.skew, changes)

    def set_maintenance(
        self, area: str, on: bool, operator: str, comment: str = "", now: float | None = None
    ) -> AlarmUpdate:
        """Mark a hall, row or rack in maintenance: its alarms are suppressed by design."""
        operator = operator_name(operator)
        now, changes = self._action(now)
        if on:
            self._maintenance.add(area)
        else:
            self._maintenance.discard(area)
        for rec in list(self._records.values()):
            c = rec.cond
            if area not in (c.hall, c.row, c.rack):
                continue
            if on and rec.mode is None:
                self._set_mode(rec, SUPPRESSED, now, operator, comment, changes)
                rec.by_design = True
            elif not on and rec.mode == SUPPRESSED and rec.by_design:
                if not self._in_maintenance(c):
                    self._release(rec, now + self.skew, operator, comment, changes)
        return self._finish(now + self.skew, changes)

    @property
    def maintenance(self) -> frozenset[str]:
        """Halls, rows and racks marked in maintenance."""
        return frozenset(self._maintenance)

    def _set_mode(
        self,
        rec: Record,
        mode: str,
        now: float,
        operator: str,
        comment: str,
        changes: Changes,
        until: float | None = None,
    ) -> None:
        before = rec.state
        rec.mode, rec.operator, rec.comment = mode, operator, comment
        rec.shelved_until = until
        self._journal(rec, before, now + self.skew, operator, comment, changes)

    def _end_mode(
        self, alarm_id: str, mode: str, operator: str, comment: str, now: float | None
    ) -> AlarmUpdate:
        operator = operator_name(operator)
        now, changes = self._action(now)
        rec = self._record(alarm_id)
        if rec.mode == mode:
            rec.operator, rec.comment = operator, comment
            self._release(rec, now + self.skew, operator, comment, changes)
        return self._finish(now + self.skew, changes)

    # -- queries ------------------------------------------------------------------------
    def alarms(self) -> tuple[Alarm, ...]:
        """Every alarm not in NORMAL, most urgent first, then newest first."""
        out = [public(r) for r in self._records.values()]
        out.sort(key=lambda a: (a.priority_rank, -a.time, a.id))
        return tuple(out)

    def alarm(self, alarm_id: str) -> Alarm | None:
        """One alarm by id, None when it is normal (or unknown)."""
        rec = self._records.get(alarm_id)
        return None if rec is None else public(rec)

    def counts(self) -> dict[str, int]:
        """Standing alarms (UNACK, ACKED, RTN_UNACK) by priority."""
        return self._counts(self.alarms())

    @staticmethod
    def _counts(alarms: Sequence[Alarm]) -> dict[str, int]:
        counts = dict.fromkeys(PRIORITIES, 0)
        for a in alarms:
            if a.state in STANDING_STATES:
                counts[a.priority] = counts.get(a.priority, 0) + 1
        return counts

    def oldest_unacknowledged(self) -> Alarm | None:
        """The unacknowledged alarm that has waited longest (None when all are acked)."""
        waiting = [r for r in self._records.values() if r.state in UNACKED_STATES]
        if not waiting:
            return None
        return public(min(waiting, key=lambda r: (r.changed, r.cond.alarm_id)))

    # -- planned work -------------------------------------------------------------------
    def plan_shelf(
        self,
        scope: str,
        start: float,
        end: float,
        operator: str,
        reason: str,
        now: float | None = None,
    ) -> AlarmUpdate:
        """Announce planned work: alarms of ``scope`` raised from ``start`` to ``end``
        (workstation times) are shelved at once until ``end``; alarms of the scope standing
        when the plan comes into force are shelved too. Journaled as ``plan:<id>``.

        ValueError for an empty operator, scope or reason, an end not after the start or
        in the past, or a plan longer than ``max_plan_s``.
        """
        operator = operator_name(operator)
        now, changes = self._action(now)
        scope, reason = (scope or "").strip(), (reason or "").strip()
        if not scope:
            raise ValueError("planned work needs a scope (site, hall, row, rack or server)")
        if not reason:
            raise ValueError("planned work needs a reason")
        if not end > start or end <= now:
            raise ValueError("planned work must end after it starts, and in the future")
        if end - start > self.config.max_plan_s:
            raise ValueError(
                f"planned work may last at most {self.config.max_plan_s / 86400:g} days"
            )
        self._plan_seq = max(self._plan_seq, int(now * 1000)) + 1
        plan = PlannedShelf(str(self._plan_seq), scope, float(start), float(end), operator, reason)
        self._plans[plan.id] = plan
        self._journal_plan(plan, NORMAL, SHELVED, operator, reason, now, changes)
        self._apply_plans(now, changes)
        return self._finish(now + self.skew, changes)

    def cancel_plan(
        self, plan_id: str, operator: str, comment: str = "", now: float | None = None
    ) -> AlarmUpdate:
        """End a plan early; the alarms it shelved go back to what their conditions say."""
        operator = operator_name(operator)
        now, changes = self._action(now)
        plan = self._plans.pop(plan_id, None)
        if plan is None:
            raise KeyError(f"no such planned work: {plan_id}")
        self._journal_plan(plan, SHELVED, NORMAL, operator, comment or "cancelled", now, changes)
        self._release_plan(plan, now, operator, comment or "planned work cancelled", changes)
        return self._finish(now + self.skew, changes)

    def plans(self) -> tuple[PlannedShelf, ...]:
        """Plans in force or to come, soonest first."""
        return tuple(sorted(self._plans.values(), key=lambda p: (p.start, p.id)))

    def _worked_on(self, now: float) -> set[str]:
        """Areas marked in maintenance and the scopes of planned work in force: the GPU
        faults there are the work itself and raise no alarm (they stay on the
        maintenance list)."""
        scopes = {p.scope for p in self._plans.values() if p.in_force(now) and p.scope != "site"}
        return self._maintenance | scopes

    def _plan_for(self, cond: Condition, now: float) -> PlannedShelf | None:
        for plan in self._plans.values():
            if plan.in_force(now) and plan.covers(cond):
                return plan
        return None

    def _apply_plans(self, now: float, changes: Changes) -> None:
        """Expire finished plans; shelve standing alarms of plans now in force."""
        for plan in list(self._plans.values()):
            if plan.end <= now:
                del self._plans[plan.id]
                self._journal_plan(plan, SHELVED, NORMAL, "", "planned work ended", now, changes)
        for rec in list(self._records.values()):
            if rec.mode is not None:
                continue
            in_force = self._plan_for(rec.cond, now)
            if in_force is not None:
                self._set_mode(
                    rec, SHELVED, now, in_force.operator, f"planned work: {in_force.reason}",
                    changes, until=in_force.end,
                )

    def _release_plan(
        self, plan: PlannedShelf, now: float, operator: str, comment: str, changes: Changes
    ) -> None:
        for rec in list(self._records.values()):
            if rec.mode == SHELVED and rec.shelved_until == plan.end and plan.covers(rec.cond):
                self._release(rec, now + self.skew, operator, comment, changes)

    def _journal_plan(
        self,
        plan: PlannedShelf,
        state_from: str,
        state_to: str,
        operator: str,
        comment: str,
        now: float,
        changes: Changes,
    ) -> None:
        entry = {
            "time": now + self.skew,
            "alarm_id": PLAN_PREFIX + plan.id,
            "source": "planned_shelf",
            "rack": plan.scope,
            "priority": "diagnostic",
            "state_from": state_from,
            "state_to": state_to,
            "operator": operator,
            "comment": comment,
            "message": PLANNED.format(plan.scope,
                                      _time.strftime("%Y-%m-%d %H:%M", _time.gmtime(plan.end)),
                                      plan.reason),
            "until": plan.end,
            "detail": plan.journal_detail(),
        }
        self._pending.append(entry)
        changes.transitions.append(entry)

    # -- restart ------------------------------------------------------------------------
    def resume(self, entries: Sequence[Mapping[str, Any]], now: float | None = None) -> int:
        """Take up the alarm states, shelves and plans the journal says stood last.

        ``entries`` are journal rows (oldest first). Nothing is journaled: an alarm whose
        condition is still present is not raised again, and one whose condition has gone
        returns (journaled then) at the first evaluation of its data. Returns the number of
        alarms resumed.
        """
        now = self.clock() if now is None else now
        last: dict[str, Mapping[str, Any]] = {}
        raised: dict[str, float] = {}
        for entry in entries:
            alarm_id = str(entry.get("alarm_id") or "")
            if not alarm_id:
                continue
            if entry.get("state_to") == UNACK:
                raised[alarm_id] = float(entry.get("time") or 0.0)
            last[alarm_id] = entry
        count = 0
        for alarm_id, entry in last.items():
            state = str(entry.get("state_to") or NORMAL)
            if alarm_id.startswith(PLAN_PREFIX):
                plan = plan_from_journal(dict(entry))
                if plan is not None and state == SHELVED and plan.end > now:
                    self._plans[plan.id] = plan
                    self._plan_seq = max(self._plan_seq, _int(plan.id))
                continue
            if state == NORMAL or alarm_id in self._records:
                continue
            rec = _record_from_journal(alarm_id, entry, raised.get(alarm_id), state)
            if rec is None:
                continue
            self._records[alarm_id] = rec
            count += 1
        return count


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


def _detail(c: Condition) -> str:
    value = c.value if c.value is not None and c.value == c.value else None
    return json.dumps(
        {
            "area": c.area,
            "row": c.row,
            "hall": c.hall,
            "racks": list(c.racks[:200]),
            "gpus": list(c.gpus[:200]),
            "feeds": list(c.feeds),
            "value": value,
        },
        allow_nan=False,
        default=str,
    )


def _record_from_journal(
    alarm_id: str, entry: Mapping[str, Any], raised: float | None, state: str
) -> Record | None:
    """The engine record a journal row stands for (its last row)."""
    try:
        detail = json.loads(entry.get("detail") or "{}")
    except ValueError:
        detail = {}
    if not isinstance(detail, dict):
        detail = {}
    place = area_of(str(entry.get("rack") or ""))
    rule = str(entry.get("source") or alarm_id.split(":", 1)[0])
    priority = str(entry.get("priority") or "medium")
    t = float(entry.get("time") or 0.0)
    value = detail.get("value")
    cond = Condition(
        alarm_id=alarm_id,
        rule=rule,
        priority=priority if priority in PRIORITIES else "medium",
        message=str(entry.get("message") or ""),
        time=raised if raised is not None else t,
        value=float(value) if isinstance(value, int | float) else None,
        rack=place.get("rack"),
        row=detail.get("row") or place.get("row"),
        hall=detail.get("hall") or place.get("hall"),
        area=str(detail.get("area") or place.get("area") or "site"),
        racks=tuple(str(r) for r in detail.get("racks") or place.get("racks", ())),
        gpus=tuple(str(g) for g in detail.get("gpus") or ()),
        feeds=tuple(str(f) for f in detail.get("feeds") or ()),
    )
    mode = state if state in (SHELVED, SUPPRESSED, OUT_OF_SERVICE) else None
    active = state in (UNACK, ACKED) or mode is not None
    acked = state == ACKED
    until = entry.get("until")
    return Record(
        cond=cond,
        active=active,
        acked=acked,
        raised=cond.time,
        changed=t,
        mode=mode,
        operator=str(entry.get("operator") or ""),
        comment=str(entry.get("comment") or ""),
        shelved_until=float(until) if mode == SHELVED and isinstance(until, int | float) else None,
    )


def _merge(conditions: Sequence[Condition]) -> list[Condition]:
    """One condition per alarm: where telemetry and a hub event raise the same alarm, the
    telemetry's (fresher values) with the earlier of the two start times."""
    out: dict[str, Condition] = {}
    for c in conditions:
        had = out.get(c.alarm_id)
        if had is None:
            out[c.alarm_id] = c
            continue
        keep = c if len(c.detail) >= len(had.detail) else had
        first = min(c.time, had.time)
        prio = min((c.priority, had.priority), key=lambda p: PRIORITY_RANK.get(p, 9))
        racks = keep.racks or (had.racks if keep is c else c.racks)
        out[c.alarm_id] = replace(keep, time=first, priority=prio, racks=racks)
    return list(out.values())
