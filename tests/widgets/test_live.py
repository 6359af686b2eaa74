"""The live feed's bridge (widgets.live): its session made on the feed's own thread."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from console.sources.hub import HubApiSource
from widgets.live import HISTORY_S, LiveFeed

FAST = {"site": 30.0, "racks": 0.3, "gpus": 0.6, "power": 1.0, "jobs": 2.0, "events": 0.5}
ROOT = Path(__file__).resolve().parents[2]


def test_a_feed_imports_no_session_module_before_it_starts() -> None:
    """The live window's first frame is drawn between making its feed and starting it:
    the session's modules (the cache store, the alarm service, the shift log) are not
    imported on the GUI thread for it."""
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from widgets.live import LiveFeed\n"
        "feed = LiveFeed(lambda: None, None, {'racks': 2.0})\n"
        "assert not feed.is_busy() and feed._worker.cache is None\n"
        "heavy = sorted(m for m in ('console.session', 'console.cache.store',\n"
        "    'console.alarms.service', 'console.cache.logbook') if m in sys.modules)\n"
        "feed.stop()\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_session_is_made_on_the_feeds_thread_and_polls(
    qtbot: Any, hub_server: Any, monkeypatch: Any,
) -> None:
    from widgets.live import _PollWorker

    made_on: list[threading.Thread] = []
    make = _PollWorker._make_session

    def making(worker: Any) -> Any:
        made_on.append(threading.current_thread())
        return make(worker)

    monkeypatch.setattr(_PollWorker, "_make_session", making)
    feed = LiveFeed(lambda: HubApiSource(hub_server.url, timeout=(0.5, 1.0), retries=0),
                    None, FAST)
    assert feed._worker._session is None  # nothing made until the thread begins
    polled: list[Any] = []
    feed.polled.connect(polled.append)
    feed.start()
    try:
        qtbot.waitUntil(lambda: any(r.kind == "racks" and r.ok for r in polled), timeout=20_000)
        assert feed.session.source is not None
        assert len(made_on) == 1 and made_on[0] is not threading.main_thread()
    finally:
        feed.stop()
    assert not feed.running


def test_a_feed_never_started_stops_without_a_session(qtbot: Any) -> None:
    feed = LiveFeed(lambda: None, None, FAST)  # type: ignore[arg-type, return-value]
    assert not feed.is_busy()
    feed.stop()
    assert feed._worker._session is None


def test_session_names_are_passed_on_when_asked() -> None:
    import console.session
    import widgets.live

    assert HISTORY_S == console.session.HISTORY_S
    for name in ("BURST_SLACK_S", "CACHE_HEAL_S", "CACHE_MAINTAIN_S", "HISTORY_FIELDS"):
        assert getattr(widgets.live, name) == getattr(console.session, name)
