"""The alarm side of the poll loop: one object the poller's worker feeds after each poll.

:class:`AlarmService` owns an :class:`AlarmEngine` and an :class:`IncidentTracker`. Call
:meth:`AlarmService.on_poll` with every poll outcome (success or failure) and apply
operator actions through it, on the same thread; hand each returned
:class:`AlarmUpdate` to the GUI (``AlarmListView.set_alarms`` and
``AlarmBanner.set_alarms`` take ``update.alarms`` and ``update.time``).
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from console.alarms.engine import AlarmEngine
from console.alarms.incidents import IncidentTracker
from console.alarms.journal import JournalStore
from console.alarms.kpis import AlarmKpis, shift_kpis
from console.alarms.rules import AlarmConfig
from console.alarms.state import AlarmUpdate
from console.maintenance import MaintenanceTracker
from console.model import JobsSnapshot, SiteTopology, Snapshot, UnhealthyGpus
from console.protocols import AlarmCache

log = logging.getLogger(__name__)

SITE_CAUSES = frozenset({"cooling_loss", "pdu_feed_lost", "pdu_critical", "inlet_high"})
"""Alarms whose racks' throttled GPUs are the alarm's consequence, not maintenance items."""

KPI_JOURNAL_S = 2 * 86_400.0
"""How much of the journal the service keeps in memory for the shift's KPIs."""
KPI_REFRESH_S = 10.0
"""The KPIs are recomputed at most this often unless the journal grew."""

RESUME_DAYS = 14.0
"""How far back a restart reads the alarm journal to resume standing alarms and plans."""


class RecentJournal:
    """The alarm journal's store, seen through: what is written goes on to ``store`` (the
    cache; nothing when None) and the last ``KPI_JOURNAL_S`` of it stays in memory, so the
    shift's alarm KPIs are computed on the worker without reading the cache again."""

    def __init__(self, store: JournalStore | None) -> None:
        self.store = store
        self.entries: list[dict[str, Any]] = []
        """Journal rows, oldest first."""
        self._shown: tuple[int, float] | None = None

    def append_journal(self, entries: Sequence[Mapping[str, Any]]) -> None:
        """Write through to the store (its failure raises: the engine keeps and retries)."""
        if self.store is not None:
            self.store.append_journal(entries)
        self.entries.extend(dict(e) for e in entries)

    def take(self, entries: Sequence[Mapping[str, Any]], now: float) -> None:
        """The rows read from the cache at start (older than any written since)."""
        lo = now - KPI_JOURNAL_S
        self.entries[:0] = [dict(e) for e in entries if float(e.get("time") or 0.0) >= lo]

    def shift_kpis(
        self, now: float, tz: str | None = None
    ) -> tuple[AlarmKpis, tuple[float, float], float | None] | None:
        """The current shift's figures, recomputed when the journal grew or ``KPI_REFRESH_S``
        passed (else None): ``(AlarmKpis, (start, end), journal start or None)``."""
        key = (len(self.entries), now)
        if self._shown is not None and key[0] == self._shown[0] and (
                now - self._shown[1] < KPI_REFRESH_S):
            return None
        cut = bisect_left(self.entries, now - KPI_JOURNAL_S,
                          key=lambda e: float(e.get("time") or 0.0))
        del self.entries[:cut]
        self._shown = (len(self.entries), now)
        kpis, shift = shift_kpis(self.entries, now, tz)
        first = float(self.entries[0].get("time") or 0.0) if self.entries else now
        return kpis, shift, first if first > shift[0] else None


