"""A shift handover as the alarm journal keeps it: who handed over to whom, when, and what
the outgoing operator said (Qt-free, no I/O).

File → Hand over shift journals one :class:`HandoverRecord` in the alarm journal (the
cache's ``alarm_journal`` table), so review and every later pack of the shift read it back.
Its row is no alarm: alarm id ``handover:<uid>``, source ``handover``, state ``NORMAL`` to
``NORMAL`` (the alarm engine's restart, the review's alarm list and the alarm KPIs take a
NORMAL row for "nothing standing" and skip it), the record itself in ``detail`` (JSON).

The names are one line each (at most ``MAX_NAME`` characters), and differ; the summary is
plain text (:func:`console.shiftlog.model.clean_text`, at most ``MAX_SUMMARY``
characters). :func:`handover_shift` says which shift a handover made at a time closes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from console.contract import DEFAULT_SITE_TZ
from console.handover.shift import ShiftWindow
from console.power import SHIFTS, shift_bounds
from console.shiftlog.model import (
    MAX_AUTHOR,
    MAX_TEXT,
    LogError,
    clean_text,
    new_uid,
    validate_name,
)

__all__ = [
    "HANDOVER_GRACE_S",
    "HANDOVER_PREFIX",
    "HANDOVER_SOURCE",
    "MAX_NAME",
    "MAX_SUMMARY",
    "HandoverRecord",
    "belongs_to",
    "handover_shift",
    "is_handover",
    "records_from_journal",
]

HANDOVER_PREFIX = "handover:"
"""Alarm id prefix of a handover's journal row (``handover:<uid>``)."""
HANDOVER_SOURCE = "handover"
"""The journal row's ``source`` (the kind of row: no alarm rule has this name)."""
MAX_NAME = MAX_AUTHOR
"""Longest operator name, in characters (as a shift-log author)."""
MAX_SUMMARY = MAX_TEXT
"""Longest summary, in characters (as a shift-log entry)."""
HANDOVER_GRACE_S = 8 * 3600.0
"""How long after a shift's end its handover may be journaled (a pack of the shift reads the
journal that far past its end)."""


