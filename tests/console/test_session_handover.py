"""A shift handover journaled by the live session: in the alarm journal of the cache, as
acknowledgements are (through the alarm service, or straight into the cache), refused in
words without a journal."""

from __future__ import annotations

from pathlib import Path

from console.alarms.service import AlarmService
from console.cache import Cache
from console.handover import ShiftWindow
from console.handover.record import HandoverRecord, records_from_journal
from console.session import LiveSession, SessionListener

SHIFT = ShiftWindow.parse("2026-11-28T06:00..14:00", "Africa/Casablanca")


class _Listener(SessionListener):
    def __init__(self) -> None:
        self.refused: list[str] = []

    def on_alarm_action_failed(self, message: str) -> None:
        self.refused.append(message)


def _record(summary: str = "All quiet.", taken_after_s: float = 30.0) -> HandoverRecord:
    return HandoverRecord.make("Samira", "Youssef", SHIFT.end - 120, SHIFT.end + taken_after_s,
                               SHIFT, summary, ("site",))


def _session(listener: _Listener) -> LiveSession:
    return LiveSession(lambda: None, listener=listener, settle=False)  # type: ignore[arg-type,return-value]


def test_the_handover_is_journaled_in_the_cache(tmp_path: Path) -> None:
    listener = _Listener()
    session = _session(listener)
    with Cache.open(tmp_path / "c.db") as cache:
        session.cache = cache
        session.alarm_service = AlarmService(cache=cache, clock=lambda: SHIFT.end)
        through_alarms = _record()
        session.record_handover(through_alarms)
        assert session.alarm_service.recent.entries[-1]["alarm_id"] == through_alarms.alarm_id
        session.alarm_service = None
        straight = _record("Second one, straight into the cache.", 60.0)
        session.record_handover(straight)
    with Cache.open(tmp_path / "c.db", readonly=True) as review:
        assert records_from_journal(review.journal(), SHIFT) == (through_alarms, straight)
    assert listener.refused == []


def test_no_journal_is_said_in_words() -> None:
    listener = _Listener()
    session = _session(listener)
    session.record_handover(_record())
    assert listener.refused == ["the handover is not journaled: this console keeps no alarm "
                                "journal"]
    session.stop()
    session.record_handover(_record())
    assert len(listener.refused) == 1
