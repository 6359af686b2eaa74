"""The Qt-free sessions (console.session) and the one feed contract (widgets.feed)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from console.cache import Cache
from console.cache.store import CacheHealth, PendingCache
from console.decode import decode_site
from console.hub.sim import SimulatedHub
from console.model import EventBatch, Snapshot
from console.poller import PollResult
from console.session import (
    LiveSession,
    ReviewError,
    ReviewSession,
    Schedule,
    SessionListener,
    Source,
    SourceError,
)
from widgets.feed import Feed
from widgets.live import LiveFeed
from widgets.main_window import MainWindow, OfflineMode, WindowMode
from widgets.review import ReviewFeed, ReviewMode

T0 = 1_780_000_000.0


class _Recorder(SessionListener):
    """Keeps every callback as (name, args)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, tuple[Any, ...]]] = []

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("on_"):
            return lambda *args: self.events.append((name, args))
        return super().__getattribute__(name)

    def names(self) -> list[str]:
        return [name for name, _ in self.events]


class _SiteSource(Source):
    """Answers the site of a small simulated hub; the rest fails."""

    backend = "fake"
    kinds = ("site", "racks")

    def __init__(self) -> None:
        super().__init__("fake://user:secret@hub")
        self.closed = False
        self.site = decode_site(SimulatedHub("rack", seed=1, start=T0).site())

    def fetch(self, kind: str, context: Any) -> Snapshot:
        if kind == "site":
            return self.site
        raise OSError("no racks here")

    def close(self) -> None:
        self.closed = True


class _Alarms:
    def __init__(self) -> None:
        self.polls: list[tuple[str, bool]] = []

    def on_poll(self, kind: str, snapshot: Any, ok: bool, now: float) -> str:
        self.polls.append((kind, ok))
        return f"update:{kind}"

    def acknowledge(self, alarm_id: str, operator: str, comment: str) -> str:
        raise KeyError(f"no alarm {alarm_id}")


# -- the schedule ------------------------------------------------------------------------------


def test_schedule_puts_site_first_and_never_storms_to_catch_up() -> None:
    schedule = Schedule({"jobs": 30.0, "racks": 5.0, "site": 300.0, "gpus": 10.0},
                        ("racks", "site", "jobs"), now=100.0)
    assert schedule.take_due(100.0) == ["site", "racks", "jobs"]  # gpus: not of the source
    assert schedule.wait(100.0) == pytest.approx(5.0)
    assert schedule.take_due(104.0) == []
    # Far behind (a long stall): each kind is due once, then a whole step later.
    assert schedule.take_due(1000.0) == ["site", "racks", "jobs"]
    assert schedule.due_at["racks"] == pytest.approx(1005.0)
    assert Schedule({}, (), now=0.0).wait(0.0) is None


def test_a_kind_asked_outside_the_schedule_is_next_due_a_step_later() -> None:
    schedule = Schedule({"site": 300.0, "racks": 2.0, "jobs": 30.0}, ("site", "racks", "jobs"),
                        now=100.0)
    schedule.asked("site", 99.5)
    schedule.asked("racks", 99.5)
    schedule.asked("gpus", 99.5)  # not of the source: nothing to move
    assert schedule.take_due(100.0) == ["jobs"]
    assert schedule.take_due(101.6) == ["racks"]
    assert schedule.due_at["site"] == pytest.approx(399.5)


# -- the live session --------------------------------------------------------------------------


def test_live_session_polls_alarms_and_closes_without_qt() -> None:
    listener = _Recorder()
    source = _SiteSource()
    alarms = _Alarms()
    session = LiveSession(lambda: source, None, {"site": 60.0, "racks": 5.0},
                          alarm_factory=lambda cache: alarms, listener=listener, settle=False)
    assert session.begin()
    assert listener.events[0] == ("on_started", ("fake://hub",))  # never the password
    wait = session.run_due()
    assert wait is not None and 0 < wait <= 5.0
    polled = [args[0] for name, args in listener.events if name == "on_polled"]
    assert [(r.kind, r.ok) for r in polled] == [("site", True), ("racks", False)]
    assert all(isinstance(r, PollResult) for r in polled)
    assert alarms.polls == [("site", True), ("racks", False)]
    assert ("on_alarms", ("update:racks",)) in listener.events
    session.acknowledge("A-1", "Amina", "")
    assert listener.events[-1] == ("on_alarm_action_failed", ("no alarm A-1",))
    session.fetch_rack("A-01")  # the fake cannot: said, not raised
    assert listener.events[-1][0] == "on_rack_failed"
    session.stop()
    session.poll("site")  # stopped: nothing more
    assert listener.events[-1][0] == "on_rack_failed"
    session.close()
    assert source.closed


