"""Alarms: rules over telemetry, the ISA-18.2 state machine, the journal and incidents.

Qt-free. The poller's worker owns one :class:`AlarmEngine`, calls
:meth:`AlarmEngine.evaluate` after each poll and hands the :class:`AlarmUpdate` to the GUI;
an :class:`IncidentTracker` groups the alarms into incidents.

The names below are imported from their modules on first use (PEP 562): importing one
module of the package (the cache reads the journal's fields) does not import them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.lazy import lazy_names

if TYPE_CHECKING:
    from console.alarms.engine import Alarm, AlarmEngine, AlarmUpdate
    from console.alarms.incidents import (
        Incident,
        IncidentStore,
        IncidentTracker,
        MemoryIncidentStore,
    )
    from console.alarms.journal import JOURNAL_FIELDS, JournalStore, MemoryJournal
    from console.alarms.rules import (
        ACKED,
        NORMAL,
        OUT_OF_SERVICE,
        PRIORITIES,
        RTN_UNACK,
        RULES,
        SHELVED,
        STATE_LABELS,
        STATES,
        SUPPRESSED,
        UNACK,
        AlarmConfig,
    )
    from console.alarms.service import AlarmService

_MODULES = {
    "engine": ("Alarm", "AlarmEngine", "AlarmUpdate"),
    "incidents": ("Incident", "IncidentStore", "IncidentTracker", "MemoryIncidentStore"),
    "journal": ("JOURNAL_FIELDS", "JournalStore", "MemoryJournal"),
    "rules": ("ACKED", "NORMAL", "OUT_OF_SERVICE", "PRIORITIES", "RTN_UNACK", "RULES", "SHELVED",
              "STATE_LABELS", "STATES", "SUPPRESSED", "UNACK", "AlarmConfig"),
    "service": ("AlarmService",),
}
_WHERE = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "ACKED",
    "JOURNAL_FIELDS",
    "NORMAL",
    "OUT_OF_SERVICE",
    "PRIORITIES",
    "RTN_UNACK",
    "RULES",
    "SHELVED",
    "STATES",
    "STATE_LABELS",
    "SUPPRESSED",
    "UNACK",
    "Alarm",
    "AlarmConfig",
    "AlarmEngine",
    "AlarmService",
    "AlarmUpdate",
    "Incident",
    "IncidentStore",
    "IncidentTracker",
    "JournalStore",
    "MemoryIncidentStore",
    "MemoryJournal",
]

__getattr__, __dir__ = lazy_names(__name__, _WHERE)