class AlarmService:
    """Engine + incidents, fed poll by poll.

    ``cache`` (optional) is the SQLite cache (:class:`console.protocols.AlarmCache`): it
    receives the journal, the incidents, the maintenance list's changes and
    ``mark_full_resolution(start, end)`` for each closed incident's window.
    """

    def __init__(
        self,
        config: AlarmConfig | None = None,
        cache: AlarmCache | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.recent = RecentJournal(cache)
        """The journal of the last ``KPI_JOURNAL_S``, kept in memory for the shift's KPIs."""
        kwargs = {} if clock is None else {"clock": clock}
        self.engine = AlarmEngine(config, self.recent, **kwargs)
        self.cache = cache
        self.tracker = IncidentTracker(cache, on_window=self._window)
        self.maintenance = MaintenanceTracker(store=cache)
        """Single-device faults: the maintenance list, updated on every GPU and job poll."""
        self.topology: SiteTopology | None = None
        self.jobs: JobsSnapshot | None = None
        self.gpus: UnhealthyGpus | None = None
        self.resumed = 0
        """Alarms taken up from the cache's journal at start (a restart raises none again)."""
        if cache is not None:
            self.resume()

    def resume(self, now: float | None = None) -> None:
        """Take up alarm states, shelves, plans, open incidents and the maintenance list
        (counts, first seen) from the cache.

        Reads the journal of the last ``RESUME_DAYS`` days and the incidents still open or
        closed within the incident window; a cache that cannot be read resumes nothing.
        """
        now = self.engine.clock() if now is None else now
        read_journal = getattr(self.cache, "journal", None)
        read_incidents = getattr(self.cache, "incidents", None)
        if read_journal is None:
            return
        try:
            entries = read_journal(now - RESUME_DAYS * 86400.0, None)
            self.resumed = self.engine.resume(entries, now)
            self.recent.take(entries, now)
            if read_incidents is not None:
                since = now - RESUME_DAYS * 86400.0
                self.tracker.resume(read_incidents(since, None), self.engine.alarms(), now)
            read_maintenance = getattr(self.cache, "maintenance_at", None)
            if read_maintenance is not None:
                self.maintenance.resume(read_maintenance(now))
        except Exception as exc:  # the cache is a cache: start afresh, say why
            log.warning("could not resume alarms from the cache: %s", exc)

    def on_poll(
        self, kind: str, snapshot: Snapshot | None, ok: bool, now: float | None = None
    ) -> AlarmUpdate:
        """Take one poll's outcome: its snapshot (None when the poll failed)."""
        now = self.engine.clock() if now is None else now
        if isinstance(snapshot, SiteTopology):
            self.topology = snapshot
        elif isinstance(snapshot, JobsSnapshot):
            self.jobs = snapshot
        update = self.engine.set_comm_state(kind, ok, now)
        if snapshot is not None and self.topology is not None and kind != "site":
            update = self.engine.evaluate({kind: snapshot}, self.topology, now)
        self.tracker.update(update.alarms, update.time, self.jobs)
        if isinstance(snapshot, UnhealthyGpus):
            self.gpus = snapshot
        if isinstance(snapshot, UnhealthyGpus | JobsSnapshot) and self.gpus is not None:
            site_racks = {
                r for a in update.alarms if a.active and a.rule in SITE_CAUSES for r in a.racks
            }
            mlist = self.maintenance.update(self.gpus, self.jobs, self.topology, site_racks)
            update = replace(update, maintenance=mlist)
        zone = self.topology.timezone if self.topology is not None else None
        kpis = self.recent.shift_kpis(update.time, zone or None)  # the site's shifts
        if kpis is not None:
            update = replace(update, kpis=kpis)
        return update

    def acknowledge(self, alarm_id: str, operator: str, comment: str = "") -> AlarmUpdate:
        """Acknowledge through the engine (ValueError without an operator)."""
        return self.engine.acknowledge(alarm_id, operator, comment)

    def shelve(self, alarm_id: str, until: float, operator: str, comment: str = "") -> AlarmUpdate:
        """Shelve through the engine until ``until`` (workstation time)."""
        return self.engine.shelve(alarm_id, until, operator, comment)

    def _window(self, incident_id: int, start: float, end: float | None) -> None:
        if end is None or self.cache is None:
            return
        try:
            self.cache.mark_full_resolution(start, end, f"incident {incident_id}")
        except Exception as exc:  # the cache is a cache
            log.warning("could not keep incident %s at full resolution: %s", incident_id, exc)