class _FailingAlarms(_Alarms):
    """Alarm evaluation that raises for racks until told to work."""

    def __init__(self) -> None:
        super().__init__()
        self.broken = True

    def on_poll(self, kind: str, snapshot: Any, ok: bool, now: float) -> str:
        if kind == "racks" and self.broken:
            raise ValueError("rule crashed")
        return super().on_poll(kind, snapshot, ok, now)


def test_a_failing_alarm_evaluation_is_said_once_then_its_recovery() -> None:
    listener = _Recorder()
    alarms = _FailingAlarms()
    session = LiveSession(_SiteSource, None, {"site": 60.0, "racks": 5.0},
                          alarm_factory=lambda cache: alarms, listener=listener, settle=False)
    assert session.begin()
    session.run_due()  # site evaluates, racks raises
    said = [args for name, args in listener.events if name == "on_alarm_evaluation"]
    assert said == [({"racks": "rule crashed"},)]
    assert session.alarm_failing == {"racks": "rule crashed"}
    session.poll("racks")  # the same failure again: not said again
    assert [n for n, _ in listener.events].count("on_alarm_evaluation") == 1
    alarms.broken = False
    session.poll("racks")
    said = [args for name, args in listener.events if name == "on_alarm_evaluation"]
    assert said[-1] == ({},) and session.alarm_failing == {}
    assert listener.events[-1] == ("on_alarms", ("update:racks",))  # then the update
    session.stop()
    session.close()


def test_live_session_that_cannot_start_says_why() -> None:
    listener = _Recorder()

    def broken() -> Source:
        raise OSError("port in use")

    session = LiveSession(broken, None, {"site": 1.0}, listener=listener, settle=False)
    assert not session.begin()
    assert listener.events == [("on_start_failed", ("port in use",))]
    assert session.run_due() is None
    session.close()


def test_live_session_opens_a_locked_cache_later_and_passes_its_health_on(tmp_path: Path) -> None:
    listener = _Recorder()
    path = tmp_path / "live.db"
    attempts: list[int] = []

    def opener() -> Cache:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("database is locked")
        return Cache.open(path)

    session = LiveSession(_SiteSource, opener, {"site": 60.0}, listener=listener, settle=False)
    assert session.begin()
    assert ("on_cache_failed", ("database is locked",)) in listener.events
    assert isinstance(session.cache, PendingCache)
    assert session.heals and session.cache.on_health is not None
    session.cache.on_health(CacheHealth(None, polls=3))
    assert listener.events[-1] == ("on_cache_recovered", (CacheHealth(None, polls=3),))
    session.stop()
    session.cache.on_health(CacheHealth("disk full"))  # after stop: not passed on
    assert listener.events[-1][0] == "on_cache_recovered"
    session.close()


# -- lanes: each kind fetched on its own thread -------------------------------------------------


class _GatedSource(_SiteSource):
    """Concurrent kinds; ``racks`` and rack details wait for their gates to open."""

    concurrent_kinds = True
    kinds = ("site", "racks", "events")

    def __init__(self) -> None:
        super().__init__()
        self.gates = {"racks": threading.Event(), "rack": threading.Event()}
        self.calls: list[tuple[str, str]] = []
        self.broken: set[str] = set()

    def fetch(self, kind: str, context: Any) -> Snapshot:
        self.calls.append((kind, threading.current_thread().name))
        if kind in self.broken:
            raise RuntimeError("a bug in a decoder")
        if kind == "racks":
            assert context.topology is not None  # asked only after the site was taken
            self.gates["racks"].wait(10)
            raise SourceError("fake", "racks: answer took longer than 2 s (deadline); refused")
        if kind == "events":
            return EventBatch(time=self.site.time, events=(), last_id=0, instance="one")
        return self.site

    def fetch_rack(self, rack_id: str) -> Any:
        self.calls.append(("rack", threading.current_thread().name))
        self.gates["rack"].wait(10)
        raise SourceError("fake", f"no rack {rack_id}")


