"""The shift log through the sessions: two consoles on one hub, writes kept while the hub is
down and sent once when it answers, refusals in words, review at a time."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from console.cache import Cache
from console.hub.server import HubServer
from console.hub.sim import SimulatedHub
from console.poller import DEFAULT_INTERVALS, PollResult
from console.session import LiveSession, ReviewSession, SessionListener
from console.shiftlog.model import LogEntry, LogSnapshot, validate_new
from console.shiftlog.writer import QUEUED, REFUSED, SENT, LogWriteReport
from console.sources.hub import HubApiSource

INTERVALS = {"site": 60.0, "log": 0.1}


class _Listener(SessionListener):
    def __init__(self) -> None:
        self.polls: list[PollResult] = []
        self.reports: list[LogWriteReport] = []
        self.alarm_kinds: list[str] = []

    def on_polled(self, result: PollResult) -> None:
        self.polls.append(result)

    def on_log_written(self, report: LogWriteReport) -> None:
        self.reports.append(report)

    def log_polls(self) -> list[PollResult]:
        return [r for r in self.polls if r.kind == "log"]


class _Console:
    """One workstation: a live session on its own cache, driven as the Qt worker drives
    it (run_due on this thread when a lane wakes it)."""

    def __init__(self, url: str, cache: Path, lanes: bool = True) -> None:
        self.woken = threading.Event()
        self.listener = _Listener()
        self.session = LiveSession(
            lambda: HubApiSource(url, timeout=(0.5, 1.0), retries=0),
            lambda: Cache.open(cache), dict(INTERVALS), listener=self.listener,
            settle=False, wake=self.woken.set if lanes else None)
        assert self.session.begin()

    def until(self, done: Callable[[], bool], timeout_s: float = 15.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not done():
            assert time.monotonic() < deadline, "timed out"
            wait = self.session.run_due()
            self.woken.wait(min(0.05, wait if wait is not None else 0.05))
            self.woken.clear()

    def entries(self) -> dict[str, LogEntry]:
        """The log as this console read it, by uid (the latest copy of each entry)."""
        seen: dict[str, LogEntry] = {}
        for result in self.listener.log_polls():
            if isinstance(result.snapshot, LogSnapshot):
                seen.update((e.uid, e) for e in result.snapshot.entries)
        return seen

    def close(self) -> None:
        self.session.stop()
        self.session.close()


def _hub_entries(path: Path) -> list[tuple[str, str, str | None]]:
    with closing(sqlite3.connect(path)) as conn:
        return [(r[0], r[1], r[2]) for r in conn.execute(
            "SELECT uid, text, cleared_by FROM entries ORDER BY id")]


def _outbox_rows(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM log_outbox").fetchone()[0])


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubServer]:
    server = HubServer(SimulatedHub("rack", seed=3), port=0, tick_s=5.0,
                       log_db=tmp_path / "hub-log.db").start()
    yield server
    server.stop()


def test_the_log_is_polled_every_ten_seconds_by_default() -> None:
    assert DEFAULT_INTERVALS["log"] == 10.0


def test_two_consoles_write_and_read_the_same_log(hub: HubServer, tmp_path: Path) -> None:
    a = _Console(hub.url, tmp_path / "a.db")
    b = _Console(hub.url, tmp_path / "b.db")
    try:
        assert a.session.lanes is not None and a.session.log_writer is not None
        text = "Pump P-3 noisy <b>check</b> =1+1"
        a.session.add_log_entry(validate_new(text, "maintenance", [("rack", "A-01-01")],
                                             "Amina", True))
        a.until(lambda: bool(a.listener.reports))
        written = a.listener.reports[0].requested
        assert written is not None and written.outcome == SENT and written.entry is not None
        uid = written.entry.uid
        # the other console reads it at its next poll, as typed
        b.until(lambda: uid in b.entries())
        seen = b.entries()[uid]
        assert seen.text == text and seen.author == "Amina" and seen.is_open
        assert seen.links == (("rack", "A-01-01"),)
        # b clears it; a reads the clear
        b.session.clear_log_entry(uid, "Bilal")
        b.until(lambda: bool(b.listener.reports))
        cleared = b.listener.reports[0].requested
        assert cleared is not None and cleared.outcome == SENT
        assert cleared.entry is not None and cleared.entry.cleared_by == "Bilal"
        # b's copy takes the clear at its next poll of the log (one may have been on its
        # way already when the clear was sent)
        b.until(lambda: b.entries()[uid].cleared)
        a.until(lambda: a.entries()[uid].cleared)
        # a's own clear comes second: refused, naming who cleared it and when
        a.session.clear_log_entry(uid, "Amina")
        a.until(lambda: len(a.listener.reports) == 2)
        second = a.listener.reports[1].requested
        assert second is not None and second.outcome == REFUSED
        assert second.cleared_by == "Bilal" and second.cleared_at == cleared.entry.cleared_at
        assert "already cleared by Bilal" in str(second.reason)
        # the shift log raises no alarm and is no comm loss: every log poll was good
        assert all(r.ok for r in a.listener.log_polls() + b.listener.log_polls())
    finally:
        a.close()
        b.close()
    # each console's cache holds the copy, as it stands now
    for path in (tmp_path / "a.db", tmp_path / "b.db"):
        with Cache.open(path) as cache:
            (kept,) = cache.log_at(time.time() + 60)
            assert kept.uid == uid and kept.cleared_by == "Bilal"
            assert len(cache.open_items(time.time() + 60)) == 0
    assert [u for u, _, _ in _hub_entries(tmp_path / "hub-log.db")] == [uid]


@pytest.mark.parametrize("lanes", [True, False], ids=["lanes", "one-thread"])
def test_an_entry_written_while_the_hub_is_down_arrives_once(
    tmp_path: Path, lanes: bool
) -> None:
    db = tmp_path / "hub-log.db"
    sim = SimulatedHub("rack", seed=3)
    server = HubServer(sim, port=0, tick_s=5.0, log_db=db).start()
    port = server.port
    console = _Console(server.url, tmp_path / "console.db", lanes=lanes)
    try:
        console.until(lambda: any(r.ok for r in console.listener.log_polls()))
        server.stop()
        console.until(lambda: not console.listener.log_polls()[-1].ok)
        entry = validate_new("Chiller 2 tripped; on standby", "operations", (), "Amina", True)
        console.session.add_log_entry(entry)
        console.until(lambda: bool(console.listener.reports))
        kept = console.listener.reports[0]
        assert kept.requested is not None and kept.requested.outcome == QUEUED
        assert kept.pending == 1 and kept.error
        uid = kept.requested.uid
        # cleared before the hub came back: both wait, in order
        console.session.clear_log_entry(uid, "Amina")
        console.until(lambda: len(console.listener.reports) == 2)
        assert console.listener.reports[1].pending == 2
        assert _outbox_rows(tmp_path / "console.db") == 2  # kept in the cache file
        # the hub answers again on the same port: the next poll sends both, once
        server = HubServer(sim, port=port, tick_s=5.0, log_db=db).start()
        console.until(lambda: len(console.listener.reports) == 3)
        sent = console.listener.reports[2]
        assert [(w.action, w.outcome, w.requested) for w in sent.writes] == [
            ("add", SENT, True), ("clear", SENT, True)]
        assert sent.pending == 0
        console.until(lambda: uid in console.entries() and console.entries()[uid].cleared)
        polls = len(console.listener.log_polls())
        console.until(lambda: len(console.listener.log_polls()) >= polls + 3)
        assert len(console.listener.reports) == 3  # nothing more was sent
    finally:
        console.close()
        server.stop()
    assert _hub_entries(db) == [(uid, "Chiller 2 tripped; on standby", "Amina")]
    assert _outbox_rows(tmp_path / "console.db") == 0


def test_a_source_without_a_log_refuses_writes_in_words(tmp_path: Path) -> None:
    from tests.console.test_session import _SiteSource

    listener = _Listener()
    session = LiveSession(_SiteSource, None, dict(INTERVALS), listener=listener, settle=False)
    assert session.begin() and session.log_writer is None
    session.add_log_entry(validate_new("text", "operations", (), "Amina"))
    (report,) = listener.reports
    assert report.requested is not None and report.requested.outcome == REFUSED
    assert "keeps no shift log" in str(report.requested.reason)
    session.close()


def test_a_hub_that_keeps_no_log_refuses_writes_in_its_own_words(tmp_path: Path) -> None:
    """A hub that answers 404 for the log is told as such, not as a source without one
    (whose words point at the config file's [log] url)."""
    from console.session import NO_LOG, NO_LOG_AT_HUB
    from tests.backend_http import FakeBackend

    with FakeBackend() as old_hub:  # every path: 404
        listener = _Listener()
        session = LiveSession(lambda: HubApiSource(old_hub.url, timeout=(0.5, 1.0), retries=0),
                              None, dict(INTERVALS), listener=listener, settle=False)
        try:
            assert session.begin() and session.log_writer is not None
            assert session.poller is not None
            assert session.poller.poll("log").error is not None  # the hub answered 404
            session.add_log_entry(validate_new("text", "operations", (), "Amina"))
            (report,) = listener.reports
            assert report.requested is not None and report.requested.outcome == REFUSED
            assert report.requested.reason == NO_LOG_AT_HUB != NO_LOG
            assert "[log] url" not in NO_LOG_AT_HUB and "404" in NO_LOG_AT_HUB
        finally:
            session.close()


def test_a_clear_that_cannot_be_sent_is_refused_at_once(hub: HubServer, tmp_path: Path) -> None:
    console = _Console(hub.url, tmp_path / "c.db")
    try:
        console.session.clear_log_entry("not-a-uid", "Amina")
        (report,) = console.listener.reports
        assert report.requested is not None and report.requested.outcome == REFUSED
        assert "not a UUID" in str(report.requested.reason)
    finally:
        console.close()


def test_review_at_a_time_shows_the_log_as_it_stood(tmp_path: Path) -> None:
    from tests.widgets.test_review import record_shift

    path = tmp_path / "shift.db"
    times = record_shift(path, polls=8)
    opened, cleared = times[2], times[5]
    item = LogEntry(id=1, uid="9f1c2a4e-8d1b-4c3e-9a2f-1b2c3d4e5f60", time=opened,
                    author="Amina", category="safety", text="Hot aisle A-03 door held open",
                    links=(("rack", "A-03-01"),), open=True, rev=1)
    note = LogEntry(id=2, uid="1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b", time=times[3],
                    author="Bilal", category="operations", text="Shift quiet", rev=2)
    with Cache.open(path) as cache:
        cache.write_poll([LogSnapshot(time=times[3], entries=(item, note), rev=2)])
        cache.write_poll([LogSnapshot(time=cleared, entries=(
            replace(item, cleared_by="Bilal", cleared_at=cleared, rev=3),), rev=3)])
    session = ReviewSession(f"cache://{path}")
    session.open()
    try:
        before = session.seek(times[1])
        assert before is not None and before.log == ()
        during = session.seek(times[4])
        assert during is not None and during.log is not None
        assert [(e.uid, e.is_open) for e in during.log] == [(item.uid, True), (note.uid, False)]
        after = session.seek(times[6])
        assert after is not None and after.log is not None
        assert after.log[0].cleared_by == "Bilal" and not after.log[0].is_open
    finally:
        session.close()


def test_a_log_not_polled_says_so_when_written(hub: HubServer) -> None:
    listener = _Listener()
    session = LiveSession(lambda: HubApiSource(hub.url, retries=0), None, {"site": 60.0},
                          listener=listener, settle=False)
    assert session.begin() and session.log_writer is None
    session.add_log_entry(validate_new("text", "operations", (), "Amina"))
    (report,) = listener.reports
    assert report.requested is not None and "[poll] log" in str(report.requested.reason)
    session.close()
