"""The alarm journal: where every alarm state transition is written.

The SQLite cache implements :class:`JournalStore`; :class:`MemoryJournal` keeps entries
in memory (tests, and the engine's default when no cache is attached).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

JOURNAL_FIELDS: tuple[str, ...] = (
    "time",
    "alarm_id",
    "source",
    "rack",
    "priority",
    "state_from",
    "state_to",
    "operator",
    "comment",
    "message",
    "until",
    "detail",
)
"""Keys of one journal entry. ``time`` is hub time (epoch s); ``source`` the rule name;
``rack`` the rack id, or the row/hall/site the alarm covers; ``operator`` is empty for
transitions the engine made by itself; ``until`` is a shelf's end (workstation time) or
None; ``detail`` a JSON object (the alarm's area, racks and GPUs, a plan's scope and
start) or None."""


@runtime_checkable
class JournalStore(Protocol):
    """Anything that can append alarm journal entries (one transaction per call)."""

    def append_journal(self, entries: Sequence[Mapping[str, Any]]) -> None:
        """Append entries in order. May raise if the store is unavailable."""


class MemoryJournal:
    """An in-memory :class:`JournalStore`, newest last; ``maxlen`` bounds it (None: no bound)."""

    def __init__(self, maxlen: int | None = None) -> None:
        self.entries: deque[dict[str, Any]] = deque(maxlen=maxlen)

    def append_journal(self, entries: Sequence[Mapping[str, Any]]) -> None:
        """Append copies of ``entries``."""
        self.entries.extend(dict(e) for e in entries)

    def for_alarm(self, alarm_id: str) -> list[dict[str, Any]]:
        """Entries of one alarm, oldest first."""
        return [e for e in self.entries if e["alarm_id"] == alarm_id]

    def __len__(self) -> int:
        return len(self.entries)