class _Driver:
    """Runs a session the way the Qt worker does: run_due on one thread when woken."""

    def __init__(self, source: _GatedSource, intervals: dict[str, float]) -> None:
        self.woken = threading.Event()
        self.listener = _Recorder()
        self.source = source
        self.session = LiveSession(lambda: source, None, intervals, listener=self.listener,
                                   settle=False, wake=self.woken.set)

    def results(self, kind: str) -> list[PollResult]:
        return [a[0] for n, a in self.listener.events if n == "on_polled" and a[0].kind == kind]

    def until(self, done: Callable[[], bool], timeout_s: float = 10.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not done():
            assert time.monotonic() < deadline, "timed out"
            wait = self.session.run_due()
            self.woken.wait(min(0.05, wait if wait is not None else 0.05))
            self.woken.clear()
        self.session.run_due()


def test_a_kind_held_up_holds_back_no_other_kind() -> None:
    source = _GatedSource()
    driver = _Driver(source, {"site": 60.0, "racks": 0.05, "events": 0.05})
    session = driver.session
    assert session.begin() and session.lanes is not None
    try:
        # racks waits for the site's topology, then hangs; events go on meanwhile
        driver.until(lambda: len(driver.results("events")) >= 10)
        assert [r.ok for r in driver.results("site")] == [True]
        assert driver.results("racks") == []
        assert [k for k, _ in source.calls].count("racks") == 1  # never asked twice in flight
        assert session.busy.is_set()  # a lane is working
        source.gates["racks"].set()
        driver.until(lambda: len(driver.results("racks")) >= 2)
        failed = driver.results("racks")[0]
        assert not failed.ok and "deadline" in str(failed.error)
        threads = {k: t for k, t in source.calls}
        assert threads["racks"] == "hub-poller-racks" and threads["events"] == "hub-poller-events"
        # a rack in depth on its own lane: events still flow while it waits
        session.fetch_rack("A-01")
        seen = len(driver.results("events"))
        driver.until(lambda: len(driver.results("events")) >= seen + 5)
        assert "on_rack_failed" not in driver.listener.names()
        source.gates["rack"].set()
        driver.until(lambda: "on_rack_failed" in driver.listener.names())
        assert ("rack", "hub-poller-rack") in source.calls
        # a bug in one kind's fetch is said as that kind's error; the kind is asked again
        source.broken.add("events")
        seen = len(driver.results("events"))
        driver.until(lambda: len(driver.results("events")) >= seen + 2)
        assert "unexpected error" in str(driver.results("events")[-1].error)
    finally:
        session.stop()
        session.close()
    assert session.lanes is None and source.closed
    assert not [t for t in threading.enumerate() if t.name.startswith("hub-poller-")]
    assert not session.busy.is_set()


def test_the_floor_comes_first_then_every_other_kind() -> None:
    """At start the site and the racks are fetched alone (the window's first view of the
    site); the other kinds are asked once the first rack answer is taken."""
    source = _GatedSource()
    source.gates["racks"].set()
    driver = _Driver(source, {"site": 60.0, "racks": 60.0, "events": 0.05})
    session = driver.session
    assert session.begin() and session.lanes is not None
    try:
        driver.until(lambda: len(driver.results("events")) >= 1)
        kinds = [k for k, _ in source.calls]
        assert kinds[:3] == ["site", "racks", "events"]
        first_events = next(i for i, (n, a) in enumerate(driver.listener.events)
                            if n == "on_polled" and a[0].kind == "events")
        first_racks = next(i for i, (n, a) in enumerate(driver.listener.events)
                           if n == "on_polled" and a[0].kind == "racks")
        assert first_racks < first_events
        # already on their way when the schedule starts: neither is asked again at once
        driver.until(lambda: len(driver.results("events")) >= 5)
        kinds = [k for k, _ in source.calls]
        assert kinds.count("site") == 1 and kinds.count("racks") == 1
        assert len(driver.results("site")) == 1
    finally:
        session.stop()
        session.close()


def test_without_wake_every_kind_is_polled_on_the_callers_thread() -> None:
    source = _GatedSource()
    source.gates["racks"].set()
    listener = _Recorder()
    session = LiveSession(lambda: source, None, {"site": 60.0, "racks": 5.0, "events": 5.0},
                          listener=listener, settle=False)
    assert session.begin() and session.lanes is None
    session.run_due()
    me = threading.current_thread().name
    assert [(k, t) for k, t in source.calls] == [("site", me), ("racks", me), ("events", me)]
    session.close()


# -- the review session ------------------------------------------------------------------------


def test_review_session_reads_a_file_at_a_time(tmp_path: Path) -> None:
    from tests.widgets.test_review import record_shift

    path = tmp_path / "shift.db"
    times = record_shift(path, polls=6)
    session = ReviewSession(f"cache://{path}")
    first, last, incidents = session.open()
    assert last == pytest.approx(times[-1]) and first <= times[0]
    assert isinstance(incidents, list)
    assert session.gaps() == []
    results: list[PollResult] = []
    found = session.seek(times[2], results.append)
    assert found is not None
    assert [r.kind for r in results] == ["site", "racks", "gpus", "power", "jobs", "events",
                                        "forecast"]
    assert found.position == pytest.approx(times[2])
    assert found.alarms.maintenance is not None and found.kpis is not None
    assert found.elapsed_ms >= 0
    session.close()
    assert session.seek(times[3]) is None  # closed


def test_review_session_refuses_a_file_that_is_no_cache(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ReviewError):
        ReviewSession(f"cache://{bad}").open()


# -- the feed contract -------------------------------------------------------------------------

CONTRACT = ("polled", "rackDetailReady", "rackDetailFailed", "rackHistoryReady", "powerHistory",
            "sourceStarted", "sourceFailed", "cacheFailed", "cacheRecovered", "alarmsUpdated",
            "alarmActionFailed", "alarmKpisReady", "opened", "seeked", "gapsFound")


def test_both_feeds_keep_the_one_contract(qtbot: Any) -> None:
    live = LiveFeed(_SiteSource)
    review = ReviewFeed("cache:///nowhere.db")
    for feed in (live, review):
        assert isinstance(feed, Feed)
        for name in CONTRACT:
            assert getattr(type(feed), name) is getattr(Feed, name), name  # declared once
    assert live.reports_busy and not review.reports_busy
    live.stop()
    review.stop()


def test_a_bare_feed_refuses_in_words_and_the_window_shows_it(qtbot: Any, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    feed = Feed()
    window = MainWindow("sim://test", feed=feed, settings=settings)
    qtbot.addWidget(window)
    with qtbot.waitSignal(feed.alarmActionFailed, timeout=1000):
        feed.acknowledge("A-1", "Amina", "")
    assert "Alarm action refused" in window.statusBar().currentMessage()
    with qtbot.waitSignal(feed.rackDetailFailed, timeout=1000):
        window.show_rack("A-01")
    feed.stop()
    feed.acknowledge("A-1", "Amina", "")  # stopped: silent
    window.close()


def test_modes_and_what_a_window_is_handed(qtbot: Any, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "m.ini"), QSettings.Format.IniFormat)
    bare = MainWindow("http://user:pw@hub:8080", settings=settings)
    qtbot.addWidget(bare)
    assert type(bare.mode) is WindowMode and not bare.review
    assert "pw" not in bare.windowTitle()
    assert not bare.action_export.isEnabled() and not bare.action_open_cache.isEnabled()
    assert bare.export_handover() is None and bare.open_review("x.db") is None
    opened: list[tuple[Any, ...]] = []
    handed = MainWindow("sim://test", settings=settings,
                        export_dialog=lambda *a, **k: opened.append((a, k)),
                        review_opener=lambda *a: None)
    qtbot.addWidget(handed)
    assert handed.action_export.isEnabled() and handed.action_open_cache.isEnabled()
    handed.export_handover()
    assert opened == [((handed,), {"live": True})]
    offline = MainWindow("old.db", settings=settings, review=True)
    qtbot.addWidget(offline)
    assert isinstance(offline.mode, OfflineMode) and offline.scrubber is None
    review = MainWindow("old.db", settings=settings, mode=ReviewMode())
    qtbot.addWidget(review)
    assert review.review and review.scrubber is review.mode.scrubber is not None
    for window in (bare, handed, offline, review):
        window.close()


def test_settling_the_heap_off_the_main_thread_collects_nothing() -> None:
    """A collection on a session's worker thread would destroy garbage Qt objects there,
    not on the GUI thread; there the heap is only frozen (released after)."""
    import gc

    from console.session import release_heap, settle_heap

    starts: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and threading.current_thread() is not threading.main_thread():
            starts.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        worker = threading.Thread(target=settle_heap)
        worker.start()
        worker.join()
        assert starts == [] and gc.get_freeze_count() > 0
        release_heap()
        assert gc.get_freeze_count() == 0
    finally:
        gc.callbacks.remove(seen)


# -- the cache's pages, checked once polls run --------------------------------------------------


def test_the_first_poll_does_not_wait_for_the_page_check_and_a_damaged_cache_still_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The live cache is opened with a glance at its header (LiveSession.begin reads no
    page more); every page is read on a thread of its own once polls run, and a damaged
    file then fails the cache (the listener hears why) and is never written."""
    import hashlib
    import sys

    import console.session as session_module

    sys.path.insert(0, str(Path(__file__).parent / "cache"))
    from cache_files import damaged_copy, sound_cache

    bad = damaged_copy(sound_cache(tmp_path / "sound.db"), tmp_path / "bad.db")

    def digest() -> str:  # the file and its write-ahead log
        wal = Path(f"{bad}-wal")
        return hashlib.sha256(bad.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
                              ).hexdigest()

    gate = threading.Event()
    checks: list[str] = []

    class GatedCheck(session_module.PageCheck):
        def run(self) -> str | None:
            checks.append(threading.current_thread().name)
            gate.wait(10)
            return super().run()

    monkeypatch.setattr(session_module, "PageCheck", GatedCheck)
    listener = _Recorder()
    woken = threading.Event()
    session = LiveSession(_SiteSource, lambda: Cache.open(bad, checked=False),
                          {"site": 0.05}, listener=listener, settle=False, wake=woken.set)
    try:
        assert session.begin()  # the check has not run its course: begin did not wait for it
        session.run_due()
        assert "on_polled" in listener.names() and "on_cache_failed" not in listener.names()
        gate.set()
        deadline = time.monotonic() + 10
        while "on_cache_failed" not in listener.names():
            assert time.monotonic() < deadline, "timed out"
            woken.wait(0.05)
            woken.clear()
            session.run_due()
        reason = next(a[0] for n, a in listener.events if n == "on_cache_failed")
        assert reason.startswith("cache file is corrupt or truncated")
        assert checks == ["hub-poller-pages"]
        before = digest()
        polled = listener.names().count("on_polled")
        for _ in range(3):
            session.poll("site")  # recorded, were the cache sound
            session.heal()
        assert listener.names().count("on_polled") == polled + 3
        assert digest() == before  # never written again
    finally:
        gate.set()
        session.close()


def test_closing_ends_a_page_check_under_way(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "cache"))
    from cache_files import sound_cache

    path = sound_cache(tmp_path / "sound.db")
    session = LiveSession(_SiteSource, lambda: Cache.open(path, checked=False), {"site": 60.0},
                          listener=_Recorder(), settle=False)
    assert session.begin()
    session.close()  # joins the check's thread (the thread-leak check would say otherwise)
    assert session._page_check is None


def test_the_floors_first_answer_is_fetched_while_the_history_and_alarms_load() -> None:
    """With lanes, begin asks for the site and the racks before it loads the power
    history and the alarms (seconds of a large cache): the first live floor does not wait
    for them (it is taken after them, at the first run_due)."""
    source = _GatedSource()
    source.gates["racks"].set()
    site_fetched = threading.Event()
    fetch = source.fetch

    def fetch_and_say(kind: str, context: Any) -> Snapshot:
        found = fetch(kind, context)
        if kind == "site":
            site_fetched.set()
        return found

    source.fetch = fetch_and_say  # type: ignore[method-assign]
    seen: list[bool] = []

    def alarms(cache: Any) -> Any:
        seen.append(site_fetched.wait(10))
        return _Alarms()

    listener = _Recorder()
    woken = threading.Event()
    session = LiveSession(lambda: source, None, {"site": 60.0, "racks": 60.0, "events": 60.0},
                          alarm_factory=alarms, listener=listener, settle=False, wake=woken.set)
    try:
        assert session.begin()
        assert seen == [True]
        assert "on_polled" not in listener.names()  # taken at the first run_due, not before
        deadline = time.monotonic() + 10
        while "on_polled" not in listener.names():
            assert time.monotonic() < deadline, "timed out"
            woken.wait(0.05)
            woken.clear()
            session.run_due()
        first = next(a[0] for n, a in listener.events if n == "on_polled")
        assert first.kind == "site" and first.ok
    finally:
        session.close()