def _utc(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _time(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LogError(f"{what} must be a time (epoch seconds)")
    value = float(value)
    if not math.isfinite(value) or not 946_684_800 <= value <= 4_102_444_800:
        raise LogError(f"{what} is not a plausible time")
    return value


@dataclass(frozen=True, slots=True)
class HandoverRecord:
    """One shift handover: the outgoing operator handed over at ``handed_at`` (when they
    submitted the checklist), the incoming one acknowledged at ``taken_at``."""

    outgoing: str
    incoming: str
    handed_at: float
    taken_at: float
    shift_start: float
    """The shift handed over (epoch seconds): its start ..."""
    shift_end: float
    """... and its planned end (a handover made before it: the shift still in progress)."""
    summary: str = ""
    checklist: tuple[str, ...] = ()
    """The checklist items the outgoing operator ticked (their keys)."""
    uid: str = ""

    @classmethod
    def make(
        cls, outgoing: Any, incoming: Any, handed_at: Any, taken_at: Any, shift: ShiftWindow,
        summary: Any = "", checklist: Sequence[str] = (), uid: str | None = None,
    ) -> HandoverRecord:
        """A record checked and cleaned: :class:`LogError` (one line) for an empty or too
        long name, the same name twice, a summary over ``MAX_SUMMARY`` characters, an
        acknowledgement before the handover."""
        out_name = validate_name(outgoing, "the outgoing operator's name")
        in_name = validate_name(incoming, "the incoming operator's name")
        if out_name.casefold() == in_name.casefold():
            raise LogError("the incoming operator must be someone else than the outgoing one")
        if not isinstance(summary, str):
            raise LogError("the summary must be text")
        text = clean_text(summary)
        if len(text) > MAX_SUMMARY:
            raise LogError(f"the summary is {len(text)} characters long; at most {MAX_SUMMARY}")
        t1 = _time(handed_at, "the handover time")
        t2 = _time(taken_at, "the acknowledgement time")
        if t2 < t1:
            raise LogError("the incoming operator cannot acknowledge before the handover")
        end = shift.nominal_end if shift.partial and shift.nominal_end else shift.end
        return cls(out_name, in_name, t1, t2, float(shift.start), float(end), text,
                   tuple(str(k) for k in checklist), uid or new_uid())

    @property
    def alarm_id(self) -> str:
        return HANDOVER_PREFIX + self.uid

    def words(self) -> str:
        """'Handed over by X at T1, taken over by Y at T2' (UTC), one line."""
        return (f"Handed over by {self.outgoing} at {_utc(self.handed_at)}, "
                f"taken over by {self.incoming} at {_utc(self.taken_at)}")

    def to_dict(self) -> dict[str, Any]:
        """The record for ``summary.json`` and the journal row's ``detail``."""
        return {
            "uid": self.uid,
            "outgoing": self.outgoing,
            "incoming": self.incoming,
            "handed_at": self.handed_at,
            "taken_at": self.taken_at,
            "shift_start": self.shift_start,
            "shift_end": self.shift_end,
            "summary": self.summary,
            "checklist": list(self.checklist),
        }

    def journal_entry(self) -> dict[str, Any]:
        """The alarm journal row (:data:`console.alarms.journal.JOURNAL_FIELDS`) at the
        acknowledgement time."""
        return {
            "time": self.taken_at,
            "alarm_id": self.alarm_id,
            "source": HANDOVER_SOURCE,
            "rack": "site",
            "priority": "diagnostic",
            "state_from": "NORMAL",
            "state_to": "NORMAL",
            "operator": self.incoming,
            "comment": self.summary,
            "message": self.words(),
            "until": None,
            "detail": json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")),
        }

    @classmethod
    def from_journal(cls, entry: Mapping[str, Any]) -> HandoverRecord | None:
        """The record a journal row holds; None for any other row, or a damaged one."""
        if not is_handover(entry):
            return None
        try:
            d = json.loads(entry.get("detail") or "{}")
            if not isinstance(d, dict):
                return None
            return cls(
                outgoing=str(d["outgoing"]), incoming=str(d["incoming"]),
                handed_at=float(d["handed_at"]), taken_at=float(d["taken_at"]),
                shift_start=float(d["shift_start"]), shift_end=float(d["shift_end"]),
                summary=str(d.get("summary") or ""),
                checklist=tuple(str(k) for k in d.get("checklist") or ()),
                uid=str(entry.get("alarm_id"))[len(HANDOVER_PREFIX):],
            )
        except (ValueError, KeyError, TypeError):
            return None


def is_handover(entry: Mapping[str, Any]) -> bool:
    """Whether an alarm journal row is a handover's (not an alarm's)."""
    return str(entry.get("alarm_id") or "").startswith(HANDOVER_PREFIX)


def belongs_to(record: HandoverRecord, shift: ShiftWindow) -> bool:
    """Whether ``record`` hands over ``shift`` (the shift's planned end is the record's
    within a minute, or the record's shift ends inside it)."""
    end = shift.nominal_end if shift.partial and shift.nominal_end else shift.end
    return shift.start < record.shift_end <= end + 60.0


def records_from_journal(
    entries: Sequence[Mapping[str, Any]], shift: ShiftWindow | None = None
) -> tuple[HandoverRecord, ...]:
    """The handovers journaled in ``entries`` (of ``shift`` when given), oldest first."""
    out = []
    for entry in entries:
        record = HandoverRecord.from_journal(entry)
        if record is not None and (shift is None or belongs_to(record, shift)):
            out.append(record)
    return tuple(sorted(out, key=lambda r: (r.taken_at, r.uid)))


def handover_shift(now: float, tz: str = DEFAULT_SITE_TZ) -> ShiftWindow:
    """The shift a handover made at ``now`` closes: the shift whose planned end is nearest.
    In the first half of a shift, the one before it (complete); in the second half, the
    shift in progress, its figures up to ``now``."""
    start, end = shift_bounds(now, tz, SHIFTS)
    if now - start < (end - start) / 2.0:
        before, after = shift_bounds(start - 1.0, tz, SHIFTS)
        return ShiftWindow(before, after, tz)
    if now >= end - 1.0:
        return ShiftWindow(start, end, tz)
    return ShiftWindow(start, now, tz, nominal_end=end)
