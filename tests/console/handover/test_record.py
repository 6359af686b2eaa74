"""The handover record: checked names and summary, its journal row read back from the cache,
never taken for an alarm, and the shift a handover closes."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.alarms.engine import AlarmEngine
from console.alarms.kpis import alarm_kpis as alarm_performance
from console.alarms.replay import alarms_at
from console.cache import Cache
from console.handover import ShiftWindow, build_handover
from console.handover.record import (
    HandoverRecord,
    belongs_to,
    handover_shift,
    is_handover,
    records_from_journal,
)
from console.shiftlog.model import LogError

TZ = "Africa/Casablanca"
SHIFT = ShiftWindow.parse("2026-11-28T06:00..14:00", TZ)


def _record(**over: object) -> HandoverRecord:
    args: dict[str, object] = {
        "outgoing": "Samira", "incoming": "Youssef", "handed_at": SHIFT.end - 300,
        "taken_at": SHIFT.end + 60, "shift": SHIFT, "summary": "All quiet.\r\nWatch A-03.",
        "checklist": ("site", "alarms"),
    }
    return HandoverRecord.make(**(args | over))  # type: ignore[arg-type]


def test_names_are_required_and_must_differ() -> None:
    record = _record(outgoing="  Samira\u202e ", summary="Line one\r\nline two\u202e")
    assert record.outgoing == "Samira" and record.summary == "Line one\nline two"
    assert record.shift_start == SHIFT.start and record.shift_end == SHIFT.end
    for bad, words in (({"incoming": ""}, "incoming operator's name is empty"),
                       ({"outgoing": " "}, "outgoing operator's name is empty"),
                       ({"incoming": "samira"}, "someone else"),
                       ({"incoming": "x" * 65}, "at most 64"),
                       ({"summary": "x" * 4001}, "at most 4000"),
                       ({"taken_at": SHIFT.end - 301}, "before the handover"),
                       ({"handed_at": float("nan")}, "plausible")):
        with pytest.raises(LogError, match=words):
            _record(**bad)


def test_the_journal_row_is_read_back_from_the_cache_and_is_no_alarm(tmp_path: Path) -> None:
    record = _record()
    raised = {"time": SHIFT.start + 600, "alarm_id": "rack_inlet:A-01-01", "source": "rack_inlet",
              "rack": "A-01-01", "priority": "high", "state_from": "NORMAL",
              "state_to": "UNACK", "operator": "", "comment": "", "message": "hot"}
    with Cache.open(tmp_path / "c.db") as cache:
        cache.append_journal([raised, record.journal_entry()])
    with Cache.open(tmp_path / "c.db", readonly=True) as review:
        journal = review.journal()
    assert [is_handover(e) for e in journal] == [False, True]
    row = journal[1]
    assert row["operator"] == "Youssef" and row["comment"] == "All quiet.\nWatch A-03."
    assert "Handed over by Samira at" in row["message"] and "taken over by Youssef" in row["message"]
    assert records_from_journal(journal) == (record,)
    assert records_from_journal(journal, SHIFT) == (record,)
    assert records_from_journal(journal, ShiftWindow.containing(SHIFT.end + 1, TZ)) == ()
    # The alarm side reads the row as nothing standing: review, a restart, the KPIs.
    assert [a.id for a in alarms_at(journal, SHIFT.end + 3600)] == ["rack_inlet:A-01-01"]
    assert AlarmEngine(clock=lambda: SHIFT.end + 120).resume(journal) == 1
    kpis = alarm_performance(journal, SHIFT.start, SHIFT.end + 3600)
    assert kpis.raised == 1 and kpis.unacknowledged == 1 and len(kpis.standing) == 1
    # The pack lists it as the handover, not in the alarm journal.
    data = build_handover(SHIFT, journal=journal[:1], handovers=[record])
    assert data.handovers == (record,)
    later = ShiftWindow(SHIFT.start, SHIFT.end + 3600, TZ)
    data = build_handover(later, journal=journal)
    assert data.handovers == (record,)
    assert [e["alarm_id"] for e in data.alarms["journal"]] == ["rack_inlet:A-01-01"]
    assert data.to_summary_json()["handover"] == [record.to_dict()]


def test_a_damaged_row_is_no_record() -> None:
    row = _record().journal_entry() | {"detail": "{not json"}
    assert HandoverRecord.from_journal(row) is None
    assert HandoverRecord.from_journal(row | {"detail": "[1]"}) is None
    assert HandoverRecord.from_journal({"alarm_id": "plan:1"}) is None


def test_the_shift_handed_over_is_the_one_whose_end_is_nearest() -> None:
    boundary = SHIFT.end
    early = handover_shift(boundary + 1800, TZ)  # half an hour into the next shift
    assert (early.start, early.end, early.partial) == (SHIFT.start, SHIFT.end, False)
    late = handover_shift(boundary - 1800, TZ)  # half an hour before the end
    assert late.start == SHIFT.start and late.end == boundary - 1800
    assert late.partial and late.nominal_end == boundary
    record = _record(handed_at=boundary - 1800, taken_at=boundary - 1700, shift=late)
    assert record.shift_end == boundary and belongs_to(record, SHIFT)
    assert not belongs_to(record, ShiftWindow.containing(boundary + 1, TZ))
